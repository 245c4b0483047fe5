package weijian

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/weijian-health/weijian/internal/ident"
	"github.com/weijian-health/weijian/internal/period"
)

// Field names of a person, as the API and the import report name them.
const (
	FieldDocType   = "docType"
	FieldIDNumber  = "idNumber"
	FieldName      = "name"
	FieldSex       = "sex"
	FieldBirthDate = "birthDate"
	FieldVillage   = "village"
	FieldPhone     = "phone"
)

// CheckPerson normalises p and checks it as registration requires:
// a GB 11643 ID number (whose birth date and sex must agree with the
// fields given) or another CV02.01.101 document, flagged unchecked; a
// name; a GB/T 2261.1 sex code; a birth date not in the future; a phone
// of digits. today is the reference day. It returns every problem found.
func CheckPerson(p *Person, today time.Time) []Issue {
	var is []Issue
	add := func(field, value, rule string, msg Text) {
		is = append(is, Issue{Field: field, Value: Clip(value), Rule: rule, Msg: msg})
	}
	p.Name = strings.Join(strings.Fields(p.Name), " ")
	p.Phone = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, ident.Normalize(p.Phone))
	p.DocNumber = ident.Normalize(p.DocNumber)
	if p.DocType == DocUnrecognised {
		p.DocType = DocIDCard
	}
	before := len(is)
	checkDocument(p, today, add)
	docBad := len(is) > before
	if p.Name == "" || utf8.RuneCountInString(p.Name) > 50 {
		add(FieldName, p.Name, "required", T("姓名必填，不超过50个字", "a name is required, at most 50 characters"))
	}
	if p.Sex != 0 && p.Sex != 1 && p.Sex != 2 && p.Sex != 9 {
		add(FieldSex, fmt.Sprint(p.Sex), "code", T("性别代码应为 GB/T 2261.1 的 0、1、2 或 9", "sex must be a GB/T 2261.1 code: 0, 1, 2 or 9"))
	}
	switch {
	case p.BirthDate.IsZero() && docBad: // the ID number it comes from is reported
	case p.BirthDate.IsZero():
		add(FieldBirthDate, "", "required", T("出生日期必填", "a birth date is required"))
	case p.BirthDate.After(today):
		add(FieldBirthDate, p.BirthDate.Format(time.DateOnly), "future", T("出生日期不能晚于今天", "the birth date is in the future"))
	case p.BirthDate.Year() < 1880:
		add(FieldBirthDate, p.BirthDate.Format(time.DateOnly), "range", T("出生日期早于1880年", "the birth date is before 1880"))
	}
	if p.Phone != "" && (len(p.Phone) < 7 || len(p.Phone) > 15 || strings.Trim(p.Phone, "0123456789") != "") {
		add(FieldPhone, p.Phone, "format", T("联系电话应为7–15位数字", "a phone number has 7–15 digits"))
	}
	if p.VillageID == 0 && p.VillageCode == "" {
		add(FieldVillage, "", "required", T("现住址村（居）委会必填", "the village of the current address is required"))
	}
	return is
}

// checkDocument checks the identity document. A 居民身份证 number must
// pass GB 11643 (checksum, a real date not in the future); the birth date
// and sex are taken from it when missing and must agree when given.
func checkDocument(p *Person, today time.Time, add func(field, value, rule string, msg Text)) {
	if !ValidDocType(p.DocType) {
		add(FieldDocType, string(p.DocType), "code", T("证件类别应为 CV02.01.101 代码（01 居民身份证 … 99 其他）",
			"the document type must be a CV02.01.101 code (01 ID card … 99 other)"))
		return
	}
	p.DocChecked = false
	if p.DocType != DocIDCard {
		if utf8.RuneCountInString(p.DocNumber) > 40 {
			add(FieldIDNumber, p.DocNumber, "length", T("证件号码不超过40个字符", "a document number has at most 40 characters"))
		}
		return
	}
	if p.DocNumber == "" {
		return // registered without a number (a newborn); matched by name, birth date and village
	}
	id, err := ident.ParseIDNumber(p.DocNumber, period.DateOf(today))
	if err != nil {
		var ie *ident.Error
		rule := "id_number"
		if errors.As(err, &ie) {
			rule = ie.Rule
		}
		add(FieldIDNumber, p.DocNumber, rule, identText(err))
		return
	}
	p.DocNumber, p.DocChecked = id.String(), true
	b := id.BirthDate()
	birth := time.Date(b.Year, b.Month, b.Day, 0, 0, 0, 0, time.UTC)
	if p.BirthDate.IsZero() {
		p.BirthDate = birth
	} else if !p.BirthDate.Equal(birth) {
		add(FieldBirthDate, p.BirthDate.Format(time.DateOnly), "id_mismatch",
			T("出生日期与身份证号码中的 "+birth.Format(time.DateOnly)+" 不一致", "the birth date differs from the ID number's "+birth.Format(time.DateOnly)))
	}
	sex := int(id.Sex())
	if p.Sex == 0 {
		p.Sex = sex
	} else if (p.Sex == 1 || p.Sex == 2) && p.Sex != sex {
		add(FieldSex, fmt.Sprint(p.Sex), "id_mismatch", T("性别与身份证号码第17位不一致", "the sex differs from the ID number's 17th digit"))
	}
}

// MaskName hides all but the first character of a name: 张** .
func MaskName(s string) string {
	n := utf8.RuneCountInString(s)
	if n <= 1 {
		return strings.Repeat("*", n)
	}
	return ident.Mask(s, 1, 0)
}

// MaskPhone hides the middle of a phone number: 138****5678.
func MaskPhone(s string) string {
	if len(s) < 8 {
		return ident.Mask(s, 0, 0)
	}
	return ident.Mask(s, 3, 4)
}

// MaskAddress hides the free-text address detail below the village.
func MaskAddress(s string) string {
	if s == "" {
		return ""
	}
	return "****"
}

// MaskDocument hides an identity-document number: an ID number keeps its
// county and last 4 characters; others keep only their last 2.
func MaskDocument(t DocType, s string) string {
	if t == DocIDCard {
		return ident.MaskIDNumber(s)
	}
	if utf8.RuneCountInString(s) <= 4 {
		return ident.Mask(s, 0, 0)
	}
	return ident.Mask(s, 0, 2)
}

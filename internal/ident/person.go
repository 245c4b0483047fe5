package ident

import (
	"fmt"

	"github.com/weijian-health/weijian/internal/period"
)

// Sex is a sex code of GB/T 2261.1-2003 (data element DE02.01.040.00); its
// numeric value is the code.
type Sex uint8

// The GB/T 2261.1 codes.
const (
	SexUnknown  Sex = 0 // 未知的性别
	Male        Sex = 1 // 男性
	Female      Sex = 2 // 女性
	SexUnstated Sex = 9 // 未说明的性别
)

// Label returns the GB/T 2261.1 name of s in lang: "男性" (zh) or "male"
// (en).
func (s Sex) Label(lang string) string {
	switch s {
	case SexUnknown:
		return pick([2]string{"未知的性别", "unknown"}, lang)
	case Male:
		return pick([2]string{"男性", "male"}, lang)
	case Female:
		return pick([2]string{"女性", "female"}, lang)
	case SexUnstated:
		return pick([2]string{"未说明的性别", "not stated"}, lang)
	}
	return fmt.Sprintf("Sex(%d)", uint8(s))
}

// String returns the English name of s.
func (s Sex) String() string { return s.Label("en") }

// IsZero reports whether id is the zero IDNumber.
func (id IDNumber) IsZero() bool { return id.s == "" }

// String returns the full 18-character number. Show people Masked instead.
func (id IDNumber) String() string { return id.s }

// AddressCode returns the 6-digit 地址码: the county of household
// registration when the number was issued. It never changes, even after
// the county is renamed or merged, so it may not be in today's code table.
func (id IDNumber) AddressCode() string { return id.s[:min(6, len(id.s))] }

// BirthDate returns the birth date encoded in digits 7–14.
func (id IDNumber) BirthDate() period.Date {
	if id.IsZero() {
		return period.Date{}
	}
	return birthDate(id.s[6:14])
}

// Sex returns Male if the 17th digit is odd and Female if it is even
// (SexUnknown for the zero IDNumber).
func (id IDNumber) Sex() Sex {
	switch {
	case id.IsZero():
		return SexUnknown
	case (id.s[16]-'0')%2 == 1:
		return Male
	}
	return Female
}

// AgeAt returns the age in whole years (周岁) on day d: the number of
// birthdays passed by d, counting d itself. Someone born on 29 February
// turns a year older on 1 March in common years. It is negative if d is
// before the birth date.
func (id IDNumber) AgeAt(d period.Date) int {
	b := id.BirthDate()
	age := d.Year - b.Year
	if d.Month < b.Month || d.Month == b.Month && d.Day < b.Day {
		age--
	}
	return age
}

// Masked returns the number for display with the birth date hidden, as
// MaskIDNumber does: "340524********001X".
func (id IDNumber) Masked() string { return MaskIDNumber(id.s) }

// GenerateIDNumber builds a valid ID number for tests and demo data from a
// 6-digit address code, a birth date and a sequence number 0–999 (odd for
// a man, even for a woman; see Sex).
func GenerateIDNumber(address string, birth period.Date, seq int) (IDNumber, error) {
	if seq < 0 || seq > 999 {
		return IDNumber{}, newError(FieldIDNumber, RuleSequence,
			fmt.Sprintf("顺序码%d超出范围000–999", seq),
			fmt.Sprintf("sequence %d is outside 000–999", seq))
	}
	if birth.Year < minBirthYear || birth.Year > 9999 {
		return IDNumber{}, newError(FieldIDNumber, RuleBirthDate,
			fmt.Sprintf("出生年份%d超出范围%d–9999", birth.Year, minBirthYear),
			fmt.Sprintf("birth year %d is outside %d–9999", birth.Year, minBirthYear))
	}
	addr := Normalize(address)
	if err := checkAddress6(addr); err != nil {
		return IDNumber{}, err
	}
	body := fmt.Sprintf("%s%04d%02d%02d%03d", addr, birth.Year, int(birth.Month), birth.Day, seq)
	return ParseIDNumber(body+string(idCheckChar(body)), period.Date{})
}

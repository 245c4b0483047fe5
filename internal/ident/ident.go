// Package ident validates, decodes and masks the identifiers of Chinese
// health data: the 18-digit 公民身份号码 (GB 11643-1999, with the old
// 15-digit form), the 统一社会信用代码 of organisations (GB 32100-2015, with
// its embedded 组织机构代码, GB 11714-1997), and the 12-digit 统计用区划代码
// of administrative divisions (GB/T 2260 plus the township and village
// segments of the National Bureau of Statistics).
//
// Every parser normalises its input first (see Normalize) and reports a
// broken rule as an *Error that carries a machine code and a message in
// Chinese and in English, because the UI shows Chinese. Parsed values are
// small comparable types whose zero value is "none"; they can only be made
// by the parsers and generators here, so holding one means it is valid.
//
// Everything here is pure: no I/O, no clock (functions that depend on the
// day take it as an argument).
package ident

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Field names an identifier in an *Error.
const (
	FieldIDNumber   = "id_number"   // 公民身份号码
	FieldCreditCode = "credit_code" // 统一社会信用代码
	FieldOrgCode    = "org_code"    // 组织机构代码
	FieldDivision   = "division"    // 区划代码
)

// Rule names the rule an identifier broke, in an *Error.
const (
	RuleLength      = "length"       // wrong number of characters
	RuleCharset     = "charset"      // a character outside the allowed set
	RuleProvince    = "province"     // unknown province code
	RuleStructure   = "structure"    // a segment under a zero segment
	RuleAddress     = "address"      // bad 地址码 of an ID number
	RuleBirthDate   = "birth_date"   // 出生日期码 not a real date
	RuleFutureBirth = "future_birth" // birth date after the reference day
	RuleChecksum    = "checksum"     // wrong check character
	RuleAuthority   = "authority"    // unknown 登记管理部门代码
	RuleCategory    = "category"     // unknown 机构类别代码 for its authority
	RuleDivision    = "division"     // bad division code inside a credit code
	RuleOrgChecksum = "org_checksum" // wrong check character of the 组织机构代码
	RuleSequence    = "sequence"     // a generator's sequence number out of range
)

// Error is a broken identifier rule, with messages for people in Chinese
// (ZH, shown in the UI) and English (EN, for logs and the API).
type Error struct {
	Field string // one of the Field constants
	Rule  string // one of the Rule constants
	ZH    string // e.g. "校验码错误：应为X"
	EN    string // e.g. "wrong check character: want X"
}

// Error returns the field and the English message.
func (e *Error) Error() string { return e.Field + ": " + e.EN }

// Normalize prepares user input for the parsers: it trims surrounding space
// (including the full-width space U+3000), turns full-width ASCII such as
// "３２０１Ｘ" into "3201X", and upper-cases ASCII letters, so a lower-case
// x check digit becomes X. Inner spaces are kept, and rejected later.
func Normalize(s string) string {
	s = strings.TrimFunc(s, unicode.IsSpace)
	return strings.Map(func(r rune) rune {
		if r >= '！' && r <= '～' {
			r = r - '！' + '!'
		}
		if r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		return r
	}, s)
}

// newError builds an *Error.
func newError(field, rule, zh, en string) *Error {
	return &Error{Field: field, Rule: rule, ZH: zh, EN: en}
}

// firstBad returns the 1-based position and the text of the first
// character of s that is not in allowed (an ASCII set), or 0 and "".
func firstBad(s, allowed string) (int, string) {
	pos := 0
	for _, r := range s {
		pos++
		if r >= utf8.RuneSelf || strings.IndexByte(allowed, byte(r)) < 0 {
			return pos, string(r)
		}
	}
	return 0, ""
}

const decimal = "0123456789"

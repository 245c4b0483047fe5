package ident

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// creditChars is the GB 32100-2015 character set, in value order 0–30: the
// digits and the capital letters without I, O, S, V and Z.
const creditChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditWeights are the weights of the first 17 characters: 3^(i−1) mod 31.
var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// nationalDivision is the division part of codes registered by central
// authorities (12100000… for a national commission).
const nationalDivision = "100000"

// CreditCode is a valid 18-character 统一社会信用代码 (GB 32100-2015):
//
//	pos 1     登记管理部门代码 (registration authority), e.g. 1 机构编制
//	pos 2     机构类别代码 (category under that authority), e.g. 2 事业单位
//	pos 3–8   division code of the registering authority (GB/T 2260)
//	pos 9–17  主体标识码 = 组织机构代码 (GB 11714, with its own check char)
//	pos 18    check character
//
// Public hospitals, township health centres and CDCs are usually "12"
// (机构编制 / 事业单位), private clinics "92" (个体工商户) or "52" (民办非企业
// 单位). The zero CreditCode is none.
type CreditCode struct {
	s string
}

// ParseCreditCode normalises s (see Normalize: lower case is accepted) and
// validates it as a 统一社会信用代码, returning the first broken rule as an
// *Error: length (18), charset (the 31 characters, no I, O, S, V or Z),
// authority and category (see Kinds), division (positions 3–8: a
// well-formed GB/T 2260 code of a known province, or 100000 for central
// registrations), org_checksum (the 组织机构代码 in positions 9–17) and
// checksum (position 18).
func ParseCreditCode(s string) (CreditCode, error) {
	n := Normalize(s)
	for _, check := range []func(string) error{
		checkCreditChars, checkKind, checkCreditDivision, checkCreditOrg, checkCreditSum,
	} {
		if err := check(n); err != nil {
			return CreditCode{}, err
		}
	}
	return CreditCode{s: n}, nil
}

// checkCreditChars checks the length and the character set.
func checkCreditChars(s string) error {
	if n := utf8.RuneCountInString(s); n != 18 {
		return newError(FieldCreditCode, RuleLength,
			fmt.Sprintf("统一社会信用代码应为18位，实际为%d位", n),
			fmt.Sprintf("a unified social credit code has 18 characters, got %d", n))
	}
	if pos, c := firstBad(s, creditChars); pos > 0 {
		return newError(FieldCreditCode, RuleCharset,
			fmt.Sprintf("第%d位“%s”无效：只能使用数字和大写字母（不含I、O、S、V、Z）", pos, c),
			fmt.Sprintf("character %d (%q) is invalid: only digits and capital letters except I, O, S, V and Z", pos, c))
	}
	return nil
}

// checkKind checks the registration authority and the category.
func checkKind(s string) error {
	a, ok := authorityOf(s[0])
	if !ok {
		return newError(FieldCreditCode, RuleAuthority,
			fmt.Sprintf("登记管理部门代码“%c”无效：应为1–9、A、N或Y", s[0]),
			fmt.Sprintf("registration authority %q is unknown: want 1–9, A, N or Y", s[0]))
	}
	if _, ok := a.category(s[1]); !ok {
		return newError(FieldCreditCode, RuleCategory,
			fmt.Sprintf("机构类别代码“%c”对登记管理部门“%s”无效：应为%s", s[1], a.zh, a.codes()),
			fmt.Sprintf("category %q is unknown under authority %c (%s): want %s", s[1], a.code, a.en, a.codes()))
	}
	return nil
}

// checkCreditDivision checks positions 3–8.
func checkCreditDivision(s string) error {
	div := s[2:8]
	if div == nationalDivision {
		return nil
	}
	_, err := ParseDivision(div)
	if e := (*Error)(nil); errors.As(err, &e) {
		return newError(FieldCreditCode, RuleDivision,
			fmt.Sprintf("登记管理机关行政区划码“%s”无效：%s", div, e.ZH),
			fmt.Sprintf("division %s of the registering authority is invalid: %s", div, e.EN))
	}
	return err
}

// checkCreditOrg checks the embedded 组织机构代码.
func checkCreditOrg(s string) error {
	org := s[8:17]
	if want := orgCheckChar(org[:8]); org[8] != want {
		return newError(FieldCreditCode, RuleOrgChecksum,
			fmt.Sprintf("主体标识码（组织机构代码）%s校验码错误：第17位应为%c", org, want),
			fmt.Sprintf("the organisation code %s has a wrong check character: character 17 should be %c", org, want))
	}
	return nil
}

// checkCreditSum checks the 18th character.
func checkCreditSum(s string) error {
	if want := creditCheckChar(s[:17]); s[17] != want {
		return newError(FieldCreditCode, RuleChecksum,
			fmt.Sprintf("校验码错误：应为%c", want),
			fmt.Sprintf("wrong check character: want %c, got %c", want, s[17]))
	}
	return nil
}

// creditCheckChar computes C18 = 31 − (Σ cᵢ·wᵢ mod 31), 31 written as 0.
func creditCheckChar(body string) byte {
	sum := 0
	for i := range 17 {
		sum += strings.IndexByte(creditChars, body[i]) * creditWeights[i]
	}
	return creditChars[(31-sum%31)%31]
}

// CreditCodeCheckChar returns the check character of the first 17
// characters of a 统一社会信用代码.
func CreditCodeCheckChar(first17 string) (byte, error) {
	if n := utf8.RuneCountInString(first17); n != 17 {
		return 0, newError(FieldCreditCode, RuleLength,
			fmt.Sprintf("计算校验码需要17位，实际为%d位", n),
			fmt.Sprintf("the check character needs 17 characters, got %d", n))
	}
	if pos, c := firstBad(first17, creditChars); pos > 0 {
		return 0, newError(FieldCreditCode, RuleCharset,
			fmt.Sprintf("第%d位“%s”无效：只能使用数字和大写字母（不含I、O、S、V、Z）", pos, c),
			fmt.Sprintf("character %d (%q) is invalid: only digits and capital letters except I, O, S, V and Z", pos, c))
	}
	return creditCheckChar(first17), nil
}

// GenerateCreditCode builds a valid code for tests and demo data from a
// two-character kind (authority and category, such as "12" for a public
// institution), a 6-digit division code and a sequence number 0–99999999,
// which becomes the 8 digits of the 组织机构代码 body.
func GenerateCreditCode(kind, division string, seq int) (CreditCode, error) {
	if seq < 0 || seq > 99_999_999 {
		return CreditCode{}, newError(FieldCreditCode, RuleSequence,
			fmt.Sprintf("序号%d超出范围0–99999999", seq),
			fmt.Sprintf("sequence %d is outside 0–99999999", seq))
	}
	k, div := Normalize(kind), Normalize(division)
	if len(k) != 2 || len(div) != 6 {
		return CreditCode{}, newError(FieldCreditCode, RuleLength,
			"机构类型应为2位，行政区划码应为6位",
			"the kind has 2 characters and the division 6 digits")
	}
	body := fmt.Sprintf("%08d", seq)
	first17 := k + div + body + string(orgCheckChar(body))
	check, err := CreditCodeCheckChar(first17)
	if err != nil {
		return CreditCode{}, err
	}
	return ParseCreditCode(first17 + string(check))
}

// IsZero reports whether c is the zero CreditCode.
func (c CreditCode) IsZero() bool { return c.s == "" }

// String returns the 18-character code.
func (c CreditCode) String() string { return c.s }

// Kind describes the first two characters of c, the registration
// authority and category (the zero Kind for the zero CreditCode).
func (c CreditCode) Kind() Kind {
	k, _ := KindOf(c.s[:min(2, len(c.s))])
	return k
}

// DivisionCode returns positions 3–8, the GB/T 2260 code of the
// registering authority (100000 for central registrations).
func (c CreditCode) DivisionCode() string {
	if c.IsZero() {
		return ""
	}
	return c.s[2:8]
}

// OrgCode returns positions 9–17, the 组织机构代码 without a hyphen.
func (c CreditCode) OrgCode() string {
	if c.IsZero() {
		return ""
	}
	return c.s[8:17]
}

// MarshalText returns the 18-character code ("" for the zero CreditCode).
func (c CreditCode) MarshalText() ([]byte, error) { return []byte(c.s), nil }

// UnmarshalText parses a code as ParseCreditCode does; "" gives the zero
// CreditCode.
func (c *CreditCode) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*c = CreditCode{}
		return nil
	}
	v, err := ParseCreditCode(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

package ident

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// orgWeights are the GB 11714-1997 weights of the 8 body characters.
var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// orgBodyChars are the characters allowed in the body of an 组织机构代码.
const orgBodyChars = decimal + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// ParseOrgCode validates a 9-character 组织机构代码 (GB 11714-1997): 8 body
// characters (digits or capital letters) and a check character (a digit or
// X), written with or without the hyphen before it ("12345678-9"). It
// returns the normal form without the hyphen.
func ParseOrgCode(s string) (string, error) {
	n := Normalize(s)
	if len(n) == 10 && n[8] == '-' {
		n = n[:8] + n[9:]
	}
	if k := utf8.RuneCountInString(n); k != 9 {
		return "", newError(FieldOrgCode, RuleLength,
			fmt.Sprintf("组织机构代码应为9位（可写作XXXXXXXX-X），实际为%d位", k),
			fmt.Sprintf("an organisation code has 9 characters (XXXXXXXX-X), got %d", k))
	}
	want, err := OrgCodeCheckChar(n[:8])
	if err != nil {
		return "", err
	}
	if pos, c := firstBad(n[8:], decimal+"X"); pos > 0 {
		return "", newError(FieldOrgCode, RuleCharset,
			fmt.Sprintf("组织机构代码第9位“%s”无效：校验码应为数字或X", c),
			fmt.Sprintf("character 9 (%q) of the organisation code is invalid: the check character is a digit or X", c))
	}
	if n[8] != want {
		return "", newError(FieldOrgCode, RuleOrgChecksum,
			fmt.Sprintf("组织机构代码%s校验码错误：应为%c", n, want),
			fmt.Sprintf("organisation code %s has a wrong check character: want %c", n, want))
	}
	return n, nil
}

// OrgCodeCheckChar returns the check character ('0'–'9' or 'X') of the 8
// body characters of an 组织机构代码: C9 = 11 − (Σ cᵢ·wᵢ mod 11), with
// digits worth 0–9, letters A–Z worth 10–35, weights 3 7 9 10 5 8 4 2, and
// 10 written X and 11 written 0.
func OrgCodeCheckChar(body string) (byte, error) {
	if k := utf8.RuneCountInString(body); k != 8 {
		return 0, newError(FieldOrgCode, RuleLength,
			fmt.Sprintf("组织机构代码本体应为8位，实际为%d位", k),
			fmt.Sprintf("an organisation code body has 8 characters, got %d", k))
	}
	if pos, c := firstBad(body, orgBodyChars); pos > 0 {
		return 0, newError(FieldOrgCode, RuleCharset,
			fmt.Sprintf("组织机构代码第%d位“%s”无效：应为数字或大写字母", pos, c),
			fmt.Sprintf("character %d (%q) of the organisation code is not a digit or capital letter", pos, c))
	}
	return orgCheckChar(body), nil
}

// orgCheckChar computes the check character of a valid 8-character body.
func orgCheckChar(body string) byte {
	sum := 0
	for i := range 8 {
		sum += strings.IndexByte(orgBodyChars, body[i]) * orgWeights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}

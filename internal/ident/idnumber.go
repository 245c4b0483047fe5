package ident

import (
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/weijian-health/weijian/internal/period"
)

// minBirthYear is the earliest birth year accepted: older dates are typing
// errors, not people.
const minBirthYear = 1800

// idWeights are the MOD 11-2 weights of the first 17 digits: 2^(17−i) mod 11.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idCheckChars maps S mod 11 to the check character.
const idCheckChars = "10X98765432"

// residencePermits are the 地址码 of the 港澳台居民居住证 numbers (香港
// 810000, 澳门 820000, 台湾 830000), which follow GB 11643 but are not
// county codes; 83 is not a province code elsewhere.
var residencePermits = map[string]bool{"810000": true, "820000": true, "830000": true}

// IDNumber is a valid 18-character 公民身份号码 (GB 11643-1999) in normal
// form: 17 digits and a check character 0–9 or X. The zero IDNumber is none.
// It holds personal data: log and show it through Masked. It has no
// MarshalText on purpose, so that it cannot slip whole into JSON; write
// String (or Masked) explicitly.
type IDNumber struct {
	s string
}

// ParseIDNumber normalises s (see Normalize) and validates it as a
// 公民身份号码, upgrading an old 15-digit number to 18 digits first (see
// UpgradeIDNumber). The rules are checked in order and the first broken one
// is returned as an *Error:
//
//  1. length: 18 characters (or 15);
//  2. charset: 17 digits, then a digit or X;
//  3. address: the 地址码 (digits 1–6) is a well-formed GB/T 2260 code of a
//     known province (see ParseDivision), or 810000/820000/830000, the
//     港澳台居民居住证 codes; whether the county exists is not checked,
//     as the code of a county merged away stays in its people's numbers;
//  4. birth_date: digits 7–14 are a real date, not before 1800;
//  5. future_birth: that date is not after today (skipped if today is the
//     zero Date);
//  6. checksum: the check character is right (ISO 7064 MOD 11-2).
//
// The 2023 外国人永久居留身份证 (18 digits starting with 9) follows other
// rules and is rejected here (its "address" is not a province).
func ParseIDNumber(s string, today period.Date) (IDNumber, error) {
	n := Normalize(s)
	switch utf8.RuneCountInString(n) {
	case 15:
		up, err := UpgradeIDNumber(n)
		if err != nil {
			return IDNumber{}, err
		}
		n = up
	case 18:
	default:
		return IDNumber{}, idLengthError(n)
	}
	if err := checkID18(n, today); err != nil {
		return IDNumber{}, err
	}
	return IDNumber{s: n}, nil
}

func idLengthError(s string) error {
	n := utf8.RuneCountInString(s)
	return newError(FieldIDNumber, RuleLength,
		fmt.Sprintf("身份证号码应为18位（旧号码15位），实际为%d位", n),
		fmt.Sprintf("an ID number has 18 characters (15 for an old one), got %d", n))
}

// checkID18 checks an 18-character normalised number.
func checkID18(s string, today period.Date) error {
	if err := checkIDChars(s); err != nil {
		return err
	}
	if err := checkAddress(s[:6]); err != nil {
		return err
	}
	if err := checkBirth(s[6:14], today); err != nil {
		return err
	}
	return checkIDChecksum(s)
}

// checkIDChars checks 17 digits followed by a digit or X.
func checkIDChars(s string) error {
	pos := 0
	for _, r := range s {
		pos++
		switch {
		case r >= '0' && r <= '9', pos == 18 && r == 'X':
		case pos == 18:
			return newError(FieldIDNumber, RuleCharset,
				fmt.Sprintf("第18位“%c”无效：校验码应为数字或X", r),
				fmt.Sprintf("character 18 (%q) is invalid: the check character is a digit or X", r))
		default:
			return newError(FieldIDNumber, RuleCharset,
				fmt.Sprintf("第%d位“%c”无效：前17位应为数字", pos, r),
				fmt.Sprintf("character %d (%q) is invalid: the first 17 must be digits", pos, r))
		}
	}
	return nil
}

// checkAddress6 checks a 6-digit 地址码 given on its own.
func checkAddress6(addr string) error {
	if n := utf8.RuneCountInString(addr); n != 6 {
		return newError(FieldIDNumber, RuleAddress,
			fmt.Sprintf("地址码应为6位数字，实际为%d位", n),
			fmt.Sprintf("an address code has 6 digits, got %d", n))
	}
	return checkAddress(addr)
}

// checkAddress checks the 6-digit 地址码.
func checkAddress(addr string) error {
	if residencePermits[addr] {
		return nil
	}
	_, err := ParseDivision(addr)
	if e := (*Error)(nil); errors.As(err, &e) {
		return newError(FieldIDNumber, RuleAddress,
			fmt.Sprintf("地址码“%s”无效：%s", addr, e.ZH),
			fmt.Sprintf("address code %s is invalid: %s", addr, e.EN))
	}
	return err
}

// checkBirth checks the 8-digit 出生日期码 YYYYMMDD.
func checkBirth(code string, today period.Date) error {
	d := birthDate(code)
	if !d.IsValid() || d.Year < minBirthYear {
		return newError(FieldIDNumber, RuleBirthDate,
			fmt.Sprintf("出生日期码“%s”不是有效日期", code),
			fmt.Sprintf("birth date code %s is not a real date", code))
	}
	if !today.IsZero() && d.After(today) {
		return newError(FieldIDNumber, RuleFutureBirth,
			fmt.Sprintf("出生日期%s晚于当前日期%s", d.Label("zh"), today.Label("zh")),
			fmt.Sprintf("birth date %s is after today, %s", d, today))
	}
	return nil
}

// birthDate reads YYYYMMDD, which checkIDChars has made all digits.
func birthDate(code string) period.Date {
	y, _ := strconv.Atoi(code[:4])
	m, _ := strconv.Atoi(code[4:6])
	d, _ := strconv.Atoi(code[6:])
	return period.Date{Year: y, Month: time.Month(m), Day: d}
}

// checkIDChecksum checks the 18th character.
func checkIDChecksum(s string) error {
	want := idCheckChar(s[:17])
	if s[17] == want {
		return nil
	}
	return newError(FieldIDNumber, RuleChecksum,
		fmt.Sprintf("校验码错误：应为%c", want),
		fmt.Sprintf("wrong check character: want %c, got %c", want, s[17]))
}

// idCheckChar computes the check character of 17 digits.
func idCheckChar(body string) byte {
	sum := 0
	for i := range 17 {
		sum += int(body[i]-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

// IDNumberCheckChar returns the check character ('0'–'9' or 'X') of the first 17
// digits of an ID number.
func IDNumberCheckChar(first17 string) (byte, error) {
	if n := utf8.RuneCountInString(first17); n != 17 {
		return 0, newError(FieldIDNumber, RuleLength,
			fmt.Sprintf("计算校验码需要17位数字，实际为%d位", n),
			fmt.Sprintf("the check character needs 17 digits, got %d", n))
	}
	if pos, c := firstBad(first17, decimal); pos > 0 {
		return 0, newError(FieldIDNumber, RuleCharset,
			fmt.Sprintf("第%d位“%s”不是数字", pos, c),
			fmt.Sprintf("character %d (%q) is not a digit", pos, c))
	}
	return idCheckChar(first17), nil
}

// UpgradeIDNumber converts an old 15-digit number (GB 11643-1989: address,
// YYMMDD, sequence) to 18 digits: it inserts the century 19 before the
// year, as for every 15-digit number issued, and appends the check
// character. It checks only the 15 digits; ParseIDNumber validates the
// result.
func UpgradeIDNumber(old string) (string, error) {
	n := Normalize(old)
	if utf8.RuneCountInString(n) != 15 {
		return "", newError(FieldIDNumber, RuleLength,
			fmt.Sprintf("旧身份证号码应为15位，实际为%d位", utf8.RuneCountInString(n)),
			fmt.Sprintf("an old ID number has 15 digits, got %d", utf8.RuneCountInString(n)))
	}
	if pos, c := firstBad(n, decimal); pos > 0 {
		return "", newError(FieldIDNumber, RuleCharset,
			fmt.Sprintf("第%d位“%s”无效：15位号码应全为数字", pos, c),
			fmt.Sprintf("character %d (%q) is invalid: a 15-digit number is all digits", pos, c))
	}
	body := n[:6] + "19" + n[6:]
	return body + string(idCheckChar(body)), nil
}

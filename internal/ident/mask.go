package ident

import (
	"strings"
	"unicode/utf8"
)

// MaskIDNumber hides the birth date of an ID number for display: it keeps
// the first 6 characters (the 地址码, a county) and the last 4 (sequence
// and check character) and stars the rest, so "34052419800101001X" becomes
// "340524********001X" and a 15-digit number keeps 6 + 5 stars + 4. Input
// is normalised first and need not be valid. Anything shorter than 15
// characters is starred entirely, so that no fragment of a mistyped number
// leaks.
func MaskIDNumber(s string) string {
	n := Normalize(s)
	if utf8.RuneCountInString(n) < 15 {
		return Mask(n, 0, 0)
	}
	return Mask(n, 6, 4)
}

// Mask keeps the first head and the last tail characters of s and replaces
// each other character with '*', as in a phone number 138****5678
// (Mask(s, 3, 4)). If head+tail is not less than the length of s, all of s
// is starred.
func Mask(s string, head, tail int) string {
	rs := []rune(s)
	if head < 0 || tail < 0 || head+tail >= len(rs) {
		head, tail = 0, 0
	}
	return string(rs[:head]) + strings.Repeat("*", len(rs)-head-tail) + string(rs[len(rs)-tail:])
}

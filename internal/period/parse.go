package period

import (
	"fmt"
	"strings"
	"unicode"
)

// The forms listed in parse errors.
const (
	periodForms = "2024, 2024H1, 2024Q2, 2024-06, 2024W23 (or 2024-W23), 2024-06-30, " +
		"2024年, 2024年上半年, 2024年第二季度, 2024年6月, 2024年第23周, 2024年6月30日"
	dateForms = "YYYY-MM-DD, such as 2024-06-30"
)

// ParseError reports an input that is not a period or a date.
type ParseError struct {
	Input  string // the text given
	Reason string // what is wrong with it
	Forms  string // the forms accepted
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("period: cannot parse %q: %s; accepted forms: %s", e.Input, e.Reason, e.Forms)
}

// Format returns the canonical string of p: "2024" (year), "2024H1"
// (half-year), "2024Q2" (quarter), "2024-06" (month), "2024W23" (ISO week,
// in its ISO year) or "2024-06-30" (day). The zero Period gives "".
func Format(p Period) string {
	y, i := p.Year(), p.Index()
	switch p.typ {
	case Day:
		return p.start.String()
	case Week:
		return fmt.Sprintf("%04dW%02d", y, i)
	case Month:
		return fmt.Sprintf("%04d-%02d", y, i)
	case Quarter:
		return fmt.Sprintf("%04dQ%d", y, i)
	case HalfYear:
		return fmt.Sprintf("%04dH%d", y, i)
	case Year:
		return fmt.Sprintf("%04d", y)
	}
	return ""
}

// Parse reads a period in its canonical form (see Format), or in one of the
// unambiguous Chinese forms "2024年", "2024年上半年", "2024年下半年",
// "2024年第二季度" (also 第2季度, 二季度, 2季度), "2024年6月" (or 06月),
// "2024年第23周" and "2024年6月30日". Leading and trailing space is
// ignored, full-width digits are read as digits, and the letters H, Q and W
// may be lower case. Parse(Format(p)) == p for every Period p, and
// Parse(p.Label("zh")) == p when p's year has four digits.
func Parse(s string) (Period, error) {
	in := normalize(s)
	var (
		p      Period
		reason string
	)
	if strings.Contains(in, "年") {
		p, reason = parseChinese(in)
	} else {
		p, reason = parseCanonical(in)
	}
	if reason != "" {
		return Period{}, &ParseError{Input: s, Reason: reason, Forms: periodForms}
	}
	return p, nil
}

// normalize trims space and folds full-width ASCII (０–９, Ｑ…) to ASCII.
func normalize(s string) string {
	s = strings.TrimSpace(s)
	return strings.Map(func(r rune) rune {
		if r >= '！' && r <= '～' {
			return r - '！' + '!'
		}
		return r
	}, s)
}

// parseCanonical reads the canonical forms; it returns a reason on failure.
func parseCanonical(s string) (Period, string) {
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		d, reason := parseISODate(s)
		return Of(Day, d), reason
	}
	year, rest, reason := splitYear(s)
	if reason != "" {
		return Period{}, reason
	}
	if rest == "" {
		return build(Year, year, "1")
	}
	switch c := unicode.ToUpper(rune(rest[0])); {
	case c == 'H' && len(rest) == 2:
		return build(HalfYear, year, rest[1:])
	case c == 'Q' && len(rest) == 2:
		return build(Quarter, year, rest[1:])
	case c == 'W' && len(rest) == 3:
		return build(Week, year, rest[1:])
	case strings.HasPrefix(strings.ToUpper(rest), "-W") && len(rest) == 4:
		return build(Week, year, rest[2:])
	case c == '-' && len(rest) == 3:
		return build(Month, year, rest[1:])
	}
	return Period{}, fmt.Sprintf("%q after the year is not H1–H2, Q1–Q4, -MM, Wnn or -MM-DD", rest)
}

// splitYear splits off a leading four-digit year.
func splitYear(s string) (year int, rest, reason string) {
	if len(s) < 4 {
		return 0, "", "too short: a period starts with a four-digit year"
	}
	y, ok := digits(s[:4])
	if !ok {
		return 0, "", fmt.Sprintf("%q is not a four-digit year", s[:4])
	}
	if y < minYear {
		return 0, "", "year 0000 is not supported"
	}
	return y, s[4:], ""
}

// build returns period index (given as digits) of type t in year.
func build(t Type, year int, index string) (Period, string) {
	n, ok := digits(index)
	if !ok {
		return Period{}, fmt.Sprintf("%q is not a number", index)
	}
	p, err := New(t, year, n)
	if err != nil {
		return Period{}, fmt.Sprintf("%s %d of %04d does not exist (want 1–%d)", t, n, year, countIn(t, year))
	}
	return p, ""
}

// digits parses a non-empty string of ASCII digits (at most 9 of them).
func digits(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

package period

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in          string
		typ         Type
		year, index int
	}{
		{"2024", Year, 2024, 1},
		{"2024H1", HalfYear, 2024, 1},
		{"2024h2", HalfYear, 2024, 2},
		{"2024Q2", Quarter, 2024, 2},
		{"2024q4", Quarter, 2024, 4},
		{"2024-06", Month, 2024, 6},
		{"2024W23", Week, 2024, 23},
		{"2024-W23", Week, 2024, 23},
		{"2020W53", Week, 2020, 53},
		{"2024-06-30", Day, 2024, 182},
		{" 2024Q2\n", Quarter, 2024, 2},
		{"２０２４Ｑ２", Quarter, 2024, 2},
		{"2024年", Year, 2024, 1},
		{"2024年上半年", HalfYear, 2024, 1},
		{"2024年下半年", HalfYear, 2024, 2},
		{"2024年第二季度", Quarter, 2024, 2},
		{"2024年第2季度", Quarter, 2024, 2},
		{"2024年四季度", Quarter, 2024, 4},
		{"2024年1季度", Quarter, 2024, 1},
		{"2024年6月", Month, 2024, 6},
		{"2024年06月", Month, 2024, 6},
		{"2024年12月", Month, 2024, 12},
		{"2024年第23周", Week, 2024, 23},
		{"2024年6月30日", Day, 2024, 182},
		{"2024年06月30日", Day, 2024, 182},
		{"２０２４年６月", Month, 2024, 6},
	}
	for _, tt := range tests {
		p, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if p.Type() != tt.typ || p.Year() != tt.year || p.Index() != tt.index {
			t.Errorf("Parse(%q) = %v %d/%d, want %v %d/%d", tt.in, p.Type(), p.Year(), p.Index(), tt.typ, tt.year, tt.index)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, reason string }{
		{"", "too short"},
		{"24Q", "too short"},
		{"24Q2", `"24Q2" is not a four-digit year`},
		{"202x", `"202x" is not a four-digit year`},
		{"0000", "year 0000"},
		{"2024Q5", "quarter 5 of 2024 does not exist (want 1–4)"},
		{"2024H0", "half-year 0 of 2024 does not exist"},
		{"2024W53", "week 53 of 2024 does not exist (want 1–52)"},
		{"2024W5", `"W5" after the year`},
		{"2024W23abc", `"W23abc" after the year`},
		{"2024-13", "month 13 of 2024 does not exist"},
		{"2023-02-29", "February has no day 29"},
		{"2024Qx", `"x" is not a number`},
		{"2024年第五季度", `quarter "五" is not`},
		{"2024年第二季", `"第二季" after 年`},
		{"2024年13月", "month 13 of 2024"},
		{"2024年6月31日", "June has no day 31"},
		{"24年", "before 年 is not a four-digit year"},
		{"2024年6月x日", `"6月x日" is not N月N日`},
		{"2024年第60周", "week 60 of 2024"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q) error = %v, want a *ParseError", tt.in, err)
			continue
		}
		if !strings.Contains(pe.Reason, tt.reason) {
			t.Errorf("Parse(%q) reason = %q, want it to contain %q", tt.in, pe.Reason, tt.reason)
		}
		if msg := err.Error(); !strings.Contains(msg, "2024年第二季度") || !strings.Contains(msg, "2024W23") {
			t.Errorf("Parse(%q) error %q does not list the accepted forms", tt.in, msg)
		}
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		p    Period
		want string
	}{
		{Of(Year, Date{2024, 5, 5}), "2024"},
		{Of(HalfYear, Date{2024, 7, 1}), "2024H2"},
		{Of(Quarter, Date{2024, 5, 5}), "2024Q2"},
		{Of(Month, Date{2024, 6, 30}), "2024-06"},
		{Of(Week, Date{2024, 12, 30}), "2025W01"},
		{Of(Week, Date{2021, 1, 3}), "2020W53"},
		{Of(Day, Date{2024, 6, 30}), "2024-06-30"},
		{Of(Year, Date{999, 1, 1}), "0999"},
		{Period{}, ""},
	}
	for _, tt := range tests {
		if got := Format(tt.p); got != tt.want {
			t.Errorf("Format(%v %v) = %q, want %q", tt.p.Type(), tt.p.Start(), got, tt.want)
		}
	}
}

func TestPeriodText(t *testing.T) {
	p := mustParse(t, "2024Q2")
	b, _ := p.MarshalText()
	var back Period
	if err := back.UnmarshalText(b); err != nil || back != p {
		t.Errorf("text round trip of %v = %v, %v", p, back, err)
	}
	if err := back.UnmarshalText(nil); err != nil || !back.IsZero() {
		t.Errorf(`UnmarshalText("") = %v, %v; want the zero Period`, back, err)
	}
	if err := back.UnmarshalText([]byte("2024Q9")); err == nil {
		t.Error("UnmarshalText(2024Q9) succeeded")
	}
}

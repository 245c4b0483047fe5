package period

import (
	"slices"
	"testing"
)

func TestToDate(t *testing.T) {
	d := Date{2024, 8, 15}
	tests := []struct {
		typ  Type
		want Span
	}{
		{Year, Span{Date{2024, 1, 1}, d}},
		{HalfYear, Span{Date{2024, 7, 1}, d}},
		{Quarter, Span{Date{2024, 7, 1}, d}},
		{Month, Span{Date{2024, 8, 1}, d}},
		{Week, Span{Date{2024, 8, 12}, d}},
		{Day, Span{d, d}},
		{0, Span{}},
	}
	for _, tt := range tests {
		if got := ToDate(tt.typ, d); got != tt.want {
			t.Errorf("ToDate(%v, %v) = %v, want %v", tt.typ, d, got, tt.want)
		}
	}
	if got := YearToDate(d); got.NumDays() != 228 {
		t.Errorf("YearToDate(%v) has %d days, want 228", d, got.NumDays())
	}
}

func TestSpanBasics(t *testing.T) {
	s := Span{Date{2024, 2, 27}, Date{2024, 3, 1}}
	want := []Date{{2024, 2, 27}, {2024, 2, 28}, {2024, 2, 29}, {2024, 3, 1}}
	if got := s.Days(); !slices.Equal(got, want) {
		t.Errorf("Days = %v, want %v", got, want)
	}
	if s.String() != "2024-02-27/2024-03-01" {
		t.Errorf("String = %q", s.String())
	}
	empty := Span{Date{2024, 3, 2}, Date{2024, 3, 1}}
	for _, e := range []Span{empty, {}} {
		if !e.IsEmpty() || e.NumDays() != 0 || len(e.Days()) != 0 || e.Contains(e.Start) || e.Overlapping(Day) != nil {
			t.Errorf("%v is not empty", e)
		}
	}
}

func TestOverlappingWithin(t *testing.T) {
	tests := []struct {
		span        string
		typ         Type
		overlapping []string
		within      []string
	}{
		{"2024H1", Month, []string{"2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"}, nil},
		{"2024", Quarter, []string{"2024Q1", "2024Q2", "2024Q3", "2024Q4"}, nil},
		{"2024Q3", HalfYear, []string{"2024H2"}, []string{}},
		{"2024-06", Week, []string{"2024W22", "2024W23", "2024W24", "2024W25", "2024W26"}, []string{"2024W23", "2024W24", "2024W25", "2024W26"}},
	}
	for _, tt := range tests {
		s := mustParse(t, tt.span).Span()
		if tt.within == nil {
			tt.within = tt.overlapping
		}
		if got := strs(s.Overlapping(tt.typ)); !slices.Equal(got, tt.overlapping) {
			t.Errorf("%s.Overlapping(%v) = %v, want %v", tt.span, tt.typ, got, tt.overlapping)
		}
		if got := strs(s.Within(tt.typ)); !slices.Equal(got, tt.within) {
			t.Errorf("%s.Within(%v) = %v, want %v", tt.span, tt.typ, got, tt.within)
		}
	}
}

func TestWeeksOfAYear(t *testing.T) {
	tests := []struct {
		year                string
		overlapping, within int
		first, last         string
	}{
		{"2020", 53, 51, "2020W01", "2020W53"}, // 2019-12-30 .. 2021-01-03: both ends straddle
		{"2021", 53, 51, "2020W53", "2021W52"}, // 2020-12-28 .. 2022-01-02
		{"2024", 53, 52, "2024W01", "2025W01"}, // 2024-01-01 is a Monday; 2024-12-30 is in 2025W01
		{"2018", 53, 52, "2018W01", "2019W01"},
		{"2012", 54, 52, "2011W52", "2013W01"}, // a leap year from Sunday to Monday
		{"2023", 53, 52, "2022W52", "2023W52"}, // 2023-01-01 is a Sunday, in 2022W52
	}
	for _, tt := range tests {
		s := mustParse(t, tt.year).Span()
		o, w := s.Overlapping(Week), s.Within(Week)
		if len(o) != tt.overlapping || len(w) != tt.within || o[0].String() != tt.first || o[len(o)-1].String() != tt.last {
			t.Errorf("weeks of %s: %d overlapping (%v…%v), %d within; want %d (%s…%s), %d",
				tt.year, len(o), o[0], o[len(o)-1], len(w), tt.overlapping, tt.first, tt.last, tt.within)
		}
	}
}

func strs(ps []Period) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}

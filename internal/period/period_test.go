package period

import (
	"slices"
	"testing"
	"time"
)

func TestISOWeekHandChecked(t *testing.T) {
	tests := []struct {
		d          Date
		year, week int
	}{
		{Date{2020, 12, 31}, 2020, 53}, // Thursday: 2020 has 53 weeks
		{Date{2021, 1, 3}, 2020, 53},   // Sunday of the straddling week
		{Date{2021, 1, 4}, 2021, 1},    // Monday
		{Date{2024, 12, 30}, 2025, 1},  // Monday; its Thursday is 2025-01-02
		{Date{2024, 6, 10}, 2024, 24},
		{Date{2024, 6, 9}, 2024, 23},
		{Date{2026, 1, 1}, 2026, 1}, // Thursday
		{Date{2027, 1, 1}, 2026, 53},
		{Date{2005, 1, 2}, 2004, 53},
		{Date{2008, 12, 29}, 2009, 1},
	}
	for _, tt := range tests {
		y, w := ISOWeek(tt.d)
		if y != tt.year || w != tt.week {
			t.Errorf("ISOWeek(%v) = %dW%02d, want %dW%02d", tt.d, y, w, tt.year, tt.week)
		}
		p := Of(Week, tt.d)
		if p.Year() != tt.year || p.Index() != tt.week {
			t.Errorf("Of(Week, %v) = %v, want %dW%02d", tt.d, p, tt.year, tt.week)
		}
	}
}

func TestISOWeekMatchesTime(t *testing.T) {
	for d := (Date{1999, 1, 1}); d.Year < 2032; d = d.AddDays(1) {
		wy, ww := d.In(time.UTC).ISOWeek()
		if y, w := ISOWeek(d); y != wy || w != ww {
			t.Fatalf("ISOWeek(%v) = %d-%d, time says %d-%d", d, y, w, wy, ww)
		}
	}
}

func TestWeeksInYear(t *testing.T) {
	var long []int
	for y := 2000; y <= 2030; y++ {
		if WeeksInYear(y) == 53 {
			long = append(long, y)
		}
	}
	want := []int{2004, 2009, 2015, 2020, 2026}
	if !slices.Equal(long, want) {
		t.Errorf("53-week years 2000–2030 = %v, want %v", long, want)
	}
}

func TestPeriodBounds(t *testing.T) {
	tests := []struct {
		typ        Type
		d          Date
		start, end Date
		year, idx  int
		days       int
	}{
		{Day, Date{2024, 6, 30}, Date{2024, 6, 30}, Date{2024, 6, 30}, 2024, 182, 1},
		{Week, Date{2024, 6, 5}, Date{2024, 6, 3}, Date{2024, 6, 9}, 2024, 23, 7},
		{Week, Date{2021, 1, 1}, Date{2020, 12, 28}, Date{2021, 1, 3}, 2020, 53, 7},
		{Month, Date{2024, 2, 10}, Date{2024, 2, 1}, Date{2024, 2, 29}, 2024, 2, 29},
		{Month, Date{2024, 12, 31}, Date{2024, 12, 1}, Date{2024, 12, 31}, 2024, 12, 31},
		{Quarter, Date{2024, 6, 30}, Date{2024, 4, 1}, Date{2024, 6, 30}, 2024, 2, 91},
		{Quarter, Date{2024, 10, 1}, Date{2024, 10, 1}, Date{2024, 12, 31}, 2024, 4, 92},
		{HalfYear, Date{2024, 6, 30}, Date{2024, 1, 1}, Date{2024, 6, 30}, 2024, 1, 182},
		{HalfYear, Date{2023, 7, 1}, Date{2023, 7, 1}, Date{2023, 12, 31}, 2023, 2, 184},
		{Year, Date{2024, 3, 3}, Date{2024, 1, 1}, Date{2024, 12, 31}, 2024, 1, 366},
	}
	for _, tt := range tests {
		p := Of(tt.typ, tt.d)
		got := [5]any{p.Start(), p.End(), p.Year(), p.Index(), p.NumDays()}
		want := [5]any{tt.start, tt.end, tt.year, tt.idx, tt.days}
		if got != want {
			t.Errorf("Of(%v, %v): start, end, year, index, days = %v, want %v", tt.typ, tt.d, got, want)
		}
		if n, err := New(tt.typ, tt.year, tt.idx); err != nil || n != p {
			t.Errorf("New(%v, %d, %d) = %v, %v; want %v", tt.typ, tt.year, tt.idx, n, err, p)
		}
		if !p.Contains(tt.d) || p.Contains(p.Start().AddDays(-1)) || p.Contains(p.End().AddDays(1)) {
			t.Errorf("%v.Contains is wrong at its edges", p)
		}
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		typ         Type
		year, index int
	}{
		{Week, 2024, 53}, {Week, 2020, 54}, {Week, 2024, 0},
		{Quarter, 2024, 5}, {HalfYear, 2024, 3}, {Month, 2024, 13},
		{Day, 2023, 366}, {Year, 2024, 2}, {Year, 0, 1}, {Year, 10000, 1},
		{0, 2024, 1}, {7, 2024, 1},
	}
	for _, tt := range tests {
		if p, err := New(tt.typ, tt.year, tt.index); err == nil {
			t.Errorf("New(%v, %d, %d) = %v, want an error", tt.typ, tt.year, tt.index, p)
		}
	}
	if _, err := New(Week, 2020, 53); err != nil {
		t.Errorf("New(Week, 2020, 53): %v", err)
	}
}

func TestNextPrev(t *testing.T) {
	tests := []struct{ p, next string }{
		{"2024", "2025"}, {"2024H2", "2025H1"}, {"2024Q4", "2025Q1"},
		{"2024-12", "2025-01"}, {"2020W53", "2021W01"}, {"2024W52", "2025W01"},
		{"2024-02-28", "2024-02-29"}, {"2024-12-31", "2025-01-01"},
	}
	for _, tt := range tests {
		p, q := mustParse(t, tt.p), mustParse(t, tt.next)
		if got := p.Next(); got != q {
			t.Errorf("%v.Next() = %v, want %v", p, got, q)
		}
		if got := q.Prev(); got != p {
			t.Errorf("%v.Prev() = %v, want %v", q, got, p)
		}
	}
	var zero Period
	if !zero.Next().IsZero() || !zero.Prev().IsZero() || !zero.End().IsZero() {
		t.Error("the zero Period does not stay zero")
	}
}

func TestPeriodsAsMapKeys(t *testing.T) {
	counts := map[Period]int{}
	for _, d := range (Span{Date{2024, 1, 1}, Date{2024, 12, 31}}).Days() {
		counts[Of(Quarter, d)]++
	}
	want := map[string]int{"2024Q1": 91, "2024Q2": 91, "2024Q3": 92, "2024Q4": 92}
	for s, n := range want {
		if got := counts[mustParse(t, s)]; got != n {
			t.Errorf("days in %s = %d, want %d", s, got, n)
		}
	}
	if len(counts) != 4 {
		t.Errorf("got %d quarters, want 4", len(counts))
	}
}

func TestCompare(t *testing.T) {
	ps := []Period{mustParse(t, "2024"), mustParse(t, "2024-02"), mustParse(t, "2024Q1"), mustParse(t, "2023W52"), mustParse(t, "2024-01")}
	slices.SortFunc(ps, Period.Compare)
	var got []string
	for _, p := range ps {
		got = append(got, p.String())
	}
	want := []string{"2023W52", "2024-01", "2024Q1", "2024", "2024-02"}
	if !slices.Equal(got, want) {
		t.Errorf("sorted = %v, want %v", got, want)
	}
}

func TestType(t *testing.T) {
	for _, typ := range Types() {
		b, err := typ.MarshalText()
		var back Type
		if err != nil || back.UnmarshalText(b) != nil || back != typ {
			t.Errorf("text round trip of %v = %v", typ, back)
		}
	}
	if _, err := ParseType("fortnight"); err == nil {
		t.Error("ParseType(fortnight) succeeded")
	}
	if _, err := Type(0).MarshalText(); err == nil {
		t.Error("Type(0).MarshalText succeeded")
	}
	if got := Type(9).String(); got != "Type(9)" {
		t.Errorf("Type(9).String() = %q", got)
	}
}

func mustParse(t testing.TB, s string) Period {
	t.Helper()
	p, err := Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

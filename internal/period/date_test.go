package period

import (
	"errors"
	"testing"
	"time"
)

func TestDayNumberMatchesTime(t *testing.T) {
	// Every 97th day from 0001-01-01 to 9999-12-31, against package time.
	first := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	for n := (Date{1, 1, 1}).dayNumber(); n <= (Date{9999, 12, 31}).dayNumber(); n += 97 {
		got := fromDayNumber(n)
		want := DateOf(first.AddDate(0, 0, n-(Date{1, 1, 1}).dayNumber()))
		if got != want {
			t.Fatalf("fromDayNumber(%d) = %v, want %v", n, got, want)
		}
		if back := got.dayNumber(); back != n {
			t.Fatalf("%v.dayNumber() = %d, want %d", got, back, n)
		}
		if got.Weekday() != got.In(time.UTC).Weekday() {
			t.Fatalf("%v.Weekday() = %v, want %v", got, got.Weekday(), got.In(time.UTC).Weekday())
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	tests := []struct {
		d    Date
		n    int
		want Date
	}{
		{Date{2024, 2, 28}, 1, Date{2024, 2, 29}},
		{Date{2023, 2, 28}, 1, Date{2023, 3, 1}},
		{Date{2024, 12, 31}, 1, Date{2025, 1, 1}},
		{Date{2025, 1, 1}, -1, Date{2024, 12, 31}},
		{Date{1970, 1, 1}, -1, Date{1969, 12, 31}},
		{Date{2000, 3, 1}, -1, Date{2000, 2, 29}},
		{Date{1900, 3, 1}, -1, Date{1900, 2, 28}},
		{Date{2024, 1, 1}, 365, Date{2024, 12, 31}},
	}
	for _, tt := range tests {
		if got := tt.d.AddDays(tt.n); got != tt.want {
			t.Errorf("%v.AddDays(%d) = %v, want %v", tt.d, tt.n, got, tt.want)
		}
		if got := tt.want.DaysSince(tt.d); got != tt.n {
			t.Errorf("%v.DaysSince(%v) = %d, want %d", tt.want, tt.d, got, tt.n)
		}
	}
}

func TestDateBasics(t *testing.T) {
	d := Date{2024, time.June, 30}
	if got := d.YearDay(); got != 182 {
		t.Errorf("YearDay = %d, want 182", got)
	}
	if got := d.Weekday(); got != time.Sunday {
		t.Errorf("Weekday = %v, want Sunday", got)
	}
	if got := NewDate(2024, 2, 30); got != (Date{2024, 3, 1}) {
		t.Errorf("NewDate(2024, 2, 30) = %v, want 2024-03-01", got)
	}
	shanghai := time.FixedZone("CST", 8*3600)
	late := time.Date(2024, 6, 30, 16, 30, 0, 0, time.UTC) // 00:30 on 1 July in China
	if got := DateOf(late.In(shanghai)); got != (Date{2024, 7, 1}) {
		t.Errorf("DateOf(in UTC+8) = %v, want 2024-07-01", got)
	}
	if !d.Before(d.AddDays(1)) || !d.After(d.AddDays(-1)) || d.Compare(d) != 0 {
		t.Error("Before/After/Compare disagree")
	}
}

func TestDateIsValid(t *testing.T) {
	tests := []struct {
		d    Date
		want bool
	}{
		{Date{2024, 2, 29}, true},
		{Date{2023, 2, 29}, false},
		{Date{1900, 2, 29}, false},
		{Date{2000, 2, 29}, true},
		{Date{2024, 4, 31}, false},
		{Date{2024, 13, 1}, false},
		{Date{2024, 0, 1}, false},
		{Date{2024, 1, 0}, false},
		{Date{}, false},
	}
	for _, tt := range tests {
		if got := tt.d.IsValid(); got != tt.want {
			t.Errorf("%v.IsValid() = %v, want %v", tt.d, got, tt.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	good := map[string]Date{
		"2024-06-30": {2024, 6, 30},
		"2024-02-29": {2024, 2, 29},
		"0001-01-01": {1, 1, 1},
		"9999-12-31": {9999, 12, 31},
	}
	for in, want := range good {
		if got, err := ParseDate(in); err != nil || got != want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "2024-6-30", "2024/06/30", "2023-02-29", "2024-13-01", "2024-00-10", "0000-01-01", "2024-06-3x", "+024-06-30"} {
		_, err := ParseDate(in)
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Input != in {
			t.Errorf("ParseDate(%q) error = %v, want a *ParseError", in, err)
		}
	}
}

func TestDateText(t *testing.T) {
	d := Date{2024, 6, 30}
	b, _ := d.MarshalText()
	var back Date
	if err := back.UnmarshalText(b); err != nil || back != d {
		t.Errorf("text round trip of %v = %v, %v", d, back, err)
	}
	if err := back.UnmarshalText([]byte("junk")); err == nil {
		t.Error("UnmarshalText(junk) succeeded")
	}
}

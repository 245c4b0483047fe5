// Package period models the reporting periods of county health statistics
// — day, ISO week, month, quarter, half-year and year — and the arithmetic
// that work reports need on them: the canonical strings ("2024Q2"), Chinese
// and English labels ("2024年第二季度", "Q2 2024"), year-to-date spans, the
// periods inside a span, and 序时进度 (the expected pace of a period).
//
// Conventions, decided once for the whole platform:
//
//   - Dates are civil dates (Date: year, month, day) with no time zone, so a
//     reporting day never shifts when a timestamp crosses UTC and UTC+8.
//     Convert a timestamp with DateOf(t.In(loc)) where loc is Asia/Shanghai
//     (UTC+8 all year, no daylight saving).
//   - A Period's End is inclusive: 2024Q2 runs from 2024-04-01 to 2024-06-30
//     both included. Span ends are inclusive too.
//   - Weeks are ISO 8601 weeks (Monday to Sunday; week 1 holds the year's
//     first Thursday), so a week's year can differ from its dates' years:
//     2024-12-30 is in 2025W01 and 2021-01-03 in 2020W53.
//   - Years 1 to 9999 are supported; canonical strings have four-digit years.
//
// Everything here is pure: no I/O, no clock.
package period

import (
	"fmt"
	"time"
)

// minYear and maxYear bound the years with a four-digit canonical form.
const (
	minYear = 1
	maxYear = 9999
)

// Type is the kind of a period. Types are ordered from the shortest (Day)
// to the longest (Year); the zero Type is invalid.
type Type uint8

// The period types.
const (
	Day Type = iota + 1
	Week
	Month
	Quarter
	HalfYear
	Year
)

var typeNames = [...]string{
	Day: "day", Week: "week", Month: "month", Quarter: "quarter",
	HalfYear: "half-year", Year: "year",
}

// Types lists the period types from the shortest to the longest.
func Types() []Type { return []Type{Day, Week, Month, Quarter, HalfYear, Year} }

// Valid reports whether t is one of the six period types.
func (t Type) Valid() bool { return t >= Day && t <= Year }

// String returns "day", "week", "month", "quarter", "half-year" or "year".
func (t Type) String() string {
	if !t.Valid() {
		return fmt.Sprintf("Type(%d)", uint8(t))
	}
	return typeNames[t]
}

// ParseType is the inverse of Type.String.
func ParseType(s string) (Type, error) {
	for _, t := range Types() {
		if typeNames[t] == s {
			return t, nil
		}
	}
	return 0, fmt.Errorf("period: unknown period type %q (want day, week, month, quarter, half-year or year)", s)
}

// MarshalText returns the name of t.
func (t Type) MarshalText() ([]byte, error) {
	if !t.Valid() {
		return nil, fmt.Errorf("period: cannot marshal invalid type %d", uint8(t))
	}
	return []byte(t.String()), nil
}

// UnmarshalText parses the name of a type.
func (t *Type) UnmarshalText(b []byte) error {
	v, err := ParseType(string(b))
	if err == nil {
		*t = v
	}
	return err
}

// Period is one reporting period: a type and its first day. It is a small
// comparable value, usable as a map key; two Periods are == exactly when
// they are the same period. The zero Period is no period (see IsZero).
type Period struct {
	typ   Type
	start Date
}

// Of returns the period of type t that contains the date d. It returns the
// zero Period if t or d is invalid.
func Of(t Type, d Date) Period {
	if !t.Valid() || !d.IsValid() {
		return Period{}
	}
	return Period{typ: t, start: startOf(t, d)}
}

// startOf returns the first day of the period of type t containing d.
func startOf(t Type, d Date) Date {
	switch t {
	case Week:
		return d.AddDays(-mondayOffset(d))
	case Month:
		return Date{d.Year, d.Month, 1}
	case Quarter:
		return Date{d.Year, (d.Month-1)/3*3 + 1, 1}
	case HalfYear:
		return Date{d.Year, (d.Month-1)/6*6 + 1, 1}
	case Year:
		return Date{d.Year, time.January, 1}
	}
	return d
}

// New returns the index-th period of type t in year: the half (1–2),
// quarter (1–4), month (1–12), ISO week (1–52 or 53, in the ISO
// week-numbering year) or day of the year (1–365 or 366); for Year the index
// must be 1. Year and Index give the two numbers back, so (type, year,
// index) is a compact way to store a period.
func New(t Type, year, index int) (Period, error) {
	if !t.Valid() {
		return Period{}, fmt.Errorf("period: invalid period type %d", uint8(t))
	}
	if year < minYear || year > maxYear {
		return Period{}, fmt.Errorf("period: year %d is outside 1–9999", year)
	}
	if n := countIn(t, year); index < 1 || index > n {
		return Period{}, fmt.Errorf("period: %s %d of %04d does not exist (want 1–%d)", t, index, year, n)
	}
	return Period{typ: t, start: nthStart(t, year, index)}, nil
}

// countIn returns the number of periods of type t in year.
func countIn(t Type, year int) int {
	switch t {
	case Day:
		return daysInYear(year)
	case Week:
		return WeeksInYear(year)
	case Month:
		return 12
	case Quarter:
		return 4
	case HalfYear:
		return 2
	}
	return 1
}

// nthStart returns the first day of the index-th period of type t in year.
func nthStart(t Type, year, index int) Date {
	jan1 := Date{year, time.January, 1}
	switch t {
	case Day:
		return jan1.AddDays(index - 1)
	case Week:
		return week1Monday(year).AddDays(7 * (index - 1))
	case Month:
		return Date{year, time.Month(index), 1}
	case Quarter:
		return Date{year, time.Month(3*index - 2), 1}
	case HalfYear:
		return Date{year, time.Month(6*index - 5), 1}
	}
	return jan1
}

// IsZero reports whether p is the zero Period.
func (p Period) IsZero() bool { return p == Period{} }

// Type returns the type of p.
func (p Period) Type() Type { return p.typ }

// Start returns the first day of p.
func (p Period) Start() Date { return p.start }

// End returns the last day of p (inclusive); the zero Date for the zero
// Period.
func (p Period) End() Date {
	if p.IsZero() {
		return Date{}
	}
	return p.nextStart().AddDays(-1)
}

// nextStart returns the first day after p.
func (p Period) nextStart() Date {
	s := p.start
	switch p.typ {
	case Week:
		return s.AddDays(7)
	case Month:
		return addMonths(s, 1)
	case Quarter:
		return addMonths(s, 3)
	case HalfYear:
		return addMonths(s, 6)
	case Year:
		return addMonths(s, 12)
	}
	return s.AddDays(1)
}

// addMonths adds n months to a first-of-month date.
func addMonths(d Date, n int) Date {
	m := int(d.Month) - 1 + n
	return Date{d.Year + m/12, time.Month(m%12 + 1), 1}
}

// Year returns the year of p; for a week, its ISO week-numbering year.
func (p Period) Year() int {
	if p.typ == Week {
		return isoYear(p.start)
	}
	return p.start.Year
}

// Index returns the position of p in its year: see New.
func (p Period) Index() int {
	switch p.typ {
	case Day:
		return p.start.YearDay()
	case Week:
		return isoWeekOfMonday(p.start)
	case Month:
		return int(p.start.Month)
	case Quarter:
		return (int(p.start.Month)-1)/3 + 1
	case HalfYear:
		return (int(p.start.Month)-1)/6 + 1
	}
	return 1
}

// Next returns the period of the same type that follows p; the zero Period
// stays zero.
func (p Period) Next() Period {
	if p.IsZero() {
		return p
	}
	return Period{typ: p.typ, start: p.nextStart()}
}

// Prev returns the period of the same type that precedes p.
func (p Period) Prev() Period { return Of(p.typ, p.start.AddDays(-1)) }

// Contains reports whether the date d falls in p.
func (p Period) Contains(d Date) bool { return p.Span().Contains(d) }

// NumDays returns the number of days in p.
func (p Period) NumDays() int { return p.End().DaysSince(p.start) + 1 }

// Days lists the days of p in order.
func (p Period) Days() []Date { return p.Span().Days() }

// Span returns the dates of p as a Span.
func (p Period) Span() Span { return Span{Start: p.start, End: p.End()} }

// Compare orders periods by start date, then by end date (a shorter period
// first), so a sorted list reads as a calendar.
func (p Period) Compare(q Period) int {
	if c := p.start.Compare(q.start); c != 0 {
		return c
	}
	return p.End().Compare(q.End())
}

// String returns the canonical form of p (see Format).
func (p Period) String() string { return Format(p) }

// MarshalText returns the canonical form of p; the zero Period gives "".
func (p Period) MarshalText() ([]byte, error) { return []byte(Format(p)), nil }

// UnmarshalText parses a form accepted by Parse; "" gives the zero Period.
func (p *Period) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*p = Period{}
		return nil
	}
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

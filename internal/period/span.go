package period

// Span is a run of days from Start to End, both included. A Span whose End
// is before its Start is empty, and so is the zero Span.
type Span struct {
	Start, End Date
}

// YearToDate returns the span from 1 January of d's year to d.
func YearToDate(d Date) Span { return ToDate(Year, d) }

// ToDate returns the span from the start of the period of type t that
// contains d to d itself: quarter-to-date for Quarter, month-to-date for
// Month, and so on. It is the zero Span if t or d is invalid.
func ToDate(t Type, d Date) Span {
	p := Of(t, d)
	if p.IsZero() {
		return Span{}
	}
	return Span{Start: p.Start(), End: d}
}

// IsEmpty reports whether s holds no day.
func (s Span) IsEmpty() bool { return s == Span{} || s.End.Before(s.Start) }

// Contains reports whether d falls in s.
func (s Span) Contains(d Date) bool {
	return !s.IsEmpty() && !d.Before(s.Start) && !d.After(s.End)
}

// NumDays returns the number of days in s (0 if it is empty).
func (s Span) NumDays() int {
	if s.IsEmpty() {
		return 0
	}
	return s.End.DaysSince(s.Start) + 1
}

// Days lists the days of s in order.
func (s Span) Days() []Date {
	n := s.NumDays()
	days := make([]Date, 0, n)
	for d := s.Start; len(days) < n; d = d.AddDays(1) {
		days = append(days, d)
	}
	return days
}

// Overlapping lists, in order, the periods of type t that share at least
// one day with s: for a year and Week, every ISO week with a day in that
// year (53 or 54 weeks, the first and last possibly straddling the year).
func (s Span) Overlapping(t Type) []Period {
	if s.IsEmpty() || !t.Valid() {
		return nil
	}
	var ps []Period
	for p := Of(t, s.Start); !p.Start().After(s.End); p = p.Next() {
		ps = append(ps, p)
	}
	return ps
}

// Within lists, in order, the periods of type t that lie wholly inside s:
// the months of 2024H1 are h1.Span().Within(Month). For a year and Week, it
// leaves out the weeks that straddle the year's ends.
func (s Span) Within(t Type) []Period {
	var ps []Period
	for _, p := range s.Overlapping(t) {
		if !p.Start().Before(s.Start) && !p.End().After(s.End) {
			ps = append(ps, p)
		}
	}
	return ps
}

// String returns s in ISO 8601 interval form, "2024-01-01/2024-06-30".
func (s Span) String() string { return s.Start.String() + "/" + s.End.String() }

package period

import (
	"fmt"
	"time"
)

// Date is a civil (calendar) date: a year, month and day with no time of day
// and no time zone. Reporting periods are about calendar days in China, and
// a time.Time at midnight silently becomes the previous day when it is
// converted from UTC+8 to UTC; a Date cannot.
//
// The calendar is the proleptic Gregorian one. A Date is comparable and
// usable as a map key; its zero value is not a valid date (see IsZero).
// Functions of this package assume valid dates (see IsValid); build them
// with NewDate, DateOf or ParseDate.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate returns the date year-month-day, normalising out-of-range values
// as time.Date does: NewDate(2024, 2, 30) is 2024-03-01.
func NewDate(year int, month time.Month, day int) Date {
	return DateOf(time.Date(year, month, day, 0, 0, 0, 0, time.UTC))
}

// DateOf returns the calendar date of t in t's own location. To get the
// date in China, convert first: DateOf(t.In(shanghai)).
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// ParseDate parses a date written YYYY-MM-DD, such as "2024-06-30".
func ParseDate(s string) (Date, error) {
	d, reason := parseISODate(s)
	if reason != "" {
		return Date{}, &ParseError{Input: s, Reason: reason, Forms: dateForms}
	}
	return d, nil
}

// parseISODate parses YYYY-MM-DD; it returns a reason on failure.
func parseISODate(s string) (Date, string) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, "a date is written YYYY-MM-DD"
	}
	y, okY := digits(s[:4])
	m, okM := digits(s[5:7])
	d, okD := digits(s[8:])
	if !okY || !okM || !okD {
		return Date{}, "a date is written YYYY-MM-DD with digits only"
	}
	return checkDate(y, m, d)
}

// checkDate builds a date from parsed numbers, or says why it is not one.
func checkDate(y, m, d int) (Date, string) {
	date := Date{Year: y, Month: time.Month(m), Day: d}
	switch {
	case y < minYear:
		return Date{}, "year 0000 is not supported"
	case m < 1 || m > 12:
		return Date{}, fmt.Sprintf("month %d is not between 1 and 12", m)
	case !date.IsValid():
		return Date{}, fmt.Sprintf("%s has no day %d", time.Month(m), d)
	}
	return date, ""
}

// IsValid reports whether d is a real calendar date.
func (d Date) IsValid() bool {
	return d.Month >= time.January && d.Month <= time.December &&
		d.Day >= 1 && d.Day <= daysIn(d.Year, d.Month)
}

// IsZero reports whether d is the zero Date (not a valid date).
func (d Date) IsZero() bool { return d == Date{} }

// String formats d as YYYY-MM-DD.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// In returns midnight at the start of d in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDays returns the date n days after d (before it if n < 0).
func (d Date) AddDays(n int) Date { return fromDayNumber(d.dayNumber() + n) }

// DaysSince returns the number of days from e to d: positive if d is later.
func (d Date) DaysSince(e Date) int { return d.dayNumber() - e.dayNumber() }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch n := d.DaysSince(e); {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	// Day number 0 is 1970-01-01, a Thursday.
	return time.Weekday(((d.dayNumber() % 7) + 7 + 4) % 7)
}

// YearDay returns the day of the year of d, from 1 to 365 or 366.
func (d Date) YearDay() int { return d.DaysSince(Date{d.Year, time.January, 1}) + 1 }

// MarshalText formats d as YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// isLeap reports whether y is a Gregorian leap year.
func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// daysIn returns the number of days in month m of year y.
func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if isLeap(y) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// daysInYear returns 365 or 366.
func daysInYear(y int) int {
	if isLeap(y) {
		return 366
	}
	return 365
}

// dayNumber returns the days since 1970-01-01 (H. Hinnant's
// days_from_civil). Integer arithmetic keeps it exact for any year, where
// time.Duration overflows after 292 years.
func (d Date) dayNumber() int {
	y, m := d.Year, int(d.Month)
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12 // March = 0
	doy := (153*mp+2)/5 + d.Day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// fromDayNumber is the inverse of dayNumber (civil_from_days).
func fromDayNumber(n int) Date {
	n += 719468
	era := floorDiv(n, 146097)
	doe := n - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day := doy - (153*mp+2)/5 + 1
	month := (mp+2)%12 + 1
	year := yoe + era*400
	if month <= 2 {
		year++
	}
	return Date{Year: year, Month: time.Month(month), Day: day}
}

// floorDiv divides rounding towards minus infinity.
func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

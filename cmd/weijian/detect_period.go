package main

// Period labels of the detect command's input: ISO weeks (2024W23), months
// (2024-06) and dates (2024-06-30, or an Excel date serial in an XLSX
// cell). Parsed locally: the few formats a case-count export uses.

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// periodKind is the format family of a period label.
type periodKind int

const (
	kindWeek  periodKind = iota + 1 // ISO week: 2024W23, 2024-W23, 2024年第23周
	kindMonth                       // 2024-06, 2024/6, 2024年6月, 202406
	kindDate                        // 2024-06-30, 2024/6/30, 2024年6月30日, 20240630
)

func (k periodKind) String() string {
	switch k {
	case kindWeek:
		return "ISO week"
	case kindMonth:
		return "month"
	}
	return "date"
}

// period is one parsed label; day is the Monday of an ISO week, the first
// of a month, or the date itself.
type period struct {
	kind periodKind
	day  time.Time
}

var (
	reWeek    = regexp.MustCompile(`^(\d{4})\s*-?\s*[Ww]\s*(\d{1,2})$`)
	reWeekZH  = regexp.MustCompile(`^(\d{4})\s*年\s*第?\s*(\d{1,2})\s*周$`)
	reMonth   = regexp.MustCompile(`^(\d{4})[-/.](\d{1,2})$`)
	reMonthZH = regexp.MustCompile(`^(\d{4})\s*年\s*(\d{1,2})\s*月$`)
	reDate    = regexp.MustCompile(`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00)?)?$`)
	reDateZH  = regexp.MustCompile(`^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$`)
	reDigits  = regexp.MustCompile(`^\d+$`)
)

// excelEpoch is day 0 of Excel's 1900 date system (serial 60, the
// non-existent 1900-02-29, is not a concern for dates after March 1900).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// parsePeriod parses a label; xlsx allows a bare integer as an Excel date
// serial.
func parsePeriod(s string, xlsx bool) (period, error) {
	s = strings.TrimSpace(s)
	atoi := func(v string) int { n, _ := strconv.Atoi(v); return n }
	if m := firstMatch(s, reWeek, reWeekZH); m != nil {
		return weekPeriod(atoi(m[1]), atoi(m[2]))
	}
	if m := firstMatch(s, reMonth, reMonthZH); m != nil {
		return monthPeriod(atoi(m[1]), atoi(m[2]))
	}
	if m := firstMatch(s, reDate, reDateZH); m != nil {
		return datePeriod(atoi(m[1]), atoi(m[2]), atoi(m[3]))
	}
	if reDigits.MatchString(s) {
		switch {
		case len(s) == 6:
			return monthPeriod(atoi(s[:4]), atoi(s[4:]))
		case len(s) == 8:
			return datePeriod(atoi(s[:4]), atoi(s[4:6]), atoi(s[6:]))
		case xlsx && len(s) <= 6:
			return period{kindDate, excelEpoch.AddDate(0, 0, atoi(s))}, nil
		}
	}
	return period{}, fmt.Errorf("%q is not a week (2024W23), month (2024-06) or date (2024-06-30)", s)
}

func firstMatch(s string, res ...*regexp.Regexp) []string {
	for _, re := range res {
		if m := re.FindStringSubmatch(s); m != nil {
			return m
		}
	}
	return nil
}

func weekPeriod(year, week int) (period, error) {
	if week < 1 || week > isoWeeks(year) {
		return period{}, fmt.Errorf("week %d does not exist in ISO year %d (%d weeks)", week, year, isoWeeks(year))
	}
	// The Monday of ISO week 1 is the Monday on or before 4 January.
	jan4 := time.Date(year, 1, 4, 0, 0, 0, 0, time.UTC)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday()) + 6) % 7))
	return period{kindWeek, monday.AddDate(0, 0, 7*(week-1))}, nil
}

// isoWeeks is the number of ISO weeks of year (52 or 53).
func isoWeeks(year int) int {
	_, w := time.Date(year, 12, 28, 0, 0, 0, 0, time.UTC).ISOWeek()
	return w
}

func monthPeriod(year, month int) (period, error) {
	if year < 1900 || year > 2200 || month < 1 || month > 12 {
		return period{}, fmt.Errorf("%04d-%02d is not a month", year, month)
	}
	return period{kindMonth, time.Date(year, time.Month(month), 1, 0, 0, 0, 0, time.UTC)}, nil
}

func datePeriod(year, month, day int) (period, error) {
	d := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if year < 1900 || year > 2200 || d.Month() != time.Month(month) || d.Day() != day {
		return period{}, fmt.Errorf("%04d-%02d-%02d is not a date", year, month, day)
	}
	return period{kindDate, d}, nil
}

// label renders p canonically.
func (p period) label() string {
	switch {
	case p.kind == kindWeek:
		y, w := p.day.ISOWeek()
		return fmt.Sprintf("%dW%02d", y, w)
	case p.kind == kindMonth:
		return p.day.Format("2006-01")
	}
	return p.day.Format("2006-01-02")
}

// step is the number of periods from p to q for a series of frequency
// freq: weeks for week labels and weekly dates, months for month labels
// and monthly dates, days otherwise. ok is false when weekly dates are not
// a whole number of weeks apart.
func (p period) step(q period, freq int) (n int, ok bool) {
	days := int(q.day.Sub(p.day).Hours() / 24)
	switch {
	case p.kind == kindWeek || freq == 52:
		return days / 7, days%7 == 0
	case p.kind == kindMonth || freq == 12:
		// Monthly dates may fall on any day (month ends, report days).
		return (q.day.Year()-p.day.Year())*12 + int(q.day.Month()-p.day.Month()), true
	}
	return days, true
}

// start is R's sts start (year, period within the year) of a series
// whose first label is p.
func (p period) start(freq int) [2]int {
	switch {
	case p.kind == kindWeek || freq == 52:
		y, w := p.day.ISOWeek()
		return [2]int{y, w}
	case p.kind == kindMonth || freq == 12:
		return [2]int{p.day.Year(), int(p.day.Month())}
	case freq == 7:
		_, w := p.day.ISOWeek()
		return [2]int{w, (int(p.day.Weekday())+6)%7 + 1}
	}
	return [2]int{p.day.Year(), p.day.YearDay()}
}

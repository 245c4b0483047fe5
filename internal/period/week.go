package period

import "time"

// ISOWeek returns the ISO 8601 week-numbering year and week of d, as
// time.Time.ISOWeek does: 2020-12-31 and 2021-01-03 are in 2020W53,
// 2024-12-30 is in 2025W01.
func ISOWeek(d Date) (year, week int) {
	monday := d.AddDays(-mondayOffset(d))
	return isoYear(monday), isoWeekOfMonday(monday)
}

// WeeksInYear returns the number of ISO weeks (52 or 53) in the ISO
// week-numbering year y. 28 December is always in the last week.
func WeeksInYear(y int) int {
	_, w := ISOWeek(Date{y, time.December, 28})
	return w
}

// mondayOffset returns the days since the Monday that starts d's week.
func mondayOffset(d Date) int { return (int(d.Weekday()) + 6) % 7 }

// isoYear returns the ISO year of the week starting on monday: the year of
// its Thursday.
func isoYear(monday Date) int { return monday.AddDays(3).Year }

// isoWeekOfMonday returns the ISO week number of the week starting on
// monday: its Thursday's ordinal week in the Thursday's year.
func isoWeekOfMonday(monday Date) int { return (monday.AddDays(3).YearDay()-1)/7 + 1 }

// week1Monday returns the Monday of ISO week 1 of year y: the week that
// holds 4 January.
func week1Monday(y int) Date {
	jan4 := Date{y, time.January, 4}
	return jan4.AddDays(-mondayOffset(jan4))
}

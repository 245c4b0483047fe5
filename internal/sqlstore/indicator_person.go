package sqlstore

import (
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
)

// personFilter adds a row query's sex and age-band filter (a
// disaggregated cell) to its FROM and conditions: persons(…) joins the
// person (on county_code too, for Citus), events(…) has it already as y.
// The age is in completed years on the query's last day: age ≥ From when
// born on or before To − From years, age < To when born after To − To
// years.
func personFilter(q indicator.RowQuery, from string, conds []string, args []any) (string, []string, []any) {
	f := q.Person
	if f.IsZero() {
		return from, conds, args
	}
	p := "y"
	if q.Function == "persons" {
		from += " JOIN person p ON p.county_code = y.county_code AND p.id = y.person_id"
		p = "p"
	}
	if f.Sex != 0 {
		conds = append(conds, p+".sex = ?")
		args = append(args, f.Sex)
	}
	if f.Age != (weijian.AgeBand{}) {
		conds = append(conds, p+".birth_date <= ?")
		args = append(args, dateVal(yearsBefore(q.To, f.Age.From)))
		if f.Age.To < weijian.AgeOpen {
			conds = append(conds, p+".birth_date > ?")
			args = append(args, dateVal(yearsBefore(q.To, f.Age.To)))
		}
	}
	return from, conds, args
}

// yearsBefore is the same day n years before d (29 February → 28).
func yearsBefore(d period.Date, n int) time.Time {
	day := d.Day
	if d.Month == time.February && day == 29 {
		day = 28
	}
	return period.NewDate(d.Year-n, d.Month, day).In(time.UTC)
}

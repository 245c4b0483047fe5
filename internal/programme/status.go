package programme

import (
	"math"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/period"
)

// StatusItem is one value of a programme's per-person-per-year status, the
// small record the store keeps current on every write so that indicators
// read one row per person and year instead of scanning events. Kinds:
//
//   - count: the number of events of Stage in the year (meeting When, if set)
//   - any: whether there was at least one such event
//   - last: the value of Field on the latest event of Stage in the year,
//     or Default when there is none (血压控制: a patient not seen counts as
//     not controlled)
//   - sum: the sum of a numeric Field over those events (teeth sealed)
//   - last_date: the date of the latest event of Stage in the year
//   - attr: an enrollment attribute or derived value (Field), such as
//     early_registration of a pregnancy (早孕建册)
//   - regular: 规范管理 — at least Min events of Stage in the year, adjacent
//     ones at most MaxGap apart; with Prorate, a person enrolled during the
//     year needs Min × (days enrolled ÷ days in the year), rounded up
type StatusItem struct {
	Code    string
	Label   weijian.Text
	Kind    string
	Stage   string
	Field   string
	When    *Expr
	Default any
	Min     int
	MaxGap  *Age
	Prorate bool
}

// Status is a person's status in one programme enrollment for one year.
type Status struct {
	Programme string         `json:"programme"`
	Version   int            `json:"version"`
	Year      int            `json:"year"`
	Enrolled  bool           `json:"enrolled"` // the enrollment overlaps the year (年内在管)
	Events    int            `json:"events"`   // events of any stage in the year
	Values    map[string]any `json:"values"`   // by StatusItem code: int64, bool, period.Date or a field's value
}

// Well-known status item codes: a store keeps them in columns of their
// own (a programme without them has no such notion).
const (
	StatusRegular    = "regular"    // 规范管理: the year's schedule was met
	StatusControlled = "controlled" // the latest reading of the year on target (血压/血糖控制)
)

// Flag returns the status item code as a yes/no, and whether the programme
// has such an item.
func (st Status) Flag(code string) (value, ok bool) {
	v, ok := st.Values[code].(bool)
	if !ok {
		if _, has := st.Values[code]; !has {
			return false, false
		}
	}
	return v, true
}

// YearStatus computes the status of enrollment enr in year from the
// person's events (events of other years are ignored).
func (p *Programme) YearStatus(person PersonFacts, enr Enrollment, events []EventRef, year int) Status {
	y := period.Of(period.Year, period.NewDate(year, 1, 1))
	st := Status{Programme: p.Code, Version: p.Version, Year: year, Values: map[string]any{}}
	st.Enrolled = enr.Date.IsValid() && !enr.Date.After(y.End()) && (enr.EndDate.IsZero() || !enr.EndDate.Before(y.Start()))
	var inYear []EventRef
	for _, e := range events {
		if y.Contains(e.Date) {
			inYear = append(inYear, e)
		}
	}
	enr, inYear = p.restore(enr, inYear)
	st.Events = len(inYear)
	for _, it := range p.Status {
		st.Values[it.Code] = it.value(p, person, enr, inYear, y)
	}
	return st
}

func (it *StatusItem) value(p *Programme, person PersonFacts, enr Enrollment, inYear []EventRef, y period.Period) any {
	var mine []EventRef
	src, _ := p.Stage(it.Stage)
	for _, e := range eventsOf(inYear, it.Stage) {
		if it.When == nil || holds(it.When, src, person, enr, e) {
			mine = append(mine, e)
		}
	}
	switch it.Kind {
	case "count":
		return int64(len(mine))
	case "any":
		return len(mine) > 0
	case "sum":
		var total float64
		for _, e := range mine {
			if f, ok := canon(e.Values[it.Field]).(float64); ok {
				total += f
			}
		}
		if total == math.Trunc(total) {
			return int64(total)
		}
		return total
	case "last_date":
		if len(mine) == 0 {
			return nil
		}
		return mine[len(mine)-1].Date
	case "last":
		if len(mine) == 0 {
			return it.Default
		}
		if v, ok := mine[len(mine)-1].Values[it.Field]; ok && v != nil {
			return v
		}
		return it.Default
	case "regular":
		return it.regular(enr, mine, y)
	case "attr":
		if v, ok := enr.Attrs[it.Field]; ok && v != nil {
			return v
		}
		return it.Default
	}
	return nil
}

// Need is how many events of the item's stage a person enrolled on
// enrolled needs in year to count as 规范管理 (Min, prorated when the
// item says so and the enrollment began during the year).
func (it *StatusItem) Need(enrolled period.Date, year int) int {
	y := period.Of(period.Year, period.NewDate(year, 1, 1))
	if it.Prorate && enrolled.IsValid() && y.Contains(enrolled) {
		share := float64(y.End().DaysSince(enrolled)+1) / float64(y.NumDays())
		return int(math.Ceil(float64(it.Min) * share))
	}
	return it.Min
}

func (it *StatusItem) regular(enr Enrollment, mine []EventRef, y period.Period) bool {
	if len(mine) < it.Need(enr.Date, y.Start().Year) {
		return false
	}
	if it.MaxGap != nil {
		for i := 1; i < len(mine); i++ {
			if mine[i].Date.After(it.MaxGap.From(mine[i-1].Date)) {
				return false
			}
		}
	}
	return true
}

package programme

import (
	"math"
	"slices"

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
//
// The stores call it for every person-programme-year they write (a bulk
// load, millions of times), so it makes one pass over the year's events
// per status item without copying them, and gives a value its type
// (restore) only where an item reads it: the field an item reports, or
// every value of an event a condition (When) is evaluated on. The result
// is what restoring every event first and then filtering and sorting the
// events once per item gives (TestYearStatusSameAsReference).
func (p *Programme) YearStatus(person PersonFacts, enr Enrollment, events []EventRef, year int) Status {
	y := period.Of(period.Year, period.NewDate(year, 1, 1))
	st := Status{Programme: p.Code, Version: p.Version, Year: year, Values: make(map[string]any, len(p.Status))}
	st.Enrolled = enr.Date.IsValid() && !enr.Date.After(y.End()) && (enr.EndDate.IsZero() || !enr.EndDate.Before(y.Start()))
	ye := yearEvents{p: p, person: person, enr: enr, events: inYear(events, y)}
	st.Events = len(ye.events)
	for _, it := range p.Status {
		st.Values[it.Code] = it.value(&ye, y)
	}
	return st
}

// inYear returns the events of period y in date order (stable): events
// itself when they all are in y and in order, as a store gives them.
func inYear(events []EventRef, y period.Period) []EventRef {
	n, sorted := 0, true
	for i := range events {
		if y.Contains(events[i].Date) {
			n++
		}
		if i > 0 && events[i].Date.Before(events[i-1].Date) {
			sorted = false
		}
	}
	if n == len(events) && sorted {
		return events
	}
	out := make([]EventRef, 0, n)
	for _, e := range events {
		if y.Contains(e.Date) {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b EventRef) int { return a.Date.Compare(b.Date) })
	return out
}

// yearEvents is a year's events (in date order) as the status items read
// them: values as given, restored where an item needs them.
type yearEvents struct {
	p      *Programme
	person PersonFacts
	enr    Enrollment // attributes as given
	events []EventRef

	restoredEnr *Enrollment      // enr with its attributes restored, once needed
	restored    []map[string]any // the events' values restored, once a condition needs them
}

// enrollment is the enrollment with its attributes restored.
func (ye *yearEvents) enrollment() Enrollment {
	if ye.restoredEnr == nil {
		e := ye.enr
		e.Attrs = ye.p.Enrollment.Restore(e.Attrs)
		ye.restoredEnr = &e
	}
	return *ye.restoredEnr
}

// values are event i's values restored (src: the event's stage, nil when
// the programme has no such stage).
func (ye *yearEvents) values(i int, src *Stage) map[string]any {
	if ye.restored == nil {
		ye.restored = make([]map[string]any, len(ye.events))
	}
	if ye.restored[i] == nil {
		v := ye.events[i].Values
		if src != nil && len(v) > 0 {
			v = src.Form.Restore(v)
		}
		if v == nil {
			v = map[string]any{}
		}
		ye.restored[i] = v
	}
	return ye.restored[i]
}

// field is event i's value of field restored, and whether it has one.
func (ye *yearEvents) field(i int, src *Stage, field string) (any, bool) {
	if ye.restored != nil && ye.restored[i] != nil {
		v, ok := ye.restored[i][field]
		return v, ok
	}
	v, ok := ye.events[i].Values[field]
	if !ok || src == nil {
		return v, ok
	}
	return src.Form.restoreValue(field, v), true
}

// value computes the item over the year's events of its stage (meeting
// When), in one pass.
func (it *StatusItem) value(ye *yearEvents, y period.Period) any {
	src, _ := ye.p.Stage(it.Stage)
	n, last, gapOK := 0, -1, true
	var total float64
	for i := range ye.events {
		e := &ye.events[i]
		if e.Stage != it.Stage {
			continue
		}
		if it.When != nil {
			ref := EventRef{Stage: e.Stage, Date: e.Date, Values: ye.values(i, src)}
			if !holds(it.When, src, ye.person, ye.enrollment(), ref) {
				continue
			}
		}
		switch it.Kind {
		case "sum":
			if v, ok := ye.field(i, src, it.Field); ok {
				if f, ok := canon(v).(float64); ok {
					total += f
				}
			}
		case "regular":
			if it.MaxGap != nil && last >= 0 && e.Date.After(it.MaxGap.From(ye.events[last].Date)) {
				gapOK = false
			}
		}
		n, last = n+1, i
	}
	switch it.Kind {
	case "count":
		return int64(n)
	case "any":
		return n > 0
	case "sum":
		if total == math.Trunc(total) {
			return int64(total)
		}
		return total
	case "last_date":
		if n == 0 {
			return nil
		}
		return ye.events[last].Date
	case "last":
		if n == 0 {
			return it.Default
		}
		if v, ok := ye.field(last, src, it.Field); ok && v != nil {
			return v
		}
		return it.Default
	case "regular":
		return n >= it.Need(ye.enr.Date, y.Start().Year) && gapOK
	case "attr":
		if v, ok := ye.enr.Attrs[it.Field]; ok && v != nil {
			return ye.p.Enrollment.restoreValue(it.Field, v)
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

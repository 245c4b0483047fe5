package programme

import (
	"slices"
	"sort"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/period"
)

// Schedule says when a stage's events are due. It is one of four kinds:
//
//   - period: one event in every calendar month, quarter or year while
//     enrolled (hypertension follow-ups: one a quarter; the 65+ check: one
//     a year). Due from the period's start (or the enrollment date) to its
//     end; overdue when the whole previous period, enrolled from its start,
//     was missed as well.
//   - interval: the next event is due Every after the last one (or First
//     after the anchor when there is none), Lead before that date it shows
//     as due, and Grace after it it is overdue (a contract renewed each year).
//   - windows: events due in age or time windows from an anchor (child
//     checks at 3, 6, 8, 12 … months; prenatal visits at 16–20, 21–24 …
//     weeks; vaccine doses). A window with a condition is filled only by an
//     event whose values meet it (vaccine == 'HepB' && dose == 2), at any
//     date; a window without one by any event from its start until the next
//     window opens. A window past its end unfilled is overdue: it stays due
//     while CatchUp is set, otherwise until the next window opens.
//   - after: a follow-up of a positive finding: due on the date of the
//     latest event of another stage whose values meet When, overdue Within
//     after it, done when an event of this stage is dated on or after it.
//
// Any kind may add Sooner: when the stage's latest event meets its
// condition (blood pressure not controlled), the next event is due within
// a shorter time, ahead of the regular schedule.
type Schedule struct {
	Kind    string // period, interval, windows, after
	Period  period.Type
	Every   Age
	First   *Age
	Anchor  string // enrollment (default), birth, attr:<code>, stage:<code>
	Lead    Age
	Grace   Age
	Windows []Window
	CatchUp bool
	After   *Trigger
	Sooner  *Sooner // any kind: an earlier due date after an event meeting When
}

// Sooner brings the next event of a stage forward when the latest one
// calls for it (高血压: control unsatisfactory → follow up within 2 weeks).
type Sooner struct {
	When   *Expr
	Within Age
	Label  weijian.Text
}

// Window is one due window of a windows schedule.
type Window struct {
	Code     string
	Label    weijian.Text
	From, To Age   // offsets from the anchor; the window ends on anchor+To
	When     *Expr // only events meeting this fill the window; nil: any event
	If       *Expr // the window applies only to people (and enrollments) meeting this
}

// Trigger starts an after schedule: the latest event of any of Stages
// whose values meet When.
type Trigger struct {
	Stages []string
	When   *Expr
	Within Age
}

// EventRef is a stored event as schedules and year statuses need it.
// Values (normalized and derived together) are needed only by windows with
// a condition, after triggers and status items that read values.
type EventRef struct {
	Stage  string
	Date   period.Date
	Values map[string]any
}

// DueItem is something a person is due (or will next be due) in a programme.
type DueItem struct {
	Stage    string       `json:"stage"`
	Window   string       `json:"window,omitempty"` // the window code, for windows schedules
	What     weijian.Text `json:"what"`             // e.g. 2024年第四季度高血压随访, 6月龄儿童健康检查
	Date     period.Date  `json:"date"`             // from when it is due
	Deadline period.Date  `json:"deadline"`         // the last day it counts as on time
	Due      bool         `json:"due"`              // Date (less the lead) has come
	Overdue  bool         `json:"overdue"`          // past the deadline (or a missed period before)
}

// Due returns what person is due in enrollment enr as of asOf, given the
// events recorded so far: for every scheduled stage, the items due now and,
// when nothing is due, the next one (Due false). Nothing is due after the
// enrollment ended or the person died, nor in a stage whose eligibility
// the person no longer meets (fluoride varnish after 6). Items are ordered
// by date.
func (p *Programme) Due(person PersonFacts, enr Enrollment, events []EventRef, asOf period.Date) []DueItem {
	if !enr.Date.IsValid() || !enr.EndDate.IsZero() && !enr.EndDate.After(asOf) || !person.DeathDate.IsZero() && !person.DeathDate.After(asOf) {
		return nil
	}
	enr, events = p.restore(enr, events)
	var out []DueItem
	for _, s := range p.Stages {
		if s.Schedule != nil && len(s.Eligibility.check(person, asOf)) == 0 {
			out = append(out, s.due(person, enr, events, asOf)...)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out
}

// eventsOf returns the events of stage in date order.
func eventsOf(events []EventRef, stage string) []EventRef {
	var out []EventRef
	for _, e := range events {
		if e.Stage == stage {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b EventRef) int { return a.Date.Compare(b.Date) })
	return out
}

func (s *Stage) due(person PersonFacts, enr Enrollment, events []EventRef, asOf period.Date) []DueItem {
	mine := eventsOf(events, s.Code)
	if !s.Repeatable && len(mine) > 0 {
		return nil
	}
	sc := s.Schedule
	if it, ok := s.dueSooner(person, enr, mine, asOf); ok {
		return []DueItem{it}
	}
	switch sc.Kind {
	case "period":
		return s.duePeriod(enr, mine, asOf)
	case "interval":
		anchor, ok := s.anchor(person, enr, events)
		if !ok {
			return nil
		}
		date := sc.Every.From(anchor)
		if len(mine) > 0 {
			date = sc.Every.From(mine[len(mine)-1].Date)
		} else if sc.First != nil {
			date = sc.First.From(anchor)
		}
		deadline := sc.Grace.From(date)
		return []DueItem{{Stage: s.Code, What: s.Name, Date: date, Deadline: deadline,
			Due: !asOf.Before(back(sc.Lead, date)), Overdue: asOf.After(deadline)}}
	case "windows":
		anchor, ok := s.anchor(person, enr, events)
		if !ok {
			return nil
		}
		return s.dueWindows(person, enr, anchor, mine, asOf)
	case "after":
		return s.dueAfter(person, enr, events, mine, asOf)
	}
	return nil
}

// dueSooner returns the early item when the stage's latest event meets
// the schedule's sooner condition: due from that event, within Within.
func (s *Stage) dueSooner(person PersonFacts, enr Enrollment, mine []EventRef, asOf period.Date) (DueItem, bool) {
	so := s.Schedule.Sooner
	if so == nil || len(mine) == 0 {
		return DueItem{}, false
	}
	last := mine[len(mine)-1]
	if !holds(so.When, s, person, enr, last) {
		return DueItem{}, false
	}
	deadline := so.Within.From(last.Date)
	return DueItem{Stage: s.Code, What: so.Label, Date: last.Date, Deadline: deadline,
		Due: true, Overdue: asOf.After(deadline)}, true
}

// back returns the date a before d.
func back(a Age, d period.Date) period.Date {
	return Age{-a.N, a.Unit}.From(d)
}

func (s *Stage) duePeriod(enr Enrollment, mine []EventRef, asOf period.Date) []DueItem {
	cur := period.Of(s.Schedule.Period, asOf)
	if cur.End().Before(enr.Date) {
		return nil
	}
	in := func(p period.Period) bool {
		for _, e := range mine {
			if p.Contains(e.Date) {
				return true
			}
		}
		return false
	}
	item := func(p period.Period, due bool) DueItem {
		start := p.Start()
		if start.Before(enr.Date) {
			start = enr.Date
		}
		return DueItem{Stage: s.Code, What: weijian.T(p.Label("zh")+s.Name.ZH, s.Name.In("en")+", "+p.Label("en")),
			Date: start, Deadline: p.End(), Due: due}
	}
	if in(cur) {
		return []DueItem{item(cur.Next(), false)}
	}
	it := item(cur, true)
	prev := cur.Prev()
	it.Overdue = !enr.Date.After(prev.Start()) && !in(prev) // a whole period missed
	return []DueItem{it}
}

func (s *Stage) dueWindows(person PersonFacts, enr Enrollment, anchor period.Date, mine []EventRef, asOf period.Date) []DueItem {
	sc := s.Schedule
	var out []DueItem
	var next *DueItem
	for i, w := range sc.Windows {
		start, end := w.From.From(anchor), w.To.From(anchor)
		if w.If != nil && !holds(w.If, s, person, enr, EventRef{Date: enr.Date}) {
			continue
		}
		until := farFuture
		if i+1 < len(sc.Windows) {
			until = back(sc.Lead, sc.Windows[i+1].From.From(anchor))
		}
		if end.Before(enr.Date) && !sc.CatchUp || w.filled(s, person, enr, mine, back(sc.Lead, start), until) {
			continue
		}
		it := DueItem{Stage: s.Code, Window: w.Code, What: w.Label, Date: start, Deadline: end}
		switch {
		case asOf.After(end):
			nextOpen := i+1 < len(sc.Windows) && !asOf.Before(back(sc.Lead, sc.Windows[i+1].From.From(anchor)))
			if sc.CatchUp || !nextOpen {
				it.Due, it.Overdue = true, true
				out = append(out, it)
			}
		case !asOf.Before(back(sc.Lead, start)):
			it.Due = true
			out = append(out, it)
		case next == nil:
			next = &it
		}
	}
	if len(out) == 0 && next != nil {
		out = append(out, *next)
	}
	return out
}

// farFuture is after every real date.
var farFuture = period.Date{Year: 9999, Month: 12, Day: 31}

// filled reports whether the window is filled: by an event meeting its
// condition at any date, or, without a condition, by an event from the
// window's start (less the lead) until the next window opens — a check
// done late still counts for its window, not for the next.
func (w Window) filled(s *Stage, person PersonFacts, enr Enrollment, mine []EventRef, start, until period.Date) bool {
	for _, e := range mine {
		if w.When != nil {
			if !holds(w.When, s, person, enr, e) {
				continue
			}
			return true // a conditional window (a dose) is filled at any date
		}
		if !e.Date.Before(start) && e.Date.Before(until) {
			return true
		}
	}
	return false
}

// restore gives the enrollment attributes and the events' values their
// types once (they may come back from JSON as text and float64), so that
// conditions evaluated over them many times need not.
func (p *Programme) restore(enr Enrollment, events []EventRef) (Enrollment, []EventRef) {
	enr.Attrs = p.Enrollment.Restore(enr.Attrs)
	out := make([]EventRef, len(events))
	for i, e := range events {
		out[i] = e
		if s, ok := p.Stage(e.Stage); ok && len(e.Values) > 0 {
			out[i].Values = s.Form.Restore(e.Values)
		}
	}
	return enr, out
}

// holds evaluates a condition over an event's values (restored; see restore).
func holds(x *Expr, s *Stage, person PersonFacts, enr Enrollment, e EventRef) bool {
	ctx := &evalCtx{person: person, enrollment: enr.Date, event: e.Date, attrs: enr.Attrs, inStage: true}
	v, err := x.Eval(ctx.env(e.Values, nil))
	return err == nil && v == true
}

func (s *Stage) dueAfter(person PersonFacts, enr Enrollment, events, mine []EventRef, asOf period.Date) []DueItem {
	tr := s.Schedule.After
	var trigger *EventRef
	for _, code := range tr.Stages {
		src, ok := s.prog.Stage(code)
		if !ok {
			continue
		}
		for _, e := range eventsOf(events, code) {
			if (tr.When == nil || holds(tr.When, src, person, enr, e)) && (trigger == nil || !e.Date.Before(trigger.Date)) {
				e := e
				trigger = &e
			}
		}
	}
	if trigger == nil {
		return nil
	}
	for _, e := range mine {
		if !e.Date.Before(trigger.Date) {
			return nil
		}
	}
	deadline := tr.Within.From(trigger.Date)
	return []DueItem{{Stage: s.Code, What: s.Name, Date: trigger.Date, Deadline: deadline, Due: true, Overdue: asOf.After(deadline)}}
}

// anchor resolves the schedule's anchor date; false when it is not known
// yet (a stage that has not happened, an attribute left blank).
func (s *Stage) anchor(person PersonFacts, enr Enrollment, events []EventRef) (period.Date, bool) {
	a := s.Schedule.Anchor
	switch {
	case a == "" || a == "enrollment":
		return enr.Date, true
	case a == "birth":
		return person.BirthDate, true
	case len(a) > 5 && a[:5] == "attr:":
		return dateOf(enr.Attrs[a[5:]])
	case len(a) > 6 && a[:6] == "stage:":
		if evs := eventsOf(events, a[6:]); len(evs) > 0 {
			return evs[0].Date, true
		}
	}
	return period.Date{}, false
}

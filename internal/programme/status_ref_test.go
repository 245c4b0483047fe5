package programme

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/weijian-health/weijian/internal/period"
)

// yearStatusRef is YearStatus as it was first written: every event of the
// year restored, then, for each item, the events of its stage filtered
// and sorted again. YearStatus must give the same result.
func (p *Programme) yearStatusRef(person PersonFacts, enr Enrollment, events []EventRef, year int) Status {
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
		st.Values[it.Code] = it.valueRef(p, person, enr, inYear, y)
	}
	return st
}

func (it *StatusItem) valueRef(p *Programme, person PersonFacts, enr Enrollment, inYear []EventRef, y period.Period) any {
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
	case "attr":
		if v, ok := enr.Attrs[it.Field]; ok && v != nil {
			return v
		}
		return it.Default
	}
	return nil
}

// TestYearStatusSameAsReference compares YearStatus with the reference on
// generated histories of every programme version of the catalogue (values
// typed, as read back from JSON, blank, malformed, unknown; events in and
// out of the year, in and out of date order, of unknown stages), and of
// a programme with one item of every kind, with and without conditions.
func TestYearStatusSameAsReference(t *testing.T) {
	c := builtin(t)
	var progs []*Programme
	for _, vs := range c.versions {
		progs = append(progs, vs...)
	}
	progs = append(progs, everyKind(t, c))
	rng := rand.New(rand.NewPCG(13, 2026))
	compared := 0
	for _, p := range progs {
		for range 400 {
			year := 2022 + rng.IntN(3)
			person := PersonFacts{Sex: []string{"1", "2"}[rng.IntN(2)], BirthDate: period.NewDate(1940+rng.IntN(84), time.Month(1+rng.IntN(12)), 1+rng.IntN(28)),
				VillageCode: "320685100001", Permanent: rng.IntN(5) > 0}
			var enr Enrollment
			if rng.IntN(6) > 0 {
				enr.Date = randDate(rng, year)
				enr.Attrs = randValues(rng, &p.Enrollment)
				if rng.IntN(4) == 0 {
					enr.EndDate = randDate(rng, year)
				}
			}
			var events []EventRef
			for range rng.IntN(9) {
				stage := "no_such_stage"
				var form *Form
				if rng.IntN(12) > 0 && len(p.Stages) > 0 {
					s := p.Stages[rng.IntN(len(p.Stages))]
					stage, form = s.Code, &s.Form
				}
				e := EventRef{Stage: stage, Date: randDate(rng, year)}
				if form != nil {
					e.Values = randValues(rng, form)
				} else if rng.IntN(2) == 0 {
					e.Values = map[string]any{"x": 1.0}
				}
				events = append(events, e)
			}
			if rng.IntN(3) > 0 { // as the stores give them
				slicesSortByDate(events)
			}
			want := p.yearStatusRef(person, enr, events, year)
			got := p.YearStatus(person, enr, events, year)
			if d := cmp.Diff(want, got); d != "" {
				t.Fatalf("%s@%d %d: YearStatus differs from the reference (-want +got):\n%s\nevents %v", p.Code, p.Version, year, d, events)
			}
			compared++
		}
	}
	if compared < 1000 {
		t.Fatalf("only %d histories compared", compared)
	}
}

func slicesSortByDate(events []EventRef) {
	for i := 1; i < len(events); i++ {
		for j := i; j > 0 && events[j].Date.Before(events[j-1].Date); j-- {
			events[j], events[j-1] = events[j-1], events[j]
		}
	}
}

// everyKind is hypertension with, besides its own items, one of every
// kind, some with conditions on the event's and the enrollment's values.
func everyKind(t *testing.T, c *Catalogue) *Programme {
	base, ok := c.Programme("hypertension")
	if !ok {
		t.Fatal("no hypertension")
	}
	p := *base
	when := func(src string) *Expr {
		x, err := ParseExpr(src)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	gap := Age{4, Months}
	p.Status = append(append([]StatusItem(nil), base.Status...),
		StatusItem{Code: "sum_weight", Kind: "sum", Stage: "followup", Field: "weight"},
		StatusItem{Code: "sum_cig_high", Kind: "sum", Stage: "followup", Field: "cigarettes_per_day", When: when("sbp >= 140")},
		StatusItem{Code: "count_ctl", Kind: "count", Stage: "followup", When: when("bp_controlled == true")},
		StatusItem{Code: "any_ref", Kind: "any", Stage: "followup", When: when("referral == true || enrollment.baseline_sbp > 160")},
		StatusItem{Code: "last_date_high", Kind: "last_date", Stage: "followup", When: when("sbp > 150")},
		StatusItem{Code: "last_symptoms", Kind: "last", Stage: "followup", Field: "symptoms", Default: "none"},
		StatusItem{Code: "last_next", Kind: "last", Stage: "followup", Field: "next_followup_date", When: when("dbp < 95")},
		StatusItem{Code: "last_weight_check", Kind: "last", Stage: "annual_check", Field: "weight"},
		StatusItem{Code: "regular_gap", Kind: "regular", Stage: "followup", Min: 2, MaxGap: &gap},
		StatusItem{Code: "regular_gap_when", Kind: "regular", Stage: "followup", Min: 1, MaxGap: &gap, Prorate: true, When: when("method == '1'")},
		StatusItem{Code: "attr_diag", Kind: "attr", Field: "diagnosis_date", Default: false},
		StatusItem{Code: "attr_sbp", Kind: "attr", Field: "baseline_sbp"},
		StatusItem{Code: "count_nostage", Kind: "count", Stage: "no_such_stage"},
		StatusItem{Code: "last_nostage", Kind: "last", Stage: "no_such_stage", Field: "x", When: when("x == 1")},
	)
	return &p
}

func randDate(rng *rand.Rand, year int) period.Date {
	return period.NewDate(year-1+rng.IntN(3), time.Month(1+rng.IntN(12)), 1+rng.IntN(28))
}

// randValues makes values of a form's fields and derived values in the
// forms they reach YearStatus: typed, read back from JSON, from a
// spreadsheet, blank or malformed; and a key the form does not have.
func randValues(rng *rand.Rand, f *Form) map[string]any {
	out := map[string]any{}
	for _, fd := range f.Fields() {
		if rng.IntN(3) == 0 {
			continue
		}
		out[fd.Code] = randValue(rng, fd.Type, fd.OptionSet, fd.Multiple)
	}
	for _, dv := range f.Derived {
		if rng.IntN(2) == 0 {
			out[dv.Code] = randValue(rng, dv.Type, nil, false)
		}
	}
	if rng.IntN(5) == 0 {
		out["unknown_key"] = "x"
	}
	return out
}

func randValue(rng *rand.Rand, typ Type, os *OptionSet, multiple bool) any {
	switch rng.IntN(12) {
	case 0:
		return nil
	case 1:
		return " "
	case 2:
		return "不是值"
	}
	n := 20 + rng.IntN(200)
	switch typ {
	case Int:
		return []any{int64(n), float64(n), strconv.Itoa(n), float64(n) + 0.5, n}[rng.IntN(5)]
	case Number:
		return []any{float64(n) / 10, strconv.FormatFloat(float64(n)/10, 'f', -1, 64), int64(n)}[rng.IntN(3)]
	case Date:
		d := period.NewDate(2020+rng.IntN(6), time.Month(1+rng.IntN(12)), 1+rng.IntN(28))
		return []any{d, d.String(), fmt.Sprintf("%d/%d/%d", d.Year, d.Month, d.Day), d.In(time.UTC)}[rng.IntN(4)]
	case Bool:
		return []any{true, false, 1.0, 0.0, "是", "否", "true"}[rng.IntN(7)]
	case Options:
		if os == nil || len(os.Options) == 0 {
			return "1"
		}
		o := os.Options[rng.IntN(len(os.Options))]
		o2 := os.Options[rng.IntN(len(os.Options))]
		if multiple {
			return []any{[]any{o.Code, o2.Code}, []string{o.Code}, o.Code + "," + o2.Code, o.Label.ZH}[rng.IntN(4)]
		}
		return []any{o.Code, o.Label.ZH, " " + o.Code}[rng.IntN(3)]
	}
	return []any{"文本", " text ", 12.0, true}[rng.IntN(4)]
}

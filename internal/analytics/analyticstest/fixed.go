// Package analyticstest holds a tiny indicator evaluator over fixed
// numbers, for the tests of the analytics service and of its API before
// (and beside) the real engine.
package analyticstest

import (
	"context"
	"fmt"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
)

// Fixed is a tiny evaluator over fixed numbers: an indicator counts
// PerDay[unit] × the span's days × YearFactor[year of the span's start]
// (a village counts nothing, a county the sum of its towns). A rate
// divides that count by a denominator of 1000. It records its calls.
type Fixed struct {
	lib   *indicator.Library
	Calls int // EvalMany calls
	Cells int // cells asked in all
}

// PerDay is what each unit counts a day (the analytics tests' towns A,
// B, C and their county).
var PerDay = map[string]float64{"320685100000": 3, "320685101000": 0.5, "320685102000": 0.55, "320685000000": 4.05}

// YearFactor scales the counts of a year; other years have no data.
var YearFactor = map[int]float64{2024: 1, 2023: 0.8}

// NewFixed returns the evaluator with three indicators: screen (a count,
// targeted), screen_rate (a % of pop{sex=F; age=35-64}, targeted) and
// incidence (/10万, lower is better).
func NewFixed() *Fixed {
	ver := func(num, den string) []indicator.Version {
		return []indicator.Version{{ValidFrom: period.NewDate(2000, 1, 1), Numerator: num, Denominator: den}}
	}
	return &Fixed{lib: indicator.NewLibrary([]*indicator.Def{
		{Code: "screen", Name: weijian.T("两癌检查人数", "women screened"), Unit: indicator.Count, Higher: true, Targeted: true,
			Versions: ver("persons(\"twocancer\", screened)", "")},
		{Code: "screen_rate", Name: weijian.T("两癌检查率", "screening rate"), Unit: indicator.Percent, Higher: true, Targeted: true,
			Versions: ver("persons(\"twocancer\", screened)", "pop{sex=F; age=35-64}")},
		{Code: "incidence", Name: weijian.T("发病率", "incidence"), Unit: indicator.Per100k, Higher: false,
			Versions: ver("#{cases}", "pop{}")},
	})}
}

// Library implements indicator.Evaluator.
func (e *Fixed) Library() *indicator.Library { return e.lib }

// Eval implements indicator.Evaluator.
func (e *Fixed) Eval(ctx context.Context, sc weijian.Scope, c indicator.Cell) (indicator.Result, error) {
	rs, err := e.EvalMany(ctx, sc, []indicator.Cell{c})
	if err != nil {
		return indicator.Result{}, err
	}
	return rs[0], nil
}

// EvalMany implements indicator.Evaluator.
func (e *Fixed) EvalMany(_ context.Context, _ weijian.Scope, cells []indicator.Cell) ([]indicator.Result, error) {
	e.Calls++
	e.Cells += len(cells)
	out := make([]indicator.Result, len(cells))
	for i, c := range cells {
		d := e.lib.Get(c.Indicator)
		if d == nil {
			return nil, fmt.Errorf("no indicator %s", c.Indicator)
		}
		f, ok := YearFactor[c.Span.Start.Year]
		if !ok {
			out[i] = indicator.Result{NoData: true, Why: "no data before 2023"}
			continue
		}
		n := PerDay[c.OrgUnit] * float64(c.Span.NumDays()) * f
		r := indicator.Result{Numerator: n, Value: n}
		if d.Unit != indicator.Count {
			r.Denominator, r.HasDen, r.Value = 1000, true, n/1000*d.Unit.Factor()
		}
		out[i] = r
	}
	return out, nil
}

// Persons implements indicator.Evaluator (no persons).
func (e *Fixed) Persons(context.Context, weijian.Scope, indicator.Cell, bool, int) ([]indicator.PersonRow, error) {
	return nil, nil
}

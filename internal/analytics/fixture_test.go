package analytics

import (
	"context"
	"fmt"
	"testing"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/sqlstore"
)

// The test county: 海安市 with three towns A, B, C and one or two villages
// each. Population by village (male = female in each band):
//
//	village  0-34  35-64  65+   total   women 35-64
//	A1         50     60   40     300            60
//	A2         30     40   30     200            40
//	B1         50     50   50     300            50
//	C1         40     30   30     200            30
//
// so town A has 500 people (100 women aged 35–64), B 300 (50), C 200 (30).
const (
	county = "320685000000"
	townA  = "320685100000"
	townB  = "320685101000"
	townC  = "320685102000"
	vilA1  = "320685100201"
	vilA2  = "320685100202"
	vilB1  = "320685101201"
	vilC1  = "320685102201"
)

var ctx = context.Background()

func fixture(t *testing.T, s *sqlstore.Store) {
	t.Helper()
	units := []weijian.OrgUnitRow{
		{Code: "320000000000", Name: "江苏省", Level: "province"},
		{Code: "320600000000", Name: "南通市", Level: "city", ParentCode: "320000000000"},
		{Code: county, Name: "海安市", Level: "county", ParentCode: "320600000000"},
		{Code: townA, Name: "甲镇", Level: "town", ParentCode: county},
		{Code: townB, Name: "乙镇", Level: "town", ParentCode: county},
		{Code: townC, Name: "丙镇", Level: "town", ParentCode: county},
		{Code: vilA1, Name: "甲一村", Level: "village", ParentCode: townA},
		{Code: vilA2, Name: "甲二村", Level: "village", ParentCode: townA},
		{Code: vilB1, Name: "乙一村", Level: "village", ParentCode: townB},
		{Code: vilC1, Name: "丙一村", Level: "village", ParentCode: townC},
	}
	for i := range units {
		units[i].Line = i + 2
	}
	if _, err := s.ImportOrgUnits(ctx, weijian.ScopeAll(), units, weijian.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	bands := []weijian.AgeBand{{From: 0, To: 35}, {From: 35, To: 65}, {From: 65, To: weijian.AgeOpen}}
	counts := map[string][3]int64{vilA1: {50, 60, 40}, vilA2: {30, 40, 30}, vilB1: {50, 50, 50}, vilC1: {40, 30, 30}}
	var rows []weijian.PopulationRow
	for code, c := range counts {
		for i, b := range bands {
			for sex := 1; sex <= 2; sex++ {
				rows = append(rows, weijian.PopulationRow{Line: len(rows) + 2, UnitCode: code, Year: 2024, Sex: sex, Age: b, Count: c[i]})
			}
		}
	}
	if _, err := s.ImportPopulation(ctx, weijian.ScopeAll(), rows, weijian.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
}

// fixedEval is a tiny evaluator over fixed numbers: an indicator counts
// perDay[unit] × the span's days × yearFactor[year of the span's start]
// (a village counts nothing, a county the sum of its towns). A rate
// divides that count by a denominator of 1000. It records its calls.
type fixedEval struct {
	lib   *indicator.Library
	calls int
	cells int
}

var perDay = map[string]float64{townA: 3, townB: 0.5, townC: 0.55, county: 4.05}

var yearFactor = map[int]float64{2024: 1, 2023: 0.8}

func newFixedEval() *fixedEval {
	ver := func(num, den string) []indicator.Version {
		return []indicator.Version{{ValidFrom: period.NewDate(2000, 1, 1), Numerator: num, Denominator: den}}
	}
	return &fixedEval{lib: indicator.NewLibrary([]*indicator.Def{
		{Code: "screen", Name: weijian.T("两癌检查人数", "women screened"), Unit: indicator.Count, Higher: true, Targeted: true,
			Versions: ver("persons(\"twocancer\", screened)", "")},
		{Code: "screen_rate", Name: weijian.T("两癌检查率", "screening rate"), Unit: indicator.Percent, Higher: true, Targeted: true,
			Versions: ver("persons(\"twocancer\", screened)", "pop{sex=F; age=35-64}")},
		{Code: "incidence", Name: weijian.T("发病率", "incidence"), Unit: indicator.Per100k, Higher: false,
			Versions: ver("#{cases}", "pop{}")},
	})}
}

func (e *fixedEval) Library() *indicator.Library { return e.lib }

func (e *fixedEval) Eval(ctx context.Context, sc weijian.Scope, c indicator.Cell) (indicator.Result, error) {
	rs, err := e.EvalMany(ctx, sc, []indicator.Cell{c})
	if err != nil {
		return indicator.Result{}, err
	}
	return rs[0], nil
}

func (e *fixedEval) EvalMany(_ context.Context, _ weijian.Scope, cells []indicator.Cell) ([]indicator.Result, error) {
	e.calls++
	e.cells += len(cells)
	out := make([]indicator.Result, len(cells))
	for i, c := range cells {
		d := e.lib.Get(c.Indicator)
		if d == nil {
			return nil, fmt.Errorf("no indicator %s", c.Indicator)
		}
		f, ok := yearFactor[c.Span.Start.Year]
		if !ok {
			out[i] = indicator.Result{NoData: true, Why: "no data before 2023"}
			continue
		}
		n := perDay[c.OrgUnit] * float64(c.Span.NumDays()) * f
		r := indicator.Result{Numerator: n, Value: n}
		if d.Unit != indicator.Count {
			r.Denominator, r.HasDen, r.Value = 1000, true, n/1000*d.Unit.Factor()
		}
		out[i] = r
	}
	return out, nil
}

func (e *fixedEval) Persons(context.Context, weijian.Scope, indicator.Cell, bool, int) ([]indicator.PersonRow, error) {
	return nil, nil
}

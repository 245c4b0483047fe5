package indicator_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/expr"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/rules"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

var ctx = context.Background()

// evaluated records the indicators the tests computed, for
// TestEveryIndicatorTested.
var evaluated sync.Map
var all = weijian.ScopeAll()

// The hand-built county of the correctness tests: 海安市 with two towns,
// 海安镇 (甲村, 乙村) and 城东镇 (丙村).
const (
	county = "320685000000"
	townA  = "320685100000"
	townB  = "320685101000"
	vilA1  = "320685100201"
	vilA2  = "320685100202"
	vilB1  = "320685101201"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func year(y int) period.Span {
	p, _ := period.New(period.Year, y, 1)
	return p.Span()
}

type fixture struct {
	st  *sqlstore.Store
	eng *indicator.Engine
	lib *indicator.Library
	src indicator.Sources
}

// newFixture opens a store with the programme rules and the built-in
// library, and loads the tree and the population.
func newFixture(t *testing.T, st *sqlstore.Store) *fixture {
	t.Helper()
	lib, err := indicator.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	src := testSources(t)
	rows := []weijian.OrgUnitRow{
		{Code: "320000000000", Name: "江苏省", Level: "province"},
		{Code: "320600000000", Name: "南通市", Level: "city", ParentCode: "320000000000"},
		{Code: county, Name: "海安市", Level: "county", ParentCode: "320600000000"},
		{Code: townA, Name: "海安镇", Level: "town", ParentCode: county},
		{Code: townB, Name: "城东镇", Level: "town", ParentCode: county},
		{Code: vilA1, Name: "甲村", Level: "village", ParentCode: townA},
		{Code: vilA2, Name: "乙村", Level: "village", ParentCode: townA},
		{Code: vilB1, Name: "丙村", Level: "village", ParentCode: townB},
	}
	if _, err := st.ImportOrgUnits(ctx, all, rows, weijian.ImportOptions{ValidFrom: day("2015-01-01")}); err != nil {
		t.Fatal(err)
	}
	return &fixture{st: st, lib: lib, src: src, eng: indicator.NewEngine(lib, st, src)}
}

// bands of the test population, with men and women per village.
var popBands = []weijian.AgeBand{{From: 0, To: 1}, {From: 1, To: 7}, {From: 7, To: 13}, {From: 13, To: 14}, {From: 14, To: 15},
	{From: 15, To: 35}, {From: 35, To: 65}, {From: 65, To: weijian.AgeOpen}}

// population stores a year's population: per village, men and women in
// each of popBands.
func (f *fixture) population(t *testing.T, y int, byVillage map[string][][2]int64) {
	t.Helper()
	var rows []weijian.PopulationRow
	for code, bands := range byVillage {
		for i, c := range bands {
			rows = append(rows,
				weijian.PopulationRow{UnitCode: code, Year: y, Sex: 1, Age: popBands[i], Count: c[0]},
				weijian.PopulationRow{UnitCode: code, Year: y, Sex: 2, Age: popBands[i], Count: c[1]})
		}
	}
	if _, err := f.st.ImportPopulation(ctx, all, rows, weijian.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
}

// person is a resident with enrollments and events, loaded as trusted
// histories (so derived values such as bp_controlled are given here).
type person struct {
	village string
	sex     int
	born    string
	enr     map[string]string // programme → enrolled on
	enrVals map[string]map[string]any
	events  []event
}

type event struct {
	prog, stage, date string
	vals              map[string]any
}

func (f *fixture) load(t *testing.T, ps ...person) []*weijian.Person {
	t.Helper()
	var hs []weijian.History
	for i, p := range ps {
		h := weijian.History{Person: &weijian.Person{County: "320685", DocType: weijian.DocHousehold,
			Name: "居民" + string(rune('甲'+i)), Sex: p.sex, BirthDate: day(p.born), VillageCode: p.village}}
		for prog, on := range p.enr {
			vals := p.enrVals[prog]
			if vals == nil {
				vals = map[string]any{}
			}
			h.Enrollments = append(h.Enrollments, &weijian.Enrollment{Programme: prog, EnrolledOn: day(on), OrgCode: p.village, Values: vals})
		}
		for _, e := range p.events {
			vals := e.vals
			if vals == nil {
				vals = map[string]any{}
			}
			h.Events = append(h.Events, &weijian.Event{Programme: e.prog, Stage: e.stage, Date: day(e.date), OrgCode: p.village, Values: vals})
		}
		hs = append(hs, h)
	}
	if err := f.st.LoadResidents(ctx, hs); err != nil {
		t.Fatal(err)
	}
	out := make([]*weijian.Person, len(hs))
	for i, h := range hs {
		out[i] = h.Person
	}
	return out
}

// eval computes one indicator at one unit over a span.
func (f *fixture) eval(t *testing.T, code, unit string, span period.Span) indicator.Result {
	t.Helper()
	r, err := f.eng.Eval(ctx, all, indicator.Cell{Indicator: code, OrgUnit: unit, Span: span})
	if err != nil {
		t.Fatalf("%s at %s: %v", code, unit, err)
	}
	evaluated.Store(code, true)
	return r
}

// want checks a rate: numerator, denominator and the value rounded half
// up to two decimals.
func want(t *testing.T, r indicator.Result, what string, num, den, value float64) {
	t.Helper()
	if r.NoData {
		t.Errorf("%s: no data (%s), want %v/%v = %v", what, r.Why, num, den, value)
		return
	}
	unit := indicator.Percent
	if r.Denominator != 0 && r.Value == r.Numerator/r.Denominator*1000 {
		unit = indicator.PerMille
	}
	if r.Numerator != num || r.Denominator != den || round2(r.Value) != value || r.Rounded(unit, 2) != value {
		t.Errorf("%s = %v/%v = %v, want %v/%v = %v", what, r.Numerator, r.Denominator, r.Value, num, den, value)
	}
}

func eachStore(t *testing.T, fn func(t *testing.T, f *fixture)) {
	sqltest.Each(t, sqltest.Options{Rules: rules.New(testSources(t).Programmes)}, func(t *testing.T, st *sqlstore.Store) {
		fn(t, newFixture(t, st))
	})
}

func round2(x float64) float64 { return expr.RoundHalfUp(x, 2) }

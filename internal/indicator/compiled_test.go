package indicator_test

import (
	"slices"
	"testing"

	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
)

// The engine compiles each formula once per run and keeps what its
// references read by unit and span; what a cell gets must not depend on
// what else the run was asked or in what order. Every built-in indicator
// × the hand-built county's units × a year, a month, a span to date and
// last year, in total and by sex and age, asked in one grid, in the
// reverse order and one cell at a time, gives the same results — value,
// counts, no data and its reason, version — each time.
func TestEngineSameWhateverElseIsAsked(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		loadPopulation(t, f)
		loadHypertension(t, f)
		loadReports(t, f)
		f.load(t, person{village: vilA1, sex: 1, born: "2024-01-05", events: []event{dose("2024-01-05", "HepB", 1)}},
			person{village: vilB1, sex: 2, born: "2024-03-05", events: []event{dose("2024-03-05", "HepB", 1), dose("2024-03-06", "BCG", 1)}})
		f.values(t, dv("tuoyu", townA, "places", "2024Q4", "type=public", "80"), dv("anquan", townB, "hazards", "2024-03", "", "4"),
			dv("anquan", townB, "rectified", "2024-03", "", "2"))
		march, _ := period.New(period.Month, 2024, 3)
		spans := []period.Span{year(2024), march.Span(), period.YearToDate(period.NewDate(2024, 10, 15)), year(2023)}
		var cells []indicator.Cell
		for _, d := range f.lib.All() {
			for _, u := range []string{county, townA, vilA1, vilB1} {
				for _, span := range spans {
					c := indicator.Cell{Indicator: d.Code, OrgUnit: u, Span: span}
					cells = append(cells, c)
					for _, dim := range []string{"sex", "age"} {
						opts, err := f.eng.Options(d.Code, dim, span.Start)
						if err != nil {
							continue
						}
						for _, o := range opts {
							c.Disagg = indicator.Disagg{Dim: dim, Option: o.Code}
							cells = append(cells, c)
						}
					}
				}
			}
		}
		grid, err := f.eng.EvalMany(ctx, all, cells)
		if err != nil {
			t.Fatal(err)
		}
		rev := slices.Clone(cells)
		slices.Reverse(rev)
		back, err := f.eng.EvalMany(ctx, all, rev)
		if err != nil {
			t.Fatal(err)
		}
		slices.Reverse(back)
		withData, whys := 0, map[string]bool{}
		for i, c := range cells {
			if !grid[i].NoData {
				withData++
			}
			whys[grid[i].Why] = true
			if back[i] != grid[i] {
				t.Errorf("%s at %s %s %v: in a grid %+v, in the reversed grid %+v", c.Indicator, c.OrgUnit, c.Span, c.Disagg, grid[i], back[i])
			}
			if i%5 != 0 { // one cell in five alone: each is a run of its own
				continue
			}
			alone, err := f.eng.Eval(ctx, all, c)
			if err != nil {
				t.Fatal(err)
			}
			if alone != grid[i] {
				t.Errorf("%s at %s %s %v: in a grid %+v, alone %+v", c.Indicator, c.OrgUnit, c.Span, c.Disagg, grid[i], alone)
			}
		}
		if withData < len(cells)/10 || len(whys) < 5 {
			t.Errorf("%d of %d cells have data, %d reasons for none: the comparison says little", withData, len(cells), len(whys))
		}
	})
}

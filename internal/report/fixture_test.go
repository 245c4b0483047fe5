package report

import (
	"context"
	"sync"

	"github.com/weijian-health/weijian/internal/analytics"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
)

// fixedFigures answers grids from fixed cells: a small county (海安市)
// with three towns, for testing templates without a database.
type fixedFigures struct {
	lib      *indicator.Library
	units    []string // county first, then the towns
	names    map[string]string
	cells    map[cellKey]analytics.Cell
	requests []analytics.Request
}

// testLibrary is the built-in indicator library (the templates name its
// indicators); the fixed figures give a few of them values.
func testLibrary() *indicator.Library {
	libOnce.Do(func() { lib, libErr = indicator.Builtin() })
	if libErr != nil {
		panic(libErr)
	}
	return lib
}

var (
	libOnce sync.Once
	lib     *indicator.Library
	libErr  error
)

func f(x float64) *float64 { return &x }

// rateCell is a cell of num/den × 100 with an optional target (a rate's
// 目标值: completion = value / target × 100, no pace).
func rateCell(code, ou string, num, den float64, target, yoy *float64) analytics.Cell {
	c := analytics.Cell{Indicator: code, OrgUnit: ou, Numerator: f(num), Denominator: f(den), Target: target, YoY: yoy}
	if den == 0 {
		c.NoData, c.Why = true, "分母为0"
		return c
	}
	raw := num / den * 100
	c.Raw, c.Value = &raw, fixed2(raw)
	if target != nil {
		c.Completion = f(raw / *target * 100)
	}
	return c
}

// countCell is a count against an annual 任务数 with pace as of 2024-06-30
// (182/366 days = 49.73%).
func countCell(code, ou string, n, target float64, yoy *float64) analytics.Cell {
	c := analytics.Cell{Indicator: code, OrgUnit: ou, Numerator: f(n), Raw: f(n), Value: num2(n), Target: f(target), YoY: yoy}
	comp, pace := n/target*100, 182.0/366*100
	c.Completion, c.Pace, c.PaceGap = f(comp), f(pace), f(comp-pace)
	c.PaceFlag = "ahead"
	if comp < pace {
		c.PaceFlag = "behind"
	}
	return c
}

func newFixed() *fixedFigures {
	x := &fixedFigures{lib: testLibrary(), units: []string{"320621", "320621001", "320621002", "320621003"},
		names: map[string]string{"320621": "海安市", "320621001": "城东镇", "320621002": "曲塘镇", "320621003": "李堡镇"},
		cells: map[cellKey]analytics.Cell{}}
	add := func(c analytics.Cell) { x.cells[cellKey{c.Indicator, c.OrgUnit}] = c }
	add(countCell("htn_managed", "320621", 10082, 20000, f(9500)))
	add(countCell("htn_managed", "320621001", 4200, 7000, nil))
	add(countCell("htn_managed", "320621002", 3100, 7000, nil))
	add(countCell("htn_managed", "320621003", 2782, 6000, nil))
	add(rateCell("htn_standard_rate", "320621", 4497, 5080, f(85), f(86.42)))
	add(rateCell("htn_standard_rate", "320621001", 1900, 2000, f(85), nil))
	add(rateCell("htn_standard_rate", "320621002", 1597, 1800, f(85), nil))
	add(rateCell("htn_standard_rate", "320621003", 1000, 1280, f(85), nil))
	add(rateCell("htn_control_rate", "320621", 3600, 5080, nil, nil))
	add(countCell("dm_managed", "320621", 3000, 8000, f(3100)))
	add(countCell("dm_managed", "320621001", 1500, 3000, nil))
	add(countCell("dm_managed", "320621002", 900, 2500, nil))
	add(countCell("dm_managed", "320621003", 600, 2500, nil))
	add(rateCell("dm_standard_rate", "320621", 2400, 3000, f(85), f(82.5)))
	add(rateCell("dm_control_rate", "320621", 1800, 3000, nil, nil))
	add(rateCell("elderly_management_rate", "320621", 0, 0, f(70), nil)) // no population: no data
	add(rateCell("smd_standard_rate", "320621", 3800, 4000, f(80), f(96.1)))
	add(countCell("childcare_new_places", "320621", 120, 200, nil))
	return x
}

func (x *fixedFigures) Library() *indicator.Library { return x.lib }

func (x *fixedFigures) Grid(_ context.Context, req analytics.Request) (*analytics.Response, error) {
	x.requests = append(x.requests, req)
	units := []string{req.OrgUnit}
	if req.OUMode == analytics.OUChildren {
		units = x.units
	}
	resp := &analytics.Response{Indicators: map[string]analytics.Meta{}, OrgUnits: map[string]string{}, Periods: map[string]string{}, AsOf: req.AsOf}
	for _, code := range req.Indicators {
		d := x.lib.Get(code)
		resp.Indicators[code] = analytics.Meta{Name: d.Name.ZH, Unit: string(d.Unit), Higher: d.Higher}
		for _, ou := range units {
			c, ok := x.cells[cellKey{code, ou}]
			if !ok {
				c = analytics.Cell{Indicator: code, OrgUnit: ou, NoData: true, Why: "无数据"}
			}
			c.Period = req.Periods[0]
			resp.Cells = append(resp.Cells, c)
			resp.OrgUnits[ou] = x.names[ou]
		}
	}
	return resp, nil
}

// fixedSurveil is a surveillance source with a few cases and signals.
type fixedSurveil struct{}

func (fixedSurveil) Cases(_ context.Context, ou string, span period.Span) ([]DiseaseCount, error) {
	k := 1
	if span.Start.Year < 2024 {
		k = 2 // a year before: twice the cases
	}
	return []DiseaseCount{
		{Code: "0801", Name: "手足口病", Class: "丙类", Cases: 40 * k},
		{Code: "0301", Name: "肺结核", Class: "乙类", Cases: 12},
		{Code: "0802", Name: "其它感染性腹泻病", Class: "丙类", Cases: 9},
	}, nil
}

func (fixedSurveil) Signals(context.Context, string, period.Span) (*SignalSummary, error) {
	return &SignalSummary{Total: 5, Responded: 5, InTime: 4, Suspected: 1, Excluded: 3, Open: 1}, nil
}

// fixedQuality has one data set with a missing and a late report.
type fixedQuality struct{}

func (fixedQuality) DataQuality(context.Context, string, period.Span) ([]DataSetQuality, error) {
	return []DataSetQuality{
		{Code: "tuoyu", Name: "托育服务情况月报", Expected: 18, Reported: 17, OnTime: 15, Missing: []string{"李堡镇卫生院"}, Late: []string{"曲塘镇卫生院"}},
		{Code: "peixun", Name: "培训情况季报", Expected: 6, Reported: 6, OnTime: 6},
	}, nil
}

func fixedSources() (Sources, *fixedFigures) {
	x := newFixed()
	return Sources{Figures: x, Surveillance: fixedSurveil{}, Quality: fixedQuality{}}, x
}

package indicator_test

import (
	"testing"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
)

// The population of 2024 by band (men, women):
//
//	band    甲村      乙村      丙村
//	0       5  4     2  3     3  3
//	1–6     30 28    15 14    20 18
//	7–12    35 33    16 15    22 20
//	13      6  5     3  2     4  4
//	14      6  6     3  3     4  3
//	15–34   120 130  60 70    90 95
//	35–64   198 244  101 143  157 177
//	65+     45 55    20 30    40 40
//	total   950      500      700      → 海安镇 1450, 城东镇 700, 海安市 2150
//
// Derived: 65+ 100/50/80 (海安镇 150, 海安市 230); age 0: 9/5/6 (海安市 20);
// 0–6: 67/34/44 (海安市 145); girls 13: 5/2/4 (11); girls 13–14: 11/5/7 (23);
// 35+: 542/294/414 (海安市 1250); women 35–64: 244/143/177 (564).
func loadPopulation(t *testing.T, f *fixture) {
	f.population(t, 2024, map[string][][2]int64{
		vilA1: {{5, 4}, {30, 28}, {35, 33}, {6, 5}, {6, 6}, {120, 130}, {198, 244}, {45, 55}},
		vilA2: {{2, 3}, {15, 14}, {16, 15}, {3, 2}, {3, 3}, {60, 70}, {101, 143}, {20, 30}},
		vilB1: {{3, 3}, {20, 18}, {22, 20}, {4, 4}, {4, 3}, {90, 95}, {157, 177}, {40, 40}},
	})
}

func (f *fixture) values(t *testing.T, vals ...weijian.DataValue) {
	t.Helper()
	if _, err := f.st.SaveDataValues(ctx, all, "test", vals); err != nil {
		t.Fatal(err)
	}
}

// 老年人健康管理率 2024: P1 (74, 甲村) had the annual check, P2 (69, 丙村)
// had none, P3 (80, 乙村) a TCM visit only.
//
//	海安镇: 1 checked / 150 aged 65+ = 0.6667% → 0.67
//	城东镇: 0 / 80 = 0%
//	海安市: 1 / 230 = 0.43478% → 0.43
func TestElderlyAgainstPopulation(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		loadPopulation(t, f)
		f.load(t,
			person{village: vilA1, sex: 1, born: "1950-03-01", enr: map[string]string{"elderly": "2021-01-01"},
				events: []event{{"elderly", "annual_check", "2024-04-01", nil}}},
			person{village: vilB1, sex: 2, born: "1955-03-01", enr: map[string]string{"elderly": "2021-01-01"}},
			person{village: vilA2, sex: 2, born: "1944-03-01", enr: map[string]string{"elderly": "2021-01-01"},
				events: []event{{"elderly", "tcm", "2024-05-01", nil}}},
		)
		y := year(2024)
		want(t, f.eval(t, "elderly_management_rate", townA, y), "老年人健康管理率 海安镇", 1, 150, 0.67)
		want(t, f.eval(t, "elderly_management_rate", townB, y), "老年人健康管理率 城东镇", 0, 80, 0)
		want(t, f.eval(t, "elderly_management_rate", county, y), "老年人健康管理率 海安市", 1, 230, 0.43)
		// 2025 has no population stored: no data, with the reason.
		if r := f.eval(t, "elderly_management_rate", county, year(2025)); !r.NoData || r.Why == "" {
			t.Errorf("2025 without population = %+v, want no data", r)
		}
	})
}

// 每千人口托位数 2024: 托位 are a stock, so the latest quarter with data
// counts: 海安镇 Q2 100 then Q4 120 (public 80 + private 40) → 120;
// 城东镇 Q4 60. 海安市 180 / 2150 × 1000 = 83.7209‰ → 83.72;
// 海安镇 120 / 1450 × 1000 = 82.7586 → 82.76; 城东镇 60 / 700 × 1000 = 85.7143 → 85.71.
// 新增托位 is a flow: 海安镇 Q2 30 + Q4 20 = 50, 城东镇 15 → 海安市 65.
func TestChildcarePlaces(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		loadPopulation(t, f)
		dv := func(unit, el, p, combo, v string) weijian.DataValue {
			return weijian.DataValue{DataSet: "tuoyu", Element: el, UnitCode: unit, Period: p, Combo: combo, Value: v}
		}
		f.values(t,
			dv(townA, "places", "2024Q2", "type=public", "100"),
			dv(townA, "places", "2024Q4", "type=public", "80"), dv(townA, "places", "2024Q4", "type=private", "40"),
			dv(townB, "places", "2024Q4", "type=public", "60"),
			dv(townA, "new_places", "2024Q2", "type=public", "30"), dv(townA, "new_places", "2024Q4", "type=private", "20"),
			dv(townB, "new_places", "2024Q4", "type=public", "15"))
		y := year(2024)
		want(t, f.eval(t, "childcare_places_per_1000", county, y), "每千人口托位数 海安市", 180, 2150, 83.72)
		want(t, f.eval(t, "childcare_places_per_1000", townA, y), "每千人口托位数 海安镇", 120, 1450, 82.76)
		want(t, f.eval(t, "childcare_places_per_1000", townB, y), "每千人口托位数 城东镇", 60, 700, 85.71)
		if r := f.eval(t, "childcare_new_places", county, y); r.Value != 65 || r.NoData {
			t.Errorf("新增托位数 = %+v, want 65", r)
		}
		if r := f.eval(t, "childcare_new_places", county, year(2023)); !r.NoData {
			t.Errorf("新增托位数 2023 = %+v, want no data (nothing reported)", r)
		}
	})
}

func dv(set, unit, el, p, combo, v string) weijian.DataValue {
	return weijian.DataValue{DataSet: set, Element: el, UnitCode: unit, Period: p, Combo: combo, Value: v}
}

// The other data-set indicators, 2024 at 海安市 (reports by the towns or
// the county; flows sum over the months, stocks take the latest month):
//
//	已备案托育机构 (stock): 海安镇 Q3 5, Q4 6; 城东镇 Q4 3 → 6 + 3 = 9
//	户厕改造 (flow): 海安镇 Jan 10 + Feb 12; 城东镇 Mar 8 → 30
//	毒饵站 (stock): 海安镇 Jan 40, Jun 44; 城东镇 Jun 20 → 64
//	隐患整改率: hazards 海安镇 Jan 5 + Feb 3, 城东镇 Mar 4 = 12; rectified 4 + 3 + 2 = 9 → 9/12 = 75%
//	健康讲座: 海安镇 Jan 2 + Feb 3 → 5
//	健康教育人次 (by sex and age): 海安镇 Jan M 18-64 30 + F 65+ 25 → 55
//	培训人次 (by mode): 海安市 Jan offline 100 + online 250 → 350
//	隔离房间使用率 (stocks): 海安市 Mar usable 80 occupied 20, Jun usable 60 occupied 15 → latest: 15/60 = 25%
//	立案数 (by field): 海安市 Jan medical 2 + water 1, Feb school 1 → 4
//	有效投资 (by kind): 海安市 Jan construction 1200.5 + it 300 → 1500.5
func TestOtherDataSets(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		f.values(t,
			dv("tuoyu", townA, "registered", "2024Q3", "type=public", "5"), dv("tuoyu", townA, "registered", "2024Q4", "type=public", "6"),
			dv("tuoyu", townB, "registered", "2024Q4", "type=private", "3"),
			dv("aiguo", townA, "toilets", "2024-01", "", "10"), dv("aiguo", townA, "toilets", "2024-02", "", "12"), dv("aiguo", townB, "toilets", "2024-03", "", "8"),
			dv("aiguo", townA, "bait_stations", "2024-01", "", "40"), dv("aiguo", townA, "bait_stations", "2024-06", "", "44"),
			dv("aiguo", townB, "bait_stations", "2024-06", "", "20"),
			dv("anquan", townA, "hazards", "2024-01", "", "5"), dv("anquan", townA, "hazards", "2024-02", "", "3"), dv("anquan", townB, "hazards", "2024-03", "", "4"),
			dv("anquan", townA, "rectified", "2024-01", "", "4"), dv("anquan", townA, "rectified", "2024-02", "", "3"), dv("anquan", townB, "rectified", "2024-03", "", "2"),
			dv("jiankang", townA, "lectures", "2024-01", "", "2"), dv("jiankang", townA, "lectures", "2024-02", "", "3"),
			dv("jiankang", townA, "participants", "2024-01", "sex=M;age=18-64", "30"), dv("jiankang", townA, "participants", "2024-01", "sex=F;age=65+", "25"),
			dv("peixun", county, "attendance", "2024-01", "mode=offline", "100"), dv("peixun", county, "attendance", "2024-01", "mode=online", "250"),
			dv("geli", county, "usable", "2024-03", "", "80"), dv("geli", county, "occupied", "2024-03", "", "20"),
			dv("geli", county, "usable", "2024-06", "", "60"), dv("geli", county, "occupied", "2024-06", "", "15"),
			dv("jiandu", county, "cases", "2024-01", "field=medical", "2"), dv("jiandu", county, "cases", "2024-01", "field=water", "1"),
			dv("jiandu", county, "cases", "2024-02", "field=school", "1"),
			dv("touzi", county, "amount", "2024-01", "kind=construction", "1200.5"), dv("touzi", county, "amount", "2024-01", "kind=it", "300"))
		y := year(2024)
		for code, n := range map[string]float64{"childcare_registered": 9, "toilets_renovated": 30, "bait_stations": 64, "health_lectures": 5,
			"health_education_participants": 55, "training_attendance": 350, "supervision_cases": 4, "investment_amount": 1500.5} {
			if r := f.eval(t, code, county, y); r.NoData || r.Value != n {
				t.Errorf("%s = %+v, want %v", code, r, n)
			}
		}
		want(t, f.eval(t, "hazard_rectification_rate", county, y), "隐患整改率", 9, 12, 75)
		want(t, f.eval(t, "quarantine_occupancy_rate", county, y), "隔离房间使用率", 15, 60, 25)
	})
}

// The batched engine and the cell-by-cell baseline agree on every
// built-in indicator × every unit of the hand-built county × 2024, a
// month, a quarter (completeness and timeliness too) (events(…) summed from the year's months) and a span
// to date (its own query).
func TestBaselineAgrees(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		loadPopulation(t, f)
		loadHypertension(t, f)
		loadReports(t, f)
		f.values(t, dv("tuoyu", townA, "places", "2024Q4", "type=public", "80"), dv("anquan", townB, "hazards", "2024-03", "", "4"),
			dv("anquan", townB, "rectified", "2024-03", "", "2"))
		march, _ := period.New(period.Month, 2024, 3)
		q2, _ := period.New(period.Quarter, 2024, 2)
		spans := []period.Span{year(2024), march.Span(), q2.Span(), period.YearToDate(period.NewDate(2024, 4, 15))}
		var cells []indicator.Cell
		for _, d := range f.lib.All() {
			for _, u := range []string{county, townA, townB, vilA1, vilA2, vilB1} {
				for _, span := range spans {
					cells = append(cells, indicator.Cell{Indicator: d.Code, OrgUnit: u, Span: span})
				}
			}
		}
		got, err := f.eng.EvalMany(ctx, all, cells)
		if err != nil {
			t.Fatal(err)
		}
		base, err := indicator.NewBaselineEngine(f.lib, f.st, f.src).EvalMany(ctx, all, cells)
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range cells {
			g, b := got[i], base[i]
			if g.NoData || b.NoData {
				continue // "no records at all" is the engine's finer answer; values are compared
			}
			if g.Numerator != b.Numerator || g.Denominator != b.Denominator || g.Value != b.Value {
				t.Errorf("%s at %s: engine %v/%v, baseline %v/%v", c.Indicator, c.OrgUnit, g.Numerator, g.Denominator, b.Numerator, b.Denominator)
			}
		}
	})
}

// The engine keeps a county's population between calls and reads it again
// after a population import: 甲村's 65+ go from 45+55 to 50+60, so 海安市's
// denominator goes from 230 to 240.
func TestPopulationReadAgainAfterImport(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		loadPopulation(t, f)
		f.load(t, person{village: vilA1, sex: 1, born: "1950-03-01", enr: map[string]string{"elderly": "2021-01-01"},
			events: []event{{"elderly", "annual_check", "2024-04-01", nil}}})
		y := year(2024)
		want(t, f.eval(t, "elderly_management_rate", county, y), "老年人健康管理率 海安市", 1, 230, 0.43)
		want(t, f.eval(t, "elderly_management_rate", county, y), "老年人健康管理率 海安市 again", 1, 230, 0.43)
		f.population(t, 2024, map[string][][2]int64{
			vilA1: {{5, 4}, {30, 28}, {35, 33}, {6, 5}, {6, 6}, {120, 130}, {198, 244}, {50, 60}},
		})
		want(t, f.eval(t, "elderly_management_rate", county, y), "老年人健康管理率 海安市 after the import", 1, 240, 0.42)
	})
}

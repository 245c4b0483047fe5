package indicator_test

import (
	"testing"

	"github.com/weijian-health/weijian"
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

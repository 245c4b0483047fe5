package indicator_test

import (
	"testing"

	"github.com/weijian-health/weijian"
)

// The population of 2024 (men 0–64, women 0–64, men 65+, women 65+):
//
//	甲村 400 450 45 55 → 950, 65+ 100
//	乙村 200 250 20 30 → 500, 65+ 50
//	丙村 300 320 40 40 → 700, 65+ 80
//
// 海安镇 1450 (65+ 150), 城东镇 700 (65+ 80), 海安市 2150 (65+ 230).
func loadPopulation(t *testing.T, f *fixture) {
	f.population(t, 2024, map[string][4]int64{vilA1: {400, 450, 45, 55}, vilA2: {200, 250, 20, 30}, vilB1: {300, 320, 40, 40}})
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

package indicator_test

import (
	"testing"

	"github.com/weijian-health/weijian"
)

// Population rolls up by the tree as it stood in the period, as
// programme counts do: 乙村 moves from 海安镇 to 城东镇 on 2025-01-01
// (re-coded under its new town, vilB2, the old unit closed with it as
// successor), and the statistics bureau's figures of 2024 and of 2025
// both come by the current codes, after the move — the same per village
// each year (loadPopulation: 65+ 甲村 100, 乙村 50, 丙村 80). One man of
// 74 in 甲村 has the annual check both years. 老年人健康管理率:
//
//	2024 (乙村 still in 海安镇): 海安镇 1 / (100 + 50) = 0.67%; 城东镇 0 / 80 = 0%
//	2025: 海安镇 1 / 100 = 1%; 城东镇 0 / (80 + 50) = 0%
//	海安市 1 / 230 = 0.43% both years
func TestPopulationByTreeOfThePeriod(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		for _, row := range []weijian.OrgUnitRow{
			{Code: vilB2, Name: "乙村", Level: "village", ParentCode: townB},
			{Code: vilA2, Name: "乙村", Level: "village", ParentCode: townA, ValidTo: day("2025-01-01"), SuccessorCode: vilB2},
		} {
			if _, err := f.st.ImportOrgUnits(ctx, all, []weijian.OrgUnitRow{row}, weijian.ImportOptions{ValidFrom: day("2025-01-01")}); err != nil {
				t.Fatal(err)
			}
		}
		for _, y := range []int{2024, 2025} {
			f.population(t, y, map[string][][2]int64{
				vilA1: {{5, 4}, {30, 28}, {35, 33}, {6, 5}, {6, 6}, {120, 130}, {198, 244}, {45, 55}},
				vilB2: {{2, 3}, {15, 14}, {16, 15}, {3, 2}, {3, 3}, {60, 70}, {101, 143}, {20, 30}},
				vilB1: {{3, 3}, {20, 18}, {22, 20}, {4, 4}, {4, 3}, {90, 95}, {157, 177}, {40, 40}},
			})
		}
		f.load(t, person{village: vilA1, sex: 1, born: "1950-03-01", enr: map[string]string{"elderly": "2021-01-01"},
			events: []event{{"elderly", "annual_check", "2024-04-01", nil}, {"elderly", "annual_check", "2025-04-01", nil}}})
		want(t, f.eval(t, "elderly_management_rate", townA, year(2024)), "海安镇 2024", 1, 150, 0.67)
		want(t, f.eval(t, "elderly_management_rate", townB, year(2024)), "城东镇 2024", 0, 80, 0)
		want(t, f.eval(t, "elderly_management_rate", townA, year(2025)), "海安镇 2025", 1, 100, 1)
		want(t, f.eval(t, "elderly_management_rate", townB, year(2025)), "城东镇 2025", 0, 130, 0)
		want(t, f.eval(t, "elderly_management_rate", county, year(2024)), "海安市 2024", 1, 230, 0.43)
		want(t, f.eval(t, "elderly_management_rate", county, year(2025)), "海安市 2025", 1, 230, 0.43)
	})
}

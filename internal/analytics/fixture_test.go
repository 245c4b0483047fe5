package analytics

import (
	"context"
	"testing"

	"github.com/weijian-health/weijian"
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

package sqlstore_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

// Figures for some villages only are not the total: every rolled-up
// figure says how many of the lowest areas it covers, and the latest
// complete year is known (issue 12, item 1).
func TestPopulationCoverage(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		if _, err := s.ImportOrgUnits(ctx, all, csvRows(t, villages), weijian.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		// 2023: every leaf (甲村, 乙村, and 城东镇 which has no villages).
		// 2024: 甲村 only.
		pop := "unit_code,year,sex,count\n" +
			"320685100201,2023,0,1000\n320685100202,2023,0,700\n320685101000,2023,0,2000\n" +
			"320685100201,2024,0,1010\n"
		if _, err := s.ImportPopulation(ctx, all, popRows(t, pop), weijian.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		county, err := s.Population(ctx, all, weijian.PopulationQuery{UnitCode: "320685000000", Year: 2024})
		if err != nil {
			t.Fatal(err)
		}
		if county.Total != 1010 || county.Covered != 1 || county.Expected != 3 || county.Complete() || county.Level != "" {
			t.Errorf("county 2024 = total %d coverage %+v; want 1010, 1/3 mixed levels", county.Total, county.Coverage)
		}
		town, err := s.Population(ctx, all, weijian.PopulationQuery{UnitCode: "320685100000", Year: 2024})
		if err != nil {
			t.Fatal(err)
		}
		if want := (weijian.Coverage{Covered: 1, Expected: 2, Level: "village"}); town.Coverage != want {
			t.Errorf("海安镇 2024 coverage %+v, want %+v", town.Coverage, want)
		}
		kids, err := s.ChildPopulations(ctx, all, "320685000000", 2024)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]weijian.ChildPopulation{"320685100000": {Total: 1010, Coverage: weijian.Coverage{Covered: 1, Expected: 2, Level: "village"}}}
		if diff := cmp.Diff(want, kids); diff != "" {
			t.Errorf("children 2024 (-want +got):\n%s", diff)
		}
		years, err := s.PopulationCoverage(ctx, all, "320685000000")
		if err != nil {
			t.Fatal(err)
		}
		wantYears := []weijian.YearCoverage{
			{Year: 2024, Coverage: weijian.Coverage{Covered: 1, Expected: 3}},
			{Year: 2023, Coverage: weijian.Coverage{Covered: 3, Expected: 3}},
		}
		if diff := cmp.Diff(wantYears, years); diff != "" {
			t.Errorf("coverage by year (-want +got):\n%s", diff)
		}
		if got := weijian.LatestComplete(years); got != 2023 {
			t.Errorf("latest complete year %d, want 2023", got)
		}
		// A county figure of its own covers every area below it.
		if _, err := s.ImportPopulation(ctx, all, popRows(t, "unit_code,year,sex,count\n320685000000,2024,0,5000\n"), weijian.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		if years, _ = s.PopulationCoverage(ctx, all, "320685000000"); weijian.LatestComplete(years) != 2024 {
			t.Errorf("after a county total for 2024: %+v, want 2024 complete", years)
		}
		// A scope that does not cover the unit may not learn its coverage.
		if _, err := s.PopulationCoverage(ctx, weijian.ScopeOf("/999/"), "320685000000"); err == nil {
			t.Error("coverage outside the scope: no error")
		}
	})
}

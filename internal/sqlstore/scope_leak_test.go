package sqlstore_test

import (
	"testing"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

// The store keeps its own rules, whatever a handler checks: the years of
// population above the scope are refused like the figures, and the child
// counts of the units above the scope count only what the caller sees.
func TestScopeDoesNotLeakAbove(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		importFile(t, s, "jiangsu_nantong_haian_320685_2021.csv")
		s.ImportPopulation(ctx, all, popRows(t, "unit_code,year,sex,count\n320685101000,2023,0,5\n"), weijian.ImportOptions{})
		town, err := s.OrgUnit(ctx, all, "320685100000") // 海安镇
		if err != nil {
			t.Fatal(err)
		}
		sc := weijian.ScopeOf(town.Path)
		if years, err := s.PopulationYears(ctx, sc, "320685000000"); weijian.ErrorKind(err) != weijian.KindForbidden {
			t.Errorf("years of the county above the scope = %v, %v; want forbidden", years, err)
		}
		if years, err := s.PopulationYears(ctx, all, "320685000000"); err != nil || len(years) != 1 || years[0] != 2023 {
			t.Errorf("years of the county, unscoped = %v, %v; want [2023]", years, err)
		}
		if _, err := s.PopulationYears(ctx, sc, "320685100000"); err != nil {
			t.Errorf("years of the scope's own town: %v", err)
		}
		// The county has 11 towns; a 海安镇 user sees one of them.
		if u, _ := s.OrgUnit(ctx, all, "320685000000"); u.ChildCount < 11 {
			t.Fatalf("county children, unscoped = %d", u.ChildCount)
		}
		county, err := s.OrgUnit(ctx, sc, "320685000000")
		if err != nil {
			t.Fatal(err)
		}
		kids, err := s.Children(ctx, sc, "320685000000")
		if err != nil || len(kids) != 1 || county.ChildCount != 1 {
			t.Errorf("county seen from 海安镇: ChildCount %d, Children %d (%v); want 1 and 1", county.ChildCount, len(kids), err)
		}
		roots, _ := s.Roots(ctx, sc)
		anc, _ := s.Ancestors(ctx, sc, "320685100000")
		byID, _ := s.OrgUnitByID(ctx, sc, county.ID)
		found, _, _ := s.SearchOrgUnits(ctx, sc, weijian.OrgUnitFilter{Query: "海安镇"})
		for _, us := range [][]*weijian.OrgUnit{roots, anc, {byID}, found} {
			for _, u := range us {
				if u == nil || u.Depth < town.Depth && u.ChildCount != 1 || u.Code == town.Code && u.ChildCount != town.ChildCount {
					t.Errorf("unit %+v: child count must be what the scope sees", u)
				}
			}
		}
		if len(roots) != 1 || len(anc) != 3 || len(found) == 0 {
			t.Errorf("roots %d, ancestors %d, found %d", len(roots), len(anc), len(found))
		}
	})
}

package sqlstore_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/ingest"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
	"github.com/weijian-health/weijian/internal/tabular"
)

func popRows(t *testing.T, text string) []weijian.PopulationRow {
	t.Helper()
	tb, err := tabular.Read("p.csv", strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := ingest.Population(tb)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

const villages = haianHead +
	"320685100201,甲村,village,320685100000\n" +
	"320685100202,乙村,village,320685100000\n" +
	"320685101000,城东镇,town,320685000000\n"

// Two villages store figures by age and sex (the wide shape); the town
// above them stores none; 城东镇 stores its own total only.
const villagePop = "unit_code,year,age,male,female\n" +
	"320685100201,2024,0-14,100,90\n" +
	"320685100201,2024,15-64,400,410\n" +
	"320685100201,2024,65+,150,170\n" +
	"320685100202,2024,0-14,50,40\n" +
	"320685100202,2024,15-64,200,210\n" +
	"320685100202,2024,65+,80,95\n" +
	"320685101000,2024,total,1000,1100\n"

func TestPopulationRollUp(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		if _, err := s.ImportOrgUnits(ctx, all, csvRows(t, villages), weijian.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		sum, err := s.ImportPopulation(ctx, all, popRows(t, villagePop), weijian.ImportOptions{})
		if err != nil || sum.Inserted != 14 {
			t.Fatalf("import: %+v %v", sum, err)
		}
		town, err := s.Population(ctx, all, weijian.PopulationQuery{UnitCode: "320685100000", Year: 2024})
		if err != nil {
			t.Fatal(err)
		}
		// By hand: village 甲 100+90+400+410+150+170 = 1320, 乙 50+40+200+210+80+95 = 675.
		if town.Total != 1995 || town.Male != 980 || town.Female != 1015 || town.Source != "below" {
			t.Errorf("海安镇 = total %d male %d female %d source %s; want 1995/980/1015 below", town.Total, town.Male, town.Female, town.Source)
		}
		county, err := s.Population(ctx, all, weijian.PopulationQuery{UnitCode: "320685000000", Year: 2024})
		if err != nil {
			t.Fatal(err)
		}
		// 海安镇 1995 + 城东镇 2100 (own total, all ages) = 4095; 城东镇's
		// total overlaps the villages' age bands, so no cells.
		if county.Total != 4095 || county.Male != 1980 || !county.MixedBands || len(county.Cells) != 0 {
			t.Errorf("county = total %d male %d mixed %v cells %d; want 4095, 1980, mixed, none", county.Total, county.Male, county.MixedBands, len(county.Cells))
		}
		want := []weijian.PopulationCell{
			{Sex: 1, Age: weijian.AgeBand{From: 0, To: 15}, Count: 150},
			{Sex: 2, Age: weijian.AgeBand{From: 0, To: 15}, Count: 130},
			{Sex: 1, Age: weijian.AgeBand{From: 65, To: weijian.AgeOpen}, Count: 230},
			{Sex: 2, Age: weijian.AgeBand{From: 65, To: weijian.AgeOpen}, Count: 265},
		}
		if _, err := s.Population(ctx, all, weijian.PopulationQuery{UnitCode: "320685100000", Year: 2024,
			Bands: []weijian.AgeBand{{From: 0, To: 10}}}); weijian.ErrorKind(err) != weijian.KindInvalid {
			t.Errorf("bands that split a stored band: err %v, want invalid", err)
		}
		town2, _ := s.Population(ctx, all, weijian.PopulationQuery{UnitCode: "320685100000", Year: 2024,
			Bands: []weijian.AgeBand{{From: 0, To: 15}, {From: 65, To: weijian.AgeOpen}}})
		if diff := cmp.Diff(want, town2.Cells); diff != "" {
			t.Errorf("海安镇 cells (-want +got):\n%s", diff)
		}
		kids, err := s.ChildPopulations(ctx, all, "320685000000", 2024)
		if err != nil {
			t.Fatal(err)
		}
		want2 := map[string]weijian.ChildPopulation{
			"320685100000": {Total: 1995, Coverage: weijian.Coverage{Covered: 2, Expected: 2, Level: "village"}},
			"320685101000": {Total: 2100, Coverage: weijian.Coverage{Covered: 1, Expected: 1, Level: "town"}}}
		if diff := cmp.Diff(want2, kids); diff != "" {
			t.Errorf("child populations (-want +got):\n%s", diff)
		}
		years, err := s.PopulationYears(ctx, all, "320685000000")
		if err != nil || !cmp.Equal(years, []int{2024}) {
			t.Errorf("years = %v %v", years, err)
		}
	})
}

// Own figures win over those below, and the difference is reported.
func TestPopulationOwnVersusBelow(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		s.ImportOrgUnits(ctx, all, csvRows(t, villages), weijian.ImportOptions{})
		s.ImportPopulation(ctx, all, popRows(t, villagePop), weijian.ImportOptions{})
		own := "unit_code,year,sex,count\n320685100000,2024,0,2000\n"
		if _, err := s.ImportPopulation(ctx, all, popRows(t, own), weijian.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		p, err := s.Population(ctx, all, weijian.PopulationQuery{UnitCode: "320685100000", Year: 2024})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 2000 || p.Source != "own" || p.BelowTotal != 1995 {
			t.Errorf("got total %d source %s below %d; want 2000 own, below 1995", p.Total, p.Source, p.BelowTotal)
		}
	})
}

func TestPopulationImportIsIdempotentAndAtomic(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		s.ImportOrgUnits(ctx, all, csvRows(t, villages), weijian.ImportOptions{})
		if _, err := s.ImportPopulation(ctx, all, popRows(t, villagePop), weijian.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		again, err := s.ImportPopulation(ctx, all, popRows(t, villagePop), weijian.ImportOptions{})
		if err != nil || again.Unchanged != 14 || again.Inserted+again.Updated != 0 {
			t.Errorf("re-import: %+v %v, want all 14 unchanged", again, err)
		}
		bad := "unit_code,year,sex,age,count\n" +
			"320685100201,2025,1,0-4,10\n" + // fine, but must not be stored
			"320685100201,2025,1,3,5\n" + // overlaps 0-4
			"999999999999,2025,1,0,5\n" + // unknown unit
			"320685100202,1800,2,0,5\n" // bad year
		_, err = s.ImportPopulation(ctx, all, popRows(t, bad), weijian.ImportOptions{})
		var rules []string
		for _, is := range weijian.ErrorIssues(err) {
			rules = append(rules, is.Rule)
		}
		if diff := cmp.Diff([]string{"overlap", "unknown_unit", "bad_year"}, rules); diff != "" {
			t.Errorf("issues (-want +got):\n%s", diff)
		}
		if years, _ := s.PopulationYears(ctx, all, "320685000000"); !cmp.Equal(years, []int{2024}) {
			t.Errorf("years after a rejected import = %v, want only 2024", years)
		}
	})
}

func TestPopulationScope(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		s.ImportOrgUnits(ctx, all, csvRows(t, villages), weijian.ImportOptions{})
		s.ImportPopulation(ctx, all, popRows(t, villagePop), weijian.ImportOptions{})
		town, _ := s.OrgUnit(ctx, all, "320685100000")
		sc := weijian.ScopeOf(town.Path)
		if _, err := s.Population(ctx, sc, weijian.PopulationQuery{UnitCode: "320685100201", Year: 2024}); err != nil {
			t.Errorf("own village: %v", err)
		}
		if _, err := s.Population(ctx, sc, weijian.PopulationQuery{UnitCode: "320685000000", Year: 2024}); weijian.ErrorKind(err) != weijian.KindForbidden {
			t.Errorf("the county above: err %v, want forbidden", err)
		}
		if _, err := s.Population(ctx, sc, weijian.PopulationQuery{UnitCode: "320685101000", Year: 2024}); weijian.ErrorKind(err) != weijian.KindNotFound {
			t.Errorf("another town: err %v, want not found", err)
		}
		if _, err := s.ImportPopulation(ctx, sc, popRows(t, "unit_code,year,sex,count\n320685101000,2024,0,5\n"), weijian.ImportOptions{}); weijian.ErrorKind(err) != weijian.KindInvalid {
			t.Errorf("import for another town: err %v, want refusal", err)
		}
	})
}

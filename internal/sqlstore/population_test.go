package sqlstore_test

import (
	"fmt"
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

// A dry run counts exactly what the import then does — new, changed and
// unchanged cells — and writes nothing.
func TestPopulationDryRunCountsTheImport(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		s.ImportOrgUnits(ctx, all, csvRows(t, villages), weijian.ImportOptions{})
		first := popRows(t, villagePop)
		// 甲村 changes one band; 乙村 is as stored; 城东镇 adds 2025.
		second := popRows(t, strings.Replace(villagePop, "320685100201,2024,65+,150,170", "320685100201,2024,65+,151,170", 1)+
			"320685101000,2025,total,1001,1101\n")
		for i, rows := range [][]weijian.PopulationRow{first, second} {
			dry, err := s.ImportPopulation(ctx, all, rows, weijian.ImportOptions{DryRun: true})
			if err != nil {
				t.Fatal(err)
			}
			years, _ := s.PopulationYears(ctx, all, "320685000000")
			if i == 0 && len(years) != 0 || i == 1 && !cmp.Equal(years, []int{2024}) {
				t.Errorf("dry run %d wrote: years %v", i, years)
			}
			real, err := s.ImportPopulation(ctx, all, rows, weijian.ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if dry != real {
				t.Errorf("import %d: dry run %+v, import %+v", i, dry, real)
			}
			want := []weijian.ImportSummary{{Rows: 14, Inserted: 14}, {Rows: 16, Inserted: 2, Updated: 6, Unchanged: 8}}[i]
			if real != want {
				t.Errorf("import %d: %+v, want %+v", i, real, want)
			}
		}
	})
}

// A census table: 男, 女 and 合计 rows for each age band, and an all-ages
// row for each. The 合计 rows are checked against their parts and not
// stored, so nothing is counted twice; a wrong one is named by its row.
func TestPopulationCensusTotals(t *testing.T) {
	const census = "unit_code,year,age,sex,count\n" +
		"320685100201,2020,0-14,男,100\n" +
		"320685100201,2020,0-14,女,90\n" +
		"320685100201,2020,0-14,合计,190\n" +
		"320685100201,2020,15+,男,500\n" +
		"320685100201,2020,15+,女,520\n" +
		"320685100201,2020,15+,合计,1020\n" +
		"320685100201,2020,合计,男,600\n" +
		"320685100201,2020,合计,女,610\n" +
		"320685100201,2020,合计,合计,1210\n"
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		s.ImportOrgUnits(ctx, all, csvRows(t, villages), weijian.ImportOptions{})
		sum, err := s.ImportPopulation(ctx, all, popRows(t, census), weijian.ImportOptions{})
		if want := (weijian.ImportSummary{Rows: 9, Inserted: 4, Checked: 5}); err != nil || sum != want {
			t.Fatalf("census import: %+v %v, want %+v", sum, err, want)
		}
		p, err := s.Population(ctx, all, weijian.PopulationQuery{UnitCode: "320685100201", Year: 2020})
		if err != nil || p.Total != 1210 || p.Male != 600 || p.Female != 610 || len(p.Cells) != 4 {
			t.Errorf("population = %+v %v; want 1210 = 600 + 610 in 4 cells", p, err)
		}
		if again, err := s.ImportPopulation(ctx, all, popRows(t, census), weijian.ImportOptions{}); err != nil || again.Unchanged != 4 {
			t.Errorf("re-import: %+v %v", again, err)
		}
		// The same table in the wide shape, with a 合计 column.
		wide := "代码,年份,年龄组,男,女,合计\n320685100201,2020,0-14,100,90,190\n320685100201,2020,15+,500,520,1020\n320685100201,2020,合计,600,610,1210\n"
		if sum, err := s.ImportPopulation(ctx, all, popRows(t, wide), weijian.ImportOptions{}); err != nil || sum != (weijian.ImportSummary{Rows: 9, Unchanged: 4, Checked: 5}) {
			t.Errorf("wide census: %+v %v", sum, err)
		}
		for name, tc := range map[string]struct {
			text  string
			issue weijian.Issue // Msg checked for its ZH text only
		}{
			"wrong age total": {strings.Replace(census, "15+,合计,1020", "15+,合计,1021", 1),
				weijian.Issue{Row: 7, Field: "count", Value: "1021", Rule: "total_mismatch", Msg: weijian.T("合计1021与分项之和1020不符（第5、6行）", "")}},
			"wrong grand total": {strings.Replace(census, "合计,合计,1210", "合计,合计,1200", 1),
				weijian.Issue{Row: 10, Field: "count", Value: "1200", Rule: "total_mismatch", Msg: weijian.T("合计1200与分项之和1210不符（第2、3、5、6行）", "")}},
			// Without its 女 row a 合计 cannot be checked: the message names
			// the rows and quotes only what the file says.
			"total without all parts": {"unit_code,year,sex,count\n320685100201,2021,男,600\n320685100201,2021,合计,1210\n",
				weijian.Issue{Row: 3, Field: "age", Value: "", Rule: "overlap", Msg: weijian.T("与第2行重叠：本行若是合计，须同时给出它的全部分项（男和女，或覆盖整个年龄组的各年龄组）", "")}},
			"same band twice": {"unit_code,year,sex,age,count\n320685100201,2021,男,0-4,6\n320685100201,2021,1,0~4,6\n",
				weijian.Issue{Row: 3, Field: "age", Value: "0~4", Rule: "duplicate", Msg: weijian.T("与第2行重复：同一单位、年份的同一性别和年龄组只能有一行", "")}},
		} {
			_, err := s.ImportPopulation(ctx, all, popRows(t, tc.text), weijian.ImportOptions{})
			is := weijian.ErrorIssues(err)
			if len(is) != 1 {
				t.Errorf("%s: issues %+v (%v), want one", name, is, err)
				continue
			}
			is[0].Msg.EN = ""
			if diff := cmp.Diff(tc.issue, is[0]); diff != "" {
				t.Errorf("%s (-want +got):\n%s", name, diff)
			}
			if strings.Contains(weijian.ErrorMessage(err, "zh")+is[0].Msg.ZH+is[0].Value, "0+") {
				t.Errorf("%s: the message quotes 0+, which the file never wrote", name)
			}
		}
		if p, _ := s.Population(ctx, all, weijian.PopulationQuery{UnitCode: "320685100201", Year: 2020}); p.Total != 1210 {
			t.Errorf("a refused file changed the figures: %d", p.Total)
		}
	})
}

// Malformed cells (found while reading the file) and problems found
// against the stored units come back in one report, ordered by row.
func TestPopulationProblemsInOnePass(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		s.ImportOrgUnits(ctx, all, csvRows(t, villages), weijian.ImportOptions{})
		tb, err := tabular.Read("p.csv", strings.NewReader("unit_code,year,sex,count\n"+
			"999999999999,2024,1,5\n"+ // unknown unit
			"320685100201,2024,1,五\n"+ // not a number
			"320685100201,2024,0,9\n"+ // fine
			"320685100202,1800,2,5\n")) // bad year
		if err != nil {
			t.Fatal(err)
		}
		rows, err := ingest.Population(tb)
		prior, err := ingest.CellIssues(err)
		if err != nil || len(prior) != 1 || len(rows) != 3 {
			t.Fatalf("read: %d rows, issues %v, err %v", len(rows), prior, err)
		}
		for _, dry := range []bool{true, false} {
			_, err = s.ImportPopulation(ctx, all, rows, weijian.ImportOptions{Issues: prior, DryRun: dry})
			var got []string
			for _, is := range weijian.ErrorIssues(err) {
				got = append(got, fmt.Sprintf("%d:%s", is.Row, is.Rule))
			}
			if diff := cmp.Diff([]string{"2:unknown_unit", "3:not_integer", "5:bad_year"}, got); diff != "" {
				t.Errorf("dry run %v: issues (-want +got):\n%s", dry, diff)
			}
			if !strings.Contains(weijian.ErrorMessage(err, "zh"), "发现3处问题") {
				t.Errorf("message: %v", err)
			}
		}
		if years, _ := s.PopulationYears(ctx, all, "320685000000"); len(years) != 0 {
			t.Errorf("a file with problems was stored: years %v", years)
		}
	})
}

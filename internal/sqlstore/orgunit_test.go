package sqlstore_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/ingest"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
	"github.com/weijian-health/weijian/internal/tabular"
)

// csvRows parses an org-unit CSV given inline.
func csvRows(t *testing.T, text string) []weijian.OrgUnitRow {
	t.Helper()
	tb, err := tabular.Read("x.csv", strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := ingest.OrgUnits(tb)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func countUnits(t *testing.T, s *sqlstore.Store) int {
	t.Helper()
	_, n, err := s.SearchOrgUnits(ctx, all, weijian.OrgUnitFilter{IncludeClosed: true})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

const haianHead = "code,name,level,parent_code\n" +
	"320000000000,江苏省,province,\n" +
	"320600000000,南通市,city,320000000000\n" +
	"320685000000,海安市,county,320600000000\n" +
	"320685100000,海安镇,town,320685000000\n"

// Each bad file is rejected whole, naming the row, field and rule, and
// leaves the stored tree as it was.
func TestImportRejectsBadRows(t *testing.T) {
	cases := []struct {
		name, csv string
		row       int
		field     string
		rule      string
	}{
		{"code too short", "32068510020,某村,village,320685100000", 3, "code", "bad_division_code"},
		{"code not digits", "32068510020X,某村,village,320685100000", 3, "code", "bad_division_code"},
		{"prefix mismatch", "320685101201,某村,village,320685100000", 3, "code", "code_prefix"},
		{"unknown parent", "320685199201,某村,village,320685199000", 3, "parent_code", "unknown_parent"},
		{"duplicate code", "320685100201,甲村,village,320685100000\n320685100201,乙村,village,320685100000", 4, "code", "duplicate_code"},
		{"unknown level", "320685100201,某村,hamlet,320685100000", 3, "level", "unknown_level"},
		{"level does not match code", "320685100201,某村,town,320685000000", 3, "code", "bad_division_code"},
		{"level order", "320685100201,某村,village,320685100201", 3, "parent_code", "cycle"},
		{"facility under facility", "HA-F1,卫生院,facility,320685100000,township_hc\nHA-F2,卫生室,facility,HA-F1,village_clinic", 4, "parent_code", "parent_is_facility"},
		{"facility without type", "HA-F1,卫生院,facility,320685100000,", 3, "type", "type_required"},
		{"bad uscc", "HA-F1,卫生院,facility,320685100000,township_hc,12320685MB1234567X", 3, "uscc", "bad_uscc"},
		{"empty name", "320685100201,,village,320685100000", 3, "name", "name_required"},
	}
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		if _, err := s.ImportOrgUnits(ctx, all, csvRows(t, haianHead), weijian.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				text := "code,name,level,parent_code,type,uscc\n" +
					"320685100200,新村,village,320685100000,,\n" + tc.csv + "\n"
				_, err := s.ImportOrgUnits(ctx, all, csvRows(t, text), weijian.ImportOptions{})
				if weijian.ErrorKind(err) != weijian.KindInvalid {
					t.Fatalf("err = %v, want invalid", err)
				}
				found := false
				for _, is := range weijian.ErrorIssues(err) {
					found = found || is.Row == tc.row && is.Field == tc.field && is.Rule == tc.rule
				}
				if !found {
					t.Errorf("want issue row %d field %s rule %s; got %+v", tc.row, tc.field, tc.rule, weijian.ErrorIssues(err))
				}
				if n := countUnits(t, s); n != 4 {
					t.Errorf("after a rejected import %d units are stored, want the 4 from before (nothing half-imported)", n)
				}
			})
		}
	})
}

// A cycle among facility codes (which have no prefix rule) is found.
func TestImportRejectsCycle(t *testing.T) {
	text := "code,name,level,parent_code,type\n" +
		"A,甲,county,C,\nB,乙,town,A,\nC,丙,village,B,\n"
	cat := weijian.OrgUnitCatalog{Units: map[string]*weijian.OrgUnit{},
		Levels: []weijian.Level{{Key: "county", Rank: 30}, {Key: "town", Rank: 40}, {Key: "village", Rank: 50}}}
	_, err := weijian.PlanOrgUnitImport(csvRows(t, text), cat, all, day("2024-01-01"))
	var rules []string
	for _, is := range weijian.ErrorIssues(err) {
		rules = append(rules, is.Rule)
	}
	if !strings.Contains(strings.Join(rules, ","), "cycle") {
		t.Errorf("issues %v do not report the cycle", rules)
	}
}

// 中山市 has its towns directly under the city: levels are data.
func TestImportZhongshan(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		sum := importFile(t, s, "guangdong_zhongshan_442000_2021.csv")
		if sum.Inserted != 304 {
			t.Fatalf("inserted %d, want 304", sum.Inserted)
		}
		town, err := s.OrgUnit(ctx, all, "442000001000")
		if err != nil {
			t.Fatal(err)
		}
		if town.Depth != 3 || town.Level != "town" {
			t.Errorf("石岐街道: depth %d level %s, want depth 3 (province > city > town)", town.Depth, town.Level)
		}
		kids, err := s.Children(ctx, all, "442000000000")
		if err != nil {
			t.Fatal(err)
		}
		if len(kids) != 23 {
			t.Errorf("中山市 has %d children, want 23 towns", len(kids))
		}
	})
}

func TestLookups(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		importFile(t, s, "jiangsu_nantong_haian_320685_2021.csv")
		anc, err := s.Ancestors(ctx, all, "320685100201")
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, u := range anc {
			names = append(names, u.Name)
		}
		if diff := cmp.Diff([]string{"江苏省", "南通市", "海安市", "海安镇"}, names); diff != "" {
			t.Errorf("ancestors (-want +got):\n%s", diff)
		}
		found, total, err := s.SearchOrgUnits(ctx, all, weijian.OrgUnitFilter{Query: "haz"})
		if err != nil {
			t.Fatal(err)
		}
		if total == 0 || found[0].Name != "海安镇" {
			t.Errorf("pinyin search haz: total %d, first %v; want 海安镇 first", total, found)
		}
		byName, _, err := s.SearchOrgUnits(ctx, all, weijian.OrgUnitFilter{Query: "海安", Level: "town"})
		if err != nil || len(byName) != 2 || byName[0].Name != "海安镇" {
			t.Errorf("name search 海安 among towns: %v, err %v; want 海安镇 and 海安县农场", byName, err)
		}
		roots, err := s.Roots(ctx, all)
		if err != nil || len(roots) != 1 || roots[0].Code != "320000000000" || roots[0].ChildCount != 1 {
			t.Errorf("roots = %v, err %v; want 江苏省 with 1 child", roots, err)
		}
		if _, err := s.OrgUnit(ctx, all, "999999999999"); weijian.ErrorKind(err) != weijian.KindNotFound {
			t.Errorf("unknown code: err %v, want not found", err)
		}
	})
}

// A township user sees its town, the units below, and the names above it;
// not the neighbouring towns.
func TestScopeOnOrgUnits(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		importFile(t, s, "jiangsu_nantong_haian_320685_2021.csv")
		town, err := s.OrgUnit(ctx, all, "320685100000")
		if err != nil {
			t.Fatal(err)
		}
		sc := weijian.ScopeOf(town.Path)
		kids, err := s.Children(ctx, sc, "320685000000")
		if err != nil {
			t.Fatal(err)
		}
		if len(kids) != 1 || kids[0].Code != "320685100000" {
			t.Errorf("county children seen by a township user: %d, want only its own town", len(kids))
		}
		if _, err := s.OrgUnit(ctx, sc, "320685101000"); weijian.ErrorKind(err) != weijian.KindNotFound {
			t.Errorf("another town: err %v, want not found", err)
		}
		if _, err := s.OrgUnit(ctx, sc, "320685000000"); err != nil {
			t.Errorf("its county (an ancestor) should be visible: %v", err)
		}
		_, total, err := s.SearchOrgUnits(ctx, sc, weijian.OrgUnitFilter{})
		if err != nil {
			t.Fatal(err)
		}
		sub, _ := s.Subtree(ctx, all, "320685100000", false)
		if total != len(sub) {
			t.Errorf("search in scope finds %d units, want the town's subtree of %d", total, len(sub))
		}
		if _, err := s.ImportOrgUnits(ctx, sc, csvRows(t, "code,name,level,parent_code\n320685101299,某村,village,320685101000\n"), weijian.ImportOptions{}); weijian.ErrorKind(err) != weijian.KindInvalid {
			t.Errorf("import under another town: err %v, want refusal", err)
		}
	})
}

// A renamed unit keeps its id and history; a moved village takes its
// subtree along; a merged unit is closed with its successor.
func TestVersionsMovesAndMerges(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		base := haianHead + "320685101000,城东镇,town,320685000000\n" +
			"320685100201,甲村,village,320685100000\n"
		opt := weijian.ImportOptions{ValidFrom: day("2021-01-01")}
		if _, err := s.ImportOrgUnits(ctx, all, csvRows(t, base), opt); err != nil {
			t.Fatal(err)
		}
		before, _ := s.OrgUnit(ctx, all, "320685100201")
		rename := "code,name,level,parent_code\n320685100201,甲社区,village,320685100000\n"
		sum, err := s.ImportOrgUnits(ctx, all, csvRows(t, rename), weijian.ImportOptions{ValidFrom: day("2023-06-01")})
		if err != nil || sum.Updated != 1 {
			t.Fatalf("rename: %+v %v", sum, err)
		}
		after, _ := s.OrgUnit(ctx, all, "320685100201")
		if after.ID != before.ID || after.Name != "甲社区" {
			t.Errorf("renamed unit: id %d→%d name %s", before.ID, after.ID, after.Name)
		}
		hist, err := s.OrgUnitHistory(ctx, all, "320685100201")
		if err != nil {
			t.Fatal(err)
		}
		want := []weijian.OrgUnitVersion{
			{Code: "320685100201", Name: "甲村", ParentID: before.ParentID, ValidFrom: day("2021-01-01"), ValidTo: day("2023-06-01")},
			{Code: "320685100201", Name: "甲社区", ParentID: before.ParentID, ValidFrom: day("2023-06-01")},
		}
		if diff := cmp.Diff(want, hist); diff != "" {
			t.Errorf("history (-want +got):\n%s", diff)
		}
		// Close 海安镇's village and merge it into 城东镇's new village.
		merge := "code,name,level,parent_code,valid_to,successor_code\n" +
			"320685101201,乙村,village,320685101000,,\n"
		if _, err := s.ImportOrgUnits(ctx, all, csvRows(t, merge), opt); err != nil {
			t.Fatal(err)
		}
		closeRow := "code,name,level,parent_code,valid_to,successor_code\n" +
			"320685100201,甲社区,village,320685100000,2024-01-01,320685101201\n"
		sum, err = s.ImportOrgUnits(ctx, all, csvRows(t, closeRow), opt)
		if err != nil || sum.Closed != 1 {
			t.Fatalf("close: %+v %v", sum, err)
		}
		closed, _ := s.OrgUnit(ctx, all, "320685100201")
		succ, _ := s.OrgUnit(ctx, all, "320685101201")
		if closed.Current() || closed.ReplacedBy != succ.ID || !closed.ValidTo.Equal(day("2024-01-01")) {
			t.Errorf("closed unit: valid_to %v replaced_by %d, want 2024-01-01 and %d", closed.ValidTo, closed.ReplacedBy, succ.ID)
		}
		kids, _ := s.Children(ctx, all, "320685100000")
		if len(kids) != 0 {
			t.Errorf("海安镇 still lists %d current children after the merge", len(kids))
		}
		// A town cannot be closed while it has current villages.
		_, err = s.ImportOrgUnits(ctx, all, csvRows(t, "code,name,level,parent_code,valid_to\n320685101000,城东镇,town,320685000000,2024-01-01\n"), opt)
		if weijian.ErrorKind(err) != weijian.KindInvalid {
			t.Errorf("closing a town with villages: err %v, want invalid", err)
		}
	})
}

func TestMoveSubtree(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		// A facility moves from one town to another; an area that moves
		// drags its facilities with it.
		text := haianHead + "320685101000,城东镇,town,320685000000\n"
		if _, err := s.ImportOrgUnits(ctx, all, csvRows(t, text), weijian.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		fac := "code,name,level,parent_code,type\nHA-1,海安镇卫生院,facility,320685100000,township_hc\nHA-2,分院,facility,320685100000,other\n"
		if _, err := s.ImportOrgUnits(ctx, all, csvRows(t, fac), weijian.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		move := "code,name,level,parent_code,type\nHA-1,海安镇卫生院,facility,320685101000,township_hc\n"
		if _, err := s.ImportOrgUnits(ctx, all, csvRows(t, move), weijian.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		u, _ := s.OrgUnit(ctx, all, "HA-1")
		town, _ := s.OrgUnit(ctx, all, "320685101000")
		if u.ParentID != town.ID || !strings.HasPrefix(u.Path, town.Path) || u.Depth != town.Depth+1 {
			t.Errorf("moved facility: parent %d path %s depth %d; want under %s", u.ParentID, u.Path, u.Depth, town.Path)
		}
		sub, _ := s.Subtree(ctx, all, "320685101000", false)
		if len(sub) != 2 {
			t.Errorf("城东镇 subtree has %d units, want 2", len(sub))
		}
	})
}

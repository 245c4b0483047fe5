package sqlstore_test

import (
	"strings"
	"testing"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

func issueRules(err error) string {
	var rules []string
	for _, is := range weijian.ErrorIssues(err) {
		rules = append(rules, is.Rule)
	}
	return strings.Join(rules, ",")
}

// Units placed in the same file after a move sit under the moved subtree's
// new path, and every stored path stays a prefix of its children's.
func TestMoveThenInsertBelowKeepsPaths(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		base := haianHead + "320685100201,甲村,village,320685100000\n"
		if _, err := s.ImportOrgUnits(ctx, all, csvRows(t, base), weijian.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		// 海安市 moves directly under 江苏省; a new village is added under
		// 海安镇, which is not in the file.
		move := "code,name,level,parent_code\n320685000000,海安市,county,320000000000\n320685100202,新村,village,320685100000\n"
		if _, err := s.ImportOrgUnits(ctx, all, csvRows(t, move), weijian.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		units, err := s.Subtree(ctx, all, "320000000000", false)
		if err != nil {
			t.Fatal(err)
		}
		byID := map[int64]*weijian.OrgUnit{}
		for _, u := range units {
			byID[u.ID] = u
		}
		for _, u := range units {
			if p := byID[u.ParentID]; u.ParentID != 0 && (p == nil || weijian.PathOf(p.Path, u.ID) != u.Path || p.Depth+1 != u.Depth) {
				t.Errorf("%s %s: path %s depth %d does not follow its parent", u.Code, u.Name, u.Path, u.Depth)
			}
		}
		sub, _ := s.Subtree(ctx, all, "320685100000", false)
		if len(sub) != 3 {
			t.Errorf("海安镇's subtree has %d units, want itself and 2 villages", len(sub))
		}
	})
}

// Re-sending a file that closes a unit changes nothing; a closed code
// cannot be brought back or changed.
func TestClosedCodesAreFinal(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		base := haianHead + "320685100201,甲村,village,320685100000\n320685100202,乙村,village,320685100000\n"
		s.ImportOrgUnits(ctx, all, csvRows(t, base), weijian.ImportOptions{ValidFrom: day("2021-01-01")})
		closing := "code,name,level,parent_code,valid_to,successor_code\n320685100201,甲村,village,320685100000,2024-06-30,320685100202\n"
		for i, want := range []weijian.ImportSummary{{Rows: 1, Closed: 1}, {Rows: 1, Unchanged: 1}, {Rows: 1, Unchanged: 1}} {
			sum, err := s.ImportOrgUnits(ctx, all, csvRows(t, closing), weijian.ImportOptions{})
			if err != nil || sum != want {
				t.Errorf("import %d: %+v %v, want %+v", i+1, sum, err, want)
			}
		}
		if n := countUnits(t, s); n != 6 {
			t.Errorf("%d units stored, want 6 (no duplicate of the closed village)", n)
		}
		reopen := "code,name,level,parent_code\n320685100201,甲村,village,320685100000\n"
		if _, err := s.ImportOrgUnits(ctx, all, csvRows(t, reopen), weijian.ImportOptions{}); !strings.Contains(issueRules(err), "code_closed") {
			t.Errorf("reusing a closed code: %v", err)
		}
		under := "code,name,level,parent_code\n320685100201001,x,village,320685100201\n"
		if _, err := s.ImportOrgUnits(ctx, all, csvRows(t, under), weijian.ImportOptions{}); err == nil {
			t.Error("a unit was placed under a closed one")
		}
	})
}

// Changes keep history in order and take the row's own date.
func TestDatesKeepHistoryInOrder(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		base := haianHead + "320685100201,甲村,village,320685100000\n"
		s.ImportOrgUnits(ctx, all, csvRows(t, base), weijian.ImportOptions{ValidFrom: day("2022-01-01")})
		early := "code,name,level,parent_code\n320685100201,甲社区,village,320685100000\n"
		_, err := s.ImportOrgUnits(ctx, all, csvRows(t, early), weijian.ImportOptions{ValidFrom: day("2020-01-01")})
		if !strings.Contains(issueRules(err), "valid_from_before_version") {
			t.Errorf("a rename dated before the current version: %v", err)
		}
		closeEarly := "code,name,level,parent_code,valid_to\n320685100201,甲村,village,320685100000,2021-06-30\n"
		if _, err := s.ImportOrgUnits(ctx, all, csvRows(t, closeEarly), weijian.ImportOptions{}); !strings.Contains(issueRules(err), "valid_to_before_version") {
			t.Errorf("closing before the unit opened: %v", err)
		}
		dated := "code,name,level,parent_code,valid_from\n320685100201,甲社区,village,320685100000,2023-03-01\n"
		if _, err := s.ImportOrgUnits(ctx, all, csvRows(t, dated), weijian.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		hist, _ := s.OrgUnitHistory(ctx, all, "320685100201")
		if len(hist) != 2 || !hist[1].ValidFrom.Equal(day("2023-03-01")) || !hist[0].ValidTo.Equal(day("2023-03-01")) {
			t.Errorf("history %+v: want the rename dated by the row's valid_from 2023-03-01", hist)
		}
	})
}

// A merged township closes with its villages in one file.
func TestCloseUnitWithItsChildrenInOneFile(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		base := haianHead + "320685101000,城东镇,town,320685000000\n" +
			"320685100201,甲村,village,320685100000\n320685100202,乙村,village,320685100000\n"
		s.ImportOrgUnits(ctx, all, csvRows(t, base), weijian.ImportOptions{ValidFrom: day("2021-01-01")})
		merge := "code,name,level,parent_code,valid_to,successor_code\n" +
			"320685100000,海安镇,town,320685000000,2024-01-01,320685101000\n" +
			"320685100201,甲村,village,320685100000,2024-01-01,\n" +
			"320685100202,乙村,village,320685100000,2024-01-01,\n"
		sum, err := s.ImportOrgUnits(ctx, all, csvRows(t, merge), weijian.ImportOptions{})
		if err != nil || sum.Closed != 3 {
			t.Fatalf("merge: %+v %v", sum, err)
		}
		partial := "code,name,level,parent_code,valid_to\n320685101000,城东镇,town,320685000000,2024-01-01\n"
		s.ImportOrgUnits(ctx, all, csvRows(t, "code,name,level,parent_code\n320685101201,丙村,village,320685101000\n"), weijian.ImportOptions{})
		if _, err := s.ImportOrgUnits(ctx, all, csvRows(t, partial), weijian.ImportOptions{}); !strings.Contains(issueRules(err), "close_with_children") {
			t.Errorf("closing a town whose village stays: %v", err)
		}
	})
}

// A township administrator cannot move units out of its scope, detach or
// close its own township.
func TestScopedImportCannotEscape(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		base := haianHead + "320685101000,城东镇,town,320685000000\n" +
			"code,name,level,parent_code,type\n"
		s.ImportOrgUnits(ctx, all, csvRows(t, strings.TrimSuffix(base, "code,name,level,parent_code,type\n")), weijian.ImportOptions{})
		s.ImportOrgUnits(ctx, all, csvRows(t, "code,name,level,parent_code,type\nF1,卫生院,facility,320685100000,township_hc\n"), weijian.ImportOptions{})
		town, _ := s.OrgUnit(ctx, all, "320685100000")
		sc := weijian.ScopeOf(town.Path)
		for name, text := range map[string]string{
			"move out":   "code,name,level,parent_code,type\nF1,卫生院,facility,320685101000,township_hc\n",
			"detach":     "code,name,level,parent_code\n320685100000,海安镇,town,\n",
			"close root": "code,name,level,parent_code,valid_to\n320685100000,海安镇,town,320685000000,2030-01-01\n",
		} {
			if _, err := s.ImportOrgUnits(ctx, sc, csvRows(t, text), weijian.ImportOptions{}); !strings.Contains(issueRules(err), "out_of_scope") {
				t.Errorf("%s: %v, want out_of_scope", name, err)
			}
		}
		rename := "code,name,level,parent_code,type\nF1,海安镇中心卫生院,facility,320685100000,township_hc\n"
		if _, err := s.ImportOrgUnits(ctx, sc, csvRows(t, rename), weijian.ImportOptions{}); err != nil {
			t.Errorf("renaming a facility in scope: %v", err)
		}
	})
}

// Population belongs to areas, and a closed unit keeps its past years.
func TestPopulationUnitRules(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		s.ImportOrgUnits(ctx, all, csvRows(t, villages), weijian.ImportOptions{ValidFrom: day("2020-01-01")})
		s.ImportOrgUnits(ctx, all, csvRows(t, "code,name,level,parent_code,type\nF1,卫生院,facility,320685100000,township_hc\n"), weijian.ImportOptions{})
		s.ImportOrgUnits(ctx, all, csvRows(t, "code,name,level,parent_code,valid_to\n320685100202,乙村,village,320685100000,2023-01-01\n"), weijian.ImportOptions{})
		text := "unit_code,year,sex,count\nF1,2024,0,5\n320685100202,2022,0,600\n320685100202,2024,0,600\n"
		_, err := s.ImportPopulation(ctx, all, popRows(t, text), weijian.ImportOptions{})
		if got := issueRules(err); got != "facility_population,unit_closed" {
			t.Errorf("issues %q, want facility_population,unit_closed", got)
		}
		if _, err := s.ImportPopulation(ctx, all, popRows(t, "unit_code,year,sex,count\n320685100202,2022,0,600\n"), weijian.ImportOptions{}); err != nil {
			t.Errorf("a closed village's past year: %v", err)
		}
	})
}

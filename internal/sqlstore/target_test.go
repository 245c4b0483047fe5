package sqlstore_test

import (
	"testing"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

// Targets are stored all or nothing: a batch with a bad row stores
// nothing and names every bad row; the same batch again changes nothing;
// a change is audited; a township scope reads and writes only its town.
func TestTargets(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		importFile(t, s, "jiangsu_nantong_haian_320685_2021.csv")
		good := []weijian.Target{
			{Line: 2, Indicator: "cervical_screened", UnitCode: "320685000000", Year: 2024, Value: 10000},
			{Line: 3, Indicator: "cervical_screened", UnitCode: "320685100000", Year: 2024, Value: 1200},
			{Line: 4, Indicator: "htn_standard_rate", UnitCode: "320685100000", Year: 2024, Value: 65},
		}
		bad := append(append([]weijian.Target(nil), good...),
			weijian.Target{Line: 5, Indicator: "cervical_screened", UnitCode: "320685999999", Year: 2024, Value: 1},
			weijian.Target{Line: 6, Indicator: "cervical_screened", UnitCode: "320685100000", Year: 2024, Value: 3},
			weijian.Target{Line: 7, Indicator: "cervical_screened", UnitCode: "320685101000", Year: 2024, Value: -1},
			weijian.Target{Line: 8, Indicator: "cervical_screened", UnitCode: "320685101000", Year: 24, Value: 1})
		_, err := s.SetTargets(ctx, all, "test", bad, weijian.ImportOptions{})
		is := weijian.ErrorIssues(err)
		rules := map[int]string{}
		for _, i := range is {
			rules[i.Row] = i.Rule
		}
		if len(is) != 4 || rules[5] != "unit" || rules[6] != "duplicate" || rules[7] != "negative" || rules[8] != "bad_year" {
			t.Errorf("bad batch: %v, issues %+v", err, is)
		}
		if got, _ := s.Targets(ctx, all, weijian.TargetFilter{}); len(got) != 0 {
			t.Fatalf("a refused batch stored %d targets", len(got))
		}
		sum, err := s.SetTargets(ctx, all, "test", good, weijian.ImportOptions{})
		if err != nil || sum.Inserted != 3 {
			t.Fatalf("first: %+v %v", sum, err)
		}
		good[1].Value = 1300
		sum, err = s.SetTargets(ctx, all, "test", good, weijian.ImportOptions{})
		if err != nil || sum.Updated != 1 || sum.Unchanged != 2 {
			t.Fatalf("again with one change: %+v %v", sum, err)
		}
		entries, err := s.AuditLog(ctx, all, weijian.AuditFilter{Action: weijian.ActionTargetSet})
		if err != nil || len(entries) != 2 {
			t.Errorf("audit: %d entries, %v; want 2", len(entries), err)
		}
		town, err := s.OrgUnit(ctx, all, "320685100000")
		if err != nil {
			t.Fatal(err)
		}
		sc := weijian.ScopeOf(town.Path)
		got, err := s.Targets(ctx, sc, weijian.TargetFilter{Indicators: []string{"cervical_screened"}, Year: 2024})
		if err != nil || len(got) != 1 || got[0].UnitCode != "320685100000" || got[0].Value != 1300 || got[0].UnitName != "海安镇" {
			t.Errorf("town scope reads %+v, %v", got, err)
		}
		_, err = s.SetTargets(ctx, sc, "town", good[:1], weijian.ImportOptions{})
		if is := weijian.ErrorIssues(err); len(is) != 1 || is[0].Rule != "scope" {
			t.Errorf("town sets the county's target: %v", err)
		}
		under, err := s.Targets(ctx, all, weijian.TargetFilter{Under: "320685100000"})
		if err != nil || len(under) != 2 {
			t.Errorf("under 海安镇: %+v %v", under, err)
		}
	})
}

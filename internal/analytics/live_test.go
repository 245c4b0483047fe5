package analytics

import (
	"testing"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

// The grid over the real engine (NewLive) on both databases. Health
// lectures (health_lectures, a count of #{jiankang.lectures}) reported by
// the villages: 甲一村 3 in January 2024 and 1 in January 2023, 甲二村 2
// in February 2024, 乙一村 4 in March 2024. To 30 June 2024 town A has
// 3 + 2 = 5 of its 任务数 10: 50%, 0.27 points over the pace 182/366 =
// 49.73% (达序时); B has 4 of 5: 80%, ahead; the county 9 of 30: 30%,
// behind. A's 同比 (January–June 2023) is 1. A recorded value shows in
// the next query: one more lecture in 丙一村 in May, and C has 1 of 4.
func TestQueryLiveEngine(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		fixture(t, s)
		save := func(unit, pe, v string) {
			t.Helper()
			if _, err := s.SaveDataValues(ctx, weijian.ScopeAll(), "test", []weijian.DataValue{
				{DataSet: "jiankang", Element: "lectures", UnitCode: unit, Period: pe, Value: v}}); err != nil {
				t.Fatal(err)
			}
		}
		save(vilA1, "2024-01", "3")
		save(vilA1, "2023-01", "1")
		save(vilA2, "2024-02", "2")
		save(vilB1, "2024-03", "4")
		setTargets(t, s, "health_lectures", 2024, map[string]float64{county: 30, townA: 10, townB: 5, townC: 4})
		svc, err := NewLive(s)
		if err != nil {
			t.Fatal(err)
		}
		req := Request{Indicators: []string{"health_lectures"}, OrgUnit: county, OUMode: OUChildren, Periods: []string{"2024"}, AsOf: "2024-06-30"}
		resp, err := svc.Query(ctx, weijian.ScopeAll(), req)
		if err != nil {
			t.Fatal(err)
		}
		cells := byUnit(resp)
		co, a, b := cells[county+"|health_lectures|2024"], cells[townA+"|health_lectures|2024"], cells[townB+"|health_lectures|2024"]
		near(t, "county", co.Raw, 9)
		near(t, "A", a.Raw, 5)
		near(t, "A completion", a.Completion, 50)
		near(t, "A 同比", a.YoY, 1)
		near(t, "B completion", b.Completion, 80)
		near(t, "county completion", co.Completion, 30)
		if a.PaceFlag != OnPace || b.PaceFlag != Ahead || co.PaceFlag != Behind || b.Rank != 1 || a.Rank != 2 {
			t.Errorf("flags county %s A %s B %s, ranks A %d B %d; want behind, on, ahead and B before A", co.PaceFlag, a.PaceFlag, b.PaceFlag, a.Rank, b.Rank)
		}
		save(vilC1, "2024-05", "1")
		resp, err = svc.Query(ctx, weijian.ScopeAll(), req)
		if err != nil {
			t.Fatal(err)
		}
		c := byUnit(resp)[townC+"|health_lectures|2024"]
		near(t, "C after one more lecture", c.Raw, 1)
		near(t, "C completion", c.Completion, 25)
	})
}

package demo

import (
	"context"
	"testing"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/analytics"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

// A small demo (0.2% of the residents) over the real engine: the county's
// targets are allocated so that the towns sum exactly to the county and
// each town's villages to the town; rates carry their 目标值 down; and
// the analytics grid shows the county's 2025 count of managed hypertensive patients near its task
// (the task is the figure over a completion of 92–104%).
func TestDemoTargets(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, st *sqlstore.Store) {
		ctx := context.Background()
		sum, err := Generate(ctx, st, Options{Password: testPassword, Scale: 0.002, Now: residentNow})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Targets == 0 {
			t.Fatal("no targets")
		}
		// The rules of this year and last are kept counted (warmCounts):
		// the first dashboard, every indicator of the county and its towns
		// for the year to date (with 同比 and 环比: last year), counts nothing anew.
		marks := func() (n int) {
			if err := st.DB().QueryRowContext(ctx, "SELECT count(*) FROM rule_mark WHERE county_code = '320685'").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := marks()
		live, err := analytics.NewLive(st)
		if err != nil {
			t.Fatal(err)
		}
		var all []string
		for _, d := range live.Eval.Library().All() {
			all = append(all, d.Code)
		}
		if _, err := live.Query(ctx, weijian.ScopeAll(), analytics.Request{Indicators: all, OrgUnit: "320685000000",
			OUMode: analytics.OUChildren, Periods: []string{"2026"}, AsOf: "2026-12-07"}); err != nil {
			t.Fatal(err)
		}
		if before < 40 || marks() != before {
			t.Errorf("kept rule counts: %d (rule, year) marks after the demo, %d after the first dashboard; want them all counted by the demo", before, marks())
		}
		county := "320685000000"
		ts, err := st.Targets(ctx, weijian.ScopeAll(), weijian.TargetFilter{Indicators: []string{"htn_managed", "htn_standard_rate"}, Year: 2025})
		if err != nil {
			t.Fatal(err)
		}
		units, err := st.Subtree(ctx, weijian.ScopeAll(), county, false)
		if err != nil {
			t.Fatal(err)
		}
		parent := map[string]string{}
		byID := map[int64]string{}
		for _, u := range units {
			byID[u.ID] = u.Code
		}
		for _, u := range units {
			parent[u.Code] = byID[u.ParentID]
		}
		sums, own := map[string]float64{}, map[string]float64{}
		for _, x := range ts {
			if x.Indicator == "htn_standard_rate" {
				if x.Value != 65 {
					t.Errorf("htn_standard_rate at %s = %v, want 65", x.UnitCode, x.Value)
				}
				continue
			}
			own[x.UnitCode] = x.Value
			sums[parent[x.UnitCode]] += x.Value
		}
		if own[county] <= 0 || len(own) < 200 {
			t.Fatalf("htn_managed 2025: county %v, %d units", own[county], len(own))
		}
		for code, s := range sums {
			if code != "" && s != own[code] {
				t.Errorf("the units under %s sum to %v, its task is %v", code, s, own[code])
			}
		}
		svc, err := analytics.NewLive(st)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := svc.Query(ctx, weijian.ScopeAll(), analytics.Request{Indicators: []string{"htn_managed"}, OrgUnit: county,
			OUMode: analytics.OUChildren, Periods: []string{"2025"}, AsOf: "2026-12-07"})
		if err != nil {
			t.Fatal(err)
		}
		c := resp.Cells[0]
		if c.Completion == nil || *c.Completion < 92 || *c.Completion > 109 || c.Pace == nil || *c.Pace != 100 {
			t.Errorf("county 2025: %+v, want a completion of 92–109%% against a pace of 100%%", c)
		}
		ranked := 0
		for _, x := range resp.Cells[1:] {
			if x.Rank > 0 {
				ranked++
			}
		}
		if ranked != len(resp.Cells)-1 {
			t.Errorf("%d of %d towns ranked", ranked, len(resp.Cells)-1)
		}
	})
}

package analytics

import (
	"math"
	"testing"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/analytics/analyticstest"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

func setTargets(t *testing.T, s *sqlstore.Store, ind string, year int, vals map[string]float64) {
	t.Helper()
	var rows []weijian.Target
	for code, v := range vals {
		rows = append(rows, weijian.Target{Indicator: ind, UnitCode: code, Year: year, Value: v})
	}
	if _, err := s.SetTargets(ctx, weijian.ScopeAll(), "test", rows, weijian.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
}

func near(t *testing.T, what string, got *float64, want float64) {
	t.Helper()
	if got == nil {
		t.Errorf("%s = nil, want %.4f", what, want)
	} else if math.Abs(*got-want) > 1e-4 {
		t.Errorf("%s = %.6f, want %.4f", what, *got, want)
	}
}

func byUnit(resp *Response) map[string]Cell {
	out := map[string]Cell{}
	for _, c := range resp.Cells {
		out[c.OrgUnit+"|"+c.Indicator+"|"+c.Period] = c
	}
	return out
}

// The county and its towns, 2024 to 30 June, against their 任务数. Worked
// by hand: 1 January – 30 June 2024 is 31+29+31+30+31+30 = 182 days, so
// the pace (ByDays) is 182/366 = 49.7268%. Town A counts 3 a day: 546,
// 546/500 = 109.2%, 59.47 points ahead; B 0.5 a day: 91, 91/300 =
// 30.33%, behind; C 0.55 a day: 100.1, 100.1/200 = 50.05%, +0.32 points:
// on pace (within 1 point). The county: 4.05 × 182 = 737.1, 737.1/1500 =
// 49.14%, −0.59 points: on pace. 同比 of A: 1 January – 30 June 2023 =
// 181 days × 3 × 0.8 = 434.4; 环比 of A: the 182 days of 2023 from
// 1 January = 436.8.
func TestQueryCompletionPaceRank(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		fixture(t, s)
		setTargets(t, s, "screen", 2024, map[string]float64{county: 1500, townA: 500, townB: 300, townC: 200})
		ev := analyticstest.NewFixed()
		svc := &Service{Eval: ev, Store: s}
		resp, err := svc.Query(ctx, weijian.ScopeAll(), Request{Indicators: []string{"screen"}, OrgUnit: county,
			OUMode: OUChildren, Periods: []string{"2024"}, AsOf: "2024-06-30"})
		if err != nil {
			t.Fatal(err)
		}
		if ev.Calls != 1 || ev.Cells != 12 {
			t.Errorf("evaluator: %d calls, %d cells; want 1 call of 12 cells (4 units × value, 同比, 环比)", ev.Calls, ev.Cells)
		}
		if len(resp.Cells) != 4 || resp.Cells[0].OrgUnit != county {
			t.Fatalf("cells = %+v, want the county then its 3 towns", resp.Cells)
		}
		cells := byUnit(resp)
		a, b, c, co := cells[townA+"|screen|2024"], cells[townB+"|screen|2024"], cells[townC+"|screen|2024"], cells[county+"|screen|2024"]
		for _, x := range []Cell{a, b, c, co} {
			near(t, x.OrgUnit+" pace", x.Pace, 100*182.0/366)
		}
		near(t, "A completion", a.Completion, 109.2)
		near(t, "A gap", a.PaceGap, 109.2-100*182.0/366)
		near(t, "B completion", b.Completion, 100*91.0/300)
		near(t, "C completion", c.Completion, 50.05)
		near(t, "county completion", co.Completion, 100*737.1/1500)
		near(t, "A target", a.Target, 500)
		near(t, "A 同比", a.YoY, 434.4)
		near(t, "A 环比", a.MoM, 436.8)
		near(t, "A raw", a.Raw, 546)
		if a.Value != "546" || c.Value != "100.10" || co.Value != "737.10" {
			t.Errorf("values %q %q %q, want 546, 100.10, 737.10", a.Value, c.Value, co.Value)
		}
		flags := []string{a.PaceFlag, b.PaceFlag, c.PaceFlag, co.PaceFlag}
		if flags[0] != Ahead || flags[1] != Behind || flags[2] != OnPace || flags[3] != OnPace {
			t.Errorf("flags A, B, C, county = %v, want ahead, behind, on, on", flags)
		}
		if a.Rank != 1 || c.Rank != 2 || b.Rank != 3 || co.Rank != 0 {
			t.Errorf("ranks A %d C %d B %d county %d; want 1, 2, 3 and the county unranked", a.Rank, c.Rank, b.Rank, co.Rank)
		}
		if resp.OrgUnits[townA] != "甲镇" || resp.Indicators["screen"].Unit != "count" || resp.Periods["2024"] != "2024年（截至2024年6月30日）" {
			t.Errorf("names: %v %v %v", resp.OrgUnits, resp.Indicators, resp.Periods)
		}
	})
}

// Periods that do not start on 1 January carry no target; 同比 and 环比
// of a quarter and of a month cut at the 15th. Q2 2024 is 91 days: town A
// counts 273, Q1 2024 (91 days) 273, Q2 2023 273 × 0.8 = 218.4. June 2024
// to the 15th: 45; 1–15 May: 45; 1–15 June 2023: 36.
func TestQueryPeriodsYoYMoM(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		fixture(t, s)
		setTargets(t, s, "screen", 2024, map[string]float64{townA: 500})
		svc := &Service{Eval: analyticstest.NewFixed(), Store: s}
		resp, err := svc.Query(ctx, weijian.ScopeAll(), Request{Indicators: []string{"screen"}, OrgUnit: townA,
			Periods: []string{"2024Q2", "2024-06", "2024H1", "2025"}, AsOf: "2024-06-15"})
		if err != nil {
			t.Fatal(err)
		}
		cells := byUnit(resp)
		q2, jun, h1, y25 := cells[townA+"|screen|2024Q2"], cells[townA+"|screen|2024-06"], cells[townA+"|screen|2024H1"], cells[townA+"|screen|2025"]
		near(t, "Q2 to 15 June", q2.Raw, 3*76)
		near(t, "Q2 环比 (the first 76 days of Q1)", q2.MoM, 3*76)
		near(t, "Q2 同比", q2.YoY, 3*76*0.8)
		near(t, "June to the 15th", jun.Raw, 45)
		near(t, "June 环比", jun.MoM, 45)
		near(t, "June 同比", jun.YoY, 36)
		if q2.Target != nil || jun.Target != nil || q2.Completion != nil {
			t.Errorf("a period from April or June has a target: %+v %+v", q2, jun)
		}
		// H1 to 15 June: 167 days, 501 persons, 100.2% of 500; pace 167/366.
		near(t, "H1 completion", h1.Completion, 100.2)
		near(t, "H1 pace", h1.Pace, 100*167.0/366)
		if !y25.NoData || y25.Why == "" || y25.Raw != nil {
			t.Errorf("2025 as of 2024-06-15 = %+v, want no data with a reason", y25)
		}
	})
}

// A rate against its 目标值: A's screening rate is 546/1000 = 54.6%
// against 90%: 完成率 60.67%, with no pace (a rate is not cumulative).
// By months the pace of the count is 6/12 = 50%: A's 546 of 500 is
// 109.2%, 59.2 points ahead. Lower-is-better indicators are ranked from
// the lowest and get no pace.
func TestQueryRateMonthsAndLowerBetter(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		fixture(t, s)
		setTargets(t, s, "screen_rate", 2024, map[string]float64{townA: 90})
		setTargets(t, s, "screen", 2024, map[string]float64{townA: 500})
		setTargets(t, s, "incidence", 2024, map[string]float64{townA: 50000})
		svc := &Service{Eval: analyticstest.NewFixed(), Store: s}
		resp, err := svc.Query(ctx, weijian.ScopeAll(), Request{Indicators: []string{"screen_rate", "screen", "incidence"}, OrgUnit: county,
			OUMode: OULevel, Level: "town", Periods: []string{"2024"}, AsOf: "2024-06-30", Pace: "months"})
		if err != nil {
			t.Fatal(err)
		}
		cells := byUnit(resp)
		a := cells[townA+"|screen_rate|2024"]
		near(t, "rate", a.Raw, 54.6)
		near(t, "denominator", a.Denominator, 1000)
		near(t, "rate completion", a.Completion, 100*54.6/90)
		if a.Value != "54.60" || a.Pace != nil || a.PaceFlag != "" {
			t.Errorf("A rate %q pace %v flag %q, want 54.60 with no pace", a.Value, a.Pace, a.PaceFlag)
		}
		n := cells[townA+"|screen|2024"]
		near(t, "pace by months", n.Pace, 50)
		near(t, "gap by months", n.PaceGap, 59.2)
		// Incidence per 100,000: A 546/1000 × 1e5 = 54600, B 9100, C 10010.
		ia, ib, ic := cells[townA+"|incidence|2024"], cells[townB+"|incidence|2024"], cells[townC+"|incidence|2024"]
		if ib.Rank != 1 || ic.Rank != 2 || ia.Rank != 3 {
			t.Errorf("incidence ranks B %d C %d A %d, want 1 2 3 (lower is better)", ib.Rank, ic.Rank, ia.Rank)
		}
		if ia.Pace != nil || ia.PaceFlag != "" {
			t.Errorf("lower-is-better indicator has a pace: %+v", ia)
		}
		near(t, "incidence completion", ia.Completion, 100*54600.0/50000)
	})
}

// A township user sees only its own town among the county's children;
// bad parameters are refused naming the parameter.
func TestQueryScopeAndErrors(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		fixture(t, s)
		svc := &Service{Eval: analyticstest.NewFixed(), Store: s}
		a, err := s.OrgUnit(ctx, weijian.ScopeAll(), townA)
		if err != nil {
			t.Fatal(err)
		}
		town := weijian.ScopeOf(a.Path)
		resp, err := svc.Query(ctx, town, Request{Indicators: []string{"screen"}, OrgUnit: county, OUMode: OUChildren, AsOf: "2024-06-30"})
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Cells) != 1 || resp.Cells[0].OrgUnit != townA || resp.Cells[0].Rank != 0 {
			t.Errorf("township scope sees %+v, want town A alone", resp.Cells)
		}
		if _, err := svc.Query(ctx, town, Request{Indicators: []string{"screen"}, OrgUnit: townB, AsOf: "2024-06-30"}); weijian.ErrorKind(err) != weijian.KindInvalid {
			t.Errorf("town B from town A's scope: %v, want invalid ou (not in your scope)", err)
		}
		base := Request{Indicators: []string{"screen"}, OrgUnit: county, Periods: []string{"2024"}, AsOf: "2024-06-30"}
		for param, req := range map[string]Request{
			"ind":    {OrgUnit: county},
			"ou":     {Indicators: []string{"screen"}, OrgUnit: "999999999999"},
			"pe":     with(base, func(r *Request) { r.Periods = []string{"2024Q5"} }),
			"asOf":   with(base, func(r *Request) { r.AsOf = "2024-6-30" }),
			"ouMode": with(base, func(r *Request) { r.OUMode = "all" }),
			"level":  with(base, func(r *Request) { r.OUMode = OULevel }),
			"disagg": with(base, func(r *Request) { r.Disagg = "colour" }),
			"pace":   with(base, func(r *Request) { r.Pace = "weekly" }),
		} {
			_, err := svc.Query(ctx, weijian.ScopeAll(), req)
			is := weijian.ErrorIssues(err)
			if weijian.ErrorKind(err) != weijian.KindInvalid || len(is) != 1 || is[0].Field != param {
				t.Errorf("%s: error %v (issues %+v), want invalid naming %s", param, err, is, param)
			}
		}
		// A period written wrongly is explained in Chinese too, with the
		// forms accepted (it read "internal error" in Chinese).
		if _, err := svc.Query(ctx, weijian.ScopeAll(), with(base, func(r *Request) { r.Periods = []string{"202503"} })); !containsAll(weijian.ErrorMessage(err, "zh"), "202503", "2024-06", "2024年6月") {
			t.Errorf("period 202503: %q", weijian.ErrorMessage(err, "zh"))
		}
		if _, err := svc.Query(ctx, weijian.ScopeAll(), with(base, func(r *Request) { r.Indicators = []string{"nope"} })); err == nil ||
			!containsAll(weijian.ErrorMessage(err, "en"), "ind", "nope") {
			t.Errorf("unknown indicator: %v", err)
		}
	})
}

func with(r Request, f func(*Request)) Request { f(&r); return r }

package analytics

import (
	"math"
	"strings"
	"testing"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/analytics/analyticstest"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

func TestSplitLargestRemainder(t *testing.T) {
	for _, tc := range []struct {
		total   float64
		weights []float64
		unit    float64
		want    []float64
	}{
		// 1001 × 500/1000 = 500.5, × 300/1000 = 300.3, × 200/1000 = 200.2:
		// floors 500+300+200 = 1000, the last one to the largest remainder.
		{1001, []float64{500, 300, 200}, 1, []float64{501, 300, 200}},
		// 100 × 100/180 = 55.56, 50/180 → 27.78, 30/180 → 16.67: floors
		// 98, the two left to 27.78 and 16.67.
		{100, []float64{100, 50, 30}, 1, []float64{55, 28, 17}},
		{10, []float64{1, 1, 1}, 1, []float64{4, 3, 3}},
		{1, []float64{0, 0}, 1, []float64{1, 0}},
		{100.01, []float64{1, 1}, 0.01, []float64{50.01, 50}},
	} {
		got := Split(tc.total, tc.weights, tc.unit)
		sum := 0.0
		for _, x := range got {
			sum += x
		}
		if !equal(got, tc.want) || math.Abs(sum-tc.total) > 1e-9 {
			t.Errorf("Split(%v, %v) = %v (sum %v), want %v", tc.total, tc.weights, got, sum, tc.want)
		}
	}
}

func equal(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func stored(t *testing.T, s *sqlstore.Store, ind string) map[string]float64 {
	t.Helper()
	ts, err := s.Targets(ctx, weijian.ScopeAll(), weijian.TargetFilter{Indicators: []string{ind}, Year: 2024})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, x := range ts {
		out[x.UnitCode] = x.Value
	}
	return out
}

// 1001 persons by total population (towns 500, 300, 200: see the fixture)
// give 501, 300, 200, and town A's 501 goes to its villages 300:200 →
// 300.6, 200.4 → 301, 200. By women aged 35–64 (100, 50, 30) 100 gives
// 55, 28, 17. A rate's 目标值 is given to every child as it is.
func TestAllocateByPopulation(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		fixture(t, s)
		svc := &Service{Eval: analyticstest.NewFixed(), Store: s}
		v := 1001.0
		if _, err := svc.Allocate(ctx, weijian.ScopeAll(), "test", Allocation{Indicator: "screen", OrgUnit: county, Year: 2024,
			Method: weijian.TargetByPopulation, Value: &v, Depth: 2}); err != nil {
			t.Fatal(err)
		}
		got := stored(t, s, "screen")
		want := map[string]float64{county: 1001, townA: 501, townB: 300, townC: 200, vilA1: 301, vilA2: 200, vilB1: 300, vilC1: 200}
		for code, w := range want {
			if got[code] != w {
				t.Errorf("%s = %v, want %v (all: %v)", code, got[code], w, got)
			}
		}
		base, err := ParseBase("F 35-64")
		if err != nil {
			t.Fatal(err)
		}
		v = 100
		if _, err := svc.Allocate(ctx, weijian.ScopeAll(), "test", Allocation{Indicator: "screen", OrgUnit: county, Year: 2024,
			Value: &v, Base: &base}); err != nil {
			t.Fatal(err)
		}
		got = stored(t, s, "screen")
		if got[townA] != 55 || got[townB] != 28 || got[townC] != 17 {
			t.Errorf("by women 35-64: %v, want A 55 B 28 C 17", got)
		}
		if b := BaseOf(svc.Eval.Library().Get("screen_rate")); b != base {
			t.Errorf("BaseOf(screen_rate) = %v, want %v", b, base)
		}
		rate := 90.0
		if _, err := svc.Allocate(ctx, weijian.ScopeAll(), "test", Allocation{Indicator: "screen_rate", OrgUnit: county, Year: 2024, Value: &rate}); err != nil {
			t.Fatal(err)
		}
		if got := stored(t, s, "screen_rate"); got[townA] != 90 || got[townC] != 90 {
			t.Errorf("rate targets %v, want 90 everywhere", got)
		}
	})
}

// By hand: the towns must sum to the county's 1001; 500 + 300 + 200 is
// one short, and the error names the units and the difference; nothing is
// stored. A township user may allocate its town but not the county.
func TestAllocateByHand(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		fixture(t, s)
		setTargets(t, s, "screen", 2024, map[string]float64{county: 1001})
		svc := &Service{Eval: analyticstest.NewFixed(), Store: s}
		_, err := svc.Allocate(ctx, weijian.ScopeAll(), "test", Allocation{Indicator: "screen", OrgUnit: county, Year: 2024,
			Method: weijian.TargetByHand, Values: map[string]float64{townA: 500, townB: 300, townC: 200}})
		msg := weijian.ErrorMessage(err, "zh")
		if weijian.ErrorKind(err) != weijian.KindInvalid || !containsAll(msg, "甲镇", "乙镇", "丙镇", "1000", "1001", "-1", "海安市") {
			t.Errorf("short by one: %v", msg)
		}
		_, err = svc.Allocate(ctx, weijian.ScopeAll(), "test", Allocation{Indicator: "screen", OrgUnit: county, Year: 2024,
			Method: weijian.TargetByHand, Values: map[string]float64{townA: 501, townB: 300, vilA1: 200}})
		if msg := weijian.ErrorMessage(err, "en"); !containsAll(msg, vilA1) {
			t.Errorf("a village under the county: %v", msg)
		}
		if got := stored(t, s, "screen"); len(got) != 1 {
			t.Errorf("a failed allocation stored %v", got)
		}
		if _, err := svc.Allocate(ctx, weijian.ScopeAll(), "test", Allocation{Indicator: "screen", OrgUnit: county, Year: 2024,
			Method: weijian.TargetByHand, Values: map[string]float64{townA: 501, townB: 300, townC: 200}}); err != nil {
			t.Fatal(err)
		}
		if got := stored(t, s, "screen"); got[townA] != 501 || got[townC] != 200 {
			t.Errorf("by hand stored %v", got)
		}
		a, _ := s.OrgUnit(ctx, weijian.ScopeAll(), townA)
		town := weijian.ScopeOf(a.Path)
		if _, err := svc.Allocate(ctx, town, "town", Allocation{Indicator: "screen", OrgUnit: county, Year: 2024}); weijian.ErrorKind(err) != weijian.KindForbidden {
			t.Errorf("township allocates the county: %v, want forbidden", err)
		}
		if _, err := svc.Allocate(ctx, town, "town", Allocation{Indicator: "screen", OrgUnit: townA, Year: 2024}); err != nil {
			t.Errorf("township allocates its own town: %v", err)
		}
		if got := stored(t, s, "screen"); got[vilA1]+got[vilA2] != 501 {
			t.Errorf("town A's villages %v + %v, want 501", got[vilA1], got[vilA2])
		}
	})
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

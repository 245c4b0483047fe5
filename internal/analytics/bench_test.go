package analytics_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/analytics"
	"github.com/weijian-health/weijian/internal/demo"
	"github.com/weijian-health/weijian/internal/sqlstore"
)

// DashboardIndicators are the key indicators of the county home page the
// benchmark asks for.
var dashboardIndicators = []string{"htn_managed", "htn_standard_rate", "dm_standard_rate", "elderly_management_rate",
	"cervical_screened", "breast_screened", "child_health_management_rate", "vacc_mmr1_rate"}

// BenchmarkDashboard is one dashboard query: the key indicators × 海安市
// and its 11 towns, the current year to date, with targets, pace, rank,
// 同比 and 环比 — what the county home page asks on every load. It
// reports the median (p50) and p90 latency, and the process's CPU time
// per query (user + system: the database work of SQLite, which runs in
// the process, included; PostgreSQL's server time not), which a loaded
// machine inflates far less than the wall-clock figures.
//
// The database is WEIJIAN_BENCH_DB (a finished `weijian demo` file or a
// postgres:// DSN) or else a demo generated at WEIJIAN_BENCH_SCALE of the
// residents (default 0.01) in a temporary SQLite file.
func BenchmarkDashboard(b *testing.B) {
	ctx := context.Background()
	st := benchStore(b)
	svc, err := analytics.NewLive(st)
	if err != nil {
		b.Fatal(err)
	}
	req := analytics.Request{Indicators: dashboardIndicators, OrgUnit: "320685000000", OUMode: analytics.OUChildren,
		Periods: []string{"2026"}, AsOf: "2026-12-07"}
	if _, err := svc.Query(ctx, weijian.ScopeAll(), req); err != nil { // warm the caches
		b.Fatal(err)
	}
	var times []time.Duration
	cpu0 := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		resp, err := svc.Query(ctx, weijian.ScopeAll(), req)
		if err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(t0))
		if len(resp.Cells) != len(dashboardIndicators)*12 {
			b.Fatalf("%d cells", len(resp.Cells))
		}
	}
	cpu := cpuTime() - cpu0
	slices.Sort(times)
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(len(times)), "cpu-ms/op")
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(times[len(times)*9/10].Microseconds())/1000, "p90-ms")
}

func benchStore(b *testing.B) *sqlstore.Store {
	ctx := context.Background()
	if db := os.Getenv("WEIJIAN_BENCH_DB"); db != "" {
		st, err := sqlstore.Open(ctx, db, sqlstore.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		return st
	}
	st, err := sqlstore.Open(ctx, filepath.Join(b.TempDir(), "demo.db"), sqlstore.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	scale := 0.01
	if v := os.Getenv("WEIJIAN_BENCH_SCALE"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			b.Fatal(err)
		}
		scale = f
	}
	now := func() time.Time { return time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC) }
	if _, err := demo.Generate(ctx, st, demo.Options{Scale: scale, Now: now, Password: "Bench-Demo-2026"}); err != nil {
		b.Fatal(err)
	}
	return st
}

// cpuTime is the CPU time the process has used (user + system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

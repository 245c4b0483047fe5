package surveil_test

import (
	"os"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/weijian-health/weijian/internal/demo"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
	"github.com/weijian-health/weijian/internal/surveil"
)

// TestBenchDetection measures, on the demo county in SQLite, one day's
// detection of every disease and syndromic source × every township (from
// the stored counts to stored signals) and a full-year backfill, in wall
// and CPU time (the CPU time is what a busy shared machine distorts
// least). BENCHMARKS.md quotes its output. Run it with
//
//	WEIJIAN_BENCH_SURVEIL=1 go test ./internal/surveil -run BenchDetection -v
func TestBenchDetection(t *testing.T) {
	if os.Getenv("WEIJIAN_BENCH_SURVEIL") == "" {
		t.Skip("set WEIJIAN_BENCH_SURVEIL=1")
	}
	st := sqltest.SQLite(t, sqltest.Options{})
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, surveil.China)
	w0, c0 := time.Now(), cpu()
	sum, err := demo.Generate(ctx, st, demo.Options{Password: "Demo-pass-2026", Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("demo: %d cards, surveillance step %.2fs wall; whole demo %.2fs wall, %.2fs CPU",
		sum.Surveillance.Cards, sum.Surveillance.Elapsed.Seconds(), time.Since(w0).Seconds(), (cpu() - c0).Seconds())
	benchDays(t, st, now)
}

func benchDays(t *testing.T, st *sqlstore.Store, now time.Time) {
	cat, err := surveil.LoadCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	sv := surveil.New(st, cat, surveil.Config{}, nil, func() time.Time { return now }, nil)
	today := period.DateOf(now.In(surveil.China))
	areas, _ := sv.Areas(ctx, "320685")
	var walls, cpus []time.Duration
	series := 0
	for i := range 7 {
		w, c := time.Now(), cpu()
		sigs, skips, err := sv.Detect(ctx, "320685", today.AddDays(-60-i), false)
		if err != nil {
			t.Fatal(err)
		}
		walls, cpus = append(walls, time.Since(w)), append(cpus, cpu()-c)
		series = len(cat.Items(false))*len(areas) - len(skips)
		_ = sigs
	}
	slices.Sort(walls)
	slices.Sort(cpus)
	t.Logf("one day: %d items × %d areas (%d judged): median %.0f ms wall, %.0f ms CPU (min %.0f ms wall)",
		len(cat.Items(false)), len(areas), series, ms(walls[3]), ms(cpus[3]), ms(walls[0]))
	w, c := time.Now(), cpu()
	sum, err := sv.Backfill(ctx, "320685", today.AddDays(-365), today.AddDays(-1), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("full-year backfill (365 days): %.2f s wall, %.2f s CPU, %d new signals", time.Since(w).Seconds(), (cpu() - c).Seconds(), len(sum.Signals))
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// cpu is the process's user+system CPU time.
func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

package surveil_test

import (
	"syscall"
	"testing"
	"time"

	"github.com/weijian-health/weijian/internal/demo"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
	"github.com/weijian-health/weijian/internal/surveil"
)

// BenchmarkDetection builds the 海安市 demo (surveillance history without
// residents) once per database and times, from the stored counts to the
// stored signals:
//
//	<db>/day           one day's detection of every disease and syndromic
//	                   source × the county and every township (Service.Detect);
//	                   iteration i judges the day 100+i days before the demo's
//	                   today, before the demo's own 90 days of signals
//	                   (goal ≤ 200 ms on SQLite)
//	<db>/backfill_year a full year (Service.Backfill over 365 days; iteration
//	                   i backfills the year i years earlier, so run it with
//	                   -benchtime 1x–3x) (goal ≤ 10 s)
//
// cpu-ms/op is this process's CPU time per op (SQLite's work included,
// PostgreSQL's server not), the steadier figure on a shared machine.
//
// Run: go test ./internal/surveil -run '^$' -bench Detection -benchtime 10x
// (PostgreSQL from WEIJIAN_TEST_POSTGRES; see scripts/pg.sh).
func BenchmarkDetection(b *testing.B) {
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, surveil.China)
	sqltest.EachB(b, sqltest.Options{}, func(b *testing.B, st *sqlstore.Store) {
		sum, err := demo.Generate(ctx, st, demo.Options{Password: "Demo-pass-2026", Now: func() time.Time { return now }})
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("demo: %d cards, surveillance step %.2fs", sum.Surveillance.Cards, sum.Surveillance.Elapsed.Seconds())
		cat, err := surveil.LoadCatalogue()
		if err != nil {
			b.Fatal(err)
		}
		sv := surveil.New(st, cat, surveil.Config{}, nil, func() time.Time { return now }, nil)
		today := period.DateOf(now.In(surveil.China))
		b.Run("day", func(b *testing.B) { benchDay(b, sv, today) })
		b.Run("backfill_year", func(b *testing.B) { benchYear(b, sv, today) })
	})
}

func benchDay(b *testing.B, sv *surveil.Service, today period.Date) {
	areas, err := sv.Areas(ctx, "320685")
	if err != nil {
		b.Fatal(err)
	}
	items := len(sv.Catalogue().Items(false))
	judged, signals := 0, 0
	c0 := cpu()
	b.ResetTimer()
	for i := range b.N {
		sigs, skips, err := sv.Detect(ctx, "320685", today.AddDays(-100-i%300), false)
		if err != nil {
			b.Fatal(err)
		}
		judged += items*len(areas) - len(skips)
		signals += len(sigs)
	}
	b.ReportMetric(float64(cpu()-c0)/1e6/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(items*len(areas)), "series/op")
	b.ReportMetric(float64(judged)/float64(b.N), "judged/op")
	b.ReportMetric(float64(signals)/float64(b.N), "signals/op")
}

func benchYear(b *testing.B, sv *surveil.Service, today period.Date) {
	signals := 0
	c0 := cpu()
	b.ResetTimer()
	for i := range b.N {
		to := today.AddDays(-1 - 365*(i%3))
		sum, err := sv.Backfill(ctx, "320685", to.AddDays(-364), to, nil)
		if err != nil {
			b.Fatal(err)
		}
		signals += len(sum.Signals)
	}
	b.ReportMetric(float64(cpu()-c0)/1e6/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(signals)/float64(b.N), "signals/op")
}

// cpu is the process's user and system CPU time (this process only: the
// PostgreSQL server's work is not in it).
func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

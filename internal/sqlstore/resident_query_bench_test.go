package sqlstore_test

import (
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/demo"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

// queryBenchStore is the database BenchmarkResidentQueries reads: the one
// named by WEIJIAN_BENCH_DB (e.g. the full demo county of `weijian demo
// --no-serve`), else a demo county generated for the benchmark in a new
// SQLite file at WEIJIAN_BENCH_SCALE (default 0.01, ~9,000 residents).
func queryBenchStore(b *testing.B) *sqlstore.Store {
	if dsn := os.Getenv("WEIJIAN_BENCH_DB"); dsn != "" {
		s, err := sqlstore.Open(ctx, dsn, sqlstore.Options{NoCreate: true})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		return s
	}
	scale := 0.01
	if v, err := strconv.ParseFloat(os.Getenv("WEIJIAN_BENCH_SCALE"), 64); err == nil && v > 0 && v <= 1 {
		scale = v
	}
	s := sqltest.SQLite(b, sqltest.Options{})
	if _, err := demo.Generate(ctx, s, demo.Options{Scale: scale, Password: "bench-Password-1"}); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkResidentQueries measures person search, the person page and
// work lists as a county user sees them (work lists also as a user of the
// township 海安镇), on random residents; each sub-benchmark reports its
// p50 and p99 in ms besides the mean, and the p50 of this process's CPU
// time per op (cpu-p50-ms: all of SQLite's work, only the client's on
// PostgreSQL) — steadier than wall time on a shared machine.
func BenchmarkResidentQueries(b *testing.B) {
	s := queryBenchStore(b)
	var ids []int64
	rows, err := s.DB().Query("SELECT id FROM person ORDER BY id")
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	county, err := s.OrgUnit(ctx, all, "320685000000")
	if err != nil {
		b.Fatal(err)
	}
	town, err := s.OrgUnit(ctx, all, "320685100000")
	if err != nil {
		b.Fatal(err)
	}
	sc := weijian.ScopeOf(county.Path)
	rng := rand.New(rand.NewPCG(3, 4))
	pick := func() *weijian.Person {
		p, err := s.Person(ctx, sc, ids[rng.IntN(len(ids))])
		if err != nil {
			b.Fatal(err)
		}
		return p
	}
	measure := func(name string, fn func() error) {
		b.Run(name, func(b *testing.B) {
			var d, c []time.Duration
			for b.Loop() {
				start, c0 := time.Now(), cpuTime()
				if err := fn(); err != nil {
					b.Fatal(err)
				}
				d, c = append(d, time.Since(start)), append(c, cpuTime()-c0)
			}
			slices.Sort(d)
			slices.Sort(c)
			b.ReportMetric(ms(d[len(d)/2]), "p50-ms")
			b.ReportMetric(ms(d[len(d)*99/100]), "p99-ms")
			b.ReportMetric(ms(c[len(c)/2]), "cpu-p50-ms")
		})
	}
	measure("search-id", func() error {
		_, _, err := s.SearchPersons(ctx, sc, weijian.PersonFilter{Query: pick().DocNumber})
		return err
	})
	measure("search-name", func() error {
		_, _, err := s.SearchPersons(ctx, sc, weijian.PersonFilter{Query: pick().Name, WithTotal: true})
		return err
	})
	measure("search-pinyin", func() error {
		_, _, err := s.SearchPersons(ctx, sc, weijian.PersonFilter{Query: sqlstore.Initials(pick().Name), WithTotal: true})
		return err
	})
	measure("person-page", func() error {
		id := ids[rng.IntN(len(ids))]
		if _, err := s.Person(ctx, sc, id); err != nil {
			return err
		}
		if _, err := s.Timeline(ctx, sc, id); err != nil {
			return err
		}
		_, err := s.PersonYears(ctx, sc, id)
		return err
	})
	for _, u := range []struct {
		name string
		sc   weijian.Scope
	}{{"township", weijian.ScopeOf(town.Path)}, {"county", sc}} {
		for _, l := range []string{"hypertension_quarter", "elderly_year", "positive_followup"} {
			measure("worklist-"+l+"-"+u.name, func() error {
				_, _, err := s.WorkList(ctx, u.sc, weijian.WorkFilter{List: l, Limit: 50})
				return err
			})
		}
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// cpuTime is the CPU time (user and system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

package indicator_test

import (
	"context"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/dataset"
	"github.com/weijian-health/weijian/internal/demo"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/programme"
	"github.com/weijian-health/weijian/internal/rules"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

// BenchmarkGrid computes every built-in indicator × every area of the
// demo county (county, towns, villages) × the 12 months of 2025, on SQLite
// and PostgreSQL:
//
//	engine/all       the whole grid in one EvalMany
//	engine/sample    the county and its towns
//	baseline/sample  the same sample cell by cell, each reference by its own plain query
//	engine/sample-by-sex  the sample's indicators that divide by sex, each for 男 and 女
//	dashboard        one dashboard query: 10 key indicators × the towns, year to date
//
// Besides wall time each reports cpu-ms/op, the process's CPU time per
// run (getrusage), which a machine shared with other work disturbs less.
//
// The demo is generated at WEIJIAN_BENCH_SCALE (default 0.01; above 1, a
// county that many times 海安's size, demo.Options.Scale) in a fresh
// SQLite file and PostgreSQL schema, unless WEIJIAN_BENCH_SQLITE (a file)
// or WEIJIAN_BENCH_POSTGRES (a DSN) name a database that holds it already
// — such as one made by `weijian demo --scale 5` for the cost growth of
// issue 15. The log gives the size of the county measured. BENCHMARKS.md
// quotes the results.
func BenchmarkGrid(b *testing.B) {
	for _, db := range []string{"sqlite", "postgres"} {
		b.Run(db, func(b *testing.B) {
			st := benchStore(b, db)
			lib, err := indicator.Builtin()
			if err != nil {
				b.Fatal(err)
			}
			src := testSources(b)
			eng, base := indicator.NewEngine(lib, st, src), indicator.NewBaselineEngine(lib, st, src)
			units, sample := benchUnits(b, st)
			all, few := grid(lib, units), grid(lib, sample)
			run := func(name string, ev indicator.Evaluator, cells []indicator.Cell) {
				b.Run(name, func(b *testing.B) {
					cpu := processCPU()
					for b.Loop() {
						if _, err := ev.EvalMany(context.Background(), weijian.ScopeAll(), cells); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64((processCPU()-cpu).Microseconds())/1000/float64(b.N), "cpu-ms/op")
					b.ReportMetric(float64(len(cells)), "cells")
					b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(len(cells)), "µs/cell")
				})
			}
			run("engine/all", eng, all)
			run("engine/sample", eng, few)
			run("baseline/sample", base, few)
			run("engine/sample-by-sex", eng, bySex(eng, few))
			run("dashboard", eng, dashboard(lib, units))
		})
	}
}

// processCPU is the CPU time the process has used (user and system, every
// thread: the engine, the database driver and the garbage collector), a
// measure of a run's cost that a busy machine disturbs less than wall time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// grid is every indicator × unit × month of 2025.
func grid(lib *indicator.Library, units []*weijian.OrgUnit) []indicator.Cell {
	var cells []indicator.Cell
	for _, d := range lib.All() {
		for _, u := range units {
			for m := 1; m <= 12; m++ {
				p, _ := period.New(period.Month, 2025, m)
				cells = append(cells, indicator.Cell{Indicator: d.Code, OrgUnit: u.Code, Span: p.Span()})
			}
		}
	}
	return cells
}

// bySex is every cell of cells whose indicator divides by sex, once for
// each sex.
func bySex(eng *indicator.Engine, cells []indicator.Cell) []indicator.Cell {
	var out []indicator.Cell
	for _, c := range cells {
		if _, err := eng.Options(c.Indicator, "sex", c.Span.Start); err != nil {
			continue
		}
		for _, o := range []string{"M", "F"} {
			c.Disagg = indicator.Disagg{Dim: "sex", Option: o}
			out = append(out, c)
		}
	}
	return out
}

// dashboard is the county home page's query: 10 key indicators for each
// town, year to date as of 2025-09-30.
func dashboard(lib *indicator.Library, units []*weijian.OrgUnit) []indicator.Cell {
	keys := []string{"htn_standard_rate", "htn_control_rate", "dm_standard_rate", "dm_control_rate", "elderly_management_rate",
		"smd_standard_rate", "child_health_management_rate", "early_registration_rate", "family_doctor_signing_rate", "childcare_places_per_1000"}
	var cells []indicator.Cell
	for _, k := range keys {
		for _, u := range units {
			if u.Level == weijian.LevelTown {
				cells = append(cells, indicator.Cell{Indicator: k, OrgUnit: u.Code, Span: period.YearToDate(period.NewDate(2025, 9, 30))})
			}
		}
	}
	return cells
}

// testSources loads the built-in data sets and programmes.
func testSources(b testing.TB) indicator.Sources {
	cat, err := dataset.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	progs, err := programme.LoadBuiltin()
	if err != nil {
		b.Fatal(err)
	}
	return indicator.Sources{DataSets: cat, Programmes: progs}
}

// benchUnits returns the demo county's areas, and the sample: the county
// and its towns (the baseline's cell-by-cell queries take minutes on the
// whole grid).
func benchUnits(b *testing.B, st *sqlstore.Store) (units, sample []*weijian.OrgUnit) {
	sub, err := st.Subtree(context.Background(), weijian.ScopeAll(), demoCounty, false)
	if err != nil {
		b.Fatal(err)
	}
	for _, u := range sub {
		switch u.Level {
		case weijian.LevelCounty, weijian.LevelTown:
			units, sample = append(units, u), append(sample, u)
		case weijian.LevelVillage:
			units = append(units, u)
		}
	}
	return units, sample
}

const demoCounty = "320685000000"

// benchStore opens the demo database of db, generating it if needed.
func benchStore(b *testing.B, db string) *sqlstore.Store {
	opt := sqltest.Options{Rules: rules.New(testSources(b).Programmes)}
	env := map[string]string{"sqlite": "WEIJIAN_BENCH_SQLITE", "postgres": "WEIJIAN_BENCH_POSTGRES"}[db]
	if path := os.Getenv(env); path != "" {
		st, err := sqlstore.Open(context.Background(), path, sqlstore.Options{NoCreate: true, Rules: opt.Rules})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		logSize(b, db, st)
		return st
	}
	var st *sqlstore.Store
	if db == "sqlite" {
		st = sqltest.SQLite(b, opt)
	} else {
		st = sqltest.Postgres(b, opt)
	}
	scale := 0.01
	if s, err := strconv.ParseFloat(os.Getenv("WEIJIAN_BENCH_SCALE"), 64); err == nil {
		scale = s
	}
	start := time.Now()
	sum, err := demo.Generate(context.Background(), st, demo.Options{Scale: scale, Password: "Demo-pass-2026"})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s demo at scale %g: %d residents, %d services in %s", db, scale,
		sum.Residents.Persons, sum.Residents.Events, time.Since(start).Round(time.Second))
	logSize(b, db, st)
	return st
}

// logSize logs the size of the county measured: its population of 2025,
// its residents (the dead included) and their services (a 5× county has
// five times each).
func logSize(b *testing.B, db string, st *sqlstore.Store) {
	ctx := context.Background()
	p, err := st.Population(ctx, weijian.ScopeAll(), weijian.PopulationQuery{UnitCode: demoCounty, Year: 2025})
	if err != nil {
		b.Fatal(err)
	}
	var persons, events int64
	for q, n := range map[string]*int64{"SELECT count(*) FROM person": &persons, "SELECT count(*) FROM service_event": &events} {
		if err := st.DB().QueryRowContext(ctx, q).Scan(n); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%s: the county's population in 2025 %d; %d residents, %d services", db, p.Total, persons, events)
}

package sqlstore_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/ident"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/programme"
	"github.com/weijian-health/weijian/internal/rules"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

// benchEvents is the size of BenchmarkEventImport's file:
// WEIJIAN_BENCH_EVENTS, default 100,000.
func benchEvents() int {
	if v, err := strconv.Atoi(os.Getenv("WEIJIAN_BENCH_EVENTS")); err == nil && v > 0 {
		return v
	}
	return 100000
}

// BenchmarkEventImport measures ImportEvents — every row checked against
// the hypertension metadata (types, ranges, options, cross-field rules,
// dates against birth, death and enrollment), persons, units and source
// ids looked up, year statuses recomputed, all in one transaction —
// against a plain multi-row INSERT of the same events into the same table
// in the same run. Metrics: events/s of the import, rows/s of the plain
// INSERT, and their ratio (plain time / import time ≤ 1); the same from
// the CPU time of this process (user + system, getrusage), steadier on a
// shared machine: events/cpu-s and plain/import-cpu (on SQLite the
// process does all the work; on PostgreSQL the server's CPU is not in
// it). On PostgreSQL also the same rows by COPY, the fastest way in:
// copy-rows/s and copy/import; and, with the local server of
// scripts/pg.sh (PG_TEST_DIR), the server's CPU time of each:
// events/server-cpu-s, events/total-cpu-s (client + server),
// plain-rows/server-cpu-s, copy-rows/server-cpu-s. Run with -benchtime 3x (each op imports
// the whole file into emptied tables).
func BenchmarkEventImport(b *testing.B) {
	n := benchEvents()
	now := time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC)
	cat, err := programme.LoadBuiltin()
	if err != nil {
		b.Fatal(err)
	}
	cat.SetToday(func() period.Date { return period.DateOf(now) })
	opt := sqltest.Options{Now: func() time.Time { return now }, Rules: rules.New(cat)}
	for _, db := range []string{"sqlite", "postgres"} {
		b.Run(db, func(b *testing.B) {
			var s *sqlstore.Store
			if db == "sqlite" {
				s = sqltest.SQLite(b, opt)
			} else {
				s = sqltest.Postgres(b, opt)
			}
			file, plain := benchCounty(b, s, n)
			var imp, raw, copied, impCPU, rawCPU, impSrv, rawSrv, copySrv time.Duration
			for b.Loop() {
				b.StopTimer()
				if err := s.ClearEvents(ctx); err != nil {
					b.Fatal(err)
				}
				rows := append([]weijian.EventRow(nil), file...)
				b.StartTimer()
				srv, _ := serverCPU()
				start, cpu := time.Now(), processCPU()
				rep, err := s.ImportEvents(ctx, all, weijian.Actor{Name: "bench"}, rows, weijian.ResidentImportOptions{})
				imp += time.Since(start)
				impCPU += processCPU() - cpu
				impSrv += sinceServer(srv)
				if err != nil || rep.Inserted != n {
					b.Fatalf("%+v %v", rep, err)
				}
				b.StopTimer()
				if err := s.ClearEvents(ctx); err != nil {
					b.Fatal(err)
				}
				srv, _ = serverCPU()
				start, cpu = time.Now(), processCPU()
				if err := s.PlainInsertEvents(ctx, plain); err != nil {
					b.Fatal(err)
				}
				raw += time.Since(start)
				rawCPU += processCPU() - cpu
				rawSrv += sinceServer(srv)
				if db == "postgres" {
					if err := s.ClearEvents(ctx); err != nil {
						b.Fatal(err)
					}
					srv, _ = serverCPU()
					start = time.Now()
					if err := s.PlainCopyEvents(ctx, plain); err != nil {
						b.Fatal(err)
					}
					copied += time.Since(start)
					copySrv += sinceServer(srv)
				}
				b.StartTimer()
			}
			if db == "postgres" {
				b.ReportMetric(float64(n*b.N)/copied.Seconds(), "copy-rows/s")
				b.ReportMetric(copied.Seconds()/imp.Seconds(), "copy/import")
				if _, ok := serverCPU(); ok {
					b.ReportMetric(float64(n*b.N)/impSrv.Seconds(), "events/server-cpu-s")
					b.ReportMetric(float64(n*b.N)/(impSrv+impCPU).Seconds(), "events/total-cpu-s")
					b.ReportMetric(float64(n*b.N)/rawSrv.Seconds(), "plain-rows/server-cpu-s")
					b.ReportMetric(float64(n*b.N)/copySrv.Seconds(), "copy-rows/server-cpu-s")
				}
			}
			b.ReportMetric(float64(n*b.N)/imp.Seconds(), "events/s")
			b.ReportMetric(float64(n*b.N)/raw.Seconds(), "plain-rows/s")
			b.ReportMetric(raw.Seconds()/imp.Seconds(), "plain/import")
			b.ReportMetric(float64(n*b.N)/impCPU.Seconds(), "events/cpu-s")
			b.ReportMetric(rawCPU.Seconds()/impCPU.Seconds(), "plain/import-cpu")
		})
	}
}

// serverCPU is the CPU time the test PostgreSQL server has used so far
// (user + system of the postmaster, its live children and the children
// it has reaped), when the server is the one scripts/pg.sh started on
// this machine (PG_TEST_DIR); ok is false otherwise.
func serverCPU() (d time.Duration, ok bool) {
	dir := os.Getenv("PG_TEST_DIR")
	if dir == "" {
		return 0, false
	}
	pidFile, err := os.ReadFile(filepath.Join(dir, "data", "postmaster.pid"))
	if err != nil {
		return 0, false
	}
	master, _, _ := strings.Cut(string(pidFile), "\n")
	procs, err := os.ReadDir("/proc")
	if err != nil {
		return 0, false
	}
	var ticks int64
	for _, p := range procs {
		stat, err := os.ReadFile(filepath.Join("/proc", p.Name(), "stat"))
		if err != nil {
			continue
		}
		i := strings.LastIndexByte(string(stat), ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(stat)[i+1:]) // f[1] = ppid, f[11:15] = utime stime cutime cstime
		if len(f) < 15 || p.Name() != master && f[1] != master {
			continue
		}
		last := 13
		if p.Name() == master {
			last = 15
		}
		for _, v := range f[11:last] {
			n, _ := strconv.ParseInt(v, 10, 64)
			ticks += n
		}
	}
	return time.Duration(ticks) * 10 * time.Millisecond, true // USER_HZ is 100 on Linux
}

// sinceServer is the server's CPU time since before (0 without a local
// test server).
func sinceServer(before time.Duration) time.Duration {
	d, ok := serverCPU()
	if !ok {
		return 0
	}
	return d - before
}

// processCPU is the CPU time this process has used (user + system).
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchCounty registers persons in one village (a 10th of n, 10 events
// each, enrolled in hypertension) and returns n follow-up rows, and the
// same events ready to be stored as they are.
func benchCounty(b *testing.B, s *sqlstore.Store, n int) ([]weijian.EventRow, []*weijian.Event) {
	units := []weijian.OrgUnitRow{{Code: "320000000000", Name: "江苏省", Level: "province"},
		{Code: "320600000000", Name: "南通市", Level: "city", ParentCode: "320000000000"},
		{Code: "320685000000", Name: "海安市", Level: "county", ParentCode: "320600000000"},
		{Code: "320685100000", Name: "海安镇", Level: "town", ParentCode: "320685000000"},
		{Code: "320685100001", Name: "中坝社区居委会", Level: "village", ParentCode: "320685100000"}}
	if _, err := s.ImportOrgUnits(ctx, all, units, weijian.ImportOptions{ValidFrom: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	persons := max(n/10, 1)
	hs := make([]weijian.History, persons)
	docs := make([]string, persons)
	for i := range persons {
		birth := time.Date(1940+i%30, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)
		id, err := ident.GenerateIDNumber("320685", period.DateOf(birth), (i/420)*2+1) // dates repeat every 420
		if err != nil {
			b.Fatal(err)
		}
		docs[i] = id.String()
		p := &weijian.Person{DocType: weijian.DocIDCard, DocNumber: id.String(), DocChecked: true, Name: "测试" + strconv.Itoa(i),
			Sex: 1, BirthDate: birth, VillageCode: "320685100001"}
		hs[i] = weijian.History{Person: p, Enrollments: []*weijian.Enrollment{{Programme: "hypertension",
			EnrolledOn: time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC), OrgCode: "320685100000", Values: map[string]any{"diagnosis_date": "2014-12-01"}}}}
	}
	if err := s.LoadResidents(ctx, hs); err != nil {
		b.Fatal(err)
	}
	town, path, err := s.UnitRef(ctx, "320685100000")
	if err != nil {
		b.Fatal(err)
	}
	rows := make([]weijian.EventRow, n)
	plain := make([]*weijian.Event, n)
	for i := range rows {
		d := time.Date(2021+i%5, time.Month(1+3*(i/persons%4)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
		sbp, dbp := 120+rng.IntN(40), 70+rng.IntN(15)
		vals := map[string]any{"method": "1", "sbp": sbp, "dbp": dbp, "drug_compliance": "1", "followup_class": "1"}
		rows[i] = weijian.EventRow{Line: i + 2, DocNumber: docs[i%persons], Event: weijian.Event{Programme: "hypertension",
			Stage: "followup", Date: d, OrgCode: "320685100000", SourceID: fmt.Sprintf("B%d", i), Values: vals}}
		plain[i] = &weijian.Event{County: "320685", ID: int64(i + 1), PersonID: hs[i%persons].Person.ID, Programme: "hypertension",
			Stage: "followup", Date: d, OrgUnitID: town, OrgPath: path, Values: vals, SourceID: fmt.Sprintf("B%d", i), Version: 1,
			CreatedAt: time.Now(), UpdatedAt: time.Now()}
	}
	return rows, plain
}

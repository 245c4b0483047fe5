package sqlstore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/ident"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/programme"
	"github.com/weijian-health/weijian/internal/rules"
)

// benchStores opens a fresh store per database for the speed tests (run
// with WEIJIAN_BENCH=1; PostgreSQL when WEIJIAN_TEST_POSTGRES is set).
func benchStores(t *testing.T, now time.Time, r weijian.ProgrammeRules) map[string]*Store {
	out := map[string]*Store{}
	open := func(name, dsn string) {
		s, err := Open(context.Background(), dsn, Options{Now: func() time.Time { return now }, Rules: r})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		out[name] = s
	}
	open("sqlite", t.TempDir()+"/bench.db")
	if dsn := os.Getenv("WEIJIAN_BENCH_POSTGRES"); dsn != "" {
		open("postgres", dsn) // an empty database
	}
	return out
}

// TestBulkEventImportSpeed measures ImportEvents — every row checked
// against the hypertension metadata, persons and source ids looked up,
// year statuses recomputed — against a plain multi-row INSERT of the same
// rows into the same table, in the same run. Run it with WEIJIAN_BENCH=1
// (WEIJIAN_BENCH_EVENTS sets the count, default 100,000).
func TestBulkEventImportSpeed(t *testing.T) {
	if os.Getenv("WEIJIAN_BENCH") != "1" {
		t.Skip("set WEIJIAN_BENCH=1")
	}
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("WEIJIAN_BENCH_EVENTS")); err == nil {
		n = v
	}
	now := time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC)
	cat, err := programme.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	cat.SetToday(func() period.Date { return period.DateOf(now) })
	ctx := context.Background()
	for name, s := range benchStores(t, now, rules.New(cat)) {
		rows, plain := benchCounty(t, s, n)
		start := time.Now()
		rep, err := s.ImportEvents(ctx, weijian.ScopeAll(), weijian.Actor{Name: "bench"}, rows, weijian.ResidentImportOptions{})
		if err != nil || rep.Inserted != n {
			t.Fatalf("%s: %+v %v", name, rep, err)
		}
		imp := time.Since(start)
		if _, err := s.exec(ctx, "DELETE FROM person_year"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.exec(ctx, "DELETE FROM service_event"); err != nil {
			t.Fatal(err)
		}
		start = time.Now()
		if err := s.inTx(ctx, func(tx *Tx) error { return tx.insertMany(ctx, "service_event", eventInsertCols, plain) }); err != nil {
			t.Fatal(err)
		}
		raw := time.Since(start)
		t.Logf("%s: %d events: import with validation %.2fs = %.0f events/s; plain multi-row INSERT %.2fs = %.0f rows/s; ratio %.2f",
			name, n, imp.Seconds(), float64(n)/imp.Seconds(), raw.Seconds(), float64(n)/raw.Seconds(), imp.Seconds()/raw.Seconds())
	}
}

// benchCounty registers persons in one village (a 10th of n, 10 events
// each, enrolled in hypertension) and returns n follow-up rows, and the
// same events as plain rows for service_event.
func benchCounty(t *testing.T, s *Store, n int) ([]weijian.EventRow, [][]any) {
	ctx := context.Background()
	units := []weijian.OrgUnitRow{{Code: "320000000000", Name: "江苏省", Level: "province"},
		{Code: "320600000000", Name: "南通市", Level: "city", ParentCode: "320000000000"},
		{Code: "320685000000", Name: "海安市", Level: "county", ParentCode: "320600000000"},
		{Code: "320685100000", Name: "海安镇", Level: "town", ParentCode: "320685000000"},
		{Code: "320685100001", Name: "中坝社区居委会", Level: "village", ParentCode: "320685100000"}}
	if _, err := s.ImportOrgUnits(ctx, weijian.ScopeAll(), units, weijian.ImportOptions{ValidFrom: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	persons := n / 10
	var hs []weijian.History
	var docs []string
	for i := range persons {
		birth := time.Date(1940+i%30, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)
		id, err := ident.GenerateIDNumber("320685", period.DateOf(birth), (i/420)*2+1) // dates repeat every 420
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, id.String())
		p := &weijian.Person{DocType: weijian.DocIDCard, DocNumber: id.String(), DocChecked: true, Name: "测试" + strconv.Itoa(i),
			Sex: 1, BirthDate: birth, VillageCode: "320685100001"}
		hs = append(hs, weijian.History{Person: p, Enrollments: []*weijian.Enrollment{{Programme: "hypertension",
			EnrolledOn: time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC), OrgCode: "320685100000", Values: map[string]any{"diagnosis_date": "2014-12-01"}}}})
	}
	if err := s.LoadResidents(ctx, hs); err != nil {
		t.Fatal(err)
	}
	var path string
	s.queryRow(ctx, "SELECT path FROM org_unit WHERE code = '320685100000'").Scan(&path)
	var town int64
	s.queryRow(ctx, "SELECT id FROM org_unit WHERE code = '320685100000'").Scan(&town)
	rows := make([]weijian.EventRow, n)
	plain := make([][]any, n)
	for i := range rows {
		d := time.Date(2021+i%5, time.Month(1+3*(i/persons%4)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
		sbp, dbp := 120+rng.IntN(40), 70+rng.IntN(15)
		vals := map[string]any{"method": "1", "sbp": sbp, "dbp": dbp, "drug_compliance": "1", "followup_class": "1"}
		rows[i] = weijian.EventRow{Line: i + 2, DocNumber: docs[i%persons], Event: weijian.Event{Programme: "hypertension",
			Stage: "followup", Date: d, OrgCode: "320685100000", SourceID: fmt.Sprintf("B%d", i), Values: vals}}
		e := &weijian.Event{County: "320685", ID: int64(i + 1), PersonID: hs[i%persons].Person.ID, Programme: "hypertension",
			Stage: "followup", Date: d, OrgUnitID: town, OrgPath: path, Values: vals, SourceID: fmt.Sprintf("B%d", i), Version: 1,
			CreatedAt: time.Now(), UpdatedAt: time.Now()}
		plain[i] = s.eventRow(e)
	}
	return rows, plain
}

// TestResidentQuerySpeed measures person search, the person page and
// work lists on a demo database (WEIJIAN_BENCH_DB, e.g. the file of
// `weijian demo --no-serve`): p50 and p99 over random residents.
func TestResidentQuerySpeed(t *testing.T) {
	dsn := os.Getenv("WEIJIAN_BENCH_DB")
	if dsn == "" {
		t.Skip("set WEIJIAN_BENCH_DB to a demo database")
	}
	ctx := context.Background()
	s, err := Open(ctx, dsn, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var ids []int64
	rows, err := s.query(ctx, "SELECT id FROM person ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	var county, town string
	s.queryRow(ctx, "SELECT path FROM org_unit WHERE code = '320685000000'").Scan(&county)
	s.queryRow(ctx, "SELECT path FROM org_unit WHERE code = '320685100000'").Scan(&town)
	sc := weijian.ScopeOf(county)
	rng := rand.New(rand.NewPCG(3, 4))
	measure := func(what string, k int, fn func() error) {
		var d []time.Duration
		for range k {
			start := time.Now()
			if err := fn(); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			d = append(d, time.Since(start))
		}
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		t.Logf("%s (n=%d): p50 %.1f ms, p99 %.1f ms", what, k, ms(d[len(d)/2]), ms(d[len(d)*99/100]))
	}
	pick := func() *weijian.Person {
		p, err := s.Person(ctx, sc, ids[rng.IntN(len(ids))])
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Logf("%d residents", len(ids))
	measure("search by ID number", 100, func() error {
		_, _, err := s.SearchPersons(ctx, sc, weijian.PersonFilter{Query: pick().DocNumber})
		return err
	})
	measure("search by name", 100, func() error {
		_, _, err := s.SearchPersons(ctx, sc, weijian.PersonFilter{Query: pick().Name, WithTotal: true})
		return err
	})
	measure("search by pinyin initials", 50, func() error {
		_, _, err := s.SearchPersons(ctx, sc, weijian.PersonFilter{Query: Initials(pick().Name), WithTotal: true})
		return err
	})
	measure("person page (person, timeline, year statuses)", 100, func() error {
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
	}{{"township 海安镇", weijian.ScopeOf(town)}, {"county", sc}} {
		for _, l := range []string{"hypertension_quarter", "elderly_year"} {
			measure("work list "+l+", "+u.name, 10, func() error {
				_, _, err := s.WorkList(ctx, u.sc, weijian.WorkFilter{List: l, Limit: 50})
				return err
			})
		}
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

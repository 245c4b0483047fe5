package sqlstore_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/sqlstore"
)

// bulkHistories are two residents of village1 with an enrollment and an
// event each.
func bulkHistories(t *testing.T) []weijian.History {
	var hs []weijian.History
	for i, name := range []string{"王一", "李二"} {
		p := &weijian.Person{DocType: weijian.DocIDCard, DocNumber: idNumber(t, "1950-03-0"+string(rune('1'+i)), 11+2*i),
			DocChecked: true, Name: name, Sex: 1, BirthDate: time.Date(1950, 3, 1+i, 0, 0, 0, 0, time.UTC), VillageCode: village1}
		hs = append(hs, weijian.History{Person: p,
			Enrollments: []*weijian.Enrollment{{Programme: "hypertension", EnrolledOn: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), OrgCode: town1}},
			Events: []*weijian.Event{{Programme: "hypertension", Stage: "followup", Date: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC),
				OrgCode: town1, Values: map[string]any{"sbp": 130.0, "dbp": 80.0}}}})
	}
	return hs
}

func indexesOf(t *testing.T, s *sqlstore.Store) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, tbl := range []string{"person", "enrollment", "service_event", "person_year"} {
		names, err := s.Indexes(ctx, tbl)
		if err != nil {
			t.Fatal(err)
		}
		out[tbl] = names
	}
	return out
}

// A bulk load drops the secondary indexes of the resident tables except
// <table>_id (and on SQLite the two it fills row by row), loads, and builds them all again at its end; the residents
// are then found through them as after a plain load.
func TestBulkLoadRebuildsIndexes(t *testing.T) {
	residentStore(t, func(t *testing.T, s *sqlstore.Store) {
		before := indexesOf(t, s)
		if !slices.Contains(before["person"], "person_name") || !slices.Contains(before["service_event"], "service_event_stage") {
			t.Fatalf("indexes before: %v", before)
		}
		end, err := s.BeginBulkLoad(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		during := indexesOf(t, s)
		want := map[string][]string{"person": {"person_id"}, "enrollment": {"enrollment_id"}, "service_event": {"service_event_id"}, "person_year": nil}
		if s.Dialect() == "sqlite" {
			// Kept and filled row by row (sqliteLiveIndexes).
			want["service_event"] = []string{"service_event_id", "service_event_person"}
			want["person_year"] = []string{"person_year_flags"}
		}
		for tbl, w := range want {
			if !slices.Equal(during[tbl], w) {
				t.Errorf("%s during the load: %v, want %v", tbl, during[tbl], w)
			}
		}
		if _, err := s.BeginBulkLoad(ctx, nil); err == nil || !strings.Contains(err.Error(), "already") {
			t.Errorf("a second bulk load: %v, want refused", err)
		}
		if err := s.ClearResidents(ctx, "320685"); err != nil {
			t.Fatal(err)
		}
		if err := s.LoadResidents(ctx, bulkHistories(t)); err != nil {
			t.Fatal(err)
		}
		if err := end(ctx); err != nil {
			t.Fatal(err)
		}
		if after := indexesOf(t, s); !mapsEqual(after, before) {
			t.Errorf("indexes after: %v, want %v", after, before)
		}
		if s.Dialect() == "postgres" {
			// The planner's statistics are refreshed at the end: the
			// loaded tables have rows in pg_stats (written by ANALYZE).
			var n int
			if err := s.DB().QueryRowContext(ctx, `SELECT count(DISTINCT tablename) FROM pg_stats
				WHERE schemaname = current_schema() AND tablename IN ('person', 'enrollment', 'service_event', 'person_year')`).Scan(&n); err != nil || n != 4 {
				t.Errorf("tables with statistics after the load: %d %v, want 4", n, err)
			}
		}
		ps, _, err := s.SearchPersons(ctx, all, weijian.PersonFilter{Query: "李二"})
		if err != nil || len(ps) != 1 || ps[0].BirthDate.Day() != 2 {
			t.Fatalf("search 李二: %v %v", ps, err)
		}
		// County with Village: the same residents as Village alone.
		for _, f := range []weijian.PersonFilter{{Village: village1}, {Village: village1, County: "320685"}} {
			ps, _, err := s.SearchPersons(ctx, all, f)
			if err != nil || len(ps) != 2 || ps[0].Name != "李二" || ps[1].Name != "王一" {
				t.Fatalf("%+v: %v %v", f, ps, err)
			}
		}
		if ps, _, err := s.SearchPersons(ctx, all, weijian.PersonFilter{Village: village1, County: "320621"}); err != nil || len(ps) != 0 {
			t.Fatalf("another county: %v %v", ps, err)
		}
		years, err := s.PersonYears(ctx, all, ps[0].ID)
		if err != nil || len(years) != 2 {
			t.Fatalf("year statuses of %s: %+v %v", ps[0].Name, years, err)
		}
	})
}

// A bulk load that never ends (the process killed) leaves its indexes
// listed; opening the database builds them again.
func TestBulkLoadKilledIndexesRestored(t *testing.T) {
	residentStore(t, func(t *testing.T, s *sqlstore.Store) {
		before := indexesOf(t, s)
		if _, err := s.BeginBulkLoad(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.LoadResidents(ctx, bulkHistories(t)); err != nil {
			t.Fatal(err)
		}
		if err := s.AbandonBulkLoad(ctx); err != nil {
			t.Fatal(err)
		}
		if after := indexesOf(t, s); !mapsEqual(after, before) {
			t.Errorf("indexes after reopening: %v, want %v", after, before)
		}
		if end, err := s.BeginBulkLoad(ctx, nil); err != nil {
			t.Fatalf("a new bulk load after the killed one: %v", err)
		} else if err := end(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

func mapsEqual(a, b map[string][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

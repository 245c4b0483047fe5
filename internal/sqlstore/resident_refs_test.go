package sqlstore_test

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/sqlstore"
)

// A service event names an existing person and unit, and a person or unit
// an event names can be neither deleted nor given another key — whether
// the database checks it with foreign keys (SQLite, Citus) or with the
// statement triggers of migration 0016 (plain PostgreSQL). The writes
// here bypass the store's own checks (raw SQL), so only the database
// stands in the way.
func TestEventReferencesEnforced(t *testing.T) {
	residentStore(t, func(t *testing.T, s *sqlstore.Store) {
		p := register(t, s, "钱七", "1956-03-03", 41, village1)
		served := unitID(t, s, village2) // a leaf unit no resident lives in
		e := &weijian.Event{PersonID: p.ID, Programme: "hypertension", Stage: "followup", Date: day("2024-03-01"),
			OrgUnitID: served, Values: map[string]any{"sbp": 132, "dbp": 84}}
		if err := s.RecordEvent(ctx, all, tester, e); err != nil {
			t.Fatal(err)
		}
		db := s.DB()
		run := func(q string) error {
			_, err := db.ExecContext(ctx, q)
			return err
		}
		exec := func(format string, args ...any) error { return run(fmt.Sprintf(format, args...)) }
		count := func(q string, args ...any) int {
			var n int
			if err := db.QueryRowContext(ctx, fmt.Sprintf(q, args...)).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		refused := func(what string, err error, constraint string) {
			t.Helper()
			if !fkViolation(err, constraint) {
				t.Errorf("%s: %v, want refused by %s", what, err, constraint)
			}
		}
		row := func(id, person, unit int64) string {
			return fmt.Sprintf(`('320685', %d, %d, 'hypertension', 'followup', '2024-05-01', %d, '/x/', '{}', false, '', NULL, 1, NULL,
				'2024-06-15 10:00:00', '2024-06-15 10:00:00')`, id, person, unit)
		}
		insert := `INSERT INTO service_event (county_code, id, person_id, programme, stage, event_date, org_unit_id, org_path,
			vals, voided, void_reason, source_id, version, created_by, created_at, updated_at) VALUES `
		before := count("SELECT count(*) FROM service_event")
		refused("an event of no person", run(insert+row(900001, 987654321, served)), "service_event_person_fk")
		refused("an event at no unit", run(insert+row(900002, p.ID, 987654321)), "service_event_org_fk")
		// One bad row among good ones: the statement stores nothing.
		refused("three events, the second of no person",
			run(insert+row(900003, p.ID, served)+", "+row(900004, 987654321, served)+", "+row(900005, p.ID, served)),
			"service_event_person_fk")
		if n := count("SELECT count(*) FROM service_event"); n != before {
			t.Errorf("events after refused inserts: %d, want %d", n, before)
		}
		if err := run(insert + row(900006, p.ID, served) + ", " + row(900007, p.ID, served)); err != nil {
			t.Fatalf("two good events: %v", err)
		}
		refused("an event moved to no person", exec("UPDATE service_event SET person_id = 987654321 WHERE id = 900006"),
			"service_event_person_fk")
		refused("an event moved to no unit", exec("UPDATE service_event SET org_unit_id = 987654321 WHERE id = 900006"),
			"service_event_org_fk")

		// The parent side. The person's other rows (year statuses) and the
		// unit's (versions, population) go first, so that only the events
		// hold them.
		for _, q := range []string{"DELETE FROM person_year WHERE person_id = %d", "DELETE FROM enrollment WHERE person_id = %d"} {
			if err := exec(q, p.ID); err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range []string{"DELETE FROM org_unit_version WHERE org_unit_id = %d", "DELETE FROM population WHERE org_unit_id = %d"} {
			if err := exec(q, served); err != nil {
				t.Fatal(err)
			}
		}
		refused("deleting a person with events", exec("DELETE FROM person WHERE id = %d", p.ID), "service_event_person_fk")
		refused("a new id for a person with events", exec("UPDATE person SET id = 987654320 WHERE id = %d", p.ID), "service_event_person_fk")
		refused("deleting a unit that served events", exec("DELETE FROM org_unit WHERE id = %d", served), "service_event_org_fk")
		refused("a new id for a unit that served events", exec("UPDATE org_unit SET id = 987654320 WHERE id = %d", served), "service_event_org_fk")
		if n := count("SELECT count(*) FROM person WHERE id = %d", p.ID) + count("SELECT count(*) FROM org_unit WHERE id = %d", served); n != 2 {
			t.Errorf("person and unit after refused deletes: %d rows, want 2", n)
		}
		// Without the events, both go.
		for _, q := range []string{"DELETE FROM event_version WHERE event_id IN (SELECT id FROM service_event WHERE person_id = %d)",
			"DELETE FROM service_event WHERE person_id = %d", "DELETE FROM person WHERE id = %d"} {
			if err := exec(q, p.ID); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		if err := exec("DELETE FROM org_unit WHERE id = %d", served); err != nil {
			t.Errorf("deleting a unit without events: %v", err)
		}
	})
}

// Two transactions at once cannot leave an event without its person,
// whichever writes first: the second waits for the first, then is
// refused. On PostgreSQL the references are checked without locking each
// person (migration 0016) — a person's delete locks service_event instead;
// on SQLite the second writer waits for the database's write lock.
func TestEventReferencesConcurrent(t *testing.T) {
	residentStore(t, func(t *testing.T, s *sqlstore.Store) {
		db := s.DB()
		served := unitID(t, s, village2)
		insert := func(tx *sql.Tx, id, person int64) error {
			_, err := tx.ExecContext(ctx, fmt.Sprintf(`INSERT INTO service_event (county_code, id, person_id, programme, stage,
				event_date, org_unit_id, org_path, vals, voided, void_reason, source_id, version, created_by, created_at, updated_at)
				VALUES ('320685', %d, %d, 'hypertension', 'followup', '2024-05-01', %d, '/x/', '{}', false, '', NULL, 1, NULL,
				'2024-06-15 10:00:00', '2024-06-15 10:00:00')`, id, person, served))
			return err
		}
		// A person with no other rows (year statuses, enrollments), so
		// that only events can hold it.
		bare := func(name string, seq int) int64 {
			p := register(t, s, name, "1957-04-04", seq, village1)
			if _, err := db.ExecContext(ctx, fmt.Sprintf("DELETE FROM person_year WHERE person_id = %d", p.ID)); err != nil {
				t.Fatal(err)
			}
			return p.ID
		}
		deleteAsync := func(person int64) <-chan error {
			done := make(chan error, 1)
			go func() {
				_, err := db.ExecContext(ctx, fmt.Sprintf("DELETE FROM person WHERE id = %d", person))
				done <- err
			}()
			return done
		}
		waiting := func(done <-chan error) bool {
			select {
			case err := <-done:
				t.Errorf("delete finished while an insert was open: %v", err)
				return false
			case <-time.After(300 * time.Millisecond):
				return true
			}
		}

		// Insert first: the delete waits for the inserting transaction,
		// then sees its event and is refused.
		a := bare("孙八", 43)
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := insert(tx, 910001, a); err != nil {
			t.Fatal(err)
		}
		done := deleteAsync(a)
		if waiting(done) {
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			if err := <-done; !fkViolation(err, "service_event_person_fk") {
				t.Errorf("delete of a person an open insert named: %v, want refused after the insert committed", err)
			}
		} else {
			tx.Rollback()
		}

		// Delete first: the insert waits for the deleting transaction,
		// then does not find the person.
		b := bare("周九", 45)
		del, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := del.ExecContext(ctx, fmt.Sprintf("DELETE FROM person WHERE id = %d", b)); err != nil {
			t.Fatal(err)
		}
		ins := make(chan error, 1)
		go func() {
			tx, err := db.BeginTx(ctx, nil)
			if err == nil {
				if err = insert(tx, 910002, b); err == nil {
					err = tx.Commit()
				} else {
					tx.Rollback()
				}
			}
			ins <- err
		}()
		if waiting(ins) {
			if err := del.Commit(); err != nil {
				t.Fatal(err)
			}
			if err := <-ins; !fkViolation(err, "service_event_person_fk") {
				t.Errorf("insert for a person being deleted: %v, want refused after the delete committed", err)
			}
		} else {
			del.Rollback()
		}
		var orphans int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM service_event e
			WHERE NOT EXISTS (SELECT 1 FROM person p WHERE p.county_code = e.county_code AND p.id = e.person_id)`).Scan(&orphans); err != nil {
			t.Fatal(err)
		}
		if orphans != 0 {
			t.Errorf("%d events without their person", orphans)
		}
	})
}

// fkViolation tells whether err is a foreign-key violation: on PostgreSQL
// SQLSTATE 23503 of the named constraint, on SQLite (which names none)
// any.
func fkViolation(err error, constraint string) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23503" && pe.ConstraintName == constraint
	}
	return err != nil && strings.Contains(err.Error(), "FOREIGN KEY constraint failed")
}

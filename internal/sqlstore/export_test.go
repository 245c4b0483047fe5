package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/weijian-health/weijian"
)

// PlanAfterCatalogFails plans rows against the stored tree the way
// ImportOrgUnits does, except that the database calls made after the
// catalog is loaded (those made while planning) fail: their context is
// cancelled in between.
func (s *Store) PlanAfterCatalogFails(ctx context.Context, rows []weijian.OrgUnitRow) error {
	return s.inTx(ctx, func(tx *Tx) error {
		catCtx, cancel := context.WithCancel(ctx)
		cat, err := s.catalog(catCtx, tx, rows)
		cancel()
		if err != nil {
			return err
		}
		_, err = weijian.PlanOrgUnitImport(rows, cat, weijian.ScopeAll(), today(s.now()))
		return err
	})
}

// PlainInsertEvents stores the events with multi-row INSERT statements
// (as many rows a statement as the parameters allow) and nothing else: no
// checks, no look-ups, no year statuses (the baseline of
// BenchmarkEventImport, on both databases).
func (s *Store) PlainInsertEvents(ctx context.Context, evs []*weijian.Event) error {
	rows := s.plainEventRows(evs)
	return s.inTx(ctx, func(tx *Tx) error { return valuesInsert(ctx, tx, "service_event", eventInsertCols, rows) })
}

// PlainCopyEvents is PlainInsertEvents with the dialect's bulk insert:
// COPY on PostgreSQL (the same multi-row INSERTs on SQLite).
func (s *Store) PlainCopyEvents(ctx context.Context, evs []*weijian.Event) error {
	rows := s.plainEventRows(evs)
	return s.inTx(ctx, func(tx *Tx) error { return tx.insertMany(ctx, "service_event", eventInsertCols, rows) })
}

func (s *Store) plainEventRows(evs []*weijian.Event) [][]any {
	rows := make([][]any, len(evs))
	for i, e := range evs {
		rows[i] = s.eventRow(e)
	}
	return rows
}

// ClearEvents deletes every service event and year status. On PostgreSQL
// it truncates the tables: a DELETE leaves every row dead in the tables
// and their indexes until a vacuum, so that the next round's inserts (the
// same source ids) and deletes visit them again — rounds of a benchmark
// would not start from the same empty tables.
func (s *Store) ClearEvents(ctx context.Context) error {
	if s.d.name == "postgres" {
		_, err := s.exec(ctx, "TRUNCATE person_year, event_version, service_event")
		return err
	}
	for _, t := range []string{"person_year", "event_version", "service_event"} {
		if _, err := s.exec(ctx, "DELETE FROM "+t); err != nil {
			return err
		}
	}
	return nil
}

// UnitRef returns the id and path of a current unit.
func (s *Store) UnitRef(ctx context.Context, code string) (int64, string, error) {
	var id int64
	var path string
	err := s.queryRow(ctx, "SELECT id, path FROM org_unit WHERE code = ? AND valid_to IS NULL", code).Scan(&id, &path)
	return id, path, err
}

// WorkListPlan returns the database's plan of a work list's page query
// (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL), one line a step.
func (s *Store) WorkListPlan(ctx context.Context, sc weijian.Scope, f weijian.WorkFilter) (string, error) {
	list, ok := weijian.LookupWorkList(f.List)
	if !ok {
		return "", weijian.Invalid(weijian.T("未知的随访提醒类别", "unknown work list"))
	}
	if f.AsOf.IsZero() {
		f.AsOf = s.today()
	}
	w, err := s.workSQL(ctx, sc, f, workQueryOf(list, f.AsOf))
	if err != nil {
		return "", err
	}
	explain, col := "EXPLAIN ", 0
	if s.d.name == "sqlite" {
		explain, col = "EXPLAIN QUERY PLAN ", 3
	}
	rows, err := s.query(ctx, explain+w.page, append(w.args, 50, 0)...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		vals := make([]any, col+1)
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return "", err
		}
		out = append(out, fmt.Sprint(vals[col]))
	}
	return strings.Join(out, "\n"), rows.Err()
}

// AbandonBulkLoad forgets the running bulk load without ending it, as a
// killed process would, and then runs what Open runs after migrating.
func (s *Store) AbandonBulkLoad(ctx context.Context) error {
	s.bulkMu.Lock()
	conn := s.bulk
	s.bulk = nil
	s.bulkMu.Unlock()
	if err := s.bulkSettings(ctx, conn, false); err != nil {
		return err
	}
	if err := conn.Close(); err != nil {
		return err
	}
	return s.restoreIndexesAtOpen(ctx)
}

// Indexes lists the names of the indexes of table that Weijian's
// migrations created (not those of primary keys and unique constraints).
func (s *Store) Indexes(ctx context.Context, table string) ([]string, error) {
	q := "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name = ? ORDER BY name"
	if s.d.name == "postgres" {
		q = `SELECT indexname FROM pg_indexes i WHERE schemaname = current_schema() AND tablename = ?
			AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) ORDER BY indexname`
	}
	rows, err := s.query(ctx, q, table)
	return collect(rows, err, func(sc rowScanner) (string, error) {
		var n string
		return n, sc.Scan(&n)
	})
}

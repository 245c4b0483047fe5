package sqlstore

import (
	"context"

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

// PlainInsertEvents stores the events with one multi-row INSERT path and
// nothing else: no checks, no look-ups, no year statuses (the baseline of
// BenchmarkEventImport).
func (s *Store) PlainInsertEvents(ctx context.Context, evs []*weijian.Event) error {
	rows := make([][]any, len(evs))
	for i, e := range evs {
		rows[i] = s.eventRow(e)
	}
	return s.inTx(ctx, func(tx *Tx) error { return tx.insertMany(ctx, "service_event", eventInsertCols, rows) })
}

// ClearEvents deletes every service event and year status.
func (s *Store) ClearEvents(ctx context.Context) error {
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

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

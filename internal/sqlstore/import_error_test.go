package sqlstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

// A database error while planning an import (here: reading the children
// of a unit the file closes) is returned as that error, not turned into a
// made-up child and a validation message about it.
func TestImportPlanningDatabaseError(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		importFile(t, s, "jiangsu_nantong_haian_320685_2021.csv")
		rows := csvRows(t, "code,name,level,parent_code,valid_to\n320685100000,海安镇,town,320685000000,2024-06-30\n")
		err := s.PlanAfterCatalogFails(ctx, rows)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("planning with a failing database: err = %v, want the database's error (context canceled)", err)
		}
		if weijian.ErrorKind(err) == weijian.KindInvalid {
			t.Errorf("a database error reported as invalid input: %v (issues %+v)", err, weijian.ErrorIssues(err))
		}
	})
}

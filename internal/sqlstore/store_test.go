package sqlstore_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/ingest"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
	"github.com/weijian-health/weijian/internal/tabular"
)

var ctx = context.Background()

var all = weijian.ScopeAll()

// readRows reads an org-unit file from testdata.
func readRows(t *testing.T, name string) []weijian.OrgUnitRow {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tb, err := tabular.Read(name, f)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := ingest.OrgUnits(tb)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func importFile(t *testing.T, s *sqlstore.Store, name string) weijian.ImportSummary {
	t.Helper()
	sum, err := s.ImportOrgUnits(ctx, all, readRows(t, name), weijian.ImportOptions{
		ValidFrom: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), Actor: "test"})
	if err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	return sum
}

func TestImportHaian(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		sum := importFile(t, s, "jiangsu_nantong_haian_320685_2021.csv")
		if sum.Inserted != 253 || sum.Rows != 253 {
			t.Fatalf("summary = %+v, want 253 inserted", sum)
		}
		kids, err := s.Children(ctx, all, "320685000000")
		if err != nil {
			t.Fatal(err)
		}
		if len(kids) != 11 {
			t.Errorf("海安市 has %d towns, want 11", len(kids))
		}
		sub, err := s.Subtree(ctx, all, "320685000000", false)
		if err != nil {
			t.Fatal(err)
		}
		if len(sub) != 1+11+239 {
			t.Errorf("subtree has %d units, want 251", len(sub))
		}
		again := importFile(t, s, "jiangsu_nantong_haian_320685_2021.csv")
		if again.Unchanged != 253 || again.Inserted != 0 {
			t.Errorf("re-import summary = %+v, want all unchanged", again)
		}
	})
}

package sqlstore_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

// Two imports at once: one moves a town from its county to directly under
// the city (as in 中山市, which has no counties), the other adds
// villages under that town. Whichever runs first, the second starts while
// the first is inside its transaction (from the first one's progress
// callback); the tree must come out consistent: every unit's path and
// depth follow from its parent's, and the villages lie under the town
// where it now is.
func TestConcurrentImportsKeepTreeConsistent(t *testing.T) {
	base := haianHead
	move := "code,name,level,parent_code\n320685100000,海安镇,town,320600000000\n"
	var adds strings.Builder
	adds.WriteString("code,name,level,parent_code\n")
	for i := range 50 {
		fmt.Fprintf(&adds, "320685100%03d,村%d,village,320685100000\n", 201+i, i)
	}
	for _, moveFirst := range []bool{false, true} {
		t.Run(fmt.Sprintf("moveFirst=%v", moveFirst), func(t *testing.T) {
			sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
				if _, err := s.ImportOrgUnits(ctx, all, csvRows(t, base), weijian.ImportOptions{}); err != nil {
					t.Fatal(err)
				}
				first, second := csvRows(t, adds.String()), csvRows(t, move)
				if moveFirst {
					first, second = second, first
				}
				secondDone := make(chan error, 1)
				started := false
				progress := func(done, total int) {
					if started {
						return
					}
					started = true
					go func() {
						_, err := s.ImportOrgUnits(ctx, all, second, weijian.ImportOptions{})
						secondDone <- err
					}()
					// Give the second import time to commit if nothing
					// makes it wait for the first.
					select {
					case err := <-secondDone:
						secondDone <- err
					case <-time.After(300 * time.Millisecond):
					}
				}
				if _, err := s.ImportOrgUnits(ctx, all, first, weijian.ImportOptions{Progress: progress}); err != nil {
					t.Fatalf("first import: %v", err)
				}
				if err := <-secondDone; err != nil {
					t.Fatalf("second import: %v", err)
				}
				checkTree(t, s)
				town, _ := s.OrgUnit(ctx, all, "320685100000")
				city, _ := s.OrgUnit(ctx, all, "320600000000")
				v, _ := s.OrgUnit(ctx, all, "320685100207")
				if town.ParentID != city.ID || v == nil || v.ParentID != town.ID || !strings.HasPrefix(v.Path, town.Path) {
					t.Errorf("town %+v, village %+v: want the village under the town under 南通市 %s", town, v, city.Path)
				}
			})
		})
	}
}

// checkTree fails the test unless every unit's path and depth follow
// from its parent's.
func checkTree(t *testing.T, s *sqlstore.Store) {
	t.Helper()
	us, _, err := s.SearchOrgUnits(ctx, all, weijian.OrgUnitFilter{IncludeClosed: true, Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]*weijian.OrgUnit{}
	for _, u := range us {
		byID[u.ID] = u
	}
	for _, u := range us {
		want, depth := weijian.PathOf("", u.ID), 1
		if p := byID[u.ParentID]; p != nil {
			want, depth = weijian.PathOf(p.Path, u.ID), p.Depth+1
		}
		if u.Path != want || u.Depth != depth {
			t.Errorf("%s: path %s depth %d, want %s depth %d (from its parent)", u.Code, u.Path, u.Depth, want, depth)
		}
	}
}

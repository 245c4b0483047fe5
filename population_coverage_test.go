package weijian

import (
	"testing"
	"time"
)

// Leaves closed before the year are not expected; one closed during the
// year is expected only when it has figures; a town with no village in
// force is itself a leaf.
func TestCoverageOfClosedAreas(t *testing.T) {
	closed := func(y int) time.Time { return time.Date(y, 6, 30, 0, 0, 0, 0, time.UTC) }
	areas := []Area{
		{ID: 1, Path: "/1/", Level: LevelCounty},
		{ID: 2, ParentID: 1, Path: "/1/2/", Level: LevelTown},
		{ID: 3, ParentID: 2, Path: "/1/2/3/", Level: LevelVillage},
		{ID: 4, ParentID: 2, Path: "/1/2/4/", Level: LevelVillage, ValidTo: closed(2020)}, // gone before 2024
		{ID: 5, ParentID: 2, Path: "/1/2/5/", Level: LevelVillage, ValidTo: closed(2024)}, // closed during 2024
		{ID: 6, ParentID: 1, Path: "/1/6/", Level: LevelTown},
		{ID: 7, ParentID: 6, Path: "/1/6/7/", Level: LevelVillage, ValidTo: closed(2019)},
	}
	cases := []struct {
		name    string
		holders []string
		want    Coverage
	}{
		{"none", nil, Coverage{0, 2, ""}},
		{"village 3", []string{"/1/2/3/"}, Coverage{1, 2, ""}},
		{"closed village 5 has figures", []string{"/1/2/5/"}, Coverage{1, 3, ""}},
		{"town 6 (no village left) and village 3", []string{"/1/6/", "/1/2/3/"}, Coverage{2, 2, ""}},
		{"county own", []string{"/1/"}, Coverage{2, 2, ""}},
	}
	for _, c := range cases {
		if got := CoverageOf("/1/", 2024, areas, c.holders); got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
	if got := CoverageOf("/1/2/", 2024, areas, []string{"/1/2/3/"}); got != (Coverage{1, 1, LevelVillage}) {
		t.Errorf("town 2: %+v, want 1/1 village", got)
	}
}

package demo

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/auth"
	"github.com/weijian-health/weijian/internal/ident"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

const testPassword = "Haian-Demo-2026"

// Generate on a real database (SQLite, and PostgreSQL when the test server
// is there): the tree, the census exactly as published, read back through
// the store's own roll-up; valid credit codes; the users; and a second run
// that refuses to touch the finished county.
func TestGenerate(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, st *sqlstore.Store) {
		ctx := context.Background()
		var steps []Progress
		sum, err := Generate(ctx, st, Options{Through: 2022, Password: testPassword,
			Progress: func(p Progress) { steps = append(steps, p) }})
		if err != nil {
			t.Fatal(err)
		}
		if len(steps) == 0 || steps[len(steps)-1].Done != steps[len(steps)-1].Total {
			t.Errorf("progress: %+v", steps)
		}
		checkTree(t, st)
		checkCensus(t, st)
		checkYears(t, st, sum)
		checkFacilities(t, st)
		checkUsers(t, st, sum)
		checkSignals(t, st, sum)

		_, err = Generate(ctx, st, Options{Through: 2022})
		if !errors.Is(err, ErrExists) || weijian.ErrorKind(err) != weijian.KindConflict {
			t.Errorf("second Generate: %v, want a conflict wrapping ErrExists", err)
		}
		if ok, err := Present(ctx, st, "320685"); !ok || err != nil {
			t.Errorf("Present = %v, %v", ok, err)
		}
	})
}

func checkTree(t *testing.T, st Store) {
	t.Helper()
	ctx := context.Background()
	for level, want := range map[string]int{weijian.LevelTown: 11, weijian.LevelVillage: 239} {
		_, n, err := st.SearchOrgUnits(ctx, weijian.ScopeAll(), weijian.OrgUnitFilter{Under: "320685000000", Level: level, Limit: 1})
		if err != nil || n != want {
			t.Errorf("%s under 320685: %d (%v), want %d", level, n, err, want)
		}
	}
}

func checkCensus(t *testing.T, st Store) {
	t.Helper()
	p, err := st.Population(context.Background(), weijian.ScopeAll(), weijian.PopulationQuery{UnitCode: "320685000000", Year: 2020})
	if err != nil {
		t.Fatal(err)
	}
	if p.Total != 874334 || p.Male != 434264 || p.Female != 440070 || p.Source != "below" {
		t.Errorf("2020: total %d male %d female %d (%s), want 874334 434264 440070 from below", p.Total, p.Male, p.Female, p.Source)
	}
	old, err := st.Population(context.Background(), weijian.ScopeAll(), weijian.PopulationQuery{UnitCode: "320685000000", Year: 2020,
		Bands: []weijian.AgeBand{{From: 65, To: weijian.AgeOpen}}})
	if err != nil || pct(old.Cells[0].Count+old.Cells[1].Count, p.Total) < 24.83 || pct(old.Cells[0].Count+old.Cells[1].Count, p.Total) > 24.85 {
		t.Errorf("65+ in 2020: %+v (%v), want 24.84%%", old, err)
	}
}

// checkYears compares every stored year with the generator's own figures,
// and one village's stored rows with the rows built in memory.
func checkYears(t *testing.T, st Store, sum Summary) {
	t.Helper()
	ctx := context.Background()
	years, err := st.PopulationYears(ctx, weijian.ScopeAll(), "320685000000")
	if err != nil || !slices.Equal(years, []int{2022, 2021, 2020}) {
		t.Errorf("years %v (%v)", years, err)
	}
	for _, y := range sum.Years {
		p, err := st.Population(ctx, weijian.ScopeAll(), weijian.PopulationQuery{UnitCode: "320685000000", Year: y.Year})
		if err != nil || p.Total != y.Total || p.Male != y.Male {
			t.Errorf("%d: stored %+v (%v), generated %+v", y.Year, p, err, y)
		}
	}
	b := buildCounty(t, "320685", 2022, DefaultSeed)
	village := b.units[100].Code
	p, err := st.Population(ctx, weijian.ScopeAll(), weijian.PopulationQuery{UnitCode: village, Year: 2021})
	if err != nil {
		t.Fatal(err)
	}
	want := map[weijian.PopulationCell]bool{}
	for _, r := range b.populationRows(1) {
		if r.UnitCode == village {
			want[weijian.PopulationCell{Sex: r.Sex, Age: r.Age, Count: r.Count}] = true
		}
	}
	if len(p.Cells) != len(want) {
		t.Fatalf("village %s: %d cells stored, %d built", village, len(p.Cells), len(want))
	}
	for _, c := range p.Cells {
		if !want[c] {
			t.Errorf("village %s: stored cell %+v was not built", village, c)
		}
	}
}

func checkFacilities(t *testing.T, st Store) {
	t.Helper()
	units, err := st.Subtree(context.Background(), weijian.ScopeAll(), "320685000000", false)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, u := range units {
		if !u.IsFacility() {
			continue
		}
		n++
		if _, err := ident.ParseCreditCode(u.USCC); err != nil {
			t.Errorf("%s %s: %v", u.Name, u.USCC, err)
		}
	}
	if n != 253 {
		t.Errorf("%d facilities, want 253", n)
	}
}

func checkUsers(t *testing.T, st Store, sum Summary) {
	t.Helper()
	if len(sum.Users) != len(weijian.Roles) {
		t.Errorf("%d users, want one per role (%d)", len(sum.Users), len(weijian.Roles))
	}
	for _, c := range sum.Users {
		u, err := st.UserByName(context.Background(), c.Username)
		if err != nil {
			t.Fatal(err)
		}
		if ok, _ := auth.VerifyPassword(u.PasswordHash, testPassword); !ok || c.Password != testPassword {
			t.Errorf("%s: the password does not verify", c.Username)
		}
		if len(u.Grants) != 1 || u.Grants[0].Role != c.Role || u.Grants[0].OrgUnitCode != c.UnitCode {
			t.Errorf("%s: grants %+v, want %s at %s", c.Username, u.Grants, c.Role, c.UnitCode)
		}
	}
}

// An interrupted generation (the tree stored, no users yet) is completed,
// not refused: every step is an idempotent import.
func TestGenerateCompletesInterrupted(t *testing.T) {
	st := sqltest.SQLite(t, sqltest.Options{})
	ctx := context.Background()
	b := buildCounty(t, "340272", 2020, DefaultSeed)
	rows := append(append([]weijian.OrgUnitRow(nil), b.areas...), b.facilities...)
	if _, err := st.ImportOrgUnits(ctx, weijian.ScopeAll(), rows, weijian.ImportOptions{ValidFrom: validFrom}); err != nil {
		t.Fatal(err)
	}
	if ok, _ := Present(ctx, st, "340272"); ok {
		t.Fatal("a county without users counts as present")
	}
	sum, err := Generate(ctx, st, Options{County: "340272", Through: 2021})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range sum.Users {
		if u.Password == "" || auth.CheckPolicy(u.Password, u.Username) != nil {
			t.Errorf("%s: random password %q breaks the policy", u.Username, u.Password)
		}
	}
	p, err := st.Population(ctx, weijian.ScopeAll(), weijian.PopulationQuery{UnitCode: "340272000000", Year: 2020})
	if err != nil || p.Total != 110000 {
		t.Errorf("三山 2020: %+v %v", p, err)
	}
}

func TestGenerateRejectsBadOptions(t *testing.T) {
	st := sqltest.SQLite(t, sqltest.Options{})
	ctx := context.Background()
	for _, opt := range []Options{{Password: "short"}, {Password: "admin-Admin-1"}, {County: "110101"}, {Through: 2019}, {Scale: -0.5}, {Scale: MaxScale + 1}} {
		if _, err := Generate(ctx, st, opt); weijian.ErrorKind(err) != weijian.KindInvalid {
			t.Errorf("%+v: %v, want invalid", opt, err)
		}
	}
	if _, err := st.OrgUnit(ctx, weijian.ScopeAll(), "320685000000"); weijian.ErrorKind(err) != weijian.KindNotFound {
		t.Errorf("a rejected Generate wrote the county: %v", err)
	}
}

package sqlstore_test

import (
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

func dv(unit, period, element, combo, value string) weijian.DataValue {
	return weijian.DataValue{DataSet: "jiankang", Element: element, UnitCode: unit, Period: period, Combo: combo, Value: value}
}

const (
	town     = "320685100000"
	villageA = "320685100201"
	villageB = "320685100202"
)

func valueMap(t *testing.T, s *sqlstore.Store, sc weijian.Scope) map[string]string {
	t.Helper()
	vals, err := s.DataValues(ctx, sc, weijian.DataValueFilter{DataSet: "jiankang"})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, v := range vals {
		out[v.UnitCode+"/"+v.Period+"/"+v.Element+"/"+v.Combo] = v.Value
	}
	return out
}

func TestDataValuesSaveIdempotentAllOrNothing(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		if _, err := s.ImportOrgUnits(ctx, all, csvRows(t, villages), weijian.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		batch := []weijian.DataValue{
			dv(town, "2024-01", "lectures", "", "3"),
			dv(town, "2024-01", "participants", "sex=F;age=65+", "41"),
			dv(villageA, "2024-01", "lectures", "", "1"),
		}
		sum, err := s.SaveDataValues(ctx, all, "alice", batch)
		if err != nil || sum.Inserted != 3 {
			t.Fatalf("first save: %+v %v", sum, err)
		}
		sum, err = s.SaveDataValues(ctx, all, "alice", batch)
		if err != nil || sum.Unchanged != 3 || sum.Inserted+sum.Updated+sum.Closed != 0 {
			t.Fatalf("re-sent batch: %+v %v, want 3 unchanged", sum, err)
		}
		// One bad value rejects the whole batch: the good one is not stored.
		_, err = s.SaveDataValues(ctx, all, "alice", []weijian.DataValue{
			dv(town, "2024-02", "lectures", "", "5"),
			dv("999", "2024-02", "lectures", "", "1"),
			dv(town, "2024-02", "lectures", "", "6"),
		})
		e, ok := err.(*weijian.Error)
		if !ok || e.Kind != weijian.KindInvalid || len(e.Issues) != 2 ||
			e.Issues[0].Row != 2 || e.Issues[0].Rule != "unit" || e.Issues[1].Row != 3 || e.Issues[1].Rule != "duplicate" {
			t.Fatalf("bad batch: %v %+v", err, e)
		}
		got := valueMap(t, s, all)
		if len(got) != 3 || got[town+"/2024-01/lectures/"] != "3" || got[town+"/2024-01/participants/sex=F;age=65+"] != "41" {
			t.Fatalf("stored after rejected batch: %v", got)
		}
		// Update, then delete; the history keeps both changes.
		if sum, err := s.SaveDataValues(ctx, all, "bob", []weijian.DataValue{dv(town, "2024-01", "lectures", "", "4")}); err != nil || sum.Updated != 1 {
			t.Fatalf("update: %+v %v", sum, err)
		}
		if sum, err := s.SaveDataValues(ctx, all, "bob", []weijian.DataValue{dv(town, "2024-01", "lectures", "", "")}); err != nil || sum.Closed != 1 {
			t.Fatalf("delete: %+v %v", sum, err)
		}
		hist, err := s.DataValueHistory(ctx, all, "jiankang", town, "2024-01")
		if err != nil {
			t.Fatal(err)
		}
		var lect []string
		for _, h := range hist {
			if h.Element == "lectures" {
				lect = append(lect, h.Old+">"+h.New+"@"+h.By)
			}
		}
		if want := []string{">3@alice", "3>4@bob", "4>@bob"}; len(lect) != 3 || lect[0] != want[0] || lect[1] != want[1] || lect[2] != want[2] {
			t.Errorf("history %v, want %v", lect, want)
		}
		if _, ok := valueMap(t, s, all)[town+"/2024-01/lectures/"]; ok {
			t.Error("deleted value still stored")
		}
	})
}

func TestDataValuesScope(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		if _, err := s.ImportOrgUnits(ctx, all, csvRows(t, villages), weijian.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		a, err := s.OrgUnit(ctx, all, villageA)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SaveDataValues(ctx, all, "admin", []weijian.DataValue{
			dv(villageA, "2024-01", "lectures", "", "1"), dv(villageB, "2024-01", "lectures", "", "2"),
		}); err != nil {
			t.Fatal(err)
		}
		sc := weijian.ScopeOf(a.Path)
		_, err = s.SaveDataValues(ctx, sc, "a-user", []weijian.DataValue{dv(villageB, "2024-01", "lectures", "", "9")})
		if e, ok := err.(*weijian.Error); !ok || len(e.Issues) != 1 || e.Issues[0].Rule != "scope" {
			t.Fatalf("write outside scope: %v", err)
		}
		got := valueMap(t, s, sc)
		if len(got) != 1 || got[villageA+"/2024-01/lectures/"] != "1" {
			t.Errorf("scoped read %v, want only 甲村's value", got)
		}
		if err := s.SetCompletion(ctx, sc, "a-user", weijian.Completion{DataSet: "jiankang", UnitCode: villageB, Period: "2024-01"}); weijian.ErrorKind(err) != weijian.KindNotFound {
			t.Errorf("completion outside scope: %v", err)
		}
		if hist, err := s.DataValueHistory(ctx, sc, "jiankang", villageB, "2024-01"); err != nil || len(hist) != 0 {
			t.Errorf("history outside scope: %v %v", hist, err)
		}
	})
}

func TestCompletionAndZeroReport(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		if _, err := s.ImportOrgUnits(ctx, all, csvRows(t, villages), weijian.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SaveDataValues(ctx, all, "admin", []weijian.DataValue{dv(villageA, "2024-01", "lectures", "", "1")}); err != nil {
			t.Fatal(err)
		}
		zero := weijian.Completion{DataSet: "jiankang", UnitCode: villageA, Period: "2024-01", ZeroReport: true}
		if err := s.SetCompletion(ctx, all, "admin", zero); weijian.ErrorKind(err) != weijian.KindConflict {
			t.Errorf("zero report over stored values: %v, want conflict", err)
		}
		zero.UnitCode = villageB
		if err := s.SetCompletion(ctx, all, "admin", zero); err != nil {
			t.Fatal(err)
		}
		if err := s.SetCompletion(ctx, all, "admin", weijian.Completion{DataSet: "jiankang", UnitCode: villageA, Period: "2024-01"}); err != nil {
			t.Fatal(err)
		}
		cs, err := s.Completions(ctx, all, "jiankang", []string{"2024-01"})
		if err != nil || len(cs) != 2 || cs[0].UnitCode != villageA || cs[0].ZeroReport || !cs[1].ZeroReport || cs[1].CompletedBy != "admin" {
			t.Fatalf("completions %+v %v", cs, err)
		}
		// A value reported later turns the zero report into an ordinary one.
		if _, err := s.SaveDataValues(ctx, all, "admin", []weijian.DataValue{dv(villageB, "2024-01", "lectures", "", "2")}); err != nil {
			t.Fatal(err)
		}
		cs, _ = s.Completions(ctx, all, "jiankang", nil)
		if len(cs) != 2 || cs[1].ZeroReport {
			t.Errorf("after a value: %+v, want 乙村 complete, no longer a zero report", cs)
		}
		if err := s.DeleteCompletion(ctx, all, "admin", "jiankang", villageA, "2024-01"); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteCompletion(ctx, all, "admin", "jiankang", villageA, "2024-01"); weijian.ErrorKind(err) != weijian.KindNotFound {
			t.Errorf("second reopen: %v", err)
		}
		us, err := s.ReportingUnits(ctx, all, []string{"village"}, nil)
		if err != nil || len(us) != 2 || us[0].Code != villageA {
			t.Errorf("reporting villages %v %v", us, err)
		}
	})
}

func TestImportCompletions(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		if _, err := s.ImportOrgUnits(ctx, all, csvRows(t, villages), weijian.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2024, 2, 3, 1, 0, 0, 0, time.UTC)
		cs := []weijian.Completion{
			{DataSet: "aiguo", UnitCode: villageA, Period: "2024-01", CompletedBy: "demo", CompletedAt: at},
			{DataSet: "aiguo", UnitCode: villageB, Period: "2024-01", ZeroReport: true, CompletedBy: "demo", CompletedAt: at},
		}
		if err := s.ImportCompletions(ctx, all, append(cs, weijian.Completion{DataSet: "aiguo", UnitCode: "9", Period: "2024-01"})); weijian.ErrorKind(err) != weijian.KindInvalid {
			t.Fatalf("unknown unit: %v", err)
		}
		if got, _ := s.Completions(ctx, all, "aiguo", nil); len(got) != 0 {
			t.Fatalf("stored after a rejected batch: %v", got)
		}
		for range 2 { // twice: replaced, not duplicated
			if err := s.ImportCompletions(ctx, all, cs); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.Completions(ctx, all, "aiguo", nil)
		if err != nil || len(got) != 2 || !got[0].CompletedAt.Equal(at) || !got[1].ZeroReport {
			t.Errorf("completions %+v %v", got, err)
		}
	})
}

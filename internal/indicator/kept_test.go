package indicator_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/expr"
	"github.com/weijian-health/weijian/internal/ident"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
)

// The kept rule counts (sqlstore rulecount.go) follow every write: the
// engine, reading them warm, agrees with the baseline counted from the raw
// rows on every built-in indicator × every unit × 2024, a month, a quarter,
// a span to date and two spans that start and end inside months — after the first read, and again after each of:
// an event recorded, edited (moved to another month, values changed) and
// voided; a person moved to another village; two persons merged; events
// imported; an enrollment. Hand-checked figures along the way show the
// writes did change what is compared.
func TestKeptCountsFollowWrites(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		loadPopulation(t, f)
		ps := loadHypertension(t, f)
		infants := f.load(t, person{village: vilA1, sex: 1, born: "2024-01-05", events: []event{dose("2024-01-05", "HepB", 1)}},
			person{village: vilB1, sex: 2, born: "2024-03-05", events: []event{dose("2024-03-05", "HepB", 1), dose("2024-03-06", "BCG", 1)}})
		doc, err := ident.GenerateIDNumber("320685", period.NewDate(2024, 2, 1), 11)
		if err != nil {
			t.Fatal(err)
		}
		incomer := f.load(t, person{village: vilB1, sex: 1, born: "2024-02-01"})[0]
		if err := f.st.UpdatePerson(ctx, all, tester, withDoc(t, f, incomer.ID, doc.String())); err != nil {
			t.Fatal(err)
		}
		march, _ := period.New(period.Month, 2024, 3)
		q2, _ := period.New(period.Quarter, 2024, 2)
		spans := []period.Span{year(2024), march.Span(), q2.Span(), period.YearToDate(period.NewDate(2024, 10, 15)),
			{Start: period.NewDate(2024, 2, 10), End: period.NewDate(2024, 11, 20)}, {Start: period.NewDate(2024, 3, 2), End: period.NewDate(2024, 3, 25)}}
		var cells []indicator.Cell
		for _, d := range f.lib.All() {
			for _, u := range []string{county, townA, townB, vilA1, vilA2, vilB1} {
				for _, span := range spans {
					cells = append(cells, indicator.Cell{Indicator: d.Code, OrgUnit: u, Span: span})
				}
			}
		}
		agree := func(step string) {
			t.Helper()
			got, err := f.eng.EvalMany(ctx, all, cells)
			if err != nil {
				t.Fatalf("%s: %v", step, err)
			}
			base, err := indicator.NewBaselineEngine(f.lib, f.st, f.src).EvalMany(ctx, all, cells)
			if err != nil {
				t.Fatalf("%s: %v", step, err)
			}
			bad := 0
			for i, c := range cells {
				g, b := got[i], base[i]
				if g.NoData || b.NoData {
					continue
				}
				if g.Numerator != b.Numerator || g.Denominator != b.Denominator || g.Value != b.Value {
					if bad++; bad <= 5 {
						t.Errorf("%s: %s at %s %s: engine %v/%v, baseline %v/%v", step, c.Indicator, c.OrgUnit, c.Span,
							g.Numerator, g.Denominator, b.Numerator, b.Denominator)
					}
				}
			}
			if bad > 5 {
				t.Errorf("%s: %d cells differ in all", step, bad)
			}
		}
		managed := func(unit string) float64 { return f.eval(t, "htn_managed", unit, year(2024)).Value }
		agree("first read")
		if n := keptRows(t, f); n == 0 {
			t.Fatal("nothing kept after the first read")
		}

		vil := func(code string) int64 {
			u, err := f.st.OrgUnit(ctx, all, code)
			if err != nil {
				t.Fatal(err)
			}
			return u.ID
		}
		doses := func(unit string, month int) float64 {
			m, _ := period.New(period.Month, 2024, month)
			return f.eval(t, "vacc_doses", unit, m.Span()).Value
		}

		// The infant of 甲村 gets BCG in December…
		e := &weijian.Event{PersonID: infants[0].ID, Programme: "vaccination", Stage: "dose", Date: day("2024-12-01"),
			OrgUnitID: vil(vilA1), Values: map[string]any{"vaccine": "BCG", "dose": 1, "site": "1", "batch": "B1"}}
		if err := f.st.RecordEvent(ctx, all, tester, e); err != nil {
			t.Fatal(err)
		}
		agree("event recorded")
		if n := doses(vilA1, 12); n != 1 {
			t.Errorf("甲村 doses in December after the record = %v, want 1", n)
		}

		// …moved to March, then voided.
		e, err = f.st.Event(ctx, all, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		e.Date = day("2024-03-20")
		if err := f.st.EditEvent(ctx, all, tester, e); err != nil {
			t.Fatal(err)
		}
		agree("event edited")
		if a, b := doses(vilA1, 12), doses(vilA1, 3); a != 0 || b != 1 {
			t.Errorf("甲村 doses after the edit: December %v, March %v; want 0, 1", a, b)
		}
		if err := f.st.VoidEvent(ctx, all, tester, e.ID, "entered twice"); err != nil {
			t.Fatal(err)
		}
		agree("event voided")
		if n := doses(vilA1, 3); n != 0 {
			t.Errorf("甲村 doses in March after the void = %v, want 0", n)
		}

		// P1 and the infant of 丙村 move: P1 甲村 → 丙村, the infant
		// 丙村 → 甲村; every count of theirs moves with them.
		for _, m := range []struct {
			id  int64
			vil string
		}{{ps[0].ID, vilB1}, {infants[1].ID, vilA1}} {
			p, err := f.st.Person(ctx, all, m.id)
			if err != nil {
				t.Fatal(err)
			}
			p.VillageID, p.VillageCode = 0, m.vil
			if err := f.st.UpdatePerson(ctx, all, tester, p); err != nil {
				t.Fatal(err)
			}
		}
		agree("persons moved")
		if a, b := managed(vilA1), managed(vilB1); a != 1 || b != 2 {
			t.Errorf("managed after the move: 甲村 %v, 丙村 %v; want 1, 2", a, b)
		}
		if a, b := doses(vilA1, 3), doses(vilB1, 3); a != 2 || b != 0 {
			t.Errorf("March doses after the move: 甲村 %v, 丙村 %v; want 2, 0", a, b)
		}

		// P4 (丙村) is found to be P3 (乙村): P3 keeps both histories.
		if err := f.st.MergePersons(ctx, all, tester, ps[2].ID, ps[3].ID); err != nil {
			t.Fatal(err)
		}
		agree("persons merged")
		if a, b := managed(vilA2), managed(vilB1); a != 1 || b != 1 {
			t.Errorf("managed after the merge: 乙村 %v, 丙村 %v; want 1, 1", a, b)
		}

		// Two doses of the incomer (丙村) imported.
		row := func(line int, date, vaccine string) weijian.EventRow {
			return weijian.EventRow{Line: line, DocType: weijian.DocIDCard, DocNumber: doc.String(), Event: weijian.Event{
				Programme: "vaccination", Stage: "dose", Date: day(date), OrgCode: vilB1,
				Values: map[string]any{"vaccine": vaccine, "dose": 1, "site": "1", "batch": "B1"}}}
		}
		if rep, err := f.st.ImportEvents(ctx, all, tester, []weijian.EventRow{row(2, "2024-03-05", "HepB"), row(3, "2024-03-06", "BCG")},
			weijian.ResidentImportOptions{}); err != nil || rep.Inserted != 2 {
			t.Fatalf("import: %+v %v", rep, err)
		}
		agree("events imported")
		if n := doses(vilB1, 3); n != 2 {
			t.Errorf("丙村 doses in March after the import = %v, want 2", n)
		}

		// P1 (74, now in 丙村) enrolled in the elderly programme.
		if err := f.st.Enroll(ctx, all, tester, &weijian.Enrollment{PersonID: ps[0].ID, Programme: "elderly",
			EnrolledOn: day("2024-02-01"), OrgUnitID: vil(vilB1), Values: map[string]any{}}); err != nil {
			t.Fatal(err)
		}
		agree("enrolled")
		// The kept persons("elderly", true) of 2024 (read by the
		// engine to tell 0 from no records) is P1's new status row.
		var n int
		if err := f.st.DB().QueryRowContext(ctx, `SELECT coalesce(sum(c.n), 0) FROM rule_count c JOIN rule_mark m
			ON m.county_code = c.county_code AND m.rule_key = c.rule_key AND m.year = c.year
			WHERE m.function = 'persons' AND m.programme = 'elderly' AND m.rule = 'true' AND c.year = 2024`).Scan(&n); err != nil || n != 1 {
			t.Errorf("kept persons(\"elderly\", true) after the enrollment = %d (%v), want 1", n, err)
		}
	})
}

var tester = weijian.Actor{Name: "test"}

// withDoc is a stored person given an ID-card number.
func withDoc(t *testing.T, f *fixture, id int64, doc string) *weijian.Person {
	t.Helper()
	p, err := f.st.Person(ctx, all, id)
	if err != nil {
		t.Fatal(err)
	}
	p.DocType, p.DocNumber = weijian.DocIDCard, doc
	return p
}

// keptRows counts the rows of rule_count.
func keptRows(t *testing.T, f *fixture) int {
	t.Helper()
	var n int
	if err := f.st.DB().QueryRowContext(ctx, "SELECT count(*) FROM rule_count").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A rule counted for the first time while events are being recorded is
// never left behind by them (sqlstore lockRules): two writers record 30
// doses each while 20 new rules — each a new registration and count —
// are read; afterwards each rule's kept count of every village equals the
// live count.
func TestKeptCountsUnderConcurrentWrites(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		infants := f.load(t, person{village: vilA1, sex: 1, born: "2024-01-05", events: []event{dose("2024-01-05", "HepB", 1)}},
			person{village: vilB1, sex: 2, born: "2024-01-06", events: []event{dose("2024-01-06", "HepB", 1)}})
		units := map[int64]int64{}
		for _, p := range infants {
			got, err := f.st.Person(ctx, all, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			units[p.ID] = got.VillageID
		}
		rule := func(k int) indicator.RowQuery {
			n, err := expr.Parse(fmt.Sprintf("dose >= 1 or dose = %d", 100+k))
			if err != nil {
				t.Fatal(err)
			}
			return indicator.RowQuery{Function: "events", Programme: "vaccination", Stage: "dose", Counties: []string{"320685"},
				From: period.NewDate(2024, 1, 1), To: period.NewDate(2024, 12, 31), Rule: n,
				Fields: map[string]indicator.FieldKind{"dose": indicator.FieldNumber}, ByMonth: true}
		}
		var wg sync.WaitGroup
		errs := make(chan error, 100)
		for _, p := range infants {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 30 {
					e := &weijian.Event{PersonID: p.ID, Programme: "vaccination", Stage: "dose",
						Date: time.Date(2024, time.Month(2+i%10), 1+i%27, 0, 0, 0, 0, time.UTC), OrgUnitID: units[p.ID],
						Values: map[string]any{"vaccine": "BCG", "dose": 1, "site": "1", "batch": "B1"}}
					if err := f.st.RecordEvent(ctx, all, tester, e); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		for k := range 20 {
			if _, err := f.st.CountRows(ctx, rule(k)); err != nil {
				t.Fatal(err)
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		for k := range 20 {
			kept, err := f.st.CountRows(ctx, rule(k))
			if err != nil {
				t.Fatal(err)
			}
			byVillage := map[string]int64{}
			for _, pc := range kept {
				byVillage[pc.Path] += pc.N
			}
			for _, code := range []string{vilA1, vilB1} {
				u, err := f.st.OrgUnit(ctx, all, code)
				if err != nil {
					t.Fatal(err)
				}
				q := rule(k)
				q.ByMonth = false
				live, err := f.st.CountRowsUnder(ctx, q, u.Path)
				if err != nil {
					t.Fatal(err)
				}
				if live != 31 || byVillage[u.Path] != live {
					t.Errorf("rule %d at %s: kept %d, live %d, want 31", k, code, byVillage[u.Path], live)
				}
			}
		}
	})
}

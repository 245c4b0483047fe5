package surveil_test

import (
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/ident"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/surveil"
)

// A card whose ID number is a resident's of the same county is linked to
// the resident when stored; a card stored before the resident registered
// is linked by the daily run; a card with another number is not; the
// resident's cards are listed by ListReports within the caller's scope.
func TestCardLinksResident(t *testing.T) {
	setup(t, func(t *testing.T, e *env) {
		all := weijian.ScopeAll()
		idOf := func(seq int) string {
			id, err := ident.GenerateIDNumber("320685", period.NewDate(1980, 3, 4), seq)
			if err != nil {
				t.Fatal(err)
			}
			return id.String()
		}
		p := &weijian.Person{DocType: weijian.DocIDCard, DocNumber: idOf(11), Name: "王小明", VillageCode: "320685102201",
			Phone: "13800001234", Address: "3组12号"}
		if dups, err := e.st.RegisterPerson(ctx, all, weijian.Actor{Name: "tester"}, p, false); err != nil || len(dups) > 0 {
			t.Fatalf("register: %v %v", dups, err)
		}
		hosp := mustScope(t, e, "320685000000-ZH01")
		c1 := card("hepatitis")
		c1.Subtype, c1.IDNumber = "b", p.DocNumber
		r1, _, err := e.sv.Submit(ctx, hosp, c1, "hospital")
		if err != nil {
			t.Fatal(err)
		}
		c2 := card("mumps")
		c2.IDNumber = idOf(13) // nobody registered yet
		r2, _, err := e.sv.Submit(ctx, hosp, c2, "hospital")
		if err != nil {
			t.Fatal(err)
		}
		if got := reread(t, e, r1.ID).PersonID; got != p.ID {
			t.Errorf("card with the resident's ID number: person %d, want %d", got, p.ID)
		}
		if got := reread(t, e, r2.ID).PersonID; got != 0 {
			t.Errorf("card of an unregistered number: person %d, want 0", got)
		}
		// The patient of the second card registers; the daily run links the card.
		q := &weijian.Person{DocType: weijian.DocIDCard, DocNumber: c2.IDNumber, Name: "王小明", VillageCode: "320685001201",
			Phone: "13800001235", Address: "1组1号"}
		if _, err := e.st.RegisterPerson(ctx, all, weijian.Actor{Name: "tester"}, q, false); err != nil {
			t.Fatal(err)
		}
		if _, err := e.sv.RunDay(ctx, period.NewDate(2026, 12, 7)); err != nil {
			t.Fatal(err)
		}
		if got := reread(t, e, r2.ID).PersonID; got != q.ID {
			t.Errorf("after the daily run: person %d, want %d", got, q.ID)
		}
		if n, err := e.st.LinkPersons(ctx, "320685"); err != nil || n != 0 {
			t.Errorf("second link: %d linked, %v; want 0", n, err)
		}
		// A correction keeps the link; the resident's cards list in scope only.
		r1 = reread(t, e, r1.ID)
		r1.Doctor = "李医生"
		if _, err := e.sv.Correct(ctx, hosp, r1, "hospital", "补医生"); err != nil {
			t.Fatal(err)
		}
		if got := reread(t, e, r1.ID).PersonID; got != p.ID {
			t.Errorf("after a correction: person %d, want %d", got, p.ID)
		}
		list, total, err := e.st.ListReports(ctx, all, surveil.ReportFilter{Person: p.ID, County: "320685"})
		if err != nil || total != 1 || list[0].ID != r1.ID {
			t.Fatalf("cards of the resident = %v (%d, %v), want card %d", list, total, err, r1.ID)
		}
		if _, total, err := e.st.ListReports(ctx, mustScope(t, e, "320685001000"), surveil.ReportFilter{Person: p.ID}); err != nil || total != 0 {
			t.Errorf("another town sees %d of the resident's cards (%v), want 0", total, err)
		}
	})
}

func reread(t *testing.T, e *env, id int64) *surveil.CaseReport {
	t.Helper()
	r, err := e.st.Report(ctx, weijian.ScopeAll(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// ReplaySignal dates a new signal's creation and past steps (the demo's
// history): the response time is measured from the replayed creation,
// the events carry their times, the inbox entry is read; a signal that
// already has a past is refused.
func TestReplaySignal(t *testing.T) {
	setup(t, func(t *testing.T, e *env) {
		_, sigs, err := e.sv.Submit(ctx, mustScope(t, e, "320685000000-ZH01"), card("cholera"), "hospital")
		if err != nil || len(sigs) == 0 {
			t.Fatalf("submit: %v %v", sigs, err)
		}
		created := time.Date(2026, 12, 5, 10, 0, 0, 0, surveil.China)
		steps := []surveil.SignalStep{{Action: surveil.ActRespond, Actor: "cdc", Note: "核实", At: created.Add(90 * time.Minute)},
			{Action: surveil.ActExclude, Actor: "cdc", Note: "排除", At: created.Add(5 * time.Hour)}}
		g, err := e.st.ReplaySignal(ctx, "320685", sigs[0].ID, created, steps)
		if err != nil {
			t.Fatal(err)
		}
		g, err = e.st.Signal(ctx, weijian.ScopeAll(), g.ID)
		if err != nil || g.Status != surveil.SignalExcluded || !g.CreatedAt.Equal(created) || g.ResponseTime() != 90*time.Minute || !g.RespondedInTime() {
			t.Fatalf("replayed signal: %+v (%v)", g, err)
		}
		evs, err := e.st.SignalEvents(ctx, weijian.ScopeAll(), g.ID)
		if err != nil || len(evs) != 3 || !evs[0].At.Equal(created) || !evs[2].At.Equal(steps[1].At) {
			t.Errorf("events = %+v (%v)", evs, err)
		}
		unread, err := e.st.Notifications(ctx, e.cdc.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range unread {
			if n.SignalID == g.ID {
				t.Errorf("the replayed signal is still unread in the inbox")
			}
		}
		if _, err := e.st.ReplaySignal(ctx, "320685", g.ID, created, nil); weijian.ErrorKind(err) != weijian.KindConflict {
			t.Errorf("second replay: %v, want a conflict", err)
		}
	})
}

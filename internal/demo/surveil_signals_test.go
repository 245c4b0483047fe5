package demo

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/surveil"
)

// checkSignals: the demo's signals have a plausible past — raised before
// now, most answered within the limit and some late, most excluded, the
// recent injected outbreaks open as suspected events, an older one closed
// with its field result, the last hours' signals awaiting a response.
func checkSignals(t *testing.T, st *sqlstore.Store, sum Summary) {
	t.Helper()
	sigs, total, err := st.Signals(context.Background(), weijian.ScopeAll(), surveil.SignalFilter{Limit: 10000})
	if err != nil || total != sum.Surveillance.Signals || total < 50 {
		t.Fatalf("signals: %d (%v), summary %d, want ≥ 50", total, err, sum.Surveillance.Signals)
	}
	n := map[string]int{}
	inTime, late := 0, 0
	now := time.Now()
	for _, g := range sigs {
		n[g.Status]++
		if g.CreatedAt.After(now) || !g.RespondedAt.IsZero() && (g.RespondedAt.Before(g.CreatedAt) || g.RespondedAt.After(now)) {
			t.Errorf("signal %d: created %v, responded %v (now %v)", g.ID, g.CreatedAt, g.RespondedAt, now)
		}
		if !g.RespondedAt.IsZero() {
			if g.RespondedInTime() {
				inTime++
			} else {
				late++
			}
		}
		if g.Status == surveil.SignalClosed && strings.Contains(g.Result, "OB06") {
			n["OB06 closed"]++
		}
		if g.Status == surveil.SignalSuspected && g.Item == "influenza" {
			n["OB08 open"]++
		}
	}
	if sum.Surveillance.Handled != inTime+late || n[surveil.SignalExcluded] < total/2 || n["OB06 closed"] == 0 || n["OB08 open"] == 0 ||
		n[surveil.SignalClosed] == 0 {
		t.Errorf("statuses %v; handled %d, responded %d", n, sum.Surveillance.Handled, inTime+late)
	}
	if share := float64(inTime) / float64(inTime+late); late == 0 || share < 0.75 || share > 0.97 {
		t.Errorf("responses in time: %d, late %d; want most in time, some late", inTime, late)
	}
}

// checkResidentCards: about a third of the last year's cards are of
// registered residents and link to them.
func checkResidentCards(t *testing.T, st *sqlstore.Store, sum Summary) {
	t.Helper()
	ss := sum.Surveillance
	if ss.OfResidents < ss.Cards/40 {
		t.Errorf("%d of %d cards are of residents, want about a third of the last year's", ss.OfResidents, ss.Cards)
	}
	found, _, err := st.SearchPersons(context.Background(), weijian.ScopeAll(), weijian.PersonFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	linked := 0
	for _, p := range found {
		_, n, err := st.ListReports(context.Background(), weijian.ScopeAll(), surveil.ReportFilter{Person: p.ID, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		linked += n
	}
	if linked == 0 {
		t.Errorf("no card links to any of %d residents", len(found))
	}
}

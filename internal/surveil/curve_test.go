package surveil_test

import (
	"math"
	"strings"
	"testing"

	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/surveil"
)

// The curve of a fixed-threshold disease: the card's day is counted and
// alarmed, the days before the county's first card have no threshold (and
// the note says from when), a year earlier is empty, and on the onset
// basis only counts are drawn.
func TestCurveThresholdsAndNotes(t *testing.T) {
	setup(t, func(t *testing.T, e *env) {
		if _, _, err := e.sv.Submit(ctx, mustScope(t, e, "320685000000-ZH01"), card("cholera"), "hospital"); err != nil {
			t.Fatal(err)
		}
		county := unit(t, e, "320685000000")
		area := surveil.Area{ID: county.ID, Code: county.Code, Name: county.Name}
		from, to := period.NewDate(2026, 12, 1), period.NewDate(2026, 12, 7)
		c, err := e.sv.Curve(ctx, "320685", "cholera", area, "", from, to)
		if err != nil {
			t.Fatal(err)
		}
		if c.Basis != surveil.BasisReport || len(c.Days) != 7 || c.Days[6] != to {
			t.Fatalf("curve basis %q days %v", c.Basis, c.Days)
		}
		if c.Counts[6] != 1 || c.Compared[6] != 1 || !c.Alarms[6] || math.IsNaN(c.Threshold[6]) {
			t.Errorf("7 Dec: count %v compared %v threshold %v alarm %v, want 1, 1, a threshold, an alarm",
				c.Counts[6], c.Compared[6], c.Threshold[6], c.Alarms[6])
		}
		for i := range 6 {
			if c.Counts[i] != 0 || c.Alarms[i] || !math.IsNaN(c.Threshold[i]) || c.LastYear[i] != 0 {
				t.Errorf("day %s: count %v alarm %v threshold %v last year %v, want nothing before the first card",
					c.Days[i], c.Counts[i], c.Alarms[i], c.Threshold[i], c.LastYear[i])
			}
		}
		if !strings.Contains(c.Note.ZH, "2026-12-07") {
			t.Errorf("note %q should say the thresholds start on 2026-12-07", c.Note.ZH)
		}
		onset, err := e.sv.Curve(ctx, "320685", "cholera", area, surveil.BasisOnset, from, to)
		if err != nil {
			t.Fatal(err)
		}
		if onset.Counts[5] != 1 || onset.Alarms[5] || !math.IsNaN(onset.Threshold[5]) || onset.Note.ZH == "" {
			t.Errorf("onset curve: count %v alarm %v threshold %v note %q, want the count only",
				onset.Counts[5], onset.Alarms[5], onset.Threshold[5], onset.Note.ZH)
		}
		if _, err := e.sv.Curve(ctx, "320685", "no-such", area, "", from, to); err == nil {
			t.Error("an unknown disease gave a curve")
		}
	})
}

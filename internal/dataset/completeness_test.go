package dataset

import (
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/period"
)

func TestCompleteness(t *testing.T) {
	c, _ := Builtin()
	ds := c.Get("aiguo") // monthly, due the 5th of the next month
	units := []*weijian.OrgUnit{{Code: "A", Name: "甲镇"}, {Code: "B", Name: "乙镇"}}
	var ps []period.Period
	for _, s := range []string{"2024-01", "2024-02", "2024-03"} {
		p, _ := period.Parse(s)
		ps = append(ps, p)
	}
	cst := time.FixedZone("CST", 8*3600)
	comps := []weijian.Completion{
		{UnitCode: "A", Period: "2024-01", CompletedAt: time.Date(2024, 2, 5, 23, 0, 0, 0, cst)},                  // on the due day
		{UnitCode: "B", Period: "2024-01", CompletedAt: time.Date(2024, 2, 6, 0, 30, 0, 0, cst)},                  // a day late
		{UnitCode: "A", Period: "2024-02", CompletedAt: time.Date(2024, 3, 1, 9, 0, 0, 0, cst), ZeroReport: true}, // zero report
		{UnitCode: "A", Period: "2024-03", CompletedAt: time.Date(2024, 4, 2, 9, 0, 0, 0, cst)},
	}
	// Today is 2024-04-03: March is not due until 04-05, so B's missing
	// March report is not yet expected; A's early one counts.
	now := time.Date(2024, 4, 3, 12, 0, 0, 0, cst)
	tb := ds.ComputeCompleteness(units, ps, comps, now)
	if tb.Rows[0].Cells[0].Status != StatusOnTime || tb.Rows[1].Cells[0].Status != StatusLate ||
		!tb.Rows[0].Cells[1].Zero || tb.Rows[1].Cells[1].Status != StatusMissing {
		t.Fatalf("cells %+v %+v", tb.Rows[0].Cells, tb.Rows[1].Cells)
	}
	// January: 2 of 2 reported, 1 of 2 on time. February: 1 of 2 (A's
	// zero report). March: 1 of 1 expected so far.
	want := []Ratio{{2, 2}, {1, 2}, {1, 1}}
	wantOn := []Ratio{{1, 2}, {1, 2}, {1, 1}}
	for i := range want {
		if tb.Reported[i] != want[i] || tb.OnTime[i] != wantOn[i] {
			t.Errorf("period %s: reported %v on time %v, want %v %v", tb.Periods[i], tb.Reported[i], tb.OnTime[i], want[i], wantOn[i])
		}
	}
	// Overall 4 of 5 reported = 80.00%, 3 of 5 on time = 60.00%.
	if p, _ := tb.Total.Percent(); tb.Total != (Ratio{4, 5}) || p != 80 {
		t.Errorf("total %v %v", tb.Total, p)
	}
	if p, _ := tb.TotalOn.Percent(); p != 60 {
		t.Errorf("on time %v", p)
	}
	// Row B: 1 of 2 expected, 0 on time.
	if tb.Rows[1].Reported != (Ratio{1, 2}) || tb.Rows[1].OnTime != (Ratio{0, 2}) {
		t.Errorf("row B %+v", tb.Rows[1])
	}
	if p, _ := (Ratio{2, 3}).Percent(); p != 66.67 {
		t.Errorf("2/3 = %v, want 66.67 (half up)", p)
	}
}

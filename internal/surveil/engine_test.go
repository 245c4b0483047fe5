package surveil

import (
	"testing"

	"github.com/weijian-health/weijian/internal/period"
)

// An all-zero history neither alarms nor fails; a single case after it
// alarms under the CIDARS percentile (its bound is 0) but not once a
// minimum count is asked for; too little history is a skip, not an alarm.
func TestJobAllZeroAndShortHistory(t *testing.T) {
	day := period.NewDate(2026, 12, 7)
	start := day.AddDays(-4 * 365)
	areas := []Area{{ID: 1, Code: "c", Name: "county", Path: "/1/"}}
	mpm := Item{"hfmd", Detection{Method: "cidarsMPM", Params: map[string]string{"percentile": "90"}}, BasisReport}
	counts := map[SeriesKey]map[period.Date]int{{"other", 1}: {start: 0}}
	job := &Job{County: "320685", Day: day, Areas: areas, Items: []Item{mpm}, Counts: counts, DataStart: start}
	if c, s := job.Run(); len(c) != 0 || len(s) != 0 {
		t.Fatalf("all-zero history: %v alarms, %v skips", c, s)
	}
	counts[SeriesKey{"hfmd", 1}] = map[period.Date]int{day: 1}
	if c, _ := job.Run(); len(c) != 1 || c[0].Observed != 1 || c[0].Threshold != 0 {
		t.Fatalf("one case over a zero percentile: %+v", c)
	}
	job.Items[0].Detection.MinCount = 3
	if c, _ := job.Run(); len(c) != 0 {
		t.Fatalf("min_count 3 kept %+v", c)
	}
	job.DataStart = day.AddDays(-400)
	if c, s := job.Run(); len(c) != 0 || len(s) != 1 {
		t.Fatalf("short history: %v alarms, %v skips", c, s)
	}
}

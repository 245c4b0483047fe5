package surveil

import (
	"testing"
	"time"
)

// The daily run is scheduled at the configured China time; a restart
// after that time on a day without a run catches it up (dueToday).
func TestNextRunAndCatchUp(t *testing.T) {
	sv := New(nil, nil, Config{RunAt: "06:30"}, nil, nil, nil)
	at := func(h, m int) time.Time { return time.Date(2026, 12, 7, h, m, 0, 0, China) }
	cases := []struct {
		now  time.Time
		next time.Time
		due  bool
	}{
		{at(5, 0), at(6, 30), false},
		{at(6, 30), at(6, 30).AddDate(0, 0, 1), true},
		{at(23, 59), at(6, 30).AddDate(0, 0, 1), true},
	}
	for _, c := range cases {
		if got := sv.nextRun(c.now); !got.Equal(c.next) {
			t.Errorf("nextRun(%v) = %v, want %v", c.now, got, c.next)
		}
		if got := sv.dueToday(c.now); got != c.due {
			t.Errorf("dueToday(%v) = %v, want %v", c.now, got, c.due)
		}
	}
}

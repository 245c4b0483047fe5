package detect

import (
	"errors"
	"math"
	"slices"
	"sync"
	"testing"
)

func TestFlexibleDefaults(t *testing.T) {
	c := DefaultFlexibleControl()
	if c.B != 3 || c.W != 3 || !c.Reweight || c.WeightsThreshold != 2.58 || c.Alpha != 0.05 || !c.Trend ||
		c.PThresholdTrend != 0.05 || c.Limit54 != [2]int{5, 4} || c.PowerTrans != PowerTwoThirds ||
		c.NoPeriods != 1 || c.PastWeeksNotIncluded != 3 || c.ThresholdMethod != ThresholdDelta || c.Range != nil {
		t.Errorf("DefaultFlexibleControl() = %+v", c)
	}
}

func TestFlexibleInvalidControl(t *testing.T) {
	s := repeatSeries(6*52, 3, 5, 4, 6)
	for name, mod := range map[string]func(*FlexibleControl){
		"b=0":             func(c *FlexibleControl) { c.B = 0 },
		"w<0":             func(c *FlexibleControl) { c.W = -1 },
		"alpha":           func(c *FlexibleControl) { c.Alpha = 1.5 },
		"noPeriods":       func(c *FlexibleControl) { c.NoPeriods = 0 },
		"pastWeeks":       func(c *FlexibleControl) { c.PastWeeksNotIncluded = -2 },
		"threshold":       func(c *FlexibleControl) { c.ThresholdMethod = "exact" },
		"powertrans":      func(c *FlexibleControl) { c.PowerTrans = "" },
		"limit54":         func(c *FlexibleControl) { c.Limit54 = [2]int{1, 0} },
		"weightsThr NaN":  func(c *FlexibleControl) { c.WeightsThreshold = math.NaN() },
		"too many blocks": func(c *FlexibleControl) { c.NoPeriods = 60 }, // 45 points between windows
	} {
		c := noufailyControl(len(s.Observed), ThresholdDelta)
		mod(&c)
		if _, err := FarringtonFlexible(s, c); !errors.Is(err, ErrInvalidControl) {
			t.Errorf("%s: err = %v, want ErrInvalidControl", name, err)
		}
	}
}

func TestFlexibleTooShort(t *testing.T) {
	s := repeatSeries(5*52, 3, 5, 4, 6)
	c := noufailyControl(len(s.Observed), ThresholdDelta)
	// k − b·f < 1: a reference point before the series.
	if _, err := FarringtonFlexible(s, c); !errors.Is(err, ErrTooShort) {
		t.Errorf("b = 5 on 5 years: err = %v, want ErrTooShort", err)
	}
	// k − b·f ≥ 1 but the window around it starts before the series.
	c.Range = []int{5*52 + 1}
	if _, err := FarringtonFlexible(repeatSeries(5*52+10, 3, 5), c); !errors.Is(err, ErrTooShort) {
		t.Errorf("window before the series: err = %v, want ErrTooShort", err)
	}
}

// TestFlexibleLabels checks R's blocks() on a monthly layout by hand.
func TestFlexibleLabels(t *testing.T) {
	s := Series{Observed: make([]float64, 30), Freq: 12}
	tests := []struct {
		name      string
		p, pwni   int
		from, to  int // 1-based indices shown
		want      []int
		wantError bool
	}{
		// k = 25, ref₁ = 13, w = 1: windows 12–14 and 24–25 are level p; the
		// 9 points 15–23 split into p − 1 blocks of 3; then 23–25 (k − 2 … k)
		// are excluded (0).
		{name: "even", p: 4, pwni: 2, from: 11, to: 25, want: []int{0, 4, 4, 4, 1, 1, 1, 2, 2, 2, 3, 3, 0, 0, 0}},
		// 9 points in 2 blocks: the first gets the remainder (5, 4).
		{name: "rest", p: 3, pwni: 0, from: 11, to: 25, want: []int{0, 3, 3, 3, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 0}},
		// p = 11: nine blocks of length 1 (15–23), the tenth of length 0,
		// where R's 24:23 writes label 10 into cells 24 and 23.
		{name: "empty block", p: 11, pwni: 0, from: 14, to: 25, want: []int{11, 1, 2, 3, 4, 5, 6, 7, 8, 10, 10, 0}},
		{name: "too many", p: 13, wantError: true},
	}
	for _, tt := range tests {
		c := FlexibleControl{B: 1, W: 1, NoPeriods: tt.p, PastWeeksNotIncluded: tt.pwni}
		fc := newFlexibleCall(s, c)
		err := fc.setLabels(25, 11)
		got := slices.Clone(fc.labels[tt.from : tt.to+1])
		fc.release()
		if tt.wantError {
			if !errors.Is(err, ErrInvalidControl) {
				t.Errorf("%s: err = %v, want ErrInvalidControl", tt.name, err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("%s: labels %d…%d = %v (err %v), want %v", tt.name, tt.from, tt.to, got, err, tt.want)
		}
	}
}

// TestFlexibleNoConvergence: an all-zero history makes IRLS run out of
// iterations with and without trend; R then reports no result: every output
// NA except expected, which stays 0.
func TestFlexibleNoConvergence(t *testing.T) {
	s := weekly(make([]float64, 6*52)...)
	c := noufailyControl(len(s.Observed), ThresholdNBPlugin)
	res, err := FarringtonFlexible(s, c)
	if err != nil {
		t.Fatal(err)
	}
	p := res.Points[0]
	if p.Alarm != AlarmNA || !IsNA(p.UpperBound) || res.Expected[0] != 0 || !IsNA(res.Trend[0]) || !IsNA(res.PhiVector[0]) {
		t.Errorf("got alarm %v bound %v expected %v trend %v φ %v", p.Alarm, p.UpperBound, res.Expected[0], res.Trend[0], res.PhiVector[0])
	}
	if len(res.Warnings) != 1 {
		t.Errorf("warnings %q", res.Warnings)
	}
}

// TestFlexibleOutbreak: a large count in the latest week of a realistic
// series is an alarm under every threshold method, the week before is not.
func TestFlexibleOutbreak(t *testing.T) {
	s := countySeries(1, 1, 6)[0]
	n := len(s.Observed)
	s.Observed[n-2] = 10
	s.Observed[n-1] = 10 * (s.Observed[n-53] + 20)
	for _, m := range []ThresholdMethod{ThresholdDelta, ThresholdNBPlugin, ThresholdMuan} {
		c := noufailyControl(n, m)
		c.Range = []int{n - 2, n - 1}
		res, err := FarringtonFlexible(s, c)
		if err != nil {
			t.Fatal(err)
		}
		if res.Points[1].Alarm != Alarmed || res.Points[0].Alarm != NoAlarm {
			t.Errorf("%s: alarms %v %v, want none then one (bounds %v %v)", m, res.Points[0].Alarm, res.Points[1].Alarm, res.Points[0].UpperBound, res.Points[1].UpperBound)
		}
		if !(res.PValue[1] < 1e-6) || !(res.Score[1] > 1) || !(res.PhiVector[1] >= 1) {
			t.Errorf("%s: pvalue %v score %v φ %v", m, res.PValue[1], res.Score[1], res.PhiVector[1])
		}
	}
}

// TestFlexibleConcurrent runs many calls at once (they share pooled
// scratch) and compares with sequential results; run with -race.
func TestFlexibleConcurrent(t *testing.T) {
	series := countySeries(4, 4, 6)
	c := noufailyControl(len(series[0].Observed), ThresholdMuan)
	c.Range = []int{len(series[0].Observed) - 3, len(series[0].Observed) - 1}
	want := make([]*Result, len(series))
	for i, s := range series {
		var err error
		if want[i], err = FarringtonFlexible(s, c); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	got := make([]*Result, len(series))
	for i, s := range series {
		wg.Go(func() { got[i], _ = FarringtonFlexible(s, c) })
	}
	wg.Wait()
	for i := range series {
		if !slices.EqualFunc(got[i].Points, want[i].Points, func(a, b Point) bool {
			return a.Alarm == b.Alarm && (a.UpperBound == b.UpperBound || IsNA(a.UpperBound) && IsNA(b.UpperBound))
		}) || !slices.Equal(got[i].Score, want[i].Score) {
			t.Errorf("series %d: concurrent result differs", i)
		}
	}
}

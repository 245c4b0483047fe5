package detect

import (
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func alarms(r *Result) []Alarm {
	out := make([]Alarm, len(r.Points))
	for i, p := range r.Points {
		out[i] = p.Alarm
	}
	return out
}

var nanEqual = cmpopts.EquateNaNs()

func TestCIDARSFixed(t *testing.T) {
	s := Series{Observed: []float64{0, 1, 2, NA, 0, 5}, Freq: 365}
	tests := []struct {
		threshold float64
		want      []Alarm
	}{
		// Default: one case is a signal; NA stays NA.
		{1, []Alarm{NoAlarm, Alarmed, Alarmed, AlarmNA, NoAlarm, Alarmed}},
		// Threshold 2: counts 2 and 5 reach it (≥), 1 does not.
		{2, []Alarm{NoAlarm, NoAlarm, Alarmed, AlarmNA, NoAlarm, Alarmed}},
	}
	for _, tt := range tests {
		ctl := DefaultFixedControl()
		ctl.Threshold = tt.threshold
		res, err := CIDARSFixed(s, ctl)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, alarms(res)); diff != "" {
			t.Errorf("threshold %v: alarms (-want +got):\n%s", tt.threshold, diff)
		}
		for _, p := range res.Points {
			if p.UpperBound != tt.threshold {
				t.Errorf("bound %v, want %v", p.UpperBound, tt.threshold)
			}
		}
	}
	for _, bad := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		if _, err := CIDARSFixed(s, FixedControl{Threshold: bad}); !errors.Is(err, ErrInvalidControl) {
			t.Errorf("threshold %v: err = %v, want ErrInvalidControl", bad, err)
		}
	}
}

func TestQuantile7(t *testing.T) {
	// Values from R: quantile(x, p, type = 7).
	tests := []struct {
		v    []float64
		p    float64
		want float64
	}{
		{[]float64{4, 1, 3, 2}, 0.5, 2.5},   // h = 3·0.5 = 1.5: 2 + 0.5·(3−2)
		{[]float64{4, 1, 3, 2}, 0.9, 3.7},   // h = 2.7: 3 + 0.7·(4−3)
		{[]float64{4, 1, 3, 2}, 0.99, 3.97}, // h = 2.97
		{[]float64{10}, 0.3, 10},
		{nil, 0.5, math.NaN()},
	}
	for _, tt := range tests {
		got := quantile7(append([]float64(nil), tt.v...), tt.p)
		if !cmp.Equal(got, tt.want, nanEqual, cmpopts.EquateApprox(0, 1e-12)) {
			t.Errorf("quantile7(%v, %v) = %v, want %v", tt.v, tt.p, got, tt.want)
		}
	}
}

// mpmDaily builds the daily series of the hand-computed MPM cases. The
// evaluated day is t = 1115 (0-based), the first with a full default
// baseline: 3·365 + 2·7 + 7 − 1 = 1115. Baseline block (i, j), i = 1..3
// years back and j = −2..2, covers days e−6..e with e = t − 365i + 7j; each
// block's whole count sits on its last day e:
//
//	year 1 (e = 750 + 7j = 736 … 764, days 730..764):  1  2  3  4  5
//	year 2 (e = 385 + 7j = 371 … 399, days 365..399):  0  0 10  0  0
//	year 3 (e =  20 + 7j =   6 …  34, days   0..34):   7  7  7  7  7
//
// Decoys of 100 cases sit on the days just outside those blocks (35, 364,
// 729, 765) and just before the current window 1109..1115 (day 1108); none
// may enter a sum.
func mpmDaily() []float64 {
	y := make([]float64, 1116)
	vals := [3][5]float64{{1, 2, 3, 4, 5}, {0, 0, 10, 0, 0}, {7, 7, 7, 7, 7}}
	t := 1115
	for i := 1; i <= 3; i++ {
		for j := -2; j <= 2; j++ {
			y[t-365*i+7*j] = vals[i-1][j+2]
		}
	}
	for _, d := range []int{35, 364, 729, 765, 1108} {
		y[d] = 100
	}
	return y
}

func TestCIDARSMPMDaily(t *testing.T) {
	// Sorted baseline sums (15): 0 0 0 0 1 2 3 4 5 7 7 7 7 7 10.
	// Type 7 with n = 15: h = 14·p, U = v[⌊h⌋] + frac(h)·(v[⌊h⌋+1] − v[⌊h⌋]) (0-based).
	//   P50: h = 7    → v[7] = 4
	//   P60: h = 8.4  → 5 + 0.4·(7 − 5) = 5.8
	//   P90: h = 12.6 → 7 + 0.6·(7 − 7) = 7
	//   P10: h = 1.4  → 0
	tests := []struct {
		name       string
		percentile float64
		current    float64 // cases in the current window, put on day t
		wantBound  float64
		wantAlarm  Alarm
	}{
		{"P50 equal is no signal", 50, 4, 4, NoAlarm},
		{"P50 above", 50, 5, 4, Alarmed},
		{"P60", 60, 6, 5.8, Alarmed},
		{"P60 below", 60, 5, 5.8, NoAlarm},
		{"P90", 90, 7, 7, NoAlarm},
		{"P10 zero count", 10, 0, 0, NoAlarm},
		{"P10 one case", 10, 1, 0, Alarmed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			y := mpmDaily()
			y[1115] = tt.current
			ctl := DefaultMPMControl()
			ctl.Percentile = tt.percentile
			res, err := CIDARSMPM(Series{Observed: y, Freq: 365}, ctl)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Points) != 1 || res.Points[0].Index != 1115 {
				t.Fatalf("points %+v, want only index 1115", res.Points)
			}
			p := res.Points[0]
			if math.Abs(p.UpperBound-tt.wantBound) > 1e-12 || p.Alarm != tt.wantAlarm {
				t.Errorf("bound %v alarm %v, want %v %v", p.UpperBound, p.Alarm, tt.wantBound, tt.wantAlarm)
			}
			// The window 1109..1115 holds only the current count (the decoy
			// on day 1108 is outside it).
			if res.BlockCount[0] != tt.current {
				t.Errorf("block count %v, want %v", res.BlockCount[0], tt.current)
			}
		})
	}
}

func TestCIDARSMPMMissing(t *testing.T) {
	// An NA on day 31 falls in block (3, +2) = days 28..34 (sum 7), which
	// is dropped: 14 sums 0 0 0 0 1 2 3 4 5 7 7 7 7 10,
	// P50: h = 13·0.5 = 6.5 → 3 + 0.5·(4 − 3) = 3.5; 4 cases > 3.5.
	y := mpmDaily()
	y[31] = NA
	y[1115] = 4
	res, err := CIDARSMPM(Series{Observed: y, Freq: 365}, DefaultMPMControl())
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Points[0]; got.UpperBound != 3.5 || got.Alarm != Alarmed {
		t.Errorf("bound %v alarm %v, want 3.5 alarm", got.UpperBound, got.Alarm)
	}
	// An NA in the current window gives an NA alarm.
	y[1110] = NA
	res, err = CIDARSMPM(Series{Observed: y, Freq: 365}, DefaultMPMControl())
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Points[0]; got.Alarm != AlarmNA || !IsNA(res.BlockCount[0]) {
		t.Errorf("alarm %v block %v, want NA", got.Alarm, res.BlockCount[0])
	}
}

func TestCIDARSMPMWeekly(t *testing.T) {
	// Weekly series (block = 1 week), 2 years, 1 adjacent week, y[i] = i.
	// At t = 110: year 1 weeks 57, 58, 59 (110 − 52 + j); year 2 weeks
	// 5, 6, 7 (110 − 104 + j). Sorted 5 6 7 57 58 59, n = 6:
	//   P50: h = 2.5 → 7 + 0.5·(57 − 7) = 32;  P90: h = 4.5 → 58.5.
	y := make([]float64, 111)
	for i := range y {
		y[i] = float64(i)
	}
	ctl := MPMControl{Range: []int{110}, Percentile: 50, Years: 2, Adjacent: 1}
	res, err := CIDARSMPM(Series{Observed: y, Freq: 52}, ctl)
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Points[0]; got.UpperBound != 32 || got.Alarm != Alarmed {
		t.Errorf("P50: bound %v alarm %v, want 32 alarm", got.UpperBound, got.Alarm)
	}
	ctl.Percentile = 90
	if res, _ = CIDARSMPM(Series{Observed: y, Freq: 52}, ctl); res.Points[0].UpperBound != 58.5 {
		t.Errorf("P90: bound %v, want 58.5", res.Points[0].UpperBound)
	}
	// The first evaluable week is 2·52 + 1 = 105; week 104 is too early.
	ctl.Range = []int{104}
	if _, err := CIDARSMPM(Series{Observed: y, Freq: 52}, ctl); !errors.Is(err, ErrTooShort) {
		t.Errorf("week 104: err = %v, want ErrTooShort", err)
	}
	ctl.Range = nil
	if res, err = CIDARSMPM(Series{Observed: y, Freq: 52}, ctl); err != nil || res.Points[0].Index != 105 {
		t.Errorf("default range starts at %v (err %v), want 105", res.Points[0].Index, err)
	}
}

func TestCIDARSMPMBadControl(t *testing.T) {
	s := Series{Observed: make([]float64, 2000), Freq: 365}
	for _, ctl := range []MPMControl{
		{Percentile: 0, Years: 3, Adjacent: 2},
		{Percentile: 100, Years: 3, Adjacent: 2},
		{Percentile: 50, Years: 0, Adjacent: 2},
		{Percentile: 50, Years: 3, Adjacent: -1},
		{Percentile: 50, Years: 3, Adjacent: 2, Block: -7},
		{Percentile: 50, Years: 3, Adjacent: 60, Block: 7},
	} {
		if _, err := CIDARSMPM(s, ctl); !errors.Is(err, ErrInvalidControl) {
			t.Errorf("%+v: err = %v, want ErrInvalidControl", ctl, err)
		}
	}
	if _, err := CIDARSMPM(Series{Observed: make([]float64, 2000), Freq: 7}, DefaultMPMControl()); !errors.Is(err, ErrInvalidControl) {
		t.Errorf("freq 7: err = %v, want ErrInvalidControl", err)
	}
	if _, err := CIDARSMPM(Series{Observed: make([]float64, 1000), Freq: 365}, DefaultMPMControl()); !errors.Is(err, ErrTooShort) {
		t.Errorf("1000 days: err = %v, want ErrTooShort", err)
	}
}

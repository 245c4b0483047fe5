package detect

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/weijian-health/weijian/internal/stats"
)

// weekly returns a weekly series from counts.
func weekly(y ...float64) Series { return Series{Observed: y, Freq: 52, Start: [2]int{2020, 1}} }

// repeatSeries is n weekly counts cycling through pattern.
func repeatSeries(n int, pattern ...float64) Series {
	y := make([]float64, n)
	for i := range y {
		y[i] = pattern[i%len(pattern)]
	}
	return weekly(y...)
}

func TestFarringtonDefaults(t *testing.T) {
	want := FarringtonControl{B: 5, W: 3, Reweight: true, Trend: true, Alpha: 0.05, Limit54: [2]int{5, 4}, PowerTrans: PowerTwoThirds}
	if got := DefaultFarringtonControl(); !equalFarringtonControl(got, want) {
		t.Errorf("DefaultFarringtonControl() = %+v, want %+v", got, want)
	}
}

func equalFarringtonControl(a, b FarringtonControl) bool {
	return slices.Equal(a.Range, b.Range) && a.B == b.B && a.W == b.W && a.Reweight == b.Reweight &&
		a.Trend == b.Trend && a.Alpha == b.Alpha && a.Limit54 == b.Limit54 && a.PowerTrans == b.PowerTrans
}

func TestFarringtonInvalidControl(t *testing.T) {
	s := repeatSeries(6*52, 3, 5, 4, 6)
	for name, mod := range map[string]func(*FarringtonControl){
		"b=0":            func(c *FarringtonControl) { c.B = 0 },
		"w<0":            func(c *FarringtonControl) { c.W = -1 },
		"alpha=0":        func(c *FarringtonControl) { c.Alpha = 0 },
		"alpha=1":        func(c *FarringtonControl) { c.Alpha = 1 },
		"alpha NaN":      func(c *FarringtonControl) { c.Alpha = math.NaN() },
		"limit54 cases":  func(c *FarringtonControl) { c.Limit54 = [2]int{-1, 4} },
		"limit54 period": func(c *FarringtonControl) { c.Limit54 = [2]int{5, 0} },
		"powertrans":     func(c *FarringtonControl) { c.PowerTrans = "3/4" },
		"range":          func(c *FarringtonControl) { c.Range = []int{400} },
		"range order":    func(c *FarringtonControl) { c.Range = []int{300, 299} },
	} {
		c := DefaultFarringtonControl()
		mod(&c)
		if _, err := Farrington(s, c); !errors.Is(err, ErrInvalidControl) {
			t.Errorf("%s: err = %v, want ErrInvalidControl", name, err)
		}
	}
}

func TestFarringtonDataErrors(t *testing.T) {
	c := DefaultFarringtonControl()
	c.Range = []int{20}
	if _, err := Farrington(repeatSeries(40, 1, 2), c); !errors.Is(err, ErrTooShort) {
		t.Errorf("no reference values: err = %v, want ErrTooShort", err)
	}
	s := repeatSeries(6*52, 3, 5, 4, 6)
	s.Observed[6*52-1-52] = NA // inside the reference window of the last week
	c.Range = []int{6*52 - 1}
	if _, err := Farrington(s, c); !errors.Is(err, ErrInvalidSeries) {
		t.Errorf("NA reference value: err = %v, want ErrInvalidSeries", err)
	}
}

// TestFarringtonByHand checks one point against the closed form of an
// intercept-only quasi-Poisson fit: μ₀ = mean of the reference counts,
// φ = max(Σ(y−μ₀)²/μ₀/(n−1), 1), se² = φ μ₀/n, and with no power
// transformation U = μ₀ + z √(μ₀ (φ + se²/μ₀)), z = Φ⁻¹(1 − α/2).
func TestFarringtonByHand(t *testing.T) {
	y := make([]float64, 4*52)
	for i := range y {
		y[i] = float64(2 + (i*7)%9)
	}
	k := len(y) - 1
	y[k] = 30
	c := FarringtonControl{Range: []int{k}, B: 3, W: 1, Alpha: 0.01, Limit54: [2]int{5, 4}, PowerTrans: PowerNone}
	res, err := Farrington(weekly(y...), c)
	if err != nil {
		t.Fatal(err)
	}
	var ref []float64
	for i := 3; i >= 1; i-- {
		ref = append(ref, y[k-52*i-1:k-52*i+2]...)
	}
	n := float64(len(ref))
	var mu0, chi2 float64
	for _, v := range ref {
		mu0 += v / n
	}
	for _, v := range ref {
		chi2 += (v - mu0) * (v - mu0) / mu0
	}
	phi := math.Max(chi2/(n-1), 1)
	se2 := phi * mu0 / n
	u := mu0 + stats.QNorm(0.995, 0, 1)*math.Sqrt(mu0*(phi+se2/mu0))
	p := res.Points[0]
	// φ uses the working weights from the start of the last IRLS iteration
	// (as R does), so the closed form holds to about the convergence
	// tolerance only.
	if !closeTo(res.Expected[0], mu0, 1e-9) || !closeTo(p.UpperBound, u, 1e-6) {
		t.Errorf("expected %v, bound %v; want %v, %v", res.Expected[0], p.UpperBound, mu0, u)
	}
	if p.Alarm != Alarmed || res.Trend[0] != 0 {
		t.Errorf("alarm %v trend %v, want an alarm without trend", p.Alarm, res.Trend[0])
	}
	wantP := stats.PNorm(30, mu0, math.Sqrt(mu0*(phi+se2/mu0)), true)
	if !closeTo(res.PValue[0], wantP, 1e-6) {
		t.Errorf("pvalue_q %v, want %v", res.PValue[0], wantP)
	}
}

func closeTo(got, want, rel float64) bool {
	return math.Abs(got-want) <= rel*math.Abs(want)
}

// TestFarringtonLimit54 checks R's quirks around the limit54 rule: too few
// cases give bound 0 (not NA) and no alarm; an NA in the window gives NA.
func TestFarringtonLimit54(t *testing.T) {
	s := repeatSeries(6*52, 0, 1, 0, 2, 1, 0, 1)
	n := len(s.Observed)
	s.Observed[n-1], s.Observed[n-2], s.Observed[n-3], s.Observed[n-4] = 1, 0, 1, 0 // 2 < 5 cases
	s.Observed[n-6] = NA
	c := DefaultFarringtonControl()
	c.Range = []int{n - 6, n - 5, n - 1}
	res, err := Farrington(s, c)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []struct {
		bound float64
		alarm Alarm
	}{{NA, AlarmNA}, {NA, AlarmNA}, {0, NoAlarm}} {
		p := res.Points[i]
		if !(p.UpperBound == want.bound || IsNA(p.UpperBound) && IsNA(want.bound)) || p.Alarm != want.alarm {
			t.Errorf("point %d: bound %v alarm %v, want %v %v", p.Index, p.UpperBound, p.Alarm, want.bound, want.alarm)
		}
	}
	if IsNA(res.Expected[2]) {
		t.Errorf("expected is NA at a point with too few cases")
	}
}

func TestFarringtonMissingReferenceWarning(t *testing.T) {
	s := repeatSeries(3*52, 3, 5, 4, 6)
	c := DefaultFarringtonControl()
	c.B, c.Range = 3, []int{2*52 + 10}
	res, err := Farrington(s, c)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "7/21 reference values did not exist") {
		t.Errorf("warnings %q", res.Warnings)
	}
}

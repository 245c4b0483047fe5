package detect

import (
	"math"

	"github.com/weijian-health/weijian/internal/stats"
)

// EARSMethod is one of the three EARS methods.
type EARSMethod string

const (
	C1 EARSMethod = "C1"
	C2 EARSMethod = "C2"
	C3 EARSMethod = "C3"
)

// EARSControl is the control of EARS (R's earsC).
type EARSControl struct {
	Method EARSMethod // R default "C1"
	// Range holds the evaluated 0-based indices, sorted. nil: R's default,
	// every index from the first with a full baseline on.
	Range    []int
	Baseline int     // B, the number of reference counts; R default 7, at least 3
	Alpha    float64 // R default 0.001 for C1 and C2, 0.025 for C3
	MinSigma float64 // lower bound on the standard deviation; R default 0
}

// DefaultEARSControl returns R's defaults for method: baseline 7, minSigma
// 0, alpha 0.001 for C1/C2 and 0.025 for C3.
func DefaultEARSControl(method EARSMethod) EARSControl {
	alpha := 0.001
	if method == C3 {
		alpha = 0.025
	}
	return EARSControl{Method: method, Baseline: 7, Alpha: alpha}
}

// maxLag is the earliest lag a point of the range needs.
func (c EARSControl) maxLag() int {
	switch c.Method {
	case C2:
		return c.Baseline + 2
	case C3:
		return c.Baseline + 4
	}
	return c.Baseline
}

func (c EARSControl) validate() error {
	switch c.Method {
	case C1, C2, C3:
	default:
		return invalidControl("unknown EARS method %q (want C1, C2 or C3)", c.Method)
	}
	if c.Baseline < 3 {
		return invalidControl("baseline = %d: the minimum baseline is 3", c.Baseline)
	}
	if !isFinite(c.MinSigma) || c.MinSigma < 0 {
		return invalidControl("minSigma = %v, want a finite value ≥ 0", c.MinSigma)
	}
	return checkProb("alpha", c.Alpha)
}

// EARS runs the CDC's Early Aberration Reporting System methods C1, C2 and
// C3 (Hutwagner et al. 2003, "The bioterrorism preparedness and response
// Early Aberration Reporting System (EARS)", J Urban Health 80:i89–i96;
// Fricker et al. 2008) as R's earsC (surveillance 1.20.3). With B =
// Baseline, z = Φ⁻¹(1 − α) and ȳ(t), sd(t) the mean and sample standard
// deviation (n − 1) of the reference counts,
//
//	C1: reference y[t−B] … y[t−1];      C2, C3: y[t−B−2] … y[t−3] (lags 1, 2 skipped)
//	σ(t) = max(sd(t), MinSigma);        any NA in the reference gives NA
//	C1, C2: U(t) = ȳ(t) + z σ(t)
//	C3:     C2stat(t) = (y[t] − ȳ(t))/σ(t) with the C2 reference, and
//	        U(t) = max(0, y[t] + σ(t)(z − max(0, C2stat(t−2) − 1) − max(0, C2stat(t−1) − 1)))
//	alarm(t) = y[t] > U(t), NA if either is NA.
//
// C3's bound contains the current count (R's formula), and with σ = 0 its
// C2 statistics are ±Inf or NaN, so the bound is NaN (NA) — set MinSigma > 0
// to avoid it. A range that starts before B (C1), B+2 (C2) or B+4 (C3) is
// ErrTooShort ("The vector of observed is too short!" in R).
func EARS(s Series, ctl EARSControl) (res *Result, err error) {
	defer wrapErr(&err, "ears"+string(ctl.Method))
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if err := ctl.validate(); err != nil {
		return nil, err
	}
	lag := ctl.maxLag()
	rng, err := resolveRange(ctl.Range, lag, len(s.Observed))
	if err != nil {
		return nil, err
	}
	if rng[0] < lag {
		return nil, tooShort("%s with baseline %d needs %d earlier counts; the range starts at index %d", ctl.Method, ctl.Baseline, lag, rng[0])
	}
	z := stats.QNorm(1-ctl.Alpha, 0, 1)
	res = newResult("ears"+string(ctl.Method), s, rng)
	y := s.Observed
	for i, t := range rng {
		p := &res.Points[i]
		switch ctl.Method {
		case C1:
			m, sd := earsRef(y, t, 1, ctl)
			p.UpperBound = m + z*sd
		case C2:
			m, sd := earsRef(y, t, 3, ctl)
			p.UpperBound = m + z*sd
		case C3:
			p.UpperBound = earsC3Bound(y, t, z, ctl)
		}
		p.Alarm = alarmAbove(y[t], p.UpperBound)
	}
	return res, nil
}

// earsRef returns the mean and σ = max(sd, MinSigma) of y[t−B−skip+1] …
// y[t−skip] (skip 1 for C1, 3 for C2/C3).
func earsRef(y []float64, t, skip int, ctl EARSControl) (mean, sigma float64) {
	mean, sd := meanSD(y[t-ctl.Baseline-skip+1 : t-skip+1])
	return mean, pmax(sd, ctl.MinSigma)
}

// earsC2Stat is C2stat(t) = (y[t] − ȳ(t))/σ(t) with the C2 reference.
func earsC2Stat(y []float64, t int, ctl EARSControl) float64 {
	m, sigma := earsRef(y, t, 3, ctl)
	return (y[t] - m) / sigma
}

func earsC3Bound(y []float64, t int, z float64, ctl EARSControl) float64 {
	_, sigma := earsRef(y, t, 3, ctl)
	lag2 := pmax(0, earsC2Stat(y, t-2, ctl)-1)
	lag1 := pmax(0, earsC2Stat(y, t-1, ctl)-1)
	return pmax(0, y[t]+sigma*(z-(lag2+lag1)))
}

// pmax is R's pmax(a, b) for two numbers: NA/NaN in either propagates.
func pmax(a, b float64) float64 {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.NaN()
	}
	return math.Max(a, b)
}

// meanSD returns the arithmetic mean and the sample standard deviation
// (n − 1 denominator, two-pass as R's var) of v; NA if any value is NA.
func meanSD(v []float64) (mean, sd float64) {
	sum := 0.0
	for _, x := range v {
		if math.IsNaN(x) {
			return NA, NA
		}
		sum += x
	}
	mean = sum / float64(len(v))
	ss := 0.0
	for _, x := range v {
		d := x - mean
		ss += d * d
	}
	return mean, math.Sqrt(ss / float64(len(v)-1))
}

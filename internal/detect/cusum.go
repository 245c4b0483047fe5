package detect

import (
	"fmt"
	"math"
)

// CUSUMTransform names how a count is standardised before it enters the
// CUSUM (R's control$trans).
type CUSUMTransform string

// The transforms of algo.cusum (anscombeNegBin is not implemented).
const (
	TransStandard      CUSUMTransform = "standard"      // (x − m)/√m
	TransRossi         CUSUMTransform = "rossi"         // (x − 3m + 2√(xm))/(2√m), Rossi et al. 1999
	TransAnscombe      CUSUMTransform = "anscombe"      // 3/2 (x^{2/3} − m^{2/3})/m^{1/6}
	TransAnscombe2nd   CUSUMTransform = "anscombe2nd"   // (x^{2/3} − (m^{2/3} − m^{−1/3}/9))/(2/3 m^{1/6})
	TransPearsonNegBin CUSUMTransform = "pearsonNegBin" // (x − m)/√(m + αm²)
	TransNone          CUSUMTransform = "none"          // x
)

// CUSUMMean says where the in-control mean m comes from (R's control$m).
type CUSUMMean int

const (
	// MeanHistory is R's m = NULL: the mean of every count before the first
	// point of the range (NA if one of them is NA). QUIRK kept from R: when
	// the range starts at index 0, m is the first count itself.
	MeanHistory CUSUMMean = iota
	// MeanFixed is a numeric m: CUSUMControl.M.
	MeanFixed
	// MeanGLM is R's m = "glm": a Poisson GLM log μ = β₀ + β₁ cos(2πt/f) +
	// β₂ sin(2πt/f) fitted to the counts before the range (NA dropped),
	// predicted at every point of the range.
	MeanGLM
)

// CUSUMControl is the control of CUSUM (R's algo.cusum).
type CUSUMControl struct {
	// Range holds the evaluated 0-based indices, sorted; the chart runs over
	// the counts at these indices in order. nil: every index from 1 on
	// (MeanHistory), from 0 (MeanFixed) or after one year of training
	// (MeanGLM); R has no default and requires range.
	Range []int
	K     float64        // reference value k, R default 1.04
	H     float64        // decision interval h, R default 2.26
	Mean  CUSUMMean      // R default m = NULL (MeanHistory)
	M     float64        // the in-control mean when Mean is MeanFixed
	Trans CUSUMTransform // R default "standard"
	Alpha float64        // NB dispersion α of pearsonNegBin, R default 0.1
}

// DefaultCUSUMControl returns R's defaults: k = 1.04, h = 2.26, m = NULL,
// trans = "standard", alpha = 0.1.
func DefaultCUSUMControl() CUSUMControl {
	return CUSUMControl{K: 1.04, H: 2.26, Mean: MeanHistory, Trans: TransStandard, Alpha: 0.1}
}

func (c CUSUMControl) validate() error {
	switch c.Trans {
	case TransStandard, TransRossi, TransAnscombe, TransAnscombe2nd, TransPearsonNegBin, TransNone:
	default:
		return invalidControl("unknown transform %q (want standard, rossi, anscombe, anscombe2nd, pearsonNegBin or none)", c.Trans)
	}
	switch {
	case !isFinite(c.K) || c.K < 0:
		return invalidControl("k = %v, want a finite value ≥ 0", c.K)
	case !isFinite(c.H) || c.H <= 0:
		return invalidControl("h = %v, want a finite value > 0", c.H)
	case !isFinite(c.Alpha) || c.Alpha < 0:
		return invalidControl("alpha = %v, want a finite value ≥ 0", c.Alpha)
	}
	switch c.Mean {
	case MeanHistory, MeanGLM:
	case MeanFixed:
		if !isFinite(c.M) || c.M <= 0 {
			return invalidControl("m = %v, want a finite value > 0", c.M)
		}
	default:
		return invalidControl("unknown mean kind %d", c.Mean)
	}
	return nil
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// CUSUM runs the count CUSUM of Rossi, Lampugnani & Marchi (1999) as in R's
// algo.cusum (surveillance 1.20.3). With x_t the counts of the range and
// z_t their transform (see CUSUMTransform, all on the in-control mean m):
//
//	S_0 = 0,  S_t = max(0, S_{t−1} + z_t − k),  alarm_t = S_t ≥ h.
//
// An NA count makes S_t and every later S NA (alarm NA). The upper bound is
// the smallest count that would raise an alarm given C = S_{t−1}:
//
//	standard:      ⌈√m (h + k − C) + m⌉
//	rossi:         2h√m + 2k√m − 2C√m + 5m − 2√(4m² + 2m^{3/2}(h + k − C))
//	anscombe:      A^{3/2}, A = 2/3 m^{1/6}(h + k − C) + m^{2/3} (0 if A < 0)
//	anscombe2nd:   as anscombe with m^{2/3} − m^{1/3}/9 (R's m^{+1/3}, while z uses m^{−1/3})
//	pearsonNegBin: √(m + αm²)(h + k − C) + m
//	none:          h − S_t
//
// and, as in R, an NA/NaN or negative bound is reported as 0. Result.CUSUM
// holds S_t and Result.M the in-control mean (one value, or one per point
// for MeanGLM).
func CUSUM(s Series, ctl CUSUMControl) (res *Result, err error) {
	defer wrapErr(&err, "cusum")
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if err := ctl.validate(); err != nil {
		return nil, err
	}
	first := 1
	if ctl.Mean == MeanFixed {
		first = 0
	} else if ctl.Mean == MeanGLM {
		first = s.Freq
	}
	rng, err := resolveRange(ctl.Range, first, len(s.Observed))
	if err != nil {
		return nil, err
	}
	ms, warnings, err := cusumMean(s, rng, ctl)
	if err != nil {
		return nil, err
	}
	res = newResult("cusum", s, rng)
	res.M, res.Warnings = ms, warnings
	if len(ms) == 1 && ms[0] == 0 {
		res.Warnings = append(res.Warnings, "in-control mean m is 0 (all-zero history): standardised counts are infinite or NaN")
	}
	res.CUSUM = make([]float64, len(rng))
	prev := 0.0
	for i, t := range rng {
		m := ms[0]
		if len(ms) > 1 {
			m = ms[i]
		}
		x := s.Observed[t]
		st := rmax0(prev + cusumZ(ctl.Trans, x, m, ctl.Alpha) - ctl.K)
		res.CUSUM[i] = st
		p := &res.Points[i]
		p.UpperBound = cleanBound(cusumBound(ctl, m, prev, st))
		p.Alarm = alarmAtLeast(st, ctl.H)
		prev = st
	}
	return res, nil
}

// cusumMean returns m: one value, or one per range point for MeanGLM.
func cusumMean(s Series, rng []int, ctl CUSUMControl) ([]float64, []string, error) {
	switch ctl.Mean {
	case MeanFixed:
		return []float64{ctl.M}, nil, nil
	case MeanGLM:
		return cusumGLMMean(s, rng)
	}
	t1 := rng[0]
	if t1 == 0 { // R: mean(y[1:0]) = mean(y[c(1, 0)]) = y[1]
		return []float64{s.Observed[0]}, nil, nil
	}
	sum := 0.0
	for _, v := range s.Observed[:t1] {
		sum += v // NA propagates
	}
	return []float64{sum / float64(t1)}, nil, nil
}

// cusumZ standardises x with the in-control mean m.
func cusumZ(tr CUSUMTransform, x, m, alpha float64) float64 {
	switch tr {
	case TransStandard:
		return (x - m) / math.Sqrt(m)
	case TransRossi:
		return (x - 3*m + 2*math.Sqrt(x*m)) / (2 * math.Sqrt(m))
	case TransAnscombe:
		return 1.5 * (math.Pow(x, 2.0/3) - math.Pow(m, 2.0/3)) / math.Pow(m, 1.0/6)
	case TransAnscombe2nd:
		return (math.Pow(x, 2.0/3) - (math.Pow(m, 2.0/3) - math.Pow(m, -1.0/3)/9)) / (2.0 / 3 * math.Pow(m, 1.0/6))
	case TransPearsonNegBin:
		return (x - m) / math.Sqrt(m+alpha*m*m)
	}
	return x // TransNone
}

// cusumBound is the count that would raise an alarm, before cleaning; c is
// S_{t−1} and st is S_t.
func cusumBound(ctl CUSUMControl, m, c, st float64) float64 {
	h, k := ctl.H, ctl.K
	sm := math.Sqrt(m)
	switch ctl.Trans {
	case TransStandard:
		return math.Ceil(sm*(h+k-c) + m)
	case TransRossi:
		m32 := math.Pow(m, 1.5)
		return 2*h*sm + 2*k*sm - 2*c*sm + 5*m - 2*math.Sqrt(4*m*m+2*m32*h+2*m32*k-2*m32*c)
	case TransAnscombe:
		return pow32NonNeg(2.0/3*math.Pow(m, 1.0/6)*(h+k-c) + math.Pow(m, 2.0/3))
	case TransAnscombe2nd:
		return pow32NonNeg(2.0/3*math.Pow(m, 1.0/6)*(h+k-c) + (math.Pow(m, 2.0/3) - math.Pow(m, 1.0/3)/9))
	case TransPearsonNegBin:
		return math.Sqrt(m+ctl.Alpha*m*m)*(h+k-c) + m
	}
	return h - st // TransNone
}

// pow32NonNeg is R's ifelse(a < 0, 0, a^(3/2)) (NA stays NA).
func pow32NonNeg(a float64) float64 {
	if a < 0 {
		return 0
	}
	return math.Pow(a, 1.5)
}

// cleanBound maps NA/NaN and negative bounds to 0, as algo.cusum does.
func cleanBound(u float64) float64 {
	if math.IsNaN(u) || u < 0 {
		return 0
	}
	return u
}

// rmax0 is R's max(0, v): NA/NaN propagate.
func rmax0(v float64) float64 {
	if math.IsNaN(v) {
		return v
	}
	return math.Max(0, v)
}

// alarmAtLeast is the alarm rule stat ≥ limit, NA if stat is NA.
func alarmAtLeast(stat, limit float64) Alarm {
	if math.IsNaN(stat) {
		return AlarmNA
	}
	if stat >= limit {
		return Alarmed
	}
	return NoAlarm
}

// wrapErr prefixes a non-nil *err with the method name, keeping the chain.
func wrapErr(err *error, method string) {
	if *err != nil {
		*err = fmt.Errorf("%s: %w", method, *err)
	}
}

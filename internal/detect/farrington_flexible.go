package detect

import (
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/weijian-health/weijian/internal/stats"
)

// ThresholdMethod selects how farringtonFlexible turns the prediction into
// an upper bound.
type ThresholdMethod string

const (
	// ThresholdDelta: Farrington's normal approximation on the power scale
	// (delta method), one-sided.
	ThresholdDelta ThresholdMethod = "delta"
	// ThresholdNBPlugin: the (1−α) quantile of NB(μ₀, φ) with μ₀ = exp(η₀)
	// (Noufaily et al. 2013).
	ThresholdNBPlugin ThresholdMethod = "nbPlugin"
	// ThresholdMuan: as nbPlugin with μ₀ the (1−α) quantile of exp(η),
	// η ~ N(η₀, se²) (Noufaily et al. 2013, "muan").
	ThresholdMuan ThresholdMethod = "muan"

	flexibleLabel = "farringtonFlexible"
)

// FlexibleControl is the control of farringtonFlexible.
type FlexibleControl struct {
	// Range holds the evaluated 0-based indices, sorted. nil: R's default,
	// from index f·B + W (1-based f·b + w + 1) to the end.
	Range []int
	B     int // years back; R default 3
	W     int // half window; R default 3
	// Reweight down-weights past outbreaks; R default true.
	Reweight bool
	// WeightsThreshold is the Anscombe residual above which a count is
	// down-weighted; R default 2.58 (Noufaily et al.; 1 in the classic method).
	WeightsThreshold float64
	Alpha            float64 // one-sided level; R default 0.05
	Trend            bool    // allow a time trend; R default true
	PThresholdTrend  float64 // the trend is kept if its p-value is below; R default 0.05
	Limit54          [2]int  // {cases, period}; R default {5, 4}
	PowerTrans       PowerTrans
	// NoPeriods is the number of levels of the seasonal factor (the
	// reference windows are one level, the rest of each year is split into
	// NoPeriods − 1 blocks); 1 is the classic design. R default 1.
	NoPeriods int
	// PastWeeksNotIncluded is how many most recent points (before the
	// current one) are left out of the fit; R default w (3 here).
	PastWeeksNotIncluded int
	ThresholdMethod      ThresholdMethod // R default "delta"
}

// DefaultFlexibleControl returns R's defaults for farringtonFlexible: b = 3,
// w = 3, reweight with threshold 2.58, alpha = 0.05, trend with p-value
// threshold 0.05, limit54 = (5, 4), powertrans = "2/3", noPeriods = 1,
// pastWeeksNotIncluded = w = 3, thresholdMethod = "delta", default range.
// Noufaily et al.'s recommended settings are b = 5, w = 3, noPeriods = 10,
// pastWeeksNotIncluded = 26 with the same threshold 2.58.
func DefaultFlexibleControl() FlexibleControl {
	return FlexibleControl{B: 3, W: 3, Reweight: true, WeightsThreshold: 2.58, Alpha: 0.05,
		Trend: true, PThresholdTrend: 0.05, Limit54: [2]int{5, 4}, PowerTrans: PowerTwoThirds,
		NoPeriods: 1, PastWeeksNotIncluded: 3, ThresholdMethod: ThresholdDelta}
}

func (c FlexibleControl) validate() error {
	switch {
	case c.B <= 0:
		return invalidControl("b = %d, want ≥ 1", c.B)
	case c.W < 0:
		return invalidControl("w = %d, want ≥ 0", c.W)
	case c.NoPeriods < 1:
		return invalidControl("noPeriods = %d, want ≥ 1", c.NoPeriods)
	case c.PastWeeksNotIncluded < 0:
		return invalidControl("pastWeeksNotIncluded = %d, want ≥ 0", c.PastWeeksNotIncluded)
	case IsNA(c.WeightsThreshold) || IsNA(c.PThresholdTrend):
		return invalidControl("weightsThreshold and pThresholdTrend must not be NA")
	}
	switch c.ThresholdMethod {
	case ThresholdDelta, ThresholdNBPlugin, ThresholdMuan:
	default:
		return invalidControl("thresholdMethod = %q (want delta, nbPlugin or muan)", string(c.ThresholdMethod))
	}
	if err := checkLimit54(c.Limit54); err != nil {
		return err
	}
	if _, err := c.PowerTrans.exponent(); err != nil {
		return err
	}
	return checkProb("alpha", c.Alpha)
}

// FarringtonFlexible is R's farringtonFlexible (surveillance 1.20.3): the
// improved Farrington method of Noufaily, Enki, Farrington, Garthwaite,
// Andrews and Charlett (2013), "An improved algorithm for outbreak
// detection in multiple surveillance systems", Stat Med 32:1206–1222,
// generalising Farrington et al. (1996). For each evaluated t (1-based):
//
//  1. All points from t − B·f − W to t enter the fit, labelled by a
//     seasonal factor: the windows t − i·f ± W (and t−W … t) are level
//     NoPeriods, the rest of each year is cut into NoPeriods − 1 blocks
//     (first blocks one longer when it does not divide evenly); with
//     NoPeriods = 1 only the windows enter. The PastWeeksNotIncluded points
//     before t (and t) are left out, and NA counts are dropped.
//  2. Quasi-Poisson GLM log μ = β₀ + β₁t [+ seasonal factor]; without
//     convergence the trend is dropped, and without convergence again there
//     is no result for t. φ = max(φ̂, 1); with Reweight the model is refitted
//     with ω from the Anscombe residuals (threshold WeightsThreshold) and φ
//     recomputed from that fit.
//  3. The trend is kept iff B ≥ 3, its t-test p-value < PThresholdTrend and
//     the prediction at t ≤ the largest count in the fit; else refit without.
//  4. η₀, se_η: the prediction at t for the level NoPeriods, with the
//     dispersion D R leaves in the model (Pearson with the prior weights ω
//     after reweighting — QUIRK, may be < 1).
//  5. delta: as Farrington with z = Φ⁻¹(1 − α) (one-sided), on μ₀ = e^η₀,
//     se = se_η μ₀; nbPlugin/muan: U = the (1−α) quantile of
//     NB(size = μq/(φ−1), prob = 1/φ) (Poisson(μq) when φ = 1), with
//     μq = e^η₀ (nbPlugin) or exp(η₀ + z se_η) (muan), and the score
//     (y − η₀)/(U − η₀) — R's log-scale QUIRK.
//  6. With the limit54 rule: upper bound U (NA when too few cases), alarm
//     iff score > 1 and y ≠ 0 and enough cases.
//
// Result: Expected, Score, PValue (P(Y ≥ y)), Mu0Vector, PhiVector,
// TrendVector, Trend as R's control$... (see SCHEMA.md §4 for every NA rule).
func FarringtonFlexible(s Series, c FlexibleControl) (res *Result, err error) {
	defer wrapErr(&err, flexibleLabel)
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	rng, err := resolveRange(c.Range, s.Freq*c.B+c.W, len(s.Observed))
	if err != nil {
		return nil, err
	}
	n := len(rng)
	res = newResult(flexibleLabel, s, rng)
	res.Expected, res.Score, res.PValue = make([]float64, n), nanSlice(n), nanSlice(n)
	res.Mu0Vector, res.PhiVector = nanSlice(n), nanSlice(n)
	res.TrendVector, res.Trend = nanSlice(n), nanSlice(n)
	fc := newFlexibleCall(s, c)
	defer fc.release()
	for i, t := range rng {
		if err := fc.point(res, i, t+1); err != nil {
			return nil, err
		}
	}
	res.Warnings = fc.warnings
	return res, nil
}

// flexibleCall is the state of one farringtonFlexible call; the slices are
// scratch reused across the evaluated points.
type flexibleCall struct {
	s        Series
	c        FlexibleControl
	warnings []string
	labels   []int     // seasonal label by 1-based index; 0 is NA
	wtime    []float64 // the data rows: 1-based time,
	resp     []float64 // count,
	label    []int     // and label
	levels   []int     // labels present, ascending (levels[0] is the baseline)
	x, x0    []float64 // design (row-major) and prediction row
	present  []bool    // by label: present in the data rows
	ws       stats.Workspace
	// exact asks the GLM for R's arithmetic to the bit; degenerate records
	// that a fit of the current point was perfect (see isDegenerate).
	exact, degenerate bool
}

// flexiblePool recycles the scratch of farringtonFlexible calls: a day's
// run evaluates hundreds of series, each with a few GLM fits.
var flexiblePool = sync.Pool{New: func() any { return new(flexibleCall) }}

func newFlexibleCall(s Series, c FlexibleControl) *flexibleCall {
	fc := flexiblePool.Get().(*flexibleCall)
	fc.s, fc.c, fc.warnings = s, c, nil
	fc.labels = slices.Grow(fc.labels[:0], len(s.Observed)+1)[:len(s.Observed)+1]
	fc.present = slices.Grow(fc.present[:0], c.NoPeriods+1)[:c.NoPeriods+1]
	return fc
}

// release returns fc to the pool; nothing of it may be used afterwards
// (the Result holds only its own slices).
func (fc *flexibleCall) release() {
	fc.s, fc.warnings = Series{}, nil
	flexiblePool.Put(fc)
}

// flexModel is a fitted model with φ = max(φ̂, 1) and the dispersion D that
// R's later summary()/predict() calls use.
type flexModel struct {
	fit       *stats.GLMFit
	phi, disp float64
	trend     bool // the model has the wtime column
}

// point evaluates the 1-based time k into entry i of res, again in exact
// arithmetic if a fit was degenerate.
func (fc *flexibleCall) point(res *Result, i, k int) error {
	fc.exact, fc.degenerate = false, false
	err := fc.evaluate(res, i, k)
	if fc.degenerate {
		fc.exact = true
		err = fc.evaluate(res, i, k)
	}
	return err
}

// evaluate computes the outputs of time k into entry i of res.
func (fc *flexibleCall) evaluate(res *Result, i, k int) error {
	res.Points[i].UpperBound, res.Points[i].Alarm = NA, AlarmNA
	res.Expected[i] = 0
	for _, v := range [][]float64{res.Score, res.PValue, res.Mu0Vector, res.PhiVector, res.TrendVector, res.Trend} {
		v[i] = NA
	}
	if err := fc.data(k); err != nil {
		return err
	}
	m, doTrend, ok, err := fc.model(k)
	if err != nil {
		return err
	}
	if !ok {
		fc.warnings = appendUnique(fc.warnings, fmt.Sprintf("The model could not converge with nor without time trend at timepoint %d so no result can be given for timepoint %d.", k, k))
		return nil // every output stays NA, Expected stays 0 (R's quirk)
	}
	eta0, seEta := m.fit.Predict(fc.predictionRow(k, m.trend), 0, m.disp)
	y := fc.s.Observed[k-1]
	th, err := fc.threshold(eta0, seEta, m.phi, y)
	if err != nil {
		return fmt.Errorf("index %d: %w", k-1, err)
	}
	enough, err := limit54(fc.s.Observed, k, fc.c.Limit54)
	if err != nil {
		return err
	}
	p := &res.Points[i]
	p.Alarm = NoAlarm
	if enough == 1 && th.score > 1 && y != 0 {
		p.Alarm = Alarmed
	}
	if enough == 1 {
		p.UpperBound = th.upper
	}
	res.Expected[i] = NA
	if !IsNA(th.upper) && enough == 1 {
		res.Expected[i] = th.expected
	}
	res.Mu0Vector[i], res.PhiVector[i], res.Score[i], res.PValue[i] = th.mu0, m.phi, th.score, th.prob
	res.Trend[i] = boolFloat(doTrend)
	if doTrend {
		res.TrendVector[i] = m.fit.Coef[1]
	}
	return nil
}

// data builds the rows of the fit for time k (steps 1 of FarringtonFlexible).
func (fc *flexibleCall) data(k int) error {
	f, b, w := fc.s.Freq, fc.c.B, fc.c.W
	if k-b*f < 1 {
		return tooShort("Some reference time points did not exist; decrease 'b' or postpone 'range' (index %d, b = %d)", k-1, b)
	}
	lo := k - b*f - w
	if lo < 0 {
		return tooShort("the window around the oldest reference point of index %d starts before the series (R: only 0's may be mixed with negative subscripts)", k-1)
	}
	if k-fc.c.PastWeeksNotIncluded < 0 {
		return tooShort("pastWeeksNotIncluded = %d reaches before the series at index %d", fc.c.PastWeeksNotIncluded, k-1)
	}
	if err := fc.setLabels(k, max(lo, 1)); err != nil {
		return err
	}
	fc.wtime, fc.resp, fc.label = fc.wtime[:0], fc.resp[:0], fc.label[:0]
	present := fc.present
	clear(present)
	for t := max(lo, 1); t <= k; t++ {
		y := fc.s.Observed[t-1]
		if fc.labels[t] == 0 || IsNA(y) {
			continue
		}
		fc.wtime, fc.resp, fc.label = append(fc.wtime, float64(t)), append(fc.resp, y), append(fc.label, fc.labels[t])
		present[fc.labels[t]] = true
	}
	fc.levels = fc.levels[:0]
	for l, ok := range present {
		if ok {
			fc.levels = append(fc.levels, l)
		}
	}
	if len(fc.resp) == 0 {
		return tooShort("no count to fit at index %d", k-1)
	}
	if fc.c.NoPeriods != 1 && !present[fc.c.NoPeriods] {
		return fmt.Errorf("%w: every count of the reference windows of index %d is NA (R: factor seasgroups has new level)", ErrInvalidSeries, k-1)
	}
	return nil
}

// setLabels is R's blocks() followed by the exclusion of the recent past:
// it labels fc.labels[from..k] (see FarringtonFlexible, step 1).
func (fc *flexibleCall) setLabels(k, from int) error {
	f, b, w, p := fc.s.Freq, fc.c.B, fc.c.W, fc.c.NoPeriods
	lab := fc.labels
	clear(lab[from : k+1])
	set := func(a, z, v int) { // R's v[a:z] <- v, a:z descending when z < a
		if z < a {
			a, z = z, a
		}
		for t := max(a, 1); t <= z; t++ {
			lab[t] = v
		}
	}
	set(k-w, k, p)
	for i := 1; i <= b; i++ {
		prev, ref := k-(i-1)*f, k-i*f
		set(ref-w, ref+w, p)
		if p == 1 {
			continue
		}
		period := prev - 2*w - 1 - ref
		if period < p-(2*w+1) {
			return invalidControl("noPeriods = %d with w = %d and frequency %d: Number of factors too big!", p, w, f)
		}
		size, rest := floorDivMod(period, p-1)
		start := ref + w + 1
		for j := 1; j <= p-1; j++ {
			n := size
			if j <= rest {
				n++
			}
			set(start, start+n-1, j)
			start += n
		}
	}
	set(k-fc.c.PastWeeksNotIncluded, k, 0)
	return nil
}

// floorDivMod is R's %/% and %% (floor division, non-negative remainder for
// a positive divisor).
func floorDivMod(a, b int) (q, r int) {
	q, r = a/b, a%b
	if r < 0 {
		q, r = q-1, r+b
	}
	return q, r
}

// model is R's algo.farrington.glm up to the prediction: fit with the
// trend if requested, decide on the trend, refit without it if rejected.
// ok is false when no model converged (no result for this point).
func (fc *flexibleCall) model(k int) (m flexModel, doTrend, ok bool, err error) {
	m, ok, err = fc.fitFlexible(fc.c.Trend)
	if err != nil || !ok || !m.trend {
		return m, false, ok, err
	}
	if IsNA(m.fit.Coef[1]) {
		return m, false, false, fmt.Errorf("%w: the time trend is aliased at index %d (R stops: subscript out of bounds)", ErrTooShort, k-1)
	}
	eta, _ := m.fit.Predict(fc.predictionRow(k, true), 0, m.disp)
	_, _, _, p := m.fit.TTest(1, m.disp)
	keep := and3(tri3(fc.c.B >= 3), triLess(p, fc.c.PThresholdTrend), triLessEq(math.Exp(eta), slices.Max(fc.resp)))
	switch keep {
	case triTrue:
		return m, true, true, nil
	case triNA:
		return m, false, false, fmt.Errorf("%w: the trend test is NA at index %d (R stops: missing value where TRUE/FALSE needed)", ErrTooShort, k-1)
	}
	m, ok, err = fc.fitFlexible(false)
	if err == nil && !ok {
		err = fmt.Errorf("%w: the model without trend did not converge at index %d (R stops in predict.glm)", ErrInvalidSeries, k-1)
	}
	return m, false, ok, err
}

// fitFlexible is surveillance's algo.farrington.fitGLM.flexible.
func (fc *flexibleCall) fitFlexible(trend bool) (flexModel, bool, error) {
	fit, err := fc.glm(trend, nil)
	if err != nil {
		return flexModel{}, false, err
	}
	if !fit.Converged {
		if trend {
			trend = false
			if fit, err = fc.glm(false, nil); err != nil {
				return flexModel{}, false, err
			}
		}
		if !fit.Converged {
			return flexModel{}, false, nil
		}
	}
	m := flexModel{fit: fit, trend: trend, disp: fit.PearsonDispersion()}
	m.phi = math.Max(m.disp, 1)
	if fc.c.Reweight {
		omega := stats.FarringtonWeights(fit.AnscombeResiduals(m.phi), fc.c.WeightsThreshold)
		if m.fit, err = fc.glm(trend, omega); err != nil {
			return flexModel{}, false, err
		}
		m.phi = math.Max(m.fit.PearsonDispersion(), 1)
		// QUIRK: R then sets model$weights <- omega, so the dispersion of
		// every later summary()/predict() uses the prior weights.
		m.disp = stats.PearsonDispersion(omega, m.fit.Residuals, m.fit.DfResidual)
	}
	return m, true, nil
}

// columns is the number of design columns.
func (fc *flexibleCall) columns(trend bool) int {
	p := 1
	if trend {
		p++
	}
	if fc.c.NoPeriods != 1 {
		p += len(fc.levels) - 1
	}
	return p
}

// glm fits response ~ 1 [+ wtime] [+ seasgroups] (treatment contrasts).
func (fc *flexibleCall) glm(trend bool, weights []float64) (*stats.GLMFit, error) {
	n, p := len(fc.resp), fc.columns(trend)
	fc.x = slices.Grow(fc.x[:0], n*p)[:n*p]
	clear(fc.x)
	dummy := 1
	if trend {
		dummy = 2
	}
	for i, t := range fc.wtime {
		row := fc.x[i*p : i*p+p]
		row[0] = 1
		if trend {
			row[1] = t
		}
		if fc.c.NoPeriods != 1 {
			if j, _ := slices.BinarySearch(fc.levels, fc.label[i]); j > 0 {
				row[dummy+j-1] = 1
			}
		}
	}
	// The workspace's fit replaces the previous one: the callers only ever
	// use the latest fit (ω is computed before its refit and owned here).
	fit, err := fc.ws.Fit(fc.x, n, p, fc.resp, stats.GLMOptions{Family: stats.QuasiPoisson, Weights: weights, Exact: fc.exact})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidSeries, err)
	}
	fc.degenerate = fc.degenerate || isDegenerate(fit)
	return fit, nil
}

// predictionRow is the design row of time k in level NoPeriods.
func (fc *flexibleCall) predictionRow(k int, trend bool) []float64 {
	p := fc.columns(trend)
	fc.x0 = slices.Grow(fc.x0[:0], p)[:p]
	clear(fc.x0)
	fc.x0[0] = 1
	dummy := 1
	if trend {
		fc.x0[1] = float64(k)
		dummy = 2
	}
	if fc.c.NoPeriods != 1 {
		if j, _ := slices.BinarySearch(fc.levels, fc.c.NoPeriods); j > 0 {
			fc.x0[dummy+j-1] = 1
		}
	}
	return fc.x0
}

// flexThreshold is what the threshold functions of farringtonFlexible give
// for one point.
type flexThreshold struct {
	upper, prob, score float64
	expected, mu0      float64 // R's expected (when enough cases) and mu0Vector
}

// threshold is algo.farrington.threshold.farrington (delta) or
// algo.farrington.threshold.noufaily (nbPlugin, muan) with R's outputs.
func (fc *flexibleCall) threshold(eta0, seEta, phi, y float64) (flexThreshold, error) {
	alpha := fc.c.Alpha
	z := stats.QNorm(1-alpha, 0, 1)
	if fc.c.ThresholdMethod == ThresholdDelta {
		mu0 := math.Exp(eta0)
		se := seEta * mu0
		th := farringtonThreshold(mu0, se, phi, fc.c.PowerTrans, z)
		out := flexThreshold{upper: th.upper, expected: mu0, score: NA,
			prob: stats.PNorm(math.Pow(y, th.e), th.mean, th.sigma, false),
			// QUIRK: exp of a count-scale quantile.
			mu0: math.Exp(stats.QNorm(1-alpha, mu0, se))}
		if !IsNA(th.upper) {
			out.score = (y - mu0) / (th.upper - mu0)
		}
		return out, nil
	}
	mu0 := math.Exp(stats.QNorm(1-alpha, eta0, seEta))
	if fc.c.ThresholdMethod == ThresholdNBPlugin {
		mu0 = math.Exp(eta0)
	}
	out := flexThreshold{upper: NA, prob: NA, score: NA, expected: math.Exp(eta0), mu0: mu0}
	switch {
	case IsNA(mu0) || IsNA(phi):
		return out, fmt.Errorf("%w: NA prediction or dispersion (R stops: missing value where TRUE/FALSE needed)", ErrInvalidSeries)
	case math.IsInf(mu0, 1):
		return out, nil
	case phi > 1:
		size := mu0 / (phi - 1)
		out.upper = stats.QNBinom(1-alpha, size, 1/phi)
		out.prob = stats.PNBinom(y-1, size, 1/phi, false)
	default:
		out.upper = stats.QPois(1-alpha, mu0)
		out.prob = stats.PPois(y-1, mu0, false)
	}
	if !IsNA(out.upper) {
		out.score = (y - eta0) / (out.upper - eta0) // QUIRK: the log-scale prediction
	}
	return out, nil
}

package detect

import (
	"fmt"
	"math"
	"slices"

	"github.com/weijian-health/weijian/internal/stats"
)

// PowerTrans is the power transformation of the Farrington threshold.
type PowerTrans string

const (
	PowerNone       PowerTrans = "none" // y
	PowerHalf       PowerTrans = "1/2"  // √y
	PowerTwoThirds  PowerTrans = "2/3"  // y^{2/3}, Farrington et al.'s choice
	farringtonLabel            = "farrington"
)

// exponent returns e of y^e.
func (p PowerTrans) exponent() (float64, error) {
	switch p {
	case PowerNone:
		return 1, nil
	case PowerHalf:
		return 0.5, nil
	case PowerTwoThirds:
		return 2.0 / 3, nil
	}
	return 0, invalidControl("powertrans = %q (want none, 1/2 or 2/3)", string(p))
}

// FarringtonControl is the control of the classic Farrington method
// (R's farrington / algo.farrington with fitFun algo.farrington.fitGLM.fast).
type FarringtonControl struct {
	// Range holds the evaluated 0-based indices, sorted. nil: R's default,
	// from index f·B − W − 1 (1-based f·b − w) to the end.
	Range []int
	B     int // years back; R default 5
	W     int // half window; R default 3
	// Reweight down-weights past outbreaks by Anscombe residuals; R default true.
	Reweight bool
	// Trend allows a linear time trend; R default true.
	Trend bool
	// Alpha is the two-sided level of the prediction interval; R default 0.05.
	Alpha float64
	// Limit54 = {cases, period}: no alarm unless the last period counts
	// (current included) sum to at least cases; R default {5, 4}.
	Limit54    [2]int
	PowerTrans PowerTrans // R default "2/3"
}

// DefaultFarringtonControl returns R's defaults: b = 5, w = 3, reweight,
// trend, alpha = 0.05, limit54 = (5, 4), powertrans = "2/3", default range.
func DefaultFarringtonControl() FarringtonControl {
	return FarringtonControl{B: 5, W: 3, Reweight: true, Trend: true, Alpha: 0.05,
		Limit54: [2]int{5, 4}, PowerTrans: PowerTwoThirds}
}

func (c FarringtonControl) validate() error {
	if c.B <= 0 {
		return invalidControl("b = %d, want ≥ 1", c.B)
	}
	if c.W < 0 {
		return invalidControl("w = %d, want ≥ 0", c.W)
	}
	if err := checkLimit54(c.Limit54); err != nil {
		return err
	}
	if _, err := c.PowerTrans.exponent(); err != nil {
		return err
	}
	return checkProb("alpha", c.Alpha)
}

func checkLimit54(l [2]int) error {
	if !(l[0] >= 0 && l[1] > 0) {
		return invalidControl("limit54 = %v: the limit54 arguments are out of bounds: cases >= 0 and period > 0", l)
	}
	return nil
}

// Farrington runs the outbreak-detection method of Farrington, Andrews,
// Beale and Catchpole (1996), "A statistical algorithm for the early
// detection of outbreaks of infectious disease", J R Stat Soc A 159:547–563,
// exactly as R's farrington (surveillance 1.20.3, fitGLM.fast). For each
// evaluated t (1-based as R):
//
//  1. Reference counts y[t − f·i + j], i = B … 1, j = −W … W (indices < 1
//     dropped with a warning; none left is ErrTooShort; an NA is an error).
//  2. Quasi-Poisson log-linear GLM of the counts on [1, t'] (t' = the
//     reference index) if Trend, else [1]; without convergence the trend is
//     dropped. φ = max(φ̂, 1) (Pearson). With Reweight the fit is repeated
//     with weights ω from the Anscombe residuals (threshold 1) and φ
//     recomputed.
//  3. The trend is kept iff B ≥ 3, its t-test p-value (dispersion φ̂) is
//     < 0.05 and exp(β₀ + β₁t) ≤ max(reference counts); otherwise step 2 is
//     redone without it.
//  4. μ₀ = exp(x₀′β), se = √(x₀′Cx₀ φ)·μ₀; τ = φ + se²/μ₀; z = Φ⁻¹(1 − α/2);
//     with the power e of PowerTrans: σ = √(μ₀τ) (e = 1), √(τ/4) (e = ½),
//     √(4/9 μ₀^{1/3} τ) (e = ⅔); U = (μ₀^e + zσ)^{1/e}.
//  5. enough = Σ_{last Limit54[1] counts} ≥ Limit54[0]. Upper bound U if
//     enough else 0 (R's quirk; NA if enough is NA); alarm iff
//     (y − μ₀)/(U − μ₀) > 1 and enough.
//
// Result.Expected is μ₀, Result.PValue is P(Y ≤ y) under the normal
// approximation on the transformed scale (R's pd[,1]), Result.Trend 1 when
// the trend was kept.
func Farrington(s Series, c FarringtonControl) (res *Result, err error) {
	defer wrapErr(&err, farringtonLabel)
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	rng, err := resolveRange(c.Range, max(s.Freq*c.B-c.W-1, 0), len(s.Observed))
	if err != nil {
		return nil, err
	}
	res = newResult(farringtonLabel, s, rng)
	res.Expected, res.Trend, res.PValue = nanSlice(len(rng)), nanSlice(len(rng)), nanSlice(len(rng))
	fc := farringtonCall{s: s, c: c}
	for i, t := range rng {
		fc.exact, fc.degenerate = false, false
		err := fc.point(res, i, t+1)
		if fc.degenerate {
			fc.exact = true
			err = fc.point(res, i, t+1)
		}
		if err != nil {
			return nil, err
		}
	}
	res.Warnings = fc.warnings
	return res, nil
}

// farringtonCall is the state of one Farrington call.
type farringtonCall struct {
	s        Series
	c        FarringtonControl
	warnings []string
	// scratch, reused across points
	wtime, resp, x []float64
	ws             stats.Workspace
	// exact and degenerate: as in flexibleCall.
	exact, degenerate bool
}

// point evaluates the 1-based time k into entry i of res.
func (fc *farringtonCall) point(res *Result, i, k int) error {
	if err := fc.reference(k); err != nil {
		return err
	}
	m, err := fc.fitWithTrendCheck(k)
	if err != nil {
		return err
	}
	y := fc.s.Observed[k-1]
	x0 := []float64{1, float64(k)}[:1+int(boolFloat(m.trend))]
	eta, seEta := m.fit.Predict(x0, 0, m.phi)
	mu0 := math.Exp(eta)
	th := farringtonThreshold(mu0, seEta*mu0, m.phi, fc.c.PowerTrans, stats.QNorm(1-fc.c.Alpha/2, 0, 1))
	res.Expected[i] = th.median
	res.PValue[i] = stats.PNorm(math.Pow(y, th.e), th.mean, th.sigma, true)
	res.Trend[i] = boolFloat(m.trend)
	p := &res.Points[i]
	enough, err := limit54(fc.s.Observed, k, fc.c.Limit54)
	if err != nil {
		return err
	}
	switch {
	case IsNA(enough):
		p.UpperBound, p.Alarm = NA, AlarmNA
	case enough == 0:
		p.UpperBound, p.Alarm = 0, NoAlarm
	default:
		p.UpperBound = th.upper
		p.Alarm = alarmGreater((y-mu0)/(th.upper-mu0), 1)
	}
	return nil
}

// reference collects the reference indices (1-based, as R's wtime) and
// counts of time k.
func (fc *farringtonCall) reference(k int) error {
	f, b, w := fc.s.Freq, fc.c.B, fc.c.W
	fc.wtime, fc.resp = fc.wtime[:0], fc.resp[:0]
	all := b * (2*w + 1)
	for i := b; i >= 1; i-- {
		for t := k - f*i - w; t <= k-f*i+w; t++ {
			if t < 1 {
				continue
			}
			y := fc.s.Observed[t-1]
			if IsNA(y) {
				return fmt.Errorf("%w: NA count at index %d among the reference values of index %d (R stops: missing value where TRUE/FALSE needed)", ErrInvalidSeries, t-1, k-1)
			}
			fc.wtime = append(fc.wtime, float64(t))
			fc.resp = append(fc.resp, y)
		}
	}
	if miss := all - len(fc.wtime); miss > 0 {
		fc.warn(fmt.Sprintf("@ range= %d: With current b and w then %d/%d reference values did not exist (index<1).", k, miss, all))
	}
	if len(fc.wtime) == 0 {
		return tooShort("no reference values exist for index %d with b = %d, w = %d", k-1, b, w)
	}
	return nil
}

func (fc *farringtonCall) warn(msg string) { fc.warnings = appendUnique(fc.warnings, msg) }

// appendUnique appends msg unless it is already there (R reports each
// warning message once).
func appendUnique(list []string, msg string) []string {
	if slices.Contains(list, msg) {
		return list
	}
	return append(list, msg)
}

// farringtonModel is a fitted model with its clamped dispersion φ.
type farringtonModel struct {
	fit   *stats.GLMFit
	phi   float64
	trend bool // the final model has the wtime column
}

// fitWithTrendCheck is steps 2–3: fit, decide on the trend, refit without.
func (fc *farringtonCall) fitWithTrendCheck(k int) (farringtonModel, error) {
	m, err := fc.fitGLMFast(fc.c.Trend)
	if err != nil || !m.trend {
		return m, err
	}
	if IsNA(m.fit.Coef[1]) {
		return m, fmt.Errorf("%w: the time trend is aliased at index %d (R stops: subscript out of bounds)", ErrTooShort, k-1)
	}
	_, _, _, p := m.fit.TTest(1, m.fit.PearsonDispersion())
	eta, _ := m.fit.Predict([]float64{1, float64(k)}, 0, 1)
	keep := and3(tri3(fc.c.B >= 3), triLess(p, 0.05), tri3(math.Exp(eta) <= slices.Max(fc.resp)))
	if keep == triNA {
		return m, fmt.Errorf("%w: the trend's p-value is NA at index %d (R stops: missing value where TRUE/FALSE needed)", ErrTooShort, k-1)
	}
	if keep == triTrue {
		return m, nil
	}
	return fc.fitGLMFast(false)
}

// fitGLMFast is surveillance's algo.farrington.fitGLM.fast.
func (fc *farringtonCall) fitGLMFast(trend bool) (farringtonModel, error) {
	fit, err := fc.glm(trend, nil)
	if err != nil {
		return farringtonModel{}, err
	}
	if !fit.Converged && trend {
		fc.warn("Warning: No convergence with timeTrend -- trying without.")
		trend = false
		if fit, err = fc.glm(false, nil); err != nil {
			return farringtonModel{}, err
		}
	}
	phi := math.Max(fit.PearsonDispersion(), 1)
	if fc.c.Reweight {
		omega := stats.FarringtonWeights(fit.AnscombeResiduals(phi), 1)
		if fit, err = fc.glm(trend, omega); err != nil {
			return farringtonModel{}, err
		}
		phi = math.Max(fit.PearsonDispersion(), 1)
	}
	return farringtonModel{fit: fit, phi: phi, trend: trend}, nil
}

// glm fits the quasi-Poisson model on [1, wtime] or [1].
func (fc *farringtonCall) glm(trend bool, weights []float64) (*stats.GLMFit, error) {
	n, p := len(fc.resp), 1
	if trend {
		p = 2
	}
	fc.x = slices.Grow(fc.x[:0], n*p)[:n*p]
	for i, t := range fc.wtime {
		fc.x[i*p] = 1
		if trend {
			fc.x[i*p+1] = t
		}
	}
	// The workspace's fit replaces the previous one, which is no longer used.
	fit, err := fc.ws.Fit(fc.x, n, p, fc.resp, stats.GLMOptions{Family: stats.QuasiPoisson, Weights: weights, Exact: fc.exact})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidSeries, err)
	}
	fc.degenerate = fc.degenerate || isDegenerate(fit)
	return fit, nil
}

// degenerateDispersion is the Pearson dispersion below which a fit is
// taken as perfect: the residuals are rounding noise (about 1e-30 for a
// constant series), so R's trend test and its "no extrapolation" check are
// decided by the last bits of its arithmetic. Real count data give φ̂ of
// order 1; 1e-16 leaves a wide margin on both sides.
const degenerateDispersion = 1e-16

// isDegenerate reports whether fit is perfect up to rounding. Such points
// are recomputed with stats.GLMOptions.Exact, which reproduces R's
// operations to the bit (verified on the constant-series fixtures, where the
// trend coefficient of 2e-18 R reports is matched exactly).
func isDegenerate(fit *stats.GLMFit) bool {
	return fit.Converged && fit.PearsonDispersion() < degenerateDispersion
}

// threshold is the Farrington prediction interval on the scale y^e.
type threshold struct {
	e      float64 // the power
	mean   float64 // μ₀^e
	sigma  float64 // sd of Y^e − μ₀^e
	upper  float64 // U
	median float64 // qnorm(0.5, μ₀^e, σ)^{1/e} (= μ₀ unless σ is NA)
}

// farringtonThreshold is surveillance's algo.farrington.threshold (and
// algo.farrington.threshold.farrington) for the prediction μ₀ with
// standard error se on the count scale, dispersion φ and quantile z:
// τ = φ + se²/μ₀, σ by the power (see Farrington), and the bound
// U = (μ₀^e + zσ)^{1/e} taken as R does, as the second of the two interval
// ends sorted with NaN first.
func farringtonThreshold(mu0, se, phi float64, pt PowerTrans, z float64) threshold {
	e, _ := pt.exponent()
	tau := phi + se*se/mu0
	var sigma float64
	switch pt {
	case PowerNone:
		sigma = math.Sqrt(mu0 * tau)
	case PowerHalf:
		sigma = math.Sqrt(0.25 * tau)
	default:
		sigma = math.Sqrt(4.0 / 9 * math.Pow(mu0, 1.0/3) * tau)
	}
	m := math.Pow(mu0, e)
	lo, up := math.Pow(m-z*sigma, 1/e), math.Pow(m+z*sigma, 1/e)
	switch {
	case IsNA(lo):
	case IsNA(up):
		up = lo
	default:
		up = math.Max(lo, up)
	}
	return threshold{e: e, mean: m, sigma: sigma, upper: up, median: math.Pow(stats.QNorm(0.5, m, sigma), 1/e)}
}

// limit54 is R's enoughCases: 1 if the counts k−period+1 … k (1-based,
// current included) sum to at least cases, 0 if not, NA if one is NA.
func limit54(y []float64, k int, l [2]int) (float64, error) {
	from := k - l[1] + 1
	if from < 0 {
		return NA, tooShort("limit54 period %d reaches before the series at index %d", l[1], k-1)
	}
	var sum float64
	for t := max(from, 1); t <= k; t++ {
		sum += y[t-1]
	}
	if IsNA(sum) {
		return NA, nil
	}
	return boolFloat(sum >= float64(l[0])), nil
}

// tri is R's logical: FALSE, TRUE or NA.
type tri int8

const (
	triFalse tri = iota
	triTrue
	triNA
)

func tri3(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}

// triLessEq is R's a <= b with NA for NaN.
func triLessEq(a, b float64) tri {
	if IsNA(a) || IsNA(b) {
		return triNA
	}
	return tri3(a <= b)
}

// triLess is R's a < b with NA for NaN.
func triLess(a, b float64) tri {
	if IsNA(a) || IsNA(b) {
		return triNA
	}
	return tri3(a < b)
}

// and3 is R's a && b && …: FALSE if any is FALSE, else NA if any is NA.
func and3(v ...tri) tri {
	out := triTrue
	for _, x := range v {
		if x == triFalse {
			return triFalse
		}
		if x == triNA {
			out = triNA
		}
	}
	return out
}

// alarmGreater is the alarm x > limit (strict), NA if x is NA.
func alarmGreater(x, limit float64) Alarm {
	if IsNA(x) {
		return AlarmNA
	}
	if x > limit {
		return Alarmed
	}
	return NoAlarm
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func nanSlice(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = NA
	}
	return v
}

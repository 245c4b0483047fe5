package detect

import (
	"math"
	"slices"

	"github.com/weijian-health/weijian/internal/stats"
)

// GLRReturn says what GLRNB reports as the upper bound (R's control$ret).
type GLRReturn string

const (
	GLRValue GLRReturn = "value" // the GLR statistic itself (R's default when ret is not given)
	GLRCases GLRReturn = "cases" // the number of cases needed for an alarm
)

// GLRNBControl is the control of GLRNB (R's algo.glrnb with change =
// "intercept", dir = "inc", M = −1, Mtilde = 1, theta = NULL: the only
// settings implemented).
type GLRNBControl struct {
	// Range holds the evaluated 0-based indices, sorted. nil: every index
	// after the first year (Freq observations) of training.
	Range []int
	CARL  float64 // alarm threshold c.ARL on the GLR statistic; R default 5
	// Mu0 holds known in-control means, one per range point (R's numeric
	// mu0). nil: fit them (R's mu0 = NULL or list(S, trend, refit = FALSE)).
	Mu0   []float64
	S     int       // harmonics of the mu0 GLM; R default 1
	Trend bool      // linear time trend in the mu0 GLM; R default FALSE
	Alpha float64   // NB dispersion α (Var = μ + αμ²); 0 = Poisson; R default 0
	Ret   GLRReturn // R default "value"
	XMax  float64   // NB "cases" search limit; R default 1e4
}

// DefaultGLRNBControl returns R's defaults: c.ARL = 5, mu0 = list(S = 1,
// trend = FALSE, refit = FALSE), alpha = 0 (Poisson), ret = "value",
// xMax = 1e4.
func DefaultGLRNBControl() GLRNBControl {
	return GLRNBControl{CARL: 5, S: 1, Ret: GLRValue, XMax: 1e4}
}

func (c GLRNBControl) validate() error {
	switch {
	case !isFinite(c.CARL) || c.CARL <= 0:
		return invalidControl("c.ARL = %v, want a finite value > 0", c.CARL)
	case !isFinite(c.Alpha) || c.Alpha < 0:
		return invalidControl("alpha = %v, want a finite value ≥ 0 (0 = Poisson)", c.Alpha)
	case c.Ret != GLRValue && c.Ret != GLRCases:
		return invalidControl("ret = %q, want value or cases", c.Ret)
	case c.Mu0 == nil && c.S < 1:
		return invalidControl("S = %d harmonics, want ≥ 1", c.S)
	case !(c.XMax >= 1) || c.XMax > 1<<31-1:
		return invalidControl("xMax = %v, want 1 ≤ xMax < 2^31", c.XMax)
	}
	return nil
}

// GLRNB is the GLR-based CUSUM for a rise in the intercept of a Poisson or
// negative-binomial count (Höhle & Paul 2008, "Count data regression charts
// for the monitoring of surveillance time series", CSDA 52:4357–4368), as
// R's algo.glrnb (surveillance 1.20.3). With x the counts of the range and
// μ₀ the in-control means, the statistic at position n of the current
// segment (positions 0..n since the last reset) is
//
//	GLR_n = max_{0≤k≤n} sup_{κ≥0} Σ_{i=k}^{n} log f(x_i; μ₀ᵢe^κ)/f(x_i; μ₀ᵢ)
//
// Poisson (α = 0): κ̂ = max(0, log(Σx/Σμ₀)) and l = κ̂Σx + (1 − e^κ̂)Σμ₀.
// Negative binomial (α > 0): κ̂ by Newton–Raphson (start 0.5, then the
// previous k's truncated estimate; stop at |Δκ| ≤ 1e-6, κ ≤ −18 or 1000
// steps), truncated at 0, and l = Σ κ̂xᵢ + (xᵢ + 1/α) log((1 + αμ₀ᵢ)/(1 +
// αμ₀ᵢe^κ̂)). The first n with GLR_n ≥ c.ARL is an alarm and the chart
// restarts at the next point (μ₀ is not refitted).
//
// μ₀ (when not given) comes from a GLM fitted to the counts before the range
// (NA dropped): log μ = β₀ [+ β₁t] + Σ_{s=1}^{S} γ_s cos(2sπt/f) + δ_s
// sin(2sπt/f), t the 1-based index, Poisson (α = 0) or negative binomial
// with θ = 1/α, predicted at the range (μ floored at 2.2e-16 as R's link
// inverse). Result.Mu0 holds it.
//
// Upper bound: ret = value gives GLR_n; ret = cases gives the number of
// cases at n that would have raised an alarm given the earlier counts of
// the segment (Poisson: the smallest v ≥ 0 with GLR_n(v) ≥ c.ARL; NB: R's
// search between 1 and XMax, 1e99 when it fails before an alarm — see
// glrCasesNB). NA and negative bounds are reported as 0. An NA count in the
// range is ErrInvalidSeries (R stops).
func GLRNB(s Series, ctl GLRNBControl) (res *Result, err error) {
	defer wrapErr(&err, "glrnb")
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if err := ctl.validate(); err != nil {
		return nil, err
	}
	rng, err := resolveRange(ctl.Range, s.Freq, len(s.Observed))
	if err != nil {
		return nil, err
	}
	x := make([]float64, len(rng))
	for i, t := range rng {
		if x[i] = s.Observed[t]; IsNA(x[i]) {
			return nil, wrapKind(ErrInvalidSeries, "missing count at index %d inside the range", t)
		}
	}
	mu0 := ctl.Mu0
	var warnings []string
	if mu0 == nil {
		if mu0, warnings, err = glrMu0(s, rng, ctl); err != nil {
			return nil, err
		}
	} else if len(mu0) != len(rng) {
		return nil, invalidControl("%d mu0 values for %d range points", len(mu0), len(rng))
	}
	res = newResult("glrnb", s, rng)
	res.Mu0, res.Warnings = mu0, warnings
	g := glrChart{alpha: ctl.Alpha, carl: ctl.CARL, xmax: ctl.XMax, work: &nbWork{}}
	for start := 0; start < len(x); {
		stat, n := g.run(x[start:], mu0[start:])
		bound := stat
		if ctl.Ret == GLRCases {
			bound = g.cases(x[start:], mu0[start:], len(stat), n)
		}
		for j, v := range bound {
			res.Points[start+j].UpperBound = cleanBound(v)
			res.Points[start+j].Alarm = NoAlarm
		}
		if n < 0 {
			break
		}
		res.Points[start+n].Alarm = Alarmed
		start += n + 1
	}
	return res, nil
}

// glrChart evaluates the GLR statistic of one segment.
type glrChart struct {
	alpha, carl, xmax float64
	work              *nbWork // glrNB's scratch, reused from one n to the next
}

// run computes GLR_n for n = 0, 1, … until the first alarm; it returns the
// statistics computed and the alarm position (−1 if none).
func (g glrChart) run(x, mu []float64) ([]float64, int) {
	stat := make([]float64, 0, len(x))
	for n := range x {
		v := g.stat(x, mu, n)
		stat = append(stat, v)
		if v >= g.carl {
			return stat, n
		}
	}
	return stat, -1
}

// stat is GLR_n over x[0..n].
func (g glrChart) stat(x, mu []float64, n int) float64 {
	if g.alpha == 0 {
		return glrPois(x, mu, n)
	}
	return glrNB(g.work, x, mu, n, g.alpha)
}

// glrPois is C glr_cusum's glr(): for k = n down to 0, κ = fmax(0,
// log(Sx/Sμ)) (C fmax: NaN gives 0), l = κSx + (1 − e^κ)Sμ, maximum over k
// (a NaN l is never the maximum). log and exp are skipped when Sx ≤ Sμ,
// where κ = 0 and l = 0·Sx + 0·Sμ exactly as C computes it.
func glrPois(x, mu []float64, n int) float64 {
	best := -1e99
	var sx, sm float64
	for k := n; k >= 0; k-- {
		sx += x[k]
		sm += mu[k]
		kappa, ek := 0.0, 1.0
		if sx > sm || !(sx <= sm) {
			kappa = cfmax0(math.Log(sx / sm))
			ek = math.Exp(kappa)
		}
		if l := kappa*sx + (1-ek)*sm; l > best {
			best = l
		}
	}
	return best
}

// glrNB is C glr_nb_window with M = −1, Mtilde = 1, dir = inc: for each
// change point k the MLE of κ by Newton–Raphson, truncated at 0, and
// l_{n,k} at it.
//
// Shortcut: the NB log-likelihood in κ is concave and the Newton step uses
// its exact second derivative, so when the score at κ = 0,
// Σ (x_i − μ_i)/(1 + αμ_i), is negative the MLE is negative, the iteration
// ends below 0, κ̂ = max(0, κ) = 0 and l_{n,k} = 0 (each log term is log 1).
// That skips the Newton loop for most change points of a quiet series.
//
// The per-point constants (αμ_i, μ_i(αx_i + 1), x_i + 1/α) and the suffix
// sums of x_i and of (x_i + 1/α) log(1 + αμ_i) over k..n are computed once
// per n, so that a score–information step costs one division per point
// and l_{n,k} one logarithm (C's nbScore, nbFisher and nblnk compute the
// same sums term by term; the results agree to rounding).
//
// Second shortcut: only the maximum over k is wanted, and l_{n,k} costs
// n−k+1 logarithms. The Newton loop (in C's order, each k starting from the
// previous k's estimate) runs first and lnkBound bounds each l_{n,k} from
// above at no cost per point, within about 1e-3; then l_{n,k} is computed
// for the largest bounds first, until no bound left exceeds the best l
// found. That is usually one or two change points instead of all, and the
// maximum is the same: every skipped l_{n,k} is at most its bound, which is
// at most the maximum.
func glrNB(w *nbWork, x, mu []float64, n int, alpha float64) float64 {
	m := n + 1
	w.reset(x[:m], mu[:m], alpha)
	best := -1e99
	kml := 0.5
	cands := w.cands[:0]
	for k := 0; k <= n; k++ {
		if w.score0[k] < 0 {
			kml = 0
			best = max(best, 0)
			continue
		}
		var bound float64
		if kml, bound = w.newton(k, kml); kml == 0 {
			best = max(best, 0) // lnk(k, 0) = 0
			continue
		}
		cands = append(cands, nbCand{k, kml, bound})
	}
	w.cands = cands
	for {
		i := -1 // the candidate with the largest bound above best
		for j, c := range cands {
			if c.bound > best && (i < 0 || c.bound > cands[i].bound) {
				i = j
			}
		}
		if i < 0 {
			return best
		}
		if l := w.lnk(cands[i].k, cands[i].kappa); l > best {
			best = l
		}
		cands[i].bound = math.Inf(-1) // done
	}
}

// newton is C's Newton–Raphson for κ̂ at change point k, from start (and
// old = 0.4; it stops at |Δκ| ≤ 1e-6, κ ≤ −18 or 1000 steps). It returns
// the estimate truncated at 0 and lnkBound there (+Inf when no step was
// taken or the bound is NaN).
func (w *nbWork) newton(k int, start float64) (kappa, bound float64) {
	old, kap := 0.4, start
	var sc, fi float64
	steps := 0
	for ; kap > -18 && math.Abs(kap-old) > 1e-6 && steps < 1000; steps++ {
		old = kap
		sc, fi = w.scoreFisher(k, old)
		kap = old + sc/fi
	}
	kappa, bound = cfmax0(kap), math.Inf(1)
	if b := w.lnkBound(k, kappa, old, sc, fi); steps > 0 && !math.IsNaN(b) {
		bound = b
	}
	return kappa, bound
}

// nbCand is a change point whose l_{n,k} glrNB may need: κ̂ and the bound.
type nbCand struct {
	k            int
	kappa, bound float64
}

// nbWork holds what glrNB's change points share for one n, and the
// per-point terms, which the next n (and the next probe of the cases
// search, which changes x_n only) shares.
type nbWork struct {
	x, mu []float64
	alpha float64
	// Per point, valid while (px_i, pmu_i) = (x_i, μ_i) (NaN: not yet).
	px, pmu []float64
	am, fm  []float64 // αμ_i and μ_i(αx_i + 1)
	wx      []float64 // x_i + 1/α
	dScore  []float64 // (x_i − μ_i)/(1 + αμ_i)
	dInfo   []float64 // μ_i(αx_i + 1)/(1 + αμ_i)²
	base    []float64 // (x_i + 1/α) log(1 + αμ_i), NaN until needed
	// Suffix sums over k..n for the current n.
	score0  []float64 // Σ_{i≥k} (x_i − μ_i)/(1 + αμ_i)
	sumX    []float64 // Σ_{i≥k} x_i
	sumBase []float64 // Σ_{i≥k} (x_i + 1/α) log(1 + αμ_i)
	info0   []float64 // Σ_{i≥k} μ_i(αx_i + 1)/(1 + αμ_i)²: −l″ at κ = 0
	sumW    []float64 // Σ_{i≥k} (x_i + 1/α)
	cands   []nbCand  // glrNB's scratch
}

// reset prepares w for the points x, mu: the per-point terms of points
// not seen with these values (the summands of C's sums, so the sums are
// the same to the bit), then the suffix sums.
func (w *nbWork) reset(x, mu []float64, alpha float64) {
	m := len(x)
	w.x, w.mu = x, mu
	if alpha != w.alpha || len(w.px) < m {
		if alpha != w.alpha {
			w.px = w.px[:0]
			w.alpha = alpha
		}
		w.grow(max(m, 2*len(w.px), 64))
	}
	for i := range m {
		if w.px[i] == x[i] && w.pmu[i] == mu[i] {
			continue
		}
		a := alpha * mu[i]
		w.am[i], w.fm[i], w.wx[i] = a, mu[i]*(alpha*x[i]+1), x[i]+1/alpha
		w.dScore[i] = (x[i] - mu[i]) / (1 + a)
		w.dInfo[i] = w.fm[i] / ((1 + a) * (1 + a))
		w.base[i] = math.NaN()
		w.px[i], w.pmu[i] = x[i], mu[i]
	}
	var s0, sx, sb, i0, sw float64
	for k := m - 1; k >= 0; k-- {
		s0 += w.dScore[k]
		sx += x[k]
		i0 += w.dInfo[k]
		sw += w.wx[k]
		w.score0[k], w.sumX[k], w.info0[k], w.sumW[k] = s0, sx, i0, sw
	}
	// The base sum is needed only from the first change point with a
	// non-negative score on; it costs a logarithm per point, once.
	first := slices.IndexFunc(w.score0[:m], func(v float64) bool { return !(v < 0) })
	if first < 0 {
		return
	}
	for k := m - 1; k >= first; k-- {
		if math.IsNaN(w.base[k]) {
			w.base[k] = w.wx[k] * math.Log1p(w.am[k])
		}
		sb += w.base[k]
		w.sumBase[k] = sb
	}
}

// grow makes room for m points, keeping the per-point terms of the ones
// kept in px (the others are marked not yet computed).
func (w *nbWork) grow(m int) {
	keep := len(w.px)
	perPoint := []*[]float64{&w.px, &w.pmu, &w.am, &w.fm, &w.wx, &w.dScore, &w.dInfo, &w.base}
	for _, s := range perPoint {
		*s = append((*s)[:keep], make([]float64, m-keep)...)
	}
	for i := keep; i < m; i++ {
		w.px[i] = math.NaN()
	}
	for _, s := range []*[]float64{&w.score0, &w.sumX, &w.sumBase, &w.info0, &w.sumW} {
		*s = make([]float64, m)
	}
}

// scoreFisher returns the score Σ (x_i − e^κμ_i)/(1 + αe^κμ_i) and the
// Fisher information e^κ Σ μ_i(αx_i + 1)/(1 + αe^κμ_i)² over i ≥ k (C
// nbScore, nbFisher).
func (w *nbWork) scoreFisher(k int, kappa float64) (score, fisher float64) {
	ek := stats.FastExp(kappa) // within an ulp of math.Exp: the Newton path moves by rounding only
	x, mu, am, fm := w.x[k:], w.mu[k:len(w.x)], w.am[k:len(w.x)], w.fm[k:len(w.x)]
	for i, xi := range x {
		inv := 1 / (1 + am[i]*ek)
		score += (xi - ek*mu[i]) * inv
		fisher += fm[i] * inv * inv
	}
	return score, ek * fisher
}

// lnkBound is an upper bound of l_{n,k} at κ ≥ 0, from what the Newton
// iteration already has: its last point κ₀ with the score L′(κ₀) = sc and
// information −L″(κ₀) = fi, and the suffix sums at κ = 0. l(κ) = L(κ) =
// Σ_{i≥k} ℓ_i(κ) is concave with L(0) = 0, L′(0) = score0, L″(0) = −info0:
//
//   - it lies below its tangent at 0: L(κ) ≤ score0·κ;
//   - and below its tangent at κ₀: L(κ) ≤ L(κ₀) + sc·(κ − κ₀), where, for
//     κ₀ > 0, L(κ₀) = ∫₀^κ₀ L′ is given by the Hermite (corrected
//     trapezoid) rule κ₀/2·(L′(0) + L′(κ₀)) + κ₀²/12·(L″(0) − L″(κ₀)) up to
//     an error of at most κ₀⁵/720·max|L⁽⁵⁾|. With t_i = αμ_ie^κ, L″ =
//     −Σ (x_i + 1/α) t_i/(1 + t_i)², and each further derivative in κ is
//     t·d/dt, so |L⁽⁵⁾| ≤ d5Max·Σ (x_i + 1/α).
//
// The second bound is within about 1e-3 of l_{n,k} (l is nearly quadratic
// in κ), the first about twice it. The margin covers rounding: the bound
// only decides whether lnk is computed, never the value kept.
func (w *nbWork) lnkBound(k int, kappa, k0, sc, fi float64) float64 {
	s0 := w.score0[k]
	b := s0 * kappa
	if k0 > 0 {
		l0 := k0/2*(s0+sc) + k0*k0/12*(fi-w.info0[k]) + math.Pow(k0, 5)/720*d5Max*w.sumW[k]
		b = min(b, l0+sc*(kappa-k0)+1e-9*(1+math.Abs(l0)))
	}
	return b
}

// d5Max bounds |(t d/dt)³ t/(1+t)²| over t > 0: 0.12768392… at t ≈ 0.4306
// (mpmath; TestD5Max checks it), rounded up.
const d5Max = 0.1277

// lnk is C nblnk over i ≥ k: Σ κx_i + (x_i + 1/α) log((1 + αμ_i)/(1 +
// αμ_ie^κ)), as κΣx_i + Σ(x_i + 1/α) log(1 + αμ_i) − Σ(x_i + 1/α) log(1 +
// αμ_ie^κ).
func (w *nbWork) lnk(k int, kappa float64) float64 {
	if kappa == 0 {
		return 0 // every log term is log 1
	}
	ek, sum := math.Exp(kappa), 0.0
	am, wx := w.am[k:len(w.x)], w.wx[k:len(w.x)]
	for i, a := range am {
		sum += wx[i] * math.Log1p(a*ek)
	}
	return kappa*w.sumX[k] + w.sumBase[k] - sum
}

// cfmax0 is C's fmax(0, v): a NaN v gives 0.
func cfmax0(v float64) float64 {
	if v > 0 {
		return v
	}
	return 0
}

// statWith is GLR_n with x[n] replaced by v (x is restored).
func (g glrChart) statWith(x, mu []float64, n int, v float64) float64 {
	old := x[n]
	x[n] = v
	st := g.stat(x, mu, n)
	x[n] = old
	return st
}

// cases returns, for positions 0..m−1 of the segment (m = positions
// computed, alarm at position alarm or −1), the cases needed for an alarm.
func (g glrChart) cases(x, mu []float64, m, alarm int) []float64 {
	x = append([]float64(nil), x...) // statWith writes into x
	out := make([]float64, m)
	for n := range out {
		if g.alpha == 0 {
			out[n] = g.casesPois(x, mu, n)
		} else {
			out[n] = g.casesNB(x, mu, n, n == alarm)
		}
	}
	return out
}

// casesPois is C glr_cusum's search: the smallest integer v ≥ 0 with
// GLR_n(v) ≥ c.ARL. GLR_n is non-decreasing in v, so the search doubles
// then bisects instead of stepping by one; NA if no v up to 2^53 works
// (μ₀ NaN or infinite, where C would loop forever).
func (g glrChart) casesPois(x, mu []float64, n int) float64 {
	return firstAtLeast(0, 1<<53, func(v float64) bool { return g.statWith(x, mu, n, v) >= g.carl })
}

// casesNB is R's brute-force search for α > 0 (SCHEMA.md §7.5), with the
// same monotone shortcut as casesPois. The R loop steps only while the
// current v lies in [1, xMax]:
//   - before the alarm: from v = x_n upwards, the first v in x_n+1 … xMax+1
//     with GLR_n(v) ≥ c.ARL; 1e99 if none or if x_n is 0 or above xMax;
//   - at the alarm: from v = x_n downwards, (the first v in x_n−1 … 0 with
//     GLR_n(v) < c.ARL) + 1; NA if none or if x_n is 0 or above xMax.
func (g glrChart) casesNB(x, mu []float64, n int, atAlarm bool) float64 {
	xn := x[n]
	if xn < 1 || xn > g.xmax {
		if atAlarm {
			return NA
		}
		return 1e99
	}
	alarmAt := func(v float64) bool { return g.statWith(x, mu, n, v) >= g.carl }
	if atAlarm {
		// Smallest v in [0, x_n] still alarming; x_n alarms.
		v := firstAtLeast(0, xn, alarmAt)
		if v == 0 {
			return NA // the alarm persists down to 0
		}
		return v
	}
	v := firstAtLeast(xn+1, g.xmax+1, alarmAt)
	if IsNA(v) {
		return 1e99
	}
	return v
}

// firstAtLeast returns the smallest integer v in [lo, hi] with ok(v), for
// ok non-decreasing in v; NA if ok(hi) is false. It gallops from lo (so a
// nearby answer costs few evaluations) and then bisects.
func firstAtLeast(lo, hi float64, ok func(float64) bool) float64 {
	if ok(lo) {
		return lo
	}
	bad, step := lo, 1.0
	var good float64
	for {
		v := bad + step
		if v >= hi {
			if !ok(hi) {
				return NA
			}
			good = hi
			break
		}
		if ok(v) {
			good = v
			break
		}
		bad, step = v, step*2
	}
	for good-bad > 1 {
		mid := math.Floor((bad + good) / 2)
		if ok(mid) {
			good = mid
		} else {
			bad = mid
		}
	}
	return good
}

package stats

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// Tail probabilities of the negative binomial and the Poisson distribution
// by quadrature, for parameters where neither summing the pmf nor gonum's
// incomplete beta/gamma functions will do.
//
// Why hand-written: R's pbeta is TOMS 708 (DiDonato & Morris's bratio, with
// its asymptotic expansions for large parameters), which gonum lacks:
// gonum's RegIncBeta loses about ε·(a+b) of relative accuracy (1e-7 at
// a + b = 3·10⁷), and its incomplete gamma functions stop their series and
// continued fractions after 2000 terms, which leaves Poisson tails more
// than 4.5 standard deviations out wrong once the mean passes ~10⁶ (off by
// 35% at 5 sd for λ = 10⁸, by 100% for λ ≥ 10¹⁰). Summing the pmf is exact
// to rounding but costs O(sd) terms: up to 2²¹ terms per cdf call, tens of
// seconds per farringtonFlexible series when μ ≈ 10¹². The quadrature below
// costs at most 2·tqMaxNodes + 1 density evaluations (plus a scale search
// that takes a few), typically ~100 (≈ 10 µs), whatever the parameters.
//
// Method. Both cdfs are tail integrals of a log-concave density on the real
// line. For the negative binomial, with a = size, b = k + 1 and the logit
// s = log(t/(1−t)),
//
//	P(X ≤ k) = I_p(a, b) = ∫_{−∞}^{logit p} tᵃ (1−t)ᵇ ds / B(a, b),
//
// and for the Poisson, with A = k + 1 and s = log t,
//
//	P(X ≤ k) = Q(A, λ) = ∫_{log λ}^{∞} exp(A s − eˢ) ds / Γ(A).
//
// Measured from the mode s₀ (δ = s − s₀) the log of the integrand is a
// concave H(δ) with H(0) = 0, evaluated without cancellation however large
// the parameters (nbLogDensity, poisLogDensity); the endpoint δc is formed
// from the inputs without cancellation too (nbEndpoint). The integral of
// exp(H) over the line has a closed form through Loader's stirlerr (a few
// ulps): √(2π(a+b)/(ab))·e^{se(a)+se(b)−se(a+b)}, and √(2π/A)·e^{se(A)}.
// The tail beyond δc on the side away from the mean is summed with the
// trapezoidal rule after a double-exponential substitution (Takahasi &
// Mori's v = v₁·exp(t − e⁻ᵗ) for (0, ∞)), whose error falls like
// exp(−c/h) in the step h (logTailQuad). The other tail is 1 − this one:
// a log-concave density has at least 1/e of its mass on each side of its
// mean (Grünbaum), so the complement keeps its relative accuracy. (Not so
// of the mode: for a size of 10⁻⁶ the mass above the mode of the logit is
// 10⁻⁵.) Where that tail contains the mode, the integrand rises by at most
// a factor e on its way there, as a log-concave density at its mean is at
// least 1/e of its maximum (Fradelizi).
//
// Accuracy, against 60-digit mpmath references for the exact float64
// inputs (TestTailQuadAccuracy; ~1,000 points in development): relative
// error ≤ 2e-14 on both tails while they are above 1e-20, for sizes from
// 10⁻⁶ to 10¹⁵, means up to 10¹³, points from −40 to +40 sd, wherever
// size + k + 1 ≥ 1000 (where PNBinom uses it), and for Poisson means from
// 10³ to 10¹⁵ (k ≥ 1000, where PPois uses it); further out the error grows
// like ε·|H(δc)|, the conditioning of a probability e^H with respect to the
// parameters, to ~2.5e-13 at 1e-250. (With both parameters small, where
// the callers use other methods, the tail through the mode can cross a
// long plateau that the rule does not resolve.)

// tqStep is the trapezoid step in t. tqMaxNodes caps the nodes on each side
// of t = 0; it is reached only by integrands with both parameters small,
// which the callers leave to other methods, and there bounds the time
// rather than the accuracy. A side stops once a node adds less than tqTol
// relatively.
const (
	tqStep     = 1.0 / 12
	tqMaxNodes = 400
	tqTol      = 1e-18
)

// tqNodes[tqMaxNodes+j] = (φ(t), φ′(t)) for φ(t) = exp(t − e⁻ᵗ) at t = j·tqStep.
var tqNodes = func() (n [2*tqMaxNodes + 1][2]float64) {
	for j := range n {
		t := float64(j-tqMaxNodes) * tqStep
		e := math.Exp(-t)
		phi := math.Exp(t - e)
		n[j] = [2]float64{phi, phi * (1 + e)}
	}
	return n
}()

// logDensity is the log of an integrand, relative to its maximum at δ = 0.
type logDensity interface {
	h(d float64) float64  // H(δ) ≤ 0
	dh(d float64) float64 // H′(δ)
	// superExp reports whether H falls like −c·e^{±δ} on the upper
	// (lower) side before it falls linearly, if at all.
	superExp(upper bool) bool
}

// logTailQuad returns the log of ∫_{−∞}^{dc} exp(H(δ)) dδ (upper = false)
// or of ∫_{dc}^{∞} exp(H(δ)) dδ (upper = true); sigma is the width
// 1/√(−H″(0)) of the integrand at its mode. If the range contains the
// mode, H(dc) should be above −1 or so.
func logTailQuad[D logDensity](f D, dc float64, upper bool, sigma float64) float64 {
	sgn := -1.0
	if upper {
		sgn = 1
	}
	h0 := f.h(dc)
	if math.IsInf(h0, -1) || math.IsNaN(h0) {
		return h0
	}
	// The variable of integration is v ∈ (0, ∞) with δ = dc ± v, or, on a
	// side where the integrand falls super-exponentially, δ = dc ±
	// log(1 + v): there exp(−c·e^{±δ}) falls only exponentially in v.
	// (There the final linear fall e^{∓rδ} becomes algebraic, (1+v)^{−r−1},
	// which is fast enough as the callers choose that side only when r is
	// the larger parameter, in practice above 500.)
	ratio := f.superExp(upper)
	// at is the log of the integrand in v (with the Jacobian) relative to
	// its value at the endpoint.
	at := func(v float64) float64 {
		if ratio {
			return f.h(dc+sgn*math.Log1p(v)) - h0 - math.Log1p(v)
		}
		return f.h(dc+sgn*v) - h0
	}
	// v1 is the scale of the integrand: the largest power-of-two multiple
	// of the first guess (1/slope far out, σ near the mode) over which it
	// falls by at most e² (found by galloping over the exponent, then
	// bisecting it: ~2·log₂ of the exponent's distance, ≤ ~24 evaluations).
	v1 := 1 / (math.Abs(f.dh(dc)) + 1/sigma)
	if !(v1 > 0) || math.IsInf(v1, 1) {
		v1 = 1
	}
	ok := func(e int) bool { // the integrand at v1·2^e is within e² of its start
		v := math.Ldexp(v1, e)
		return v > 0 && !math.IsInf(v, 1) && at(v) >= -2
	}
	var e0, e1 int // ok(e0), !ok(e1)
	if ok(0) {
		e1 = 1
		for ok(e1) && e1 < 4096 {
			e0, e1 = e1, 2*e1
		}
	} else {
		e0 = -1
		for !ok(e0) && e0 > -4096 {
			e1, e0 = e0, 2*e0
		}
	}
	for e1-e0 > 1 {
		if m := (e0 + e1) >> 1; ok(m) {
			e0 = m
		} else {
			e1 = m
		}
	}
	v1 = math.Ldexp(v1, e0)
	// Trapezoidal rule in t for v = v1·φ(t): the nodes j = 0, 1, … and
	// j = −1, −2, … until the terms no longer matter.
	node := func(j int) float64 {
		nd := &tqNodes[j+tqMaxNodes]
		v := v1 * nd[0]
		if v == 0 || math.IsInf(v, 1) {
			return 0
		}
		g := math.Exp(at(v)) * v1 * nd[1]
		if math.IsNaN(g) {
			return 0
		}
		return g
	}
	sum := node(0)
	for j := 1; j <= tqMaxNodes; j++ {
		g := node(j)
		sum += g
		if g <= tqTol*sum {
			break
		}
	}
	for j := -1; j >= -tqMaxNodes; j-- {
		g := node(j)
		sum += g
		if g <= tqTol*sum {
			break
		}
	}
	return h0 + math.Log(sum*tqStep)
}

// log1pmx is log(1 + x) − x for x > −1, accurate also for small |x|:
// with r = x/(2 + x), log(1 + x) = 2 atanh r and x − 2r = x·r, so
// log(1 + x) − x = −x·r + 2r³(1/3 + r²/5 + r⁴/7 + …).
func log1pmx(x float64) float64 {
	if x < -0.4 || x > 0.7 {
		return math.Log1p(x) - x
	}
	r := x / (2 + x)
	r2 := r * r
	s, p := 0.0, 1.0
	for k := 3.0; k < 80; k += 2 {
		t := p / k
		s += t
		if t < 1e-17*s {
			break
		}
		p *= r2
	}
	return -x*r + 2*r*r2*s
}

// expm1mx is eˣ − 1 − x, accurate also for small |x|.
func expm1mx(x float64) float64 {
	if math.Abs(x) > 0.5 {
		return math.Expm1(x) - x
	}
	// x²/2! + x³/3! + … (|x| ≤ 0.5: 20 terms reach 1e-17 relative)
	s, t := 0.0, x*x/2
	for k := 3.0; k < 30; k++ {
		s += t
		if math.Abs(t) < 1e-17*math.Abs(s) {
			break
		}
		t *= x / k
	}
	return s
}

// nbLogDensity is H(δ) = a·log(t/t₀) + b·log((1−t)/(1−t₀)) at
// s = s₀ + δ, t₀ = a/(a+b), the log of tᵃ(1−t)ᵇ relative to its maximum.
// With A = (1−t₀)(e^{−δ} − 1) and B = t₀(eᵟ − 1), H = −a·log1p(A) −
// b·log1p(B), and aA + bB = 4c·sinh²(δ/2) (c = ab/(a+b)), so near the mode
// H = −a·log1pmx(A) − b·log1pmx(B) − 4c·sinh²(δ/2) without the
// cancellation of the two linear terms (which would cost ε·(a+b)).
type nbLogDensity struct {
	a, b   float64
	t0, u0 float64 // a/(a+b), b/(a+b)
	c      float64 // ab/(a+b)
}

func newNBLogDensity(a, b float64) nbLogDensity {
	t0, u0 := a/(a+b), b/(a+b)
	if math.IsInf(a+b, 1) {
		t0, u0 = 1/(1+b/a), 1/(1+a/b)
	}
	return nbLogDensity{a: a, b: b, t0: t0, u0: u0, c: a * u0}
}

// h evaluates H(δ) = −a·log(1 + A) − b·log(1 + B), near the mode in the
// form without cancellation. 1 + A = t₀ + (1−t₀)e^{−δ} and 1 + B = 1−t₀ +
// t₀eᵟ are sums of positive terms: where A or B is near −1 they are summed
// as such (log1p would lose A's relative accuracy), and for |δ| > 700 (a
// or b below 1) written so as not to overflow.
func (f nbLogDensity) h(d float64) float64 {
	switch {
	case math.Abs(d) < 0.5:
		ep := math.Expm1(d)
		em := -ep / (1 + ep)
		s := math.Sinh(d / 2)
		return -f.a*log1pmx(f.u0*em) - f.b*log1pmx(f.t0*ep) - 4*f.c*s*s
	case d < -700: // e^{−δ} overflows: 1 + A = e^{−δ}(1 + B)
		l := f.log1p(f.t0*math.Expm1(d), f.u0, f.t0, d) // log(1 + B)
		return -f.a*(l-d) - f.b*l
	case d > 700: // eᵟ overflows: 1 + B = eᵟ(1 + A)
		l := f.log1p(f.u0*math.Expm1(-d), f.t0, f.u0, -d) // log(1 + A)
		return -f.a*l - f.b*(l+d)
	}
	var ep, em float64 // eᵟ − 1, e^{−δ} − 1
	if d > 0 {
		ep = math.Expm1(d)
		em = -ep / (1 + ep)
	} else {
		em = math.Expm1(-d)
		ep = -em / (1 + em)
	}
	return -f.a*f.log1p(f.u0*em, f.t0, f.u0, -d) - f.b*f.log1p(f.t0*ep, f.u0, f.t0, d)
}

// log1p returns log(1 + x) for x = w·(e^e − 1) > −1 with v + w = 1, as
// log(v + w·e^e) when x < −½.
func (nbLogDensity) log1p(x, v, w, e float64) float64 {
	if x < -0.5 {
		return math.Log(v + w*math.Exp(e))
	}
	return math.Log1p(x)
}

// superExp: while t is small, the upper side of tᵃ(1−t)ᵇ falls like
// exp(−b·t) = exp(−c·eᵟ), which matters when t₀ < ½ and b is not small;
// the lower side likewise when t₀ > ½. On its far side it falls like
// e^{−bδ} (upper) and e^{aδ} (lower).
func (f nbLogDensity) superExp(upper bool) bool {
	if upper {
		return f.b >= f.a && f.b >= 5
	}
	return f.a > f.b && f.a >= 5
}

// dh is a(1−t) − bt = −c(eᵟ − 1)/(1 + t₀(eᵟ − 1)).
func (f nbLogDensity) dh(d float64) float64 {
	ep := math.Expm1(d)
	if math.IsInf(ep, 1) {
		return -f.b
	}
	return -f.c * ep / (1 + f.t0*ep)
}

// poisLogDensity is H(δ) = −A(eᵟ − 1 − δ), the log of exp(As − eˢ)
// relative to its maximum at s₀ = log A.
type poisLogDensity struct{ a float64 }

func (f poisLogDensity) h(d float64) float64      { return -f.a * expm1mx(d) }
func (f poisLogDensity) dh(d float64) float64     { return -f.a * math.Expm1(d) }
func (f poisLogDensity) superExp(upper bool) bool { return upper }

// nbEndpoint is δc = logit(p) − log(a/b) = log(p·b / (q·a)) with q = 1 − p
// taken exactly (p < ½: q is rounded, its error kept) and the products
// formed exactly, so that δc is accurate relative to itself even where it
// is tiny against the width of the integrand (the cdf is then very
// sensitive to it).
func nbEndpoint(p, a, b float64) float64 {
	q := 1 - p
	qlo := (1 - q) - p // exact: q + qlo = 1 − p
	x := p * b
	xlo := math.FMA(p, b, -x)
	y := q * a
	ylo := math.FMA(q, a, -y) + qlo*a
	if y == 0 {
		return math.Inf(1)
	}
	if x == 0 {
		return math.Inf(-1)
	}
	if r := x / y; r < 0.5 || r > 2 {
		return math.Log(r) // far from 1: the low parts do not matter
	}
	return math.Log1p(((x - y) + (xlo - ylo)) / y) // x − y is exact
}

// digammaMinusLog is ψ(x) − log x, for x > 0.
func digammaMinusLog(x float64) float64 {
	if x > 1e8 {
		return -0.5 / x
	}
	return mathext.Digamma(x) - math.Log(x)
}

// pnbinomQuad returns P(X ≤ k) and P(X > k) for X ~ NB(size, prob), k an
// integer ≥ 0, 0 < prob < 1, size > 0.
func pnbinomQuad(k, size, prob float64) (lower, upper float64) {
	a, b := size, k+1
	dc := nbEndpoint(prob, a, b)
	if math.IsInf(dc, 0) {
		return boolProb(dc > 0), boolProb(dc < 0)
	}
	f := newNBLogDensity(a, b)
	if f.t0 == 0 || f.u0 == 0 {
		// a/(a+b) or b/(a+b) underflows (e.g. k near MaxFloat64): no
		// resolution left; the mass is all on one side of k.
		lo := boolProb(k >= size*(1-prob)/prob)
		return lo, 1 - lo
	}
	sigma := 1 / math.Sqrt(f.c)
	logNorm := 0.5*math.Log(2*math.Pi/f.c) + stirlerr(a) + stirlerr(b) - stirlerr(a+b)
	// The logit of a Beta(a, b) variable has mean ψ(a) − ψ(b), i.e.
	// δ = (ψ(a) − log a) − (ψ(b) − log b) (only used to pick the side).
	if dc <= digammaMinusLog(a)-digammaMinusLog(b) {
		lower = math.Min(1, math.Exp(logTailQuad(f, dc, false, sigma)-logNorm))
		return lower, 1 - lower
	}
	upper = math.Min(1, math.Exp(logTailQuad(f, dc, true, sigma)-logNorm))
	return 1 - upper, upper
}

// ppoisQuad returns P(X ≤ k) and P(X > k) for X ~ Poisson(λ), k an
// integer ≥ 0, λ > 0 finite.
func ppoisQuad(k, lambda float64) (lower, upper float64) {
	a := k + 1
	dc := math.Log(lambda / a)
	if r := lambda / a; r > 0.5 && r < 2 {
		dc = math.Log1p((lambda - a) / a) // λ − A is exact
	}
	f := poisLogDensity{a}
	sigma := 1 / math.Sqrt(a)
	logNorm := 0.5*math.Log(2*math.Pi/a) + stirlerr(a)
	// log of a Gamma(A) variable has mean ψ(A), i.e. δ = ψ(A) − log A.
	if dc >= digammaMinusLog(a) { // P(X ≤ k) is the tail above log λ
		lower = math.Min(1, math.Exp(logTailQuad(f, dc, true, sigma)-logNorm))
		return lower, 1 - lower
	}
	upper = math.Min(1, math.Exp(logTailQuad(f, dc, false, sigma)-logNorm))
	return 1 - upper, upper
}

package stats

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// quantileFuzz is the relative fuzz R applies to p before searching a
// discrete quantile, so that a p that is a cdf value up to rounding still
// maps to that point: the result is the smallest x with F(x) ≥ p·(1 − 64ε)
// (nmath qpois.c/qnbinom.c, as recorded in the fixtures' SCHEMA.md §9).
const quantileFuzz = 1 - 64*2.220446049250313e-16

// PPois is R's ppois(x, lambda, lower.tail): P(X ≤ x) (or P(X > x)) for
// X ~ Poisson(λ). As in nmath ppois.c it is the incomplete gamma function at
// λ with shape ⌊x + 1e-7⌋ + 1:
//
//	P(X ≤ x) = Q(⌊x⌋+1, λ) (upper regularised gamma),  P(X > x) = P(⌊x⌋+1, λ),
//
// up to a shape of poisQuadThreshold both taken from gonum
// (mathext.GammaIncRegComp / GammaIncReg), each on its own tail so neither
// is computed as 1 − the other. Beyond it gonum's series and continued
// fraction, capped at 2000 terms, no longer reach the tails (at λ = 10⁸
// P(X > λ + 5√λ) is off by 35%), and the smaller tail is integrated instead
// (ppoisQuad in tailquad.go). λ < 0 or NaN arguments give NaN; x < 0 gives
// 0 (lower) or 1 (upper); λ = 0 or x = +Inf give 1 (lower) or 0 (upper).
func PPois(x, lambda float64, lowerTail bool) float64 {
	if math.IsNaN(x) || math.IsNaN(lambda) || lambda < 0 {
		return math.NaN()
	}
	if x < 0 {
		return boolProb(!lowerTail)
	}
	if lambda == 0 || math.IsInf(x, 1) {
		return boolProb(lowerTail)
	}
	if math.IsInf(lambda, 1) {
		return boolProb(!lowerTail)
	}
	return ppoisTail(math.Floor(x+1e-7), lambda, lowerTail)
}

// poisQuadThreshold is the shape ⌊x⌋ + 1 above which PPois integrates.
const poisQuadThreshold = 1000

// ppoisTail is PPois for an integer x ≥ 0 and 0 < λ < ∞.
func ppoisTail(x, lambda float64, lowerTail bool) float64 {
	a := x + 1
	if a > poisQuadThreshold {
		lo, up := ppoisQuad(x, lambda)
		if lowerTail {
			return lo
		}
		return up
	}
	if lowerTail {
		return mathext.GammaIncRegComp(a, lambda)
	}
	return mathext.GammaIncReg(a, lambda)
}

// PNBinom is R's pnbinom(x, size, prob, lower.tail) for the negative
// binomial with pmf Γ(x+n)/(Γ(n) x!) pⁿ (1−p)ˣ. As in nmath pnbinom.c it is
// the regularised incomplete beta function (gonum's mathext.RegIncBeta):
//
//	P(X ≤ x) = I_p(n, ⌊x⌋+1),   P(X > x) = I_{1−p}(⌊x⌋+1, n),
//
// the upper tail evaluated directly rather than as 1 − the lower one when
// it is the smaller tail. For size + x + 1 > 1000 the incomplete beta of
// gonum is not accurate enough and the smaller tail of the pmf is summed
// instead if that takes at most nbMaxTerms terms, else integrated (see
// nbinom.go and tailquad.go); for sizes below 1 at prob < 1e-7 it is off
// too, and the pmf is summed (pnbinomSmall).
// NaN arguments, infinite size or prob, size < 0, prob ≤ 0 or prob > 1 give
// NaN (so prob = 0 is NaN, as in R); size = 0 is the point mass at 0.
func PNBinom(x, size, prob float64, lowerTail bool) float64 {
	if math.IsNaN(x) || math.IsNaN(size) || math.IsNaN(prob) {
		return math.NaN()
	}
	if math.IsInf(size, 0) || math.IsInf(prob, 0) || size < 0 || prob <= 0 || prob > 1 {
		return math.NaN()
	}
	if size == 0 {
		return boolProb(lowerTail == (x >= 0))
	}
	if x < 0 {
		return boolProb(!lowerTail)
	}
	if math.IsInf(x, 1) || prob == 1 {
		return boolProb(lowerTail)
	}
	x = math.Floor(x + 1e-7)
	if size+x+1 > nbSumThreshold {
		lo, up, ok := pnbinomSum(x, size, prob)
		if !ok {
			lo, up = pnbinomQuad(x, size, prob)
		}
		if lowerTail {
			return lo
		}
		return up
	}
	if size < 1 && prob < 1e-7 {
		lo, up := pnbinomSmall(x, size, prob)
		if lowerTail {
			return lo
		}
		return up
	}
	if lowerTail {
		return clamp01(mathext.RegIncBeta(size, x+1, prob))
	}
	// The upper tail is evaluated directly where it is the smaller one —
	// from the mean up, and everywhere if P(X = 0) > ½ — and elsewhere as
	// the complement of the lower one (whose argument p is exact, while
	// 1 − p is rounded).
	if x >= size*(1-prob)/prob || size*math.Log(prob) > -math.Ln2 {
		return clamp01(mathext.RegIncBeta(x+1, size, 1-prob))
	}
	return 1 - clamp01(mathext.RegIncBeta(size, x+1, prob))
}

// pnbinomSmall is P(X ≤ x) and P(X > x) for size < 1, prob < 1e-7 and
// x < 1000, where gonum's incomplete beta is off (I_{1−p}(x+1, size) by
// 40% at size 1e-10, prob 1e-9; I_p(size, x+1) by 5e-13 at x = 998):
// P(X ≤ x) = P(X = 0) + S and P(X > x) = P(X ≥ 1) − S with S =
// Σ_{j=1..x} P(X = j), P(X = 0) = pˢⁱᶻᵉ, P(X ≥ 1) = −expm1(size·log p)
// exact, and P(X = j) by its ratio recursion from P(X = 1) = size·q·pˢⁱᶻᵉ.
// P(X ≥ 1) and S are about size·log(1/p) and size·H_x (H_x ≤ 7.5 the
// harmonic number), so the difference loses at most a factor 2.
func pnbinomSmall(x, size, prob float64) (lower, upper float64) {
	q := 1 - prob
	lp := size * math.Log(prob)
	t := size * q * math.Exp(lp)
	s := 0.0
	for j := 1.0; j <= x; j++ {
		s += t
		t *= (j + size) * q / (j + 1)
	}
	return clamp01(math.Exp(lp) + s), clamp01(-math.Expm1(lp) - s)
}

// clamp01 clamps a probability into [0, 1] (gonum's incomplete beta can
// exceed 1 by a few ulps, e.g. for sizes near 1e-300).
func clamp01(v float64) float64 { return math.Min(1, math.Max(0, v)) }

// QPois is R's qpois(p, lambda) (lower tail): the smallest integer x ≥ 0
// with P(X ≤ x) ≥ p·(1 − 64ε). gonum has no Poisson quantile, so it is
// written here: a Cornish–Fisher start as in nmath qpois.c, then an exact
// search on the cdf (see discreteSearch). λ < 0, infinite λ, p outside
// [0, 1] or NaN give NaN; λ = 0 or p = 0 give 0; p = 1 gives +Inf.
func QPois(p, lambda float64) float64 {
	if math.IsNaN(p) || math.IsNaN(lambda) || math.IsInf(lambda, 0) || lambda < 0 || p < 0 || p > 1 {
		return math.NaN()
	}
	if lambda == 0 || p == 0 {
		return 0
	}
	if p == 1 {
		return math.Inf(1)
	}
	mu, sigma := lambda, math.Sqrt(lambda)
	gamma := 1 / sigma
	return discreteSearch(p, cornishFisher(QNorm(p, 0, 1), mu, sigma, gamma), poissonCDF{lambda})
}

// QNBinom is R's qnbinom(p, size, prob) (lower tail): the smallest integer
// x ≥ 0 with P(X ≤ x) ≥ p·(1 − 64ε). gonum has no negative binomial, so it
// is written here on top of PNBinom: a Cornish–Fisher start as in nmath
// qnbinom.c (mean n(1−p)/p, variance n(1−p)/p²), then an exact search.
// NaN arguments, prob ≤ 0 (prob = 0 is NaN, as in R unless size = 0 too),
// prob > 1, size < 0 or p outside [0, 1] give NaN; prob = 1 or size = 0
// give 0; p = 0 gives 0 and p = 1 gives +Inf.
func QNBinom(p, size, prob float64) float64 {
	return NewNBQuantile(p).At(size, prob)
}

// NBQuantile is QNBinom at one probability p for many sizes and probs
// (a method's bound at each time point): the normal quantile of p that
// starts every search is computed once, which saves a tenth of a call.
type NBQuantile struct {
	p, z float64
}

// NewNBQuantile prepares QNBinom(p, ·, ·).
func NewNBQuantile(p float64) NBQuantile { return NBQuantile{p: p, z: QNorm(p, 0, 1)} }

// At is QNBinom(p, size, prob).
func (nq NBQuantile) At(size, prob float64) float64 {
	p := nq.p
	if math.IsNaN(p) || math.IsNaN(size) || math.IsNaN(prob) {
		return math.NaN()
	}
	if prob == 0 && size == 0 {
		return 0
	}
	if prob <= 0 || prob > 1 || size < 0 || math.IsInf(size, 0) {
		return math.NaN()
	}
	if prob == 1 || size == 0 {
		return 0
	}
	if p < 0 || p > 1 {
		return math.NaN()
	}
	if p == 0 {
		return 0
	}
	if p == 1 {
		return math.Inf(1)
	}
	q := 1 / prob
	pp := (1 - prob) * q
	mu := size * pp
	sigma := math.Sqrt(size * pp * q)
	gamma := (q + pp) / sigma
	return discreteSearch(p, cornishFisher(nq.z, mu, sigma, gamma), nbinomCDF{size, prob})
}

// cornishFisher is nmath's starting point for the discrete quantile
// searches: the Cornish–Fisher expansion with skewness γ around z =
// Φ⁻¹(p), rounded, ≥ 0 (the largest float64 if μ or σ overflows).
func cornishFisher(z, mu, sigma, gamma float64) float64 {
	y := math.Round(mu + sigma*(z+gamma*(z*z-1)/6))
	if math.IsInf(mu, 1) || math.IsInf(sigma, 1) {
		return math.MaxFloat64 // μ or σ overflows: start at the top
	}
	if y < 0 || math.IsNaN(y) {
		return 0
	}
	return y
}

// cdf is a lower-tail distribution function on the integers ≥ 0.
type cdf interface{ at(x float64) float64 }

type poissonCDF struct{ lambda float64 }

func (d poissonCDF) at(x float64) float64 { return ppoisTail(x, d.lambda, true) }

type nbinomCDF struct{ size, prob float64 }

func (d nbinomCDF) at(x float64) float64 { return PNBinom(x, d.size, d.prob, true) }

// pmf is P(X = x) for an integer x ≥ 0 (0 < prob < 1 and size > 0 in
// every search).
func (d nbinomCDF) pmf(x float64) float64 { return dnbinom(x, d.size, d.prob) }

// pmfCDF is a cdf that also has its probability mass function.
type pmfCDF interface {
	cdf
	pmf(x float64) float64
}

// neighbourMargin is how close to p (relative) a cdf value found by a
// step of the pmf (neighbour) may be before it is evaluated directly after
// all: far above the 3e-12 to which the two agree (measured over 10⁵
// random sizes, probs and points; gonum's incomplete beta near a + b =
// 1000 is the less accurate one).
const neighbourMargin = 1e-9

// neighbour returns F(c) for c = x ± 1, given F(x) = fx. A search from a
// good start mostly probes the start and one neighbour, and for the
// negative binomial F(x ± 1) = F(x) ∓ P(X = x or x+1) costs a third of an
// incomplete beta. The step is only trusted where it decides the
// comparison with p by a wide margin, so the search makes the same
// decisions as with F(c) itself and finds the same quantile.
func neighbour(f cdf, p, x, fx, c float64) float64 {
	if d, ok := f.(pmfCDF); ok && math.Abs(c-x) == 1 && c >= 0 && fx > 0 && fx < 1 {
		var v float64
		if c < x {
			v = fx - d.pmf(x)
		} else {
			v = fx + d.pmf(c)
		}
		if math.Abs(v-p) > neighbourMargin*p && v > 0 && v < 1 {
			return v
		}
	}
	return f.at(c)
}

// discreteSearch returns the smallest integer x ≥ 0 with F(x) ≥ p·(1 − 64ε),
// starting from the guess y. The answer is the same as R's unit-step
// search wherever F is monotone, which it is up to rounding; only the
// number of cdf evaluations differs. They are kept few for any start:
//
//   - bracketing: probes move away from y, each at least twice as far as
//     the last and further if the secant through the last two probes (in
//     the probit scale z = Φ⁻¹(F), about linear in x) puts the answer
//     beyond that, down to 0 at most;
//   - refining: regula falsi on z (the Illinois variant), falling back to
//     bisection — geometric while the bracket spans more than a factor 4 —
//     whenever a step fails to halve the bracket.
//
// Where F rounds to 0 or 1 there is no secant, and the probes square their
// position or take its square root instead. A start off by d then costs
// O(log log d) evaluations when F is smooth (≈ 10 for a skewed μ ≈ 10⁸
// whose Cornish–Fisher start is off by half; 9 on average over
// TestDiscreteSearch), and not much more than twice plain bisection's
// O(log d) at worst. Above 2⁵³, where not every integer is a float64, it
// returns the smallest float64 found with F ≥ p.
func discreteSearch(p, y float64, f cdf) float64 {
	p *= quantileFuzz
	if !(y <= math.MaxFloat64) {
		y = math.MaxFloat64
	}
	// z(F) − z(p), computed only when a secant needs it (the common case,
	// a start next to the answer, needs none).
	zp := math.NaN()
	g := func(v float64) float64 {
		if math.IsNaN(zp) {
			zp = probit(p)
		}
		return probit(v) - zp
	}
	// Bracket: F(lo) < p ≤ F(hi), with the cdf at both ends.
	var lo, hi, flo, fhi float64
	if fy := f.at(y); fy >= p {
		hi, fhi = y, fy
		d := 1.0
		for {
			if hi == 0 {
				return 0
			}
			c := math.Max(hi-d, 0)
			if c == hi {
				d *= 2 // below the float64 spacing of hi
				continue
			}
			fc := neighbour(f, p, hi, fhi, c)
			if fc < p {
				lo, flo = c, fc
				break
			}
			d = nextStep(d, hi-c, g(fhi), g(fc))
			if fc == 1 { // far above: no secant; take the square root
				d = math.Max(d, c-math.Floor(math.Sqrt(c)))
			}
			hi, fhi = c, fc
		}
	} else {
		lo, flo = y, fy
		d := 1.0
		for {
			c := lo + d
			if math.IsInf(c, 1) {
				if lo == math.MaxFloat64 {
					return c
				}
				c = math.MaxFloat64
			}
			if c == lo {
				d *= 2 // below the float64 spacing of lo
				continue
			}
			fc := neighbour(f, p, lo, flo, c)
			if fc >= p {
				hi, fhi = c, fc
				break
			}
			d = nextStep(d, c-lo, g(flo), g(fc))
			if fc == 0 { // far below: no secant; square the position
				d = math.Max(d, c*c-c)
			}
			lo, flo = c, fc
		}
	}
	if hi-lo <= 1 {
		return hi
	}
	return refine(p, f, lo, hi, g(flo), g(fhi), g)
}

// refine narrows the bracket F(lo) < p ≤ F(hi) of discreteSearch to
// adjacent integers and returns hi: Illinois false position on the
// probit scale (glo, ghi are g at the ends), a geometric mean step across
// orders of magnitude, bisection when a step does not halve the width.
func refine(p float64, f cdf, lo, hi, glo, ghi float64, g func(float64) float64) float64 {
	side, bisect := 0, false
	for hi-lo > 1 {
		width := hi - lo
		var mid float64
		interp := !bisect && width > 4 && glo < 0 && ghi >= 0 && !math.IsInf(glo, 0) && !math.IsInf(ghi, 0)
		switch l := math.Max(lo, 1); {
		case interp:
			mid = math.Floor(lo + width*(glo/(glo-ghi)))
		case hi > 4*l:
			mid = math.Floor(math.Sqrt(l) * math.Sqrt(hi))
		default:
			mid = math.Floor(lo + width/2)
		}
		mid = math.Min(math.Max(mid, lo+1), hi-1)
		if mid <= lo || mid >= hi {
			break
		}
		fm := f.at(mid)
		if fm >= p {
			hi, ghi = mid, g(fm)
			if side == 1 {
				glo /= 2 // Illinois: the kept end has been kept twice
			}
			side = 1
		} else {
			lo, glo = mid, g(fm)
			if side == -1 {
				ghi /= 2
			}
			side = -1
		}
		bisect = hi-lo > width/2
	}
	return hi
}

// nextStep returns the distance of the next bracketing probe from the last
// one, which was d from the one before, where g went from g0 to g1: at
// least 2d, or 1.25 times the secant's estimate of the remaining distance.
func nextStep(d, dist, g0, g1 float64) float64 {
	next := 2 * d
	if slope := (g1 - g0) / dist; slope != 0 && !math.IsInf(g0, 0) && !math.IsInf(g1, 0) {
		if est := 1.25 * math.Abs(g1/slope); est > next && est < math.MaxFloat64 {
			next = math.Ceil(est)
		}
	}
	return next
}

// probit is Φ⁻¹(v) for a probability, ±Inf at 0 and 1.
func probit(v float64) float64 {
	if v <= 0 {
		return math.Inf(-1)
	}
	if v >= 1 {
		return math.Inf(1)
	}
	return mathext.NormalQuantile(v)
}

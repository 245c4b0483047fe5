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
// both taken from gonum (mathext.GammaIncRegComp / GammaIncReg), each on its
// own tail so neither is computed as 1 − the other. λ < 0 or NaN arguments
// give NaN; x < 0 gives 0 (lower) or 1 (upper); λ = 0 or x = +Inf give 1
// (lower) or 0 (upper).
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
	a := math.Floor(x+1e-7) + 1
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
// the upper tail evaluated directly rather than as 1 − the lower one. For
// size + x + 1 > 1000 the incomplete beta of gonum is not accurate enough
// and the smaller tail of the pmf is summed instead (see nbinom.go).
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
		if lo, up, ok := pnbinomSum(x, size, prob); ok {
			if lowerTail {
				return lo
			}
			return up
		}
	}
	if lowerTail {
		return mathext.RegIncBeta(size, x+1, prob)
	}
	return mathext.RegIncBeta(x+1, size, 1-prob)
}

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
	return discreteSearch(p, cornishFisher(p, mu, sigma, gamma), poissonCDF{lambda})
}

// QNBinom is R's qnbinom(p, size, prob) (lower tail): the smallest integer
// x ≥ 0 with P(X ≤ x) ≥ p·(1 − 64ε). gonum has no negative binomial, so it
// is written here on top of PNBinom: a Cornish–Fisher start as in nmath
// qnbinom.c (mean n(1−p)/p, variance n(1−p)/p²), then an exact search.
// NaN arguments, prob ≤ 0 (prob = 0 is NaN, as in R unless size = 0 too),
// prob > 1, size < 0 or p outside [0, 1] give NaN; prob = 1 or size = 0
// give 0; p = 0 gives 0 and p = 1 gives +Inf.
func QNBinom(p, size, prob float64) float64 {
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
	return discreteSearch(p, cornishFisher(p, mu, sigma, gamma), nbinomCDF{size, prob})
}

// cornishFisher is nmath's starting point for the discrete quantile
// searches: the Cornish–Fisher expansion with skewness γ, rounded, ≥ 0.
func cornishFisher(p, mu, sigma, gamma float64) float64 {
	z := QNorm(p, 0, 1)
	y := math.Round(mu + sigma*(z+gamma*(z*z-1)/6))
	if y < 0 || math.IsNaN(y) {
		return 0
	}
	return y
}

// cdf is a lower-tail distribution function on the integers ≥ 0.
type cdf interface{ at(x float64) float64 }

type poissonCDF struct{ lambda float64 }

func (d poissonCDF) at(x float64) float64 { return mathext.GammaIncRegComp(x+1, d.lambda) }

type nbinomCDF struct{ size, prob float64 }

func (d nbinomCDF) at(x float64) float64 { return PNBinom(x, d.size, d.prob, true) }

// discreteSearch returns the smallest integer x ≥ 0 with F(x) ≥ p·(1 − 64ε),
// starting from the guess y: it brackets the answer with steps that double
// (so a poor start costs O(log) cdf evaluations, as R's incremental search
// does for large quantiles) and then bisects. The answer is the same as
// R's unit-step search wherever F is monotone, which it is up to rounding.
func discreteSearch(p, y float64, f cdf) float64 {
	p *= quantileFuzz
	var lo, hi float64 // invariant: F(lo) < p (lo = −1 stands for F = 0), F(hi) ≥ p
	if f.at(y) >= p {
		hi = y
		lo = -1
		for step := 1.0; hi > 0; step *= 2 {
			c := math.Max(hi-step, -1)
			if c < 0 || f.at(c) < p {
				lo = c
				break
			}
			hi = c
		}
		if hi == 0 {
			return 0
		}
	} else {
		lo = y
		hi = math.Inf(1)
		for step := 1.0; !math.IsInf(lo+step, 1); step *= 2 {
			c := lo + step
			if f.at(c) >= p {
				hi = c
				break
			}
			lo = c
		}
		if math.IsInf(hi, 1) {
			return hi
		}
	}
	for hi-lo > 1 {
		mid := math.Floor(lo + (hi-lo)/2)
		if f.at(mid) >= p {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

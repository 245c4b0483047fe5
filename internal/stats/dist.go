// Package stats holds the numerical core shared by the aberration-detection
// methods: distribution functions with R's exact semantics (argument checks,
// NaN propagation, the fuzz of the discrete quantiles) and R's glm.fit for a
// log link (Poisson, quasi-Poisson, negative binomial with fixed θ),
// including the pieces the Farrington family needs (dispersion, t tests, hat
// values, prediction standard errors, Anscombe residuals, reweighting).
//
// The reference is R 4.2.2 (nmath, stats::glm.fit, LINPACK dqrdc2) as used
// by the package surveillance 1.20.3; every function states which R function
// it mirrors. Continuous distributions and the incomplete beta/gamma
// functions come from gonum; only what gonum lacks (discrete quantiles,
// negative binomial, Poisson and negative binomial tails for large
// parameters — tailquad.go —, the pivoted QR, IRLS) is written here. Every
// distribution function runs in bounded time for any finite arguments (a
// cdf in ≲ 0.1 ms, a quantile in ≲ 5 ms at the most extreme).
//
// Functions never panic on bad arguments: like R they return NaN (the GLM
// returns errors wrapping ErrGLM). A Workspace lets a caller that fits many
// small models reuse their memory.
package stats

import (
	"math"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// stdNormal is N(0, 1); gonum's CDF is 0.5·erfc(−z/√2), accurate in both
// tails as long as it is evaluated on the side of the tail wanted.
var stdNormal = distuv.Normal{Mu: 0, Sigma: 1}

// PNorm is R's pnorm(x, mean, sd, lower.tail): P(X ≤ x) for X ~ N(mean, sd²)
// if lowerTail, else P(X > x). The upper tail is computed as the lower tail
// at the reflected point, so it keeps full relative accuracy far out in the
// tail (gonum's Survival uses 1 − erf and would not).
//
// As R: NaN in any argument gives NaN, sd < 0 gives NaN, sd = 0 gives the
// step function at mean, infinite x gives 0 or 1.
func PNorm(x, mean, sd float64, lowerTail bool) float64 {
	if math.IsNaN(x) || math.IsNaN(mean) || math.IsNaN(sd) {
		return math.NaN()
	}
	if sd < 0 {
		return math.NaN()
	}
	if math.IsInf(x, 0) && x == mean { // x − mean is NaN
		return math.NaN()
	}
	z := (x - mean) / sd
	if sd == 0 || math.IsInf(z, 0) || math.IsNaN(z) {
		// R: (x < mu) ? R_DT_0 : R_DT_1
		if lowerTail {
			return boolProb(x >= mean)
		}
		return boolProb(x < mean)
	}
	if !lowerTail {
		z = -z
	}
	return stdNormal.CDF(z)
}

// boolProb returns 1 for true and 0 for false.
func boolProb(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// QNorm is R's qnorm(p, mean, sd) (lower tail): mean + sd·Φ⁻¹(p) with
// Wichura's AS 241 (gonum's mathext.NormalQuantile, the algorithm of R 4.2).
// p outside [0, 1], NaN arguments or sd < 0 give NaN; p = 0 and 1 give ∓Inf;
// sd = 0 gives mean.
func QNorm(p, mean, sd float64) float64 {
	if math.IsNaN(p) || math.IsNaN(mean) || math.IsNaN(sd) {
		return math.NaN()
	}
	if p < 0 || p > 1 || sd < 0 {
		return math.NaN()
	}
	if p == 0 {
		return math.Inf(-1)
	}
	if p == 1 {
		return math.Inf(1)
	}
	if sd == 0 {
		return mean
	}
	return mean + sd*mathext.NormalQuantile(p)
}

// PT is R's pt(x, df) (lower tail) for the central t distribution:
// for x < 0, P(T ≤ x) = ½·I_{df/(df+x²)}(df/2, ½) (gonum's StudentsT.CDF,
// which uses mathext.RegIncBeta); for x > 0 it is 1 − P(T ≤ −x).
// The lower tail at negative x — what a two-sided p-value 2·pt(−|t|, df)
// needs — therefore keeps full relative accuracy. df ≤ 0 or NaN gives NaN;
// df = +Inf gives the normal cdf.
func PT(x, df float64) float64 {
	if math.IsNaN(x) || math.IsNaN(df) || df <= 0 {
		return math.NaN()
	}
	if math.IsInf(x, 0) {
		return boolProb(x > 0)
	}
	if math.IsInf(df, 1) {
		return PNorm(x, 0, 1, true)
	}
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.CDF(x)
}

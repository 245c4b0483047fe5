package stats

import "math"

// The negative binomial cdf for large parameters.
//
// gonum's RegIncBeta (Cephes incbet) forms the prefactor x^a (1−x)^b / B(a,b)
// from logarithms and loses about ε·(a+b) of relative accuracy: measured
// against 40-digit mpmath sums it is off by 1e-12 at a+b ≈ 10⁴, 1e-10 at 10⁵
// and 1e-7 at 3·10⁷ (e.g. size = μ/(φ−1) when φ is just above 1). R's
// pbeta (TOMS 708) does not, so for a + b > nbSumThreshold PNBinom instead
// sums the pmf when the smaller tail is short — starting from one term
// computed with Loader's saddle-point formula (R's dnbinom/dbinom_raw,
// accurate to a few ulps for any size) and walking away from the centre
// with the exact ratio of consecutive terms — and otherwise integrates it
// (pnbinomQuad in tailquad.go), in bounded time whatever the parameters.

// nbSumThreshold is the a + b (size + ⌊x⌋ + 1) above which the pmf is summed.
const nbSumThreshold = 1000

// nbMaxTerms caps the summation (a few µs); longer tails — O(sd) terms,
// which was up to 2²¹ per call for μ ≈ 10¹² — go to the quadrature.
const nbMaxTerms = 1000

const lnSqrt2Pi = 0.918938533204672741780329736406 // log(√(2π))

// sferrHalves[2n] = stirlerr(n) for n = 0, ½, …, 15 (R's table in
// nmath/stirlerr.c; values recomputed here with mpmath at 40 digits).
var sferrHalves = [31]float64{
	0, // n = 0: unused (R keeps a placeholder)
	0.15342640972002734529, 0.08106146679532725822, 0.054814121051917653896,
	0.041340695955409294094, 0.033162873519936287485, 0.027677925684998339149,
	0.023746163656297495971, 0.020790672103765093112, 0.018488450532673185231,
	0.016644691189821192163, 0.015134973221917378874, 0.013876128823070747999,
	0.012810465242920226924, 0.011896709945891770095, 0.011104559758206917327,
	0.010411265261972096497, 0.0097994161261588032984, 0.0092554621827127329177,
	0.008768700134139385463, 0.0083305634333628712565, 0.0079341145643140205472,
	0.007573675487951840795, 0.0072445543013203831795, 0.0069428401072095298657,
	0.0066652470327076824424, 0.0064089941880042070684, 0.0061717122630394576475,
	0.0059513701127588477356, 0.005746216513010115682, 0.005554733551962801371,
}

// stirlerr is log(n!) − log(√(2πn) (n/e)ⁿ) (nmath stirlerr.c).
func stirlerr(n float64) float64 {
	const s0, s1, s2, s3, s4 = 1.0 / 12, 1.0 / 360, 1.0 / 1260, 1.0 / 1680, 1.0 / 1188
	if n <= 15 {
		nn := n + n
		if nn == math.Trunc(nn) {
			return sferrHalves[int(nn)]
		}
		lg, _ := math.Lgamma(n + 1)
		return lg - (n+0.5)*math.Log(n) + n - lnSqrt2Pi
	}
	nn := n * n
	switch {
	case n > 500:
		return (s0 - s1/nn) / n
	case n > 80:
		return (s0 - (s1-s2/nn)/nn) / n
	case n > 35:
		return (s0 - (s1-(s2-s3/nn)/nn)/nn) / n
	}
	return (s0 - (s1-(s2-(s3-s4/nn)/nn)/nn)/nn) / n
}

// bd0 is x log(x/np) + np − x, evaluated without cancellation when x ≈ np
// (nmath bd0.c, Loader 2000).
func bd0(x, np float64) float64 {
	if math.Abs(x-np) < 0.1*(x+np) {
		v := (x - np) / (x + np)
		s := (x - np) * v
		if math.Abs(s) < math.SmallestNonzeroFloat64*(1<<52) { // DBL_MIN
			return s
		}
		ej := 2 * x * v
		v *= v
		for j := 1; j < 1000; j++ {
			ej *= v
			s1 := s + ej/float64(2*j+1)
			if s1 == s {
				return s1
			}
			s = s1
		}
	}
	return x*math.Log(x/np) + np - x
}

// dnbinom is R's dnbinom(k, size, prob) for integer k ≥ 0, size > 0,
// 0 < prob < 1, by Loader's saddle point as nmath's
// size/(size+k) · dbinom_raw(size, size+k, prob, 1−prob), with one change:
// dbinom_raw's log(x) + log1p(−x/n) is written log(size) + log(k) − log(n),
// because −x/n rounds to within ε of −1 when size ≫ k and log1p then loses
// up to 1e-9 of relative accuracy (measured at size 3·10⁷).
func dnbinom(k, size, prob float64) float64 {
	q := 1 - prob
	if k == 0 { // dbinom_raw with x == n
		if q < 0.1 {
			return math.Exp(-bd0(size, size*prob) - size*q)
		}
		return math.Exp(size * math.Log(prob))
	}
	n := size + k
	lc := stirlerr(n) - stirlerr(size) - stirlerr(k) - bd0(size, n*prob) - bd0(k, n*q)
	lf := 2*lnSqrt2Pi + math.Log(size) + math.Log(k) - math.Log(n)
	return size / n * math.Exp(lc-0.5*lf)
}

// pnbinomSum returns P(X ≤ x) and P(X > x) for integer x ≥ 0 by summing the
// smaller tail from x outwards (ok = false if that needs more than
// nbMaxTerms terms). Terms are summed until they no longer change the sum
// and the walk has passed the mode, so the tail is complete to rounding.
func pnbinomSum(x, size, prob float64) (lower, upper float64, ok bool) {
	q := 1 - prob
	mean := size * q / prob
	mode := math.Max(0, math.Floor((size-1)*q/prob))
	// Give up at once where the sum is bound to exceed nbMaxTerms: a wide
	// distribution (sd > nbMaxTerms/8: ~8 sd are needed near the mode)
	// whose terms, at the start, fall so slowly that even a geometric
	// series with that ratio (which overestimates as the ratio only
	// decreases outwards) would need 4·nbMaxTerms.
	if sd := math.Sqrt(mean / prob); sd > nbMaxTerms/8 {
		var r float64 // ratio of the first two terms
		if x < mean {
			r = x / ((x - 1 + size) * q)
		} else {
			r = (x + 1 + size) * q / (x + 2)
		}
		if (x >= mean || x+1 > nbMaxTerms) && !(r < 1-40.0/(4*nbMaxTerms)) {
			return 0, 0, false
		}
	}
	if x < mean { // lower tail: k = x, x−1, …, 0
		t := dnbinom(x, size, prob)
		s := t
		for k, n := x, 0; k > 0; k-- {
			if n++; n > nbMaxTerms {
				return 0, 0, false
			}
			t *= k / ((k - 1 + size) * q)
			s1 := s + t
			if s1 == s && k-1 < mode {
				break
			}
			s = s1
		}
		return s, 1 - s, true
	}
	// upper tail: k = x+1, x+2, …
	k := x + 1
	t := dnbinom(k, size, prob)
	s := t
	for n := 0; ; n++ {
		if n > nbMaxTerms {
			return 0, 0, false
		}
		t *= (k + size) * q / (k + 1)
		k++
		s1 := s + t
		if s1 == s && k > mode {
			break
		}
		s = s1
	}
	return 1 - s, s, true
}

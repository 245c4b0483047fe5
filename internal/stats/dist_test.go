package stats

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The expected values below were computed independently with mpmath 1.3 at
// 40 significant digits: Φ via mp.ncdf and mp.findroot; pt via the closed
// form ½ I_{ν/(ν+x²)}(ν/2, ½) (mp.betainc); ppois via mp.gammainc; pnbinom
// by summing the pmf with its exact term ratio; the discrete quantiles by
// searching that cdf for the smallest x with F(x) ≥ p(1 − 64ε).

// closeRel reports whether got is within rel of want (relative), treating
// equal infinities and values both below 1e-300 in magnitude as equal.
func closeRel(got, want, rel float64) bool {
	if got == want {
		return true
	}
	if math.Abs(want) < 1e-300 {
		return math.Abs(got-want) < 1e-310
	}
	return math.Abs(got-want) <= rel*math.Abs(want)
}

func TestPNorm(t *testing.T) {
	tests := []struct {
		x, mean, sd float64
		lower       bool
		want        float64
	}{
		{-10.0, 0.0, 1.0, true, 7.619853024160525e-24},
		{-10.0, 0.0, 1.0, false, 1.0},
		{-3.0, 0.0, 1.0, true, 0.0013498980316300946},
		{-3.0, 0.0, 1.0, false, 0.9986501019683699},
		{0.5, 0.0, 1.0, true, 0.6914624612740131},
		{0.5, 0.0, 1.0, false, 0.3085375387259869},
		{5.0, 0.0, 1.0, true, 0.9999997133484281},
		{5.0, 0.0, 1.0, false, 2.866515718791939e-07},
		{20.0, 0.0, 1.0, true, 1.0},
		{20.0, 0.0, 1.0, false, 2.7536241186062337e-89},
		{7.3, 3.1, 1.7, true, 0.9932554481359861},
		{7.3, 3.1, 1.7, false, 0.0067445518640138515},
		{-2.0, 1.0, 0.25, true, 1.776482112077679e-33},
		{-2.0, 1.0, 0.25, false, 1.0},
		// R's special cases.
		{1, 1, 0, true, 1}, {0.5, 1, 0, true, 0}, {0.5, 1, 0, false, 1},
		{math.Inf(1), 0, 1, true, 1}, {math.Inf(-1), 0, 1, false, 1},
		{1, 0, -1, true, math.NaN()}, {math.NaN(), 0, 1, true, math.NaN()},
		{math.Inf(1), math.Inf(1), 1, true, math.NaN()},
	}
	for _, tt := range tests {
		got := PNorm(tt.x, tt.mean, tt.sd, tt.lower)
		if !(closeRel(got, tt.want, 1e-13) || math.IsNaN(got) && math.IsNaN(tt.want)) {
			t.Errorf("PNorm(%v, %v, %v, %v) = %v, want %v", tt.x, tt.mean, tt.sd, tt.lower, got, tt.want)
		}
	}
}

func TestQNorm(t *testing.T) {
	tests := []struct{ p, want float64 }{
		{1e-300, -37.0470962993612},
		{1e-12, -7.034483825301132},
		{1e-10, -6.361340902404057},
		{0.025, -1.9599639845400543},
		{0.3, -0.5244005127080408},
		{0.5, 0.0},
		{0.95, 1.6448536269514722},
		{0.995, 2.5758293035489004},
		{0.999999999999, 7.0344869100478356},
		{0, math.Inf(-1)}, {1, math.Inf(1)},
	}
	for _, tt := range tests {
		if got := QNorm(tt.p, 0, 1); !closeRel(got, tt.want, 1e-14) {
			t.Errorf("QNorm(%v) = %v, want %v", tt.p, got, tt.want)
		}
	}
	if got := QNorm(0.975, 10, 2); !closeRel(got, 10+2*1.9599639845400543, 1e-15) {
		t.Errorf("QNorm(0.975, 10, 2) = %v", got)
	}
	for _, p := range []float64{-0.1, 1.1, math.NaN()} {
		if got := QNorm(p, 0, 1); !math.IsNaN(got) {
			t.Errorf("QNorm(%v) = %v, want NaN", p, got)
		}
	}
	// Round trip through PNorm.
	for _, p := range []float64{1e-8, 0.01, 0.2, 0.7, 0.999} {
		if got := PNorm(QNorm(p, 3, 2), 3, 2, true); !closeRel(got, p, 1e-13) {
			t.Errorf("PNorm(QNorm(%v)) = %v", p, got)
		}
	}
}

func TestPT(t *testing.T) {
	// The incomplete beta of gonum loses about ε·df of relative accuracy,
	// hence the looser tolerance at df = 10⁵ (the GLMs here have df < 2000;
	// the p-value is only compared with a threshold such as 0.05).
	tests := []struct{ x, df, want, tol float64 }{
		{-2.5, 3.0, 0.04385332350403277, 1e-13},
		{-10.0, 250.0, 2.5312085807228914e-20, 1e-12},
		{-0.3, 1.5, 0.4002360984017924, 1e-13},
		{-4.0, 7.0, 0.002594956674648406, 1e-13},
		{-1.96, 100000.0, 0.02499928159715082, 1e-9},
		{1.5, 12.0, 0.9202712482433965, 1e-13},
		{0, 5, 0.5, 0},
	}
	for _, tt := range tests {
		if got := PT(tt.x, tt.df); !closeRel(got, tt.want, tt.tol) {
			t.Errorf("PT(%v, %v) = %v, want %v", tt.x, tt.df, got, tt.want)
		}
	}
	for _, df := range []float64{0, -1, math.NaN()} {
		if got := PT(1, df); !math.IsNaN(got) {
			t.Errorf("PT(1, %v) = %v, want NaN", df, got)
		}
	}
}

func TestPPois(t *testing.T) {
	tests := []struct {
		x, lambda float64
		lower     bool
		want      float64
	}{
		{0.0, 3.7, true, 0.024723526470339388},
		{0.0, 3.7, false, 0.9752764735296606},
		{2.0, 3.7, true, 0.28543311310006825},
		{2.0, 3.7, false, 0.7145668868999318},
		{10.0, 3.7, true, 0.9984278189990823},
		{10.0, 3.7, false, 0.0015721810009176854},
		{520.0, 480.0, true, 0.966445800042989},
		{520.0, 480.0, false, 0.03355419995701105},
		{600.0, 480.0, true, 0.9999999415983155},
		{600.0, 480.0, false, 5.8401684476069965e-08},
		{4800.0, 5000.0, true, 0.002269403878343364},
		{4800.0, 5000.0, false, 0.9977305961216566},
		{5400.0, 5000.0, true, 0.9999999888446188},
		{5400.0, 5000.0, false, 1.1155381166482015e-08},
		{2.9999999, 3.7, true, 0.49415324415041845}, // ⌊x + 1e-7⌋ = 3 as in R
		{-1, 3.7, true, 0}, {-1, 3.7, false, 1}, {4, 0, true, 1}, {math.Inf(1), 2, true, 1},
	}
	for _, tt := range tests {
		if got := PPois(tt.x, tt.lambda, tt.lower); !closeRel(got, tt.want, 1e-12) {
			t.Errorf("PPois(%v, %v, %v) = %v, want %v", tt.x, tt.lambda, tt.lower, got, tt.want)
		}
	}
	if got := PPois(1, -1, true); !math.IsNaN(got) {
		t.Errorf("PPois(1, -1) = %v, want NaN", got)
	}
	// Sum of pmfs: P(X ≤ 3) for λ = 3.7.
	lam, sum, term := 3.7, 0.0, math.Exp(-3.7)
	for k := 0; k <= 3; k++ {
		sum += term
		term *= lam / float64(k+1)
	}
	if got := PPois(3, lam, true); !closeRel(got, sum, 1e-14) {
		t.Errorf("PPois(3, 3.7) = %v, want Σ pmf = %v", got, sum)
	}
}

func TestPNBinom(t *testing.T) {
	tests := []struct {
		x, size, prob float64
		lower         bool
		want          float64
	}{
		{0.0, 3.7, 0.4, true, 0.03369938443095648},
		{0.0, 3.7, 0.4, false, 0.9663006155690436},
		{5.0, 3.7, 0.4, true, 0.5667768629366841},
		{5.0, 3.7, 0.4, false, 0.4332231370633159},
		{40.0, 3.7, 0.4, true, 0.9999995450623139},
		{40.0, 3.7, 0.4, false, 4.5493768604380086e-07},
		{30.0, 10.0, 0.2, true, 0.26822288570851593},
		{30.0, 10.0, 0.2, false, 0.7317771142914841},
		{120.0, 10.0, 0.2, true, 0.999970494933439},
		{120.0, 10.0, 0.2, false, 2.9505066560978595e-05},
		{7350.0, 150.0, 0.02, true, 0.5111876352385311},
		{7350.0, 150.0, 0.02, false, 0.48881236476146894},
		{8562.0, 150.0, 0.02, true, 0.9730361839707268},
		{8562.0, 150.0, 0.02, false, 0.026963816029273238},
		{30.0, 30000000.0, 0.999999, true, 0.5483493334783741},
		{30.0, 30000000.0, 0.999999, false, 0.4516506665216259},
		{62.0, 30000000.0, 0.999999, true, 0.999999899430043},
		{62.0, 30000000.0, 0.999999, false, 1.0056995707270459e-07},
		{100000.0, 100000.0, 0.5, true, 0.5008920609429995},
		{100000.0, 100000.0, 0.5, false, 0.4991079390570005},
		{105366.0, 100000.0, 0.5, true, 1.0},
		{105366.0, 100000.0, 0.5, false, 1.1582530143517056e-32},
		{3.0, 0.05, 0.5, true, 0.9985895046690472},
		{3.0, 0.05, 0.5, false, 0.0014104953309528343},
		// R's special cases.
		{-1, 3, 0.5, true, 0}, {-1, 3, 0.5, false, 1},
		{2, 0, 0.5, true, 1}, {2, 3, 1, true, 1}, {2, 3, 1, false, 0},
	}
	for _, tt := range tests {
		if got := PNBinom(tt.x, tt.size, tt.prob, tt.lower); !closeRel(got, tt.want, 1e-12) {
			t.Errorf("PNBinom(%v, %v, %v, %v) = %v, want %v (rel. error %.2g)", tt.x, tt.size, tt.prob, tt.lower, got, tt.want, math.Abs(got/tt.want-1))
		}
	}
	for _, a := range [][3]float64{{1, 3, 0}, {1, 3, 1.5}, {1, -1, 0.5}, {1, math.Inf(1), 0.5}, {math.NaN(), 3, 0.5}} {
		if got := PNBinom(a[0], a[1], a[2], true); !math.IsNaN(got) {
			t.Errorf("PNBinom%v = %v, want NaN", a, got)
		}
	}
}

// TestPNBinomIdentity checks the incomplete-beta path against the summation
// path where both apply, and the sum of the two tails.
func TestPNBinomIdentity(t *testing.T) {
	for _, c := range [][3]float64{{20, 700, 0.97}, {500, 600, 0.5}, {3, 998, 0.001}, {900, 300, 0.8}} {
		x, size, prob := c[0], c[1], c[2]
		lo, up, ok := pnbinomSum(x, size, prob)
		if !ok {
			t.Fatalf("pnbinomSum%v failed", c)
		}
		beta := PNBinom(x, size, prob, true) // a + b ≤ 1000 only for some; compare regardless
		if !closeRel(lo, beta, 1e-11) {
			t.Errorf("%v: summed lower tail %v, incomplete beta %v", c, lo, beta)
		}
		if d := math.Abs(lo + up - 1); d > 1e-15 {
			t.Errorf("%v: tails sum to 1%+g", c, lo+up-1)
		}
	}
}

func TestQPois(t *testing.T) {
	tests := []struct{ p, lambda, want float64 }{
		{0.95, 3.7, 7.0},
		{0.995, 0.2, 2.0},
		{0.05, 25.0, 17.0},
		{0.999, 480.0, 549.0},
		{0.5, 5000.0, 5000.0},
		{0.975, 0.001, 0.0},
		{0, 3, 0}, {1, 3, math.Inf(1)}, {0.5, 0, 0},
	}
	for _, tt := range tests {
		if got := QPois(tt.p, tt.lambda); got != tt.want {
			t.Errorf("QPois(%v, %v) = %v, want %v", tt.p, tt.lambda, got, tt.want)
		}
	}
	// The fuzz: p exactly at a cdf value maps to that point, not the next.
	p := PPois(4, 3.7, true)
	if got := QPois(p, 3.7); got != 4 {
		t.Errorf("QPois(ppois(4)) = %v, want 4", got)
	}
	for _, a := range [][2]float64{{0.5, -1}, {1.5, 2}, {0.5, math.Inf(1)}, {math.NaN(), 1}} {
		if got := QPois(a[0], a[1]); !math.IsNaN(got) {
			t.Errorf("QPois%v = %v, want NaN", a, got)
		}
	}
}

func TestQNBinom(t *testing.T) {
	tests := []struct{ p, size, prob, want float64 }{
		{0.95, 3.7, 0.4, 13.0},
		{0.995, 0.5, 0.1, 37.0},
		{0.05, 10.0, 0.2, 20.0},
		{0.999, 150.0, 0.02, 9365.0},
		{0.95, 30000000.0, 0.999999, 39.0},
		{0.5, 2000.0, 0.5, 1999.0},
		{0.95, 20.5, 0.9545454545454546, 3.0},
		{0, 3, 0.5, 0}, {1, 3, 0.5, math.Inf(1)}, {0.5, 3, 1, 0}, {0.5, 0, 0.5, 0}, {0.5, 0, 0, 0},
	}
	for _, tt := range tests {
		if got := QNBinom(tt.p, tt.size, tt.prob); got != tt.want {
			t.Errorf("QNBinom(%v, %v, %v) = %v, want %v", tt.p, tt.size, tt.prob, got, tt.want)
		}
	}
	p := PNBinom(9, 3.7, 0.4, true)
	if got := QNBinom(p, 3.7, 0.4); got != 9 {
		t.Errorf("QNBinom(pnbinom(9)) = %v, want 9", got)
	}
	// prob = 0 is NaN (bayes with no reference values), as are the other
	// invalid arguments.
	for _, a := range [][3]float64{{0.95, 3, 0}, {0.95, 3, 1.2}, {0.95, -1, 0.5}, {1.2, 3, 0.5}, {math.NaN(), 3, 0.5}} {
		if got := QNBinom(a[0], a[1], a[2]); !math.IsNaN(got) {
			t.Errorf("QNBinom%v = %v, want NaN", a, got)
		}
	}
}

// directCDF hides a cdf's pmf, so that discreteSearch evaluates every
// probe directly.
type directCDF struct{ cdf }

// TestNeighbourSteps checks that stepping to a neighbouring probe by the
// pmf leaves every negative binomial quantile as with direct evaluation,
// over random sizes (small, Bayes-like and huge), probs and levels, and at
// levels that are cdf values themselves (where a step lands next to p).
func TestNeighbourSteps(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	stepped := 0
	for i := range 20000 {
		size := math.Pow(10, -2+8*rng.Float64())
		if i%2 == 0 {
			size = math.Round(size) + 0.5 // bayes: S + 1/2
		}
		prob := rng.Float64()
		if i%3 == 0 {
			n := float64(1 + rng.IntN(30))
			prob = n / (n + 1) // bayes: N/(N+1)
		}
		p := []float64{0.95, 0.99, 0.999, 0.5, 0.05, rng.Float64()}[i%6]
		if i%7 == 0 { // p a cdf value: the answer is that point
			p = PNBinom(math.Floor(size*(1-prob)/prob), size, prob, true)
		}
		if !(p > 0 && p < 1 && prob > 0 && prob < 1) {
			continue
		}
		nq := NewNBQuantile(p)
		got := nq.At(size, prob)
		q := 1 / prob
		pp := (1 - prob) * q
		sigma := math.Sqrt(size * pp * q)
		want := discreteSearch(p, cornishFisher(nq.z, size*pp, sigma, (q+pp)/sigma), directCDF{nbinomCDF{size, prob}})
		if got != want {
			t.Fatalf("qnbinom(%v, %v, %v) = %v with pmf steps, %v without", p, size, prob, got, want)
		}
		if got > 0 {
			stepped++
		}
	}
	if stepped < 10000 {
		t.Errorf("only %d positive quantiles", stepped)
	}
}

// TestFastExp compares the fast exp with the correctly rounded one.
func TestFastExp(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	worst := 0.0
	for i := 0; i < 20000; i++ {
		x := (rng.Float64() - 0.5) * 120
		if i%4 == 0 {
			x = (rng.Float64() - 0.5) * 1400
		}
		got, want := FastExp(x), crExp(x)
		ulp := math.Abs(got-want) / (math.Nextafter(want, math.Inf(1)) - want)
		worst = math.Max(worst, ulp)
		if ulp > 1 {
			t.Fatalf("FastExp(%v) = %v, correctly rounded %v (%.2f ulp)", x, got, want, ulp)
		}
	}
	for _, x := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), 710, -750, -720, 0} {
		if got, want := FastExp(x), math.Exp(x); got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Errorf("FastExp(%v) = %v, want %v", x, got, want)
		}
	}
	t.Logf("worst error %.3f ulp", worst)
}

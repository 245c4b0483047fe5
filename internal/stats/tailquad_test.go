package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"gonum.org/v1/gonum/mathext"
)

// The references below were computed with mpmath 1.3 at 60 digits for the
// exact float64 inputs: by summing the pmf exactly where k < 3000, else by
// adaptive tanh-sinh quadrature of tᵃ(1−t)ᵇ/B(a,b) (and of
// exp(As − eˢ)/Γ(A)) over the logit (log) scale, with lgamma normalisation,
// the integrand scaled to 1 at the endpoint and the tail split into pieces
// growing geometrically until they add less than 1e-40 (which agrees with
// the exact sums to ≥ 23 digits where both apply). The cases are a random
// selection from a grid of sizes 1e-6 … 1e15, means 1 … 1e13 and points
// from −40 to +40 standard deviations, with size + k + 1 ≥ 1000 (where
// PNBinom may integrate), and of Poisson means 1e3 … 1e15 with k ≥ 1000.

// {k, size, prob, P(X ≤ k), P(X > k)}
var nbQuadRefs = [][5]float64{
	{10010000.0, 1e-06, 9.999999999e-11, 0.99999366947840296, 6.3305215970826561e-06},
	{50010000.0, 1e-06, 9.999999999e-11, 0.99999527411388334, 4.7258861166335637e-06},
	{10010000000.0, 1e-06, 9.999999999999e-14, 0.99999366947835311, 6.3305216468826648e-06},
	{50010000000.0, 1e-06, 9.999999999999e-14, 0.99999527411387346, 4.7258861265220025e-06},
	{100000000000.0, 1e-06, 9.999999999999999e-18, 0.99998676179091039, 1.3238209089659706e-05},
	{224289843732.0, 0.001151276256339739, 2.0226358908338875e-13, 0.99705530864072567, 0.0029446913592742923},
	{17110580.0, 0.005440094124477525, 5.714163383470875e-09, 0.99000088005391895, 0.0099991199460810892},
	{1797060.0, 0.5, 4.9999750001249995e-06, 0.99997756523118564, 2.2434768814340467e-05},
	{57573593.0, 0.5, 4.9999999750000005e-09, 0.55201143160216048, 0.44798856839783946},
	{1000.0, 1.7, 0.0016971149046620744, 0.60212654789386433, 0.39787345210613567},
	{10211.0, 1.7, 0.0016971149046620744, 0.99999975306687605, 2.4693312390537351e-07},
	{253394.0, 1.7, 1.6999711004912916e-05, 0.95248856251605185, 0.047511437483948191},
	{564012169.0, 5.237264697686664, 4.855165875741955e-09, 0.11770301592303367, 0.88229698407696633},
	{1000.0, 10.0, 0.009900990099009901, 0.54269314360664089, 0.45730685639335905},
	{1317.0, 10.0, 0.009900990099009901, 0.84445103655957554, 0.15554896344042446},
	{2581138830092.0, 10.0, 9.9999999999e-12, 0.99987079772133314, 0.00012920227866687446},
	{99424697054.0, 48.91080567799821, 8.43665607695146e-10, 0.99998603173664935, 1.3968263350638974e-05},
	{799999999990.0, 100.0, 9.999999999e-11, 0.017108313035379321, 0.9828916869646207},
	{1030000000001.0, 100.0, 9.999999999e-11, 0.62941723448099751, 0.37058276551900243},
	{1200000000010.0, 100.0, 9.999999999e-11, 0.97213626010976284, 0.027863739890237167},
	{212581022.0, 879.5204949903592, 3.829184379943743e-06, 0.012072215760812974, 0.98792778423918703},
	{910.0, 1000.0, 0.5, 0.020838664088801858, 0.97916133591119814},
	{955.0, 1000.0, 0.5, 0.15983691948541748, 0.84016308051458255},
	{2788.0, 1000.0, 0.5, 1, 1.4236687514404443e-193},
	{1063245553234.0, 1000.0, 9.99999999e-10, 0.97557011269731175, 0.024429887302688195},
	{157785297543.0, 6435.3157667384485, 4.0194705622263476e-08, 0.12240103206948945, 0.87759896793051051},
	{99699985.0, 10000.0, 9.999000099990002e-05, 0.38324629068420002, 0.61675370931579998},
	{100300014.0, 10000.0, 9.999000099990002e-05, 0.61906746603868135, 0.38093253396131871},
	{112000599.0, 10000.0, 9.999000099990002e-05, 1, 3.5096087640096527e-31},
	{1726.0, 14365.434777312268, 0.9013058581378375, 0.99984993651409848, 0.00015006348590150591},
	{29.0, 100367.8907609065, 0.9996917736951187, 0.40844416831331593, 0.59155583168668413},
	{8126132744.0, 386067.4213818828, 4.78491133915801e-05, 0.99999595904720673, 4.0409527932436644e-06},
	{1.0, 1000000.0, 0.99999950000025, 0.90979595164639304, 0.09020404835360693},
	{30.0, 1000000.0, 0.999980000399992, 0.98652448435938356, 0.013475515640616441},
	{94.0, 1000000.0, 0.9999950000249999, 1, 1.7439550628665298e-84},
	{1158.0, 1000000.0, 0.999000999000999, 0.99999949692612722, 5.0307387277486562e-07},
	{1002000000999.0, 1000000.0, 9.99999000001e-07, 0.97719590407423362, 0.022804095925766408},
	{96406.0, 176684933.45609576, 0.9994519064858953, 0.059005411998932243, 0.94099458800106772},
	{70.0, 193285953.2042885, 0.9999996931582092, 0.92390698100809288, 0.07609301899190711},
	{1123.0, 1349010126.935465, 0.9999992036331883, 0.93249566732813149, 0.067504332671868547},
	{702636646.0, 919430429479.7632, 0.9992363964925256, 0.77265985875059795, 0.22734014124940208},
	{0.0, 1000000000000.0, 0.999999999997, 0.049784845069096605, 0.95021515493090336},
	{2.0, 1000000000000.0, 0.9999999999995, 0.98560895175022722, 0.014391048249772794},
	{2.0, 1000000000000.0, 0.999999999997, 0.42318007613278946, 0.57681992386721048},
	{620.0, 1000000000000.0, 0.999999999, 2.0337168076468699e-38, 1},
	{990.0, 1000000000000.0, 0.999999999, 0.38376259565005366, 0.61623740434994634},
	{103794.0, 1000000000000.0, 0.99999990000001, 1, 4.3802161618198671e-33},
	{99979999.0, 1000000000000.0, 0.9999000099990001, 0.022750131093617936, 0.9772498689063821},
	{100010000.0, 1000000000000.0, 0.9999000099990001, 0.84134474606990139, 0.15865525393009858},
	{100050002.0, 1000000000000.0, 0.9999000099990001, 0.99999971275318988, 2.8724681006529788e-07},
	{422399.0, 1325981143934.7695, 0.9999996814200782, 0.480711006673884, 0.519288993326116},
	{960192406.0, 4733468354044.322, 0.9997972026103967, 0.9784255631574873, 0.021574436842512739},
	{0.0, 4808247758851.459, 0.99999999999874, 0.0023382459091332705, 0.99766175409086677},
	{0.0, 9517054699648.42, 0.999999999999977, 0.80354884740944155, 0.1964511525905584},
	{12.0, 10535071858082.875, 0.9999999999997128, 0.99998236780230287, 1.7632197697104235e-05},
	{33708.0, 30890945530577.98, 0.999999998873042, 1.3457970353339803e-09, 0.99999999865420297},
	{0.0, 1000000000000000.0, 0.99999999999998, 2.0943670710965314e-09, 0.99999999790563288},
	{10.0, 1000000000000000.0, 0.99999999999998, 0.010905068188742104, 0.98909493181125785},
	{1158.0, 1000000000000000.0, 0.999999999999, 0.99999950523571957, 4.9476428047104077e-07},
	{99996999.0, 1000000000000000.0, 0.99999990000001, 0.38207700106360271, 0.61792299893639735},
}

// {k, λ, P(X ≤ k), P(X > k)}
var poisQuadRefs = [][4]float64{
	{1063.0, 1000.0, 0.97684487685697174, 0.023155123143028221},
	{1158.0, 1000.0, 0.99999950342812516, 4.9657187480285899e-07},
	{8800.0, 10000.0, 8.8303863257613505e-35, 1},
	{10030.0, 10000.0, 0.62039219528759204, 0.37960780471240796},
	{96205.0, 100000.0, 7.0852196853349181e-34, 1},
	{99367.0, 100000.0, 0.022657046467126945, 0.97734295353287304},
	{101581.0, 100000.0, 0.99999969586335624, 3.0413664371115676e-07},
	{988000.0, 1000000.0, 1.3377811775778126e-33, 1},
	{999700.0, 1000000.0, 0.38233716134294932, 0.61766283865705074},
	{1000000.0, 1000000.0, 0.50026596148628366, 0.49973403851371634},
	{1000300.0, 1000000.0, 0.61815991406671233, 0.38184008593328767},
	{1005000.0, 1000000.0, 0.99999970811075334, 2.9188924670030267e-07},
	{99950000.0, 100000000.0, 2.8613156066973945e-07, 0.99999971386843933},
	{99990000.0, 100000000.0, 0.15866735307263513, 0.84133264692736487},
	{99997000.0, 100000000.0, 0.38211343204193748, 0.61788656795806252},
	{100050000.0, 100000000.0, 0.99999971282773548, 2.871722645017613e-07},
	{9999500000.0, 10000000000.0, 2.8659954010315793e-07, 0.9999997134004599},
	{9999800000.0, 10000000000.0, 0.022750131947279349, 0.97724986805272063},
	{9999970000.0, 10000000000.0, 0.38209106319289415, 0.6179089368071059},
	{999995000000.0, 1000000000000.0, 2.8664636839496294e-07, 0.99999971335363158},
	{999998000000.0, 1000000000000.0, 0.022750131948170209, 0.97724986805182978},
	{1000000300000.0, 1000000000000.0, 0.61791167072663322, 0.38208832927336678},
	{999999620526680.0, 1000000000000000.0, 1.7764657454576904e-33, 1},
	{1000000158113883.0, 1000000000000000.0, 0.99999971334826321, 2.8665173682473596e-07},
}

// tailTol is the relative tolerance for a tail probability v: the
// quadrature is good to ~3e-14, and beyond that its error grows like
// ε·|log v|, the conditioning of e^H with respect to the parameters.
func tailTol(v float64) float64 { return 5e-14 + 2e-15*math.Abs(math.Log(v)) }

func TestTailQuadAccuracy(t *testing.T) {
	worst, worstName := 0.0, ""
	check := func(name string, got, want float64) {
		e := math.Abs(got-want) / want
		if e > worst {
			worst, worstName = e, fmt.Sprintf("%s = %v (want %v)", name, got, want)
		}
		if !(e <= tailTol(want)) {
			t.Errorf("%s = %v, want %v (rel. error %.2g)", name, got, want, e)
		}
	}
	for _, r := range nbQuadRefs {
		k, size, prob := r[0], r[1], r[2]
		lo, up := pnbinomQuad(k, size, prob)
		check(fmtArgs("pnbinomQuad lower", r[:3]), lo, r[3])
		check(fmtArgs("pnbinomQuad upper", r[:3]), up, r[4])
		check(fmtArgs("PNBinom lower", r[:3]), PNBinom(k, size, prob, true), r[3])
		check(fmtArgs("PNBinom upper", r[:3]), PNBinom(k, size, prob, false), r[4])
	}
	for _, r := range poisQuadRefs {
		k, lambda := r[0], r[1]
		lo, up := ppoisQuad(k, lambda)
		check(fmtArgs("ppoisQuad lower", r[:2]), lo, r[2])
		check(fmtArgs("ppoisQuad upper", r[:2]), up, r[3])
		check(fmtArgs("PPois lower", r[:2]), PPois(k, lambda, true), r[2])
		check(fmtArgs("PPois upper", r[:2]), PPois(k, lambda, false), r[3])
	}
	t.Logf("worst relative error %.2g: %s", worst, worstName)
}

func fmtArgs(name string, a []float64) string {
	s := name + "("
	for i, v := range a {
		if i > 0 {
			s += ", "
		}
		s += strconv.FormatFloat(v, 'g', -1, 64)
	}
	return s + ")"
}

// TestTailQuadBothSides integrates both tails of the same point directly
// and checks that they add up to 1: a test of the normalisation and of the
// quadrature on either side that needs no reference. Only points where
// the integrand is within e⁻¹ of its maximum qualify (elsewhere the tail
// through the mode is never integrated: its integrand would rise steeply
// far from the endpoint).
func TestTailQuadBothSides(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	worst := 0.0
	n := 0
	for i := 0; i < 3000; i++ {
		size := math.Pow(10, -3+17*rng.Float64())
		mean := math.Pow(10, 17*rng.Float64())
		prob := size / (size + mean)
		if !(prob > 0 && prob < 1) {
			continue
		}
		sd := math.Sqrt(mean / prob)
		k := math.Floor(math.Max(0, mean+sd*rng.NormFloat64()))
		if size+k+1 < nbSumThreshold {
			continue
		}
		a, b := size, k+1
		f := newNBLogDensity(a, b)
		dc := nbEndpoint(prob, a, b)
		if f.h(dc) < -1 {
			continue
		}
		n++
		sigma := 1 / math.Sqrt(f.c)
		logNorm := 0.5*math.Log(2*math.Pi/f.c) + stirlerr(a) + stirlerr(b) - stirlerr(a+b)
		lo := math.Exp(logTailQuad(f, dc, false, sigma) - logNorm)
		up := math.Exp(logTailQuad(f, dc, true, sigma) - logNorm)
		d := math.Abs(lo + up - 1)
		worst = math.Max(worst, d)
		if d > 1e-13 {
			t.Errorf("NB(k=%v, size=%v, prob=%v): tails %v + %v = 1%+.2g", k, size, prob, lo, up, lo+up-1)
		}
	}
	for i := 0; i < 1000; i++ {
		lambda := math.Pow(10, 3+13*rng.Float64())
		k := math.Floor(math.Max(0, lambda+math.Sqrt(lambda)*rng.NormFloat64()))
		a := k + 1
		f := poisLogDensity{a}
		dc := math.Log(lambda / a)
		if f.h(dc) < -1 {
			continue
		}
		n++
		logNorm := 0.5*math.Log(2*math.Pi/a) + stirlerr(a)
		lo := math.Exp(logTailQuad(f, dc, true, 1/math.Sqrt(a)) - logNorm)
		up := math.Exp(logTailQuad(f, dc, false, 1/math.Sqrt(a)) - logNorm)
		d := math.Abs(lo + up - 1)
		worst = math.Max(worst, d)
		if d > 1e-13 {
			t.Errorf("Poisson(k=%v, λ=%v): tails %v + %v = 1%+.2g", k, lambda, lo, up, lo+up-1)
		}
	}
	t.Logf("%d points: worst |lower + upper − 1| = %.2g", n, worst)
}

// TestTailQuadMatchesSum compares the quadrature with the pmf summation
// (and the Poisson one with gonum) where those are exact to rounding.
func TestTailQuadMatchesSum(t *testing.T) {
	worst := 0.0
	for _, size := range []float64{0.7, 5, 60, 900, 5000, 3e7} {
		for _, prob := range []float64{0.02, 0.3, 0.8, 0.999} {
			mean := size * (1 - prob) / prob
			sd := math.Sqrt(mean / prob)
			for _, z := range []float64{-6, -2, -0.5, 0, 0.5, 2, 6, 12} {
				k := math.Floor(mean + z*sd)
				if k < 0 || size+k+1 < nbSumThreshold {
					continue
				}
				slo, sup, ok := pnbinomSum(k, size, prob)
				if !ok {
					continue
				}
				qlo, qup := pnbinomQuad(k, size, prob)
				e := math.Max(math.Abs(qlo-slo)/slo, math.Abs(qup-sup)/sup)
				worst = math.Max(worst, e)
				if e > 2*tailTol(math.Min(slo, sup)) {
					t.Errorf("NB(k=%v, size=%v, prob=%v): quadrature %v %v, sum %v %v", k, size, prob, qlo, qup, slo, sup)
				}
			}
		}
	}
	t.Logf("NB: worst relative difference %.2g", worst)
	worst = 0
	for _, lambda := range []float64{1500, 5e3, 2e4, 1e5} {
		for _, z := range []float64{-4, -2, -0.5, 0, 0.5, 2, 4} {
			k := math.Floor(lambda + z*math.Sqrt(lambda))
			glo, gup := mathext.GammaIncRegComp(k+1, lambda), mathext.GammaIncReg(k+1, lambda)
			qlo, qup := ppoisQuad(k, lambda)
			e := math.Max(math.Abs(qlo-glo)/glo, math.Abs(qup-gup)/gup)
			worst = math.Max(worst, e)
			if e > 2*tailTol(math.Min(glo, gup)) {
				t.Errorf("Poisson(k=%v, λ=%v): quadrature %v %v, gonum %v %v", k, lambda, qlo, qup, glo, gup)
			}
		}
	}
	t.Logf("Poisson: worst relative difference %.2g", worst)
}

// TestPNBinomSmallSize covers the upper tail for sizes below 1 at tiny
// probabilities, where gonum's I_{1−p}(x+1, size) is off (by 40% at size
// 1e-10; pnbinomUpperSmall). References: exact sums, mpmath at 80 digits.
func TestPNBinomSmallSize(t *testing.T) {
	worst := 0.0
	for _, c := range [][4]float64{ // {x, size, prob, P(X > x)}
		{0.0, 1e-10, 1e-09, 2.0723265815473725e-09},
		{0.0, 1e-10, 1e-15, 3.4538776335264331e-09},
		{0.0, 1e-10, 1e-300, 6.9077550403967284e-08},
		{0.0, 0.001, 1e-09, 0.020510014591301126},
		{0.0, 0.001, 1e-15, 0.033949121010186628},
		{0.0, 0.001, 1e-300, 0.4988127663727277},
		{0.0, 0.5, 1e-09, 0.99996837722339826},
		{0.0, 0.5, 1e-15, 0.99999996837722338},
		{0.0, 0.5, 1e-300, 1},
		{3.0, 1e-10, 1e-09, 1.8889932488839658e-09},
		{3.0, 1e-10, 1e-15, 3.2705443008163113e-09},
		{3.0, 1e-10, 1e-300, 6.8894217083288168e-08},
		{3.0, 0.001, 1e-09, 0.01871330330109236},
		{3.0, 0.001, 1e-15, 0.032177061520151165},
		{3.0, 0.001, 1e-300, 0.49789342184031288},
		{3.0, 0.5, 1e-09, 0.99993082517625298},
		{3.0, 0.5, 1e-15, 0.99999993082517613},
		{3.0, 0.5, 1e-300, 1},
		{50.0, 1e-10, 1e-09, 1.6224060535537236e-09},
		{50.0, 1e-10, 1e-15, 3.0039571011543776e-09},
		{50.0, 1e-10, 1e-300, 6.8627629901120661e-08},
		{50.0, 0.001, 1e-09, 0.016093958445990833},
		{50.0, 0.001, 1e-15, 0.029593655378199645},
		{50.0, 0.001, 1e-300, 0.49655315063329908},
		{50.0, 0.5, 1e-09, 0.99974579990418355},
		{50.0, 0.5, 1e-15, 0.99999974579989992},
		{50.0, 0.5, 1e-300, 1},
		{998.0, 1e-10, 1e-09, 1.3239796966714404e-09},
		{998.0, 1e-10, 1e-15, 2.7055306498845058e-09},
		{998.0, 1e-10, 1e-300, 6.8329203469434525e-08},
		{998.0, 0.001, 1e-09, 0.013153347150949285},
		{998.0, 0.001, 1e-15, 0.026693389860768142},
		{998.0, 0.001, 1e-300, 0.49504849276995083},
		{998.0, 0.5, 1e-09, 0.99887232664788361},
		{998.0, 0.5, 1e-15, 0.99999887232627271},
		{998.0, 0.5, 1e-300, 1},
	} {
		got := PNBinom(c[0], c[1], c[2], false)
		e := math.Abs(got-c[3]) / c[3]
		worst = math.Max(worst, e)
		if e > 1e-13 {
			t.Errorf("PNBinom(%v, %v, %v, upper) = %v, want %v (rel. error %.2g)", c[0], c[1], c[2], got, c[3], e)
		}
		if lo := PNBinom(c[0], c[1], c[2], true); math.Abs(lo-(1-c[3])) > 1e-15 {
			t.Errorf("PNBinom(%v, %v, %v, lower) = %v, want %v", c[0], c[1], c[2], lo, 1-c[3])
		}
	}
	t.Logf("worst relative error %.2g", worst)
}

// Quantiles at huge parameters, each checked against mpmath: F(x−1) <
// p(1 − 64ε) ≤ F(x) at 60 digits.
func TestQuantilesHuge(t *testing.T) {
	for _, c := range [][4]float64{
		{0.95, 1e12, 0.5, 1000002326175},
		{0.95, 0.1, 3.6e-9, 161231973},
		{0.95, 0.0029, 4.1e-9, 3},
		{0.99, 5, 1e-9, 11604625571},
		{0.95, 2e9, 0.9999999, 224},
		{0.5, 1e15, 0.999999999999, 1000},
		{0.999, 1000, 1e-5, 110056760},
		{0.05, 0.3, 1e-11, 3211035},
	} {
		if got := QNBinom(c[0], c[1], c[2]); got != c[3] {
			t.Errorf("QNBinom(%v, %v, %v) = %v, want %v", c[0], c[1], c[2], got, c[3])
		}
	}
	for _, c := range [][3]float64{
		{0.95, 1e12, 1000001644854},
		{0.999, 1e8, 100030904},
		{0.05, 1e15, 999999947985161},
		{0.95, 12345.6, 12529},
		{0.5, 1e6, 1e6},
	} {
		if got := QPois(c[0], c[1]); got != c[2] {
			t.Errorf("QPois(%v, %v) = %v, want %v", c[0], c[1], got, c[2])
		}
	}
}

// extremeArgs are parameter values for TestDistributionsExtreme.
var extremeArgs = struct{ x, size, prob, lambda, p []float64 }{
	x:      []float64{0, 1, 7, 1e3, 1e6, 1e9, 1e12, 1e15, 1e18, 1e100, 1e300, math.MaxFloat64},
	size:   []float64{1e-300, 1e-10, 1e-3, 0.5, 1, 3.7, 1e3, 1e6, 1e9, 1e12, 1e15, 1e18, 1e100, 1e300},
	prob:   []float64{1e-300, 1e-100, 1e-15, 1e-9, 1e-3, 0.3, 0.5, 0.9, 1 - 1e-9, 1 - 1e-15, 1 - 0x1p-53},
	lambda: []float64{1e-300, 1e-10, 0.5, 3.7, 1e3, 1e6, 1e9, 1e12, 1e15, 1e18, 1e100, 1e300},
	p:      []float64{1e-300, 1e-10, 0.05, 0.5, 0.95, 1 - 1e-10, 1 - 0x1p-53},
}

// TestDistributionsExtreme runs the discrete distribution functions over a
// grid of extreme arguments: every result must be a probability (a count
// for the quantiles), the two tails must add up to 1, and the quantile must
// be consistent with the cdf. The slowest call is logged (timed in
// BenchmarkDistributionsWorst, not asserted).
func TestDistributionsExtreme(t *testing.T) {
	var slowest time.Duration
	var slowName string
	timed := func(name string, f func()) {
		t0 := time.Now()
		f()
		if d := time.Since(t0); d > slowest {
			slowest, slowName = d, name
		}
	}
	a := extremeArgs
	for _, size := range a.size {
		for _, prob := range a.prob {
			for _, x := range a.x {
				var lo, up float64
				timed(fmtArgs("PNBinom", []float64{x, size, prob}), func() {
					lo, up = PNBinom(x, size, prob, true), PNBinom(x, size, prob, false)
				})
				if !(lo >= 0 && lo <= 1 && up >= 0 && up <= 1) || math.Abs(lo+up-1) > 1e-12 {
					t.Errorf("PNBinom(%v, %v, %v) = %v, %v", x, size, prob, lo, up)
				}
			}
			for _, p := range a.p {
				var q float64
				timed(fmtArgs("QNBinom", []float64{p, size, prob}), func() { q = QNBinom(p, size, prob) })
				if !(q >= 0) {
					t.Errorf("QNBinom(%v, %v, %v) = %v", p, size, prob, q)
					continue
				}
				if !math.IsInf(q, 1) && PNBinom(q, size, prob, true) < p*quantileFuzz {
					t.Errorf("QNBinom(%v, %v, %v) = %v but PNBinom there is %v", p, size, prob, q, PNBinom(q, size, prob, true))
				}
			}
		}
	}
	for _, lambda := range a.lambda {
		for _, x := range a.x {
			var lo, up float64
			timed(fmtArgs("PPois", []float64{x, lambda}), func() {
				lo, up = PPois(x, lambda, true), PPois(x, lambda, false)
			})
			if !(lo >= 0 && lo <= 1 && up >= 0 && up <= 1) || math.Abs(lo+up-1) > 1e-12 {
				t.Errorf("PPois(%v, %v) = %v, %v", x, lambda, lo, up)
			}
		}
		for _, p := range a.p {
			var q float64
			timed(fmtArgs("QPois", []float64{p, lambda}), func() { q = QPois(p, lambda) })
			if !(q >= 0) {
				t.Errorf("QPois(%v, %v) = %v", p, lambda, q)
				continue
			}
			if !math.IsInf(q, 1) && PPois(q, lambda, true) < p*quantileFuzz {
				t.Errorf("QPois(%v, %v) = %v but PPois there is %v", p, lambda, q, PPois(q, lambda, true))
			}
		}
	}
	t.Logf("slowest call: %s, %v", slowName, slowest)
}

// BenchmarkDistributionsWorst times the distribution functions at
// parameters that used to be slow (μ ≈ 10¹², very skewed sizes) and at the
// slowest point of TestDistributionsExtreme.
func BenchmarkDistributionsWorst(b *testing.B) {
	var sink float64
	for _, c := range []struct {
		name string
		f    func() float64
	}{
		{"PNBinom/size=1e12", func() float64 { return PNBinom(1e12+1e6, 1e12, 0.5, true) }},
		{"PNBinom/size=0.1,prob=3.6e-9", func() float64 { return PNBinom(1.6e8, 0.1, 3.6e-9, false) }},
		{"PPois/lambda=1e12", func() float64 { return PPois(1e12+5e6, 1e12, false) }},
		{"QNBinom/size=1e12", func() float64 { return QNBinom(0.95, 1e12, 0.5) }},
		{"QNBinom/size=0.1,prob=3.6e-9", func() float64 { return QNBinom(0.95, 0.1, 3.6e-9) }},
		{"QNBinom/size=1e-10,prob=1e-300", func() float64 { return QNBinom(1-1e-10, 1e-10, 1e-300) }},
		{"QPois/lambda=1e15", func() float64 { return QPois(0.95, 1e15) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				sink += c.f()
			}
		})
	}
	_ = sink
}

// countingCDF counts the evaluations of a cdf.
type countingCDF struct {
	f cdf
	n *int
}

func (c countingCDF) at(x float64) float64 { *c.n++; return c.f.at(x) }

// bisectQuantile is the plain reference search: the smallest integer x ≥ 0
// with F(x) ≥ p·(1 − 64ε), by bisection on [0, 2^k].
func bisectQuantile(p float64, f cdf) float64 {
	p *= quantileFuzz
	if f.at(0) >= p {
		return 0
	}
	lo, hi := 0.0, 1.0
	for f.at(hi) < p {
		lo, hi = hi, 2*hi
		if math.IsInf(hi, 1) {
			return hi
		}
	}
	for hi-lo > 1 {
		mid := math.Floor(lo + (hi-lo)/2)
		if mid <= lo || mid >= hi {
			break
		}
		if f.at(mid) >= p {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// TestDiscreteSearch checks the quantile search against plain bisection on
// random negative binomial and Poisson cases, from the Cornish–Fisher start
// and from poor starts, and reports the evaluations it needs.
func TestDiscreteSearch(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	var calls, cases, worst int
	for i := 0; i < 4000; i++ {
		p := []float64{0.5, 0.95, 0.99, 0.999, 1 - 1e-9, 0.05, 1e-6}[rng.IntN(7)]
		var f cdf
		var y float64
		if i%4 == 3 {
			lambda := math.Pow(10, -2+17*rng.Float64())
			f = poissonCDF{lambda}
			y = cornishFisher(QNorm(p, 0, 1), lambda, math.Sqrt(lambda), 1/math.Sqrt(lambda))
		} else {
			size := math.Pow(10, -4+18*rng.Float64())
			mean := math.Pow(10, -2+16*rng.Float64())
			prob := size / (size + mean)
			if !(prob > 0 && prob < 1) {
				continue
			}
			f = nbinomCDF{size, prob}
			q := 1 / prob
			pp := (1 - prob) * q
			sigma := math.Sqrt(size * pp * q)
			y = cornishFisher(QNorm(p, 0, 1), size*pp, sigma, (q+pp)/sigma)
		}
		switch i % 3 {
		case 1:
			y = math.Floor(y * (0.1 + 3*rng.Float64()))
		case 2:
			y = math.Floor(y + rng.NormFloat64()*100)
			y = math.Max(y, 0)
		}
		if y > 1e14 {
			// F is resolved to ~1e-14 and its steps are ~1/sd: further
			// out "the smallest x" is decided by rounding noise.
			continue
		}
		n := 0
		got := discreteSearch(p, y, countingCDF{f, &n})
		if want := bisectQuantile(p, f); got != want {
			t.Errorf("%T%v p=%v from %v: %v, bisection %v", f, f, p, y, got, want)
		}
		calls += n
		cases++
		worst = max(worst, n)
	}
	t.Logf("%d searches: %.1f cdf evaluations on average, %d at most", cases, float64(calls)/float64(cases), worst)
}

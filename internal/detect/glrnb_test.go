package detect

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestD5Max checks d5Max against a fine grid of |D³h|, D = t d/dt and h(t)
// = t/(1+t)². In s = log t, D = d/ds and h = e^s/(1+e^s)², whose third
// derivative is (checked against mpmath's numerical one)
//
//	D³h = e^s (1 − 11e^s + 11e^{2s} − e^{3s}) / (1 + e^s)⁵.
func TestD5Max(t *testing.T) {
	peak := 0.0
	for s := -30.0; s <= 30; s += 1e-4 {
		e := math.Exp(s)
		v := math.Abs(e * (1 - 11*e + 11*e*e - e*e*e) / math.Pow(1+e, 5))
		peak = max(peak, v)
	}
	if peak > d5Max || peak < d5Max-1e-4 {
		t.Errorf("max |D³h| = %.9f, d5Max = %v", peak, d5Max)
	}
}

// TestLnkBound checks that lnkBound never falls below l_{n,k} at the
// Newton estimate, over random segments of negative binomial counts.
func TestLnkBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	w := &nbWork{}
	checked := 0
	for trial := range 2000 {
		m := 1 + rng.IntN(80)
		alpha := []float64{0.01, 0.1, 0.2, 0.5, 2}[trial%5]
		x, mu := make([]float64, m), make([]float64, m)
		level := math.Exp(rng.Float64()*8 - 3) // 0.05 … 150
		for i := range x {
			mu[i] = level * (0.5 + rng.Float64())
			lift := 1 + 2*rng.Float64()*float64(i)/float64(m) // a rise to trigger large κ
			x[i] = math.Round(mu[i] * lift * rng.ExpFloat64())
		}
		w.reset(x, mu, alpha)
		kml := 0.5
		for k := range m {
			if w.score0[k] < 0 {
				kml = 0
				continue
			}
			var b float64
			if kml, b = w.newton(k, kml); math.IsInf(b, 1) {
				continue
			}
			if l := w.lnk(k, kml); b < l {
				t.Fatalf("trial %d, k = %d, α = %v: bound %v < l = %v (κ = %v)", trial, k, alpha, b, l, kml)
			}
			checked++
		}
	}
	if checked < 10000 {
		t.Errorf("only %d change points checked", checked)
	}
}

// glrNBRef is C glr_nb_window written out term by term (nbScore,
// nbFisher and nblnk as sums over the points, Newton from the previous
// change point's estimate, no shortcut), the reference for glrNB.
func glrNBRef(x, mu []float64, n int, alpha float64) float64 {
	best, kml := -1e99, 0.5
	for k := 0; k <= n; k++ {
		old, kap := 0.4, kml
		for iter := 0; kap > -18 && math.Abs(kap-old) > 1e-6 && iter < 1000; iter++ {
			old = kap
			ek := math.Exp(old)
			var sc, fi float64
			for i := k; i <= n; i++ {
				d := 1 + alpha*ek*mu[i]
				sc += (x[i] - ek*mu[i]) / d
				fi += ek * mu[i] * (alpha*x[i] + 1) / (d * d)
			}
			kap = old + sc/fi
		}
		kml = cfmax0(kap)
		var l float64
		for i := k; i <= n; i++ {
			l += kml*x[i] + (x[i]+1/alpha)*math.Log((1+alpha*mu[i])/(1+alpha*mu[i]*math.Exp(kml)))
		}
		best = max(best, l)
	}
	return best
}

// TestGLRNB checks glrNB (suffix sums, the score shortcut, the lnkBound
// shortcut, per-point terms kept from one n to the next) against the
// term-by-term reference on random segments with and without a rise, and
// that changing x_n and back, as the cases search does, gives the same
// statistic to the bit as a fresh start.
func TestGLRNB(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	w := &nbWork{}
	for trial := range 150 {
		m := 1 + rng.IntN(100)
		alpha := []float64{0.01, 0.1, 0.2, 0.5, 2}[trial%5]
		x, mu := make([]float64, m), make([]float64, m)
		level := math.Exp(rng.Float64()*8 - 3)
		for i := range x {
			mu[i] = level * (0.5 + rng.Float64())
			lift := 1.0
			if trial%2 == 0 && i > m/2 {
				lift = 1.5
			}
			x[i] = math.Round(mu[i] * lift * rng.ExpFloat64())
		}
		for _, n := range rng.Perm(m) { // any order: later points' terms must not leak in
			got := glrNB(w, x, mu, n, alpha)
			if want := glrNBRef(x, mu, n, alpha); math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
				t.Fatalf("trial %d, n = %d, α = %v: GLR %v, reference %v", trial, n, alpha, got, want)
			}
			old := x[n]
			x[n] = old + 3
			glrNB(w, x, mu, n, alpha)
			x[n] = old
			if again, fresh := glrNB(w, x, mu, n, alpha), glrNB(&nbWork{}, x, mu, n, alpha); again != got || fresh != got {
				t.Fatalf("trial %d, n = %d: GLR %v, after a probe %v, fresh %v", trial, n, got, again, fresh)
			}
		}
	}
}

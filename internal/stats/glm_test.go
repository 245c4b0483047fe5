package stats

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// design builds an n×p matrix from column functions of the row index.
func design(n int, cols ...func(i int) float64) *mat.Dense {
	x := mat.NewDense(n, len(cols), nil)
	for i := 0; i < n; i++ {
		for j, c := range cols {
			x.Set(i, j, c(i))
		}
	}
	return x
}

func one(int) float64 { return 1 }

func mean(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// tight asks IRLS to converge to rounding, so closed forms hold to ~1e-12
// (with R's 1e-8 the last step still moves β by up to ~1e-5).
var tight = GLMOptions{Family: QuasiPoisson, Epsilon: 1e-15, MaxIter: 100}

func TestGLMInterceptOnly(t *testing.T) {
	y := []float64{3, 0, 7, 2, 5, 4, 11, 1}
	fit, err := FitGLM(design(len(y), one), y, tight)
	if err != nil {
		t.Fatal(err)
	}
	m := mean(y)
	if want := math.Log(m); !closeRel(fit.Coef[0], want, 1e-12) {
		t.Errorf("β₀ = %v, want log(ȳ) = %v", fit.Coef[0], want)
	}
	// Pearson dispersion Σ(y−ȳ)²/ȳ/(n−1); C = 1/(nȳ); h = 1/n.
	var chi2 float64
	for _, v := range y {
		chi2 += (v - m) * (v - m) / m
	}
	n := float64(len(y))
	if got, want := fit.PearsonDispersion(), chi2/(n-1); !closeRel(got, want, 1e-12) {
		t.Errorf("dispersion = %v, want %v", got, want)
	}
	if got, want := fit.CovUnscaled()[0], 1/(n*m); !closeRel(got, want, 1e-12) {
		t.Errorf("C = %v, want %v", got, want)
	}
	for i, h := range fit.HatValues() {
		if !closeRel(h, 1/n, 1e-12) {
			t.Errorf("h[%d] = %v, want %v", i, h, 1/n)
		}
	}
	eta, se := fit.Predict([]float64{1}, 0, 2.5)
	if !closeRel(eta, math.Log(m), 1e-12) || !closeRel(se, math.Sqrt(2.5/(n*m)), 1e-12) {
		t.Errorf("Predict = %v, %v", eta, se)
	}
	// With R's default tolerance: converged, and β close.
	def, err := FitGLM(design(len(y), one), y, GLMOptions{Family: QuasiPoisson})
	if err != nil {
		t.Fatal(err)
	}
	if !def.Converged || def.Iter < 3 || !closeRel(def.Coef[0], math.Log(m), 1e-6) {
		t.Errorf("default fit: converged %v after %d, β₀ %v", def.Converged, def.Iter, def.Coef[0])
	}
}

// TestGLMTwoGroups checks a two-group design against its closed form:
// β₀ = log ȳ₀, β₁ = log(ȳ₁/ȳ₀), C = (X′WX)⁻¹ with W = μ.
func TestGLMTwoGroups(t *testing.T) {
	y := []float64{4, 6, 5, 9, 3, 20, 25, 18, 30}
	g := func(i int) float64 { return boolProb(i >= 5) }
	fit, err := FitGLM(design(len(y), one, g), y, tight)
	if err != nil {
		t.Fatal(err)
	}
	m0, m1 := mean(y[:5]), mean(y[5:])
	n0, n1 := 5.0, 4.0
	if !closeRel(fit.Coef[0], math.Log(m0), 1e-12) || !closeRel(fit.Coef[1], math.Log(m1/m0), 1e-12) {
		t.Errorf("β = %v, want %v, %v", fit.Coef, math.Log(m0), math.Log(m1/m0))
	}
	c := fit.CovUnscaled()
	want := []float64{1 / (n0 * m0), -1 / (n0 * m0), -1 / (n0 * m0), 1/(n0*m0) + 1/(n1*m1)}
	for i := range want {
		if !closeRel(c[i], want[i], 1e-11) {
			t.Errorf("C[%d] = %v, want %v", i, c[i], want[i])
		}
	}
	var chi2 float64
	for i, v := range y {
		m := m0
		if i >= 5 {
			m = m1
		}
		chi2 += (v - m) * (v - m) / m
	}
	phi := fit.PearsonDispersion()
	if !closeRel(phi, chi2/7, 1e-11) || fit.DfResidual != 7 {
		t.Errorf("dispersion %v (df %d), want %v (df 7)", phi, fit.DfResidual, chi2/7)
	}
	for i, h := range fit.HatValues() {
		want := 1 / n0
		if i >= 5 {
			want = 1 / n1
		}
		if !closeRel(h, want, 1e-11) {
			t.Errorf("h[%d] = %v, want %v", i, h, want)
		}
	}
	est, se, tv, p := fit.TTest(1, phi)
	wantSE := math.Sqrt(phi * want[3])
	if !closeRel(se, wantSE, 1e-11) || !closeRel(tv, est/wantSE, 1e-11) || !closeRel(p, 2*PT(-math.Abs(est/wantSE), 7), 1e-10) {
		t.Errorf("TTest = %v %v %v %v", est, se, tv, p)
	}
	eta, seEta := fit.Predict([]float64{1, 1}, 0, 1)
	if !closeRel(eta, math.Log(m1), 1e-12) || !closeRel(seEta, math.Sqrt(1/(n1*m1)), 1e-11) {
		t.Errorf("Predict(group 1) = %v ± %v", eta, seEta)
	}
}

// TestGLMTrendScoreEquations checks a log-linear trend against the score
// (normal) equations X′(y − μ) = 0 that the MLE solves.
func TestGLMTrendScoreEquations(t *testing.T) {
	y := []float64{2, 4, 3, 6, 5, 9, 8, 12, 15, 13, 18, 22}
	x := design(len(y), one, func(i int) float64 { return float64(i + 250) })
	fit, err := FitGLM(x, y, tight)
	if err != nil {
		t.Fatal(err)
	}
	var s0, s1, sy float64
	for i, v := range y {
		s0 += v - fit.Mu[i]
		s1 += float64(i+250) * (v - fit.Mu[i])
		sy += v
	}
	if math.Abs(s0) > 1e-9*sy || math.Abs(s1) > 1e-9*sy*260 {
		t.Errorf("score equations: Σ(y−μ) = %v, Σt(y−μ) = %v", s0, s1)
	}
	var h float64
	for _, v := range fit.HatValues() {
		h += v
	}
	if !closeRel(h, 2, 1e-11) { // the normal-equations path: ~cond·ε, cond ≈ 5e3 here
		t.Errorf("Σh = %v, want rank 2", h)
	}
}

// TestGLMAliased checks dqrdc2's limited pivoting: a column collinear with
// earlier ones is moved to the end, reported NaN and ignored in predictions.
func TestGLMAliased(t *testing.T) {
	y := []float64{2, 4, 3, 6, 5, 9, 8, 12}
	tcol := func(i int) float64 { return float64(i + 1) }
	ref, err := FitGLM(design(len(y), one, tcol), y, GLMOptions{Family: QuasiPoisson})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		x     *mat.Dense
		pivot []int
		nan   int
	}{
		{"last", design(len(y), one, tcol, func(i int) float64 { return 2 * tcol(i) }), []int{0, 1, 2}, 2},
		{"middle", design(len(y), one, func(int) float64 { return 3 }, tcol), []int{0, 2, 1}, 1},
	}
	for _, tt := range tests {
		fit, err := FitGLM(tt.x, y, GLMOptions{Family: QuasiPoisson})
		if err != nil {
			t.Fatal(err)
		}
		if fit.Rank != 2 || !math.IsNaN(fit.Coef[tt.nan]) || fit.DfResidual != len(y)-2 {
			t.Errorf("%s: rank %d, coef %v, df %d", tt.name, fit.Rank, fit.Coef, fit.DfResidual)
		}
		for j, pv := range tt.pivot {
			if fit.Pivot[j] != pv {
				t.Errorf("%s: pivot %v, want %v", tt.name, fit.Pivot, tt.pivot)
				break
			}
		}
		for i := range y {
			if !closeRel(fit.Mu[i], ref.Mu[i], 1e-9) {
				t.Errorf("%s: μ[%d] = %v, want %v", tt.name, i, fit.Mu[i], ref.Mu[i])
			}
		}
		x0 := make([]float64, 3)
		mat.Row(x0, 3, tt.x)
		eta, se := fit.Predict(x0, 0, 1)
		reta, rse := ref.Predict([]float64{1, 4}, 0, 1)
		if !closeRel(eta, reta, 1e-9) || !closeRel(se, rse, 1e-6) {
			t.Errorf("%s: prediction %v ± %v, want %v ± %v", tt.name, eta, se, reta, rse)
		}
		if c := fit.CovUnscaled(); !math.IsNaN(c[tt.nan*3+tt.nan]) {
			t.Errorf("%s: covariance of the aliased column %v, want NaN", tt.name, c[tt.nan*3+tt.nan])
		}
	}
}

// TestQRAgainstGonum compares one weighted least-squares solve by dqrdc2
// with gonum's (unpivoted, LAPACK) QR on a full-rank problem.
func TestQRAgainstGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n, p := 40, 5
	a := mat.NewDense(n, p, nil)
	b := mat.NewVecDense(n, nil)
	q := &qrDecomp{n: n, p: p, a: make([]float64, n*p), qraux: make([]float64, p), pivot: make([]int, p), work: make([]float64, 2*p)}
	z := make([]float64, n)
	for i := 0; i < n; i++ {
		for j := 0; j < p; j++ {
			v := rng.NormFloat64() + float64(j*i%7)
			a.Set(i, j, v)
			q.a[j*n+i] = v
		}
		z[i] = rng.NormFloat64() * 10
		b.SetVec(i, z[i])
	}
	q.factor(qrTol)
	q.qty(z)
	q.solveR(z[:q.rank])
	var gq mat.QR
	gq.Factorize(a)
	var want mat.VecDense
	if err := gq.SolveVecTo(&want, false, b); err != nil {
		t.Fatal(err)
	}
	if q.rank != p {
		t.Fatalf("rank %d", q.rank)
	}
	for j := 0; j < p; j++ {
		if !closeRel(z[j], want.AtVec(q.pivot[j]), 1e-12) {
			t.Errorf("β[%d] = %v, gonum %v", j, z[j], want.AtVec(q.pivot[j]))
		}
	}
}

func TestGLMPriorWeights(t *testing.T) {
	y := []float64{3, 8, 1, 4, 6}
	w := []float64{1, 0.25, 2, 1, 0}
	opt := tight
	opt.Weights = w
	fit, err := FitGLM(design(len(y), one), y, opt)
	if err != nil {
		t.Fatal(err)
	}
	var sw, swy float64
	for i := range y {
		sw += w[i]
		swy += w[i] * y[i]
	}
	if want := math.Log(swy / sw); !closeRel(fit.Coef[0], want, 1e-12) {
		t.Errorf("β₀ = %v, want log(Σωy/Σω) = %v", fit.Coef[0], want)
	}
	if fit.DfResidual != 3 || fit.Weights[4] != 0 {
		t.Errorf("df %d (want 3: one zero weight), W[4] = %v", fit.DfResidual, fit.Weights[4])
	}
}

func TestGLMNegBinomial(t *testing.T) {
	y := []float64{0, 12, 3, 0, 25, 7, 1, 9}
	opt := GLMOptions{Family: NegBinomial, Theta: 1.5, Epsilon: 1e-15, MaxIter: 100}
	fit, err := FitGLM(design(len(y), one), y, opt)
	if err != nil {
		t.Fatal(err)
	}
	// The NB score equation Σ (y−μ)/(1+μ/θ) = 0 with a common μ gives μ = ȳ.
	if want := math.Log(mean(y)); !closeRel(fit.Coef[0], want, 1e-12) {
		t.Errorf("β₀ = %v, want %v", fit.Coef[0], want)
	}
	// Working weights W = μ²/(μ+μ²/θ) = μθ/(θ+μ).
	m := mean(y)
	if want := m * 1.5 / (1.5 + m); !closeRel(fit.Weights[0], want, 1e-10) {
		t.Errorf("W = %v, want %v", fit.Weights[0], want)
	}
}

func TestGLMNoConvergence(t *testing.T) {
	// All zeros: β drops by 1 per iteration and the relative deviance change
	// stays above 1e-8 for 25 iterations when n is large (as in R).
	y := make([]float64, 260)
	fit, err := FitGLM(design(len(y), one), y, GLMOptions{Family: QuasiPoisson})
	if err != nil {
		t.Fatal(err)
	}
	if fit.Converged || fit.Iter != 25 {
		t.Errorf("converged %v after %d iterations, want not converged after 25", fit.Converged, fit.Iter)
	}
	if want := math.Log(0.1) - 25; !closeRel(fit.Coef[0], want, 1e-9) {
		t.Errorf("β₀ = %v, want %v", fit.Coef[0], want)
	}
}

func TestGLMErrors(t *testing.T) {
	x := design(3, one)
	for name, y := range map[string][]float64{
		"NA":       {1, math.NaN(), 2},
		"negative": {1, -1, 2},
		"length":   {1, 2},
	} {
		if _, err := FitGLM(x, y, GLMOptions{Family: Poisson}); !errors.Is(err, ErrGLM) {
			t.Errorf("%s: err = %v, want ErrGLM", name, err)
		}
	}
	if _, err := FitGLM(x, []float64{1, 2, 3}, GLMOptions{Family: NegBinomial}); !errors.Is(err, ErrGLM) {
		t.Errorf("θ = 0: err = %v", err)
	}
	if _, err := FitGLM(x, []float64{1, 2, 3}, GLMOptions{Family: Poisson, Weights: []float64{0, 0, 0}}); !errors.Is(err, ErrGLM) {
		t.Errorf("all weights 0: err = %v", err)
	}
}

func TestFarringtonWeights(t *testing.T) {
	s := []float64{0.5, -2, 3, 1, 2}
	w := FarringtonWeights(s, 1)
	// c = 1, 1, 1/9, 1, 1/4; γ = 5 / (3 + 1/9 + 1/4).
	gamma := 5 / (3 + 1.0/9 + 0.25)
	want := []float64{gamma, gamma, gamma / 9, gamma, gamma / 4}
	var sum float64
	for i := range want {
		if !closeRel(w[i], want[i], 1e-15) {
			t.Errorf("ω[%d] = %v, want %v", i, w[i], want[i])
		}
		sum += w[i]
	}
	if !closeRel(sum, 5, 1e-15) {
		t.Errorf("Σω = %v, want N = 5", sum)
	}
}

func TestAnscombeResiduals(t *testing.T) {
	y := []float64{4, 6, 5, 9, 3, 20, 25, 18, 30}
	g := func(i int) float64 { return boolProb(i >= 5) }
	fit, err := FitGLM(design(len(y), one, g), y, tight)
	if err != nil {
		t.Fatal(err)
	}
	s := fit.AnscombeResiduals(2)
	for i, v := range y {
		mu, h := mean(y[:5]), 0.2
		if i >= 5 {
			mu, h = mean(y[5:]), 0.25
		}
		want := 1.5 * (math.Cbrt(v*v)/math.Pow(mu, 1.0/6) - math.Sqrt(mu)) / math.Sqrt(2*(1-h))
		if !closeRel(s[i], want, 1e-11) {
			t.Errorf("s[%d] = %v, want %v", i, s[i], want)
		}
	}
}

// TestGramMatchesQR fits designs of every layout the normal-equations path
// specialises (intercept, time and season dummies; dummies without time;
// dense harmonics; two sparse entries per row), 260 rows each, with the
// fast path and with dqrdc2, and compares everything the detection methods
// read.
func TestGramMatchesQR(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	n, levels := 260, 10
	layouts := map[string]func(i int) []float64{
		"trend+dummies": func(i int) []float64 {
			row := make([]float64, 1+1+levels-1)
			row[0], row[1] = 1, float64(i+1200)
			if lev := i * levels / n; lev > 0 {
				row[1+lev] = 1
			}
			return row
		},
		"dummies": func(i int) []float64 {
			row := make([]float64, levels)
			row[0] = 1
			if lev := i * levels / n; lev > 0 {
				row[lev] = 1
			}
			return row
		},
		"harmonics": func(i int) []float64 {
			a := 2 * math.Pi * float64(i) / 52
			return []float64{1, float64(i), math.Cos(a), math.Sin(a), math.Cos(2 * a), math.Sin(2 * a)}
		},
		"two sparse": func(i int) []float64 {
			row := make([]float64, 1+3+2) // two treatment-coded factors
			row[0] = 1
			if i%4 > 0 {
				row[i%4] = 1
			}
			if i%3 > 0 {
				row[3+i%3] = float64(1 + i%5)
			}
			return row
		},
	}
	for _, name := range []string{"trend+dummies", "dummies", "harmonics", "two sparse"} {
		rowf := layouts[name]
		p := len(rowf(0))
		x := mat.NewDense(n, p, nil)
		y := make([]float64, n)
		w := make([]float64, n)
		for i := 0; i < n; i++ {
			x.SetRow(i, rowf(i))
			mu := math.Exp(2 + 0.3*math.Sin(float64(i)/20))
			y[i] = math.Max(0, math.Floor(mu+3*rng.NormFloat64()*math.Sqrt(mu)))
			w[i] = 0.5 + rng.Float64()
		}
		x0 := rowf(n - 1)
		for _, opt := range []GLMOptions{{Family: QuasiPoisson}, {Family: QuasiPoisson, Weights: w}, {Family: NegBinomial, Theta: 3}} {
			compareGramQR(t, name, x, y, x0, opt)
		}
	}
}

func compareGramQR(t *testing.T, name string, x *mat.Dense, y, x0 []float64, opt GLMOptions) {
	t.Helper()
	fast, err := FitGLM(x, y, opt)
	if err != nil {
		t.Fatal(err)
	}
	opt.forceQR = true
	ref, err := FitGLM(x, y, opt)
	if err != nil {
		t.Fatal(err)
	}
	what := fmt.Sprintf("%s/%v/weights %v", name, opt.Family, opt.Weights != nil)
	if fast.gram == nil || ref.gram != nil {
		t.Fatalf("%s: paths not as intended", what)
	}
	if fast.Iter != ref.Iter || fast.Converged != ref.Converged || fast.Rank != ref.Rank {
		t.Errorf("%s: iter %d/%d converged %v/%v rank %d/%d", what, fast.Iter, ref.Iter, fast.Converged, ref.Converged, fast.Rank, ref.Rank)
	}
	// Relative tolerances; coefficients and η are compared on the scale 1
	// at least (a coefficient near 0 has no relative accuracy of its own).
	cmp := func(key string, a, b []float64, tol float64) {
		scale := 0.0
		if key == "coef" || key == "prediction" {
			scale = 1
		}
		for i := range a {
			if math.Abs(a[i]-b[i]) > tol*math.Max(math.Abs(b[i]), scale) {
				t.Errorf("%s %s[%d]: fast %v, QR %v", what, key, i, a[i], b[i])
				return
			}
		}
	}
	cmp("coef", fast.Coef, ref.Coef, 1e-11)
	cmp("mu", fast.Mu, ref.Mu, 1e-12)
	cmp("cov", fast.CovUnscaled(), ref.CovUnscaled(), 1e-10)
	cmp("hat", fast.HatValues(), ref.HatValues(), 1e-10)
	cmp("dispersion", []float64{fast.PearsonDispersion()}, []float64{ref.PearsonDispersion()}, 1e-11)
	e1, s1 := fast.Predict(x0, 0, 2)
	e2, s2 := ref.Predict(x0, 0, 2)
	cmp("prediction", []float64{e1, s1}, []float64{e2, s2}, 1e-11)
}

// TestWorkspace checks that fits made in a reused workspace equal fresh ones.
func TestWorkspace(t *testing.T) {
	var ws Workspace
	for _, n := range []int{30, 200, 12, 500} {
		x := make([]float64, n*3)
		y := make([]float64, n)
		for i := 0; i < n; i++ {
			x[i*3], x[i*3+1] = 1, float64(i)
			if i%4 == 0 {
				x[i*3+2] = 1
			}
			y[i] = float64((i*7)%11 + i/10)
		}
		for _, exact := range []bool{false, true} {
			opt := GLMOptions{Family: QuasiPoisson, Exact: exact}
			want, err := FitGLMRows(x, n, 3, y, opt)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ws.Fit(x, n, 3, y, opt)
			if err != nil {
				t.Fatal(err)
			}
			wh, gh := want.HatValues(), got.HatValues()
			for i := range y {
				if got.Mu[i] != want.Mu[i] || gh[i] != wh[i] {
					t.Fatalf("n=%d exact=%v row %d: μ %v/%v h %v/%v", n, exact, i, got.Mu[i], want.Mu[i], gh[i], wh[i])
				}
			}
			e1, s1 := got.Predict([]float64{1, 3, 1}, 0, 2)
			e2, s2 := want.Predict([]float64{1, 3, 1}, 0, 2)
			if e1 != e2 || s1 != s2 || got.Iter != want.Iter {
				t.Errorf("n=%d exact=%v: prediction %v±%v, want %v±%v", n, exact, e1, s1, e2, s2)
			}
		}
	}
}

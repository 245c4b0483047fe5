package stats

import "math"

// PearsonDispersion is the Pearson estimate of the dispersion that
// summary.glm reports for families with a free dispersion:
//
//	φ̂ = Σ_{Wᵢ>0} Wᵢ rᵢ² / df.residual
//
// with W the working weights and r the working residuals of the fit; NaN
// when df.residual ≤ 0 (R: NaN).
func (f *GLMFit) PearsonDispersion() float64 {
	return PearsonDispersion(f.Weights, f.Residuals, f.DfResidual)
}

// PearsonDispersion is Σ_{wᵢ>0} wᵢ rᵢ² / df (NaN if df ≤ 0), the formula of
// summary.glm for any weights w and residuals r — e.g. the prior weights
// that farringtonFlexible leaves in the model after reweighting.
func PearsonDispersion(w, r []float64, df int) float64 {
	if df <= 0 {
		return math.NaN()
	}
	var s float64
	for i, wi := range w {
		if wi > 0 {
			s += wi * (r[i] * r[i]) // R: w * r^2
		}
	}
	return s / float64(df)
}

// Dispersion is what summary.glm uses by default: 1 for Poisson, the
// Pearson estimate otherwise (quasi-Poisson; also a glm with the
// negative.binomial(θ) family, whose family name summary.glm does not
// recognise as fixed-dispersion).
func (f *GLMFit) Dispersion() float64 {
	if f.Family == Poisson {
		return 1
	}
	return f.PearsonDispersion()
}

// CovUnscaled returns the unscaled covariance C = (R′R)⁻¹ of the
// coefficients (summary.glm's cov.unscaled; R from the QR of √W·X of the
// last iteration), p×p row-major in the original column order. Rows and
// columns of aliased coefficients are NaN. The slice is shared: do not
// modify it.
func (f *GLMFit) CovUnscaled() []float64 {
	if f.cov != nil {
		return f.cov
	}
	p, k := f.p, f.Rank
	if f.gram != nil {
		f.cov = f.gram.invert()
		return f.cov
	}
	c := f.qr.invRtR()
	f.cov = f.ws.floats(p * p)
	for i := range f.cov {
		f.cov[i] = math.NaN()
	}
	for i := 0; i < k; i++ {
		for j := 0; j < k; j++ {
			f.cov[f.Pivot[i]*p+f.Pivot[j]] = c[i*k+j]
		}
	}
	return f.cov
}

// TTest is the row of summary.glm's coefficient table for column j with
// the given dispersion D: the estimate βⱼ, its standard error √(D Cⱼⱼ),
// t = βⱼ/se and the two-sided p-value 2·pt(−|t|, df.residual) (the t test
// R uses when the dispersion is estimated). All NaN for an aliased column.
func (f *GLMFit) TTest(j int, dispersion float64) (est, se, t, p float64) {
	c := f.CovUnscaled()
	est = f.Coef[j]
	se = math.Sqrt(dispersion * c[j*f.p+j])
	t = est / se
	p = 2 * PT(-math.Abs(t), float64(f.DfResidual))
	return est, se, t, p
}

// HatValues are the diagonal of the hat matrix of the last weighted least
// squares, hᵢ = Σ_{j<rank} Qᵢⱼ² with Q the orthogonal factor of √W·X
// (stats::lm.influence, C_influence); values above 1 − 10ε are set to 1 as
// R does. The slice is shared: do not modify it.
func (f *GLMFit) HatValues() []float64 {
	if f.hat != nil {
		return f.hat
	}
	n := f.n
	if f.gram != nil {
		f.hat = f.gram.hat(f.Weights)
		for i, h := range f.hat {
			if h >= 1-10*dblEps {
				f.hat[i] = 1
			}
		}
		return f.hat
	}
	f.hat = f.ws.floats(n)
	e := f.ws.floats(n)
	for j := 0; j < f.Rank; j++ {
		for i := range e {
			e[i] = 0
		}
		e[j] = 1
		f.qr.qy(e)
		for i, v := range e {
			f.hat[i] += v * v
		}
	}
	for i, h := range f.hat {
		if h >= 1-10*dblEps { // lminfl's test
			f.hat[i] = 1
		}
	}
	return f.hat
}

// Predict evaluates the fit at a new row x0 (length p) with the given
// offset: η₀ = x₀′β + offset (aliased columns count as 0) and its standard
// error on the link scale, se_η = √(x₀′ C x₀ · D) over the non-aliased
// columns, as predict.glm(se.fit = TRUE, dispersion = D). On the response
// scale μ₀ = exp(η₀) and se_μ = se_η·μ₀.
func (f *GLMFit) Predict(x0 []float64, offset, dispersion float64) (eta, seEta float64) {
	p := f.p
	c := f.CovUnscaled()
	eta = offset
	var q float64
	for i := 0; i < p; i++ {
		if math.IsNaN(f.Coef[i]) {
			continue
		}
		eta += x0[i] * f.Coef[i]
		for j := 0; j < p; j++ {
			if !math.IsNaN(f.Coef[j]) {
				q += x0[i] * c[i*p+j] * x0[j]
			}
		}
	}
	return eta, math.Sqrt(q * dispersion)
}

// AnscombeResiduals are the standardised Anscombe residuals of the
// Farrington method (surveillance's anscombe.residuals(m, phi); Farrington
// et al. 1996, §2.3):
//
//	sᵢ = 3/2 (yᵢ^{2/3} μᵢ^{−1/6} − μᵢ^{1/2}) / √(φ (1 − hᵢ))
//
// with μ the fitted means and h the hat values of this fit.
func (f *GLMFit) AnscombeResiduals(phi float64) []float64 {
	h := f.HatValues()
	s := f.ws.floats(f.n)
	var y23s []float64 // y^{2/3} of the fast Poisson path's response, if kept
	if f.fastPoisson {
		y23s = f.ws.anscombeTerms()
	}
	for i, y := range f.Y {
		mu := f.Mu[i]
		var a float64
		if f.exact { // R: 3/2*(y^(2/3) * mu^(-1/6) - mu^(1/2))
			a = 1.5 * (f.pow(y, 2.0/3)*f.pow(mu, -1.0/6) - f.pow(mu, 0.5))
		} else {
			var y23 float64
			if y23s != nil {
				y23 = y23s[i]
			} else {
				c := math.Cbrt(y)
				y23 = c * c
			}
			a = 1.5 * (y23/math.Sqrt(math.Cbrt(mu)) - math.Sqrt(mu))
		}
		s[i] = a / math.Sqrt(phi*(1-h[i]))
	}
	return s
}

// FarringtonWeights are the reweighting weights of Farrington et al. (1996),
// surveillance's algo.farrington.assign.weights(s, threshold):
//
//	cᵢ = sᵢ⁻² if sᵢ > T else 1,  γ = N / Σ cᵢ,  ωᵢ = γ cᵢ,
//
// so Σ ωᵢ = N and only large positive residuals are down-weighted. T = 1 in
// the classic method, weightsThreshold (2.58 by Noufaily et al. 2013) in
// farringtonFlexible. A NaN residual makes every weight NaN, as in R.
func FarringtonWeights(s []float64, threshold float64) []float64 {
	w := make([]float64, len(s))
	var sum float64
	for i, v := range s {
		c := 1.0
		if v > threshold {
			c = 1 / (v * v)
		} else if math.IsNaN(v) {
			c = math.NaN()
		}
		w[i] = c
		sum += c
	}
	gamma := float64(len(s)) / sum
	for i := range w {
		w[i] *= gamma
	}
	return w
}

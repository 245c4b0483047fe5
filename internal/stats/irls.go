package stats

import (
	"fmt"
	"math"
)

// fitGLM runs glm.fit's IRLS (see FitGLM) on a row-major n×p design.
func fitGLM(ws *Workspace, xs []float64, n, p int, y []float64, opt GLMOptions) (*GLMFit, error) {
	if err := checkGLMInput(n, p, y, &opt); err != nil {
		return nil, err
	}
	if opt.MaxIter <= 0 {
		opt.MaxIter = 25
	}
	if opt.Epsilon <= 0 {
		opt.Epsilon = 1e-8
	}
	f, it := newGLMFit(ws, xs, n, p, y, opt)
	nOK := f.start(ws)
	if nOK == 0 {
		return nil, fmt.Errorf("%w: no observations informative at iteration 1", ErrGLM)
	}
	if !opt.Exact && !opt.forceQR {
		f.gram = newGramSolver(ws, xs, n, p)
	}
	if err := f.irls(it, opt.MaxIter, opt.Epsilon); err != nil {
		return nil, err
	}
	f.finish(it.beta, nOK)
	return f, nil
}

// irlsWork is the scratch of the IRLS loop.
type irlsWork struct {
	z, beta, betaOld []float64
}

// newGLMFit allocates a fit and its IRLS scratch (in ws if not nil).
func newGLMFit(ws *Workspace, xs []float64, n, p int, y []float64, opt GLMOptions) (*GLMFit, irlsWork) {
	buf := ws.floats(6*n + 3*p)
	f := ws.newFit()
	f.Family, f.Theta, f.Y, f.exact, f.n, f.p, f.x, f.offset = opt.Family, opt.Theta, y, opt.Exact, n, p, xs, opt.Offset
	f.Eta, f.Mu, f.Weights, f.Residuals = buf[:n], buf[n:2*n], buf[2*n:3*n], buf[3*n:4*n]
	f.Coef, f.Pivot = buf[6*n:6*n+p], ws.pivots(p)
	f.fastPoisson = !opt.Exact && !opt.forceQR && opt.Family != NegBinomial
	if opt.Exact {
		f.cr = crCache{}
		if ws != nil { // the memo stays valid: it depends on the arguments only
			if ws.cache == nil || len(ws.cache) > 1<<16 {
				ws.cache = crCache{}
			}
			f.cr = ws.cache
		}
	}
	f.PriorWeights = opt.Weights
	if f.PriorWeights == nil {
		f.PriorWeights = buf[5*n : 6*n]
		for i := range f.PriorWeights {
			f.PriorWeights[i] = 1
		}
	}
	return f, irlsWork{z: buf[4*n : 5*n], betaOld: buf[6*n+p : 6*n+2*p], beta: buf[6*n+2*p : 6*n+3*p]}
}

// start sets glm.fit's starting values, μ = y + 0.1 (Poisson) or
// y + (y = 0)/6 (negative binomial), η = log μ, and returns the number of
// observations with a positive prior weight.
func (f *GLMFit) start(ws *Workspace) (nOK int) {
	var eta0 []float64
	if f.fastPoisson {
		f.logY, eta0 = ws.responseTerms(f.Y)
	}
	for i, yi := range f.Y {
		if f.PriorWeights[i] > 0 {
			nOK++
		}
		m := yi + 0.1
		if f.Family == NegBinomial {
			m = yi
			if yi == 0 {
				m = 1.0 / 6
			}
		}
		if eta0 != nil {
			f.Eta[i] = eta0[i]
		} else {
			f.Eta[i] = f.log(m)
		}
		if f.exact {
			f.Mu[i] = math.Max(f.exp(f.Eta[i]), dblEps)
		} else {
			f.Mu[i] = math.Max(m, dblEps) // exp(log m) up to an ulp
		}
	}
	return nOK
}

// irls is glm.fit's loop: solve, update, check convergence, halve the step
// when the deviance is not finite.
func (f *GLMFit) irls(it irlsWork, maxIter int, epsilon float64) error {
	off := f.offset
	devOld := f.deviance()
	haveOld := false
	for iter := 1; iter <= maxIter; iter++ {
		f.Iter = iter
		f.wlsStep(it.z, it.beta)
		if !allFinite(it.beta) {
			// R: "non-finite coefficients at iteration"; the fit stays unconverged.
			break
		}
		dev, finite := f.update(it.beta, off)
		if !isFinite(dev) || !finite {
			if !haveOld {
				return fmt.Errorf("%w: no valid set of coefficients has been found", ErrGLM)
			}
			var err error
			if dev, err = f.halveStep(it.beta, it.betaOld, off, maxIter); err != nil {
				return err
			}
			f.Boundary = true
		}
		if math.Abs(dev-devOld)/(math.Abs(dev)+0.1) < epsilon {
			f.Converged = true
			break
		}
		devOld = dev
		copy(it.betaOld, it.beta)
		haveOld = true
	}
	if f.gram != nil && !f.Boundary && allFinite(it.beta) {
		// z and f.Weights still hold the last least-squares problem.
		f.gram.refine(f.Weights, it.z, it.beta)
		f.setEta(it.beta, off)
	}
	return nil
}

// wlsStep computes the working response z and weights W at the current η,
// μ (W is kept in f.Weights: R's fit$weights if this is the last
// iteration) and solves the weighted least squares into beta (aliased
// columns 0): by the normal equations when they are safe (gram.go), else by
// dqrdc2 as R does, which is also what exact mode always uses.
func (f *GLMFit) wlsStep(z, beta []float64) {
	n := f.n
	if f.gram != nil && f.Family != NegBinomial && f.offset == nil {
		// Fast Poisson: W = ω g²/μ = ω μ, z = η + (y − μ)/μ.
		mu, eta, y, pw, wt := f.Mu[:n], f.Eta[:n], f.Y[:n], f.PriorWeights[:n], f.Weights[:n]
		for i, g := range mu {
			wt[i] = max(pw[i], 0) * g
			z[i] = eta[i] + (y[i]-g)/g
		}
		if f.gram.solve(f.Weights, z, beta) {
			return
		}
		f.gram = nil
		for i, g := range mu { // the QR needs R's weights
			sw := math.Sqrt(max(pw[i], 0) * (g * g) / g)
			wt[i] = sw * sw
		}
		f.qrStep(z, beta)
		return
	}
	for i := 0; i < n; i++ {
		// dμ/dη = max(exp(η), ε) is μ itself for the log link.
		g := f.Mu[i]
		var off float64
		if f.offset != nil {
			off = f.offset[i]
		}
		switch {
		case f.PriorWeights[i] <= 0:
			f.Weights[i] = 0
		case f.gram != nil && f.Family != NegBinomial:
			f.Weights[i] = f.PriorWeights[i] * g // ω g²/μ with g = μ
		case f.gram != nil:
			// ω g²/V without R's square root and square, an ulp apart;
			// redone as R does if the QR takes over below.
			f.Weights[i] = f.PriorWeights[i] * (g * g) / f.variance(g)
		default:
			sw := math.Sqrt(f.PriorWeights[i] * (g * g) / f.variance(f.Mu[i])) // R: sqrt((w*g^2)/V)
			f.Weights[i] = sw * sw
		}
		z[i] = f.Eta[i] - off + (f.Y[i]-f.Mu[i])/g
	}
	if f.gram != nil {
		if f.gram.solve(f.Weights, z, beta) {
			return
		}
		f.gram = nil // not safe for this design and weights: QR from now on
		if f.Family == NegBinomial {
			for i, g := range f.Mu[:n] {
				if f.PriorWeights[i] > 0 {
					sw := math.Sqrt(f.PriorWeights[i] * (g * g) / f.variance(g))
					f.Weights[i] = sw * sw
				}
			}
		}
	}
	f.qrStep(z, beta)
}

// qrStep solves the weighted least squares by R's dqrdc2/dqrsl on √W·X,
// √W·z, overwriting z.
func (f *GLMFit) qrStep(z, beta []float64) {
	n, p := f.n, f.p
	if f.qr == nil {
		f.qr = &qrDecomp{}
		if f.ws != nil {
			f.qr = &f.ws.qr
		}
		*f.qr = qrDecomp{n: n, p: p, a: f.ws.floats(n * p), qraux: f.ws.floats(p), pivot: f.Pivot, work: f.ws.floats(2 * p)}
	}
	qr := f.qr
	for i := 0; i < n; i++ {
		sw := math.Sqrt(f.Weights[i])
		z[i] *= sw
		for j := 0; j < p; j++ {
			qr.a[j*n+i] = f.x[i*p+j] * sw
		}
	}
	qr.factor(qrTol)
	qr.qty(z)
	qr.solveR(z[:qr.rank])
	clear(beta)
	for j := 0; j < qr.rank; j++ {
		beta[qr.pivot[j]] = z[j]
	}
}

// variance is V(μ) of the family.
func (f *GLMFit) variance(mu float64) float64 {
	if f.Family == NegBinomial {
		return mu + mu*mu/f.Theta
	}
	return mu
}

// setEta sets η = Xβ + offset and μ = max(eᶯ, ε).
func (f *GLMFit) setEta(beta, off []float64) {
	n, p := f.n, f.p
	if f.gram != nil {
		f.gram.etaAll(beta, f.Eta)
		for i, e := range f.Eta {
			if off != nil {
				e += off[i]
				f.Eta[i] = e
			}
			mu := f.exp(e)
			if !(mu >= dblEps) && !math.IsNaN(mu) {
				mu = dblEps
			}
			f.Mu[i] = mu
		}
		return
	}
	for i := 0; i < n; i++ {
		row := f.x[i*p : i*p+p]
		var e float64
		for j, v := range row {
			e += v * beta[j]
		}
		if off != nil {
			e += off[i]
		}
		f.Eta[i] = e
		f.Mu[i] = math.Max(f.exp(e), dblEps)
	}
}

// update sets η, μ for the coefficients beta and returns the deviance and
// whether every μ is finite. The fast Poisson path does it in one pass.
func (f *GLMFit) update(beta, off []float64) (dev float64, finite bool) {
	if f.gram == nil || f.exact || f.Family == NegBinomial {
		f.setEta(beta, off)
		return f.deviance(), allFinite(f.Mu)
	}
	f.initLogY()
	f.gram.etaAll(beta, f.Eta)
	n := f.n
	eta, mus, ys, pw, ly := f.Eta[:n], f.Mu[:n], f.Y[:n], f.PriorWeights[:n], f.logY[:n]
	if off != nil {
		for i := range eta {
			eta[i] += off[i]
		}
	}
	logEps := math.Log(dblEps)
	for i, e := range eta {
		mu, lmu := FastExp(e), e
		if mu < dblEps {
			mu, lmu = dblEps, logEps
		}
		mus[i] = mu
		if y := ys[i]; y > 0 {
			dev += 2 * (pw[i] * (y*(ly[i]-lmu) - (y - mu)))
		} else {
			dev += 2 * (mu * pw[i])
		}
	}
	// An infinite μ makes the deviance Inf or NaN, which the caller checks.
	return dev, true
}

func (f *GLMFit) initLogY() {
	if f.logY == nil {
		f.logY = f.ws.floats(len(f.Y))
		for i, y := range f.Y {
			f.logY[i] = math.Log(y)
		}
	}
}

// deviance is Σ of the family's deviance residuals at the current μ
// (stats::poisson()$dev.resids, MASS::negative.binomial()$dev.resids).
func (f *GLMFit) deviance() float64 {
	var d float64
	if f.exact {
		for i, y := range f.Y {
			d += f.devResid(y, f.Mu[i], f.PriorWeights[i])
		}
		return d
	}
	if f.Family == NegBinomial {
		return f.nbDeviance()
	}
	// Fast Poisson deviance: y log(y/μ) as y (log y − log μ) with log y
	// taken once per fit and log μ = η unless μ was floored at ε. It only
	// feeds the convergence test, where the last-bit difference to R's
	// log(y/μ) does not matter.
	f.initLogY()
	for i, y := range f.Y {
		mu, w := f.Mu[i], f.PriorWeights[i]
		if y > 0 {
			lmu := f.Eta[i]
			if mu == dblEps || math.IsInf(mu, 1) {
				lmu = math.Log(mu)
			}
			d += 2 * (w * (y*(f.logY[i]-lmu) - (y - mu)))
		} else {
			d += 2 * (mu * w)
		}
	}
	return d
}

// nbDeviance is the negative binomial deviance in fast mode, with one
// logarithm per row instead of two: R's y log(max(1,y)/μ) − (y+θ)
// log((y+θ)/(μ+θ)) as y (log max(1,y) − log μ) − (y+θ)(log(y+θ) − log(μ+θ)),
// log max(1,y) and log(y+θ) taken once per fit and log μ = η unless μ was
// floored at ε. Like the fast Poisson deviance it only feeds the
// convergence test (and GLMFit.Deviance), where last-bit differences to
// R's log of a quotient do not matter.
func (f *GLMFit) nbDeviance() float64 {
	n, th := f.n, f.Theta
	if f.logY == nil {
		f.logY = f.ws.floats(2 * n)
		for i, y := range f.Y {
			f.logY[i], f.logY[n+i] = math.Log(math.Max(1, y)), math.Log(y+th)
		}
	}
	var d float64
	ly1, lyt, mus, eta, pw := f.logY[:n], f.logY[n:2*n], f.Mu[:n], f.Eta[:n], f.PriorWeights[:n]
	for i, y := range f.Y[:n] {
		mu, lmu := mus[i], eta[i]
		if mu == dblEps || math.IsInf(mu, 1) {
			lmu = math.Log(mu)
		}
		d += 2 * (pw[i] * (y*(ly1[i]-lmu) - (y+th)*(lyt[i]-math.Log(mu+th))))
	}
	return d
}

func (f *GLMFit) devResid(y, mu, w float64) float64 {
	if f.Family == NegBinomial {
		th := f.Theta
		return 2 * (w * (y*f.log(math.Max(1, y)/mu) - (y+th)*f.log((y+th)/(mu+th))))
	}
	if y > 0 {
		return 2 * (w * (y*f.log(y/mu) - (y - mu)))
	}
	return 2 * (mu * w)
}

// exp and log are the elementary functions of the fit: Go's, or correctly
// rounded ones in exact mode.
func (f *GLMFit) exp(x float64) float64 {
	if f.exact {
		return f.cr.eval('e', x, 0)
	}
	return FastExp(x)
}

func (f *GLMFit) pow(x, y float64) float64 {
	if f.exact {
		return f.cr.eval('p', x, y)
	}
	switch y {
	case 2:
		return x * x // R_pow
	case 0.5:
		return math.Sqrt(x)
	case 2.0 / 3:
		c := math.Cbrt(x)
		return c * c
	case -1.0 / 6:
		return 1 / math.Sqrt(math.Cbrt(x))
	}
	return math.Pow(x, y)
}

func (f *GLMFit) log(x float64) float64 {
	if f.exact {
		return f.cr.eval('l', x, 0)
	}
	return math.Log(x)
}

// halveStep is glm.fit's "step size truncated due to divergence": move β
// half-way back to the previous coefficients until the deviance is finite.
func (f *GLMFit) halveStep(beta, old, off []float64, maxIter int) (float64, error) {
	dev := math.Inf(1)
	for ii := 1; !isFinite(dev) || !allFinite(f.Mu); ii++ {
		if ii > maxIter {
			return 0, fmt.Errorf("%w: inner loop 1; cannot correct step size", ErrGLM)
		}
		for j := range beta {
			beta[j] = (beta[j] + old[j]) / 2
		}
		f.setEta(beta, off)
		dev = f.deviance()
	}
	return dev, nil
}

// finish fills the outputs glm.fit computes after the loop: coefficients
// with NA for aliased columns, working residuals at the final μ, the
// residual degrees of freedom.
func (f *GLMFit) finish(beta []float64, nOK int) {
	if f.gram != nil {
		f.Rank = f.p
		for j := range f.Pivot {
			f.Pivot[j] = j
		}
	} else {
		f.Rank = f.qr.rank
	}
	copy(f.Coef, beta)
	for j := f.Rank; j < f.p; j++ {
		f.Coef[f.Pivot[j]] = math.NaN()
	}
	for i, y := range f.Y {
		f.Residuals[i] = (y - f.Mu[i]) / f.Mu[i] // R: (y − μ)/mu.eta(η), and mu.eta(η) = μ
	}
	f.DfResidual = nOK - f.Rank
}

// Deviance is Σ d(yᵢ, μᵢ, ωᵢ) at the final μ (R's fit$deviance), computed
// when asked for: the detection methods never do, and for the negative
// binomial it is a logarithm per row.
func (f *GLMFit) Deviance() float64 { return f.deviance() }

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func allFinite(v []float64) bool {
	for _, x := range v {
		if !isFinite(x) {
			return false
		}
	}
	return true
}

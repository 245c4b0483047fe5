package stats

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// ErrGLM is the kind of every error FitGLM returns (bad input or an IRLS
// failure R also stops on); callers wrap it in their own kinds.
var ErrGLM = errors.New("glm")

// dblEps is R's .Machine$double.eps, the floor of μ and dμ/dη in the log link.
const dblEps = 2.220446049250313e-16

// Family is the error distribution of a log-link GLM.
type Family int

const (
	// Poisson: V(μ) = μ, dispersion fixed at 1.
	Poisson Family = iota + 1
	// QuasiPoisson: V(μ) = μ, dispersion estimated (Pearson). Same IRLS as Poisson.
	QuasiPoisson
	// NegBinomial: V(μ) = μ + μ²/θ with θ fixed (MASS::negative.binomial(θ)).
	NegBinomial
)

func (f Family) String() string {
	switch f {
	case Poisson:
		return "poisson"
	case QuasiPoisson:
		return "quasipoisson"
	case NegBinomial:
		return "negative binomial"
	}
	return fmt.Sprintf("Family(%d)", int(f))
}

// GLMOptions are the arguments of glm.fit besides x and y. The zero values
// of MaxIter and Epsilon mean R's defaults (25 and 1e-8).
type GLMOptions struct {
	Family  Family
	Theta   float64   // NegBinomial only: the fixed θ (> 0)
	Weights []float64 // prior weights ω ≥ 0 (nil: all 1)
	Offset  []float64 // offset on the link scale (nil: 0)
	MaxIter int
	Epsilon float64
	// Exact evaluates exp, log and pow correctly rounded (as glibc does in
	// all but ~0.1% of cases) instead of with Go's math, about 30× slower.
	// Only needed when a decision hangs on rounding noise, as with a
	// perfect fit (see detect's farrington on a constant series).
	Exact bool

	forceQR bool // tests: always solve by dqrdc2
}

// GLMFit is what glm.fit returns, restricted to what the detection methods
// use. Slices have one entry per observation (n) or per column of X (p).
type GLMFit struct {
	Family Family
	Theta  float64

	// Coef holds β in the original column order; an aliased column has NaN
	// (R's NA). Aliased columns count as 0 in every prediction.
	Coef []float64
	// Rank is the numerical rank found by the pivoted QR.
	Rank int
	// Pivot is R's fit$pivot, 0-based: the first Rank entries are the
	// columns kept, in the order of the R factor.
	Pivot []int

	Y            []float64 // the response (not copied)
	Eta, Mu      []float64 // final linear predictor and mean
	PriorWeights []float64 // ω (all 1 if none were given)
	// Weights are the working weights W = ω g²/V(μ) from the start of the
	// last iteration (R's fit$weights; not recomputed at the final μ),
	// 0 where ω = 0.
	Weights []float64
	// Residuals are the working residuals (y − μ)/g at the final μ.
	Residuals []float64

	DfResidual int // (#obs with ω ≠ 0) − Rank
	Iter       int // IRLS iterations run
	Converged  bool
	Boundary   bool // step halving was needed (R warns "algorithm stopped at boundary value")

	n, p        int
	x           []float64 // X, row-major n×p (not copied)
	offset      []float64 // nil: 0
	exact       bool
	fastPoisson bool        // fast mode for a Poisson-variance family
	logY        []float64   // fast mode: log y (negative binomial: log max(1,y), then log(y+θ)), for the deviance
	cr          crCache     // exact mode's memo
	ws          *Workspace  // where the memory comes from (nil: the heap)
	qr          *qrDecomp   // the QR of √W·X from the last iteration (nil if gram solved it)
	gram        *gramSolver // the normal equations of the last iteration (nil if the QR did)
	cov         []float64   // (R′R)⁻¹, p×p row-major in the original order, NaN for aliased
	hat         []float64
}

// FitGLM fits a log-link GLM by R's glm.fit (stats 4.2.2), iteratively
// reweighted least squares:
//
//  1. μ⁽⁰⁾ = y + 0.1 (Poisson, quasi-Poisson) or y + (y=0)/6 (negative
//     binomial); η = log μ⁽⁰⁾; μ = max(eᶯ, ε).
//  2. Each iteration: g = max(eᶯ, ε) = dμ/dη; z = η − offset + (y − μ)/g;
//     W = ω g²/V(μ); β = the least-squares solution of √W·z on √W·X by
//     LINPACK dqrdc2 (tolerance 1e-11; aliased columns get β = 0, reported
//     as NaN); η = Xβ + offset; μ = max(eᶯ, ε); deviance
//     D = Σ 2ω(y log(y/μ) − (y − μ)) (Poisson) or
//     Σ 2ω(y log(max(1,y)/μ) − (y+θ) log((y+θ)/(μ+θ))) (negative binomial).
//  3. Stop when |D − D_old| / (|D| + 0.1) < ε (1e-8), or after MaxIter (25)
//     iterations with Converged = false. A non-finite deviance halves the
//     step towards the previous β, as glm.fit does.
//
// Two arithmetics: by default each least-squares step goes through the
// normal equations when no column is anywhere near aliased (see gram.go;
// the same β, covariance and hat values as the QR to ~1e-12, several
// times faster), and through dqrdc2 otherwise; exp is a table-driven
// version within one ulp. With GLMOptions.Exact the fit instead repeats R's
// operations to the bit (dqrdc2 always, R's evaluation order, correctly
// rounded exp/log/pow), for the rare decisions that hang on rounding noise.
//
// x is n×p (the design, intercept included as a column if wanted); y must
// have no NA and no negative value (R stops, and so does FitGLM, with an
// error wrapping ErrGLM).
//
// Reference: R Core, stats/R/glm.R (glm.fit), src/appl/dqrdc2.f, dqrls.f;
// McCullagh & Nelder (1989), Generalized Linear Models, §2.5.
func FitGLM(x *mat.Dense, y []float64, opt GLMOptions) (*GLMFit, error) {
	n, p := x.Dims()
	raw := x.RawMatrix()
	xs := raw.Data
	if raw.Stride != p {
		xs = make([]float64, n*p)
		for i := 0; i < n; i++ {
			copy(xs[i*p:(i+1)*p], raw.Data[i*raw.Stride:i*raw.Stride+p])
		}
	}
	return fitGLM(nil, xs, n, p, y, opt)
}

// FitGLMRows is FitGLM on a row-major n×p design given as a plain slice,
// for callers that build designs in reused buffers. x is only read during
// the call.
func FitGLMRows(x []float64, n, p int, y []float64, opt GLMOptions) (*GLMFit, error) {
	if len(x) != n*p {
		return nil, fmt.Errorf("%w: design has %d values, want %d×%d", ErrGLM, len(x), n, p)
	}
	return fitGLM(nil, x, n, p, y, opt)
}

func checkGLMInput(n, p int, y []float64, opt *GLMOptions) error {
	switch {
	case n == 0 || p == 0:
		return fmt.Errorf("%w: empty design (%d×%d)", ErrGLM, n, p)
	case len(y) != n:
		return fmt.Errorf("%w: %d responses for %d design rows", ErrGLM, len(y), n)
	case opt.Weights != nil && len(opt.Weights) != n:
		return fmt.Errorf("%w: %d weights for %d rows", ErrGLM, len(opt.Weights), n)
	case opt.Offset != nil && len(opt.Offset) != n:
		return fmt.Errorf("%w: %d offsets for %d rows", ErrGLM, len(opt.Offset), n)
	case opt.Family < Poisson || opt.Family > NegBinomial:
		return fmt.Errorf("%w: unknown family %v", ErrGLM, opt.Family)
	case opt.Family == NegBinomial && !(opt.Theta > 0):
		return fmt.Errorf("%w: negative binomial needs θ > 0, got %v", ErrGLM, opt.Theta)
	}
	for i, v := range y {
		if math.IsNaN(v) {
			return fmt.Errorf("%w: missing response at row %d", ErrGLM, i)
		}
		if v < 0 {
			return fmt.Errorf("%w: negative response %v at row %d", ErrGLM, v, i)
		}
	}
	for i, w := range opt.Weights {
		if !(w >= 0) {
			return fmt.Errorf("%w: weight %v at row %d", ErrGLM, w, i)
		}
	}
	return nil
}

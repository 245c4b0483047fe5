package stats

import (
	"math"
	"slices"
)

// Workspace is reusable memory for GLM fits, for callers that fit many
// small models in a row (one or more per evaluated point and series). The
// zero value is ready to use; a Workspace must not be used concurrently.
//
// A fit made with Workspace.Fit lives in the workspace's memory: the
// *GLMFit and every slice it holds or returns (Coef, Mu, HatValues,
// CovUnscaled, AnscombeResiduals, …) are valid only until the next Fit on
// the same workspace.
type Workspace struct {
	fit    GLMFit
	f64    []float64
	off    int
	ints   []int
	gram   gramSolver
	design sparseDesign // kept across fits (see newGramSolver)
	// The response of the last fast fit with its log y and log(y + 0.1):
	// the refits of one point share them.
	ySrc, logY, eta0, y23 []float64 // y23 is filled on demand (anscombeTerms)
	qr                    qrDecomp
	cache                 crCache
}

// Fit is FitGLMRows in the workspace's memory (see Workspace).
func (ws *Workspace) Fit(x []float64, n, p int, y []float64, opt GLMOptions) (*GLMFit, error) {
	if len(x) != n*p {
		return FitGLMRows(x, n, p, y, opt) // reports the error
	}
	ws.off = 0
	return fitGLM(ws, x, n, p, y, opt)
}

// floats returns k zeroed float64s: from the workspace, or newly allocated
// when ws is nil. A slab that is too small is replaced; slices handed out
// from the old one stay valid.
func (ws *Workspace) floats(k int) []float64 {
	if ws == nil {
		return make([]float64, k)
	}
	if ws.off+k > len(ws.f64) {
		ws.f64 = make([]float64, max(2*len(ws.f64), ws.off+k, 4096))
		ws.off = 0
	}
	s := ws.f64[ws.off : ws.off+k : ws.off+k]
	ws.off += k
	clear(s)
	return s
}

// newFit returns the GLMFit to fill: the workspace's, reset, or a new one.
func (ws *Workspace) newFit() *GLMFit {
	if ws == nil {
		return &GLMFit{}
	}
	ws.fit = GLMFit{ws: ws}
	return &ws.fit
}

// pivots returns p ints for the pivot.
func (ws *Workspace) pivots(p int) []int {
	if ws == nil {
		return make([]int, p)
	}
	if cap(ws.ints) < p {
		ws.ints = make([]int, p)
	}
	return ws.ints[:p]
}

// responseTerms returns log y and log(y + 0.1) for the fast Poisson path,
// reusing the previous fit's when the response is the same.
func (ws *Workspace) responseTerms(y []float64) (logY, eta0 []float64) {
	n := len(y)
	if ws != nil && len(ws.logY) == n && slices.Equal(ws.ySrc, y) {
		return ws.logY, ws.eta0
	}
	var buf []float64
	if ws == nil {
		buf = make([]float64, 2*n)
	} else {
		ws.ySrc = append(ws.ySrc[:0], y...)
		ws.logY = resize(ws.logY, 2*n)
		ws.y23 = ws.y23[:0] // for the old response
		buf = ws.logY
	}
	logY, eta0 = buf[:n], buf[n:2*n]
	for i, v := range y {
		logY[i] = math.Log(v)
		eta0[i] = math.Log(v + 0.1)
	}
	if ws != nil {
		ws.logY, ws.eta0 = logY, eta0
	}
	return logY, eta0
}

// anscombeTerms returns y^{2/3} for the response of the last responseTerms
// (the Anscombe residuals of the refits of one point share it); nil
// without a workspace.
func (ws *Workspace) anscombeTerms() []float64 {
	if ws == nil {
		return nil
	}
	if len(ws.y23) != len(ws.ySrc) {
		ws.y23 = resize(ws.y23, len(ws.ySrc))
		for i, v := range ws.ySrc {
			c := math.Cbrt(v)
			ws.y23[i] = c * c
		}
	}
	return ws.y23
}

package stats

import (
	"math"
	"slices"
)

// The fast path of the weighted least squares in IRLS.
//
// R solves each step with the pivoted QR of √W·X (dqrdc2), which costs
// about 2np² flops. But the solution β, the unscaled covariance (R′R)⁻¹ =
// (X′WX)⁻¹ and the hat values Wᵢ xᵢ′(X′WX)⁻¹xᵢ do not depend on how the
// least-squares problem is solved; only the choice of aliased columns does.
// So when every column is clearly independent of the ones before it, the
// fit uses the normal equations instead: X′WX accumulated from the non-zero
// entries of each row (3 per row in the Farrington designs: intercept,
// time, one season dummy), equilibrated to unit diagonal, and factored by
// Cholesky. The Schur complement sⱼ of a column in the equilibrated matrix
// is the squared ratio of its residual norm (after projecting out the
// earlier columns) to its norm — the very quantity dqrdc2 compares with
// 1e-11. The fast path is taken only when every sⱼ ≥ gramGuard (ratio
// ≥ 1e-3): then dqrdc2 would alias nothing, the condition number of the
// equilibrated system is modest, and the result agrees with the QR's to
// ~1e-13 (TestGramMatchesQR). Otherwise the step falls back to dqrdc2.

// gramGuard is the smallest Schur complement (squared residual-norm ratio)
// the fast path accepts.
const gramGuard = 1e-6

// sparseDesign is X split into its dense columns (non-zero in every row:
// intercept, time, the harmonics of a seasonal model), whose part of X′WX
// is accumulated in registers, and the remaining non-zeros in compressed
// sparse rows (season dummies: at most one per row).
type sparseDesign struct {
	n, p   int
	dense  []int     // columns non-zero in every row, ascending
	dv     []float64 // their values, n×len(dense) row-major
	rowPtr []int32   // the other non-zeros: row i has col/val[rowPtr[i]:rowPtr[i+1]]
	col    []int32
	val    []float64
	src    []float64 // a copy of X, to recognise the same design again (workspaces only)
	// oneSparse: at most one sparse entry per row (season dummies), which
	// with two dense columns is the Farrington layout solve specialises.
	oneSparse bool
}

// set fills d from the row-major n×p design x, reusing d's memory.
func (d *sparseDesign) set(x []float64, n, p int) {
	d.n, d.p = n, p
	d.dense = d.dense[:0]
	count := resize(d.rowPtr, p) // scratch: non-zeros per column (rowPtr is rebuilt below)
	clear(count)
	for i := 0; i < n; i++ {
		for j, v := range x[i*p : i*p+p] {
			if v != 0 {
				count[j]++
			}
		}
	}
	nnz := 0
	for j, c := range count {
		if int(c) == n {
			d.dense = append(d.dense, j)
		} else {
			nnz += int(c)
		}
	}
	nd := len(d.dense)
	d.dv = resize(d.dv, n*nd)
	d.rowPtr = resize(d.rowPtr, n+1)
	d.rowPtr[0] = 0 // it held the column counts
	d.col = resize(d.col, nnz)
	d.val = resize(d.val, nnz)
	k, di := 0, 0
	d.oneSparse = true
	for i := 0; i < n; i++ {
		row := x[i*p : i*p+p]
		for j, v := range row {
			switch {
			case di < nd && d.dense[di] == j:
				d.dv[i*nd+di] = v
				di++
			case v != 0:
				d.col[k], d.val[k] = int32(j), v
				k++
			}
		}
		di = 0
		d.rowPtr[i+1] = int32(k)
		if d.rowPtr[i+1]-d.rowPtr[i] > 1 {
			d.oneSparse = false
		}
	}
}

// same reports whether d was built from exactly this design.
func (d *sparseDesign) same(x []float64, n, p int) bool {
	return d.n == n && d.p == p && len(d.src) == len(x) && slices.Equal(d.src, x)
}

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// gramSolver solves the weighted least squares of one IRLS fit through the
// normal equations of a sparseDesign.
type gramSolver struct {
	*sparseDesign
	g   []float64 // X′WX, then its Cholesky factor (upper, row-major)
	d   []float64 // equilibration: 1/√diag
	inv []float64 // (X′WX)⁻¹ after invert
	acc []float64 // dense-block accumulators
	ws  *Workspace
}

// newGramSolver returns a solver for the row-major n×p design x. In a
// workspace the preprocessed design is kept, and reused when the next fit
// has the same X (a reweighted refit).
func newGramSolver(ws *Workspace, x []float64, n, p int) *gramSolver {
	s := &gramSolver{}
	var d *sparseDesign
	if ws != nil {
		s, d = &ws.gram, &ws.design
		if !d.same(x, n, p) {
			d.set(x, n, p)
			d.src = append(d.src[:0], x...)
		}
	} else {
		d = &sparseDesign{}
		d.set(x, n, p)
	}
	nd := len(d.dense)
	dd := ws.floats(2 * p)
	*s = gramSolver{sparseDesign: d, g: ws.floats(p * p), d: dd[: p : 2*p], // d's spare half: scratch
		acc: ws.floats(max(nd*nd+nd, 3*p)), ws: ws}
	return s
}

// solve computes β minimising Σ wᵢ (zᵢ − xᵢ′β)² into beta (z is not
// modified). ok is false when a column is too close to the span of the
// earlier ones (see gramGuard); beta is then unspecified.
func (s *gramSolver) solve(w, z, beta []float64) bool {
	clear(s.g)
	clear(beta)
	if nd := len(s.dense); (nd == 1 || nd == 2) && s.oneSparse {
		s.accumulateFarrington(w, z, beta)
	} else {
		s.accumulateDense(w, z, beta)
		s.accumulateSparse(w, z, beta)
	}
	if !s.factor() {
		return false
	}
	s.scaledSolve(beta)
	return true
}

// accumulateDense adds the dense-column block of X′WX and X′Wz.
func (s *gramSolver) accumulateDense(w, z, b []float64) {
	nd, p, g := len(s.dense), s.p, s.g
	switch nd {
	case 0:
		return
	case 2: // intercept and time: five sums in registers
		var s00, s01, s11, b0, b1 float64
		dv := s.dv[:2*len(w)]
		for i, wi := range w {
			x0, x1 := dv[2*i], dv[2*i+1]
			w0, wz := wi*x0, wi*z[i]
			s00 += w0 * x0
			s01 += w0 * x1
			s11 += wi * x1 * x1
			b0 += wz * x0
			b1 += wz * x1
		}
		j0, j1 := s.dense[0], s.dense[1]
		g[j0*p+j0] += s00
		g[j0*p+j1] += s01
		g[j1*p+j1] += s11
		b[j0] += b0
		b[j1] += b1
		return
	}
	acc := s.acc
	clear(acc)
	for i, wi := range w {
		row := s.dv[i*nd : i*nd+nd]
		wz := wi * z[i]
		for a, va := range row {
			wa := wi * va
			acc[nd*nd+a] += wz * va
			for c := a; c < nd; c++ {
				acc[a*nd+c] += wa * row[c]
			}
		}
	}
	for a, ja := range s.dense {
		b[ja] += acc[nd*nd+a]
		for c := a; c < nd; c++ {
			g[ja*p+s.dense[c]] += acc[a*nd+c]
		}
	}
}

// accumulateFarrington is accumulateDense + accumulateSparse in one pass
// for one or two dense columns (intercept [and time]) and at most one
// indicator-like entry per row: the Farrington designs.
func (s *gramSolver) accumulateFarrington(w, z, b []float64) {
	p, g, nd := s.p, s.g, len(s.dense)
	// Per sparse column c: Σ w v², Σ w v x₀, Σ w v x₁ (b[c] goes straight to b).
	diag, c0, c1 := s.acc[:p], s.acc[p:2*p], s.acc[2*p:3*p]
	clear(s.acc)
	var s00, s01, s11, b0, b1 float64
	dv := s.dv[:nd*len(w)]
	rp := s.rowPtr[:len(w)+1]
	for i, wi := range w {
		x0, x1 := dv[nd*i], 0.0
		if nd == 2 {
			x1 = dv[2*i+1]
		}
		w0, wz := wi*x0, wi*z[i]
		s00 += w0 * x0
		s01 += w0 * x1
		s11 += wi * x1 * x1
		b0 += wz * x0
		b1 += wz * x1
		if lo := rp[i]; lo != rp[i+1] {
			c, v := s.col[lo], s.val[lo]
			wv := wi * v
			b[c] += wz * v
			diag[c] += wv * v
			c0[c] += wv * x0
			c1[c] += wv * x1
		}
	}
	j0 := s.dense[0]
	g[j0*p+j0] += s00
	b[j0] += b0
	if nd == 2 {
		j1 := s.dense[1]
		g[j0*p+j1] += s01
		g[j1*p+j1] += s11
		b[j1] += b1
	}
	for c := 0; c < p; c++ {
		if diag[c] == 0 && c0[c] == 0 && c1[c] == 0 {
			continue
		}
		g[c*p+c] += diag[c]
		g[upper(j0, c, p)] += c0[c]
		if nd == 2 {
			g[upper(s.dense[1], c, p)] += c1[c]
		}
	}
}

// accumulateSparse adds everything that involves a sparse entry.
func (s *gramSolver) accumulateSparse(w, z, b []float64) {
	nd, p, g := len(s.dense), s.p, s.g
	for i, wi := range w {
		lo, hi := s.rowPtr[i], s.rowPtr[i+1]
		if lo == hi || wi == 0 {
			continue
		}
		drow := s.dv[i*nd : i*nd+nd]
		for k := lo; k < hi; k++ {
			c, v := int(s.col[k]), s.val[k]
			wv := wi * v
			b[c] += wv * z[i]
			g[c*p+c] += wv * v
			for a, va := range drow {
				g[upper(s.dense[a], c, p)] += wv * va
			}
			for k2 := k + 1; k2 < hi; k2++ {
				g[upper(c, int(s.col[k2]), p)] += wv * s.val[k2]
			}
		}
	}
}

// upper is the index of entry (a, b) of a p×p matrix's upper triangle.
func upper(a, b, p int) int {
	if a > b {
		a, b = b, a
	}
	return a*p + b
}

// refine does one step of iterative refinement of the last solve, with the
// residual z − Xβ taken on the rows: it brings the error of the normal
// equations (~cond·ε) down to about that of the QR. IRLS corrects the
// intermediate iterates by itself, so only the final β needs it.
func (s *gramSolver) refine(w, z, beta []float64) {
	nd := len(s.dense)
	corr := s.d[len(s.d):cap(s.d)][:s.p]
	clear(corr)
	eta := s.ws.floats(len(w))
	s.etaAll(beta, eta)
	for i, wi := range w {
		if wi == 0 {
			continue
		}
		e := (z[i] - eta[i]) * wi
		for a, va := range s.dv[i*nd : i*nd+nd] {
			corr[s.dense[a]] += e * va
		}
		for k := s.rowPtr[i]; k < s.rowPtr[i+1]; k++ {
			corr[s.col[k]] += e * s.val[k]
		}
	}
	s.scaledSolve(corr)
	for j := range beta {
		beta[j] += corr[j]
	}
}

// etaAll sets eta[i] = xᵢ′β for every row.
func (s *gramSolver) etaAll(beta, eta []float64) {
	nd := len(s.dense)
	if nd == 2 && s.oneSparse { // the Farrington layouts, in one pass
		b0, b1 := beta[s.dense[0]], beta[s.dense[1]]
		dv, rp := s.dv[:2*len(eta)], s.rowPtr[:len(eta)+1]
		for i := range eta {
			e := dv[2*i]*b0 + dv[2*i+1]*b1
			if lo := rp[i]; lo != rp[i+1] {
				e += s.val[lo] * beta[s.col[lo]]
			}
			eta[i] = e
		}
		return
	}
	if nd == 1 && s.oneSparse {
		b0 := beta[s.dense[0]]
		dv, rp := s.dv[:len(eta)], s.rowPtr[:len(eta)+1]
		for i := range eta {
			e := dv[i] * b0
			if lo := rp[i]; lo != rp[i+1] {
				e += s.val[lo] * beta[s.col[lo]]
			}
			eta[i] = e
		}
		return
	}
	if nd == 2 {
		b0, b1 := beta[s.dense[0]], beta[s.dense[1]]
		dv := s.dv[:2*len(eta)]
		for i := range eta {
			eta[i] = dv[2*i]*b0 + dv[2*i+1]*b1
		}
	} else {
		for i := range eta {
			var e float64
			for a, va := range s.dv[i*nd : i*nd+nd] {
				e += va * beta[s.dense[a]]
			}
			eta[i] = e
		}
	}
	for i := range eta {
		for k := s.rowPtr[i]; k < s.rowPtr[i+1]; k++ {
			eta[i] += s.val[k] * beta[s.col[k]]
		}
	}
}

// scaledSolve solves (X′WX) y = b in place with the equilibrated factor.
func (s *gramSolver) scaledSolve(b []float64) {
	for j := range b {
		b[j] *= s.d[j]
	}
	s.cholSolve(b)
	for j := range b {
		b[j] *= s.d[j]
	}
}

// factor equilibrates g (upper triangle) to unit diagonal and overwrites it
// with its Cholesky factor U (g = U′U), checking the guard.
func (s *gramSolver) factor() bool {
	p, g := s.p, s.g
	for j := 0; j < p; j++ {
		if !(g[j*p+j] > 0) || math.IsInf(g[j*p+j], 0) {
			return false
		}
		s.d[j] = 1 / math.Sqrt(g[j*p+j])
	}
	for i := 0; i < p; i++ {
		for j := i; j < p; j++ {
			g[i*p+j] *= s.d[i] * s.d[j]
		}
	}
	for j := 0; j < p; j++ {
		sjj := g[j*p+j]
		for k := 0; k < j; k++ {
			sjj -= g[k*p+j] * g[k*p+j]
		}
		if !(sjj >= gramGuard) {
			return false
		}
		ujj := math.Sqrt(sjj)
		g[j*p+j] = ujj
		for c := j + 1; c < p; c++ {
			v := g[j*p+c]
			for k := 0; k < j; k++ {
				v -= g[k*p+j] * g[k*p+c]
			}
			g[j*p+c] = v / ujj
		}
	}
	return true
}

// cholSolve solves U′U y = b in place.
func (s *gramSolver) cholSolve(b []float64) {
	p, u := s.p, s.g
	for j := 0; j < p; j++ { // U′ y = b
		v := b[j]
		for k := 0; k < j; k++ {
			v -= u[k*p+j] * b[k]
		}
		b[j] = v / u[j*p+j]
	}
	for j := p - 1; j >= 0; j-- { // U x = y
		v := b[j]
		for k := j + 1; k < p; k++ {
			v -= u[j*p+k] * b[k]
		}
		b[j] = v / u[j*p+j]
	}
}

// invert returns (X′WX)⁻¹ (p×p row-major) from the last factorisation:
// D (U′U)⁻¹ D.
func (s *gramSolver) invert() []float64 {
	p := s.p
	if s.inv != nil {
		return s.inv
	}
	inv := s.ws.floats(p * p)
	col := s.ws.floats(p)
	for j := 0; j < p; j++ {
		clear(col)
		col[j] = 1
		s.cholSolve(col)
		for i := 0; i < p; i++ {
			inv[i*p+j] = col[i] * s.d[i] * s.d[j]
		}
	}
	for i := 0; i < p; i++ { // symmetrise
		for j := i + 1; j < p; j++ {
			v := (inv[i*p+j] + inv[j*p+i]) / 2
			inv[i*p+j], inv[j*p+i] = v, v
		}
	}
	s.inv = inv
	return inv
}

// hat returns wᵢ xᵢ′ C xᵢ for every row, C = (X′WX)⁻¹.
func (s *gramSolver) hat(w []float64) []float64 {
	c, p, nd := s.invert(), s.p, len(s.dense)
	h := s.ws.floats(s.n)
	// The dense part x_D′ C_DD x_D, then the terms with the sparse entries.
	for i := range h {
		drow := s.dv[i*nd : i*nd+nd]
		var q float64
		for a, va := range drow {
			row := c[s.dense[a]*p:]
			q += va * va * row[s.dense[a]]
			for b := a + 1; b < nd; b++ {
				q += 2 * va * row[s.dense[b]] * drow[b]
			}
		}
		lo, hi := s.rowPtr[i], s.rowPtr[i+1]
		for k := lo; k < hi; k++ {
			ck, vk := int(s.col[k]), s.val[k]
			row := c[ck*p:]
			q += vk * vk * row[ck]
			for a, va := range drow {
				q += 2 * vk * row[s.dense[a]] * va
			}
			for k2 := k + 1; k2 < hi; k2++ {
				q += 2 * vk * row[s.col[k2]] * s.val[k2]
			}
		}
		h[i] = w[i] * q
	}
	return h
}

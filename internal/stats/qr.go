package stats

import "math"

// qrTol is glm.fit's rank tolerance: min(1e-7, epsilon/1000) with the
// default epsilon 1e-8.
const qrTol = 1e-11

// qrDecomp is a pivoted Householder QR in LINPACK's compact form, as R's
// dqrdc2 leaves it: a is n×p column-major; its upper triangle holds R and the
// part below the diagonal, with qraux, the Householder vectors; pivot[j] is
// the original (0-based) column now in position j; rank columns are kept.
type qrDecomp struct {
	n, p  int
	a     []float64
	qraux []float64
	pivot []int
	rank  int
	work  []float64 // 2p scratch: original and updated column norms
}

// factor is R's dqrdc2 (src/appl/dqrdc2.f): Householder QR with *limited*
// pivoting. Columns are taken left to right; a column whose norm, after the
// previous reflections, has fallen below tol × its original norm is moved to
// the right-hand end and counted as aliased, and the others keep their
// order. This is why the routine is hand-written rather than taken from
// gonum: gonum's QR (LAPACK dgeqrf) does not pivot, and LAPACK's pivoted
// QR (dgeqp3) reorders by largest norm, which would change which of two
// collinear columns R reports as NA and the order of the R factor. R calls
// it with tol = 1e-11 from glm.fit.
func (q *qrDecomp) factor(tol float64) {
	n, p, a := q.n, q.p, q.a
	norm0, normOrig := q.work[:p], q.work[p:2*p]
	for j := 0; j < p; j++ {
		q.pivot[j] = j
		nrm := dnrm2(a[j*n : j*n+n])
		q.qraux[j] = nrm
		norm0[j] = nrm
		normOrig[j] = nrm
		if nrm == 0 {
			normOrig[j] = 1
		}
	}
	lup := min(n, p)
	k := p + 1 // 1-based, as in the Fortran
	for l := 0; l < lup; l++ {
		// Cycle negligible columns to the end (label 80 in dqrdc2).
		for l+1 < k && q.qraux[l] < normOrig[l]*tol {
			q.rotateToEnd(l)
			k--
		}
		if l == n-1 {
			break
		}
		col := a[l*n : l*n+n]
		nrmxl := dnrm2(col[l:])
		if nrmxl == 0 {
			continue
		}
		if col[l] != 0 {
			nrmxl = math.Copysign(nrmxl, col[l])
		}
		inv := 1 / nrmxl
		for i := l; i < n; i++ {
			col[i] *= inv
		}
		col[l] += 1
		for j := l + 1; j < p; j++ {
			cj := a[j*n : j*n+n]
			t := -ddot(col[l:], cj[l:]) / col[l]
			daxpy(t, col[l:], cj[l:])
			if q.qraux[j] == 0 {
				continue
			}
			tt := 1 - (math.Abs(cj[l])/q.qraux[j])*(math.Abs(cj[l])/q.qraux[j])
			tt = math.Max(tt, 0)
			if math.Abs(tt) < 1e-6 {
				q.qraux[j] = dnrm2(cj[l+1:])
				norm0[j] = q.qraux[j]
			} else {
				q.qraux[j] *= math.Sqrt(tt)
			}
		}
		q.qraux[l] = col[l]
		col[l] = -nrmxl
	}
	q.rank = min(k-1, n)
}

// rotateToEnd moves column l (with its bookkeeping) to the last position,
// shifting columns l+1..p−1 one to the left.
func (q *qrDecomp) rotateToEnd(l int) {
	n, p, a := q.n, q.p, q.a
	norm0, normOrig := q.work[:p], q.work[p:2*p]
	for i := 0; i < n; i++ {
		t := a[l*n+i]
		for j := l + 1; j < p; j++ {
			a[(j-1)*n+i] = a[j*n+i]
		}
		a[(p-1)*n+i] = t
	}
	pv, qa, w0, w1 := q.pivot[l], q.qraux[l], norm0[l], normOrig[l]
	copy(q.pivot[l:p-1], q.pivot[l+1:p])
	copy(q.qraux[l:p-1], q.qraux[l+1:p])
	copy(norm0[l:p-1], norm0[l+1:p])
	copy(normOrig[l:p-1], normOrig[l+1:p])
	q.pivot[p-1], q.qraux[p-1], norm0[p-1], normOrig[p-1] = pv, qa, w0, w1
}

// qty overwrites y (length n) with Q′y, as LINPACK dqrsl with job 1000.
func (q *qrDecomp) qty(y []float64) {
	for j := range min(q.rank, q.n-1) {
		q.reflect(j, y)
	}
}

// qy overwrites y (length n) with Qy, as LINPACK dqrsl with job 10000.
func (q *qrDecomp) qy(y []float64) {
	for j := min(q.rank, q.n-1) - 1; j >= 0; j-- {
		q.reflect(j, y)
	}
}

// reflect applies the j-th Householder reflection to y (its own inverse).
func (q *qrDecomp) reflect(j int, y []float64) {
	if q.qraux[j] == 0 {
		return
	}
	n := q.n
	col := q.a[j*n : j*n+n]
	diag := col[j]
	col[j] = q.qraux[j]
	t := -ddot(col[j:], y[j:]) / col[j]
	daxpy(t, col[j:], y[j:])
	col[j] = diag
}

// solveR solves R b = c for the leading rank×rank triangle, in place in c
// (back substitution as dqrsl with job 100).
func (q *qrDecomp) solveR(c []float64) {
	n, a := q.n, q.a
	for j := q.rank - 1; j >= 0; j-- {
		c[j] /= a[j*n+j]
		t := -c[j]
		for i := 0; i < j; i++ {
			c[i] += t * a[j*n+i]
		}
	}
}

// invRtR returns (R′R)⁻¹ of the leading rank×rank triangle (R's chol2inv),
// rank×rank row-major, in the pivoted column order.
func (q *qrDecomp) invRtR() []float64 {
	k, n := q.rank, q.n
	// Rinv, upper triangular, row-major k×k.
	rinv := make([]float64, k*k)
	for j := 0; j < k; j++ {
		rinv[j*k+j] = 1 / q.a[j*n+j]
		for i := j - 1; i >= 0; i-- {
			var s float64
			for m := i + 1; m <= j; m++ {
				s += q.a[m*n+i] * rinv[m*k+j]
			}
			rinv[i*k+j] = -s / q.a[i*n+i]
		}
	}
	c := make([]float64, k*k)
	for i := 0; i < k; i++ {
		for j := i; j < k; j++ {
			var s float64
			for m := j; m < k; m++ {
				s += rinv[i*k+m] * rinv[j*k+m]
			}
			c[i*k+j], c[j*k+i] = s, s
		}
	}
	return c
}

func ddot(x, y []float64) float64 {
	y = y[:len(x)]
	var s float64
	for i, v := range x {
		s += v * y[i]
	}
	return s
}

func daxpy(a float64, x, y []float64) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += a * v
	}
}

// dnrm2 is the Euclidean norm as reference BLAS 3.10+ computes it
// (dnrm2.f90, Blue's algorithm, the BLAS of R on Debian 12): squares of
// mid-range values are summed as they come, tiny and huge ones in scaled
// accumulators. For mid-range data this is exactly sqrt(Σ xᵢ²) summed left
// to right, which is what makes the QR reproduce R's to the last bit.
func dnrm2(x []float64) float64 {
	const (
		tsml = 0x1p-511 // radix^ceil((minexponent−1)/2)
		tbig = 0x1p486  // radix^floor((maxexponent−digits+1)/2)
		ssml = 0x1p537  // radix^(−floor((minexponent−digits)/2))
		sbig = 0x1p-538 // radix^(−ceil((maxexponent+digits−1)/2))
	)
	notBig := true
	var asml, amed, abig float64
	for _, v := range x {
		ax := math.Abs(v)
		switch {
		case ax > tbig:
			abig += (ax * sbig) * (ax * sbig)
			notBig = false
		case ax < tsml:
			if notBig {
				asml += (ax * ssml) * (ax * ssml)
			}
		default:
			amed += ax * ax
		}
	}
	scl, sumsq := 1.0, amed
	switch {
	case abig > 0:
		if amed > 0 || math.IsNaN(amed) {
			abig += (amed * sbig) * sbig
		}
		scl, sumsq = 1/sbig, abig
	case asml > 0:
		if amed > 0 || math.IsNaN(amed) {
			amed = math.Sqrt(amed)
			asml = math.Sqrt(asml) / ssml
			ymin, ymax := asml, amed
			if asml > amed {
				ymin, ymax = amed, asml
			}
			sumsq = ymax * ymax * (1 + (ymin/ymax)*(ymin/ymax))
		} else {
			scl, sumsq = 1/ssml, asml
		}
	}
	return scl * math.Sqrt(sumsq)
}

package stats

import (
	"math"
	"math/big"
)

// Correctly rounded exp and log, used by the exact mode of the GLM (see
// exactMode): evaluated with 128-bit big.Float arithmetic and rounded once
// to the nearest double.

const crPrec = 128

var crLn2 = func() *big.Float {
	// ln 2 = 2 atanh(1/3)
	return crAtanh2(new(big.Float).SetPrec(crPrec).Quo(big.NewFloat(1).SetPrec(crPrec), big.NewFloat(3).SetPrec(crPrec)))
}()

// crAtanh2 returns 2·atanh(s) = 2 Σ s^(2k+1)/(2k+1) for |s| < 0.5.
func crAtanh2(s *big.Float) *big.Float {
	sum := new(big.Float).SetPrec(crPrec).Set(s)
	s2 := new(big.Float).SetPrec(crPrec).Mul(s, s)
	term := new(big.Float).SetPrec(crPrec).Set(s)
	tiny := new(big.Float).SetPrec(crPrec).SetMantExp(big.NewFloat(1), -crPrec-8)
	t := new(big.Float).SetPrec(crPrec)
	for k := 1; term.Sign() != 0; k++ {
		term.Mul(term, s2)
		t.Quo(term, new(big.Float).SetPrec(crPrec).SetInt64(int64(2*k+1)))
		if new(big.Float).Abs(t).Cmp(new(big.Float).Mul(tiny, new(big.Float).Abs(sum))) < 0 {
			break
		}
		sum.Add(sum, t)
	}
	return sum.Mul(sum, big.NewFloat(2))
}

// bigLog returns log(x) for a finite x > 0 to about 128 bits.
func bigLog(x float64) *big.Float {
	frac, exp := math.Frexp(x) // x = frac·2^exp, frac in [0.5, 1)
	if frac < math.Sqrt2/2 {
		frac *= 2
		exp--
	}
	m := new(big.Float).SetPrec(crPrec).SetFloat64(frac)
	one := big.NewFloat(1).SetPrec(crPrec)
	s := new(big.Float).SetPrec(crPrec).Quo(new(big.Float).SetPrec(crPrec).Sub(m, one), new(big.Float).SetPrec(crPrec).Add(m, one))
	r := crAtanh2(s)
	return r.Add(r, new(big.Float).SetPrec(crPrec).Mul(crLn2, new(big.Float).SetPrec(crPrec).SetInt64(int64(exp))))
}

// bigExp returns exp(x) to about 128 bits for |x| < 746.
func bigExp(x *big.Float) *big.Float {
	xf, _ := x.Float64()
	k := math.Round(xf / math.Ln2)
	r := new(big.Float).SetPrec(crPrec).Set(x)
	r.Sub(r, new(big.Float).SetPrec(crPrec).Mul(crLn2, new(big.Float).SetPrec(crPrec).SetFloat64(k)))
	sum := big.NewFloat(1).SetPrec(crPrec)
	term := big.NewFloat(1).SetPrec(crPrec)
	for n := 1; n < 60; n++ {
		term.Mul(term, r)
		term.Quo(term, new(big.Float).SetPrec(crPrec).SetInt64(int64(n)))
		sum.Add(sum, term)
	}
	return sum.SetMantExp(sum, int(k))
}

// crLog is log(x) rounded to nearest.
func crLog(x float64) float64 {
	if !(x > 0) || math.IsInf(x, 1) {
		return math.Log(x)
	}
	f, _ := bigLog(x).Float64()
	return f
}

// crExp is exp(x) rounded to nearest.
func crExp(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || x > 709.8 || x < -745.2 {
		return math.Exp(x)
	}
	f, _ := bigExp(new(big.Float).SetPrec(crPrec).SetFloat64(x)).Float64()
	return f
}

// crPow is x^y rounded to nearest for finite x > 0 (R's R_pow otherwise:
// y = 2 is x·x, and the special values of math.Pow).
func crPow(x, y float64) float64 {
	if y == 2 {
		return x * x
	}
	if !(x > 0) || math.IsInf(x, 0) || math.IsInf(y, 0) || math.IsNaN(y) || x == 1 || y == 0 {
		return math.Pow(x, y)
	}
	l := bigLog(x)
	l.Mul(l, new(big.Float).SetPrec(crPrec).SetFloat64(y))
	if lf, _ := l.Float64(); lf > 709.8 || lf < -745.2 {
		return math.Pow(x, y)
	}
	f, _ := bigExp(l).Float64()
	return f
}

// crKey identifies one evaluation in a crCache.
type crKey struct {
	op   byte // 'e' exp, 'l' log, 'p' pow
	x, y float64
}

// crCache memoises the correctly rounded functions within one exact fit: a
// perfect fit, the case exact mode exists for, evaluates them at a handful
// of distinct arguments over and over.
type crCache map[crKey]float64

func (c crCache) eval(op byte, x, y float64) float64 {
	k := crKey{op, x, y}
	if v, ok := c[k]; ok {
		return v
	}
	var v float64
	switch op {
	case 'e':
		v = crExp(x)
	case 'l':
		v = crLog(x)
	default:
		v = crPow(x, y)
	}
	c[k] = v
	return v
}

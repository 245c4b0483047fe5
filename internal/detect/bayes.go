package detect

import (
	"math"

	"github.com/weijian-health/weijian/internal/stats"
)

// BayesControl is the control of Bayes (R's algo.bayes).
type BayesControl struct {
	// Range holds the evaluated 0-based indices, sorted. nil: every index
	// with a full reference window (R has no default and requires range).
	Range []int
	B     int     // years back; R default 0
	W     int     // half window (and length of the current-year window); R default 6
	ActY  bool    // also use the W counts just before t; R default TRUE
	Alpha float64 // R default 0.05
}

// DefaultBayesControl returns R's defaults (the "bayes 1" system): b = 0,
// w = 6, actY = TRUE, alpha = 0.05.
func DefaultBayesControl() BayesControl {
	return BayesControl{B: 0, W: 6, ActY: true, Alpha: 0.05}
}

func (c BayesControl) validate() error {
	switch {
	case c.B < 0:
		return invalidControl("b = %d, want ≥ 0", c.B)
	case c.W < 0:
		return invalidControl("w = %d, want ≥ 0", c.W)
	case c.ActY && c.W == 0:
		// R's (t−0):(t−1) would be c(t, t−1): the current count itself.
		return invalidControl("w = 0 with actY: no current-year window")
	case c.B == 0 && !c.ActY:
		return invalidControl("b = 0 without actY: no reference values")
	}
	return checkProb("alpha", c.Alpha)
}

// Bayes is the Bayes system of Riebler (2004, "Empirischer Vergleich von
// statistischen Methoden zur Ausbruchserkennung bei Surveillance Daten",
// Bachelor's thesis, LMU München) as R's algo.bayes (surveillance 1.20.3).
// For t with f = Freq, the reference counts are
//
//	ActY: y[t−W] … y[t−1];  and for i = 1..B: y[t−if−W] … y[t−if+W],
//
// S is the sum and N the number of the non-NA ones (NA are dropped), and
// the bound is the (1 − α) quantile of the posterior predictive of a
// Poisson count under a Jeffreys-type Gamma(1/2, 0) prior:
//
//	U(t) = qnbinom(1 − α, size = S + 1/2, prob = N/(N + 1)),
//
// NaN (NA) when N = 0. alarm(t) = y[t] > U(t) (strict), NA if y[t] is NA.
// A point with t − Bf − W < 0 is ErrTooShort, as R's "The vector of
// observed is too short!".
func Bayes(s Series, ctl BayesControl) (res *Result, err error) {
	defer wrapErr(&err, "bayes")
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if err := ctl.validate(); err != nil {
		return nil, err
	}
	if ctl.B > 0 && ctl.W >= s.Freq {
		return nil, invalidControl("w = %d reaches into the next year (frequency %d)", ctl.W, s.Freq)
	}
	need := ctl.B*s.Freq + ctl.W
	rng, err := resolveRange(ctl.Range, need, len(s.Observed))
	if err != nil {
		return nil, err
	}
	if rng[0] < need {
		return nil, tooShort("b = %d years and w = %d need %d earlier counts; the range starts at index %d", ctl.B, ctl.W, need, rng[0])
	}
	res = newResult("bayes", s, rng)
	y := s.Observed
	q := stats.NewNBQuantile(1 - ctl.Alpha)
	var bounds boundCache
	for i, t := range rng {
		var sum, n float64
		add := func(v []float64) {
			for _, x := range v {
				if !math.IsNaN(x) {
					sum += x
					n++
				}
			}
		}
		if ctl.ActY {
			add(y[t-ctl.W : t])
		}
		for b := 1; b <= ctl.B; b++ {
			c := t - b*s.Freq
			add(y[c-ctl.W : c+ctl.W+1])
		}
		p := &res.Points[i]
		ub, ok := bounds.get(sum, n)
		if !ok {
			ub = q.At(sum+0.5, n/(n+1))
			bounds.put(sum, n, ub)
		}
		p.UpperBound = ub
		p.Alarm = alarmAbove(y[t], p.UpperBound)
	}
	return res, nil
}

// boundCache remembers Bayes bounds by (S, N): the bound depends on them
// only, and a third of the points of the fixtures repeat an earlier pair.
// It is direct-mapped (a pair evicts the one in its slot), which costs no
// allocation and little more than the comparison; a map cost a fifth of
// the call.
type boundCache struct {
	key   [64][2]float64
	val   [64]float64
	valid [64]bool
}

func boundSlot(sum, n float64) int {
	h := (math.Float64bits(sum) ^ math.Float64bits(n)*0x9e3779b97f4a7c15) * 0xbf58476d1ce4e5b9
	return int(h >> 58)
}

func (c *boundCache) get(sum, n float64) (float64, bool) {
	i := boundSlot(sum, n)
	if c.valid[i] && c.key[i] == [2]float64{sum, n} {
		return c.val[i], true
	}
	return 0, false
}

func (c *boundCache) put(sum, n, v float64) {
	i := boundSlot(sum, n)
	c.key[i], c.val[i], c.valid[i] = [2]float64{sum, n}, v, true
}

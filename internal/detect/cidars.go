package detect

import (
	"math"
	"slices"
)

// The two methods of China CDC's CIDARS (国家传染病自动预警信息系统) that R's
// surveillance package lacks: the fixed threshold (固定阈值法) and the
// moving percentile method (移动百分位数法, MPM). See DOMAIN.md §4.

// FixedControl is the control of CIDARSFixed.
type FixedControl struct {
	// Range holds the evaluated 0-based indices, sorted; nil: every index.
	Range []int
	// Threshold is the count at which a signal fires; default 1 (a single
	// reported case of plague, cholera, SARS, … is a signal). Must be > 0.
	Threshold float64
}

// DefaultFixedControl returns the CIDARS default: a signal at 1 case.
func DefaultFixedControl() FixedControl { return FixedControl{Threshold: 1} }

// CIDARSFixed is the CIDARS fixed-threshold method for single-case diseases
// (Yang et al. 2011, DOMAIN.md §4.2): a point signals when its count y ≥ Threshold. The
// upper bound reported is Threshold itself, so unlike the other methods the
// alarm rule is "count ≥ bound"; an NA count gives an NA alarm.
func CIDARSFixed(s Series, ctl FixedControl) (res *Result, err error) {
	defer wrapErr(&err, "cidarsFixed")
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if !isFinite(ctl.Threshold) || ctl.Threshold <= 0 {
		return nil, invalidControl("threshold = %v, want a finite value > 0", ctl.Threshold)
	}
	rng, err := resolveRange(ctl.Range, 0, len(s.Observed))
	if err != nil {
		return nil, err
	}
	res = newResult("cidarsFixed", s, rng)
	for i := range res.Points {
		p := &res.Points[i]
		p.UpperBound = ctl.Threshold
		p.Alarm = alarmAtLeast(p.Observed, ctl.Threshold)
	}
	return res, nil
}

// MPMControl is the control of CIDARSMPM. The baseline construction of
// CIDARS is not published in full (DOMAIN.md §4.2, §11.7), so its parts are
// parameters; the defaults are the reported ones.
type MPMControl struct {
	// Range holds the evaluated 0-based indices, sorted; nil: every index
	// with a full baseline.
	Range []int
	// Percentile is x of the threshold Px, in (0, 100); default 50. Sun et
	// al. 2011 give per-disease optima from P50 to P90.
	Percentile float64
	// Years of history in the baseline; default 3.
	Years int
	// Adjacent blocks taken on each side of the same-period block in every
	// past year; default 2 (so 3 × (1 + 2·2) = 15 baseline blocks).
	Adjacent int
	// Block is the length of the observation period in observations.
	// 0 (the default) means 7 for a daily series (Freq 365) and 1 for a
	// weekly or monthly one.
	Block int
}

// DefaultMPMControl returns the reported CIDARS setting: P50, 3 years,
// 2 adjacent 7-day blocks on each side (15 baseline blocks).
func DefaultMPMControl() MPMControl {
	return MPMControl{Percentile: 50, Years: 3, Adjacent: 2}
}

// CIDARSMPM is the CIDARS moving percentile method (Yang et al. 2011; Sun et
// al. 2011 for the per-disease thresholds). For each evaluated index t, with
// B the block length (7 days for daily data), Y the year length in
// observations (Freq: 365 days, 52 weeks or 12 months), N = Years and
// A = Adjacent:
//
//   - current count c(t) = y[t−B+1] + … + y[t], the B observations ending at
//     t (the moving 7-day window, recomputed every day);
//   - baseline: for i = 1..N and j = −A..A, the block sum b(i,j) = c(t − iY +
//     jB), i.e. the same B-period i years earlier and the A consecutive,
//     non-overlapping blocks before and after it: N(2A+1) blocks. A block
//     with a missing observation is left out; with none left the bound is NA;
//   - threshold U(t) = Px of the baseline block sums, with R's quantile type
//     7 (linear interpolation: sort the n sums v₁ ≤ … ≤ vₙ, h = (n−1)x/100,
//     U = v_{⌊h⌋+1} + (h − ⌊h⌋)(v_{⌊h⌋+2} − v_{⌊h⌋+1})). Type 7 is the default
//     of R's quantile() and of Excel's PERCENTILE/PERCENTILE.INC, so a
//     county epidemiologist can reproduce a threshold by hand; with the 15
//     default blocks P50 is exactly the 8th smallest sum;
//   - signal iff c(t) > U(t) (strict). The Anhui 2006 pilot (DOMAIN.md
//     [S47]) states the rule as "current value > historical P50"; "≥" would
//     also signal a week with no case whenever the percentile is 0, which is
//     most weeks of a rare disease.
//     An NA current count or bound gives an NA alarm.
//
// Day alignment: the year offset is Y = 365 days (the same calendar date one
// year earlier, up to a one-day shift across 29 February), not 364. Every
// 7-day block contains each weekday exactly once, so the weekday alignment
// that motivates a 364-day offset brings nothing, while 364 would move the
// baseline one day earlier per year and bias seasonal diseases.
//
// Point.Observed stays the count at t; the compared count c(t) is in
// Result.BlockCount. Series with Freq 7 are refused (no year length).
func CIDARSMPM(s Series, ctl MPMControl) (res *Result, err error) {
	defer wrapErr(&err, "cidarsMPM")
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if s.Freq == 7 {
		return nil, invalidControl("the moving percentile method needs a yearly frequency (365, 52 or 12), got 7")
	}
	b, err := ctl.validate(s.Freq)
	if err != nil {
		return nil, err
	}
	// Earliest observation used: t − Years·Y − Adjacent·B − B + 1 ≥ 0.
	first := ctl.Years*s.Freq + ctl.Adjacent*b + b - 1
	rng, err := resolveRange(ctl.Range, first, len(s.Observed))
	if err != nil {
		return nil, err
	}
	if rng[0] < first {
		return nil, tooShort("index %d needs %d earlier observations (%d years of %d plus %d blocks of %d)",
			rng[0], first, ctl.Years, s.Freq, ctl.Adjacent+1, b)
	}
	res = newResult("cidarsMPM", s, rng)
	res.BlockCount = make([]float64, len(rng))
	base := make([]float64, 0, ctl.Years*(2*ctl.Adjacent+1))
	for i, t := range rng {
		base = base[:0]
		for y := 1; y <= ctl.Years; y++ {
			for j := -ctl.Adjacent; j <= ctl.Adjacent; j++ {
				if v := blockSum(s.Observed, t-y*s.Freq+j*b, b); !IsNA(v) {
					base = append(base, v)
				}
			}
		}
		c := blockSum(s.Observed, t, b)
		res.BlockCount[i] = c
		p := &res.Points[i]
		p.UpperBound = quantile7(base, ctl.Percentile/100)
		p.Alarm = alarmAbove(c, p.UpperBound)
	}
	return res, nil
}

// validate checks the control and returns the block length for freq.
func (c MPMControl) validate(freq int) (int, error) {
	b := c.Block
	if b == 0 {
		b = 1
		if freq == 365 {
			b = 7
		}
	}
	switch {
	case !(c.Percentile > 0 && c.Percentile < 100):
		return 0, invalidControl("percentile = %v, want a value in (0, 100)", c.Percentile)
	case c.Years < 1:
		return 0, invalidControl("years = %d, want ≥ 1", c.Years)
	case c.Adjacent < 0:
		return 0, invalidControl("adjacent = %d, want ≥ 0", c.Adjacent)
	case b < 1:
		return 0, invalidControl("block = %d, want ≥ 1", c.Block)
	case (c.Adjacent+1)*b > freq:
		return 0, invalidControl("block %d with %d adjacent blocks reaches into the current year (year length %d)", b, c.Adjacent, freq)
	}
	return b, nil
}

// blockSum is y[end−b+1] + … + y[end]; NA if any is NA.
func blockSum(y []float64, end, b int) float64 {
	sum := 0.0
	for _, v := range y[end-b+1 : end+1] {
		sum += v
	}
	return sum
}

// quantile7 is R's quantile(v, p, type = 7); NA for an empty v. v is
// reordered.
func quantile7(v []float64, p float64) float64 {
	if len(v) == 0 {
		return NA
	}
	slices.Sort(v)
	h := float64(len(v)-1) * p
	lo := math.Floor(h)
	i := int(lo)
	if i+1 >= len(v) {
		return v[len(v)-1]
	}
	return v[i] + (h-lo)*(v[i+1]-v[i])
}

func tooShort(format string, a ...any) error {
	return wrapKind(ErrTooShort, format, a...)
}

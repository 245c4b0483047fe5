package period

import (
	"fmt"
	"math"
)

// 序时进度 (time-elapsed pace) is the share of a period that has passed by an
// as-of date: the share of an annual task that "should" be done by then, so a
// completion rate can be read as 超序时 (ahead) or 慢序时 (behind). No
// official text fixes the formula (DOMAIN.md §8: a convention, UNCONFIRMED),
// so the platform offers three, and a report must say which one it used.
// Every convention gives 0 before the period starts, 1 from its last day on,
// and never decreases as the as-of date moves on.

// A Pacer computes the pace of period p as of a date, between 0 and 1.
type Pacer interface {
	Pace(p Period, asOf Date) float64
}

// Pace returns the pace of p as of asOf by the default convention, ByDays.
func Pace(p Period, asOf Date) float64 { return ByDays{}.Pace(p, asOf) }

// ByDays is the default convention: the days elapsed, counting the as-of day
// itself, divided by the days in the period. At 2024-06-30 the pace of 2024
// is 182/366 = 49.73% (2024 is a leap year); of 2023 at 2023-06-30 it is
// 181/365 = 49.59%.
type ByDays struct{}

// Pace implements Pacer.
func (ByDays) Pace(p Period, asOf Date) float64 {
	switch {
	case p.IsZero():
		return 0
	case asOf.Before(p.Start()):
		return 0
	case !asOf.Before(p.End()):
		return 1
	}
	return float64(asOf.DaysSince(p.Start())+1) / float64(p.NumDays())
}

// ByMonths is the convention of work summaries: completed months divided by
// the months in the period (end-June = 6/12 = 50%, end-September = 75%).
// A month counts as completed only from its last day on, so at 2024-06-29 the
// pace of 2024 is 5/12 and at 2024-06-30 it is 6/12; to report "as of June"
// pass June's last day. For a week or a day, which hold no whole month, it
// is the same as ByDays.
type ByMonths struct{}

// Pace implements Pacer.
func (ByMonths) Pace(p Period, asOf Date) float64 {
	if p.Type() < Month {
		return ByDays{}.Pace(p, asOf)
	}
	months := p.Span().Within(Month)
	return float64(completed(months, asOf)) / float64(len(months))
}

// completed counts the months that have ended by asOf.
func completed(months []Period, asOf Date) int {
	n := 0
	for _, m := range months {
		if !asOf.Before(m.End()) {
			n++
		}
	}
	return n
}

// Curve is a custom cumulative convention for seasonal work: each calendar
// month carries a weight (say, the share of the year's vaccinations planned
// for it), and the pace is the weight of the period's completed months
// (completed as in ByMonths) divided by the weight of all its months. Equal
// weights give ByMonths. If a period's months all weigh 0, or for a week or
// a day, Curve falls back to ByMonths.
type Curve struct {
	weights [12]float64
}

// NewCurve returns the curve with weights[0] for January … weights[11] for
// December. The weights need not add up to 1; they must not be negative,
// and their sum must be finite.
func NewCurve(weights [12]float64) (Curve, error) {
	sum := 0.0
	for i, w := range weights {
		if w < 0 || math.IsNaN(w) {
			return Curve{}, fmt.Errorf("period: weight %v of month %d is negative or not a number", w, i+1)
		}
		sum += w
	}
	if math.IsInf(sum, 0) {
		return Curve{}, fmt.Errorf("period: the weights add up to infinity")
	}
	return Curve{weights: weights}, nil
}

// Weights returns the monthly weights of c, January first.
func (c Curve) Weights() [12]float64 { return c.weights }

// Pace implements Pacer.
func (c Curve) Pace(p Period, asOf Date) float64 {
	if p.Type() < Month {
		return ByMonths{}.Pace(p, asOf)
	}
	var done, total float64
	for _, m := range p.Span().Within(Month) {
		w := c.weights[m.Start().Month-1]
		total += w
		if !asOf.Before(m.End()) {
			done += w
		}
	}
	if total == 0 {
		return ByMonths{}.Pace(p, asOf)
	}
	return min(done/total, 1)
}

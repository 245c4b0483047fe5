package detect

import (
	"fmt"
	"math"
)

// Frequencies accepted in Series.Freq.
var validFreq = map[int]bool{7: true, 12: true, 52: true, 365: true}

// Validate checks that s is a series every method accepts: a frequency of
// 7, 12, 52 or 365, at least one observation, and every count either NA or
// a non-negative integer below 2^53 (counts are exact in a float64 up to
// there). The error wraps ErrInvalidSeries and names the first bad index
// (0-based).
func (s Series) Validate() error {
	if !validFreq[s.Freq] {
		return fmt.Errorf("%w: frequency %d (want 52, 12, 365 or 7)", ErrInvalidSeries, s.Freq)
	}
	if len(s.Observed) == 0 {
		return fmt.Errorf("%w: no observations", ErrInvalidSeries)
	}
	for i, v := range s.Observed {
		switch {
		case IsNA(v):
		case math.IsInf(v, 0) || v > 1<<53:
			return fmt.Errorf("%w: count %v at index %d is not finite", ErrInvalidSeries, v, i)
		case v < 0:
			return fmt.Errorf("%w: negative count %v at index %d", ErrInvalidSeries, v, i)
		case v != math.Trunc(v):
			return fmt.Errorf("%w: non-integer count %v at index %d", ErrInvalidSeries, v, i)
		}
	}
	return nil
}

// checkRange validates a range of 0-based indices into a series of length n:
// non-empty, strictly increasing, inside [0, n).
func checkRange(rng []int, n int) error {
	if len(rng) == 0 {
		return invalidControl("empty range")
	}
	for i, t := range rng {
		if t < 0 || t >= n {
			return invalidControl("range index %d outside the series (0..%d)", t, n-1)
		}
		if i > 0 && t <= rng[i-1] {
			return invalidControl("range not strictly increasing at position %d (%d after %d)", i, t, rng[i-1])
		}
	}
	return nil
}

// indexRange returns from, from+1, …, n-1 (nil when from ≥ n).
func indexRange(from, n int) []int {
	if from < 0 {
		from = 0
	}
	if from >= n {
		return nil
	}
	r := make([]int, n-from)
	for i := range r {
		r[i] = from + i
	}
	return r
}

// resolveRange returns rng, or when it is nil every index from first on
// (the default range of a method: every point with enough history); then it
// validates the result. A default range that is empty means the series is
// too short.
func resolveRange(rng []int, first, n int) ([]int, error) {
	if rng == nil {
		rng = indexRange(first, n)
		if rng == nil {
			return nil, fmt.Errorf("%w: %d observations, the first point with enough history is index %d", ErrTooShort, n, first)
		}
	}
	if err := checkRange(rng, n); err != nil {
		return nil, err
	}
	return rng, nil
}

// newResult allocates a Result for the points of rng, with the observed
// counts filled in and every bound and alarm NA.
func newResult(method string, s Series, rng []int) *Result {
	pts := make([]Point, len(rng))
	for i, t := range rng {
		pts[i] = Point{Index: t, Observed: s.Observed[t], UpperBound: NA, Alarm: AlarmNA}
	}
	return &Result{Method: method, Points: pts}
}

// alarmAbove is the alarm rule y > bound (strict), NA if either is NA.
func alarmAbove(y, bound float64) Alarm {
	if IsNA(y) || IsNA(bound) {
		return AlarmNA
	}
	if y > bound {
		return Alarmed
	}
	return NoAlarm
}

// checkProb validates a probability-like control in the open interval (0, 1).
func checkProb(name string, p float64) error {
	if !(p > 0 && p < 1) {
		return invalidControl("%s = %v, want a value in (0, 1)", name, p)
	}
	return nil
}

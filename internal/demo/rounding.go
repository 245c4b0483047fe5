package demo

import (
	"cmp"
	"math"
	"slices"
)

// apportion splits total into integers proportional to weights by the
// largest-remainder method: every share is its quota rounded down, and the
// units left over go to the largest fractional parts (ties to the lower
// index), so the shares always add up to total exactly and the result
// depends on nothing but its inputs. Negative weights count as zero; when
// every weight is zero the total is spread evenly.
func apportion(total int64, weights []float64) []int64 {
	out := make([]int64, len(weights))
	if total <= 0 || len(weights) == 0 {
		return out
	}
	var sum float64
	for _, w := range weights {
		sum += max(w, 0)
	}
	quota := func(i int) float64 {
		if sum == 0 {
			return float64(total) / float64(len(weights))
		}
		return max(weights[i], 0) * float64(total) / sum
	}
	type rem struct {
		i    int
		frac float64
	}
	rems := make([]rem, len(weights))
	var given int64
	for i := range weights {
		q := quota(i)
		f := math.Floor(q)
		out[i] = int64(f)
		given += out[i]
		rems[i] = rem{i, q - f}
	}
	slices.SortStableFunc(rems, func(a, b rem) int { return cmp.Compare(b.frac, a.frac) })
	for k := 0; given < total; k = (k + 1) % len(rems) {
		out[rems[k].i]++
		given++
	}
	// Floating-point noise can push a floor one over; take it back from
	// the smallest fractions.
	for k := len(rems) - 1; given > total; k = (k + len(rems) - 1) % len(rems) {
		if out[rems[k].i] > 0 {
			out[rems[k].i]--
			given--
		}
	}
	return out
}

// roundHalfUp rounds a non-negative x to the nearest integer, halves up.
func roundHalfUp(x float64) int64 { return int64(math.Floor(x + 0.5)) }

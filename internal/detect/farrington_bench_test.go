package detect

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// countySeries builds nSeries weekly series of years·52 weeks that look
// like county notifiable-disease counts: a disease-specific level from
// about 0.3 to 200 cases a week, an area factor, an annual cycle with the
// peak in a disease-specific week, a mild trend, negative-binomial noise
// (size 5) and a few outbreaks. The seed is fixed.
func countySeries(diseases, areas, years int) []Series {
	r := rand.New(rand.NewPCG(2024, 480))
	n := years * 52
	var out []Series
	for d := 0; d < diseases; d++ {
		level := math.Exp(r.Float64()*6.5 - 1.2) // 0.3 … 200
		peak := r.Float64() * 52
		amp := 0.2 + 0.8*r.Float64()
		trend := (r.Float64() - 0.5) * 0.1 // per year
		for a := 0; a < areas; a++ {
			area := math.Exp(r.NormFloat64() * 0.5)
			y := make([]float64, n)
			for t := range y {
				mu := level * area * math.Exp(amp*math.Cos(2*math.Pi*(float64(t)-peak)/52)+trend*float64(t)/52)
				y[t] = negBinom(r, mu, 5)
			}
			for k := 0; k < 2; k++ { // outbreaks
				start := r.IntN(n - 6)
				for t := start; t < start+4; t++ {
					y[t] += math.Round(2 * level * area * r.Float64())
				}
			}
			out = append(out, Series{Observed: y, Freq: 52, Start: [2]int{2019, 1}})
		}
	}
	return out
}

// negBinom draws NB(mean mu, size) as a gamma–Poisson mixture.
func negBinom(r *rand.Rand, mu, size float64) float64 {
	lambda := gammaDraw(r, size) * mu / size
	// Poisson by inversion (lambda is moderate here).
	if lambda > 500 {
		return math.Max(0, math.Round(lambda+math.Sqrt(lambda)*r.NormFloat64()))
	}
	k, p, u := 0.0, math.Exp(-lambda), r.Float64()
	for c := p; u > c; c += p {
		k++
		p *= lambda / k
	}
	return k
}

// gammaDraw is Marsaglia–Tsang for shape ≥ 1.
func gammaDraw(r *rand.Rand, shape float64) float64 {
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		if u := r.Float64(); math.Log(u) < 0.5*x*x+d-d*v+d*math.Log(v) {
			return d * v
		}
	}
}

// noufailyControl is farringtonFlexible with Noufaily et al.'s settings
// for the latest week of a six-year weekly series.
func noufailyControl(n int, method ThresholdMethod) FlexibleControl {
	c := DefaultFlexibleControl()
	c.B, c.W, c.NoPeriods, c.PastWeeksNotIncluded = 5, 3, 10, 26
	c.ThresholdMethod = method
	c.Range = []int{n - 1}
	return c
}

// BenchmarkFarringtonFlexible480 is one day's detection for 480 series
// (40 diseases × 12 areas, six years of weekly counts each): the latest
// week of every series with farringtonFlexible, Noufaily settings
// (b = 5, w = 3, noPeriods = 10, pastWeeksNotIncluded = 26, nbPlugin).
// One op is all 480 series; run with -cpu 1.
func BenchmarkFarringtonFlexible480(b *testing.B) {
	for _, method := range []ThresholdMethod{ThresholdNBPlugin, ThresholdDelta} {
		b.Run(string(method), func(b *testing.B) {
			series := countySeries(40, 12, 6)
			ctl := noufailyControl(len(series[0].Observed), method)
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			b.ReportAllocs()
			c0 := threadCPU()
			for b.Loop() {
				for _, s := range series {
					if _, err := FarringtonFlexible(s, ctl); err != nil {
						b.Fatal(err)
					}
				}
			}
			// CPU time of this thread: steadier than wall time on a shared
			// machine (little else runs: the calls allocate little).
			b.ReportMetric(float64(threadCPU()-c0)/1e6/float64(b.N), "cpu-ms/op")
		})
	}
}

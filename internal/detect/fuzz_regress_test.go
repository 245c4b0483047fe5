package detect

import (
	"math"
	"testing"
)

// hugeMuanCase is an input found by FuzzMethods: a daily series with huge
// counts for which farringtonFlexible's muan threshold is huge: its
// negative binomial quantiles and cdfs see means of 10⁵–10⁹ at sizes of
// 0.003–0.9 (very skewed, sd ~10⁸). It took 34–57 s when the cdf
// summed up to 2²¹ pmf terms a call; BenchmarkFlexibleHugeMuan: ~55 ms.
func hugeMuanCase() (Method, Series, map[string]string) {
	m, _ := LookupMethod("farringtonFlexible")
	s := fuzzSeries(212, 258, 0xf1, 1.76, 0x0f)
	return m, s, map[string]string{"pastWeeksNotIncluded": "1", "thresholdMethod": "muan"}
}

// TestFlexibleHugeMuan checks that the case completes with the fuzz
// invariants and bounds that are finite or NA (its time is measured by
// BenchmarkFlexibleHugeMuan).
func TestFlexibleHugeMuan(t *testing.T) {
	m, s, params := hugeMuanCase()
	res, err := m.Run(s, params)
	if err != nil {
		if !isKindError(err) {
			t.Fatalf("untyped error: %v", err)
		}
		t.Logf("error (typed): %v", err)
		return
	}
	checkInvariants(t, m.Name, s, res)
	finite := 0
	for _, p := range res.Points {
		if !IsNA(p.UpperBound) && (math.IsNaN(p.UpperBound) || math.IsInf(p.UpperBound, 0)) {
			t.Errorf("index %d: bound %v", p.Index, p.UpperBound)
		}
		if !IsNA(p.UpperBound) {
			finite++
		}
	}
	t.Logf("%d points, %d finite bounds", len(res.Points), finite)
}

func BenchmarkFlexibleHugeMuan(b *testing.B) {
	m, s, params := hugeMuanCase()
	for b.Loop() {
		if _, err := m.Run(s, params); err != nil && !isKindError(err) {
			b.Fatal(err)
		}
	}
}

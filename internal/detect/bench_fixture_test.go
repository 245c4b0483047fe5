package detect

import (
	"runtime"
	"strings"
	"testing"
)

// BenchmarkFixture times every non-error fixture on its own, as
// BenchmarkFixture/<algorithm>/<fixture>, for benchstat comparisons of one
// method before and after a change (BenchmarkVersusR gives ratios to R
// per method instead). The runner reads the control from the cache its
// first call fills.
//
// Run: go test ./internal/detect -run '^$' -bench 'Fixture/(bayes|glrnb)/' -count 6
func BenchmarkFixture(b *testing.B) {
	byAlg := benchFixtures(b)
	for _, alg := range sortedKeys(byAlg) {
		r, ok := runners[alg]
		if !ok {
			continue
		}
		b.Run(alg, func(b *testing.B) {
			for _, f := range byAlg[alg] {
				name := strings.TrimPrefix(strings.TrimSuffix(fx(f), ".json"), alg+"__")
				b.Run(name, func(b *testing.B) {
					s, rng, c := f.series(), f.range0(), newFixtureControl(b, "", f.Control)
					if _, err := r.run(s, rng, c); err != nil { // also fills the control cache
						b.Fatal(err)
					}
					// cpu-ns/op: this thread's CPU time, steadier than
					// ns/op when other processes share the cores.
					runtime.LockOSThread()
					defer runtime.UnlockOSThread()
					b.ResetTimer()
					c0 := threadCPU()
					for range b.N {
						_, _ = r.run(s, rng, c)
					}
					b.ReportMetric(float64(threadCPU()-c0)/float64(b.N), "cpu-ns/op")
				})
			}
		})
	}
}

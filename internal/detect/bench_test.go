package detect

import (
	"bufio"
	"cmp"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkVersusR times every non-error fixture of each algorithm against
// R's median time for the same call (TIMINGS.tsv beside the fixtures).
// Each iteration runs every fixture of the algorithm once; the metrics are
// per algorithm:
//
//	xR_median  median over fixtures of R's time / ours (the goal:
//	           ≥ 100 for the Farrington family, ≥ 10 for the rest)
//	xR_min     the worst fixture's ratio
//	xR_cpu_median  as xR_median with our thread's CPU time instead of wall
//	           time (stable on a shared machine; R's times are wall times)
//	us/fixture median wall time of one call, in µs
//	R_us/fixture median of R's times, in µs
//
// Each fixture's time is the median of 9 rounds through the fixtures (see
// benchRounds).
//
// Run: go test ./internal/detect -run '^$' -bench VersusR -benchtime 3s
func BenchmarkVersusR(b *testing.B) {
	rTimes := loadTimings(b)
	byAlg := benchFixtures(b)
	for _, alg := range sortedKeys(byAlg) {
		b.Run(alg, func(b *testing.B) {
			r, ok := runners[alg]
			if !ok {
				b.Skipf("no runner for %s", alg)
			}
			benchAlgorithm(b, r, byAlg[alg], rTimes)
		})
	}
}

// benchFixtures returns the fixtures without an error, by algorithm.
func benchFixtures(b *testing.B) map[string][]*fixture {
	byAlg := map[string][]*fixture{}
	for _, p := range fixturePaths(b) {
		fx, err := loadFixture(p)
		if err != nil {
			b.Fatal(err)
		}
		if fx.Error == "" {
			byAlg[fx.Algorithm] = append(byAlg[fx.Algorithm], fx)
		}
	}
	return byAlg
}

type benchCase struct {
	s     Series
	rng   []int
	c     *fixtureControl
	rTime float64 // seconds
}

func benchAlgorithm(b *testing.B, r runner, fxs []*fixture, rTimes map[string]float64) {
	cases := make([]benchCase, 0, len(fxs))
	for _, fx := range fxs {
		rt, ok := rTimes[filepath.Base(fx.path)]
		if !ok {
			b.Fatalf("%s: not in TIMINGS.tsv", fx.path)
		}
		bc := benchCase{s: fx.series(), rng: fx.range0(), c: newFixtureControl(b, "", fx.Control), rTime: rt}
		if _, err := r.run(bc.s, bc.rng, bc.c); err != nil { // also fills the control cache
			b.Fatalf("%s: %v", fx.path, err)
		}
		cases = append(cases, bc)
	}
	// Per fixture: wall time and the CPU time of this thread (robust when
	// other processes share the cores). The b.N calls of each fixture are
	// spread over benchRounds rounds through all fixtures and the median
	// round is kept, so that a burst of other work on a shared machine
	// inflates one round of a fixture, not the fixture's figure.
	wall := make([][]float64, len(cases))
	cpu := make([][]float64, len(cases))
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	rounds := min(benchRounds, b.N)
	b.ResetTimer()
	for k := range rounds {
		n := b.N/rounds + boolInt(k < b.N%rounds)
		for j, bc := range cases {
			t0, c0 := time.Now(), threadCPU()
			for range n {
				_, _ = r.run(bc.s, bc.rng, bc.c)
			}
			cpu[j] = append(cpu[j], (threadCPU()-c0).Seconds()/float64(n))
			wall[j] = append(wall[j], time.Since(t0).Seconds()/float64(n))
		}
	}
	b.StopTimer()
	perWall := make([]float64, len(cases))
	for j := range cases {
		perWall[j] = median(wall[j])
	}
	ratios := make([]float64, len(cases))
	cpuRatios := make([]float64, len(cases))
	rts := make([]float64, len(cases))
	for j, bc := range cases {
		ratios[j] = bc.rTime / perWall[j]
		cpuRatios[j] = bc.rTime / max(median(cpu[j]), 1e-9)
		rts[j] = bc.rTime
	}
	if testing.Verbose() {
		logWorst(b, fxs, ratios, perWall)
	}
	b.ReportMetric(median(ratios), "xR_median")
	b.ReportMetric(slices.Min(ratios), "xR_min")
	b.ReportMetric(median(cpuRatios), "xR_cpu_median")
	b.ReportMetric(median(perWall)*1e6, "us/fixture")
	b.ReportMetric(median(rts)*1e6, "R_us/fixture")
}

// benchRounds is how many rounds through the fixtures BenchmarkVersusR
// spreads each fixture's calls over.
const benchRounds = 9

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// logWorst logs the five fixtures with the lowest ratio.
func logWorst(b *testing.B, fxs []*fixture, ratios, per []float64) {
	idx := make([]int, len(ratios))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(i, j int) int { return cmp.Compare(ratios[i], ratios[j]) })
	for _, i := range idx[:min(5, len(idx))] {
		b.Logf("%-60s %10.1f us  x%.2f", fx(fxs[i]), per[i]*1e6, ratios[i])
	}
}

func fx(f *fixture) string { return filepath.Base(f.path) }

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// loadTimings reads TIMINGS.tsv: file, algorithm, median_seconds, n_evaluated.
func loadTimings(tb testing.TB) map[string]float64 {
	dir, err := fixtureDir()
	if err != nil {
		tb.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, "TIMINGS.tsv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(f)
	for line := 0; sc.Scan(); line++ {
		cols := strings.Split(sc.Text(), "\t")
		if line == 0 || len(cols) < 3 {
			continue
		}
		sec, err := strconv.ParseFloat(cols[2], 64)
		if err != nil {
			tb.Fatalf("TIMINGS.tsv line %d: %v", line+1, err)
		}
		out[cols[0]] = sec
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

package detect

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
)

// The fuzz targets run every method of Methods() — so also methods added
// later — on random series with zeros, NA gaps and huge counts, with
// random and out-of-range parameters. Each call must return a result or an
// error of one of the package's kinds, never panic, and a result must obey:
//   - one point per range index, in order;
//   - a missing count never raises an alarm;
//   - an NA upper bound never yields an alarm, except for methods whose
//     alarm does not compare the count with the bound (cusum, glrnb);
//   - every intermediate slice is nil or aligned with the points (cusum's
//     m may hold a single value).

// fuzzMaxN caps the series length so a GLR chart (cubic in the range) stays
// fast enough for the fuzzer.
const fuzzMaxN = 1500

// fuzzValues are the parameter values tried besides the defaults.
var fuzzValues = []string{"0", "1", "2", "3", "5", "0.5", "0.05", "0.999", "-1", "1e9", "NaN", "Inf", "x", "", "true", "false", "glm", "mean", "rossi", "anscombe2nd", "none", "cases", "C3", "5,4", "1/2", "muan", "delta", "nbPlugin"}

// fuzzSeries builds a series from the generator inputs: mix's bits pick the
// share of zeros, NA and huge counts.
func fuzzSeries(seed uint64, n uint16, mix uint8, level float64, freqSel uint8) Series {
	freqs := []int{52, 12, 365, 7}
	freq := freqs[int(freqSel)%len(freqs)]
	r := rand.New(rand.NewPCG(seed, uint64(mix)))
	size := int(n) % fuzzMaxN
	if math.IsNaN(level) || math.IsInf(level, 0) {
		level = 1
	}
	level = math.Min(math.Abs(level), 1e7)
	zeroShare := float64(mix&3) / 4
	naShare := float64(mix>>2&3) / 20
	hugeShare := float64(mix>>4&3) / 20
	y := make([]float64, size)
	for i := range y {
		switch u := r.Float64(); {
		case u < naShare:
			y[i] = NA
		case u < naShare+hugeShare:
			y[i] = math.Floor(r.Float64() * 1e9)
		case u < naShare+hugeShare+zeroShare:
			y[i] = 0
		default:
			y[i] = math.Floor(r.ExpFloat64() * level)
		}
	}
	return Series{Observed: y, Freq: freq, Start: [2]int{2020, 1 + int(seed%uint64(freq))}}
}

// fuzzParams picks parameters for m: each declared one is left at its
// default or set to a value from fuzzValues, and the range is perturbed.
func fuzzParams(m Method, sel uint64, n int) map[string]string {
	r := rand.New(rand.NewPCG(sel, 7))
	params := map[string]string{}
	for _, p := range m.Params {
		if r.IntN(3) == 0 {
			params[p.Name] = fuzzValues[r.IntN(len(fuzzValues))]
		}
	}
	switch r.IntN(4) {
	case 0:
		params["range"] = fmt.Sprintf("last:%d", 1+r.IntN(60))
	case 1:
		a := 1 + r.IntN(n+1)
		params["range"] = fmt.Sprintf("%d:%d", a, a+r.IntN(60))
	}
	return params
}

func checkRun(t *testing.T, m Method, s Series, params map[string]string) {
	res, err := m.Run(s, params)
	if err != nil {
		if !isKindError(err) {
			t.Fatalf("%s %v: untyped error: %v", m.Name, params, err)
		}
		return
	}
	if res == nil {
		t.Fatalf("%s %v: nil result and nil error", m.Name, params)
	}
	checkInvariants(t, m.Name, s, res)
}

func checkInvariants(t *testing.T, name string, s Series, res *Result) {
	n := len(res.Points)
	for i, p := range res.Points {
		if p.Index < 0 || p.Index >= len(s.Observed) || (i > 0 && p.Index <= res.Points[i-1].Index) {
			t.Fatalf("%s: point %d has index %d", name, i, p.Index)
		}
		if p.Alarm == Alarmed && IsNA(s.Observed[p.Index]) {
			t.Fatalf("%s: alarm at index %d whose count is NA", name, p.Index)
		}
		if p.Alarm == Alarmed && IsNA(p.UpperBound) && name != "cusum" && name != "glrnb" {
			t.Fatalf("%s: alarm at index %d with an NA bound", name, p.Index)
		}
		if p.Alarm < AlarmNA || p.Alarm > Alarmed {
			t.Fatalf("%s: alarm value %d", name, p.Alarm)
		}
	}
	for key, f := range resultFields {
		v := f(res)
		if v != nil && len(v) != n && !(key == "m" && len(v) == 1) {
			t.Fatalf("%s: %s has %d values for %d points", name, key, len(v), n)
		}
	}
	if res.BlockCount != nil && len(res.BlockCount) != n {
		t.Fatalf("%s: BlockCount has %d values for %d points", name, len(res.BlockCount), n)
	}
}

// fuzzMethods is Methods(), or the comma-separated subset named in
// $WEIJIAN_FUZZ_METHODS (to fuzz some methods for longer).
func fuzzMethods() []Method {
	env := os.Getenv("WEIJIAN_FUZZ_METHODS")
	if env == "" {
		return Methods()
	}
	var out []Method
	for _, m := range Methods() {
		if slices.Contains(strings.Split(env, ","), m.Name) {
			out = append(out, m)
		}
	}
	return out
}

func FuzzMethods(f *testing.F) {
	for i := range fuzzMethods() {
		f.Add(uint64(i), uint16(5*52), uint8(0), 10.0, uint8(0), uint8(i), uint64(0))     // clean weekly, defaults
		f.Add(uint64(i), uint16(5*52), uint8(0x3f), 3.0, uint8(0), uint8(i), uint64(i+1)) // zeros, NA, huge
		f.Add(uint64(i), uint16(4*365), uint8(0x05), 2.0, uint8(2), uint8(i), uint64(0))  // daily with gaps
		f.Add(uint64(i), uint16(8*12), uint8(0x03), 0.0, uint8(1), uint8(i), uint64(9))   // monthly, all zero
		f.Add(uint64(i), uint16(3), uint8(0), 1.0, uint8(0), uint8(i), uint64(3))         // too short
	}
	methods := fuzzMethods()
	if len(methods) == 0 {
		f.Fatalf("WEIJIAN_FUZZ_METHODS=%q names no method", os.Getenv("WEIJIAN_FUZZ_METHODS"))
	}
	f.Fuzz(func(t *testing.T, seed uint64, n uint16, mix uint8, level float64, freqSel, methodSel uint8, paramSel uint64) {
		s := fuzzSeries(seed, n, mix, level, freqSel)
		m := methods[int(methodSel)%len(methods)]
		params := map[string]string{}
		if paramSel != 0 {
			params = fuzzParams(m, paramSel, len(s.Observed))
		}
		checkRun(t, m, s, params)
	})
}

// FuzzCounts feeds raw bytes as a short weekly series (byte 255 = NA,
// 250..254 = huge) to every method with its defaults and an explicit range
// over the last points.
func FuzzCounts(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, uint8(0))
	f.Add([]byte{1, 2, 255, 3, 250, 0, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 254}, uint8(3))
	f.Add([]byte{}, uint8(1))
	methods := fuzzMethods()
	if len(methods) == 0 {
		f.Fatalf("WEIJIAN_FUZZ_METHODS=%q names no method", os.Getenv("WEIJIAN_FUZZ_METHODS"))
	}
	f.Fuzz(func(t *testing.T, data []byte, methodSel uint8) {
		y := make([]float64, len(data))
		for i, b := range data {
			switch {
			case b == 255:
				y[i] = NA
			case b >= 250:
				y[i] = float64(b-249) * 1e12
			default:
				y[i] = float64(b % 32)
			}
		}
		s := Series{Observed: y, Freq: 52, Start: [2]int{2020, 1}}
		m := methods[int(methodSel)%len(methods)]
		checkRun(t, m, s, nil)
		if len(y) > 10 {
			checkRun(t, m, s, map[string]string{"range": fmt.Sprintf("%d:%d", len(y)-4, len(y))})
		}
	})
}

// TestFuzzErrorsTyped makes sure the invariant check itself rejects an
// untyped error (a guard against a vacuous isKindError).
func TestFuzzErrorsTyped(t *testing.T) {
	if isKindError(errors.New("x")) || !isKindError(fmt.Errorf("a: %w", ErrTooShort)) {
		t.Fatal("isKindError is wrong")
	}
}

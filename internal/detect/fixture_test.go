package detect

// The shared fixture harness: every *.json under the surveillance fixture
// folder (SCHEMA.md in that folder is the spec) is run through the method
// registered for its "algorithm" and compared with R's output.
//
// How a method plugs in (in its own *_test.go file):
//
//	func init() {
//		runners["earsC"] = runner{
//			compare: []string{},             // keys compared besides upperbound and alarm
//			run: func(s Series, rng []int, c *fixtureControl) (*Result, error) {
//				ctl := DefaultEARSControl(EARSMethod(c.String("method")))
//				ctl.Range = rng                // 0-based
//				ctl.Baseline = c.Int("baseline")
//				...
//				return EARS(s, ctl)
//			},
//		}
//	}
//
// Every control key of the fixture must be read through c (or checked with
// c.Expect for a setting the Go code has no knob for); a key left unread
// fails the test, so a control setting the Go code silently drops cannot
// pass. An algorithm without a runner fails the test too. A fixture with an
// "error" must give an error wrapping one of the package's error kinds.
// Comparison follows SCHEMA.md §10. A key SCHEMA.md does not define for the
// algorithm fails, and so does a tolerance_note that notedExclusions does
// not list word for word; a listed note drops only the values it names. The fixture folder is
// ../../../shared/fixtures/surveillance from this package, or
// $WEIJIAN_FIXTURES; if it is missing the test fails.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
)

// runner runs one algorithm on a fixture.
type runner struct {
	// run evaluates s at rng (0-based, sorted) with the fixture's control.
	run func(s Series, rng []int, c *fixtureControl) (*Result, error)
	// compare lists the fixture keys compared besides "upperbound" and
	// "alarm"; each must be a key of resultFields.
	compare []string
}

// runners is filled by the init functions of the per-method test files.
var runners = map[string]runner{}

// resultFields maps a fixture key to the Result slice it is compared with.
var resultFields = map[string]func(*Result) []float64{
	"expected":    func(r *Result) []float64 { return r.Expected },
	"trend":       func(r *Result) []float64 { return r.Trend },
	"pvalue_q":    func(r *Result) []float64 { return r.PValue },
	"pvalue":      func(r *Result) []float64 { return r.PValue },
	"score":       func(r *Result) []float64 { return r.Score },
	"mu0Vector":   func(r *Result) []float64 { return r.Mu0Vector },
	"phiVector":   func(r *Result) []float64 { return r.PhiVector },
	"trendVector": func(r *Result) []float64 { return r.TrendVector },
	"cusum":       func(r *Result) []float64 { return r.CUSUM },
	"m":           func(r *Result) []float64 { return r.M },
	"mu0":         func(r *Result) []float64 { return r.Mu0 },
}

// exactKeys are compared for identity, not within the numeric tolerance.
var exactKeys = map[string]bool{"alarm": true, "trend": true}

// noted is what a fixture's tolerance_note allows: the note must read
// exactly Note (a changed note is a new claim, to be judged again), and
// each exclusion drops the values of one key, from one range position on,
// from the strict comparison (their null positions are still compared).
// Everything else in the fixture is compared as usual.
type noted struct {
	Note    string
	Exclude []exclusion
}

type exclusion struct {
	Key  string
	From int // 0-based position in range: values from here on are not compared
}

// notedExclusions lists, per fixture id, the tolerance_note it carries and
// what that note says cannot be reproduced. A fixture with a note not
// listed here (or a different note) fails: nothing is dropped on a note's
// say-so alone.
var notedExclusions = map[string]noted{
	// mu0 down to 1e-30 from a 4-point fit: "mu0 and alarm match;
	// upperbound values after the first few points are not reproducible
	// to 1e-6". The first four points (mu0 still above 1e-11) are compared
	// strictly. (On amd64 all 36 match today; FMA or another libm may not.)
	"glrnb__pois_value__edge_short_p": {
		Note: "mu0 comes from a Poisson GLM with 3 parameters fitted to only 4 training points and extrapolated, " +
			"giving mu0 between about 1e-2 and 1e-30; the GLR statistic depends on log(x/mu0), so differences in mu0 " +
			"far below the 1e-9 absolute tolerance (IRLS round-off) change upperbound by large relative amounts. " +
			"mu0 and alarm match; upperbound values after the first few points are not reproducible to 1e-6.",
		Exclude: []exclusion{{Key: "upperbound", From: 4}},
	},
}

// commonKeys are the top-level keys every fixture may have (SCHEMA.md §1).
var commonKeys = []string{"id", "algorithm", "r_call", "control", "series", "range", "upperbound", "alarm",
	"error", "warnings", "messages", "stdout", "tolerance_note", "r_version", "surveillance_version"}

// outputKeys are the algorithm-specific intermediates of SCHEMA.md §1; a
// fixture with any other key fails (a misspelt or misplaced output would
// otherwise go uncompared).
var outputKeys = map[string][]string{
	"earsC":              nil,
	"bayes":              nil,
	"cusum":              {"cusum", "m"},
	"glrnb":              {"mu0", "mu0_model"},
	"farrington":         {"trend", "expected", "pvalue_q"},
	"farringtonFlexible": {"expected", "score", "pvalue", "mu0Vector", "phiVector", "trendVector", "trend"},
}

// seriesKeys are the keys of a fixture's series object.
var seriesKeys = []string{"name", "origin", "frequency", "start", "observed", "outbreaks"}

// num is a fixture number: null is NA, "Inf"/"-Inf"/"NaN" are strings.
type num float64

func (n *num) UnmarshalJSON(b []byte) error {
	switch s := string(bytes.TrimSpace(b)); s {
	case "null", `"NaN"`, `"NA"`:
		*n = num(math.NaN())
	case `"Inf"`:
		*n = num(math.Inf(1))
	case `"-Inf"`:
		*n = num(math.Inf(-1))
	default:
		var f float64
		if err := json.Unmarshal(b, &f); err != nil {
			return fmt.Errorf("number %s: %w", s, err)
		}
		*n = num(f)
	}
	return nil
}

func floats(ns []num) []float64 {
	out := make([]float64, len(ns))
	for i, v := range ns {
		out[i] = float64(v)
	}
	return out
}

// fixture is one decoded fixture file (SCHEMA.md §1).
type fixture struct {
	ID        string                     `json:"id"`
	Algorithm string                     `json:"algorithm"`
	Control   map[string]json.RawMessage `json:"control"`
	Series    struct {
		Name      string `json:"name"`
		Frequency int    `json:"frequency"`
		Start     [2]int `json:"start"`
		Observed  []num  `json:"observed"`
	} `json:"series"`
	Range         []int  `json:"range"`
	Error         string `json:"error"`
	ToleranceNote string `json:"tolerance_note"`

	path       string
	arrays     map[string][]float64 // every output array, by key
	keys       []string             // every top-level key
	seriesKeys []string             // every key of series
}

func (fx *fixture) series() Series {
	return Series{Observed: floats(fx.Series.Observed), Freq: fx.Series.Frequency, Start: fx.Series.Start}
}

// range0 is the fixture's range as 0-based indices.
func (fx *fixture) range0() []int {
	r := make([]int, len(fx.Range))
	for i, v := range fx.Range {
		r[i] = v - 1
	}
	return r
}

func loadFixture(path string) (*fixture, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	fx := &fixture{path: path, arrays: map[string][]float64{}}
	if err := json.Unmarshal(b, fx); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	fx.keys = sortedKeys(raw)
	var series map[string]json.RawMessage
	if err := json.Unmarshal(raw["series"], &series); err == nil {
		fx.seriesKeys = sortedKeys(series)
	}
	for _, key := range append([]string{"upperbound", "alarm"}, sortedKeys(resultFields)...) {
		v, ok := raw[key]
		if !ok {
			continue
		}
		var ns []num
		if err := json.Unmarshal(v, &ns); err != nil {
			return nil, fmt.Errorf("%s: key %q: %w", path, key, err)
		}
		fx.arrays[key] = floats(ns)
	}
	return fx, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// fixtureDir finds the fixture folder: $WEIJIAN_FIXTURES, else
// <repo>/../shared/fixtures/surveillance located from this source file (so
// it works from any working directory), else the same path relative to the
// package directory.
func fixtureDir() (string, error) {
	if d := os.Getenv("WEIJIAN_FIXTURES"); d != "" {
		return checkDir(d)
	}
	rel := filepath.Join("..", "..", "..", "shared", "fixtures", "surveillance")
	if _, file, _, ok := runtime.Caller(0); ok {
		if d, err := checkDir(filepath.Join(filepath.Dir(file), rel)); err == nil {
			return d, nil
		}
	}
	return checkDir(rel)
}

func checkDir(d string) (string, error) {
	abs, err := filepath.Abs(d)
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return "", fmt.Errorf("fixture folder: %w (set WEIJIAN_FIXTURES)", err)
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("fixture folder %s is not a directory", abs)
	}
	return abs, nil
}

// fixturePaths lists every *.json under the fixture folder, sorted.
func fixturePaths(tb testing.TB) []string {
	tb.Helper()
	dir, err := fixtureDir()
	if err != nil {
		tb.Fatal(err)
	}
	var paths []string
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".json") {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if len(paths) == 0 {
		tb.Fatalf("no *.json fixtures in %s", dir)
	}
	sort.Strings(paths)
	return paths
}

func TestFixtures(t *testing.T) {
	for _, p := range fixturePaths(t) {
		name := strings.TrimSuffix(filepath.Base(p), ".json")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fx, err := loadFixture(p)
			if err != nil {
				t.Fatal(err)
			}
			checkFixture(t, fx)
		})
	}
}

func checkFixture(t testing.TB, fx *fixture) {
	r, ok := runners[fx.Algorithm]
	if !ok {
		t.Fatalf("%s: no runner registered for algorithm %q", fx.path, fx.Algorithm)
	}
	checkKeys(t, fx)
	c := newFixtureControl(t, "", fx.Control)
	res, err := r.run(fx.series(), fx.range0(), c)
	c.checkAllRead()
	if fx.Error != "" {
		if err == nil {
			t.Fatalf("R stopped with %q; got no error", fx.Error)
		}
		if !isKindError(err) {
			t.Fatalf("R stopped with %q; got an untyped error: %v", fx.Error, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	compareResult(t, fx, r, res)
}

func isKindError(err error) bool {
	return errors.Is(err, ErrInvalidSeries) || errors.Is(err, ErrInvalidControl) || errors.Is(err, ErrTooShort)
}

// checkKeys fails the test for a key SCHEMA.md does not define for the
// fixture's algorithm, and for a tolerance_note that notedExclusions does
// not list word for word.
func checkKeys(t testing.TB, fx *fixture) {
	t.Helper()
	known := map[string]bool{}
	for _, k := range append(append([]string{}, commonKeys...), outputKeys[fx.Algorithm]...) {
		known[k] = true
	}
	for _, k := range fx.keys {
		if !known[k] {
			t.Errorf("%s: key %q is not an output of %s (SCHEMA.md §1)", fx.path, k, fx.Algorithm)
		}
	}
	for _, k := range fx.seriesKeys {
		if !slices.Contains(seriesKeys, k) {
			t.Errorf("%s: series key %q is unknown (SCHEMA.md §1)", fx.path, k)
		}
	}
	if fx.ToleranceNote == "" {
		return
	}
	switch n, ok := notedExclusions[fx.ID]; {
	case !ok:
		t.Errorf("%s: tolerance_note not listed in notedExclusions (judge what it excludes and list it): %s", fx.path, fx.ToleranceNote)
	case n.Note != fx.ToleranceNote:
		t.Errorf("%s: tolerance_note differs from the one listed in notedExclusions:\n got  %s\n want %s", fx.path, fx.ToleranceNote, n.Note)
	}
}

// noteExclusions returns, per key, the range position from which the
// fixture's (listed, checked) tolerance_note drops values from the
// comparison.
func noteExclusions(fx *fixture) map[string]int {
	from := map[string]int{}
	if n, ok := notedExclusions[fx.ID]; ok && fx.ToleranceNote != "" && n.Note == fx.ToleranceNote {
		for _, e := range n.Exclude {
			from[e.Key] = e.From
		}
	}
	return from
}

func compareResult(t testing.TB, fx *fixture, r runner, res *Result) {
	if len(res.Points) != len(fx.Range) {
		t.Fatalf("got %d points, want %d", len(res.Points), len(fx.Range))
	}
	for i, p := range res.Points {
		if p.Index != fx.Range[i]-1 {
			t.Fatalf("point %d: index %d, want %d", i, p.Index, fx.Range[i]-1)
		}
	}
	excluded := noteExclusions(fx)
	got := map[string][]float64{"upperbound": make([]float64, len(res.Points)), "alarm": make([]float64, len(res.Points))}
	for i, p := range res.Points {
		got["upperbound"][i] = p.UpperBound
		got["alarm"][i] = alarmFloat(p.Alarm)
	}
	for _, k := range r.compare {
		f, ok := resultFields[k]
		if !ok {
			t.Fatalf("runner compares unknown key %q", k)
		}
		got[k] = f(res)
	}
	for _, k := range append([]string{"upperbound", "alarm"}, r.compare...) {
		want, ok := fx.arrays[k]
		if !ok {
			t.Errorf("fixture has no %q", k)
			continue
		}
		from, ok := excluded[k]
		if !ok {
			from = len(want)
		}
		compareArray(t, k, got[k], want, exactKeys[k], from, fx.Range)
	}
}

func alarmFloat(a Alarm) float64 {
	switch a {
	case Alarmed:
		return 1
	case NoAlarm:
		return 0
	}
	return math.NaN()
}

// maxReported caps the mismatches reported per array.
const maxReported = 5

// compareArray applies SCHEMA.md §10: null positions identical; values equal
// (exact) or within 1e-6 relative or 1e-9 absolute; from position
// nullsFrom on only the null positions are compared (a tolerance_note).
func compareArray(t testing.TB, key string, got, want []float64, exact bool, nullsFrom int, rng []int) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %d values, want %d", key, len(got), len(want))
		return
	}
	bad := 0
	for i := range want {
		if ok, why := sameValue(got[i], want[i], exact, i >= nullsFrom); !ok {
			if bad < maxReported {
				t.Errorf("%s at t=%d (range[%d]): got %v, want %v%s", key, rng[i], i, got[i], want[i], why)
			}
			bad++
		}
	}
	if bad > maxReported {
		t.Errorf("%s: %d mismatches in all", key, bad)
	}
}

func sameValue(got, want float64, exact, onlyNulls bool) (bool, string) {
	gn, wn := math.IsNaN(got), math.IsNaN(want)
	switch {
	case gn || wn:
		if gn != wn {
			return false, " (null positions differ)"
		}
		return true, ""
	case onlyNulls || got == want:
		return true, ""
	case exact:
		return false, ""
	}
	d := math.Abs(got - want)
	if d <= 1e-9 || d <= 1e-6*math.Abs(want) {
		return true, ""
	}
	return false, fmt.Sprintf(" (rel. error %.3g)", d/math.Abs(want))
}

// fixtureControl gives typed access to a fixture's control object and
// records which keys were read.
type fixtureControl struct {
	t      testing.TB
	prefix string
	raw    map[string]json.RawMessage
	read   map[string]bool
	subs   []*fixtureControl
	cache  map[string]any // decoded values, so a benchmark re-running a fixture does not time JSON decoding
}

func newFixtureControl(t testing.TB, prefix string, raw map[string]json.RawMessage) *fixtureControl {
	return &fixtureControl{t: t, prefix: prefix, raw: raw, read: map[string]bool{}, cache: map[string]any{}}
}

// get decodes the value of key into *v (v a non-nil pointer).
func (c *fixtureControl) get(key string, v any) {
	c.t.Helper()
	if hit, ok := c.cache[key]; ok {
		if reflect.TypeOf(hit) == reflect.TypeOf(v).Elem() {
			reflect.ValueOf(v).Elem().Set(reflect.ValueOf(hit))
			return
		}
	}
	b, ok := c.raw[key]
	if !ok {
		c.t.Fatalf("control %s%s: missing", c.prefix, key)
	}
	c.read[key] = true
	if err := json.Unmarshal(b, v); err != nil {
		c.t.Fatalf("control %s%s = %s: %v", c.prefix, key, b, err)
	}
	c.cache[key] = reflect.ValueOf(v).Elem().Interface()
}

// Has reports whether the key is present (does not mark it read).
func (c *fixtureControl) Has(key string) bool { _, ok := c.raw[key]; return ok }

// IsNull reports whether the key is present with value null (marks it read
// only when null, so a non-null value must still be read with its type).
func (c *fixtureControl) IsNull(key string) bool {
	b, ok := c.raw[key]
	if ok && string(bytes.TrimSpace(b)) == "null" {
		c.read[key] = true
		return true
	}
	return false
}

// IsString reports whether the key holds a JSON string (does not mark it read).
func (c *fixtureControl) IsString(key string) bool {
	b := bytes.TrimSpace(c.raw[key])
	return len(b) > 0 && b[0] == '"'
}

// cachedValue returns key's value if an earlier call decoded it. The
// benchmarks call a runner many times with one control, and this path
// skips t.Helper, whose runtime.Callers costs as much as a tenth of a small
// detector call.
func cachedValue[T any](c *fixtureControl, key string) (T, bool) {
	v, ok := c.cache[key].(T)
	return v, ok
}

func (c *fixtureControl) Float(key string) float64 {
	if n, ok := cachedValue[num](c, key); ok {
		return float64(n)
	}
	c.t.Helper()
	var n num
	c.get(key, &n)
	return float64(n)
}

func (c *fixtureControl) Floats(key string) []float64 {
	if ns, ok := cachedValue[[]num](c, key); ok {
		return floats(ns)
	}
	c.t.Helper()
	var ns []num
	c.get(key, &ns)
	return floats(ns)
}

func (c *fixtureControl) Int(key string) int {
	if n, ok := cachedValue[num](c, key); ok && float64(n) == math.Trunc(float64(n)) {
		return int(n)
	}
	c.t.Helper()
	f := c.Float(key)
	if f != math.Trunc(f) {
		c.t.Fatalf("control %s%s = %v: not an integer", c.prefix, key, f)
	}
	return int(f)
}

func (c *fixtureControl) Bool(key string) bool {
	if b, ok := cachedValue[bool](c, key); ok {
		return b
	}
	c.t.Helper()
	var b bool
	c.get(key, &b)
	return b
}

func (c *fixtureControl) String(key string) string {
	if v, ok := cachedValue[string](c, key); ok {
		return v
	}
	c.t.Helper()
	var s string
	c.get(key, &s)
	return s
}

// Sub returns the nested control object at key (e.g. glrnb's mu0); its keys
// are checked like the top level's.
func (c *fixtureControl) Sub(key string) *fixtureControl {
	for _, s := range c.subs {
		if s.prefix == c.prefix+key+"." {
			return s
		}
	}
	c.t.Helper()
	var m map[string]json.RawMessage
	c.get(key, &m)
	s := newFixtureControl(c.t, c.prefix+key+".", m)
	c.subs = append(c.subs, s)
	return s
}

// Expect marks key read after checking that its JSON value is want, for
// settings the Go code has no knob for (e.g. verbose = false, dir = "inc").
func (c *fixtureControl) Expect(key, want string) {
	b, ok := c.raw[key]
	if !ok {
		c.t.Helper() // here rather than at the top: Expect runs in the benchmarks' loops
		c.t.Fatalf("control %s%s: missing (want %s)", c.prefix, key, want)
	}
	c.read[key] = true
	if string(bytes.TrimSpace(b)) != want {
		c.t.Helper()
		c.t.Fatalf("control %s%s = %s: only %s is supported", c.prefix, key, b, want)
	}
}

// checkAllRead fails the test for every key that no runner read.
func (c *fixtureControl) checkAllRead() {
	c.t.Helper()
	for _, k := range sortedKeys(c.raw) {
		if !c.read[k] {
			c.t.Errorf("control %s%s = %s: unknown to the runner", c.prefix, k, c.raw[k])
		}
	}
	for _, s := range c.subs {
		s.checkAllRead()
	}
}

package detect

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testSeries is a weekly series of 5 years with a seasonal NB-like pattern.
func testSeries(n, freq int) Series {
	r := rand.New(rand.NewPCG(1, 2))
	y := make([]float64, n)
	for i := range y {
		y[i] = float64(r.IntN(10) + 5*(i%freq)/freq)
	}
	return Series{Observed: y, Freq: freq, Start: [2]int{2020, 1}}
}

// TestMethodDefaults checks that Run with no parameters is the method
// called with its Default…Control (so the table states R's defaults), and
// that every declared parameter is read.
func TestMethodDefaults(t *testing.T) {
	s := testSeries(5*52, 52)
	direct := map[string]func() (*Result, error){
		"earsC1":      func() (*Result, error) { return EARS(s, DefaultEARSControl(C1)) },
		"earsC2":      func() (*Result, error) { return EARS(s, DefaultEARSControl(C2)) },
		"earsC3":      func() (*Result, error) { return EARS(s, DefaultEARSControl(C3)) },
		"earsC":       func() (*Result, error) { return EARS(s, DefaultEARSControl(C1)) },
		"cusum":       func() (*Result, error) { return CUSUM(s, DefaultCUSUMControl()) },
		"glrnb":       func() (*Result, error) { return GLRNB(s, DefaultGLRNBControl()) },
		"bayes":       func() (*Result, error) { return Bayes(s, DefaultBayesControl()) },
		"cidarsFixed": func() (*Result, error) { return CIDARSFixed(s, DefaultFixedControl()) },
		"cidarsMPM":   func() (*Result, error) { return CIDARSMPM(s, DefaultMPMControl()) },
	}
	for name, f := range defaultRunsFarrington(s) {
		direct[name] = f
	}
	for _, m := range Methods() {
		t.Run(m.Name, func(t *testing.T) {
			f, ok := direct[m.Name]
			if !ok {
				t.Fatalf("no direct call for %s in this test", m.Name)
			}
			want, err := f()
			if err != nil {
				t.Fatal(err)
			}
			got, err := Run(m.Name, s, nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got, nanEqual); diff != "" {
				t.Errorf("Run with defaults differs (-direct +Run):\n%s", diff)
			}
			// Every declared parameter given its default explicitly.
			params := map[string]string{}
			for _, p := range m.Params {
				if p.Default != "" {
					params[p.Name] = p.Default
				}
			}
			if _, err := Run(m.Name, s, params); err != nil {
				t.Errorf("explicit defaults: %v", err)
			}
		})
	}
}

func TestRunErrors(t *testing.T) {
	s := testSeries(5*52, 52)
	tests := []struct {
		method string
		params map[string]string
		want   string // in the message
	}{
		{"nope", nil, `unknown method "nope"`},
		{"earsC1", map[string]string{"b": "3"}, `unknown parameter "b"`},
		{"earsC1", map[string]string{"alpha": "x"}, `alpha = "x"`},
		{"earsC1", map[string]string{"alpha": "1.5"}, "alpha = 1.5"},
		{"earsC1", map[string]string{"baseline": "2"}, "minimum baseline is 3"},
		{"bayes", map[string]string{"actY": "maybe"}, "actY"},
		{"bayes", map[string]string{"b": "9"}, "too short"},
		{"cusum", map[string]string{"trans": "log"}, `unknown transform "log"`},
		{"cusum", map[string]string{"h": "-1"}, "h = -1"},
		{"glrnb", map[string]string{"ret": "both"}, `ret = "both"`},
		{"cidarsMPM", map[string]string{"percentile": "100"}, "percentile = 100"},
		{"earsC1", map[string]string{"range": "last:0"}, "range"},
		{"earsC1", map[string]string{"range": "10:5"}, "range"},
		{"earsC1", map[string]string{"range": "1:10"}, "too short"},
	}
	for _, tt := range tests {
		_, err := Run(tt.method, s, tt.params)
		if err == nil {
			t.Errorf("%s %v: no error", tt.method, tt.params)
			continue
		}
		if !isKindError(err) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s %v: error %q, want a typed error containing %q", tt.method, tt.params, err, tt.want)
		}
	}
}

func TestRunRange(t *testing.T) {
	s := testSeries(3*52, 52)
	res, err := Run("earsC1", s, map[string]string{"range": "last:4"})
	if err != nil {
		t.Fatal(err)
	}
	var idx []int
	for _, p := range res.Points {
		idx = append(idx, p.Index)
	}
	if diff := cmp.Diff([]int{152, 153, 154, 155}, idx); diff != "" {
		t.Errorf("last:4 (-want +got):\n%s", diff)
	}
	res, err = Run("earsC1", s, map[string]string{"range": "101:102"})
	if err != nil || res.Points[0].Index != 100 || len(res.Points) != 2 {
		t.Errorf("101:102 gave %+v, %v; want indices 100, 101", res, err)
	}
}

func TestSeriesValidate(t *testing.T) {
	for _, s := range []Series{
		{Observed: []float64{1, -1}, Freq: 52},
		{Observed: []float64{1, 1.5}, Freq: 52},
		{Observed: []float64{1, 2}, Freq: 53},
		{Observed: nil, Freq: 52},
	} {
		if _, err := Run("cidarsFixed", s, nil); !errors.Is(err, ErrInvalidSeries) {
			t.Errorf("%+v: err = %v, want ErrInvalidSeries", s, err)
		}
	}
}

// defaultRunsFarrington gives the direct default calls of the Farrington
// family for TestMethodDefaults.
func defaultRunsFarrington(s Series) map[string]func() (*Result, error) {
	return map[string]func() (*Result, error){
		"farrington":         func() (*Result, error) { return Farrington(s, DefaultFarringtonControl()) },
		"farringtonFlexible": func() (*Result, error) { return FarringtonFlexible(s, DefaultFlexibleControl()) },
	}
}

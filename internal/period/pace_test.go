package period

import (
	"math"
	"testing"
)

func TestPaceHandChecked(t *testing.T) {
	var seasonal [12]float64 // a campaign planned for March–May only: 20%, 50%, 30%
	seasonal[2], seasonal[3], seasonal[4] = 2, 5, 3
	campaign, err := NewCurve(seasonal)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		pacer  Pacer
		period string
		asOf   Date
		want   float64
	}{
		{ByDays{}, "2024", Date{2024, 6, 30}, 182.0 / 366}, // leap year
		{ByDays{}, "2023", Date{2023, 6, 30}, 181.0 / 365},
		{ByDays{}, "2024", Date{2024, 1, 1}, 1.0 / 366},
		{ByDays{}, "2024", Date{2023, 12, 31}, 0},
		{ByDays{}, "2024", Date{2024, 12, 31}, 1},
		{ByDays{}, "2024", Date{2025, 3, 1}, 1},
		{ByDays{}, "2024Q2", Date{2024, 5, 15}, 45.0 / 91},
		{ByDays{}, "2024W23", Date{2024, 6, 5}, 3.0 / 7},
		{ByMonths{}, "2024", Date{2024, 6, 30}, 0.5},
		{ByMonths{}, "2024", Date{2024, 6, 29}, 5.0 / 12},
		{ByMonths{}, "2024", Date{2024, 9, 30}, 0.75},
		{ByMonths{}, "2024", Date{2024, 7, 15}, 0.5},
		{ByMonths{}, "2024H2", Date{2024, 8, 31}, 2.0 / 6},
		{ByMonths{}, "2024Q2", Date{2024, 3, 31}, 0},
		{ByMonths{}, "2024-06", Date{2024, 6, 29}, 0},
		{ByMonths{}, "2024-06", Date{2024, 6, 30}, 1},
		{ByMonths{}, "2024W23", Date{2024, 6, 5}, 3.0 / 7}, // falls back to days
		{campaign, "2024", Date{2024, 2, 29}, 0},
		{campaign, "2024", Date{2024, 3, 31}, 0.2},
		{campaign, "2024", Date{2024, 4, 30}, 0.7},
		{campaign, "2024", Date{2024, 6, 30}, 1},
		{campaign, "2024Q2", Date{2024, 4, 30}, 5.0 / 8},
		{campaign, "2024H2", Date{2024, 9, 30}, 0.5}, // no weight in H2: ByMonths
		{Curve{}, "2024", Date{2024, 6, 30}, 0.5},
	}
	for _, tt := range tests {
		got := tt.pacer.Pace(mustParse(t, tt.period), tt.asOf)
		if math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("%T.Pace(%s, %v) = %.6f, want %.6f", tt.pacer, tt.period, tt.asOf, got, tt.want)
		}
	}
	if got := Pace(mustParse(t, "2024"), Date{2024, 6, 30}); math.Abs(got-0.4973) > 5e-5 {
		t.Errorf("Pace(2024, 2024-06-30) = %.4f, want 0.4973", got)
	}
}

func TestEqualCurveIsByMonths(t *testing.T) {
	var w [12]float64
	for i := range w {
		w[i] = 1
	}
	c, _ := NewCurve(w)
	p := mustParse(t, "2024")
	for _, d := range (Span{Date{2023, 12, 1}, Date{2025, 1, 31}}).Days() {
		if a, b := c.Pace(p, d), (ByMonths{}).Pace(p, d); math.Abs(a-b) > 1e-12 {
			t.Fatalf("at %v: equal curve %v, ByMonths %v", d, a, b)
		}
	}
}

func TestNewCurveErrors(t *testing.T) {
	for _, bad := range []float64{-1, math.NaN(), math.Inf(1)} {
		var w [12]float64
		w[5] = bad
		if _, err := NewCurve(w); err == nil {
			t.Errorf("NewCurve with weight %v succeeded", bad)
		}
	}
	var huge [12]float64
	huge[0], huge[1] = math.MaxFloat64, math.MaxFloat64
	if _, err := NewCurve(huge); err == nil {
		t.Error("NewCurve with an infinite sum succeeded")
	}
	w := [12]float64{1, 2}
	if c, err := NewCurve(w); err != nil || c.Weights() != w {
		t.Errorf("NewCurve(%v) = %v, %v", w, c.Weights(), err)
	}
}

func TestPaceZeroPeriod(t *testing.T) {
	for _, pc := range []Pacer{ByDays{}, ByMonths{}, Curve{}} {
		if got := pc.Pace(Period{}, Date{2024, 1, 1}); got != 0 {
			t.Errorf("%T.Pace(zero) = %v", pc, got)
		}
	}
}

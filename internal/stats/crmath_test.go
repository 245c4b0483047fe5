package stats

import (
	"math"
	"testing"
)

// TestCorrectlyRounded checks exact mode's functions against mpmath at 300
// bits rounded to the nearest double (the values below), bit for bit.
func TestCorrectlyRounded(t *testing.T) {
	tests := []struct {
		fn         string
		x, y, want float64
	}{
		{"exp", 0.1, 0, 1.1051709180756477},
		{"exp", 1.3862943611198906, 0, 4.0},
		{"exp", -2.302585092994046, 0, 0.09999999999999998},
		{"exp", 4.100000000000001, 0, 60.34028759736206},
		{"exp", 37.5, 0, 1.9321599304402836e+16},
		{"exp", -20.25, 0, 1.6052280551856116e-09},
		{"exp", 705.1, 0, 1.6635627606233756e+306},
		{"exp", 1e-10, 0, 1.0000000001},
		{"log", 4.1, 0, 1.410986973710262},
		{"log", 0.1, 0, -2.3025850929940455},
		{"log", 1e-300, 0, -690.7755278982137},
		{"log", 12345.678, 0, 9.421061321291832},
		{"log", 5e-324, 0, -744.4400719213812},
		{"log", 0.999999999999, 0, -9.999778782803785e-13},
		{"log", 1, 0, 0},
		{"pow", 4.0, 2.0 / 3, 2.5198420997897464},
		{"pow", 3.9999999999999947, -1.0 / 6, 0.7937005259840999},
		{"pow", 3.9999999999999947, 0.5, 1.9999999999999987},
		{"pow", 17.0, 2.0 / 3, 6.611489018457944},
		{"pow", 0.001, -2.0, 1000000.0},
		{"pow", 123.456, 0.5, 11.111075555498667},
		{"pow", 3, 2, 9},
	}
	for _, tt := range tests {
		var got float64
		switch tt.fn {
		case "exp":
			got = crExp(tt.x)
		case "log":
			got = crLog(tt.x)
		default:
			got = crPow(tt.x, tt.y)
		}
		if got != tt.want {
			t.Errorf("%s(%v, %v) = %v, want %v", tt.fn, tt.x, tt.y, got, tt.want)
		}
	}
	if !math.IsNaN(crLog(-1)) || crExp(math.Inf(-1)) != 0 || !math.IsInf(crExp(800), 1) {
		t.Errorf("special values: log(-1) %v exp(-Inf) %v exp(800) %v", crLog(-1), crExp(math.Inf(-1)), crExp(800))
	}
}

// TestExactModeAgrees: on an ordinary fit exact mode and the fast path give
// the same model to rounding.
func TestExactModeAgrees(t *testing.T) {
	y := []float64{12, 15, 9, 20, 14, 11, 25, 17, 13, 22, 19, 16, 28, 21}
	x := make([]float64, 0, 3*len(y))
	for i := range y {
		x = append(x, 1, float64(300+i), float64(i%2))
	}
	fast, err := FitGLMRows(x, len(y), 3, y, GLMOptions{Family: QuasiPoisson})
	if err != nil {
		t.Fatal(err)
	}
	exact, err := FitGLMRows(x, len(y), 3, y, GLMOptions{Family: QuasiPoisson, Exact: true})
	if err != nil {
		t.Fatal(err)
	}
	if exact.gram != nil || exact.Iter != fast.Iter {
		t.Fatalf("exact mode: gram %v, iterations %d vs %d", exact.gram != nil, exact.Iter, fast.Iter)
	}
	for j := range fast.Coef {
		if !closeRel(exact.Coef[j], fast.Coef[j], 1e-10) {
			t.Errorf("β[%d]: exact %v, fast %v", j, exact.Coef[j], fast.Coef[j])
		}
	}
	se, sf := exact.AnscombeResiduals(1.3), fast.AnscombeResiduals(1.3)
	for i := range se {
		if !closeRel(se[i], sf[i], 1e-9) {
			t.Errorf("Anscombe residual %d: exact %v, fast %v", i, se[i], sf[i])
		}
	}
}

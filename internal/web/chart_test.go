package web

import "testing"

func TestNiceCeil(t *testing.T) {
	for n, want := range map[int64]int64{0: 1, 1: 1, 3: 5, 11: 20, 21: 25, 26: 50, 14999: 20000, 47402: 50000, 60001: 100000} {
		if got := niceCeil(n); got != want {
			t.Errorf("niceCeil(%d) = %d, want %d", n, got, want)
		}
	}
}

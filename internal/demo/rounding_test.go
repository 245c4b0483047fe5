package demo

import (
	"slices"
	"testing"
)

func TestApportion(t *testing.T) {
	tests := []struct {
		total   int64
		weights []float64
		want    []int64
	}{
		{10, []float64{1, 1, 1}, []int64{4, 3, 3}},        // ties go to the lower index
		{7, []float64{0.5, 0.25, 0.25}, []int64{3, 2, 2}}, // 3.5, 1.75, 1.75: the .75s win
		{5, []float64{0, 0, 0, 0}, []int64{2, 1, 1, 1}},   // no weights: even spread
		{0, []float64{3, 4}, []int64{0, 0}},
		{3, []float64{-1, 2, 1}, []int64{0, 2, 1}}, // negative weights count as zero
		{100, []float64{1e-9, 1, 1e-9}, []int64{0, 100, 0}},
	}
	for _, tt := range tests {
		got := apportion(tt.total, tt.weights)
		if !slices.Equal(got, tt.want) {
			t.Errorf("apportion(%d, %v) = %v, want %v", tt.total, tt.weights, got, tt.want)
		}
	}
}

func TestApportionKeepsTotal(t *testing.T) {
	weights := make([]float64, 239)
	for i := range weights {
		weights[i] = float64((i*7919)%113) / 7
	}
	for _, total := range []int64{1, 17, 238, 239, 240, 874334} {
		var sum int64
		for _, n := range apportion(total, weights) {
			if n < 0 {
				t.Fatalf("negative share")
			}
			sum += n
		}
		if sum != total {
			t.Errorf("total %d: shares add up to %d", total, sum)
		}
	}
}

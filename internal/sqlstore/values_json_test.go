package sqlstore

import (
	"encoding/json"
	"math"
	"testing"
)

// encodeValues writes exactly what json.Marshal writes, on the plain
// values it handles itself and on those it hands over.
func TestEncodeValuesMatchesMarshal(t *testing.T) {
	cases := []map[string]any{
		{"sbp": 135, "dbp": 85, "method": "1", "note": "头晕，已转诊"},
		{"bmi": 23.456, "big": 1e21, "small": 1e-7, "zero": 0.0, "neg": -0.5, "nan": math.MaxFloat64},
		{"html": "<b>&</b>", "quote": `say "hi"`, "ctl": "a\tb", "sep": "x\u2028y", "bad": "\xff"},
		{"list": []any{"a", 1.0}, "obj": map[string]any{"x": true}, "nil": nil, "ok": false, "i64": int64(-7)},
		{"键": "值", "b": true},
	}
	for _, c := range cases {
		want, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		if got := encodeValues(c); got != string(want) {
			t.Errorf("encodeValues(%v)\n got %s\nwant %s", c, got, want)
		}
	}
}

func BenchmarkEncodeValues(b *testing.B) {
	v := map[string]any{"method": "1", "sbp": 135, "dbp": 85, "drug_compliance": "1", "followup_class": "1", "weight": 63.5}
	for b.Loop() {
		encodeValues(v)
	}
}

package indicator_test

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/weijian-health/weijian/internal/indicator"
)

// Every built-in indicator is computed by one of the hand-built tests
// above (this file sorts last, so it runs after them; it says nothing
// when a -run filter left them out).
func TestEveryIndicatorTested(t *testing.T) {
	n := 0
	evaluated.Range(func(any, any) bool { n++; return true })
	if n == 0 {
		t.Skip("no indicator test ran (filtered)")
	}
	lib, err := indicator.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range lib.All() {
		if _, ok := evaluated.Load(d.Code); !ok {
			t.Errorf("%s (%s) has no hand-computed test", d.Code, d.Name.ZH)
		}
	}
}

// Every rate of FIGURES.csv with a numerator and a denominator (or a
// target) is reproduced by the library's rounding (half up, exact):
// 1401/1462 → 95.83, 4497/4380 → 102.67, 483201/874334 → 55.27.
func TestFiguresRates(t *testing.T) {
	dir := os.Getenv("WEIJIAN_REPORTS")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "data", "reports")
	}
	f, err := os.Open(filepath.Join(dir, "FIGURES.csv"))
	if err != nil {
		t.Fatalf("the real reports are missing (%v): put the shared folder beside the clone or set WEIJIAN_REPORTS", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	checked := 0
	for _, r := range rows[1:] {
		num, den := r[col["numerator"]], r[col["denominator"]]
		if den == "" {
			den = r[col["target"]]
		}
		computed := r[col["computed_rate"]]
		if num == "" || den == "" || computed == "" {
			continue
		}
		unit := indicator.Percent
		if r[col["unit"]] == "‰" {
			unit = indicator.PerMille
		}
		n, _ := strconv.ParseFloat(num, 64)
		d, _ := strconv.ParseFloat(den, 64)
		want, _ := strconv.ParseFloat(computed, 64)
		res := indicator.Result{Numerator: n, Denominator: d, HasDen: true, Value: n / d * unit.Factor()}
		if got := res.Rounded(unit, 2); got != want {
			t.Errorf("%s:%s %s: %s/%s = %v, want %v", r[col["source"]][:3], r[col["line"]], r[col["quote"]], num, den, got, want)
		}
		checked++
	}
	if checked < 20 {
		t.Errorf("checked %d rates of FIGURES.csv, want the 20 with counts", checked)
	}
}

package programme

import (
	"math"
	"strings"
	"testing"

	"github.com/weijian-health/weijian/internal/period"
)

var testEnv = map[string]any{
	"sbp": int64(150), "dbp": int64(95), "weight": 70.2, "height": 170.0, "code": "2",
	"list": []string{"1", "3"}, "yes": true, "blank": nil, "d1": date("2024-01-31"), "d2": date("2024-03-01"),
}

func envOf(m map[string]any) Env {
	return func(name string) (any, bool) {
		v, ok := m[name]
		return v, ok
	}
}

func TestExprEval(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want any
	}{
		{"sbp > dbp", true},
		{"sbp >= 140 || dbp >= 90", true},
		{"1 + 2 * 3", 7.0},
		{"(1 + 2) * 3", 9.0},
		{"-sbp + 10", -140.0},
		{"10 / 4", 2.5},
		{"10 / 0", nil},
		{"round(weight / ((height / 100) * (height / 100)), 1)", 24.3},
		{"code == '2'", true},
		{`code != "2"`, false},
		{"code in ['1', '2']", true},
		{"'3' in list", true},
		{"'2' in list", false},
		{"count(list)", 2.0},
		{"blank == null", true},
		{"blank != '1'", true},
		{"blank in ['1']", false},
		{"blank > 3", nil},
		{"blank + 1", nil},
		{"blank > 3 && false", false},
		{"blank > 3 || true", true},
		{"blank > 3 && true", nil},
		{"!(blank > 3)", nil},
		{"present(blank)", false},
		{"present(code)", true},
		{"yes ? 'a' : 'b'", "a"},
		{"blank > 1 ? 'a' : 'b'", nil},
		{"days(d1, d2)", 30.0},
		{"months(d1, d2)", 1.0},
		{"years(date('2000-02-29'), date('2001-02-28'))", 1.0},
		{"d1 < d2", true},
		{"min(3, 1, 2) + max(3, 1, 2)", 4.0},
		{"abs(-2.5)", 2.5},
		{"floor(days(d1, d2) / 7)", 4.0},
		{"round(1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000, 6) == 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000 * 1000000", true}, // too large to round: unchanged, not +Inf
		{"1 < 2 == true", nil}, // comparisons do not chain: parsed as 1 < 2, then "==" is an error (see below)
	} {
		e, err := ParseExpr(tc.src)
		if tc.src == "1 < 2 == true" {
			if err == nil {
				t.Errorf("%q parsed; comparisons must not chain", tc.src)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseExpr(%q): %v", tc.src, err)
			continue
		}
		got, err := e.Eval(envOf(testEnv))
		if err != nil {
			t.Errorf("%q: %v", tc.src, err)
			continue
		}
		if got != tc.want {
			t.Errorf("%q = %#v, want %#v", tc.src, got, tc.want)
		}
	}
}

func TestExprErrors(t *testing.T) {
	for _, src := range []string{"", "sbp >", "(sbp", "sbp > > dbp", "'open", "foo(1)", "round(1)", "sbp # 2", "[1, 2", "in", "a ? b"} {
		if _, err := ParseExpr(src); err == nil {
			t.Errorf("ParseExpr(%q) gave no error", src)
		}
	}
	for _, src := range []string{"code + 1", "sbp && yes", "unknown > 1", "code < 3", "date('2024-13-01')", "!code"} {
		e, err := ParseExpr(src)
		if err != nil {
			t.Fatalf("ParseExpr(%q): %v", src, err)
		}
		if v, err := e.Eval(envOf(testEnv)); err == nil {
			t.Errorf("%q = %v, want a type error", src, v)
		}
	}
}

func TestAgeYears(t *testing.T) {
	for _, tc := range []struct {
		birth, on string
		years     int
	}{
		{"1950-03-10", "2024-03-09", 73}, {"1950-03-10", "2024-03-10", 74},
		{"2000-02-29", "2024-02-28", 23}, {"2000-02-29", "2024-02-29", 24}, {"2000-02-29", "2023-02-28", 23},
		{"2024-01-31", "2024-02-29", 0},
	} {
		if got := AgeYears(date(tc.birth), date(tc.on)); got != tc.years {
			t.Errorf("AgeYears(%s, %s) = %d, want %d", tc.birth, tc.on, got, tc.years)
		}
	}
	if got := AgeMonths(date("2024-01-31"), date("2024-02-29")); got != 1 {
		t.Errorf("AgeMonths(01-31, 02-29) = %d, want 1 (end of a shorter month)", got)
	}
}

// FuzzExpr checks that no input makes the parser or the evaluator panic or
// return a value outside the evaluator's types, and that evaluation is
// deterministic.
func FuzzExpr(f *testing.F) {
	for _, s := range []string{
		"sbp > dbp", "person.age >= 65 ? (sbp < 150 && dbp < 90) : (sbp < 140 && dbp < 90)",
		"round(weight / ((height / 100) * (height / 100)), 1)", "code in ['1', '2'] || !yes",
		"days(d1, d2) / 7", "min(1, max(2, 3)) - abs(-1)", "present(blank) ? blank : 0", "((((", "'x' == \"x\"",
		"count(list) > 1 && '3' in list", "floor(1e300 * 1e300)", "date('2024-02-29') < d1",
	} {
		f.Add(s)
	}
	env := envOf(testEnv)
	f.Fuzz(func(t *testing.T, src string) {
		e, err := ParseExpr(src)
		if err != nil {
			return
		}
		v1, err1 := e.Eval(env)
		v2, err2 := e.Eval(env)
		if (err1 == nil) != (err2 == nil) || !sameValue(v1, v2) {
			t.Fatalf("%q: not deterministic: %v/%v, %v/%v", src, v1, err1, v2, err2)
		}
		if err1 != nil {
			return
		}
		if f, ok := v1.(float64); ok && (math.IsInf(f, 0) || math.IsNaN(f)) {
			t.Fatalf("%q = %v, not a finite number", src, f)
		}
		switch v1.(type) {
		case nil, bool, float64, string, period.Date, []any:
		default:
			t.Fatalf("%q gave %T", src, v1)
		}
		_ = e.Idents()
	})
}

func sameValue(a, b any) bool {
	la, ok1 := a.([]any)
	lb, ok2 := b.([]any)
	if ok1 || ok2 {
		if !ok1 || !ok2 || len(la) != len(lb) {
			return false
		}
		for i := range la {
			if !sameValue(la[i], lb[i]) {
				return false
			}
		}
		return true
	}
	if fa, ok := a.(float64); ok && fa != fa { // NaN cannot come out, but be precise
		fb, ok := b.(float64)
		return ok && fb != fb
	}
	return a == b
}

func TestTypeCheck(t *testing.T) {
	kinds := map[string]kind{"sbp": kNumber, "code": kText, "yes": kBool, "d1": kDate, "list": kList}
	names := func(n string) (kind, bool) { k, ok := kinds[n]; return k, ok }
	for src, want := range map[string]string{
		"sbp > 140 && code == '1'":          "",
		"code in ['1', '2'] || '3' in list": "",
		"yes ? sbp : 0":                     "",
		"days(d1, d1) > 7":                  "",
		"present(code) && count(list) > 1":  "",
		"code == 1":                         "== compares text with number",
		"code in [1, 2]":                    "in looks for text among number items",
		"sbp + code":                        "+ needs numbers, not number and text",
		"d1 > 3":                            "> cannot order date and number",
		"sbp && yes":                        "&& needs true/false on both sides",
		"!sbp":                              "! needs true/false, not number",
		"round(code, 1)":                    "round() needs number, not text",
		"days(sbp, d1)":                     "days() needs date, not number",
		"yes ? 'a' : 1":                     "the two branches of ?: give text and number",
		"sbp in code":                       "the right side of in is text, not a list",
		"blank == 1 || null == code":        "",
	} {
		e, err := ParseExpr(src)
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		_, err = typeCheck(e.root, names)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if want == "" && got != "" || want != "" && !strings.Contains(got, want) {
			t.Errorf("%q: error %q, want %q", src, got, want)
		}
	}
}

package expr

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/weijian-health/weijian/internal/period"
)

// testEnv knows a few data elements, indicators and constants, and the
// fields of the hypertension year status and follow-up stage.
type testEnv struct{}

func (testEnv) CheckRef(r *Ref) error {
	known := map[RefKind][]string{
		RefData:       {"tuoyu.places", "tuoyu.places_target", "peixun.renci", "births"},
		RefIndicator:  {"htn_regular"},
		RefConstant:   {"htn_prevalence"},
		RefPopulation: {""},
	}
	for _, n := range known[r.Kind] {
		if n == r.Name {
			for _, f := range r.Filters {
				if f.Dim != "sex" && f.Dim != "age" && f.Dim != "类型" {
					return fmt.Errorf("no disaggregation %q", f.Dim)
				}
			}
			return nil
		}
	}
	return errors.New("unknown")
}

func (testEnv) RowFields(fn, source string) (map[string]Type, error) {
	if fn == "persons" && source == "hypertension" {
		return map[string]Type{"followups": TNumber, "max_gap_days": TNumber, "annual_check": TBool,
			"age": TNumber, "sbp": TNumber, "dbp": TNumber}, nil
	}
	return nil, fmt.Errorf("no programme %q", source)
}

func mustParse(t *testing.T, src string) Node {
	t.Helper()
	n, err := Parse(src)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	return n
}

// Precedence and the printed form: every tree prints fully parenthesised.
func TestParsePrecedence(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"1 + 2 * 3", "(1 + (2 * 3))"},
		{"(1 + 2) * 3", "((1 + 2) * 3)"},
		{"-2 * 3 - -1", "(((-2) * 3) - (-1))"},
		{"10 / 4 / 2", "((10 / 4) / 2)"},
		{"not a = b and c or d", "(((not (a = b)) and c) or d)"},
		{"a >= 4 and b <= 92", "((a >= 4) and (b <= 92))"},
		{"#{tuoyu.places} / #{tuoyu.places_target} * 100", "((#{tuoyu.places} / #{tuoyu.places_target}) * 100)"},
		{"#{peixun.renci ; 类型 = 线上 , 线下}", "#{peixun.renci; 类型=线上,线下}"},
		{"pop{sex=F;age=35-64}", "pop{sex=F; age=35-64}"},
		{"pop{}", "pop{}"},
		{"pop{ age=65+ }", "pop{age=65+}"},
		{"I{htn_regular} // a comment\n + C{htn_prevalence}", "(I{htn_regular} + C{htn_prevalence})"},
		{`persons("hypertension", followups >= 4)`, `persons("hypertension", (followups >= 4))`},
		{"if(true, 1, 2.5e3)", "if(true, 1, 2500)"},
		{`max()`, `max()`},
	} {
		if got := mustParse(t, c.src).String(); got != c.want {
			t.Errorf("Parse(%q) = %s, want %s", c.src, got, c.want)
		}
	}
}

// Syntax errors name the line and column of the problem.
func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ src, pos, msg string }{
		{"1 +", "1:4", "expected a value"},
		{"#{tuoyu.places", "1:3", `not closed with "}"`},
		{"#{tuoyu.places; sex}", "1:20", `expected "="`},
		{"a < b < c", "1:7", "do not chain"},
		{"(1 + 2", "1:7", `expected ")"`},
		{"1 ! 2", "1:3", `"!" must be followed by "="`},
		{"1 +\n  # 2", "2:3", "unexpected character"},
		{`"open`, "1:1", "string not closed"},
		{"12abc", "1:1", "malformed number"},
		{"f(1 2)", "1:5", `expected "," or ")"`},
		{"1 2", "1:3", "after the end"},
		{"I{x; a=b}", "1:6", "take no filters"},
		{"#{a=b}", "1:3", "starts with a name"},
		{"and", "1:1", "expected a value"},
		{strings.Repeat("(", 300) + "1" + strings.Repeat(")", 300), "", "nested more than"},
	} {
		_, err := Parse(c.src)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Parse(%q): error %v, want an *Error", c.src, err)
			continue
		}
		if (c.pos != "" && e.Pos.String() != c.pos) || !strings.Contains(e.Msg, c.msg) {
			t.Errorf("Parse(%q) = %s: %s, want %s: …%s…", c.src, e.Pos, e.Msg, c.pos, c.msg)
		}
	}
}

// Type and reference errors are found by Check, at the right place.
func TestCheck(t *testing.T) {
	for _, c := range []struct {
		src  string
		want Type
		pos  string
		msg  string
	}{
		{"#{tuoyu.places} / #{tuoyu.places_target}", TNumber, "", ""},
		{`persons("hypertension", followups >= 4 and max_gap_days <= 92 and annual_check)`, TNumber, "", ""},
		{`persons("hypertension", if(age >= 65, sbp < 150, sbp < 140) and dbp < 90)`, TNumber, "", ""},
		{"ytd(#{births}) - last_year(#{births})", TNumber, "", ""},
		{"#{nosuch}", TNumber, "1:1", "#{nosuch}: unknown"},
		{"#{births; 年龄=0}", TNumber, "1:1", `no disaggregation "年龄"`},
		{"1 + true", TNumber, "1:3", `"+" needs numbers`},
		{"#{births} > 1", TNumber, "1:11", "a number is needed"},
		{"if(1, 2, 3)", TNumber, "1:1", "must be a condition"},
		{"foo(1)", TNumber, "1:1", `unknown function "foo"`},
		{"round(1)", TNumber, "1:1", "takes 2 arguments, not 1"},
		{"followups + 1", TNumber, "1:1", `unknown name "followups"`},
		{"ytd", TNumber, "1:1", "is a function"},
		{`persons("hypertension", weight > 3)`, TNumber, "1:25", `has no field "weight"`},
		{`persons("hypertension", followups)`, TNumber, "1:25", "must be a condition"},
		{`persons("diabetes", true)`, TNumber, "1:9", `no programme "diabetes"`},
		{`persons(hypertension, true)`, TNumber, "1:9", "names a programme or stage in quotes"},
		{`persons("hypertension", #{births} > 1)`, TNumber, "1:25", "cannot be used inside the rule"},
		{`persons("hypertension", ytd(sbp) > 1)`, TNumber, "1:25", "cannot be used inside the rule"},
		{`"text"`, TNumber, "1:1", "a number is needed"},
		{"true = 1", TAny, "1:6", "cannot compare"},
	} {
		n := mustParse(t, c.src)
		_, err := Check(n, testEnv{}, c.want)
		if c.msg == "" {
			if err != nil {
				t.Errorf("Check(%q): %v", c.src, err)
			}
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Pos.String() != c.pos || !strings.Contains(e.Msg, c.msg) {
			t.Errorf("Check(%q) = %v, want %s: …%s…", c.src, err, c.pos, c.msg)
		}
	}
}

// mapResolver answers references from a table keyed by the reference's
// text and the span; it records what it was asked.
type mapResolver struct {
	data  map[string]Value
	asked []string
}

func (m *mapResolver) Data(_ context.Context, r *Ref, q Query) (Value, error) {
	key := r.String() + "@" + q.Span.Start.String() + "/" + q.Span.End.String()
	m.asked = append(m.asked, key)
	if v, ok := m.data[key]; ok {
		return v, nil
	}
	return NoData("nothing reported"), nil
}

func (m *mapResolver) Rows(_ context.Context, fn, src string, rule Node, q Query) (Value, error) {
	key := fn + "(" + src + ", " + rule.String() + ")@" + q.Span.Start.String() + "/" + q.Span.End.String()
	m.asked = append(m.asked, key)
	if v, ok := m.data[key]; ok {
		return v, nil
	}
	return NoData("nothing recorded"), nil
}

func span(a, b string) period.Span {
	s, _ := period.ParseDate(a)
	e, _ := period.ParseDate(b)
	return period.Span{Start: s, End: e}
}

func TestEval(t *testing.T) {
	h1 := "@2024-01-01/2024-06-30"
	r := &mapResolver{data: map[string]Value{
		"#{tuoyu.places}" + h1:                         Num(1401),
		"#{tuoyu.places_target}" + h1:                  Num(1462),
		"#{births}" + h1:                               Num(0),
		"#{births}@2024-01-01/2024-12-31":              Num(3100),
		"#{births}@2023-01-01/2023-06-30":              Num(1483),
		"#{peixun.renci}@2024-01-01/2024-03-31":        Num(120),
		`persons(hypertension, (followups >= 4))` + h1: Num(4497),
	}}
	q := Query{Unit: "320685", Span: span("2024-01-01", "2024-06-30")}
	for _, c := range []struct {
		src  string
		want string
	}{
		{"#{tuoyu.places} / #{tuoyu.places_target} * 100", "95.82763337893296"},
		{"round(#{tuoyu.places} / #{tuoyu.places_target} * 100, 2)", "95.83"},
		{"#{tuoyu.places} / #{births}", "no data"},          // division by zero
		{"#{peixun.renci} + 1", "no data"},                  // nothing reported in H1
		{"coalesce(#{peixun.renci}, 0) + 1", "1"},           // explicit zero
		{"max(#{peixun.renci}, #{births}, 7)", "7"},         // max skips no data
		{"min(#{peixun.renci})", "no data"},                 // nothing to take
		{"if(#{births} > 0, 1, 2)", "2"},                    // 0 > 0 is false
		{"if(#{peixun.renci} > 0, 1, 2)", "no data"},        // unknown condition
		{"last_year(#{births})", "1483"},                    // 2023H1
		{"ytd(#{births})", "0"},                             // as of 2024-06-30: the same span
		{`persons("hypertension", followups >= 4)`, "4497"}, // passed to the resolver
		{"abs(-3) * -1", "-3"},
		{"#{births} = 1 and #{peixun.renci} > 1", "false"}, // false and unknown
		{"#{births} = 1 or #{peixun.renci} > 1", "no data"},
		{"#{births} = 0 or #{peixun.renci} > 1", "true"},     // true or unknown
		{"#{births} = 0 and #{peixun.renci} > 1", "no data"}, // true and unknown // false or unknown
		{"not (#{births} = 0)", "false"},
	} {
		n := mustParse(t, c.src)
		if _, err := Check(n, testEnv{}, TAny); err != nil {
			t.Fatalf("Check(%q): %v", c.src, err)
		}
		v, err := Eval(context.Background(), n, r, q)
		if err != nil {
			t.Fatalf("Eval(%q): %v", c.src, err)
		}
		if v.String() != c.want {
			t.Errorf("Eval(%q) = %s, want %s", c.src, v, c.want)
		}
	}
	v, _ := Eval(context.Background(), mustParse(t, "#{tuoyu.places} / #{births}"), r, q)
	if v.Why != "division by zero" {
		t.Errorf("division by zero: Why = %q", v.Why)
	}
	// ytd as of 2024-12-31 spans the whole year.
	v, _ = Eval(context.Background(), mustParse(t, "ytd(#{births})"), r, Query{Span: span("2024-12-01", "2024-12-31")})
	if v.String() != "3100" {
		t.Errorf("ytd(#{births}) as of 2024-12-31 = %s, want 3100", v)
	}
}

// Year before: 29 February falls back to the 28th.
func TestLastYearLeapDay(t *testing.T) {
	d := yearBefore(period.NewDate(2024, time.February, 29))
	if d != period.NewDate(2023, time.February, 28) {
		t.Errorf("yearBefore(2024-02-29) = %s", d)
	}
}

// Half-up rounding as Chinese reports round, checked on the seed figures
// (FIGURES.csv): 1401/1462 → 95.83%, 4497/4380 → 102.67%, 10082/10000 →
// 100.82%.
func TestRounding(t *testing.T) {
	for _, c := range []struct {
		num, den int64
		want     string
	}{
		{1401, 1462, "95.83"},  // 95.8276…
		{4497, 4380, "102.67"}, // 102.6712…
		{10082, 10000, "100.82"},
		{1, 8, "12.50"},    // 12.5 exactly
		{1, 800, "0.13"},   // 0.125: the half goes up
		{-1, 800, "-0.13"}, // and away from zero when negative
		{2, 3, "66.67"},
	} {
		r := new(big.Rat).SetFrac64(c.num*100, c.den)
		if got := RoundRat(r, 2).FloatString(2); got != c.want {
			t.Errorf("RoundRat(%d/%d×100) = %s, want %s", c.num, c.den, got, c.want)
		}
	}
	for _, c := range []struct{ x, want float64 }{{100.825, 100.83}, {0.125, 0.13}, {2.675, 2.68}, {-2.675, -2.68}, {1.005, 1.01}, {88.505, 88.51}} {
		if got := RoundHalfUp(c.x, 2); got != c.want {
			t.Errorf("RoundHalfUp(%v, 2) = %v, want %v", c.x, got, c.want)
		}
	}
}

// dataSetEnv is testEnv that knows the data set tuoyu.
type dataSetEnv struct{ testEnv }

func (dataSetEnv) CheckDataSet(code string) error {
	if code != "tuoyu" {
		return fmt.Errorf("no data set %q", code)
	}
	return nil
}

// The report functions: a data set in quotes that the Env knows; an Env
// without data sets rejects them; they are evaluated by a ReportResolver.
func TestReportFunctions(t *testing.T) {
	for _, c := range []struct {
		src string
		env Env
		msg string
	}{
		{`reports("tuoyu") / reports_expected("tuoyu")`, dataSetEnv{}, ""},
		{`reports_on_time("tuoyu")`, dataSetEnv{}, ""},
		{`reports("aiguo")`, dataSetEnv{}, `1:9: no data set "aiguo"`},
		{`reports(tuoyu)`, dataSetEnv{}, "1:9: the argument of reports names a data set in quotes"},
		{`reports("tuoyu")`, testEnv{}, "1:1: reports needs the data sets"},
		{`persons("hypertension", reports("tuoyu") > 1)`, dataSetEnv{}, "cannot be used inside the rule"},
	} {
		_, err := Check(mustParse(t, c.src), c.env, TNumber)
		if c.msg == "" && err != nil || c.msg != "" && (err == nil || !strings.Contains(err.Error(), c.msg)) {
			t.Errorf("Check(%s) = %v, want %q", c.src, err, c.msg)
		}
	}
	v, err := Eval(context.Background(), mustParse(t, `reports("tuoyu") * 2`), reportsResolver{}, Query{})
	if err != nil || v.Num != 6 {
		t.Errorf("reports × 2 = %v, %v; want 6", v, err)
	}
}

type reportsResolver struct{}

func (reportsResolver) Data(context.Context, *Ref, Query) (Value, error) { return NoData(""), nil }
func (reportsResolver) Rows(context.Context, string, string, Node, Query) (Value, error) {
	return NoData(""), nil
}
func (reportsResolver) Reports(_ context.Context, fn, set string, _ Query) (Value, error) {
	if fn == "reports" && set == "tuoyu" {
		return Num(3), nil
	}
	return NoData(""), nil
}

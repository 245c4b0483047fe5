package expr

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"reflect"
	"testing"
)

// queryBinder binds an expression's leaves to a Resolver, as Eval asks
// it: the compiled form of Eval, for comparing the two.
type queryBinder struct {
	ctx context.Context
	r   Resolver
}

func (b queryBinder) Leaf(n Node) Fn[Query] {
	switch n := n.(type) {
	case *Ref:
		return func(q Query) (Value, error) { return b.r.Data(b.ctx, n, q) }
	case *Call:
		if IsReportFunc(n.Name) {
			rr, ok := b.r.(ReportResolver)
			if !ok {
				return failing[Query](&Error{Pos: n.At, Msg: n.Name + " cannot be evaluated here: no data-set reports"})
			}
			return func(q Query) (Value, error) { return rr.Reports(b.ctx, n.Name, n.Args[0].(*String).Value, q) }
		}
		return func(q Query) (Value, error) {
			return b.r.Rows(b.ctx, n.Name, n.Args[0].(*String).Value, n.Args[1], q)
		}
	}
	return failing[Query](fmt.Errorf("no leaf %T", n))
}

func (b queryBinder) Shift(function string) func(Query) Query {
	return func(q Query) Query { return Query{Unit: q.Unit, Span: ShiftSpan(function, q.Span)} }
}

// hashResolver answers every reference, persons(…), events(…) and report
// call with a value drawn from a hash of what was asked and of the span:
// small numbers (zero among them, for divisions by zero), no data with a
// reason naming the reference, and now and then an error. It records
// what it was asked, in order.
type hashResolver struct{ asked []string }

func (h *hashResolver) answer(key string, q Query) (Value, error) {
	key += "@" + q.Span.Start.String() + "/" + q.Span.End.String()
	h.asked = append(h.asked, key)
	f := fnv.New32a()
	f.Write([]byte(key))
	switch x := f.Sum32() % 16; {
	case x == 0:
		return Value{}, errors.New("cannot read " + key)
	case x < 4:
		return NoData("nothing for " + key), nil
	default:
		return Num(float64(x) - 6), nil
	}
}

func (h *hashResolver) Data(_ context.Context, r *Ref, q Query) (Value, error) {
	return h.answer(r.String(), q)
}

func (h *hashResolver) Rows(_ context.Context, fn, src string, rule Node, q Query) (Value, error) {
	return h.answer(fn+"("+src+", "+rule.String()+")", q)
}

func (h *hashResolver) Reports(_ context.Context, fn, set string, q Query) (Value, error) {
	return h.answer(fn+"("+set+")", q)
}

// sameAsEval fails t unless the compiled n gives at q what Eval gives —
// the value with its type and reason, the error — having asked the
// resolver the same things in the same order.
func sameAsEval(t *testing.T, n Node, q Query) {
	t.Helper()
	interp, compiled := &hashResolver{}, &hashResolver{}
	want, wantErr := Eval(context.Background(), n, interp, q)
	got, gotErr := Compile(n, Binder[Query](queryBinder{context.Background(), compiled}))(q)
	if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
		t.Fatalf("%s: compiled error %v, Eval error %v", n, gotErr, wantErr)
	}
	if !reflect.DeepEqual(got, want) && !(got.Num != got.Num && want.Num != want.Num) {
		t.Fatalf("%s: compiled %#v, Eval %#v", n, got, want)
	}
	if !reflect.DeepEqual(compiled.asked, interp.asked) {
		t.Fatalf("%s: compiled asked %q, Eval asked %q", n, compiled.asked, interp.asked)
	}
}

// The compiled form agrees with Eval on the expressions of the other
// tests and the fuzz seeds, over spans where ytd and last_year move.
func TestCompileMatchesEvalOnExamples(t *testing.T) {
	srcs := append(fuzzSeeds(), evalExamples()...)
	srcs = append(srcs, `reports("tuoyu") / reports_expected("tuoyu") * reports_on_time("tuoyu")`,
		`events("vaccination.dose", vaccine = "HPV2" and dose = 1) / pop{sex=F; age=13}`, `"text" = "text"`, "x + 1",
		"ytd(last_year(#{births})) + last_year(ytd(#{births}))", "coalesce(#{a}, #{b}, #{c}, #{d}, #{e}, #{f})")
	for _, src := range srcs {
		n, err := Parse(src)
		if err != nil {
			t.Fatalf("Parse(%q): %v", src, err)
		}
		for _, q := range []Query{{Unit: "320685", Span: span("2024-01-01", "2024-06-30")}, {Span: span("2024-02-29", "2024-03-31")}} {
			sameAsEval(t, n, q)
		}
	}
}

// The compiled form agrees with Eval on random expressions: every
// operator and function over references that have data, have none or
// fail, including the ill-typed trees Check would refuse.
func TestCompileMatchesEvalOnRandomExpressions(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 2026))
	q := Query{Unit: "320685", Span: span("2024-03-01", "2024-03-31")}
	for i := 0; i < 20000; i++ {
		n := randomNode(rng, 5)
		sameAsEval(t, n, q)
		// The printed form parses back to a tree that compiles the same.
		if m, err := Parse(n.String()); err == nil {
			sameAsEval(t, m, q)
		}
	}
}

func randomNode(rng *rand.Rand, depth int) Node {
	if depth == 0 || rng.IntN(4) == 0 {
		return randomLeaf(rng)
	}
	ops := []string{"and", "or", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/"}
	switch rng.IntN(4) {
	case 0:
		return &Unary{Op: []string{"-", "not"}[rng.IntN(2)], X: randomNode(rng, depth-1)}
	case 1, 2:
		return &Binary{Op: ops[rng.IntN(len(ops))], X: randomNode(rng, depth-1), Y: randomNode(rng, depth-1)}
	}
	c := &Call{Name: []string{"if", "min", "max", "coalesce", "abs", "round", "ytd", "last_year"}[rng.IntN(8)]}
	n := map[string]int{"if": 3, "abs": 1, "round": 2, "ytd": 1, "last_year": 1}[c.Name]
	if n == 0 {
		n = 1 + rng.IntN(6)
	}
	for range n {
		c.Args = append(c.Args, randomNode(rng, depth-1))
	}
	return c
}

func randomLeaf(rng *rand.Rand) Node {
	switch rng.IntN(7) {
	case 0:
		return &Number{Value: float64(rng.IntN(7) - 3)}
	case 1:
		return &Bool{Value: rng.IntN(2) == 0}
	case 2:
		return &Ref{Kind: RefPopulation, Filters: []Filter{{Dim: "age", Values: []string{fmt.Sprint(rng.IntN(90)) + "+"}}}}
	case 3:
		return &Call{Name: "persons", Args: []Node{&String{Value: "hypertension"}, &Field{Name: "enrolled"}}}
	case 4:
		return &Call{Name: "reports", Args: []Node{&String{Value: fmt.Sprint("set", rng.IntN(5))}}}
	}
	return &Ref{Kind: RefData, Name: fmt.Sprint("ds.e", rng.IntN(40))}
}

// fuzzSeeds are the seeds of FuzzParse.
func fuzzSeeds() []string {
	return []string{
		"#{tuoyu.places} / #{tuoyu.places_target} * 100",
		`persons("hypertension", followups >= 4 and max_gap_days <= 92 and annual_check)`,
		"if(#{births} > 0, ytd(#{births}), last_year(#{births}))",
		"pop{sex=F; age=35-64}", "#{peixun.renci; 类型=线上,线下}", "round(-1.5e3 / 7, 2)",
		"not a = b and c // comment", `"a\"b"`, "I{x} + C{y}", "((1))", "-(-(1))",
	}
}

// evalExamples are the expressions of TestEval.
func evalExamples() []string {
	return []string{
		"#{tuoyu.places} / #{tuoyu.places_target} * 100", "round(#{tuoyu.places} / #{tuoyu.places_target} * 100, 2)",
		"#{tuoyu.places} / #{births}", "#{peixun.renci} + 1", "coalesce(#{peixun.renci}, 0) + 1",
		"max(#{peixun.renci}, #{births}, 7)", "min(#{peixun.renci})", "if(#{births} > 0, 1, 2)",
		"if(#{peixun.renci} > 0, 1, 2)", "last_year(#{births})", "ytd(#{births})", `persons("hypertension", followups >= 4)`,
		"abs(-3) * -1", "#{births} = 1 and #{peixun.renci} > 1", "#{births} = 1 or #{peixun.renci} > 1",
		"#{births} = 0 or #{peixun.renci} > 1", "#{births} = 0 and #{peixun.renci} > 1", "not (#{births} = 0)",
	}
}

// Evaluating a compiled expression allocates nothing of its own (round
// does, for its exact decimal arithmetic).
func TestCompiledDoesNotAllocate(t *testing.T) {
	n := mustParse(t, "abs(coalesce(#{a}, 0) / max(#{b}, 1) * 100) + if(#{a} > 1 and not (#{b} < 0), ytd(#{a}), -#{b})")
	f := Compile(n, Binder[Query](constBinder{}))
	q := Query{Span: span("2024-01-01", "2024-01-31")}
	if allocs := testing.AllocsPerRun(100, func() { f(q) }); allocs > 0 {
		t.Errorf("a compiled evaluation allocates %v times", allocs)
	}
}

// constBinder answers every leaf with 3 and leaves the span as it is.
type constBinder struct{}

func (constBinder) Leaf(Node) Fn[Query]            { return func(Query) (Value, error) { return Num(3), nil } }
func (constBinder) Shift(string) func(Query) Query { return func(q Query) Query { return q } }

package expr

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Type is the type of an expression.
type Type int

// The types of the language.
const (
	TAny    Type = -1 // Check: whatever type the expression has
	TNumber Type = iota - 1
	TBool
	TString
)

func (t Type) String() string {
	switch t {
	case TBool:
		return "boolean"
	case TString:
		return "string"
	}
	return "number"
}

// Env is what a checker knows of the data: it says whether a reference
// exists (a data element, its disaggregations and their options; an
// indicator; a constant) and which fields a row rule may use. Errors it
// returns are reported at the reference's position.
type Env interface {
	CheckRef(r *Ref) error
	// RowFields returns the fields of the rows that persons(source, …)
	// or events(source, …) count, by function ("persons" or "events").
	RowFields(function, source string) (map[string]Type, error)
}

// funcSpec describes a built-in function.
type funcSpec struct {
	minArgs, maxArgs int // maxArgs -1: any number
	// result returns the call's type from its arguments' types, or an
	// error message.
	result func(args []Type) (Type, string)
	row    bool // allowed inside a row rule
}

func numeric(name string) func([]Type) (Type, string) {
	return func(args []Type) (Type, string) {
		for i, a := range args {
			if a != TNumber {
				return 0, fmt.Sprintf("argument %d of %s must be a number, not a %s", i+1, name, a)
			}
		}
		return TNumber, ""
	}
}

var funcs = map[string]funcSpec{
	"if": {3, 3, func(a []Type) (Type, string) {
		if a[0] != TBool {
			return 0, "the first argument of if must be a condition (true or false), not a " + a[0].String()
		}
		if a[1] != a[2] || a[1] == TString {
			return 0, fmt.Sprintf("both branches of if must be numbers or both conditions, not a %s and a %s", a[1], a[2])
		}
		return a[1], ""
	}, true},
	"min":       {1, -1, numeric("min"), true},
	"max":       {1, -1, numeric("max"), true},
	"coalesce":  {1, -1, numeric("coalesce"), true},
	"abs":       {1, 1, numeric("abs"), true},
	"round":     {2, 2, numeric("round"), true},
	"ytd":       {1, 1, numeric("ytd"), false},
	"last_year": {1, 1, numeric("last_year"), false},
	"persons":   {2, 2, nil, false},
	"events":    {2, 2, nil, false},
	// completeness and timeliness of a data set's reports (see ReportFuncs)
	"reports":          {1, 1, nil, false},
	"reports_on_time":  {1, 1, nil, false},
	"reports_expected": {1, 1, nil, false},
}

// ReportFuncs are the functions that count a data set's reports in the
// period asked, over the units that report it under the unit asked:
// reports("set") those reported (a zero report counts), reports_on_time
// those reported by the due day, reports_expected those expected (the
// reporting units × the set's periods in the span). Completeness is
// reports / reports_expected, timeliness reports_on_time / reports_expected.
var ReportFuncs = []string{"reports", "reports_on_time", "reports_expected"}

// IsReportFunc reports whether name is one of ReportFuncs.
func IsReportFunc(name string) bool { return slices.Contains(ReportFuncs, name) }

// DataSetEnv is an Env that knows the aggregate data sets, for the
// report functions; an Env without it rejects them.
type DataSetEnv interface {
	CheckDataSet(code string) error
}

// Functions lists the names of the built-in functions.
func Functions() []string {
	names := make([]string, 0, len(funcs))
	for n := range funcs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Check type-checks n against env and returns its type. want, when not
// negative, is the type the caller needs (an indicator's numerator must be
// a number). Every error is an *Error with the position of the problem.
func Check(n Node, env Env, want Type) (Type, error) {
	c := checker{env: env}
	t, err := c.check(n)
	if err != nil {
		return t, err
	}
	if want >= 0 && t != want {
		return t, &Error{Pos: n.Pos(), Msg: fmt.Sprintf("the expression is a %s; a %s is needed here", t, want)}
	}
	return t, nil
}

type checker struct {
	env    Env
	fields map[string]Type // inside a row rule: the row's fields
	rowFn  string
}

func (c *checker) errorf(n Node, format string, args ...any) error {
	return &Error{Pos: n.Pos(), Msg: fmt.Sprintf(format, args...)}
}

func (c *checker) check(n Node) (Type, error) {
	switch n := n.(type) {
	case *Number:
		return TNumber, nil
	case *Bool:
		return TBool, nil
	case *String:
		return TString, nil
	case *Field:
		return c.field(n)
	case *Ref:
		if c.fields != nil && n.Kind != RefConstant {
			return 0, c.errorf(n, "%s cannot be used inside the rule of %s: a rule looks at one row's fields", n, c.rowFn)
		}
		if err := c.env.CheckRef(n); err != nil {
			return 0, c.errorf(n, "%s: %v", n, err)
		}
		return TNumber, nil
	case *Unary:
		return c.unary(n)
	case *Binary:
		return c.binary(n)
	case *Call:
		return c.call(n)
	}
	return 0, c.errorf(n, "unknown node %T", n)
}

func (c *checker) field(n *Field) (Type, error) {
	if c.fields == nil {
		if _, ok := funcs[n.Name]; ok {
			return 0, c.errorf(n, "%s is a function: write %s(…)", n.Name, n.Name)
		}
		return 0, c.errorf(n, "unknown name %q: data are written #{element}, pop{…}, I{indicator} or C{constant}; bare names are fields, only inside the rule of persons or events", n.Name)
	}
	t, ok := c.fields[n.Name]
	if !ok {
		names := make([]string, 0, len(c.fields))
		for f := range c.fields {
			names = append(names, f)
		}
		sort.Strings(names)
		return 0, c.errorf(n, "%s has no field %q (it has: %s)", c.rowFn, n.Name, strings.Join(names, ", "))
	}
	return t, nil
}

func (c *checker) unary(n *Unary) (Type, error) {
	t, err := c.check(n.X)
	if err != nil {
		return 0, err
	}
	want := TNumber
	if n.Op == "not" {
		want = TBool
	}
	if t != want {
		return 0, c.errorf(n, "%q needs a %s, not a %s", n.Op, want, t)
	}
	return t, nil
}

func (c *checker) binary(n *Binary) (Type, error) {
	x, err := c.check(n.X)
	if err != nil {
		return 0, err
	}
	y, err := c.check(n.Y)
	if err != nil {
		return 0, err
	}
	switch n.Op {
	case "and", "or":
		if x != TBool || y != TBool {
			return 0, c.errorf(n, "%q joins conditions, not a %s and a %s", n.Op, x, y)
		}
		return TBool, nil
	case "=", "!=":
		if x != y {
			return 0, c.errorf(n, "cannot compare a %s with a %s", x, y)
		}
		return TBool, nil
	case "<", "<=", ">", ">=":
		if x != TNumber || y != TNumber {
			return 0, c.errorf(n, "%q compares numbers, not a %s and a %s", n.Op, x, y)
		}
		return TBool, nil
	}
	if x != TNumber || y != TNumber {
		return 0, c.errorf(n, "%q needs numbers, not a %s and a %s", n.Op, x, y)
	}
	return TNumber, nil
}

func (c *checker) call(n *Call) (Type, error) {
	spec, ok := funcs[n.Name]
	if !ok {
		return 0, c.errorf(n, "unknown function %q (known: %s)", n.Name, strings.Join(Functions(), ", "))
	}
	if len(n.Args) < spec.minArgs || (spec.maxArgs >= 0 && len(n.Args) > spec.maxArgs) {
		return 0, c.errorf(n, "%s takes %s, not %d", n.Name, arity(spec), len(n.Args))
	}
	if c.fields != nil && !spec.row {
		return 0, c.errorf(n, "%s cannot be used inside the rule of %s", n.Name, c.rowFn)
	}
	if n.Name == "persons" || n.Name == "events" {
		return c.rowCall(n)
	}
	if IsReportFunc(n.Name) {
		return c.reportCall(n)
	}
	types := make([]Type, len(n.Args))
	for i, a := range n.Args {
		t, err := c.check(a)
		if err != nil {
			return 0, err
		}
		types[i] = t
	}
	t, msg := spec.result(types)
	if msg != "" {
		return 0, c.errorf(n, "%s", msg)
	}
	return t, nil
}

func arity(s funcSpec) string {
	switch {
	case s.maxArgs < 0:
		return fmt.Sprintf("at least %d arguments", s.minArgs)
	case s.minArgs == s.maxArgs && s.minArgs == 1:
		return "1 argument"
	case s.minArgs == s.maxArgs:
		return fmt.Sprintf("%d arguments", s.minArgs)
	}
	return fmt.Sprintf("%d to %d arguments", s.minArgs, s.maxArgs)
}

// rowCall checks persons(source, rule) and events(source, rule): source a
// string naming the programme or stage, rule a condition over its fields.
func (c *checker) rowCall(n *Call) (Type, error) {
	src, ok := n.Args[0].(*String)
	if !ok {
		return 0, c.errorf(n.Args[0], "the first argument of %s names a programme or stage in quotes, e.g. %s(\"hypertension\", …)", n.Name, n.Name)
	}
	fields, err := c.env.RowFields(n.Name, src.Value)
	if err != nil {
		return 0, c.errorf(src, "%v", err)
	}
	inner := checker{env: c.env, fields: fields, rowFn: n.Name + "(" + src.String() + ")"}
	t, err := inner.check(n.Args[1])
	if err != nil {
		return 0, err
	}
	if t != TBool {
		return 0, c.errorf(n.Args[1], "the rule of %s must be a condition, not a %s", n.Name, t)
	}
	return TNumber, nil
}

// reportCall checks reports("set") and its kin: the argument names a
// data set in quotes.
func (c *checker) reportCall(n *Call) (Type, error) {
	src, ok := n.Args[0].(*String)
	if !ok {
		return 0, c.errorf(n.Args[0], "the argument of %s names a data set in quotes, e.g. %s(\"tuoyu\")", n.Name, n.Name)
	}
	env, ok := c.env.(DataSetEnv)
	if !ok {
		return 0, c.errorf(n, "%s needs the data sets, which are not loaded here", n.Name)
	}
	if err := env.CheckDataSet(src.Value); err != nil {
		return 0, c.errorf(src, "%v", err)
	}
	return TNumber, nil
}

// Refs lists the references n uses outside row rules, each once, in order
// of appearance; analytics fetches them together.
func Refs(n Node) []*Ref {
	var out []*Ref
	seen := map[string]bool{}
	Walk(n, func(m Node) bool {
		if c, ok := m.(*Call); ok && (c.Name == "persons" || c.Name == "events") {
			return false
		}
		if r, ok := m.(*Ref); ok && !seen[r.String()] {
			seen[r.String()] = true
			out = append(out, r)
		}
		return true
	})
	return out
}

// Fields lists the row fields a rule uses, sorted.
func Fields(rule Node) []string {
	var out []string
	Walk(rule, func(m Node) bool {
		if f, ok := m.(*Field); ok && !slices.Contains(out, f.Name) {
			out = append(out, f.Name)
		}
		return true
	})
	sort.Strings(out)
	return out
}

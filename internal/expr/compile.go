package expr

import (
	"fmt"

	"github.com/weijian-health/weijian/internal/period"
)

// Fn is a compiled expression: its value at q, a point of the caller's
// own choosing (for the indicator engine, the index of an org unit and of
// a span in the cells it was asked).
type Fn[Q any] func(q Q) (Value, error)

// Binder binds what an expression reads when it is compiled. Leaf binds a
// reference (*Ref) or a call that reads data (persons, events and the
// report functions) to the function that answers it; Shift binds ytd and
// last_year to the function that moves q to the span they ask (see
// ShiftSpan). Both are called once per node, at compile time.
type Binder[Q any] interface {
	Leaf(n Node) Fn[Q]
	Shift(function string) func(Q) Q
}

// Compile turns a checked expression into a tree of Go closures, each
// node's work decided once: the operator of each node, the arity of each
// call, and every reference bound by b. Evaluating the result gives what
// Eval gives with a resolver answering as b's leaves do — the same
// values, reasons and errors, with the leaves called in the same order —
// without walking the tree, switching on operator names or allocating.
// Row rules (the second argument of persons and events) are not compiled:
// they go whole to the leaf, as Eval passes them to Resolver.Rows.
func Compile[Q any](n Node, b Binder[Q]) Fn[Q] {
	switch n := n.(type) {
	case *Number:
		v := Num(n.Value)
		return func(Q) (Value, error) { return v, nil }
	case *Bool:
		v := boolean(n.Value)
		return func(Q) (Value, error) { return v, nil }
	case *Ref:
		return b.Leaf(n)
	case *Unary:
		return compileUnary(n, b)
	case *Binary:
		return compileBinary(n, b)
	case *Call:
		return compileCall(n, b)
	case *Field:
		err := &Error{Pos: n.At, Msg: fmt.Sprintf("the row has no field %q", n.Name)}
		return failing[Q](err)
	}
	return failing[Q](&Error{Pos: n.Pos(), Msg: fmt.Sprintf("cannot evaluate %T", n)})
}

func failing[Q any](err error) Fn[Q] {
	return func(Q) (Value, error) { return Value{}, err }
}

func compileUnary[Q any](n *Unary, b Binder[Q]) Fn[Q] {
	x := Compile(n.X, b)
	if n.Op == "not" {
		return func(q Q) (Value, error) {
			v, err := x(q)
			if err != nil || v.Null {
				return v, err
			}
			return boolean(!v.Bool), nil
		}
	}
	return func(q Q) (Value, error) {
		v, err := x(q)
		if err != nil || v.Null {
			return v, err
		}
		return Num(-v.Num), nil
	}
}

func compileBinary[Q any](n *Binary, b Binder[Q]) Fn[Q] {
	x, y := Compile(n.X, b), Compile(n.Y, b)
	switch n.Op {
	case "and":
		return func(q Q) (Value, error) { return and(x, y, q) }
	case "or":
		return func(q Q) (Value, error) { return or(x, y, q) }
	}
	op, typ := binaryOp(n.Op), resultType(n.Op)
	return func(q Q) (Value, error) {
		v, err := x(q)
		if err != nil {
			return v, err
		}
		w, err := y(q)
		if err != nil {
			return w, err
		}
		if v.Null || w.Null {
			if !v.Null {
				v = w // the first operand without data, for its reason
			}
			v.Type = typ
			return v, nil
		}
		return op(v, w), nil
	}
}

// and is "x and y" as evaluator.binary does it: false as soon as one side
// is known false, else no data if a side has none.
func and[Q any](x, y Fn[Q], q Q) (Value, error) {
	v, err := x(q)
	if err != nil {
		return v, err
	}
	if !v.Null && !v.Bool {
		return boolean(false), nil
	}
	w, err := y(q)
	if err != nil {
		return w, err
	}
	if !w.Null && !w.Bool {
		return boolean(false), nil
	}
	if v.Null || w.Null {
		if !v.Null {
			v = w
		}
		v.Type = TBool
		return v, nil
	}
	return boolean(true), nil
}

// or is "x or y": true as soon as one side is known true.
func or[Q any](x, y Fn[Q], q Q) (Value, error) {
	v, err := x(q)
	if err != nil {
		return v, err
	}
	if !v.Null && v.Bool {
		return boolean(true), nil
	}
	w, err := y(q)
	if err != nil {
		return w, err
	}
	if !w.Null && w.Bool {
		return boolean(true), nil
	}
	if v.Null || w.Null {
		if !v.Null {
			v = w
		}
		v.Type = TBool
		return v, nil
	}
	return boolean(false), nil
}

// binaryOp is apply for one operator, chosen once.
func binaryOp(op string) func(x, y Value) Value {
	switch op {
	case "=":
		return func(x, y Value) Value { return boolean(x.Num == y.Num && x.Bool == y.Bool) }
	case "!=":
		return func(x, y Value) Value { return boolean(x.Num != y.Num || x.Bool != y.Bool) }
	case "<":
		return func(x, y Value) Value { return boolean(x.Num < y.Num) }
	case "<=":
		return func(x, y Value) Value { return boolean(x.Num <= y.Num) }
	case ">":
		return func(x, y Value) Value { return boolean(x.Num > y.Num) }
	case ">=":
		return func(x, y Value) Value { return boolean(x.Num >= y.Num) }
	case "+":
		return func(x, y Value) Value { return Num(x.Num + y.Num) }
	case "-":
		return func(x, y Value) Value { return Num(x.Num - y.Num) }
	case "*":
		return func(x, y Value) Value { return Num(x.Num * y.Num) }
	}
	return func(x, y Value) Value { return apply(op, x, y) }
}

func compileCall[Q any](n *Call, b Binder[Q]) Fn[Q] {
	switch n.Name {
	case "if":
		c, t, f := Compile(n.Args[0], b), Compile(n.Args[1], b), Compile(n.Args[2], b)
		return func(q Q) (Value, error) {
			v, err := c(q)
			if err != nil || v.Null {
				return Value{Type: TNumber, Null: true, Why: v.Why}, err
			}
			if v.Bool {
				return t(q)
			}
			return f(q)
		}
	case "ytd", "last_year":
		shift, x := b.Shift(n.Name), Compile(n.Args[0], b)
		return func(q Q) (Value, error) { return x(shift(q)) }
	case "persons", "events", "reports", "reports_on_time", "reports_expected":
		return b.Leaf(n)
	}
	args := make([]Fn[Q], len(n.Args))
	for i, a := range n.Args {
		args[i] = Compile(a, b)
	}
	name := n.Name
	return func(q Q) (Value, error) {
		var buf [4]Value
		vals := buf[:0]
		for _, a := range args {
			v, err := a(q)
			if err != nil {
				return v, err
			}
			vals = append(vals, v)
		}
		return numericCall(name, vals), nil
	}
}

// ShiftSpan is the span ytd(…) or last_year(…) (function) asks of an
// expression evaluated over s: the year to date of s's end, or s a year
// earlier (29 February → 28 February).
func ShiftSpan(function string, s period.Span) period.Span {
	if function == "ytd" {
		return period.YearToDate(s.End)
	}
	return period.Span{Start: yearBefore(s.Start), End: yearBefore(s.End)}
}

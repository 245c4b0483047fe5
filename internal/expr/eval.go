package expr

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"time"

	"github.com/weijian-health/weijian/internal/period"
)

// Value is the result of an expression: a number or a boolean, or no data
// (Null), with the reason when there is one ("分母为零" is Why "division
// by zero").
type Value struct {
	Type Type
	Num  float64
	Bool bool
	Null bool
	Why  string
}

// Num returns a number value.
func Num(x float64) Value { return Value{Type: TNumber, Num: x} }

// NoData returns a number value without data, for the reason given.
func NoData(why string) Value { return Value{Type: TNumber, Null: true, Why: why} }

func boolean(b bool) Value { return Value{Type: TBool, Bool: b} }

func (v Value) String() string {
	switch {
	case v.Null:
		return "no data"
	case v.Type == TBool:
		return fmt.Sprint(v.Bool)
	}
	return fmt.Sprint(v.Num)
}

// Query is what an expression is evaluated for: an org unit (its code)
// and a span of days.
type Query struct {
	Unit string
	Span period.Span
}

// Resolver fetches the data an expression refers to. Data returns a
// reference's value for q (NoData when nothing was reported); Rows counts
// the persons or events of source that meet rule in q ("persons" or
// "events" as in the call).
type Resolver interface {
	Data(ctx context.Context, r *Ref, q Query) (Value, error)
	Rows(ctx context.Context, function, source string, rule Node, q Query) (Value, error)
}

// ReportResolver is a Resolver that also answers the report functions
// (ReportFuncs): function is the call's name, dataset its argument.
type ReportResolver interface {
	Reports(ctx context.Context, function, dataset string, q Query) (Value, error)
}

// Eval evaluates a checked expression for q. A row rule (inside persons
// or events) is not evaluated here but passed to the resolver, which
// may compile it to SQL (see SQL) or test each row with EvalRow.
func Eval(ctx context.Context, n Node, r Resolver, q Query) (Value, error) {
	e := evaluator{ctx: ctx, r: r}
	return e.eval(n, q)
}

// EvalRow evaluates a row rule against one row's fields.
func EvalRow(rule Node, row map[string]Value) (Value, error) {
	e := evaluator{row: row}
	return e.eval(rule, Query{})
}

type evaluator struct {
	ctx context.Context
	r   Resolver
	row map[string]Value
}

func (e *evaluator) eval(n Node, q Query) (Value, error) {
	switch n := n.(type) {
	case *Number:
		return Num(n.Value), nil
	case *Bool:
		return boolean(n.Value), nil
	case *Field:
		v, ok := e.row[n.Name]
		if !ok {
			return Value{}, &Error{Pos: n.At, Msg: fmt.Sprintf("the row has no field %q", n.Name)}
		}
		return v, nil
	case *Ref:
		if e.r == nil {
			return Value{}, &Error{Pos: n.At, Msg: n.String() + " cannot be evaluated on a row"}
		}
		return e.r.Data(e.ctx, n, q)
	case *Unary:
		return e.unary(n, q)
	case *Binary:
		return e.binary(n, q)
	case *Call:
		return e.call(n, q)
	}
	return Value{}, &Error{Pos: n.Pos(), Msg: fmt.Sprintf("cannot evaluate %T", n)}
}

func (e *evaluator) unary(n *Unary, q Query) (Value, error) {
	x, err := e.eval(n.X, q)
	if err != nil || x.Null {
		return x, err
	}
	if n.Op == "not" {
		return boolean(!x.Bool), nil
	}
	return Num(-x.Num), nil
}

func (e *evaluator) binary(n *Binary, q Query) (Value, error) {
	x, err := e.eval(n.X, q)
	if err != nil {
		return x, err
	}
	// and/or short-circuit on a known answer, so that a rule such as
	// "age >= 65 and sbp < 150" is false, not unknown, for the young.
	if n.Op == "and" && !x.Null && !x.Bool {
		return boolean(false), nil
	}
	if n.Op == "or" && !x.Null && x.Bool {
		return boolean(true), nil
	}
	y, err := e.eval(n.Y, q)
	if err != nil {
		return y, err
	}
	switch n.Op {
	case "and":
		if !y.Null && !y.Bool {
			return boolean(false), nil
		}
	case "or":
		if !y.Null && y.Bool {
			return boolean(true), nil
		}
	}
	if x.Null || y.Null {
		null := x // the first operand without data, for its reason
		if !x.Null {
			null = y
		}
		null.Type = resultType(n.Op)
		return null, nil
	}
	return apply(n.Op, x, y), nil
}

func resultType(op string) Type {
	switch op {
	case "+", "-", "*", "/":
		return TNumber
	}
	return TBool
}

func apply(op string, x, y Value) Value {
	switch op {
	case "and":
		return boolean(x.Bool && y.Bool)
	case "or":
		return boolean(x.Bool || y.Bool)
	case "=":
		return boolean(x.Num == y.Num && x.Bool == y.Bool)
	case "!=":
		return boolean(x.Num != y.Num || x.Bool != y.Bool)
	case "<":
		return boolean(x.Num < y.Num)
	case "<=":
		return boolean(x.Num <= y.Num)
	case ">":
		return boolean(x.Num > y.Num)
	case ">=":
		return boolean(x.Num >= y.Num)
	case "+":
		return Num(x.Num + y.Num)
	case "-":
		return Num(x.Num - y.Num)
	case "*":
		return Num(x.Num * y.Num)
	}
	if y.Num == 0 {
		return NoData("division by zero")
	}
	return Num(x.Num / y.Num)
}

func (e *evaluator) call(n *Call, q Query) (Value, error) {
	switch n.Name {
	case "if":
		c, err := e.eval(n.Args[0], q)
		if err != nil || c.Null {
			return Value{Type: TNumber, Null: true, Why: c.Why}, err
		}
		if c.Bool {
			return e.eval(n.Args[1], q)
		}
		return e.eval(n.Args[2], q)
	case "ytd", "last_year":
		return e.eval(n.Args[0], Query{Unit: q.Unit, Span: ShiftSpan(n.Name, q.Span)})
	case "persons", "events":
		if e.r == nil {
			return Value{}, &Error{Pos: n.At, Msg: n.Name + " cannot be evaluated on a row"}
		}
		return e.r.Rows(e.ctx, n.Name, n.Args[0].(*String).Value, n.Args[1], q)
	case "reports", "reports_on_time", "reports_expected":
		rr, ok := e.r.(ReportResolver)
		if !ok {
			return Value{}, &Error{Pos: n.At, Msg: n.Name + " cannot be evaluated here: no data-set reports"}
		}
		return rr.Reports(e.ctx, n.Name, n.Args[0].(*String).Value, q)
	}
	args := make([]Value, len(n.Args))
	for i, a := range n.Args {
		v, err := e.eval(a, q)
		if err != nil {
			return v, err
		}
		args[i] = v
	}
	return numericCall(n.Name, args), nil
}

func numericCall(name string, args []Value) Value {
	switch name {
	case "coalesce":
		for _, a := range args {
			if !a.Null {
				return a
			}
		}
		return args[len(args)-1]
	case "min", "max":
		best := NoData(args[0].Why)
		for _, a := range args {
			if a.Null {
				continue
			}
			if best.Null || (name == "min" && a.Num < best.Num) || (name == "max" && a.Num > best.Num) {
				best = a
			}
		}
		return best
	}
	for _, a := range args {
		if a.Null {
			return a
		}
	}
	if name == "abs" {
		return Num(math.Abs(args[0].Num))
	}
	return Num(RoundHalfUp(args[0].Num, int(args[1].Num)))
}

// RoundHalfUp rounds x to places decimals, halves away from zero, as
// Chinese reports round (四舍五入). It rounds the shortest decimal that
// reads back as x, so that 100.825 (stored as 100.82499…) rounds to
// 100.83 as a person reading "100.825" would.
func RoundHalfUp(x float64, places int) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || places > 20 || places < 0 {
		return x
	}
	r, ok := new(big.Rat).SetString(strconv.FormatFloat(x, 'f', -1, 64))
	if !ok {
		return x
	}
	f, _ := RoundRat(r, places).Float64()
	return f
}

// RoundRat rounds r to places decimals, halves away from zero, exactly.
// A rate computed from counts (4497/4380 × 100) is rounded here, never
// through a float.
func RoundRat(r *big.Rat, places int) *big.Rat {
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(places)), nil)
	scaled := new(big.Rat).Mul(r, new(big.Rat).SetInt(scale))
	num, den := scaled.Num(), scaled.Denom()
	// |scaled| + 1/2, floored: (2|num| + den) / (2 den)
	abs := new(big.Int).Abs(num)
	q := new(big.Int).Add(new(big.Int).Lsh(abs, 1), den)
	q.Quo(q, new(big.Int).Lsh(den, 1))
	if num.Sign() < 0 {
		q.Neg(q)
	}
	return new(big.Rat).SetFrac(q, scale)
}

// yearBefore is the same day a year earlier (29 February → 28 February).
func yearBefore(d period.Date) period.Date {
	if d.Month == time.February && d.Day == 29 {
		return period.NewDate(d.Year-1, time.February, 28)
	}
	return period.NewDate(d.Year-1, d.Month, d.Day)
}

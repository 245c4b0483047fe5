package programme

import (
	"cmp"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/weijian-health/weijian/internal/period"
)

// The rule language is written by hand rather than taken from a general
// evaluator (expr-lang/expr resolves here): rules must treat an unanswered
// field as "unknown" (three-valued logic, so that a check over a blank field
// neither passes nor fails), every identifier must be checked against the
// programme's fields when the file is loaded so that a typo is reported with
// its file and line, and the language must stay small enough for a
// programme author to read in one page (see doc.go). Parser, evaluator,
// functions and the load-time checker (typecheck.go) are ~900 lines.

// Expr is a parsed rule expression.
type Expr struct {
	src  string
	root node
}

// String returns the source text of the expression.
func (e *Expr) String() string { return e.src }

// Idents returns the distinct identifiers the expression reads.
func (e *Expr) Idents() []string {
	seen := map[string]bool{}
	var out []string
	walk(e.root, func(n node) {
		if id, ok := n.(identNode); ok && !seen[string(id)] {
			seen[string(id)] = true
			out = append(out, string(id))
		}
	})
	return out
}

// Env resolves an identifier to its value; ok is false for an unknown name.
// A known but unanswered field resolves to (nil, true).
type Env func(name string) (v any, ok bool)

type node interface{}

type (
	litNode   struct{ v any }
	identNode string
	listNode  []node
	unaryNode struct {
		op string
		x  node
	}
	binNode struct {
		op   string
		l, r node
	}
	condNode struct{ c, a, b node }
	callNode struct {
		fn   string
		args []node
	}
)

func walk(n node, f func(node)) {
	f(n)
	switch n := n.(type) {
	case listNode:
		for _, x := range n {
			walk(x, f)
		}
	case unaryNode:
		walk(n.x, f)
	case binNode:
		walk(n.l, f)
		walk(n.r, f)
	case condNode:
		walk(n.c, f)
		walk(n.a, f)
		walk(n.b, f)
	case callNode:
		for _, x := range n.args {
			walk(x, f)
		}
	}
}

// functions lists the built-in functions and their argument counts
// (-1: one or more).
var functions = map[string]int{
	"present": 1, "round": 2, "min": -1, "max": -1, "days": 2,
	"years": 2, "months": 2, "date": 1, "count": 1, "abs": 1, "floor": 1,
}

// ParseExpr parses src. Errors carry the byte offset in src.
func ParseExpr(src string) (*Expr, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	n, err := p.expr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, fmt.Errorf("unexpected %q at offset %d", t.text, t.pos)
	}
	return &Expr{src: src, root: n}, nil
}

type tokKind int

const (
	tEOF tokKind = iota
	tNum
	tStr
	tIdent
	tOp
)

type token struct {
	kind tokKind
	text string
	pos  int
}

var ops = []string{"&&", "||", "==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "!", "(", ")", "[", "]", ",", "?", ":"}

func lex(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			j := i
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
				j++
			}
			toks = append(toks, token{tNum, s[i:j], i})
			i = j
		case c == '\'' || c == '"':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return nil, fmt.Errorf("unterminated string at offset %d", i)
			}
			toks = append(toks, token{tStr, s[i+1 : i+1+j], i})
			i += j + 2
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(s) && (s[j] == '_' || s[j] == '.' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			toks = append(toks, token{tIdent, s[i:j], i})
			i = j
		default:
			op := ""
			for _, o := range ops {
				if strings.HasPrefix(s[i:], o) {
					op = o
					break
				}
			}
			if op == "" {
				return nil, fmt.Errorf("unexpected character %q at offset %d", s[i:i+1], i)
			}
			toks = append(toks, token{tOp, op, i})
			i += len(op)
		}
	}
	return append(toks, token{tEOF, "end of expression", len(s)}), nil
}

type parser struct {
	toks  []token
	i     int
	depth int
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token { t := p.toks[p.i]; p.i++; return t }

func (p *parser) accept(op string) bool {
	if t := p.peek(); t.kind == tOp && t.text == op || t.kind == tIdent && t.text == op {
		p.i++
		return true
	}
	return false
}

func (p *parser) expect(op string) error {
	if !p.accept(op) {
		t := p.peek()
		return fmt.Errorf("expected %q, found %q at offset %d", op, t.text, t.pos)
	}
	return nil
}

func (p *parser) expr() (node, error) {
	if p.depth++; p.depth > 100 {
		return nil, fmt.Errorf("expression nested too deeply")
	}
	defer func() { p.depth-- }()
	c, err := p.binary(0)
	if err != nil || !p.accept("?") {
		return c, err
	}
	a, err := p.expr()
	if err != nil {
		return nil, err
	}
	if err := p.expect(":"); err != nil {
		return nil, err
	}
	b, err := p.expr()
	return condNode{c, a, b}, err
}

// levels lists binary operators from the loosest to the tightest.
var levels = [][]string{{"||"}, {"&&"}, {"==", "!=", "<", "<=", ">", ">=", "in"}, {"+", "-"}, {"*", "/"}}

func (p *parser) binary(level int) (node, error) {
	if level == len(levels) {
		return p.unary()
	}
	l, err := p.binary(level + 1)
	if err != nil {
		return nil, err
	}
	for {
		op := ""
		for _, o := range levels[level] {
			if p.accept(o) {
				op = o
				break
			}
		}
		if op == "" {
			return l, nil
		}
		r, err := p.binary(level + 1)
		if err != nil {
			return nil, err
		}
		l = binNode{op, l, r}
		if level == 2 { // comparisons do not chain
			return l, nil
		}
	}
}

func (p *parser) unary() (node, error) {
	for _, op := range []string{"!", "-"} {
		if p.accept(op) {
			if p.depth++; p.depth > 100 {
				return nil, fmt.Errorf("expression nested too deeply")
			}
			x, err := p.unary()
			p.depth--
			return unaryNode{op, x}, err
		}
	}
	return p.primary()
}

func (p *parser) primary() (node, error) {
	t := p.next()
	switch t.kind {
	case tNum:
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return nil, fmt.Errorf("bad number %q at offset %d", t.text, t.pos)
		}
		return litNode{f}, nil
	case tStr:
		return litNode{t.text}, nil
	case tIdent:
		switch t.text {
		case "true":
			return litNode{true}, nil
		case "false":
			return litNode{false}, nil
		case "null":
			return litNode{nil}, nil
		case "in":
			return nil, fmt.Errorf("unexpected \"in\" at offset %d", t.pos)
		}
		if p.accept("(") {
			return p.call(t)
		}
		return identNode(t.text), nil
	case tOp:
		switch t.text {
		case "(":
			x, err := p.expr()
			if err != nil {
				return nil, err
			}
			return x, p.expect(")")
		case "[":
			return p.list()
		}
	}
	return nil, fmt.Errorf("unexpected %q at offset %d", t.text, t.pos)
}

func (p *parser) call(t token) (node, error) {
	want, ok := functions[t.text]
	if !ok {
		return nil, fmt.Errorf("unknown function %q at offset %d", t.text, t.pos)
	}
	args, err := p.items(")")
	if err != nil {
		return nil, err
	}
	if want >= 0 && len(args) != want || want < 0 && len(args) == 0 {
		return nil, fmt.Errorf("%s() takes %d argument(s), got %d", t.text, max(want, 1), len(args))
	}
	return callNode{t.text, args}, nil
}

func (p *parser) list() (node, error) {
	items, err := p.items("]")
	return listNode(items), err
}

// items parses a comma-separated list up to the closing token.
func (p *parser) items(closing string) ([]node, error) {
	var out []node
	if p.accept(closing) {
		return out, nil
	}
	for {
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		out = append(out, x)
		if p.accept(closing) {
			return out, nil
		}
		if err := p.expect(","); err != nil {
			return nil, err
		}
	}
}

// Eval evaluates e in env. The result is nil (unknown), a bool, a float64,
// a string, a period.Date or a []any. An identifier env does not know is an
// error (the loader checks them all beforehand).
func (e *Expr) Eval(env Env) (any, error) { return eval(e.root, env) }

func eval(n node, env Env) (any, error) {
	switch n := n.(type) {
	case litNode:
		return n.v, nil
	case identNode:
		v, ok := env(string(n))
		if !ok {
			return nil, fmt.Errorf("unknown name %q", string(n))
		}
		return canon(v), nil
	case listNode:
		out := make([]any, len(n))
		for i, x := range n {
			v, err := eval(x, env)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case unaryNode:
		return evalUnary(n, env)
	case binNode:
		return evalBinary(n, env)
	case condNode:
		c, err := eval(n.c, env)
		if err != nil || c == nil {
			return nil, err
		}
		b, ok := c.(bool)
		if !ok {
			return nil, fmt.Errorf("condition of ?: is not true/false")
		}
		if b {
			return eval(n.a, env)
		}
		return eval(n.b, env)
	case callNode:
		return evalCall(n, env)
	}
	return nil, fmt.Errorf("bad expression node %T", n)
}

// canon maps stored values onto the evaluator's few types.
func canon(v any) any {
	switch v := v.(type) {
	case int:
		return float64(v)
	case int64:
		return float64(v)
	case []string:
		out := make([]any, len(v))
		for i, s := range v {
			out[i] = s
		}
		return out
	}
	return v
}

func evalUnary(n unaryNode, env Env) (any, error) {
	x, err := eval(n.x, env)
	if err != nil || x == nil {
		return nil, err
	}
	switch n.op {
	case "!":
		if b, ok := x.(bool); ok {
			return !b, nil
		}
	case "-":
		if f, ok := x.(float64); ok {
			return -f, nil
		}
	}
	return nil, fmt.Errorf("%s cannot apply to %s", n.op, typeName(x))
}

// evalBinary applies Kleene logic to && and ||: false && unknown is false,
// true || unknown is true. == and != treat null as a value (a blank field
// equals null and no code); null in a list is false; the ordering and
// arithmetic operators are unknown when an operand is.
func evalBinary(n binNode, env Env) (any, error) {
	l, err := eval(n.l, env)
	if err != nil {
		return nil, err
	}
	if n.op == "&&" || n.op == "||" {
		return evalLogic(n, l, env)
	}
	r, err := eval(n.r, env)
	if err != nil {
		return nil, err
	}
	switch {
	case (n.op == "==" || n.op == "!=") && (l == nil || r == nil):
		return (l == nil && r == nil) == (n.op == "=="), nil
	case n.op == "in" && l == nil && r != nil:
		return false, nil
	case l == nil || r == nil:
		return nil, nil
	}
	switch n.op {
	case "==", "!=":
		eq, err := equal(l, r)
		if err != nil {
			return nil, err
		}
		return eq == (n.op == "=="), nil
	case "in":
		list, ok := r.([]any)
		if !ok {
			return nil, fmt.Errorf("right side of in is %s, not a list", typeName(r))
		}
		for _, x := range list {
			if eq, _ := equal(l, x); eq {
				return true, nil
			}
		}
		return false, nil
	case "<", "<=", ">", ">=":
		return compare(n.op, l, r)
	}
	a, aok := l.(float64)
	b, bok := r.(float64)
	if !aok || !bok {
		return nil, fmt.Errorf("%s needs numbers, got %s and %s", n.op, typeName(l), typeName(r))
	}
	return arith(n.op, a, b), nil
}

func evalLogic(n binNode, l any, env Env) (any, error) {
	lb, lok := l.(bool)
	if l != nil && !lok {
		return nil, fmt.Errorf("%s needs true/false, got %s", n.op, typeName(l))
	}
	short := n.op == "||"
	if lok && lb == short {
		return short, nil
	}
	r, err := eval(n.r, env)
	if err != nil {
		return nil, err
	}
	rb, rok := r.(bool)
	if r != nil && !rok {
		return nil, fmt.Errorf("%s needs true/false, got %s", n.op, typeName(r))
	}
	switch {
	case rok && rb == short:
		return short, nil
	case l == nil || r == nil:
		return nil, nil
	}
	return !short, nil
}

func arith(op string, a, b float64) any {
	var v float64
	switch op {
	case "+":
		v = a + b
	case "-":
		v = a - b
	case "*":
		v = a * b
	case "/":
		if b == 0 {
			return nil
		}
		v = a / b
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}

func equal(a, b any) (bool, error) {
	ok := false
	switch a := a.(type) {
	case float64:
		var y float64
		y, ok = b.(float64)
		if ok {
			return a == y, nil
		}
	case string:
		var y string
		y, ok = b.(string)
		if ok {
			return a == y, nil
		}
	case bool:
		var y bool
		y, ok = b.(bool)
		if ok {
			return a == y, nil
		}
	case period.Date:
		var y period.Date
		y, ok = b.(period.Date)
		if ok {
			return a == y, nil
		}
	default:
		return false, fmt.Errorf("cannot compare %s", typeName(a))
	}
	return false, fmt.Errorf("cannot compare %s with %s", typeName(a), typeName(b))
}

func compare(op string, l, r any) (any, error) {
	var c int
	switch a := l.(type) {
	case float64:
		b, ok := r.(float64)
		if !ok {
			return nil, fmt.Errorf("cannot order %s and %s", typeName(l), typeName(r))
		}
		c = cmp.Compare(a, b)
	case period.Date:
		b, ok := r.(period.Date)
		if !ok {
			return nil, fmt.Errorf("cannot order %s and %s", typeName(l), typeName(r))
		}
		c = a.Compare(b)
	case string:
		b, ok := r.(string)
		if !ok {
			return nil, fmt.Errorf("cannot order %s and %s", typeName(l), typeName(r))
		}
		c = strings.Compare(a, b)
	default:
		return nil, fmt.Errorf("cannot order %s", typeName(l))
	}
	switch op {
	case "<":
		return c < 0, nil
	case "<=":
		return c <= 0, nil
	case ">":
		return c > 0, nil
	}
	return c >= 0, nil
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case float64:
		return "number"
	case string:
		return "text"
	case bool:
		return "true/false"
	case period.Date:
		return "date"
	case []any:
		return "list"
	}
	return fmt.Sprintf("%T", v)
}

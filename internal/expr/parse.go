package expr

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Error is a syntax or type error at a position of the source.
type Error struct {
	Pos Pos
	Msg string
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// maxDepth bounds nesting, so that hostile input cannot exhaust the stack.
const maxDepth = 200

// Parse parses src into a tree. The error, if any, is an *Error with the
// position of the first problem.
func Parse(src string) (Node, error) {
	p := &parser{lx: newLexer(src)}
	if err := p.advance(); err != nil {
		return nil, err
	}
	n, err := p.expr()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tEOF {
		return nil, p.errorf("unexpected %s after the end of the expression", describe(p.tok))
	}
	return n, nil
}

type parser struct {
	lx    *lexer
	tok   token
	depth int
}

func (p *parser) advance() error {
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

func (p *parser) errorf(format string, args ...any) error {
	return &Error{Pos: p.tok.pos, Msg: fmt.Sprintf(format, args...)}
}

func describe(t token) string {
	switch t.kind {
	case tEOF:
		return "end of the expression"
	case tString:
		return "string " + strconv.Quote(t.text)
	default:
		return strconv.Quote(t.text)
	}
}

func (p *parser) isWord(w string) bool { return p.tok.kind == tName && p.tok.text == w }

func (p *parser) expr() (Node, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, p.errorf("expression nested more than %d deep", maxDepth)
	}
	return p.binaryLevel(0)
}

// levels lists the binary operators from the loosest binding to the
// tightest; comparison (level 2) does not chain.
var levels = [][]string{{"or"}, {"and"}, {"=", "!=", "<", "<=", ">", ">="}, {"+", "-"}, {"*", "/"}}

func (p *parser) binaryLevel(level int) (Node, error) {
	if level == len(levels) {
		return p.unary()
	}
	if level == 2 { // "not" binds looser than comparison, tighter than "and"
		if p.isWord("not") {
			at := p.tok.pos
			if err := p.advance(); err != nil {
				return nil, err
			}
			x, err := p.binaryLevel(2)
			if err != nil {
				return nil, err
			}
			return &Unary{At: at, Op: "not", X: x}, nil
		}
	}
	x, err := p.binaryLevel(level + 1)
	if err != nil {
		return nil, err
	}
	for p.matchOp(levels[level]) {
		op, at := p.tok.text, p.tok.pos
		if err := p.advance(); err != nil {
			return nil, err
		}
		y, err := p.binaryLevel(level + 1)
		if err != nil {
			return nil, err
		}
		x = &Binary{At: at, Op: op, X: x, Y: y}
		if level == 2 {
			if p.matchOp(levels[2]) {
				return nil, p.errorf("comparisons do not chain: write a < b and b < c")
			}
			break
		}
	}
	return x, nil
}

func (p *parser) matchOp(ops []string) bool {
	if p.tok.kind != tOp && p.tok.kind != tName {
		return false
	}
	for _, o := range ops {
		if p.tok.text == o {
			return true
		}
	}
	return false
}

func (p *parser) unary() (Node, error) {
	if p.tok.kind == tOp && p.tok.text == "-" {
		at := p.tok.pos
		if err := p.advance(); err != nil {
			return nil, err
		}
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > maxDepth {
			return nil, p.errorf("expression nested more than %d deep", maxDepth)
		}
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &Unary{At: at, Op: "-", X: x}, nil
	}
	return p.primary()
}

func (p *parser) primary() (Node, error) {
	t := p.tok
	switch t.kind {
	case tNumber:
		v, err := strconv.ParseFloat(t.text, 64)
		if err != nil || math.IsInf(v, 0) {
			return nil, p.errorf("malformed number %q", t.text)
		}
		return &Number{At: t.pos, Value: v, Text: t.text}, p.advance()
	case tString:
		return &String{At: t.pos, Value: t.text}, p.advance()
	case tRefOpen:
		return p.ref()
	case tLParen:
		if err := p.advance(); err != nil {
			return nil, err
		}
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		if p.tok.kind != tRParen {
			return nil, p.errorf(`expected ")", found %s`, describe(p.tok))
		}
		return x, p.advance()
	case tName:
		switch t.text {
		case "true", "false":
			return &Bool{At: t.pos, Value: t.text == "true"}, p.advance()
		case "and", "or", "not":
			return nil, p.errorf("expected a value, found %q", t.text)
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		if p.tok.kind == tLParen {
			return p.call(t)
		}
		return &Field{At: t.pos, Name: t.text}, nil
	}
	return nil, p.errorf("expected a value, found %s", describe(t))
}

func (p *parser) call(name token) (Node, error) {
	c := &Call{At: name.pos, Name: name.text}
	if err := p.advance(); err != nil { // "("
		return nil, err
	}
	if p.tok.kind == tRParen {
		return c, p.advance()
	}
	for {
		a, err := p.expr()
		if err != nil {
			return nil, err
		}
		c.Args = append(c.Args, a)
		switch p.tok.kind {
		case tComma:
			if err := p.advance(); err != nil {
				return nil, err
			}
		case tRParen:
			return c, p.advance()
		default:
			return nil, p.errorf(`expected "," or ")" in the arguments of %s, found %s`, c.Name, describe(p.tok))
		}
	}
}

// ref parses a reference after its opening "#{", "pop{", "I{" or "C{",
// reading names and filter values with the lexer directly.
func (p *parser) ref() (Node, error) {
	open := p.tok
	r := &Ref{At: open.pos}
	for k, o := range refOpen {
		if o == open.text {
			r.Kind = k
		}
	}
	lx := p.lx
	if r.Kind != RefPopulation {
		name, at, err := lx.refName()
		if err != nil {
			return nil, err
		}
		if strings.ContainsAny(name, " \t") {
			return nil, &Error{Pos: at, Msg: fmt.Sprintf("name %q contains a space", name)}
		}
		r.Name = name
		if lx.peekRune() == '=' {
			return nil, &Error{Pos: at, Msg: fmt.Sprintf("%s…} starts with a name, not a filter", open.text)}
		}
	}
	first := true
	for {
		lx.skipSpace()
		switch lx.peekRune() {
		case '}':
			lx.advance()
			if r.Kind == RefIndicator || r.Kind == RefConstant {
				if len(r.Filters) > 0 {
					return nil, &Error{Pos: r.Filters[0].At, Msg: "indicators and constants take no filters"}
				}
			}
			return r, p.advance()
		case ';':
			lx.advance()
		case -1:
			return nil, &Error{Pos: lx.pos(), Msg: `reference not closed with "}"`}
		default:
			if !(first && r.Kind == RefPopulation) {
				return nil, &Error{Pos: lx.pos(), Msg: `expected ";" or "}" in the reference`}
			}
		}
		first = false
		lx.skipSpace()
		if lx.peekRune() == '}' {
			continue
		}
		f, err := p.filter()
		if err != nil {
			return nil, err
		}
		r.Filters = append(r.Filters, f)
	}
}

func (p *parser) filter() (Filter, error) {
	lx := p.lx
	dim, at, err := lx.refName()
	if err != nil {
		return Filter{}, err
	}
	f := Filter{At: at, Dim: dim}
	if lx.peekRune() != '=' {
		return f, &Error{Pos: lx.pos(), Msg: fmt.Sprintf(`expected "=" after %q (a filter is dimension=value)`, dim)}
	}
	lx.advance()
	for {
		v, _, err := lx.filterValue()
		if err != nil {
			return f, err
		}
		f.Values = append(f.Values, v)
		if lx.peekRune() != ',' {
			return f, nil
		}
		lx.advance()
	}
}

package expr

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Pos is a position in an expression's source: 1-based line and column
// (in characters), and the byte offset.
type Pos struct {
	Line, Col, Offset int
}

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

type tokenKind int

const (
	tEOF tokenKind = iota
	tNumber
	tString
	tName
	tRefOpen // "#{", "pop{", "I{", "C{": the text says which
	tRBrace
	tLParen
	tRParen
	tComma
	tSemi
	tOp // + - * / = != < <= > >=
)

type token struct {
	kind tokenKind
	text string
	pos  Pos
}

// lexer turns source into tokens; inside a reference's braces it reads
// filter values, which may hold characters a name may not.
type lexer struct {
	src  string
	off  int
	line int
	col  int
}

func newLexer(src string) *lexer { return &lexer{src: src, line: 1, col: 1} }

func (l *lexer) pos() Pos { return Pos{l.line, l.col, l.off} }

func (l *lexer) peekRune() rune {
	if l.off >= len(l.src) {
		return -1
	}
	r, _ := utf8.DecodeRuneInString(l.src[l.off:])
	return r
}

func (l *lexer) advance() rune {
	r, n := utf8.DecodeRuneInString(l.src[l.off:])
	l.off += n
	if r == '\n' {
		l.line++
		l.col = 1
	} else {
		l.col++
	}
	return r
}

func (l *lexer) skipSpace() {
	for l.off < len(l.src) {
		r := l.peekRune()
		switch {
		case unicode.IsSpace(r):
			l.advance()
		case strings.HasPrefix(l.src[l.off:], "//"):
			for l.off < len(l.src) && l.peekRune() != '\n' {
				l.advance()
			}
		default:
			return
		}
	}
}

func isNameRune(r rune) bool {
	return r == '_' || r == '.' || (r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)))
}

// next reads the next token.
func (l *lexer) next() (token, error) {
	l.skipSpace()
	p := l.pos()
	if l.off >= len(l.src) {
		return token{kind: tEOF, pos: p}, nil
	}
	rest := l.src[l.off:]
	for _, open := range []string{"#{", "pop{", "I{", "C{"} {
		if strings.HasPrefix(rest, open) {
			for range open {
				l.advance()
			}
			return token{tRefOpen, open, p}, nil
		}
	}
	r := l.peekRune()
	switch {
	case r >= '0' && r <= '9' || (r == '.' && len(rest) > 1 && rest[1] >= '0' && rest[1] <= '9'):
		return l.number(p)
	case r == '"':
		return l.str(p)
	case isNameRune(r):
		start := l.off
		for l.off < len(l.src) && isNameRune(l.peekRune()) {
			l.advance()
		}
		return token{tName, l.src[start:l.off], p}, nil
	}
	l.advance()
	switch r {
	case '}':
		return token{tRBrace, "}", p}, nil
	case '(':
		return token{tLParen, "(", p}, nil
	case ')':
		return token{tRParen, ")", p}, nil
	case ',':
		return token{tComma, ",", p}, nil
	case ';':
		return token{tSemi, ";", p}, nil
	case '+', '-', '*', '/', '=':
		return token{tOp, string(r), p}, nil
	case '!', '<', '>':
		if l.peekRune() == '=' {
			l.advance()
			return token{tOp, string(r) + "=", p}, nil
		}
		if r == '!' {
			return token{}, &Error{Pos: p, Msg: `"!" must be followed by "=" (use "not" to negate)`}
		}
		return token{tOp, string(r), p}, nil
	}
	return token{}, &Error{Pos: p, Msg: fmt.Sprintf("unexpected character %q", r)}
}

func (l *lexer) number(p Pos) (token, error) {
	start := l.off
	seenDot, seenExp := false, false
	for l.off < len(l.src) {
		r := l.peekRune()
		switch {
		case r >= '0' && r <= '9':
		case r == '.' && !seenDot && !seenExp:
			seenDot = true
		case (r == 'e' || r == 'E') && !seenExp:
			seenExp = true
			l.advance()
			if s := l.peekRune(); s == '+' || s == '-' {
				l.advance()
			}
			continue
		default:
			if isNameRune(r) {
				return token{}, &Error{Pos: p, Msg: fmt.Sprintf("malformed number %q", l.src[start:l.off+1])}
			}
			return token{tNumber, l.src[start:l.off], p}, nil
		}
		l.advance()
	}
	return token{tNumber, l.src[start:l.off], p}, nil
}

func (l *lexer) str(p Pos) (token, error) {
	l.advance() // opening quote
	var b strings.Builder
	for {
		if l.off >= len(l.src) {
			return token{}, &Error{Pos: p, Msg: "string not closed"}
		}
		r := l.advance()
		switch r {
		case '"':
			return token{tString, b.String(), p}, nil
		case '\\':
			if l.off >= len(l.src) {
				return token{}, &Error{Pos: p, Msg: "string not closed"}
			}
			b.WriteRune(l.advance())
		case '\n':
			return token{}, &Error{Pos: p, Msg: "string not closed before the end of the line"}
		default:
			b.WriteRune(r)
		}
	}
}

// filterValue reads one filter value inside a reference: anything up to
// ',', ';' or '}', trimmed.
func (l *lexer) filterValue() (string, Pos, error) {
	return l.until(",;}", "empty filter value")
}

// refName reads a reference's name or a filter's dimension: anything up to
// ';', '=', ',' or '}', trimmed (Chinese dimension names are allowed).
func (l *lexer) refName() (string, Pos, error) {
	return l.until(";=},", "a name is missing here")
}

// until reads up to one of stops (or the end of the line), trimmed; an
// empty result is the error empty.
func (l *lexer) until(stops, empty string) (string, Pos, error) {
	l.skipSpace()
	p := l.pos()
	start := l.off
	for l.off < len(l.src) {
		if r := l.peekRune(); r == '\n' || strings.ContainsRune(stops, r) {
			v := strings.TrimSpace(l.src[start:l.off])
			if v == "" {
				return "", p, &Error{Pos: p, Msg: empty}
			}
			return v, p, nil
		}
		l.advance()
	}
	return "", p, &Error{Pos: p, Msg: `reference not closed with "}"`}
}

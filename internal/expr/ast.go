package expr

import (
	"strconv"
	"strings"
)

// Node is an expression tree node.
type Node interface {
	Pos() Pos
	// String prints the node back as source that parses to the same tree.
	String() string
}

// Number is a numeric literal.
type Number struct {
	At    Pos
	Value float64
	Text  string
}

// Bool is true or false.
type Bool struct {
	At    Pos
	Value bool
}

// String is a string literal (only as a function argument).
type String struct {
	At    Pos
	Value string
}

// RefKind says what a reference names.
type RefKind int

// The kinds of reference.
const (
	RefData       RefKind = iota // #{element; filters}: a data element sum
	RefPopulation                // pop{filters}: population
	RefIndicator                 // I{code}: another indicator
	RefConstant                  // C{code}: a constant
)

var refOpen = map[RefKind]string{RefData: "#{", RefPopulation: "pop{", RefIndicator: "I{", RefConstant: "C{"}

// Filter keeps the rows whose dimension Dim has one of Values.
type Filter struct {
	At     Pos
	Dim    string
	Values []string
}

// Ref is a reference to data.
type Ref struct {
	At      Pos
	Kind    RefKind
	Name    string // empty for population
	Filters []Filter
}

// Field is a field of the row a rule is evaluated on.
type Field struct {
	At   Pos
	Name string
}

// Unary is "-x" or "not x".
type Unary struct {
	At Pos
	Op string
	X  Node
}

// Binary is "x op y".
type Binary struct {
	At   Pos
	Op   string
	X, Y Node
}

// Call is a function call.
type Call struct {
	At   Pos
	Name string
	Args []Node
}

func (n *Number) Pos() Pos { return n.At }
func (n *Bool) Pos() Pos   { return n.At }
func (n *String) Pos() Pos { return n.At }
func (n *Ref) Pos() Pos    { return n.At }
func (n *Field) Pos() Pos  { return n.At }
func (n *Unary) Pos() Pos  { return n.At }
func (n *Binary) Pos() Pos { return n.At }
func (n *Call) Pos() Pos   { return n.At }

func (n *Number) String() string { return strconv.FormatFloat(n.Value, 'g', -1, 64) }
func (n *Bool) String() string   { return strconv.FormatBool(n.Value) }
func (n *String) String() string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(n.Value) + `"`
}
func (n *Field) String() string { return n.Name }

func (n *Ref) String() string {
	var b strings.Builder
	b.WriteString(refOpen[n.Kind])
	b.WriteString(n.Name)
	for i, f := range n.Filters {
		if i > 0 || n.Name != "" {
			b.WriteString("; ")
		}
		b.WriteString(f.Dim + "=" + strings.Join(f.Values, ","))
	}
	b.WriteString("}")
	return b.String()
}

func (n *Unary) String() string {
	if n.Op == "not" {
		return "(not " + n.X.String() + ")"
	}
	return "(" + n.Op + n.X.String() + ")"
}

func (n *Binary) String() string { return "(" + n.X.String() + " " + n.Op + " " + n.Y.String() + ")" }

func (n *Call) String() string {
	args := make([]string, len(n.Args))
	for i, a := range n.Args {
		args[i] = a.String()
	}
	return n.Name + "(" + strings.Join(args, ", ") + ")"
}

// Walk calls fn for n and every node below it, depth first; fn returning
// false skips the node's children.
func Walk(n Node, fn func(Node) bool) {
	if !fn(n) {
		return
	}
	switch n := n.(type) {
	case *Unary:
		Walk(n.X, fn)
	case *Binary:
		Walk(n.X, fn)
		Walk(n.Y, fn)
	case *Call:
		for _, a := range n.Args {
			Walk(a, fn)
		}
	}
}

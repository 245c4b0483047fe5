package expr

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// SQL translates a row rule into a SQL condition, for a store to count the persons or events that meet it in one query
// instead of testing rows in Go. columns maps each field to its SQL
// expression (a column name the caller controls; never user text).
// Numbers are written into the text (they are formatted here, so nothing
// the user wrote reaches SQL as text): a parameter's type is unknown to
// PostgreSQL in "-$1", and an integer column compared with a float8
// parameter would be converted the other way on each database. The
// condition means what EvalRow means: a comparison with a missing value is
// unknown, "and"/"or" follow SQL's three-valued logic, and unknown rows are
// not counted. It works on SQLite and PostgreSQL alike; min, max and round
// have no common SQL form and are refused (evaluate such rules with
// EvalRow).
func SQL(rule Node, columns map[string]string) (string, error) {
	var b sqlBuilder
	b.columns = columns
	if err := b.node(rule); err != nil {
		return "", err
	}
	return b.sb.String(), nil
}

type sqlBuilder struct {
	sb      strings.Builder
	columns map[string]string
}

func (b *sqlBuilder) node(n Node) error {
	switch n := n.(type) {
	case *Number:
		if math.IsNaN(n.Value) || math.IsInf(n.Value, 0) {
			return &Error{Pos: n.At, Msg: "not a finite number"}
		}
		b.sb.WriteString("(" + strconv.FormatFloat(n.Value, 'f', -1, 64) + ")")
	case *String:
		// a literal of the rule's text (an option code): quoted, quotes doubled
		b.sb.WriteString("'" + strings.ReplaceAll(n.Value, "'", "''") + "'")
	case *Bool:
		if n.Value {
			b.sb.WriteString("TRUE")
		} else {
			b.sb.WriteString("FALSE")
		}
	case *Field:
		col, ok := b.columns[n.Name]
		if !ok {
			return &Error{Pos: n.At, Msg: fmt.Sprintf("field %q has no column", n.Name)}
		}
		b.sb.WriteString(col)
	case *Unary:
		if n.Op == "not" {
			b.sb.WriteString("(NOT ")
		} else {
			b.sb.WriteString("(-")
		}
		if err := b.node(n.X); err != nil {
			return err
		}
		b.sb.WriteString(")")
	case *Binary:
		return b.binary(n)
	case *Call:
		return b.call(n)
	default:
		return &Error{Pos: n.Pos(), Msg: fmt.Sprintf("%s cannot be part of a row rule in SQL", n)}
	}
	return nil
}

var sqlOps = map[string]string{"and": "AND", "or": "OR", "=": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">=", "+": "+", "-": "-", "*": "*"}

func (b *sqlBuilder) binary(n *Binary) error {
	b.sb.WriteString("(")
	if n.Op == "/" {
		// real division on both databases, no data for a zero divisor
		b.sb.WriteString("(")
		if err := b.node(n.X); err != nil {
			return err
		}
		b.sb.WriteString(") * 1.0 / NULLIF(")
		if err := b.node(n.Y); err != nil {
			return err
		}
		b.sb.WriteString(", 0))")
		return nil
	}
	if err := b.node(n.X); err != nil {
		return err
	}
	b.sb.WriteString(" " + sqlOps[n.Op] + " ")
	if err := b.node(n.Y); err != nil {
		return err
	}
	b.sb.WriteString(")")
	return nil
}

func (b *sqlBuilder) call(n *Call) error {
	switch n.Name {
	case "if":
		parts := []string{"(CASE WHEN ", " THEN ", " ELSE ", " END)"}
		for i, a := range n.Args {
			b.sb.WriteString(parts[i])
			if err := b.node(a); err != nil {
				return err
			}
		}
		b.sb.WriteString(parts[3])
		return nil
	case "coalesce", "abs":
		b.sb.WriteString(strings.ToUpper(n.Name) + "(")
		for i, a := range n.Args {
			if i > 0 {
				b.sb.WriteString(", ")
			}
			if err := b.node(a); err != nil {
				return err
			}
		}
		b.sb.WriteString(")")
		return nil
	}
	return &Error{Pos: n.At, Msg: n.Name + " has no SQL form shared by SQLite and PostgreSQL; the rule is evaluated row by row"}
}

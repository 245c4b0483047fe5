package sqlstore

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// SchemaSummary describes the tables of the database in a dialect-neutral
// text, one sorted line per fact, which tests compare between SQLite and
// PostgreSQL:
//
//	table.column [NOT NULL] [PK]                  every column
//	table FK (cols) -> table (cols) ON DELETE x   every foreign key
//	table UNIQUE (cols) [WHERE predicate]         every unique constraint or index but the primary key
//	table CHECK (cols)                            every CHECK constraint, by the columns it reads
//
// Index columns and predicates are compared as text, in lower case without
// extra spaces ("lower(username)", "valid_to is null"). A CHECK is compared by
// the columns it reads, not its expression: PostgreSQL stores a rewritten
// expression ("sex = ANY (ARRAY[0, 1, 2])" for "sex IN (0, 1, 2)").
func (s *Store) SchemaSummary(ctx context.Context) (string, error) {
	var lines []string
	var err error
	if s.d.name == "sqlite" {
		lines, err = s.sqliteSchema(ctx)
	} else {
		lines, err = s.postgresSchema(ctx)
	}
	if err != nil {
		return "", fmt.Errorf("read schema: %w", err)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\n", nil
}

// columnLine is the line of one column.
func columnLine(table, col string, notNull, pk bool) string {
	line := table + "." + col
	if notNull {
		line += " NOT NULL"
	}
	if pk {
		line += " PK"
	}
	return line
}

func fkLine(table, cols, ref, refCols, onDelete string) string {
	return fmt.Sprintf("%s FK (%s) -> %s (%s) ON DELETE %s", table, cols, ref, refCols, onDelete)
}

func uniqueLine(table string, cols []string, where string) string {
	line := table + " UNIQUE (" + strings.Join(cols, ",") + ")"
	if where = normSQL(where); where != "" {
		line += " WHERE " + where
	}
	return line
}

// normSQL is an expression in lower case with single spaces, none next
// to parentheses and commas, and without outer parentheses, for
// comparing the text of the two dialects.
func normSQL(e string) string {
	e = strings.ToLower(strings.Join(strings.Fields(e), " "))
	e = sqlPunct.Replace(sqlPunct.Replace(e))
	for len(e) >= 2 && e[0] == '(' && e[len(e)-1] == ')' && balanced(e[1:len(e)-1]) {
		e = e[1 : len(e)-1]
	}
	return e
}

var sqlPunct = strings.NewReplacer(" (", "(", "( ", "(", " )", ")", ") ", ")", " ,", ",", ", ", ",")

// balanced reports whether the parentheses of e pair up.
func balanced(e string) bool {
	n := 0
	for _, c := range e {
		switch c {
		case '(':
			n++
		case ')':
			if n--; n < 0 {
				return false
			}
		}
	}
	return n == 0
}

// queryLines runs q and turns each row, scanned as strings, into lines.
func (s *Store) queryLines(ctx context.Context, q string, line func(v []string) []string, args ...any) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []string
	for rows.Next() {
		raw := make([]any, len(cols))
		dest := make([]any, len(cols))
		for i := range raw {
			dest[i] = &raw[i]
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		v := make([]string, len(cols))
		for i, x := range raw {
			switch x := x.(type) {
			case nil:
			case []byte:
				v[i] = string(x)
			default:
				v[i] = fmt.Sprint(x)
			}
		}
		out = append(out, line(v)...)
	}
	return out, rows.Err()
}

package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// valuesInsert inserts with multi-row VALUES statements, as many rows per
// statement as the parameter limit allows (SQLite).
func valuesInsert(ctx context.Context, t *Tx, table string, cols []string, rows [][]any) error {
	per := t.s.d.rowsPerInsert(len(cols))
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	head := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		var b strings.Builder
		b.WriteString(head)
		args := make([]any, 0, len(chunk)*len(cols))
		for i, r := range chunk {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(one)
			args = append(args, r...)
		}
		stmt, err := t.prepared(ctx, t.s.d.rebind(b.String()))
		if err != nil {
			return err
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	return nil
}

// valuesStream inserts the rows next returns with valuesInsert, 5,000 at
// a time (SQLite: one process does everything anyway).
func valuesStream(ctx context.Context, t *Tx, table string, cols []string, next func() ([]any, error)) error {
	var rows [][]any
	for {
		r, err := next()
		if err != nil {
			return err
		}
		if r != nil {
			rows = append(rows, r)
		}
		if len(rows) > 0 && (r == nil || len(rows) == 5000) {
			if err := valuesInsert(ctx, t, table, cols, rows); err != nil {
				return err
			}
			rows = rows[:0]
		}
		if r == nil {
			return nil
		}
	}
}

// copyInsert inserts on PostgreSQL with COPY … FROM STDIN (binary), on
// the transaction's connection: no statement to plan, no parameters to
// bind one by one; several times faster than multi-row INSERTs. Values
// are the ones an INSERT takes; dates (dateVal) travel as dates.
func copyInsert(ctx context.Context, t *Tx, table string, cols []string, rows [][]any) error {
	i := 0
	return copyStream(ctx, t, table, cols, func() ([]any, error) {
		if i == len(rows) {
			return nil, nil
		}
		i++
		return rows[i-1], nil
	})
}

// copyStream is copyInsert of the rows next returns. pgx calls next on a
// goroutine of its own while this one sends what it has encoded, so the
// server writes the rows already sent while next makes the following ones.
// An error of next aborts the COPY (the transaction with it).
func copyStream(ctx context.Context, t *Tx, table string, cols []string, next func() ([]any, error)) error {
	return t.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("copy into %s: not a pgx connection (%T)", table, dc)
		}
		_, err := c.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, &copySource{next: next, buf: make([]any, len(cols))})
		return err
	})
}

// rowsPerInsert is how many rows of ncols columns one multi-row INSERT
// carries (valuesInsert): as many as the parameters allow, at most 1000.
func (d *dialect) rowsPerInsert(ncols int) int {
	return min(d.maxParams/ncols, 1000)
}

// copySource is a pgx.CopyFromSource over a function.
type copySource struct {
	next func() ([]any, error)
	row  []any
	buf  []any
	err  error
}

func (c *copySource) Next() bool {
	c.row, c.err = c.next()
	return c.row != nil && c.err == nil
}

func (c *copySource) Values() ([]any, error) {
	for j, v := range c.row {
		switch x := v.(type) {
		case dateVal:
			if time.Time(x).IsZero() {
				c.buf[j] = nil
			} else {
				c.buf[j] = time.Time(x)
			}
		default:
			c.buf[j] = v
		}
	}
	return c.buf, nil
}

func (c *copySource) Err() error { return c.err }

// constInsert is valuesInsert for a load of residents on SQLite: the
// columns marked in consts that hold one value in every row of a
// statement (the county, a version, the load's time stamps, NULL) are
// written into it as literals instead of being bound with every row —
// binding, with its copy of every text, is a fifth of the demo's writer.
// A column whose value varies in the statement's rows, or is not of a
// type sqlLiteral writes, is bound as valuesInsert binds it; the rows
// stored are the same.
func constInsert(ctx context.Context, t *Tx, table string, cols []string, consts []bool, rows [][]any) error {
	per := t.s.d.rowsPerInsert(len(cols))
	head := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "
	lits := make([]string, len(cols))
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		nvar := 0
		for j := range cols {
			lits[j] = ""
			if consts[j] {
				lits[j] = constLiteral(chunk, j)
			}
			if lits[j] == "" {
				nvar++
			}
		}
		var b strings.Builder
		b.WriteString(head)
		args := make([]any, 0, len(chunk)*nvar)
		for i, r := range chunk {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('(')
			for j, v := range r {
				if j > 0 {
					b.WriteByte(',')
				}
				if lits[j] != "" {
					b.WriteString(lits[j])
				} else {
					b.WriteByte('?')
					args = append(args, v)
				}
			}
			b.WriteByte(')')
		}
		stmt, err := t.prepared(ctx, b.String())
		if err != nil {
			return err
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	return nil
}

// constLiteral is the SQL literal of column j when every row holds the
// same value there and sqlLiteral writes it, else "".
func constLiteral(rows [][]any, j int) string {
	v := rows[0][j]
	lit, ok := sqlLiteral(v)
	if !ok {
		return ""
	}
	for _, r := range rows[1:] {
		if r[j] != v { // comparable: sqlLiteral took only plain types
			return ""
		}
	}
	return lit
}

// sqlLiteral writes v as SQLite stores it when bound: NULL, an integer
// (a bool as 0 or 1, as the driver binds it) or a text without NUL.
func sqlLiteral(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "NULL", true
	case bool:
		if x {
			return "1", true
		}
		return "0", true
	case int64:
		return strconv.FormatInt(x, 10), true
	case string:
		if strings.IndexByte(x, 0) >= 0 {
			return "", false
		}
		return "'" + strings.ReplaceAll(x, "'", "''") + "'", true
	}
	return "", false
}

// driverValues converts a row's values in place to what database/sql
// would hand the SQLite driver (dates to their text, int to int64), so
// that a load's encoder goroutine does it rather than its writer.
func driverValues(row []any) {
	for j, v := range row {
		switch x := v.(type) {
		case dateVal:
			row[j], _ = x.Value()
		case int:
			row[j] = int64(x)
		}
	}
}

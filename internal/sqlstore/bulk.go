package sqlstore

import (
	"context"
	"fmt"
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

// copyInsert inserts on PostgreSQL with COPY … FROM STDIN (binary), on
// the transaction's connection: no statement to plan, no parameters to
// bind one by one; several times faster than multi-row INSERTs. Values
// are the ones an INSERT takes; dates (dateVal) travel as dates.
func copyInsert(ctx context.Context, t *Tx, table string, cols []string, rows [][]any) error {
	buf := make([]any, len(cols))
	src := pgx.CopyFromSlice(len(rows), func(i int) ([]any, error) {
		for j, v := range rows[i] {
			switch x := v.(type) {
			case dateVal:
				if time.Time(x).IsZero() {
					buf[j] = nil
				} else {
					buf[j] = time.Time(x)
				}
			default:
				buf[j] = v
			}
		}
		return buf, nil
	})
	return t.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("copy into %s: not a pgx connection (%T)", table, dc)
		}
		_, err := c.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, src)
		return err
	})
}

// rowsPerInsert is how many rows of ncols columns one multi-row INSERT
// carries (valuesInsert): as many as the parameters allow, at most 1000.
func (d *dialect) rowsPerInsert(ncols int) int {
	return min(d.maxParams/ncols, 1000)
}

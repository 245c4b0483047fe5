package sqlstore

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// valuesInsert inserts with multi-row VALUES statements, as many rows per
// statement as the parameter limit allows (SQLite).
func valuesInsert(ctx context.Context, t *Tx, table string, cols []string, rows [][]any) error {
	per := min(t.s.d.maxParams/len(cols), 1000)
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

// unnestInsert inserts on PostgreSQL with one array parameter per column:
// INSERT … SELECT c1::bigint, … FROM unnest($1::text[], …). A 14-column
// VALUES statement of 1,000 rows has 14,000 parameters for the server to
// plan and the driver to encode one by one; 14 arrays are planned once,
// which makes bulk imports several times faster. Values travel as text
// and are cast to each column's type, read once from the catalog.
func unnestInsert(ctx context.Context, t *Tx, table string, cols []string, rows [][]any) error {
	types, err := t.s.columnTypes(ctx, t, table)
	if err != nil {
		return err
	}
	var sel, arr []string
	for i, c := range cols {
		typ, ok := types[c]
		if !ok {
			return fmt.Errorf("no column %s.%s", table, c)
		}
		sel = append(sel, fmt.Sprintf("x.c%d::%s", i, typ))
		arr = append(arr, "?::text[]")
	}
	q := t.s.d.rebind(fmt.Sprintf("INSERT INTO %s (%s) SELECT %s FROM unnest(%s) AS x(%s)", table,
		strings.Join(cols, ", "), strings.Join(sel, ", "), strings.Join(arr, ", "), colAliases(len(cols))))
	const per = 10000
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		args := make([]any, len(cols))
		for j := range cols {
			col := make([]*string, len(chunk))
			for i, r := range chunk {
				if col[i], err = asText(r[j]); err != nil {
					return fmt.Errorf("%s.%s: %w", table, cols[j], err)
				}
			}
			args[j] = col
		}
		if _, err := t.tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

func colAliases(n int) string {
	a := make([]string, n)
	for i := range a {
		a[i] = "c" + strconv.Itoa(i)
	}
	return strings.Join(a, ", ")
}

// asText renders a value in PostgreSQL's text input format; nil is NULL.
func asText(v any) (*string, error) {
	var s string
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		s = x
	case int:
		s = strconv.Itoa(x)
	case int64:
		s = strconv.FormatInt(x, 10)
	case int32:
		s = strconv.FormatInt(int64(x), 10)
	case bool:
		s = strconv.FormatBool(x)
	case float64:
		s = strconv.FormatFloat(x, 'g', -1, 64)
	case time.Time:
		s = x.UTC().Format(time.RFC3339Nano)
	case driver.Valuer:
		dv, err := x.Value()
		if err != nil {
			return nil, err
		}
		return asText(dv)
	default:
		return nil, fmt.Errorf("cannot send %T as text", v)
	}
	return &s, nil
}

// columnTypes returns the SQL types of table's columns, cached.
func (s *Store) columnTypes(ctx context.Context, t *Tx, table string) (map[string]string, error) {
	if v, ok := s.colTypes.Load(table); ok {
		return v.(map[string]string), nil
	}
	rows, err := t.Query(ctx, `SELECT column_name, format_type(a.atttypid, a.atttypmod)
		FROM information_schema.columns c JOIN pg_attribute a
		  ON a.attrelid = (quote_ident(c.table_schema) || '.' || quote_ident(c.table_name))::regclass
		 AND a.attname = c.column_name
		WHERE c.table_schema = current_schema() AND c.table_name = ?`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	types := map[string]string{}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return nil, err
		}
		types[name] = typ
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	s.colTypes.Store(table, types)
	return types, nil
}

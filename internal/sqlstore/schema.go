package sqlstore

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// SchemaSummary describes the tables of the database in a dialect-neutral
// text: one line per column (table, column, NOT NULL or not, part of the
// primary key or not). Tests compare it between SQLite and PostgreSQL.
func (s *Store) SchemaSummary(ctx context.Context) (string, error) {
	var q string
	if s.d.name == "sqlite" {
		q = `SELECT m.name, p.name, p."notnull" OR p.pk > 0, p.pk > 0
			FROM sqlite_master m JOIN pragma_table_info(m.name) p
			WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`
	} else {
		q = `SELECT c.table_name, c.column_name, c.is_nullable = 'NO',
			EXISTS (SELECT 1 FROM information_schema.table_constraints tc
				JOIN information_schema.key_column_usage k ON k.constraint_name = tc.constraint_name
				 AND k.table_schema = tc.table_schema AND k.table_name = tc.table_name
				WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = c.table_schema
				  AND tc.table_name = c.table_name AND k.column_name = c.column_name)
			FROM information_schema.columns c WHERE c.table_schema = current_schema()`
	}
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return "", fmt.Errorf("read schema: %w", err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var table, col string
		var notNull, pk bool
		if err := rows.Scan(&table, &col, &notNull, &pk); err != nil {
			return "", err
		}
		line := table + "." + col
		if notNull {
			line += " NOT NULL"
		}
		if pk {
			line += " PK"
		}
		lines = append(lines, line)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\n", rows.Err()
}

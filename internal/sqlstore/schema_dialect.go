package sqlstore

import (
	"context"
	"sort"
	"strings"
)

// truthy reads a boolean scanned as text from either database.
func truthy(v string) bool { return v == "1" || v == "true" }

// sqliteSchema reads the summary lines from SQLite's catalog pragmas; the
// CHECK constraints and the columns of CREATE INDEX statements, which no
// pragma lists, from the stored CREATE statements.
func (s *Store) sqliteSchema(ctx context.Context) ([]string, error) {
	cols, err := s.queryLines(ctx, `SELECT m.name, p.name, p."notnull" OR p.pk > 0, p.pk > 0
		FROM sqlite_master m JOIN pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`, func(v []string) []string {
		return []string{columnLine(v[0], v[1], truthy(v[2]), truthy(v[3]))}
	})
	if err != nil {
		return nil, err
	}
	// One row per column of a foreign key, in order: join them.
	fks := map[string][]string{} // table#id → table, from cols, ref, to cols, on delete
	var fkKeys []string
	if _, err := s.queryLines(ctx, `SELECT m.name, f.id, f."table", f."from", f."to", f.on_delete
		FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, f.id, f.seq`, func(v []string) []string {
		k := v[0] + "#" + v[1]
		if fk, ok := fks[k]; ok {
			fk[1] += "," + v[3]
			fk[3] += "," + v[4]
			return nil
		}
		fks[k] = []string{v[0], v[3], v[2], v[4], v[5]}
		fkKeys = append(fkKeys, k)
		return nil
	}); err != nil {
		return nil, err
	}
	lines := cols
	for _, k := range fkKeys {
		fk := fks[k]
		lines = append(lines, fkLine(fk[0], fk[1], fk[2], fk[3], fk[4]))
	}
	uniques, err := s.queryLines(ctx, `SELECT m.name, il.name, coalesce(x.sql, ''),
		(SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_index_info(il.name) ORDER BY seqno))
		FROM sqlite_master m JOIN pragma_index_list(m.name) il
		LEFT JOIN sqlite_master x ON x.type = 'index' AND x.name = il.name
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND il."unique" AND il.origin != 'pk'`,
		func(v []string) []string {
			if v[2] == "" { // a UNIQUE constraint of the table
				return []string{uniqueLine(v[0], strings.Split(v[3], ","), "")}
			}
			cols, where := indexParts(v[2])
			return []string{uniqueLine(v[0], cols, where)}
		})
	if err != nil {
		return nil, err
	}
	lines = append(lines, uniques...)
	colsOf := map[string][]string{}
	for _, c := range cols {
		name, _, _ := strings.Cut(c, " ")
		t, col, _ := strings.Cut(name, ".")
		colsOf[t] = append(colsOf[t], col)
	}
	checks, err := s.queryLines(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
		func(v []string) []string {
			var out []string
			for _, expr := range checkExprs(v[1]) {
				out = append(out, v[0]+" CHECK ("+strings.Join(columnsIn(expr, colsOf[v[0]]), ",")+")")
			}
			return out
		})
	return append(lines, checks...), err
}

// postgresSchema reads the summary lines from PostgreSQL's catalogs, for
// the tables of the current schema.
func (s *Store) postgresSchema(ctx context.Context) ([]string, error) {
	var lines []string
	for _, q := range []struct {
		sql  string
		line func(v []string) string
	}{
		{`SELECT c.table_name, c.column_name, c.is_nullable = 'NO',
			EXISTS (SELECT 1 FROM information_schema.table_constraints tc
				JOIN information_schema.key_column_usage k ON k.constraint_name = tc.constraint_name
				 AND k.table_schema = tc.table_schema AND k.table_name = tc.table_name
				WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = c.table_schema
				  AND tc.table_name = c.table_name AND k.column_name = c.column_name)
			FROM information_schema.columns c WHERE c.table_schema = current_schema()`,
			func(v []string) string { return columnLine(v[0], v[1], truthy(v[2]), truthy(v[3])) }},
		{`SELECT t.relname,
			(SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n)
				JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum),
			r.relname,
			(SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(c.confkey) WITH ORDINALITY k(attnum, n)
				JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum),
			CASE c.confdeltype WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL'
				WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END
			FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
			WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace`,
			func(v []string) string { return fkLine(v[0], v[1], v[2], v[3], v[4]) }},
		// References checked by statement triggers instead of foreign
		// keys (migration 0016) are listed in the comment of the insert
		// trigger: "references: (cols) -> table (cols) ON DELETE x; …".
		{`SELECT c.relname, unnest(string_to_array(substr(d.description, length('references: ') + 1), '; '))
			FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
			JOIN pg_description d ON d.objoid = t.oid AND d.classoid = 'pg_trigger'::regclass
			WHERE c.relnamespace = current_schema()::regnamespace AND d.description LIKE 'references: %'`,
			func(v []string) string { return v[0] + " FK " + v[1] }},
		{`SELECT t.relname,
			(SELECT string_agg(pg_get_indexdef(i.indexrelid, k, true), '|' ORDER BY k) FROM generate_series(1, i.indnkeyatts) k),
			coalesce(pg_get_expr(i.indpred, i.indrelid, true), '')
			FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
			WHERE i.indisunique AND NOT i.indisprimary AND t.relnamespace = current_schema()::regnamespace`,
			func(v []string) string {
				cols := strings.Split(v[1], "|")
				for i := range cols {
					cols[i] = normSQL(cols[i])
				}
				return uniqueLine(v[0], cols, v[2])
			}},
		{`SELECT t.relname,
			(SELECT string_agg(a.attname, ',' ORDER BY a.attname) FROM unnest(c.conkey) k(attnum)
				JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum)
			FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
			WHERE c.contype = 'c' AND c.connamespace = current_schema()::regnamespace`,
			func(v []string) string { return v[0] + " CHECK (" + v[1] + ")" }},
	} {
		got, err := s.queryLines(ctx, q.sql, func(v []string) []string { return []string{q.line(v)} })
		if err != nil {
			return nil, err
		}
		lines = append(lines, got...)
	}
	return lines, nil
}

// indexParts reads the key expressions and the WHERE predicate of a
// CREATE INDEX statement, normalised.
func indexParts(stmt string) (cols []string, where string) {
	open := strings.IndexByte(stmt, '(')
	if open < 0 {
		return nil, ""
	}
	end := closing(stmt, open)
	for _, c := range splitTop(stmt[open+1 : end]) {
		cols = append(cols, normSQL(c))
	}
	rest := strings.TrimSpace(stmt[end+1:])
	if len(rest) > 5 && strings.EqualFold(rest[:5], "WHERE") {
		where = rest[5:]
	}
	return cols, where
}

// closing returns the index of the parenthesis closing the one at open
// (or the end of s), skipping quoted text.
func closing(s string, open int) int {
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '\'', '"':
			if j := strings.IndexByte(s[i+1:], s[i]); j >= 0 {
				i += j + 1
			}
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return i
			}
		}
	}
	return len(s)
}

// splitTop splits s at the commas outside parentheses.
func splitTop(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// checkExprs returns the expressions of the CHECK constraints of a
// CREATE TABLE statement, column and table constraints alike.
func checkExprs(stmt string) []string {
	var out []string
	upper := strings.ToUpper(stripComments(stmt))
	stmt = stripComments(stmt)
	for i := 0; ; {
		j := strings.Index(upper[i:], "CHECK")
		if j < 0 {
			return out
		}
		i += j + len("CHECK")
		before := byte(' ')
		if i-len("CHECK")-1 >= 0 {
			before = upper[i-len("CHECK")-1]
		}
		if isIdent(before) || i < len(upper) && isIdent(upper[i]) {
			continue // part of a longer name
		}
		open := strings.IndexByte(stmt[i:], '(')
		if open < 0 {
			return out
		}
		end := closing(stmt, i+open)
		out = append(out, stmt[i+open+1:end])
		i = end
	}
}

// stripComments removes "--" comments, which SQLite keeps in the stored
// statement.
func stripComments(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if i := strings.Index(line, "--"); i >= 0 {
			line = line[:i]
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
}

// columnsIn returns which of cols the expression names, sorted.
func columnsIn(expr string, cols []string) []string {
	words := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(expr), func(r rune) bool { return r > 127 || !isIdent(byte(r)) }) {
		words[w] = true
	}
	var out []string
	for _, c := range cols {
		if words[strings.ToLower(c)] {
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out
}

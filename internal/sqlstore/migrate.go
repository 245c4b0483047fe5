package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations
var migrationsFS embed.FS

// distributeFunc is the PostgreSQL function the migrations call after each
// CREATE TABLE (CITUS.md rule 4): weijian_distribute('t') makes t a
// reference table and weijian_distribute('t', 'county_code') distributes it
// by county, when the database has the citus extension; on plain
// PostgreSQL it does nothing. Foreign keys are added after the call, and
// the transaction switches to sequential shard modification, which Citus
// needs for a foreign key to a reference table created in the same
// transaction. It is created here rather than in a migration so that
// every migration may use it.
const distributeFunc = `CREATE OR REPLACE FUNCTION weijian_distribute(tbl text, dist_column text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
		RETURN;
	END IF;
	PERFORM set_config('citus.multi_shard_modify_mode', 'sequential', true);
	IF dist_column IS NULL THEN
		EXECUTE format('SELECT create_reference_table(%L)', tbl);
	ELSE
		EXECUTE format('SELECT create_distributed_table(%L, %L)', tbl, dist_column);
	END IF;
END
$fn$`

// Migration is one numbered schema change.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the embedded migrations of dialect ("sqlite" or
// "postgres"), in order. File names are NNNN_name.sql.
func Migrations(dialect string) ([]Migration, error) {
	dir := path.Join("migrations", dialect)
	entries, err := fs.ReadDir(migrationsFS, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations of %s: %w", dialect, err)
	}
	var ms []Migration
	for _, e := range entries {
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration file %s/%s: name must be NNNN_name.sql", dir, e.Name())
		}
		body, err := fs.ReadFile(migrationsFS, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: name, SQL: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	return ms, nil
}

// MigrationStatus is the schema state of a database.
type MigrationStatus struct {
	Current int   // highest applied version
	Latest  int   // highest embedded version
	Applied []int // versions applied by this call
}

// Migrate applies every embedded migration newer than the database's
// version, each in its own transaction, and returns what it did. On
// PostgreSQL an advisory lock keeps two starting servers from migrating at
// once; SQLite's immediate transactions do the same there.
func (s *Store) Migrate(ctx context.Context) (MigrationStatus, error) {
	var st MigrationStatus
	ms, err := Migrations(s.d.name)
	if err != nil {
		return st, err
	}
	if len(ms) > 0 {
		st.Latest = ms[len(ms)-1].Version
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return st, err
	}
	defer conn.Close()
	if s.d.name == "postgres" {
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(4242001)"); err != nil {
			return st, fmt.Errorf("lock for migration: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(4242001)")
	}
	if s.d.name == "postgres" {
		if _, err := conn.ExecContext(ctx, distributeFunc); err != nil {
			return st, fmt.Errorf("create weijian_distribute: %w", err)
		}
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migration (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return st, fmt.Errorf("create schema_migration: %w", err)
	}
	if err := conn.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_migration").Scan(&st.Current); err != nil {
		return st, fmt.Errorf("read schema version: %w", err)
	}
	if st.Current > st.Latest {
		return st, fmt.Errorf("database schema version %d is newer than this program's %d: upgrade weijian", st.Current, st.Latest)
	}
	for _, m := range ms {
		if m.Version <= st.Current {
			continue
		}
		applied, err := s.applyMigration(ctx, conn, m)
		if err != nil {
			return st, err
		}
		if !applied {
			continue // another process applied it meanwhile
		}
		st.Applied = append(st.Applied, m.Version)
		st.Current = m.Version
		s.log.Info("applied migration", "version", m.Version, "name", m.Name, "dialect", s.d.name)
	}
	return st, nil
}

// applyMigration applies m in a transaction, unless the version is
// already recorded: checked inside the transaction, which on SQLite holds
// the write lock from BEGIN IMMEDIATE (and on PostgreSQL runs under the
// advisory lock), so two processes starting at once apply it once.
func (s *Store) applyMigration(ctx context.Context, conn *sql.Conn, m Migration) (applied bool, err error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
			err = fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
		}
	}()
	var n int
	if err = tx.QueryRowContext(ctx, s.q("SELECT count(*) FROM schema_migration WHERE version = ?"), m.Version).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, tx.Rollback()
	}
	// SQLite runs a multi-statement script in one Exec. PostgreSQL gets
	// one statement at a time: Citus forwards some DDL on reference
	// tables to the workers with the whole query string, which fails
	// ("cannot insert multiple commands into a prepared statement") when
	// that string holds several commands.
	stmts := []string{m.SQL}
	if s.d.name == "postgres" {
		stmts = splitStatements(m.SQL)
	}
	for _, stmt := range stmts {
		if _, err = tx.ExecContext(ctx, stmt); err != nil {
			return false, fmt.Errorf("%w\n%s", err, firstLine(stmt))
		}
	}
	if _, err = tx.ExecContext(ctx, s.q("INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)"),
		m.Version, m.Name, s.now().UTC().Format(stampLayout)); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

// splitStatements splits a PostgreSQL script at the semicolons that end
// its statements — not those inside quotes, quoted identifiers, comments
// or dollar-quoted bodies — and drops empty pieces. Written by hand: the
// drivers have no splitter, and the scripts are our own migrations.
func splitStatements(script string) []string {
	var out []string
	start := 0
	emit := func(end int) {
		if stmt := strings.TrimSpace(script[start:end]); stmt != "" && !onlyComments(stmt) {
			out = append(out, stmt)
		}
		start = end + 1
	}
	for i := 0; i < len(script); i++ {
		switch c := script[i]; {
		case c == '\'' || c == '"':
			i = skipQuoted(script, i, c)
		case c == '-' && strings.HasPrefix(script[i:], "--"):
			for i < len(script) && script[i] != '\n' {
				i++
			}
		case c == '/' && strings.HasPrefix(script[i:], "/*"):
			if j := strings.Index(script[i+2:], "*/"); j >= 0 {
				i += j + 3
			} else {
				i = len(script)
			}
		case c == '$':
			if tag := dollarTag(script[i:]); tag != "" {
				if j := strings.Index(script[i+len(tag):], tag); j >= 0 {
					i += len(tag) + j + len(tag) - 1
				} else {
					i = len(script)
				}
			}
		case c == ';':
			emit(i)
		}
	}
	if start < len(script) {
		emit(len(script))
	}
	return out
}

// skipQuoted returns the index of the quote that closes the one at i
// (a doubled quote is part of the text).
func skipQuoted(s string, i int, q byte) int {
	for j := i + 1; j < len(s); j++ {
		if s[j] == q {
			if j+1 < len(s) && s[j+1] == q {
				j++
				continue
			}
			return j
		}
	}
	return len(s)
}

// dollarTag returns the dollar-quote opening s ("$$", "$fn$"), or "".
func dollarTag(s string) string {
	for j := 1; j < len(s); j++ {
		c := s[j]
		if c == '$' {
			return s[:j+1]
		}
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || j > 1 && c >= '0' && c <= '9') {
			return ""
		}
	}
	return ""
}

func onlyComments(stmt string) bool {
	for _, line := range strings.Split(stmt, "\n") {
		if l := strings.TrimSpace(line); l != "" && !strings.HasPrefix(l, "--") {
			return false
		}
	}
	return true
}

func firstLine(stmt string) string {
	line, _, _ := strings.Cut(stmt, "\n")
	return line
}

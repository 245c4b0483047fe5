// Package sqltest provides throwaway databases for tests: a SQLite file in
// the test's temporary directory, and a fresh schema in the PostgreSQL
// server named by WEIJIAN_TEST_POSTGRES (which scripts/check starts).
//
// When WEIJIAN_REQUIRE_POSTGRES=1 (set by scripts/check and CI), a missing
// PostgreSQL server fails the test instead of skipping it, so that a green
// run always means both databases were exercised.
package sqltest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/weijian-health/weijian/internal/sqlstore"
)

// Options are passed to sqlstore.Open.
type Options = sqlstore.Options

// SQLite returns a migrated store in a new SQLite file, closed at cleanup.
func SQLite(t testing.TB, opt Options) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Open(context.Background(), t.TempDir()+"/test.db", quiet(opt))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// PostgresDSN returns the DSN of the test server, skipping (or failing,
// when required) the test if there is none.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	return serverDSN(t, "WEIJIAN_TEST_POSTGRES", "WEIJIAN_REQUIRE_POSTGRES", "PostgreSQL")
}

// serverDSN reads the DSN of a test server from env; without one the test
// is skipped, or failed when require is "1" (scripts/check and CI set it,
// so that a green run always means the server was exercised).
func serverDSN(t testing.TB, env, require, what string) string {
	t.Helper()
	dsn := os.Getenv(env)
	if dsn == "" {
		if os.Getenv(require) == "1" {
			t.Fatalf("%s is not set but %s=1: run the tests through scripts/check", env, require)
		}
		t.Skipf("no %s: set %s (scripts/check does)", what, env)
	}
	return dsn
}

// Postgres returns a migrated store in a fresh schema of the test server;
// the schema is dropped at cleanup.
func Postgres(t testing.TB, opt Options) *sqlstore.Store {
	t.Helper()
	return postgresAt(t, PostgresDSN(t), opt)
}

// CitusDSN returns the DSN of the test Citus coordinator
// (WEIJIAN_TEST_CITUS, which scripts/check sets from scripts/citus.sh),
// skipping the test if there is none — or failing it when
// WEIJIAN_REQUIRE_CITUS=1.
func CitusDSN(t testing.TB) string {
	t.Helper()
	return serverDSN(t, "WEIJIAN_TEST_CITUS", "WEIJIAN_REQUIRE_CITUS", "Citus cluster")
}

// Citus returns a migrated store in a fresh schema of the test Citus
// cluster's coordinator; the schema is dropped at cleanup.
func Citus(t testing.TB, opt Options) *sqlstore.Store {
	t.Helper()
	return postgresAt(t, CitusDSN(t), opt)
}

func postgresAt(t testing.TB, dsn string, opt Options) *sqlstore.Store {
	t.Helper()
	schema := "t_" + randomHex(6)
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", dsn)
		if err == nil {
			db.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			db.Close()
		}
	})
	s, err := sqlstore.Open(ctx, WithSearchPath(dsn, schema), quiet(opt))
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// WithSearchPath returns dsn with its search_path set to schema.
func WithSearchPath(dsn, schema string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Each runs fn against SQLite and PostgreSQL, as subtests "sqlite" and
// "postgres".
func Each(t *testing.T, opt Options, fn func(t *testing.T, s *sqlstore.Store)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t, opt)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t, opt)) })
}

// EachB runs fn against SQLite and PostgreSQL as sub-benchmarks "sqlite"
// and "postgres". fn runs once per database: it sets up the data and
// calls b.Run for what it times.
func EachB(b *testing.B, opt Options, fn func(b *testing.B, s *sqlstore.Store)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, SQLite(b, opt)) })
	b.Run("postgres", func(b *testing.B) { fn(b, Postgres(b, opt)) })
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func quiet(opt Options) Options {
	if opt.Logger == nil {
		opt.Logger = discardLogger()
	}
	return opt
}

// Clock is a settable clock for tests.
type Clock struct{ T time.Time }

// Now returns the clock's time.
func (c *Clock) Now() time.Time { return c.T }

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) { c.T = c.T.Add(d) }

// ExplainOneShard fails the test unless Citus routes query to a single
// shard (EXPLAIN shows "Task Count: 1"); it returns the plan.
func ExplainOneShard(t testing.TB, db *sql.DB, query string, args ...any) string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), "EXPLAIN "+query, args...)
	if err != nil {
		t.Errorf("EXPLAIN %s: %v", query, err)
		return ""
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, line)
	}
	text := strings.Join(plan, "\n")
	if !strings.Contains(text, "Task Count: 1\n") && !strings.HasSuffix(text, "Task Count: 1") {
		t.Errorf("%s is not routed to one shard:\n%s", query, text)
	}
	return text
}

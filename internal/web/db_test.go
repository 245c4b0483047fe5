package web

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

// The web tests run on both databases, as the store suite does: TestMain
// runs the whole package on SQLite, then again on PostgreSQL when the test
// server is there (WEIJIAN_TEST_POSTGRES; required with
// WEIJIAN_REQUIRE_POSTGRES=1). WEIJIAN_WEB_TEST_DB=sqlite or =postgres runs
// one pass only.
//
// Each test gets a database of its own, copied from a template seeded once
// per pass (seed): a file copy on SQLite, a copy of the template schema on
// PostgreSQL (copySchema). That takes tens of milliseconds where seeding
// takes seconds, so both passes together take about what one pass seeding
// every test took.

// testDB is the database of the current pass: "sqlite" or "postgres".
var testDB = "sqlite"

func TestMain(m *testing.M) {
	dbs, err := webTestDBs()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := 0
	for _, db := range dbs {
		testDB = db
		if len(dbs) > 1 {
			fmt.Printf("=== web tests on %s\n", db)
		}
		if code = m.Run(); code != 0 {
			fmt.Printf("=== web tests failed on %s\n", db)
			break
		}
	}
	for _, tp := range templates {
		tp.remove()
	}
	os.Exit(code)
}

// webTestDBs returns the databases to run the package on.
func webTestDBs() ([]string, error) {
	switch only := os.Getenv("WEIJIAN_WEB_TEST_DB"); only {
	case "sqlite":
		return []string{"sqlite"}, nil
	case "postgres":
		if os.Getenv("WEIJIAN_TEST_POSTGRES") == "" {
			return nil, fmt.Errorf("WEIJIAN_WEB_TEST_DB=postgres needs WEIJIAN_TEST_POSTGRES")
		}
		return []string{"postgres"}, nil
	case "":
	default:
		return nil, fmt.Errorf("WEIJIAN_WEB_TEST_DB=%q: use sqlite or postgres", only)
	}
	if os.Getenv("WEIJIAN_TEST_POSTGRES") != "" {
		return []string{"sqlite", "postgres"}, nil
	}
	if os.Getenv("WEIJIAN_REQUIRE_POSTGRES") == "1" {
		return nil, fmt.Errorf("WEIJIAN_TEST_POSTGRES is not set but WEIJIAN_REQUIRE_POSTGRES=1: run the tests through scripts/check")
	}
	return []string{"sqlite"}, nil
}

// seedTemplate is a seeded database that tests copy.
type seedTemplate struct {
	once    sync.Once
	ok      bool
	dir     string // SQLite: the folder of the template file
	pgName  string // PostgreSQL: the template schema
	copySQL string // PostgreSQL: the statements copying it (copySchemaSQL)
	seed    seeded
}

var templates = map[string]*seedTemplate{"sqlite": {}, "postgres": {}}

// seededStore returns a store of the current pass's database holding the
// seed, of the test's own, and what the seed wrote.
func seededStore(t *testing.T) (*sqlstore.Store, seeded) {
	t.Helper()
	return seededStoreWith(t, sqlstore.Options{})
}

// seededStoreWith is seededStore opened with opt (programme rules, a
// clock); its Logger is always quiet.
func seededStoreWith(t *testing.T, opt sqlstore.Options) (*sqlstore.Store, seeded) {
	t.Helper()
	tp := templates[testDB]
	tp.once.Do(func() { tp.build(t) })
	if !tp.ok {
		t.Fatalf("the seeded %s template could not be built (see the first test's failure)", testDB)
	}
	sd := tp.seed
	sd.users = maps.Clone(sd.users)
	opt.Logger = quietLog
	if testDB == "sqlite" {
		return tp.sqliteCopy(t, opt), sd
	}
	return tp.postgresCopy(t, opt), sd
}

var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

// build seeds the template; t is the test that needed it first.
func (tp *seedTemplate) build(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	dsn := ""
	if testDB == "sqlite" {
		dir, err := os.MkdirTemp("", "weijian-web-template-")
		if err != nil {
			t.Fatal(err)
		}
		tp.dir = dir
		dsn = filepath.Join(dir, "template.db")
	} else {
		tp.pgName = "web_tmpl_" + randomName()
		if err := pgAdmin(ctx, "CREATE SCHEMA "+tp.pgName); err != nil {
			t.Fatalf("create template schema: %v", err)
		}
		dsn = sqltest.WithSearchPath(os.Getenv("WEIJIAN_TEST_POSTGRES"), tp.pgName)
	}
	s, err := sqlstore.Open(ctx, dsn, sqlstore.Options{Logger: quietLog})
	if err != nil {
		t.Fatalf("open template: %v", err)
	}
	defer s.Close()
	tp.seed = seed(t, s)
	// Closing writes SQLite's WAL back into the file.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if tp.pgName != "" {
		if tp.copySQL, err = copySchemaSQL(ctx, tp.pgName); err != nil {
			t.Fatalf("read the template schema: %v", err)
		}
	}
	tp.ok = true
}

func (tp *seedTemplate) sqliteCopy(t *testing.T, opt sqlstore.Options) *sqlstore.Store {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(tp.dir, "template.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "test.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return openTestStore(t, path, opt)
}

func (tp *seedTemplate) postgresCopy(t *testing.T, opt sqlstore.Options) *sqlstore.Store {
	t.Helper()
	name := "web_" + randomName()
	if err := pgAdmin(context.Background(), strings.ReplaceAll(tp.copySQL, copyTarget, name)); err != nil {
		t.Fatalf("copy the template schema: %v", err)
	}
	t.Cleanup(func() { pgAdmin(context.Background(), "DROP SCHEMA IF EXISTS "+name+" CASCADE") })
	return openTestStore(t, sqltest.WithSearchPath(os.Getenv("WEIJIAN_TEST_POSTGRES"), name), opt)
}

// copyTarget stands for the new schema's name in seedTemplate.copySQL.
const copyTarget = "copy_target_schema"

// copySchemaSQL returns the statements that copy every table of schema
// from into a new schema copyTarget: columns, defaults, identity, checks
// and indexes (LIKE … INCLUDING ALL), rows, identity sequences, then the
// foreign keys (NOT VALID: the rows come from a valid schema, so checking
// them again only costs time; new rows are checked as usual). Sent as one batch (PostgreSQL runs a multi-statement
// query in one transaction), it is much faster than migrating and
// seeding, and than CREATE DATABASE … TEMPLATE, which copies the catalog.
func copySchemaSQL(ctx context.Context, from string) (string, error) {
	db, err := sql.Open("pgx", os.Getenv("WEIJIAN_TEST_POSTGRES"))
	if err != nil {
		return "", err
	}
	defer db.Close()
	to := copyTarget
	tables, err := queryStrings(ctx, db, `SELECT format('CREATE TABLE %s.%I (LIKE %s.%I INCLUDING ALL); INSERT INTO %s.%I SELECT * FROM %s.%I',
			$2::text, table_name, $1::text, table_name, $2::text, table_name, $1::text, table_name)
		FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`, from, to)
	if err != nil {
		return "", err
	}
	idents, err := queryStrings(ctx, db, `SELECT format('SELECT setval(pg_get_serial_sequence(%L, %L), coalesce(max(%I), 0) + 1, false) FROM %s.%I',
			$2 || '.' || c.relname, a.attname, a.attname, $2::text, c.relname)
		FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
		WHERE c.relnamespace = $1::regnamespace AND a.attidentity <> ''`, from, to)
	if err != nil {
		return "", err
	}
	fks, err := queryStrings(ctx, db, `SELECT format('ALTER TABLE %s.%I ADD CONSTRAINT %I %s NOT VALID', $2::text, t.relname, c.conname,
			replace(pg_get_constraintdef(c.oid), $1 || '.', $2 || '.'))
		FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
		WHERE c.contype = 'f' AND c.connamespace = $1::regnamespace`, from, to)
	if err != nil {
		return "", err
	}
	stmts := append(append(append([]string{"CREATE SCHEMA " + to}, tables...), idents...), fks...)
	return strings.Join(stmts, ";\n"), nil
}

func queryStrings(ctx context.Context, db *sql.DB, q string, args ...any) ([]string, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func openTestStore(t *testing.T, dsn string, opt sqlstore.Options) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Open(context.Background(), dsn, opt)
	if err != nil {
		t.Fatalf("open %s: %v", sqlstore.RedactDSN(dsn), err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// remove deletes the template.
func (tp *seedTemplate) remove() {
	if tp.dir != "" {
		os.RemoveAll(tp.dir)
	}
	if tp.pgName != "" {
		pgAdmin(context.Background(), "DROP SCHEMA IF EXISTS "+tp.pgName+" CASCADE")
	}
}

// pgAdmin runs a statement on the test server's own database.
func pgAdmin(ctx context.Context, stmt string) error {
	db, err := sql.Open("pgx", os.Getenv("WEIJIAN_TEST_POSTGRES"))
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, stmt)
	return err
}

func randomName() string {
	b := make([]byte, 4)
	rand.Read(b)
	return fmt.Sprintf("%d_%x", os.Getpid(), b)
}

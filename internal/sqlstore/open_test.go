package sqlstore_test

import (
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

// With NoCreate, Open refuses a database that is not there or was never
// set up, and opens one that was.
func TestOpenNoCreate(t *testing.T) {
	noCreate := sqlstore.Options{NoCreate: true}
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		missing := filepath.Join(dir, "typo.db")
		if _, err := sqlstore.Open(ctx, missing, noCreate); !errors.Is(err, sqlstore.ErrNoDatabase) {
			t.Errorf("missing file: %v, want ErrNoDatabase", err)
		}
		if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
			t.Error("the missing file was created")
		}
		empty := filepath.Join(dir, "empty.db")
		os.WriteFile(empty, nil, 0o600)
		if _, err := sqlstore.Open(ctx, empty, noCreate); !errors.Is(err, sqlstore.ErrNoDatabase) {
			t.Errorf("empty file: %v, want ErrNoDatabase", err)
		}
		openCreatedThenNoCreate(t, filepath.Join(dir, "w.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := sqltest.PostgresDSN(t)
		admin, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close()
		if _, err := admin.ExecContext(ctx, "CREATE SCHEMA t_nocreate"); err != nil {
			t.Fatal(err)
		}
		defer admin.ExecContext(ctx, "DROP SCHEMA t_nocreate CASCADE")
		db := sqltest.WithSearchPath(dsn, "t_nocreate")
		if _, err := sqlstore.Open(ctx, db, noCreate); !errors.Is(err, sqlstore.ErrNoDatabase) {
			t.Errorf("empty schema: %v, want ErrNoDatabase", err)
		}
		openCreatedThenNoCreate(t, db)
	})
}

func openCreatedThenNoCreate(t *testing.T, dsn string) {
	t.Helper()
	s, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = sqlstore.Open(ctx, dsn, sqlstore.Options{NoCreate: true})
	if err != nil {
		t.Fatalf("a set-up database with NoCreate: %v", err)
	}
	s.Close()
}

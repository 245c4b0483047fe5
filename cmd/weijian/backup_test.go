package main

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

// The restore the README documents for SQLite brings the database back
// to the backup: a later change is gone, even with its WAL left behind.
func TestBackupRestore(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "weijian.db")
	env := map[string]string{"WEIJIAN_DB": db, "WEIJIAN_LOG_LEVEL": "warn"}
	mustRun(t, env, "import", "orgunits", "--create", "testdata/haian.csv")
	os.Mkdir(filepath.Join(dir, "backups"), 0o700)
	backup := filepath.Join(dir, "backups", "weijian-2025-06-30.db")
	mustRun(t, env, "backup", backup)
	// A change after the backup, still in the WAL when weijian stops.
	mustRun(t, env, "import", "population", "testdata/population.csv")

	// README: rm -f weijian.db-wal weijian.db-shm; cp backup weijian.db
	for _, f := range []string{db + "-wal", db + "-shm"} {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
	}
	copyFile(t, backup, db)

	if out := mustRun(t, env, "import", "orgunits", "--dry-run", "testdata/haian.csv"); !strings.Contains(out, "leave 253 unchanged") {
		t.Errorf("org units after the restore: %s", out)
	}
	if out := mustRun(t, env, "import", "population", "--dry-run", "testdata/population.csv"); !strings.Contains(out, "would insert 4") {
		t.Errorf("the population imported after the backup survived the restore: %s", out)
	}
}

// A backup into a folder that does not exist says so, in Chinese and
// English, and writes nothing.
func TestBackupMissingFolder(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"WEIJIAN_DB": filepath.Join(dir, "w.db"), "WEIJIAN_LOG_LEVEL": "warn"}
	mustRun(t, env, "migrate")
	_, _, err := runCmd(t, env, "", "backup", filepath.Join(dir, "nothere", "b.db"))
	msg := formatError(err)
	if weijian.ErrorKind(err) != weijian.KindInvalid || !strings.Contains(msg, "备份目录") || !strings.Contains(msg, "does not exist") ||
		strings.Contains(msg, "SQL") {
		t.Errorf("backup into a missing folder: %v\n%s", err, msg)
	}
}

// The PostgreSQL restore of the README: pg_restore into a new, empty
// database, which weijian then opens with the data of the backup.
func TestBackupRestorePostgres(t *testing.T) {
	dsn := sqltest.PostgresDSN(t)
	pgRestore := filepath.Join(os.Getenv("PG_TEST_BIN"), "pg_restore")
	if _, err := exec.LookPath(pgRestore); err != nil {
		t.Skip("pg_restore not found (PG_TEST_BIN)")
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	ctx := context.Background()
	for _, name := range []string{"bk_source", "bk_restored"} {
		admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name)
		if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
			t.Fatal(err)
		}
		defer admin.ExecContext(ctx, "DROP DATABASE "+name+" WITH (FORCE)")
	}
	source, restored := strings.Replace(dsn, "/postgres?", "/bk_source?", 1), strings.Replace(dsn, "/postgres?", "/bk_restored?", 1)
	env := map[string]string{"WEIJIAN_DB": source, "WEIJIAN_LOG_LEVEL": "warn"}
	mustRun(t, env, "import", "orgunits", "--create", "testdata/haian.csv")
	dump := filepath.Join(t.TempDir(), "weijian.dump")
	mustRun(t, env, "backup", dump)
	mustRun(t, env, "import", "population", "testdata/population.csv")

	cmd := exec.Command(pgRestore, "--no-owner", "--dbname="+restored, dump)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}
	env["WEIJIAN_DB"] = restored
	if out := mustRun(t, env, "import", "orgunits", "--dry-run", "testdata/haian.csv"); !strings.Contains(out, "leave 253 unchanged") {
		t.Errorf("org units after the restore: %s", out)
	}
	if out := mustRun(t, env, "import", "population", "--dry-run", "testdata/population.csv"); !strings.Contains(out, "would insert 4") {
		t.Errorf("population after the restore: %s", out)
	}
	s, err := sqlstore.Open(ctx, restored, sqlstore.Options{NoCreate: true})
	if err != nil {
		t.Fatalf("the restored database is not a weijian database: %v", err)
	}
	s.Close()
}

func mustRun(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	out, errOut, err := runCmd(t, env, "", args...)
	if err != nil {
		t.Fatalf("weijian %s: %s\n%s", strings.Join(args, " "), formatError(err), errOut)
	}
	return out
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

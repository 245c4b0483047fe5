package sqlstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/weijian-health/weijian"
)

// Backup writes a consistent copy of the database to dest while the
// database stays in use.
//
// SQLite: VACUUM INTO writes a compact, self-contained database file from
// one read transaction (a snapshot), without blocking writers under WAL.
// PostgreSQL: pg_dump runs in one repeatable-read snapshot and writes its
// custom format (restore with pg_restore); it must be installed.
//
// The file is created first, empty and readable by its owner only (0600):
// a backup holds every record. Both VACUUM INTO (into an empty file) and
// pg_dump keep the permissions of the file they write.
func (s *Store) Backup(ctx context.Context, dest string) (err error) {
	f, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return weijian.E(weijian.KindConflict, weijian.T("备份文件已存在："+dest, "backup file exists: "+dest))
	}
	if err != nil {
		return fmt.Errorf("create backup file: %w", err)
	}
	f.Close()
	defer func() {
		if err != nil {
			os.Remove(dest)
		}
	}()
	if s.d.name == "sqlite" {
		if _, err := s.db.ExecContext(ctx, "VACUUM INTO ?", dest); err != nil {
			return fmt.Errorf("sqlite backup to %s: %w", dest, err)
		}
		return nil
	}
	return s.pgDump(ctx, dest)
}

func (s *Store) pgDump(ctx context.Context, dest string) error {
	bin, err := findPgDump()
	if err != nil {
		return err
	}
	dsn, schema, password := libpqDSN(s.dsn)
	args := []string{"--format=custom", "--no-owner", "--file=" + dest, "--dbname=" + dsn}
	if schema != "" {
		args = append(args, "--schema="+schema)
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	// The password goes in the environment, not on the command line that
	// other local users can see in ps.
	cmd.Env = os.Environ()
	if password != "" {
		cmd.Env = append(cmd.Env, "PGPASSWORD="+password)
	}
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pg_dump: %w: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	return nil
}

// libpqDSN prepares a URL DSN for libpq tools: it removes the pgx-only
// search_path parameter (returning the schema it named, dumped alone) and
// the password (returned, to pass as PGPASSWORD).
func libpqDSN(dsn string) (clean, schema, password string) {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		return dsn, "", ""
	}
	q := u.Query()
	schema, _, _ = strings.Cut(q.Get("search_path"), ",")
	password = q.Get("password")
	q.Del("search_path")
	q.Del("password")
	if p, ok := u.User.Password(); ok {
		password = p
		u.User = url.User(u.User.Username())
	}
	u.RawQuery = q.Encode()
	return u.String(), strings.TrimSpace(schema), password
}

// findPgDump looks in Debian's versioned directories, newest version
// first (pg_dump must be at least as new as the server), then on PATH.
func findPgDump() (string, error) {
	paths, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_dump")
	version := func(p string) float64 {
		v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(filepath.Dir(p))), 64)
		return v
	}
	sort.Slice(paths, func(i, j int) bool { return version(paths[i]) > version(paths[j]) })
	if len(paths) > 0 {
		return paths[0], nil
	}
	if p, err := exec.LookPath("pg_dump"); err == nil {
		return p, nil
	}
	return "", weijian.E(weijian.KindInternal, weijian.T(
		"未找到 pg_dump：请安装 PostgreSQL 客户端（Debian：apt-get install postgresql-client-15）",
		"pg_dump not found: install the PostgreSQL client (Debian: apt-get install postgresql-client-15)"))
}

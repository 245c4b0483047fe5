//go:build unix

package sqlstore_test

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

// The SQLite database, its -wal and -shm files and every backup are
// created readable by their owner only, whatever the umask allows.
func TestFilesArePrivate(t *testing.T) {
	old := syscall.Umask(0o022) // the usual umask: files would be 0644
	t.Cleanup(func() { syscall.Umask(old) })
	private := func(t *testing.T, path string) {
		t.Helper()
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want -rw-------", filepath.Base(path), st.Mode().Perm())
		}
	}
	db := filepath.Join(t.TempDir(), "weijian.db")
	s, err := sqlstore.Open(ctx, db, sqltest.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	importFile(t, s, "jiangsu_nantong_haian_320685_2021.csv")
	for _, p := range []string{db, db + "-wal", db + "-shm"} {
		private(t, p)
	}
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		dest := filepath.Join(t.TempDir(), "backup")
		if err := s.Backup(ctx, dest); err != nil {
			t.Fatal(err)
		}
		private(t, dest)
	})
	// A failed backup leaves no file behind.
	dest := filepath.Join(t.TempDir(), "no", "backup")
	if err := s.Backup(ctx, dest); err == nil {
		t.Error("backup into a missing directory succeeded")
	}
	if _, err := os.Stat(dest); !os.IsNotExist(err) {
		t.Errorf("failed backup left %v", err)
	}
}

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/weijian-health/weijian"
)

func runBackup(ctx context.Context, env *cmdEnv, args []string) error {
	var cfg Config
	fs := flagSet(env, "backup", "backup [--db DSN] FILE",
		"在线备份：服务运行时也可执行，得到一致的副本。SQLite 备份为可直接打开的数据库文件；PostgreSQL 备份为 pg_dump 自定义格式（用 pg_restore 恢复）。\n"+
			"Consistent online copy, safe while serving. SQLite: a database file you can open; PostgreSQL: a pg_dump custom-format archive (restore with pg_restore).\n"+
			"恢复 Restore (README.md, \"Backup and restore\"): SQLite — stop weijian, delete DB-wal and DB-shm, copy FILE over DB (or serve --db FILE);\n"+
			"PostgreSQL — pg_restore --no-owner -d postgres://…/new_empty_db FILE.")
	dbFlags(fs, env, &cfg, "weijian.db")
	pos, err := parse(env, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("backup needs exactly one FILE")
	}
	dest := pos[0]
	if _, err := os.Stat(dest); err == nil {
		return usageError("%s already exists: choose a new file name (a backup never overwrites)", dest)
	}
	if err := checkFolder(dest); err != nil {
		return err
	}
	store, _, err := cfg.open(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()
	start := time.Now()
	if err := store.Backup(ctx, dest); err != nil {
		return err
	}
	st, err := os.Stat(dest)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "备份完成 backup written: %s (%.1f MB, %s, %.1fs)\n", dest, float64(st.Size())/1e6, store.Dialect(), time.Since(start).Seconds())
	return nil
}

// checkFolder makes sure the folder a file is to be written into exists,
// so that the user gets a plain message, not the database's.
func checkFolder(file string) error {
	dir := filepath.Dir(file)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return weijian.E(weijian.KindInvalid, weijian.T(
			fmt.Sprintf("备份目录 %s 不存在：请先创建它（mkdir -p %s），或换一个已有的目录", dir, dir),
			fmt.Sprintf("the folder %s does not exist: create it first (mkdir -p %s), or choose one that exists", dir, dir)))
	case err != nil:
		return weijian.Wrap(weijian.KindInvalid, weijian.T("无法访问备份目录 "+dir, "cannot reach the folder "+dir), err)
	case !st.IsDir():
		return weijian.E(weijian.KindInvalid, weijian.T(dir+" 不是目录", dir+" is not a folder"))
	}
	return nil
}

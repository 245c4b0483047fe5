package main

import (
	"context"
	"fmt"
	"os"
	"time"
)

func runBackup(ctx context.Context, env *cmdEnv, args []string) error {
	var cfg Config
	fs := flagSet(env, "backup", "backup [--db DSN] FILE",
		"在线备份：服务运行时也可执行，得到一致的副本。SQLite 备份为可直接打开的数据库文件；PostgreSQL 备份为 pg_dump 自定义格式（用 pg_restore 恢复）。\n"+
			"Consistent online copy, safe while serving. SQLite: a database file you can open; PostgreSQL: a pg_dump custom-format archive (restore with pg_restore).")
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

package main

import (
	"context"
	"fmt"

	"github.com/weijian-health/weijian/internal/sqlstore"
)

func runMigrate(ctx context.Context, env *cmdEnv, args []string) error {
	var cfg Config
	fs := flagSet(env, "migrate", "migrate [--db DSN]",
		"把数据库结构升级到本程序的版本（serve 启动时也会自动执行）。\nBring the database schema up to this program's version (serve also does this at start).")
	dbFlags(fs, env, &cfg, "weijian.db")
	if _, err := parse(env, fs, args); err != nil {
		return err
	}
	log, err := cfg.logger(env.stderr)
	if err != nil {
		return err
	}
	store, err := sqlstore.Open(ctx, cfg.DB, sqlstore.Options{Logger: log, NoMigrate: true})
	if err != nil {
		return err
	}
	defer store.Close()
	st, err := store.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(st.Applied) == 0 {
		fmt.Fprintf(env.stdout, "数据库已是最新版本 %d (%s)\nschema is up to date at version %d\n", st.Current, store.Dialect(), st.Current)
		return nil
	}
	fmt.Fprintf(env.stdout, "已升级数据库：应用了迁移 %v，当前版本 %d (%s)\napplied migrations %v, now at version %d\n",
		st.Applied, st.Current, store.Dialect(), st.Applied, st.Current)
	return nil
}

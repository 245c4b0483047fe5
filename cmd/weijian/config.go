package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/programme"
	"github.com/weijian-health/weijian/internal/rules"
	"github.com/weijian-health/weijian/internal/sqlstore"
)

// Config is every setting, read once from flags and the environment (a
// flag wins over its variable), then passed down. Nothing reads the
// environment after this.
type Config struct {
	DB        string // SQLite file path or postgres:// URL
	Addr      string // listen address of the web server
	LogLevel  string
	LogFormat string // "text" or "json"
	Dev       bool   // reload templates and assets from disk
	TLSCert   string
	TLSKey    string
	// TrustProxy: honour X-Forwarded-Proto/For from a reverse proxy that
	// terminates TLS (then cookies are marked Secure).
	TrustProxy bool
	Lang       string // default UI language: "zh" or "en"
	// Create lets the command create a new database (migrate, demo and
	// import --create); every other command stops when --db names none.
	Create bool
	// MetricsAddr is the listen address of /metrics alone (off when
	// empty); MetricsToken, when set, is the bearer token /metrics needs,
	// there and on the main listener (where it is not served without one).
	MetricsAddr  string
	MetricsToken string
	DetectAt     string // daily detection time, HH:MM China time
	Webhook      string // URL that new signals are POSTed to (optional)
}

// flagSet returns a FlagSet for a command with its usage text.
func flagSet(env *cmdEnv, name, usageLine, help string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.stderr, "用法 Usage: weijian %s\n\n%s\n\nFlags:\n", usageLine, help)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags that may come before or after the positional
// arguments ("import orgunits FILE --db X" as well as "--db X FILE"), and
// reports an unreadable *_FILE variable.
func parse(env *cmdEnv, fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	return pos, env.err
}

// envOr returns the variable's value, or def. NAME_FILE, when set, names a
// file holding the value (for secrets such as a DSN with a password); if
// that file cannot be read, the error is kept in env and the command
// stops (falling back to a default database would be worse).
func envOr(env *cmdEnv, name, def string) string {
	if f := env.getenv(name + "_FILE"); f != "" {
		b, err := os.ReadFile(f)
		if err == nil {
			return strings.TrimSpace(string(b))
		}
		env.err = fmt.Errorf("%s_FILE: %w", name, err)
	}
	if v := env.getenv(name); v != "" {
		return v
	}
	return def
}

// dbFlags registers the database and logging flags on fs.
func dbFlags(fs *flag.FlagSet, env *cmdEnv, cfg *Config, defDB string) {
	fs.StringVar(&cfg.DB, "db", envOr(env, "WEIJIAN_DB", defDB),
		"database: a SQLite file, or postgres://user:pass@host:5432/db (env WEIJIAN_DB)")
	fs.StringVar(&cfg.LogLevel, "log-level", envOr(env, "WEIJIAN_LOG_LEVEL", "info"), "debug, info, warn or error (env WEIJIAN_LOG_LEVEL)")
	fs.StringVar(&cfg.LogFormat, "log-format", envOr(env, "WEIJIAN_LOG_FORMAT", "text"), "text or json (env WEIJIAN_LOG_FORMAT)")
}

// serveFlags registers the web server flags on fs.
func serveFlags(fs *flag.FlagSet, env *cmdEnv, cfg *Config) {
	fs.StringVar(&cfg.Addr, "addr", envOr(env, "WEIJIAN_ADDR", "127.0.0.1:8080"), "listen address (env WEIJIAN_ADDR)")
	fs.BoolVar(&cfg.Dev, "dev", false, "development: reload templates and assets from disk on each request")
	fs.StringVar(&cfg.TLSCert, "tls-cert", envOr(env, "WEIJIAN_TLS_CERT", ""), "TLS certificate file (env WEIJIAN_TLS_CERT)")
	fs.StringVar(&cfg.TLSKey, "tls-key", envOr(env, "WEIJIAN_TLS_KEY", ""), "TLS key file (env WEIJIAN_TLS_KEY)")
	fs.BoolVar(&cfg.TrustProxy, "trust-proxy", envOr(env, "WEIJIAN_TRUST_PROXY", "") == "1",
		"trust X-Forwarded-Proto/For from a TLS-terminating proxy (env WEIJIAN_TRUST_PROXY=1)")
	fs.StringVar(&cfg.Lang, "lang", envOr(env, "WEIJIAN_LANG", "zh"), "default UI language: zh or en (env WEIJIAN_LANG)")
	fs.StringVar(&cfg.MetricsAddr, "metrics-addr", envOr(env, "WEIJIAN_METRICS_ADDR", ""),
		"serve Prometheus /metrics on this address only, e.g. 127.0.0.1:9464 (default: off) (env WEIJIAN_METRICS_ADDR)")
	fs.StringVar(&cfg.MetricsToken, "metrics-token", envOr(env, "WEIJIAN_METRICS_TOKEN", ""),
		"bearer token that /metrics requires; with it /metrics is also served on --addr (env WEIJIAN_METRICS_TOKEN, or a file named by WEIJIAN_METRICS_TOKEN_FILE)")
	fs.StringVar(&cfg.DetectAt, "detect-at", envOr(env, "WEIJIAN_DETECT_AT", "06:00"), "daily early-warning detection time, HH:MM China time (env WEIJIAN_DETECT_AT)")
	fs.StringVar(&cfg.Webhook, "webhook", envOr(env, "WEIJIAN_WEBHOOK", ""), "URL new signals are POSTed to as JSON, e.g. an SMS gateway (env WEIJIAN_WEBHOOK)")
}

// String prints the config with secrets redacted, for the start-up log.
func (c Config) String() string {
	return fmt.Sprintf("db=%s addr=%s log=%s/%s dev=%v tls=%v trust-proxy=%v lang=%s metrics-addr=%s metrics-token=%v detect-at=%s webhook=%v",
		redact(c.DB), c.Addr, c.LogLevel, c.LogFormat, c.Dev, c.TLSCert != "", c.TrustProxy, c.Lang, c.MetricsAddr, c.MetricsToken != "", c.DetectAt, c.Webhook != "")
}

func redact(dsn string) string { return sqlstore.RedactDSN(dsn) }

// logger builds the structured logger the config asks for.
func (c Config) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return nil, usageError("bad --log-level %q: use debug, info, warn or error", c.LogLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch c.LogFormat {
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	case "text", "":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	}
	return nil, usageError("bad --log-format %q: use text or json", c.LogFormat)
}

// open builds the logger and opens the configured database.
func (c Config) open(ctx context.Context, env *cmdEnv) (*sqlstore.Store, *slog.Logger, error) {
	log, err := c.logger(env.stderr)
	if err != nil {
		return nil, nil, err
	}
	store, err := c.openStore(ctx, log)
	return store, log, err
}

// openStore opens the configured database, applying migrations. Unless
// c.Create is set, a database that does not exist is an error saying
// what to do, not a new empty database.
func (c Config) openStore(ctx context.Context, log *slog.Logger) (*sqlstore.Store, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cat, err := programme.LoadBuiltin()
	if err != nil {
		return nil, err
	}
	store, err := sqlstore.Open(ctx, c.DB, sqlstore.Options{Logger: log, NoCreate: !c.Create, Rules: rules.New(cat)})
	if errors.Is(err, sqlstore.ErrNoDatabase) {
		return nil, noDatabase(err, c.DB)
	}
	return store, err
}

// noDatabase adds to the store's "no such database" what to do next.
func noDatabase(err error, db string) error {
	db, self := redact(db), selfCommand(os.Args[0])
	return weijian.Wrap(weijian.KindNotFound, weijian.T(
		fmt.Sprintf("%s。请检查 --db（或环境变量 WEIJIAN_DB）是否写错；要新建数据库，请运行 %s migrate --db %s，"+
			"或在首次导入时加 --create（%s import orgunits --create --db %s FILE）", weijian.ErrorMessage(err, "zh"), self, db, self, db),
		fmt.Sprintf("%s. Check --db (or WEIJIAN_DB) for a typo; to create a new database run %s migrate --db %s, "+
			"or add --create to the first import (%s import orgunits --create --db %s FILE)", weijian.ErrorMessage(err, "en"), self, db, self, db)), err)
}

// Package sqlstore is Weijian's one store over database/sql, for SQLite
// (the embedded default, through the pure-Go modernc driver) and
// PostgreSQL (through pgx). Queries are portable SQL; what differs lives in
// dialect.go. Migrations are embedded, numbered and forward-only, one
// folder per dialect with the same numbers, and are applied at Open.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/weijian-health/weijian"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Store implements the store interfaces of package weijian.
type Store struct {
	db      *sql.DB
	d       *dialect
	dsn     string
	log     *slog.Logger
	now     func() time.Time
	rebinds sync.Map // query → rebound query (PostgreSQL)
	rules   weijian.ProgrammeRules
	onRead  func(query string, args []any)
	// liveCounts is Options.LiveCounts.
	liveCounts bool
	ruleConds  sync.Map // rule key → SQL condition (rulecount.go)
	// importGen counts the org-unit and population imports this Store
	// has run (PopulationGeneration).
	importGen atomic.Uint64
	// bulk is the connection of the bulk load running (BeginBulkLoad),
	// guarded by bulkMu.
	bulkMu sync.Mutex
	bulk   *sql.Conn
}

// Options tune Open.
type Options struct {
	Logger *slog.Logger
	// Now is the clock (tests set it); default time.Now.
	Now func() time.Time
	// NoMigrate skips applying migrations (the migrate command applies them itself).
	NoMigrate bool
	// NoCreate refuses to create a database: a SQLite file that does not
	// exist, or a database without Weijian's schema, is an error wrapping
	// ErrNoDatabase (so that a mistyped path does not quietly become a
	// new, empty database).
	NoCreate bool
	// OnRead, when set, is called with every read query run outside a
	// transaction (as sent: placeholders rewritten) and its arguments —
	// for the tests that look at their plans on Citus.
	OnRead func(query string, args []any)
	// Rules checks enrollments and events against the programme metadata
	// and derives year statuses; nil: only the generic checks (dates,
	// scope) and a plain year status (resident_year.go).
	Rules weijian.ProgrammeRules
	// LiveCounts answers every persons(…)/events(…) count with the live
	// query instead of the kept rule counts (to measure what they save);
	// the Store's writes keep the counts all the same.
	LiveCounts bool
}

// ErrNoDatabase is wrapped by Open's error when Options.NoCreate is set and
// there is no Weijian database at the DSN.
var ErrNoDatabase = errors.New("no weijian database")

// IsPostgres reports whether dsn names a PostgreSQL database: a
// postgres:// URL or a keyword string ("host=… dbname=…").
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") ||
		strings.Contains(dsn, "host=") || strings.Contains(dsn, "dbname=")
}

// Open opens the database named by dsn — a postgres:// URL, or a SQLite
// file path (optionally "sqlite:" or "file:" prefixed) — and brings its
// schema up to date.
func Open(ctx context.Context, dsn string, opt Options) (*Store, error) {
	s := &Store{dsn: dsn, log: opt.Logger, now: opt.Now, rules: opt.Rules, onRead: opt.OnRead, liveCounts: opt.LiveCounts}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if opt.NoCreate && !IsPostgres(dsn) {
		if err := sqliteFileExists(dsn); err != nil {
			return nil, err
		}
	}
	var err error
	if IsPostgres(dsn) {
		s.d = postgresDialect
		s.db, err = sql.Open("pgx", dsn)
		if err == nil {
			s.db.SetMaxOpenConns(16)
			s.db.SetMaxIdleConns(4)
			s.db.SetConnMaxIdleTime(5 * time.Minute)
		}
	} else {
		s.d = sqliteDialect
		if err = createPrivate(SQLitePath(dsn)); err == nil {
			s.db, err = sql.Open("sqlite", sqliteDSN(dsn))
		}
		if err == nil {
			// WAL lets readers run beside the one writer; every
			// connection gets the pragmas from the DSN.
			s.db.SetMaxOpenConns(8)
			s.db.SetMaxIdleConns(8)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := s.ping(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("connect to database %s: %w", RedactDSN(dsn), err)
	}
	if opt.NoCreate {
		if err := s.checkSchema(ctx); err != nil {
			s.db.Close()
			return nil, err
		}
	}
	if !opt.NoMigrate {
		if _, err := s.Migrate(ctx); err != nil {
			s.db.Close()
			return nil, err
		}
		if err := s.restoreIndexesAtOpen(ctx); err != nil {
			s.db.Close()
			return nil, err
		}
	}
	return s, nil
}

// ping connects, retrying for a while when SQLite reports the database
// busy: switching a new file to WAL takes a lock that SQLite does not wait
// for with the busy timeout, so processes opening one file at the same
// moment can see SQLITE_BUSY once.
func (s *Store) ping(ctx context.Context) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := s.db.PingContext(ctx)
		if err == nil || s.d.name != "sqlite" || !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// sqliteDSN turns a file path into a modernc DSN with the settings we rely
// on, chosen on purpose:
//   - journal_mode(WAL): readers never block the writer or each other;
//   - synchronous(NORMAL): safe with WAL (a power cut may lose the last
//     transactions, never corrupt the file), much faster than FULL;
//   - foreign_keys(1): SQLite leaves them off unless asked, per connection;
//   - busy_timeout(10000): wait up to 10 s for the write lock instead of
//     failing at once with SQLITE_BUSY;
//   - cache_size(-32768): a 32 MiB page cache per connection (default 2 MiB),
//     so that a large import does not spill pages to disk mid-transaction;
//   - _txlock=immediate: write transactions take the lock at BEGIN, so two
//     writers never both read and then deadlock upgrading their locks.
func sqliteDSN(dsn string) string {
	path := SQLitePath(dsn)
	q := url.Values{}
	// busy_timeout first: the pragmas run in order, and switching to WAL
	// needs a lock another process may hold at that moment.
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "cache_size(-32768)")
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// SQLitePath is the file path of a SQLite DSN ("sqlite:", "file:" and
// query parameters removed).
func SQLitePath(dsn string) string {
	path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "file:")
	path, _, _ = strings.Cut(path, "?")
	return path
}

// sqliteFileExists returns an error wrapping ErrNoDatabase when the SQLite
// file of dsn does not exist.
func sqliteFileExists(dsn string) error {
	path := SQLitePath(dsn)
	if path == ":memory:" || strings.Contains(dsn, "mode=memory") {
		return nil
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return weijian.Wrap(weijian.KindNotFound, weijian.T("数据库文件 "+path+" 不存在", "database file "+path+" does not exist"), ErrNoDatabase)
	} else if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	return nil
}

// checkSchema returns an error wrapping ErrNoDatabase when the database
// has no schema_migration table: it was never set up by Weijian.
func (s *Store) checkSchema(ctx context.Context) error {
	var n int
	if err := s.queryRow(ctx, s.d.hasTable, "schema_migration").Scan(&n); err != nil {
		return fmt.Errorf("read schema of %s: %w", s.Redacted(), err)
	}
	if n == 0 {
		return weijian.Wrap(weijian.KindNotFound, weijian.T("数据库 "+s.Redacted()+" 中没有卫健的数据表（尚未初始化）",
			"database "+s.Redacted()+" holds no Weijian tables (it was never set up)"), ErrNoDatabase)
	}
	return nil
}

// createPrivate creates the file at path, empty and readable by its owner
// only (0600), unless it exists. The database will hold health records:
// SQLite would create it with the umask's permissions (usually 0644,
// world-readable), and creates its -wal and -shm files with the
// permissions of the database file, so those are private too. An
// existing file keeps the permissions its operator gave it.
func createPrivate(path string) error {
	if path == "" || strings.HasPrefix(path, ":memory:") {
		return nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create database file: %w", err)
	}
	return f.Close()
}

// RedactDSN hides the password of a PostgreSQL DSN — in a URL's user
// info or query (?password=), or a keyword string's password= — for
// messages and logs.
func RedactDSN(dsn string) string {
	if !IsPostgres(dsn) {
		return dsn
	}
	if !strings.Contains(dsn, "://") {
		return keywordPassword.ReplaceAllString(dsn, "password=***")
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://…"
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "***")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

var keywordPassword = regexp.MustCompile(`password=('[^']*'|\S*)`)

// Redacted returns the store's DSN with any password hidden.
func (s *Store) Redacted() string { return RedactDSN(s.dsn) }

// Dialect returns "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.d.name }

// DB returns the pool, for metrics and health checks.
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the pool.
func (s *Store) Close() error { return s.db.Close() }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

func (s *Store) q(query string) string {
	if !s.d.numbered {
		return query
	}
	if v, ok := s.rebinds.Load(query); ok {
		return v.(string)
	}
	r := s.d.rebind(query)
	s.rebinds.Store(query, r)
	return r
}

func (s *Store) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return s.db.ExecContext(ctx, s.q(query), args...)
}

func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	query = s.q(query)
	if s.onRead != nil {
		s.onRead(query, args)
	}
	return s.db.QueryContext(ctx, query, args...)
}

func (s *Store) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	query = s.q(query)
	if s.onRead != nil {
		s.onRead(query, args)
	}
	return s.db.QueryRowContext(ctx, query, args...)
}

// Tx is a write transaction with the store's placeholder rewriting.
type Tx struct {
	tx    *sql.Tx
	conn  *sql.Conn // the transaction's connection (PostgreSQL's COPY runs on it)
	s     *Store
	stmts map[string]*sql.Stmt // bulk statements prepared in this transaction
	rules *ruleTx              // the rule counts this transaction corrects (rulecount.go)
}

// Exec runs a statement in the transaction.
func (t *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, t.s.q(query), args...)
}

// Query runs a query in the transaction.
func (t *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, t.s.q(query), args...)
}

// QueryRow runs a one-row query in the transaction.
func (t *Tx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, t.s.q(query), args...)
}

// inTx runs fn in a transaction, committing if it returns nil and rolling
// back otherwise: a batch is stored whole or not at all.
func (s *Store) inTx(ctx context.Context, fn func(*Tx) error) (err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer conn.Close()
	return s.inTxOn(ctx, conn, fn)
}

// inTxOn is inTx on a connection the caller holds.
func (s *Store) inTxOn(ctx context.Context, conn *sql.Conn, fn func(*Tx) error) (err error) {
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			sqlTx.Rollback()
			panic(p)
		}
		if err != nil {
			sqlTx.Rollback()
			return
		}
		if cerr := sqlTx.Commit(); cerr != nil {
			err = fmt.Errorf("commit: %w", cerr)
		}
	}()
	tx := &Tx{tx: sqlTx, s: s, conn: conn}
	if err := fn(tx); err != nil {
		return err
	}
	return tx.flushRules(ctx)
}

// inImportTx is inTx for an import: its transaction runs alone among
// imports (dialect.lockImports), so the checks and the plan made from the
// stored tree inside it hold until it commits.
func (s *Store) inImportTx(ctx context.Context, fn func(*Tx) error) error {
	defer s.importGen.Add(1) // after the commit: a reader that saw the old generation reads again
	return s.inTx(ctx, func(tx *Tx) error {
		if err := s.d.lockImports(ctx, tx); err != nil {
			return fmt.Errorf("wait for other imports: %w", err)
		}
		return fn(tx)
	})
}

// PopulationGeneration changes whenever this Store has run an org-unit or
// population import (the only writers of population and of the paths it
// is read by): the indicator engine keeps the population it read while
// the generation stays the same.
func (s *Store) PopulationGeneration() uint64 { return s.importGen.Load() }

// prepared returns the statement for query, preparing it once per
// transaction: the full-size chunks of a bulk insert share one statement,
// which saves re-parsing a 14,000-parameter INSERT for every chunk.
func (t *Tx) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := t.stmts[query]; ok {
		return st, nil
	}
	st, err := t.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if t.stmts == nil {
		t.stmts = map[string]*sql.Stmt{}
	}
	t.stmts[query] = st
	return st, nil
}

// insertMany inserts rows into table in as few statements as the dialect
// allows: see bulk.go.
// insertStream inserts the rows next returns, until it returns a nil row
// or an error (which ends the insert), in the transaction (bulk.go).
func (t *Tx) insertStream(ctx context.Context, table string, cols []string, next func() ([]any, error)) error {
	if err := t.s.d.bulkStream(ctx, t, table, cols, next); err != nil {
		return fmt.Errorf("insert into %s: %w", table, err)
	}
	return nil
}

func (t *Tx) insertMany(ctx context.Context, table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if err := t.s.d.bulkInsert(ctx, t, table, cols, rows); err != nil {
		return fmt.Errorf("insert into %s: %w", table, err)
	}
	return nil
}

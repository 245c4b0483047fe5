package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// bulkTables are the per-resident tables whose secondary indexes a bulk
// load drops and builds again at its end.
var bulkTables = []string{"person", "enrollment", "service_event", "person_year"}

// BeginBulkLoad readies the store for a large load of trusted residents
// (LoadResidents, ClearResidents) into a database that nothing else uses
// meanwhile — the demo's. Inserting a million persons and six million
// events one B-tree entry at a time into each of some twenty secondary
// indexes is most of the demo's cost; instead the secondary indexes of
// person, enrollment, service_event and person_year are dropped here and
// built by end, with one sort each (on SQLite except sqliteLiveIndexes). The primary keys, the unique
// constraints and the <table>_id indexes (which reserveIDs reads, and
// whose keys arrive in order) stay.
//
// The dropped indexes are listed in bulk_index first: when the process is
// killed before end, the next Open builds them again
// (restoreBulkIndexes), so no database is left without them.
//
// The loads run on one pinned connection with settings for a bulk load.
// On SQLite: synchronous=OFF (a process that dies loses nothing; only an
// operating-system crash or power cut during the load can damage the
// file), a 256 MiB page cache (32 MiB for the index builds: see
// sqliteSortCache), the file mapped into memory, sorts by pieces in
// temporary files with two helper threads, no
// foreign-key checks (the histories refer only to the persons of their
// own batch and to units LoadResidents resolved), and — only while the
// database holds no resident yet, i.e. a fresh demo — no rollback journal
// at all (journal_mode=OFF: each page is written once instead of to the
// WAL and then to the file). Without a journal a load that fails or is
// killed half-way can leave the file damaged; that file holds nothing but
// the demo being generated, which is simply generated again
// (weijian demo --reset). On PostgreSQL: synchronous_commit=off and
// maintenance_work_mem 256MB for the index builds. end restores the
// connection's normal settings (WAL again on SQLite). Call end exactly
// once, also after an error.
func (s *Store) BeginBulkLoad(ctx context.Context, progress func(done, total int)) (end func(context.Context) error, err error) {
	s.bulkMu.Lock()
	defer s.bulkMu.Unlock()
	if s.bulk != nil {
		return nil, errors.New("bulk load: one is already running")
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("bulk load: %w", err)
	}
	s.closeIdle()
	if err := s.bulkSettings(ctx, conn, true); err != nil {
		conn.Close()
		return nil, err
	}
	if err := s.dropBulkIndexes(ctx, conn); err != nil {
		s.bulkSettings(context.WithoutCancel(ctx), conn, false)
		conn.Close()
		return nil, err
	}
	s.bulk = conn
	return func(ctx context.Context) error {
		s.bulkMu.Lock()
		defer s.bulkMu.Unlock()
		s.bulk = nil
		var err error
		if s.d.name == "sqlite" {
			_, err = conn.ExecContext(ctx, sqliteSortCache)
		}
		if err == nil {
			err = s.restoreBulkIndexes(ctx, conn, progress)
		}
		if err == nil {
			// Planned as if empty until autovacuum comes round otherwise
			// (seen: the positives work list read the county's persons
			// one by one instead of its few positive statuses).
			s.analyze(ctx, bulkTables...)
		}
		s.closeIdle()
		if serr := s.bulkSettings(context.WithoutCancel(ctx), conn, false); err == nil {
			err = serr
		}
		if cerr := conn.Close(); err == nil {
			err = cerr
		}
		return err
	}, nil
}

// closeIdle closes the pool's idle SQLite connections: changing the
// journal mode from or to WAL needs the only connection to the file.
func (s *Store) closeIdle() {
	if s.d.name == "sqlite" {
		s.db.SetMaxIdleConns(0)
		s.db.SetMaxIdleConns(8)
	}
}

// bulkSettings sets (on) or restores (off) the bulk-load settings of
// conn.
func (s *Store) bulkSettings(ctx context.Context, conn *sql.Conn, on bool) error {
	var stmts []string
	switch {
	case s.d.name == "sqlite" && on:
		stmts = []string{"PRAGMA synchronous = OFF", "PRAGMA cache_size = -262144",
			"PRAGMA temp_store = FILE", "PRAGMA foreign_keys = 0", "PRAGMA threads = 2",
			// Pages read back (evicted from the cache) are memory
			// reads, not a pread each (SQLite caps it at 2 GiB).
			"PRAGMA mmap_size = 4294967296"}
		// No rollback journal (pages written once, not to the WAL and
		// again to the file) only while the database holds no resident:
		// a load that fails or is killed may then leave a damaged file,
		// which holds nothing but what the demo wrote in this run and is
		// generated again (weijian demo --reset).
		var any int
		err := conn.QueryRowContext(ctx, "SELECT count(*) FROM (SELECT 1 FROM person LIMIT 1)").Scan(&any)
		if err != nil {
			return fmt.Errorf("bulk load: %w", err)
		}
		if any == 0 {
			stmts = append(stmts, "PRAGMA journal_mode = OFF")
		}
	case s.d.name == "sqlite":
		// The DSN's values (sqliteDSN).
		stmts = []string{"PRAGMA synchronous = NORMAL", "PRAGMA cache_size = -32768",
			"PRAGMA temp_store = DEFAULT", "PRAGMA foreign_keys = 1", "PRAGMA threads = 0", "PRAGMA mmap_size = 0",
			"PRAGMA journal_mode = WAL"}
	case on:
		stmts = []string{"SET synchronous_commit = off", "SET maintenance_work_mem = '256MB'"}
	default:
		stmts = []string{"RESET synchronous_commit", "RESET maintenance_work_mem"}
	}
	for _, q := range stmts {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("bulk load: %s: %w", q, err)
		}
	}
	return nil
}

// sqliteSortCache is the page cache of a SQLite bulk load's index
// builds. The cache's size is also the size of the pieces SQLite's sorter
// sorts (in memory, by a helper thread while it reads on) and writes to a
// temporary file before merging them; with temp_store=MEMORY, as before,
// it sorted every key at once in memory, which cost more: the 6 M keys of
// service_event_stage of the whole demo county took 36 CPU-s and 58–76 s
// in memory, 21–24 CPU-s and 14–24 s by pieces of 32 or 64 MiB (load 3–5,
// 2026-12-08).
const sqliteSortCache = "PRAGMA cache_size = -32768"

// sqliteLiveIndexes are the secondary indexes a bulk load on SQLite keeps
// and fills row by row instead of building them at its end: measured on
// the whole demo county's rows (2026-12-08, CPU seconds of the same rows
// inserted, then indexed), keeping them costs less than sorting them
// afterwards, because SQLite's sorter compares every key past the
// county_code that all rows share. service_event_person receives its keys
// nearly in order (the load writes person after person): 3 M events with
// it kept 28.7 CPU-s, built afterwards 35.3. person_year_flags is small
// enough to stay in the page cache: 3.4 M year statuses 17–22 CPU-s kept,
// 28–31 built. Kept on person's indexes, or service_event_stage, cost
// more than building them (person 30.7 vs 23.0 CPU-s, events with stage
// kept 34.6).
var sqliteLiveIndexes = map[string]bool{"service_event_person": true, "person_year_flags": true}

// dropBulkIndexes lists the secondary indexes of bulkTables in
// bulk_index, then drops them.
func (s *Store) dropBulkIndexes(ctx context.Context, conn *sql.Conn) error {
	in := "'" + strings.Join(bulkTables, "', '") + "'"
	var q string
	if s.d.name == "sqlite" {
		// sql is NULL for the indexes of PRIMARY KEY and UNIQUE.
		q = "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (" + in + ")"
	} else {
		q = `SELECT i.indexname, i.tablename, i.indexdef FROM pg_indexes i
			WHERE i.schemaname = current_schema() AND i.tablename IN (` + in + `)
			AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.connamespace = to_regnamespace(current_schema()))`
	}
	type index struct{ name, tbl, sql string }
	rows, err := conn.QueryContext(ctx, q)
	all, err := collect(rows, err, func(sc rowScanner) (index, error) {
		var x index
		return x, sc.Scan(&x.name, &x.tbl, &x.sql)
	})
	if err != nil {
		return fmt.Errorf("bulk load: list indexes: %w", err)
	}
	var idx []index
	for _, x := range all {
		if x.name != x.tbl+"_id" && !(s.d.name == "sqlite" && sqliteLiveIndexes[x.name]) {
			idx = append(idx, x)
		}
	}
	for _, x := range idx {
		if _, err := conn.ExecContext(ctx, s.q("INSERT INTO bulk_index (name, tbl, sql) VALUES (?, ?, ?)"), x.name, x.tbl, x.sql); err != nil {
			return fmt.Errorf("bulk load: record index %s: %w", x.name, err)
		}
	}
	// One statement at a time (Citus propagates each DROP to the shards);
	// an index dropped is listed already, so a kill here loses nothing.
	for _, x := range idx {
		if _, err := conn.ExecContext(ctx, "DROP INDEX IF EXISTS "+x.name); err != nil {
			return fmt.Errorf("bulk load: drop index %s: %w", x.name, err)
		}
	}
	return nil
}

// restoreBulkIndexes builds every index listed in bulk_index and removes
// it from the list, telling progress (when not nil) how many are built.
// Safe to repeat: an index that exists is kept.
func (s *Store) restoreBulkIndexes(ctx context.Context, conn *sql.Conn, progress func(done, total int)) error {
	type index struct{ name, sql string }
	rows, err := conn.QueryContext(ctx, "SELECT name, sql FROM bulk_index ORDER BY tbl, name")
	idx, err := collect(rows, err, func(sc rowScanner) (index, error) {
		var x index
		return x, sc.Scan(&x.name, &x.sql)
	})
	if err != nil {
		return fmt.Errorf("restore indexes: %w", err)
	}
	for i, x := range idx {
		if progress != nil {
			progress(i, len(idx))
		}
		if _, err := conn.ExecContext(ctx, ifNotExists(x.sql)); err != nil {
			return fmt.Errorf("restore index %s: %w", x.name, err)
		}
		if _, err := conn.ExecContext(ctx, s.q("DELETE FROM bulk_index WHERE name = ?"), x.name); err != nil {
			return fmt.Errorf("restore index %s: %w", x.name, err)
		}
	}
	if progress != nil {
		progress(len(idx), len(idx))
	}
	return nil
}

// ifNotExists turns "CREATE [UNIQUE] INDEX [IF NOT EXISTS] name …" into
// "CREATE [UNIQUE] INDEX IF NOT EXISTS name …".
func ifNotExists(def string) string {
	head := "CREATE INDEX "
	rest, ok := strings.CutPrefix(def, head)
	if !ok {
		head = "CREATE UNIQUE INDEX "
		rest, _ = strings.CutPrefix(def, head)
	}
	return head + "IF NOT EXISTS " + strings.TrimPrefix(rest, "IF NOT EXISTS ")
}

// restoreIndexesAtOpen builds the indexes a killed bulk load left listed
// in bulk_index.
func (s *Store) restoreIndexesAtOpen(ctx context.Context) error {
	var n int
	if err := s.queryRow(ctx, "SELECT count(*) FROM bulk_index").Scan(&n); err != nil || n == 0 {
		return err
	}
	s.log.Warn("building the indexes an interrupted bulk load dropped", "indexes", n)
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return s.restoreBulkIndexes(ctx, conn, func(done, total int) {
		if done < total {
			s.log.Info("building index", "done", done, "of", total)
		}
	})
}

// inLoadTx is inTx on the bulk load's connection while one runs.
func (s *Store) inLoadTx(ctx context.Context, fn func(*Tx) error) error {
	s.bulkMu.Lock()
	defer s.bulkMu.Unlock()
	if s.bulk == nil {
		return s.inTx(ctx, fn)
	}
	return s.inTxOn(ctx, s.bulk, fn)
}

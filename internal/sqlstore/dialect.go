package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect is the whole of what differs between SQLite and PostgreSQL. Every
// query in this package is written once, in portable SQL with "?"
// placeholders; only the few things below vary. Business code never asks
// which database it is on.
type dialect struct {
	name   string // "sqlite" or "postgres", also the migrations folder
	driver string // database/sql driver name
	// maxParams is the most bind parameters one statement may carry.
	maxParams int
	// numbered placeholders ($1, $2 …) instead of "?".
	numbered bool
	// unindexed is put before a column in a condition that must not
	// choose the index a query reads: SQLite's unary + (its documented
	// way to keep a term from an index); nothing on PostgreSQL, whose
	// planner weighs the indexes by their statistics.
	unindexed string
	// reserveIDs returns n fresh ids of table's identity column. It runs in
	// the write transaction.
	reserveIDs func(ctx context.Context, tx *Tx, table string, n int) ([]int64, error)
	// stamp converts a timestamp to the value stored.
	stamp func(time.Time) any
	// bulkInsert inserts many rows in the transaction (bulk.go).
	bulkInsert func(ctx context.Context, t *Tx, table string, cols []string, rows [][]any) error
	// bulkStream inserts the rows a function returns, as it returns them
	// (bulk.go).
	bulkStream func(ctx context.Context, t *Tx, table string, cols []string, next func() ([]any, error)) error
	// hasTable counts the tables named by its one parameter (0 or 1).
	hasTable string
	// lockUsers, when not empty, is run first in a transaction that
	// changes accounts, so that such transactions run one at a time.
	lockUsers string
	// lockImports makes the write transaction the only import running
	// until it ends, so that an import plans from the tree it writes to.
	lockImports func(ctx context.Context, t *Tx) error
}

var sqliteDialect = &dialect{
	name:       "sqlite",
	driver:     "sqlite",
	unindexed:  "+",
	hasTable:   "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
	maxParams:  32766,
	bulkInsert: valuesInsert,
	bulkStream: valuesStream,
	// Nothing to do: write transactions begin IMMEDIATE and take the
	// database's one write lock, so they run one at a time already.
	lockImports: func(context.Context, *Tx) error { return nil },
	reserveIDs: func(ctx context.Context, tx *Tx, table string, n int) ([]int64, error) {
		// Safe without a sequence: SQLite write transactions are
		// serialised (BEGIN IMMEDIATE), so no other writer can take ids
		// between this read and our inserts.
		var last int64
		if err := tx.QueryRow(ctx, "SELECT coalesce(max(id), 0) FROM "+table).Scan(&last); err != nil {
			return nil, err
		}
		ids := make([]int64, n)
		for i := range ids {
			ids[i] = last + int64(i) + 1
		}
		return ids, nil
	},
	// SQLite has no time type: store fixed-width UTC text so that string
	// order is time order.
	stamp: func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return t.UTC().Format(stampLayout)
	},
}

var postgresDialect = &dialect{
	name:       "postgres",
	driver:     "pgx",
	hasTable:   "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?",
	maxParams:  65535,
	numbered:   true,
	bulkInsert: copyInsert,
	bulkStream: copyStream,
	// SHARE ROW EXCLUSIVE conflicts with itself and with writes, not with reads.
	lockUsers: "LOCK TABLE user_grant IN SHARE ROW EXCLUSIVE MODE",
	// At READ COMMITTED two imports would both plan from the tree as it
	// was and write over each other's changes (a move committed while
	// another import adds units under the moved town leaves the new
	// units on the old path). A transaction-scoped advisory lock, one per
	// schema, makes imports wait for each other; readers are not held up.
	lockImports: func(ctx context.Context, t *Tx) error {
		_, err := t.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext('weijian.import'), hashtext(current_schema()))")
		return err
	},
	reserveIDs: func(ctx context.Context, tx *Tx, table string, n int) ([]int64, error) {
		// The sequence is looked up once (a materialised CTE), not once
		// per id: pg_get_serial_sequence in the select list cost the
		// server 3 µs an id, 0.15 CPU-s for a 50,000-event import.
		rows, err := tx.Query(ctx, fmt.Sprintf(`WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence('%s', 'id')::regclass AS seq)
			SELECT nextval(s.seq) FROM s, generate_series(1, ?)`, table), n)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		ids := make([]int64, 0, n)
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		return ids, rows.Err()
	},
	stamp: func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return t.UTC()
	},
}

const stampLayout = "2006-01-02T15:04:05.000000Z"

// rebind rewrites "?" placeholders to "$n" for PostgreSQL. Queries here
// never contain a literal "?" inside a string.
func (d *dialect) rebind(q string) string {
	if !d.numbered || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// isUniqueViolation reports whether err is a unique-constraint violation.
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// isBusy reports whether err is SQLite's "database is locked".
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

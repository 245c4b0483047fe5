package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"time"
)

// timeCol scans a timestamp or date column on either database: PostgreSQL
// hands over time.Time, SQLite the text we stored (or a time.Time when the
// driver parsed a DATE/TIMESTAMP column itself). NULL scans to the zero time.
type timeCol struct{ t *time.Time }

var timeLayouts = []string{stampLayout, time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02 15:04:05", "2006-01-02"}

func (c timeCol) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*c.t = time.Time{}
	case time.Time:
		*c.t = x.UTC()
	case string:
		return c.parse(x)
	case []byte:
		return c.parse(string(x))
	default:
		return fmt.Errorf("cannot scan %T into a time", v)
	}
	return nil
}

func (c timeCol) parse(s string) error {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			*c.t = t.UTC()
			return nil
		}
	}
	return fmt.Errorf("cannot parse %q as a time", s)
}

// dateVal is a date as stored: "2006-01-02" text on SQLite (string order
// is date order) and a date on PostgreSQL (which accepts the same text).
// The zero date stores NULL.
type dateVal time.Time

func (d dateVal) Value() (driver.Value, error) {
	t := time.Time(d)
	if t.IsZero() {
		return nil, nil
	}
	return t.Format("2006-01-02"), nil
}

// idCol scans a nullable id; NULL scans to 0.
type idCol struct{ p *int64 }

func (c idCol) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*c.p = 0
	case int64:
		*c.p = x
	case int32:
		*c.p = int64(x)
	default:
		return fmt.Errorf("cannot scan %T into an id", v)
	}
	return nil
}

// nullID is the stored form of an optional id: 0 stores NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// nullStr is the stored form of an optional text: "" stores NULL.
func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// strCol scans a nullable text; NULL scans to "".
type strCol struct{ p *string }

func (c strCol) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*c.p = ""
	case string:
		*c.p = x
	case []byte:
		*c.p = string(x)
	default:
		return fmt.Errorf("cannot scan %T into a string", v)
	}
	return nil
}

// rowScanner is a row to scan: *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(...any) error }

// queryAll runs query and scans every row with scan.
func queryAll[T any](ctx context.Context, q queryer, scan func(rowScanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, query, args...)
	return collect(rows, err, scan)
}

// collect scans every row of a query's result with scan and closes it.
func collect[T any](rows *sql.Rows, err error, scan func(rowScanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

package sqlstore

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
)

// valuesInsert inserts with multi-row VALUES statements, as many rows per
// statement as the parameter limit allows (SQLite).
func valuesInsert(ctx context.Context, t *Tx, table string, cols []string, rows [][]any) error {
	per := t.s.d.rowsPerInsert(len(cols))
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	head := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		var b strings.Builder
		b.WriteString(head)
		args := make([]any, 0, len(chunk)*len(cols))
		for i, r := range chunk {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(one)
			args = append(args, r...)
		}
		stmt, err := t.prepared(ctx, t.s.d.rebind(b.String()))
		if err != nil {
			return err
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	return nil
}

// valuesStream inserts the rows next returns with valuesInsert, 5,000 at
// a time (SQLite: one process does everything anyway).
func valuesStream(ctx context.Context, t *Tx, table string, cols []string, next func() ([]any, error)) error {
	var rows [][]any
	for {
		r, err := next()
		if err != nil {
			return err
		}
		if r != nil {
			rows = append(rows, r)
		}
		if len(rows) > 0 && (r == nil || len(rows) == 5000) {
			if err := valuesInsert(ctx, t, table, cols, rows); err != nil {
				return err
			}
			rows = rows[:0]
		}
		if r == nil {
			return nil
		}
	}
}

// copyInsert inserts on PostgreSQL with COPY … FROM STDIN (binary), on
// the transaction's connection: no statement to plan, no parameters to
// bind one by one; several times faster than multi-row INSERTs. Values
// are the ones an INSERT takes; dates (dateVal) travel as dates.
func copyInsert(ctx context.Context, t *Tx, table string, cols []string, rows [][]any) error {
	i := 0
	return copyStream(ctx, t, table, cols, func() ([]any, error) {
		if i == len(rows) {
			return nil, nil
		}
		i++
		return rows[i-1], nil
	})
}

// copyStream is copyInsert of the rows next returns. pgconn reads the
// stream (copyRows) on a goroutine of its own and sends each 64 kB as it
// is encoded, so the server writes the rows already sent while next makes
// the following ones. An error of next aborts the COPY (the transaction
// with it).
//
// The rows are encoded here rather than by pgx's CopyFrom: it looks up an
// encode plan for every value (a map keyed by the value's type) and hands
// each 64 kB through an io.Pipe to pgconn, 2.5 µs of client CPU for a
// 16-column event row (a fifth of an import's); the binary forms of the
// types the tables use are a few appends each (appendCopyValue), and any
// other value still goes through pgx's encoding.
func copyStream(ctx context.Context, t *Tx, table string, cols []string, next func() ([]any, error)) error {
	return copyFrom(ctx, t, table, cols, copyValues(next))
}

// copyValues appends the rows next returns, value by value.
func copyValues(next func() ([]any, error)) copyRowFunc {
	return func(b []byte, c copyCols) ([]byte, bool, error) {
		row, err := next()
		if row == nil || err != nil {
			return b, false, err
		}
		if len(row) != len(c.oids) {
			return b, false, fmt.Errorf("copy: %d values for %d columns", len(row), len(c.oids))
		}
		b = binary.BigEndian.AppendUint16(b, uint16(len(row)))
		for i, v := range row {
			if b, err = appendCopyValue(b, c.m, c.oids[i], v); err != nil {
				return b, false, err
			}
		}
		return b, true, nil
	}
}

// copyCols is what encodes a row of a COPY: the columns' types.
type copyCols struct {
	oids []uint32
	m    *pgtype.Map
}

// copyRowFunc appends the next row of a COPY to b and reports true, or
// reports false at the end.
type copyRowFunc func(b []byte, c copyCols) ([]byte, bool, error)

// copyFrom copies the rows row appends into table: copyStream's COPY.
func copyFrom(ctx context.Context, t *Tx, table string, cols []string, row copyRowFunc) error {
	return t.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("copy into %s: not a pgx connection (%T)", table, dc)
		}
		quoted := make([]string, len(cols))
		for i, col := range cols {
			quoted[i] = pgx.Identifier{col}.Sanitize()
		}
		list, name := strings.Join(quoted, ", "), pgx.Identifier{table}.Sanitize()
		sd, err := c.Conn().PgConn().Prepare(ctx, "", "SELECT "+list+" FROM "+name, nil)
		if err != nil {
			return fmt.Errorf("copy into %s: column types: %w", table, err)
		}
		oids := make([]uint32, len(sd.Fields))
		for i, f := range sd.Fields {
			oids[i] = f.DataTypeOID
		}
		r := &copyRows{row: row, cols: copyCols{oids, c.Conn().TypeMap()}, buf: copyHeader()}
		_, err = c.Conn().PgConn().CopyFrom(ctx, r, "COPY "+name+" ("+list+") FROM STDIN BINARY")
		return err
	})
}

// copyHeader starts a binary COPY stream: the signature, no flags, no
// header extension.
func copyHeader() []byte {
	b := make([]byte, 0, 80<<10)
	b = append(b, "PGCOPY\n\377\r\n\000"...)
	return binary.BigEndian.AppendUint64(b, 0)
}

// copyRows is the binary COPY stream of the rows row appends, encoded as
// it is read, 64 kB at a time.
type copyRows struct {
	row  copyRowFunc
	cols copyCols
	buf  []byte // encoded, from off on not read yet
	off  int
	done bool // the trailer is in buf
}

func (r *copyRows) Read(p []byte) (int, error) {
	if r.off > 0 && len(r.buf)-r.off < len(p) && !r.done {
		r.buf = r.buf[:copy(r.buf, r.buf[r.off:])]
		r.off = 0
	}
	for len(r.buf) < len(p) && !r.done {
		b, more, err := r.row(r.buf, r.cols)
		if err != nil {
			return 0, err
		}
		r.buf = b
		if !more {
			r.buf, r.done = binary.BigEndian.AppendUint16(r.buf, 0xffff), true // the trailer: -1
		}
	}
	if r.off == len(r.buf) {
		return 0, io.EOF
	}
	n := copy(p, r.buf[r.off:])
	r.off += n
	return n, nil
}

// appendCopyValue appends v as a field of a binary COPY row into a column
// of type oid: its length and its binary form, as pgx's CopyFrom would.
// Values are the ones an INSERT takes; dates (dateVal) travel as dates.
func appendCopyValue(b []byte, m *pgtype.Map, oid uint32, v any) ([]byte, error) {
	be := binary.BigEndian
	switch x := v.(type) {
	case nil:
		return appendCopyNull(b), nil
	case string:
		if b, ok := appendCopyText(b, oid, x); ok {
			return b, nil
		}
	case int64:
		if b, ok := appendCopyInt(b, oid, x); ok {
			return b, nil
		}
	case int:
		if b, ok := appendCopyInt(b, oid, int64(x)); ok {
			return b, nil
		}
	case bool:
		if b, ok := appendCopyBool(b, oid, x); ok {
			return b, nil
		}
	case float64:
		if oid == pgtype.Float8OID {
			return be.AppendUint64(be.AppendUint32(b, 8), math.Float64bits(x)), nil
		}
	case dateVal:
		if time.Time(x).IsZero() {
			return appendCopyNull(b), nil
		}
		return appendCopyValue(b, m, oid, time.Time(x))
	case time.Time:
		if b, ok := appendCopyTime(b, oid, x); ok {
			return b, nil
		}
	}
	return pgxCopyValue(b, m, oid, v)
}

// appendCopyNull appends a NULL field: length -1.
func appendCopyNull(b []byte) []byte { return binary.BigEndian.AppendUint32(b, 0xffffffff) }

// appendCopyText appends s into a text column, or reports false.
func appendCopyText(b []byte, oid uint32, s string) ([]byte, bool) {
	if oid != pgtype.TextOID && oid != pgtype.VarcharOID {
		return b, false
	}
	return append(binary.BigEndian.AppendUint32(b, uint32(len(s))), s...), true
}

// appendCopyBool appends x into a boolean column, or reports false.
func appendCopyBool(b []byte, oid uint32, x bool) ([]byte, bool) {
	if oid != pgtype.BoolOID {
		return b, false
	}
	b = binary.BigEndian.AppendUint32(b, 1)
	if x {
		return append(b, 1), true
	}
	return append(b, 0), true
}

// appendCopyTime appends t into a date (the date t shows) or timestamptz
// column, or reports false.
func appendCopyTime(b []byte, oid uint32, t time.Time) ([]byte, bool) {
	be := binary.BigEndian
	switch oid {
	case pgtype.DateOID: // days since 2000-01-01
		days := (time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Unix() - y2k) / 86400
		return be.AppendUint32(be.AppendUint32(b, 4), uint32(int32(days))), true
	case pgtype.TimestamptzOID: // microseconds since 2000-01-01 UTC
		us := t.Unix()*1000000 + int64(t.Nanosecond())/1000 - y2k*1000000
		return be.AppendUint64(be.AppendUint32(b, 8), uint64(us)), true
	}
	return b, false
}

// y2k is 2000-01-01 UTC in Unix seconds, the epoch of PostgreSQL's dates
// and timestamps.
const y2k = 946684800

// appendCopyInt appends x into an integer column, or reports false (a
// value out of the column's range, another type) for pgx to encode or
// refuse.
func appendCopyInt(b []byte, oid uint32, x int64) ([]byte, bool) {
	be := binary.BigEndian
	switch {
	case oid == pgtype.Int8OID:
		return be.AppendUint64(be.AppendUint32(b, 8), uint64(x)), true
	case oid == pgtype.Int4OID && x >= math.MinInt32 && x <= math.MaxInt32:
		return be.AppendUint32(be.AppendUint32(b, 4), uint32(int32(x))), true
	case oid == pgtype.Int2OID && x >= math.MinInt16 && x <= math.MaxInt16:
		return be.AppendUint16(be.AppendUint32(b, 2), uint16(int16(x))), true
	}
	return b, false
}

// pgxCopyValue is pgx's own encoding of a COPY field (pgx v5.12's
// encodeCopyValue): the binary form of v, or else v as text read back as
// the column's type (pgxScanString).
func pgxCopyValue(b []byte, m *pgtype.Map, oid uint32, v any) ([]byte, error) {
	sp := len(b)
	b = binary.BigEndian.AppendUint32(b, 0xffffffff)
	out, err := m.Encode(oid, pgx.BinaryFormatCode, v, b)
	if err != nil {
		if out, err = pgxScanString(b, m, oid, v); err != nil {
			return nil, err
		}
	}
	if out == nil { // NULL: the length stays -1
		return b, nil
	}
	binary.BigEndian.PutUint32(out[sp:], uint32(len(out)-sp-4))
	return out, nil
}

// pgxScanString is pgx v5.12's tryScanStringCopyValueThenEncode.
func pgxScanString(b []byte, m *pgtype.Map, oid uint32, v any) ([]byte, error) {
	s, ok := v.(string)
	if !ok {
		text, err := m.Encode(oid, pgx.TextFormatCode, v, nil)
		if err != nil {
			return nil, errors.New("not a string and cannot be encoded as text")
		}
		s = string(text)
	}
	if typ, ok := m.TypeForOID(oid); ok {
		if _, ok := typ.Codec.(*pgtype.ArrayCodec); ok {
			var arr pgtype.Array[any]
			if err := m.Scan(oid, pgx.TextFormatCode, []byte(s), &arr); err == nil {
				return m.Encode(oid, pgx.BinaryFormatCode, arr, b)
			}
		}
	}
	var x any
	if err := m.Scan(oid, pgx.TextFormatCode, []byte(s), &x); err != nil {
		return nil, err
	}
	return m.Encode(oid, pgx.BinaryFormatCode, x, b)
}

// rowsPerInsert is how many rows of ncols columns one multi-row INSERT
// carries (valuesInsert): as many as the parameters allow, at most 1000.
func (d *dialect) rowsPerInsert(ncols int) int {
	return min(d.maxParams/ncols, 1000)
}

// copyWriter appends the fields of one COPY row of typed values, each as
// appendCopyValue would append it boxed (a value the fast forms do not
// fit, pgx encodes).
type copyWriter struct {
	b   []byte
	c   copyCols
	i   int // the next column
	err error
}

// next is the type of the next column.
func (w *copyWriter) next() uint32 {
	w.i++
	return w.c.oids[w.i-1]
}

// pgx appends v by pgx's encoding.
func (w *copyWriter) pgx(oid uint32, v any) {
	if w.err != nil {
		return
	}
	b, err := pgxCopyValue(w.b, w.c.m, oid, v)
	if err != nil {
		w.err = err
		return
	}
	w.b = b
}

func (w *copyWriter) null() { w.next(); w.b = appendCopyNull(w.b) }

func (w *copyWriter) text(s string) {
	oid := w.next()
	var ok bool
	if w.b, ok = appendCopyText(w.b, oid, s); !ok {
		w.pgx(oid, s)
	}
}

func (w *copyWriter) int(x int64) {
	oid := w.next()
	var ok bool
	if w.b, ok = appendCopyInt(w.b, oid, x); !ok {
		w.pgx(oid, x)
	}
}

func (w *copyWriter) bool(x bool) {
	oid := w.next()
	var ok bool
	if w.b, ok = appendCopyBool(w.b, oid, x); !ok {
		w.pgx(oid, x)
	}
}

func (w *copyWriter) time(t time.Time) {
	oid := w.next()
	var ok bool
	if w.b, ok = appendCopyTime(w.b, oid, t); !ok {
		w.pgx(oid, t)
	}
}

// values appends the stored JSON of values (encodeValues) into a text
// column, written straight into the row.
func (w *copyWriter) values(v map[string]any) {
	if oid := w.c.oids[w.i]; oid != pgtype.TextOID && oid != pgtype.VarcharOID {
		w.text(encodeValues(v))
		return
	}
	w.i++
	at := len(w.b)
	w.b = appendValues(binary.BigEndian.AppendUint32(w.b, 0), v)
	binary.BigEndian.PutUint32(w.b[at:], uint32(len(w.b)-at-4))
}

// constInsert is valuesInsert for a load of residents on SQLite: the
// columns marked in consts that hold one value in every row of a
// statement (the county, a version, the load's time stamps, NULL) are
// written into it as literals instead of being bound with every row —
// binding, with its copy of every text, is a fifth of the demo's writer.
// A column whose value varies in the statement's rows, or is not of a
// type sqlLiteral writes, is bound as valuesInsert binds it; the rows
// stored are the same.
func constInsert(ctx context.Context, t *Tx, table string, cols []string, consts []bool, rows [][]any) error {
	per := t.s.d.rowsPerInsert(len(cols))
	head := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "
	lits := make([]string, len(cols))
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		nvar := 0
		for j := range cols {
			lits[j] = ""
			if consts[j] {
				lits[j] = constLiteral(chunk, j)
			}
			if lits[j] == "" {
				nvar++
			}
		}
		var b strings.Builder
		b.WriteString(head)
		args := make([]any, 0, len(chunk)*nvar)
		for i, r := range chunk {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('(')
			for j, v := range r {
				if j > 0 {
					b.WriteByte(',')
				}
				if lits[j] != "" {
					b.WriteString(lits[j])
				} else {
					b.WriteByte('?')
					args = append(args, v)
				}
			}
			b.WriteByte(')')
		}
		stmt, err := t.prepared(ctx, b.String())
		if err != nil {
			return err
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	return nil
}

// constLiteral is the SQL literal of column j when every row holds the
// same value there and sqlLiteral writes it, else "".
func constLiteral(rows [][]any, j int) string {
	v := rows[0][j]
	lit, ok := sqlLiteral(v)
	if !ok {
		return ""
	}
	for _, r := range rows[1:] {
		if r[j] != v { // comparable: sqlLiteral took only plain types
			return ""
		}
	}
	return lit
}

// sqlLiteral writes v as SQLite stores it when bound: NULL, an integer
// (a bool as 0 or 1, as the driver binds it) or a text without NUL.
func sqlLiteral(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "NULL", true
	case bool:
		if x {
			return "1", true
		}
		return "0", true
	case int64:
		return strconv.FormatInt(x, 10), true
	case string:
		if strings.IndexByte(x, 0) >= 0 {
			return "", false
		}
		return "'" + strings.ReplaceAll(x, "'", "''") + "'", true
	}
	return "", false
}

// driverValues converts a row's values in place to what database/sql
// would hand the SQLite driver (dates to their text, int to int64), so
// that a load's encoder goroutine does it rather than its writer.
func driverValues(row []any) {
	for j, v := range row {
		switch x := v.(type) {
		case dateVal:
			row[j], _ = x.Value()
		case int:
			row[j] = int64(x)
		}
	}
}

package sqlstore

import (
	"bytes"
	"io"
	"math"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/weijian-health/weijian"
)

// appendCopyValue writes the bytes pgx's own COPY encoding writes, for
// the values and column types the tables use, and refuses what pgx
// refuses.
func TestAppendCopyValueAsPgx(t *testing.T) {
	m := pgtype.NewMap()
	shanghai := time.FixedZone("CST", 8*3600)
	values := []any{nil, "", "320685", "高血压 followup", int64(0), int64(-1), int64(math.MaxInt64), int64(math.MinInt64),
		int64(math.MaxInt32), int64(math.MaxInt32) + 1, int64(math.MinInt32) - 1, int64(math.MaxInt16) + 1, int64(-32768),
		0, 7, -123456789, math.MaxInt32 + 1, true, false, 0.0, -1.5, math.Inf(1), math.Copysign(0, -1), 1e300,
		time.Date(2026, 12, 7, 4, 0, 0, 123456789, time.UTC), time.Date(1999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(1940, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 2, 29, 23, 30, 0, 0, shanghai),
		time.Date(1969, 7, 20, 20, 17, 40, 500, shanghai), time.Time{},
		dateVal(time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)), dateVal(time.Date(1950, 1, 2, 0, 0, 0, 0, shanghai)), dateVal{},
		"2024-06-30", "12", "t"}
	oids := []uint32{pgtype.TextOID, pgtype.VarcharOID, pgtype.Int8OID, pgtype.Int4OID, pgtype.Int2OID, pgtype.BoolOID,
		pgtype.Float8OID, pgtype.DateOID, pgtype.TimestamptzOID}
	fast := 0
	for _, oid := range oids {
		for _, v := range values {
			want, wantErr := pgxCopyValue([]byte("x"), m, oid, pgxForm(v))
			got, gotErr := appendCopyValue([]byte("x"), m, oid, v)
			if (wantErr != nil) != (gotErr != nil) || !bytes.Equal(want, got) {
				t.Errorf("oid %d, %T %v: got %x (%v), pgx %x (%v)", oid, v, v, got, gotErr, want, wantErr)
			}
			if wantErr == nil {
				fast++
			}
		}
	}
	if fast < 100 {
		t.Fatalf("only %d values encoded", fast)
	}
}

// pgxForm is a value as the former COPY source gave it to pgx: a date
// as its time, a date not set as NULL.
func pgxForm(v any) any {
	if d, ok := v.(dateVal); ok {
		if time.Time(d).IsZero() {
			return nil
		}
		return time.Time(d)
	}
	return v
}

// copyRows streams the header, each row, the trailer, in reads of any
// size; an error of the rows ends the stream with it.
func TestCopyRowsStream(t *testing.T) {
	m := pgtype.NewMap()
	oids := []uint32{pgtype.Int8OID, pgtype.TextOID}
	rows := make([][]any, 5000)
	var want bytes.Buffer
	want.Write(copyHeader())
	for i := range rows {
		rows[i] = []any{int64(i), "row"}
		want.Write([]byte{0, 2})
		for j, v := range rows[i] {
			b, err := pgxCopyValue(nil, m, oids[j], v)
			if err != nil {
				t.Fatal(err)
			}
			want.Write(b)
		}
	}
	want.Write([]byte{0xff, 0xff})
	for _, size := range []int{1, 7, 4096, 65531, 1 << 20} {
		i := 0
		r := &copyRows{row: copyValues(func() ([]any, error) {
			if i == len(rows) {
				return nil, nil
			}
			i++
			return rows[i-1], nil
		}), cols: copyCols{oids, m}, buf: copyHeader()}
		got, err := io.ReadAll(io.LimitReader(struct{ io.Reader }{readerOf(r, size)}, 1<<30))
		if err != nil || !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("reads of %d: %d bytes (%v), want %d", size, len(got), err, want.Len())
		}
	}
	r := &copyRows{row: copyValues(func() ([]any, error) { return nil, errRefused }), cols: copyCols{oids, m}, buf: copyHeader()}
	if _, err := io.ReadAll(r); err != errRefused {
		t.Fatalf("error of the rows: %v", err)
	}
}

// readerOf reads r in reads of at most size bytes.
func readerOf(r io.Reader, size int) io.Reader {
	return readerFunc(func(p []byte) (int, error) { return r.Read(p[:min(len(p), size)]) })
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// appendEventCopy writes the bytes the generic COPY encoding writes for
// eventRow on PostgreSQL, for the columns' real types and for others
// (where both fall back to pgx), and fails where it fails.
func TestEventCopySameAsRow(t *testing.T) {
	m := pgtype.NewMap()
	s := &Store{d: postgresDialect}
	schema := []uint32{pgtype.TextOID, pgtype.Int8OID, pgtype.Int8OID, pgtype.TextOID, pgtype.TextOID, pgtype.DateOID,
		pgtype.Int8OID, pgtype.TextOID, pgtype.TextOID, pgtype.BoolOID, pgtype.TextOID, pgtype.TextOID, pgtype.Int4OID,
		pgtype.Int8OID, pgtype.TimestamptzOID, pgtype.TimestamptzOID}
	other := []uint32{pgtype.VarcharOID, pgtype.Int4OID, pgtype.NumericOID, pgtype.TextOID, pgtype.VarcharOID, pgtype.TimestamptzOID,
		pgtype.Int2OID, pgtype.TextOID, pgtype.JSONBOID, pgtype.BoolOID, pgtype.TextOID, pgtype.TextOID, pgtype.Int8OID,
		pgtype.Int4OID, pgtype.DateOID, pgtype.TimestampOID}
	cst := time.FixedZone("CST", 8*3600)
	values := []map[string]any{nil, {}, {"sbp": 150, "dbp": int64(85), "method": "1", "ok": true, "w": 70.5, "n": nil},
		{"note": "a \"quoted\" <b>", "list": []any{"1", "2"}}, {"big": 1e25, "tiny": 1e-9}}
	n := 0
	for i := range 400 {
		e := &weijian.Event{County: "320685", ID: int64(i) * 7919, PersonID: int64(i)<<33 + 5, Programme: "hypertension",
			Stage: "followup", OrgUnitID: int64(i % 70000), OrgPath: "/320000/320600/320685/", Values: values[i%len(values)],
			Voided: i%3 == 0, VoidReason: []string{"", "录入错误"}[i%2], SourceID: []string{"", "B12"}[i%3%2],
			Version: 1 + i%4, CreatedBy: int64(i % 5)}
		if i%7 != 0 {
			e.Date = time.Date(1990+i%40, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, []*time.Location{time.UTC, cst}[i%2])
		}
		if i%11 != 0 {
			e.CreatedAt = time.Date(2026, 12, 8, i%24, 0, 0, i*1001, cst)
			e.UpdatedAt = e.CreatedAt.Add(time.Duration(i) * time.Hour)
		}
		for _, oids := range [][]uint32{schema, other} {
			c := copyCols{oids, m}
			sent := false
			want, _, wantErr := copyValues(func() ([]any, error) {
				if sent {
					return nil, nil
				}
				sent = true
				return s.eventRow(e), nil
			})([]byte("x"), c)
			got, gotErr := appendEventCopy([]byte("x"), c, e)
			if (wantErr != nil) != (gotErr != nil) || wantErr == nil && !bytes.Equal(want, got) {
				t.Fatalf("event %d, columns %v:\n got %x (%v)\nwant %x (%v)", i, oids, got, gotErr, want, wantErr)
			}
			if wantErr == nil && &oids[0] == &other[0] {
				n++
			}
		}
	}
	if n < 300 {
		t.Fatalf("only %d events encoded with the other types", n)
	}
}

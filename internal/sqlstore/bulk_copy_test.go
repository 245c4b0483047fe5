package sqlstore

import (
	"bytes"
	"io"
	"math"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
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
		r := &copyRows{next: func() ([]any, error) {
			if i == len(rows) {
				return nil, nil
			}
			i++
			return rows[i-1], nil
		}, oids: oids, m: m, buf: copyHeader()}
		got, err := io.ReadAll(io.LimitReader(struct{ io.Reader }{readerOf(r, size)}, 1<<30))
		if err != nil || !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("reads of %d: %d bytes (%v), want %d", size, len(got), err, want.Len())
		}
	}
	r := &copyRows{next: func() ([]any, error) { return nil, errRefused }, oids: oids, m: m, buf: copyHeader()}
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

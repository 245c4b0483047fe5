package sqlstore

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// constInsert stores what valuesInsert stores, value for value and
// storage type for type: constant columns of every kind sqlLiteral writes
// (a text with a quote, true, false, an integer, NULL), constant values it
// does not write (a text with a NUL, a date), and a column constant in the
// first statement's rows only (the second falls back to binding it).
func TestConstInsertStoresWhatValuesInsertStores(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "c.db"), Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cols := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	day := dateVal(time.Date(2025, 3, 4, 0, 0, 0, 0, time.UTC))
	var rows [][]any
	for i := range 2500 {
		h := any("same")
		if i == 1700 {
			h = "other"
		}
		r := []any{"O'Brien 县", true, false, int64(-42), nil, "nul\x00inside", day, h}
		driverValues(r)
		rows = append(rows, append(r, int64(i)))
	}
	cols = append(cols, "i")
	consts := []bool{true, true, true, true, true, true, true, true, false}
	err = s.inTx(ctx, func(tx *Tx) error {
		for _, tbl := range []string{"t_const", "t_values"} {
			if _, err := tx.Exec(ctx, "CREATE TABLE "+tbl+" (a TEXT, b BOOLEAN, c BOOLEAN, d INTEGER, e TEXT, f TEXT, g DATE, h TEXT, i INTEGER)"); err != nil {
				return err
			}
		}
		if err := constInsert(ctx, tx, "t_const", cols, consts, rows); err != nil {
			return err
		}
		return valuesInsert(ctx, tx, "t_values", cols, rows)
	})
	if err != nil {
		t.Fatal(err)
	}
	dump := func(tbl string) string {
		var sel []string
		for _, c := range cols {
			sel = append(sel, "quote("+c+")", "typeof("+c+")")
		}
		rs, err := s.db.QueryContext(ctx, "SELECT "+strings.Join(sel, ", ")+" FROM "+tbl+" ORDER BY i")
		if err != nil {
			t.Fatal(err)
		}
		defer rs.Close()
		var b strings.Builder
		vals := make([]string, len(sel))
		ptrs := make([]any, len(sel))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rs.Next() {
			if err := rs.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(&b, strings.Join(vals, "|"))
		}
		return b.String()
	}
	got, want := dump("t_const"), dump("t_values")
	if strings.Count(want, "\n") != 2500 || !strings.Contains(want, "'other'") || !strings.Contains(want, "'O''Brien 县'|text") {
		t.Fatalf("unexpected rows stored:\n%.400s", want)
	}
	if got != want {
		t.Errorf("constInsert stored\n%.600s\nvaluesInsert\n%.600s", got, want)
	}
}

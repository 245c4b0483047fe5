package tabular

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Text that a spreadsheet would evaluate as a formula is written with a
// leading quote; numbers, negative ones included, are written as numbers.
func TestWriteCSVDefusesFormulas(t *testing.T) {
	rows := [][]any{
		{"=HYPERLINK(\"http://evil.example\",\"点我\")", "+1+2", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"},
		{-5, int64(-874334), -1.5, "-", "a=b", "海安镇"},
		{"", nil, "'=already", " =x", "320685000000", 0},
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, []string{"=名称", "b", "c", "d", "e", "f"}, rows); err != nil {
		t.Fatal(err)
	}
	got, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), utf8BOM))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"'=名称", "b", "c", "d", "e", "f"},
		{"'=HYPERLINK(\"http://evil.example\",\"点我\")", "'+1+2", "'-2+3", "'@SUM(A1)", "'\tcmd", "'\rcmd"},
		{"-5", "-874334", "-1.5", "'-", "a=b", "海安镇"},
		{"", "", "'=already", " =x", "320685000000", "0"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CSV cells (-want +got):\n%s", diff)
	}
}

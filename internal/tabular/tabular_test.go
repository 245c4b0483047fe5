package tabular

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/weijian-health/weijian"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

const sample = "code,name,level,parent_code\n320685000000,海安市,county,320600000000\n\n320685100000,海安镇,town,320685000000\n"

func TestReadCSVEncodings(t *testing.T) {
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(sample)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, data, enc string
	}{
		{"utf8", sample, "UTF-8"},
		{"utf8 with BOM", "\uFEFF" + sample, "UTF-8"},
		{"gbk from Excel", gbk, "GB18030"},
		{"crlf", strings.ReplaceAll(sample, "\n", "\r\n"), "UTF-8"},
		{"tab separated", strings.ReplaceAll(sample, ",", "\t"), "UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb, err := Read("f.csv", strings.NewReader(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			if tb.Encoding != tc.enc {
				t.Errorf("encoding = %s, want %s", tb.Encoding, tc.enc)
			}
			if got := tb.Header; !cmp.Equal(got, []string{"code", "name", "level", "parent_code"}) {
				t.Errorf("header = %q", got)
			}
			want := []Row{
				{Line: 2, Cells: []string{"320685000000", "海安市", "county", "320600000000"}},
				{Line: 4, Cells: []string{"320685100000", "海安镇", "town", "320685000000"}},
			}
			if diff := cmp.Diff(want, tb.Rows); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadRejects(t *testing.T) {
	for _, tc := range []struct {
		name, file, data, want string
	}{
		{"empty", "f.csv", "", "文件为空"},
		{"blank lines only", "f.csv", "\n\n  \n", "文件为空"},
		{"header only", "f.csv", "code,name\n", "只有表头"},
		{"not text", "f.csv", "\xff\xfe\x00\x00\x81", "UTF-16"},
		{"binary garbage", "f.csv", "code\n\x81\x20\xfe\xff\x80", "编码无法识别"},
		{"old xls", "f.xls", "whatever", ".xls"},
		{"broken xlsx", "f.xlsx", "not a zip", "无法打开"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(tc.file, strings.NewReader(tc.data))
			if err == nil {
				t.Fatal("no error")
			}
			if weijian.ErrorKind(err) != weijian.KindInvalid {
				t.Errorf("kind = %v, want invalid (%v)", weijian.ErrorKind(err), err)
			}
			if msg := weijian.ErrorMessage(err, "zh"); !strings.Contains(msg, tc.want) {
				t.Errorf("message %q does not mention %q", msg, tc.want)
			}
		})
	}
}

func TestXLSXRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	rows := [][]any{{"320685000000", "海安市", 874334}, {"320685100000", "海安镇", 1.5}}
	if err := WriteXLSX(&buf, "区划", []string{"代码", "名称", "人口"}, rows); err != nil {
		t.Fatal(err)
	}
	tb, err := Read("x.xlsx", &buf)
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{
		{Line: 2, Cells: []string{"320685000000", "海安市", "874334"}},
		{Line: 3, Cells: []string{"320685100000", "海安镇", "1.5"}},
	}
	if diff := cmp.Diff(want, tb.Rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

func TestXLSXLineNumbersAndNumbers(t *testing.T) {
	f := excelize.NewFile()
	f.SetCellValue("Sheet1", "A1", "code")
	f.SetCellValue("Sheet1", "A2", 320685000000) // a code typed as a number
	f.SetCellValue("Sheet1", "A5", "x")          // rows 3-4 empty
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	tb, err := Read("x.xlsx", &buf)
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{{Line: 2, Cells: []string{"320685000000"}}, {Line: 5, Cells: []string{"x"}}}
	if diff := cmp.Diff(want, tb.Rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

func TestNormNumber(t *testing.T) {
	for in, want := range map[string]string{
		"3.20685E+11": "320685000000", "320685000000.0": "320685000000", "1.5": "1.5",
		"abc": "abc", "12": "12", "1e400": "1e400",
	} {
		if got := normNumber(in); got != want {
			t.Errorf("normNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriteCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, []string{"a", "b"}, [][]any{{"x,y", 3}, {nil}}); err != nil {
		t.Fatal(err)
	}
	want := "\uFEFFa,b\n\"x,y\",3\n,\n"
	if buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
}

func TestCol(t *testing.T) {
	tb := &Table{Header: []string{" Code ", "名称", "Parent_Code"}}
	if got := tb.Col("parent_code", "上级代码"); got != 2 {
		t.Errorf("Col = %d, want 2", got)
	}
	if got := tb.Col("名称"); got != 1 {
		t.Errorf("Col = %d, want 1", got)
	}
	if got := tb.Col("missing"); got != -1 {
		t.Errorf("Col = %d, want -1", got)
	}
}

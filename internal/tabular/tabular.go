// Package tabular reads and writes the tables counties exchange: CSV (in
// UTF-8, or GBK/GB18030 as Excel in China saves it) and XLSX. Every row
// keeps its line number so that import errors can name it.
package tabular

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/weijian-health/weijian"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Table is a file's header and data rows.
type Table struct {
	Header   []string
	Rows     []Row
	Encoding string // "UTF-8", "GB18030", or "XLSX"
}

// Row is one data row; Line is its 1-based row number in the file (the
// header is line 1), as a spreadsheet shows it.
type Row struct {
	Line  int
	Cells []string
}

// Get returns the trimmed cell at index i, or "" if the row is shorter or
// i < 0.
func (r Row) Get(i int) string {
	if i < 0 || i >= len(r.Cells) {
		return ""
	}
	return strings.TrimSpace(r.Cells[i])
}

// Col returns the index of the first header matching one of names (case-
// and space-insensitive), or -1.
func (t *Table) Col(names ...string) int {
	for i, h := range t.Header {
		h = normHeader(h)
		for _, n := range names {
			if h == normHeader(n) {
				return i
			}
		}
	}
	return -1
}

func normHeader(s string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
}

// MaxBytes bounds the files Read accepts (256 MiB).
const MaxBytes = 256 << 20

// Read reads a CSV or XLSX file, chosen by name's extension (".xlsx" or
// anything else for CSV). The first non-empty row is the header; wholly
// empty rows are skipped.
func Read(name string, r io.Reader) (*Table, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(data) > MaxBytes {
		return nil, weijian.Invalid(weijian.T("文件超过256MB，请拆分后导入", "file larger than 256 MiB: split it"))
	}
	var t *Table
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx", ".xlsm":
		t, err = readXLSX(data)
	case ".xls":
		return nil, weijian.Invalid(weijian.T(
			"不支持旧版 .xls 文件：请在 Excel/WPS 中另存为 .xlsx 或 CSV（UTF-8）后再导入",
			"old .xls files are not supported: save as .xlsx or CSV (UTF-8) in Excel/WPS and import that"))
	default:
		t, err = readCSV(data)
	}
	if err != nil {
		return nil, err
	}
	if t.Header == nil {
		return nil, weijian.Invalid(weijian.T("文件为空：没有表头和数据行", "the file is empty: no header and no data rows"))
	}
	if len(t.Rows) == 0 {
		return nil, weijian.Invalid(weijian.T("文件只有表头，没有数据行", "the file has a header but no data rows"))
	}
	return t, nil
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// decodeText returns the file as UTF-8. Excel in China saves "CSV" in
// GBK (code page 936); GB18030 is its superset, so we decode with that when
// the bytes are not valid UTF-8, and refuse when that fails too.
func decodeText(data []byte) (string, string, error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	if utf8.Valid(data) {
		return string(data), "UTF-8", nil
	}
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return "", "", weijian.Invalid(weijian.T(
			"文件是 UTF-16 编码：请另存为“CSV UTF-8（逗号分隔）”后导入",
			"the file is UTF-16: save it as \"CSV UTF-8 (comma delimited)\" and import that"))
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil || !utf8.Valid(out) || bytes.ContainsRune(out, utf8.RuneError) {
		return "", "", weijian.Invalid(weijian.T(
			"文件编码无法识别（既不是 UTF-8 也不是 GBK）：请另存为“CSV UTF-8（逗号分隔）”后导入",
			"the file's encoding is neither UTF-8 nor GBK: save it as \"CSV UTF-8 (comma delimited)\" and import that"))
	}
	return string(out), "GB18030", nil
}

func readCSV(data []byte) (*Table, error) {
	text, enc, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.Comma = sniffComma(text)
	t := &Table{Encoding: enc}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, weijian.Invalid(weijian.T(fmt.Sprintf("第%d行无法解析为CSV：%v", line, err),
				fmt.Sprintf("row %d is not valid CSV: %v", line, err)))
		}
		t.add(line, rec)
	}
	return t, nil
}

// sniffComma picks the delimiter of the header line: comma, tab or semicolon.
func sniffComma(text string) rune {
	first, _, _ := strings.Cut(text, "\n")
	best, n := ',', strings.Count(first, ",")
	for _, c := range []rune{'\t', ';'} {
		if k := strings.Count(first, string(c)); k > n {
			best, n = c, k
		}
	}
	return best
}

func (t *Table) add(line int, cells []string) {
	empty := true
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			empty = false
			break
		}
	}
	if empty {
		return
	}
	if t.Header == nil {
		t.Header = cells
		return
	}
	t.Rows = append(t.Rows, Row{Line: line, Cells: cells})
}

// normNumber turns Excel's renderings of a whole number ("3.20685E+11",
// "320685000000.0") back into digits; other text is returned unchanged.
func normNumber(s string) string {
	if !strings.ContainsAny(s, ".eE") {
		return s
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != float64(int64(f)) || f > 1e15 || f < -1e15 {
		return s
	}
	return strconv.FormatInt(int64(f), 10)
}

package tabular

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// WriteXLSX writes one sheet with a bold, frozen header row. Cells may be
// strings, integers or floats; numbers stay numbers so Excel can sum them,
// while codes should be passed as strings so they keep every digit.
func WriteXLSX(w io.Writer, sheet string, header []string, rows [][]any) error {
	return WriteXLSXSheets(w, []Sheet{{Name: sheet, Header: header, Rows: rows}})
}

// Sheet is one sheet of a workbook: a header row and rows (see WriteXLSX).
type Sheet struct {
	Name   string
	Header []string
	Rows   [][]any
}

// WriteXLSXSheets writes a workbook of sheets, in order, each as
// WriteXLSX writes its one.
func WriteXLSXSheets(w io.Writer, sheets []Sheet) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EEF7"}}})
	if err != nil {
		return err
	}
	for i, sh := range sheets {
		if i == 0 {
			err = f.SetSheetName("Sheet1", sh.Name)
		} else {
			_, err = f.NewSheet(sh.Name)
		}
		if err != nil {
			return err
		}
		if err := writeSheet(f, sh, bold); err != nil {
			return fmt.Errorf("sheet %s: %w", sh.Name, err)
		}
	}
	return f.Write(w)
}

func writeSheet(f *excelize.File, sh Sheet, bold int) error {
	sw, err := f.NewStreamWriter(sh.Name)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	for i := range sh.Header {
		if err := sw.SetColWidth(i+1, i+1, float64(max(10, min(40, 2*len([]rune(sh.Header[i]))+4)))); err != nil {
			return err
		}
	}
	hdr := make([]any, len(sh.Header))
	for i, h := range sh.Header {
		hdr[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", hdr); err != nil {
		return err
	}
	for i, r := range sh.Rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, r); err != nil {
			return fmt.Errorf("row %d: %w", i+2, err)
		}
	}
	return sw.Flush()
}

// WriteCSV writes UTF-8 CSV with a byte-order mark, which Excel needs to
// open Chinese text correctly. Text cells that a spreadsheet would run as a
// formula are defused (see csvCell); numbers are written as they are.
func WriteCSV(w io.Writer, header []string, rows [][]any) error {
	if _, err := w.Write(utf8BOM); err != nil {
		return err
	}
	return WriteCSVPlain(w, header, rows)
}

// WriteCSVPlain writes CSV as WriteCSV does but without the byte-order
// mark: for scripts and pipes rather than Excel.
func WriteCSVPlain(w io.Writer, header []string, rows [][]any) error {
	cw := csv.NewWriter(w)
	rec := make([]string, len(header))
	for i, h := range header {
		rec[i] = csvCell(h)
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	for _, r := range rows {
		for i := range rec {
			rec[i] = ""
			if i < len(r) {
				rec[i] = csvCell(r[i])
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvCell formats one cell. Numbers stay as they are (a negative count is
// a number, not a formula); any other value is text, and text starting
// with = + - @, a tab or a carriage return gets a leading single quote so
// that Excel and LibreOffice show it instead of evaluating it (OWASP's
// advice against CSV injection).
func csvCell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
		return fmt.Sprint(x)
	case string:
		return defuse(x)
	}
	return defuse(fmt.Sprint(v))
}

func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

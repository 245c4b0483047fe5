package tabular

import (
	"bytes"
	"fmt"

	"github.com/weijian-health/weijian"
	"github.com/xuri/excelize/v2"
)

// readXLSX reads the first sheet of a workbook. Cells are read raw (5×
// faster than formatted, and long codes keep all their digits).
func readXLSX(data []byte) (*Table, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, weijian.Wrap(weijian.KindInvalid, weijian.T(
			"无法打开 Excel 文件：文件已损坏或不是 .xlsx 格式",
			"cannot open the Excel file: it is damaged or not .xlsx"), err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, weijian.Invalid(weijian.T("Excel 文件没有工作表", "the workbook has no sheet"))
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, fmt.Errorf("read sheet %s: %w", sheets[0], err)
	}
	defer rows.Close()
	t := &Table{Encoding: "XLSX"}
	line := 0
	for rows.Next() {
		line++
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fmt.Errorf("read row %d: %w", line, err)
		}
		for i, c := range cells {
			cells[i] = normNumber(c)
		}
		t.add(line, cells)
	}
	return t, rows.Error()
}

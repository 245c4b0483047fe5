package report

import (
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/weijian-health/weijian/internal/tabular"
)

// WriteXLSX writes the appendix of the report: every table on a sheet of
// its own (a figure alone in a cell as a number), then the list of every
// figure with its analytics query.
func (d *Document) WriteXLSX(w io.Writer) error {
	var sheets []tabular.Sheet
	used := map[string]bool{}
	for i, t := range d.Tables() {
		name := sheetName(t.Caption, i+1, used)
		sh := tabular.Sheet{Name: name}
		for _, c := range t.Head {
			sh.Header = append(sh.Header, plain(c))
		}
		for _, r := range t.Rows {
			var row []any
			for _, c := range r {
				row = append(row, cellValue(c))
			}
			sh.Rows = append(sh.Rows, row)
		}
		sheets = append(sheets, sh)
	}
	sheets = append(sheets, d.figureSheet(used))
	return tabular.WriteXLSXSheets(w, sheets)
}

// cellValue is the number of a cell holding one figure, else its text.
func cellValue(c []Inline) any {
	if len(c) == 1 && c[0].Fig != nil && c[0].Fig.Raw != nil {
		if f, err := strconv.ParseFloat(strings.TrimSuffix(c[0].Text, "%"), 64); err == nil {
			return f // the printed (rounded) figure, as the document shows it
		}
	}
	return plain(c)
}

// sheetName makes a valid, unique sheet name (31 characters, none of
// []:*?/\) from a table's caption.
func sheetName(caption string, n int, used map[string]bool) string {
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, caption)
	if name == "" {
		name = "表" + strconv.Itoa(n)
	}
	for utf8.RuneCountInString(name) > 28 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	base := name
	for k := 2; used[name]; k++ {
		name = base + "-" + strconv.Itoa(k)
	}
	used[name] = true
	return name
}

func (d *Document) figureSheet(used map[string]bool) tabular.Sheet {
	sh := tabular.Sheet{Name: sheetName("数字来源", 0, used), Header: []string{"序号", "数字", "未修约值", "指标", "单位", "期间", "截至", "类别", "说明", "分析查询", "仪表盘", "明细记录"}}
	for _, f := range d.Figures {
		var raw any = ""
		if f.Raw != nil {
			raw = *f.Raw
		}
		sh.Rows = append(sh.Rows, []any{f.ID + 1, f.Text, raw, f.Indicator, f.OrgUnit, f.Period, f.AsOf, f.Kind, f.Note, f.APIURL(), f.DrillURL(), f.RecordsURL()})
	}
	return sh
}

// Package ingest turns the tables users upload (CSV/XLSX, read by package
// tabular) into the domain's import rows: it finds the columns by their
// English or Chinese headers, parses each cell, and reports every bad cell
// with its row and column. Validation against stored data happens later,
// in the store's import.
package ingest

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/tabular"
)

// column describes one column an import understands.
type column struct {
	key      string   // the field name used in messages
	names    []string // accepted headers, English and Chinese
	required bool
}

// columns finds each column's index in the table, or reports the missing
// required ones.
func columns(t *tabular.Table, cols []column) (map[string]int, error) {
	idx := map[string]int{}
	var missing []string
	for _, c := range cols {
		i := t.Col(append([]string{c.key}, c.names...)...)
		idx[c.key] = i
		if i < 0 && c.required {
			missing = append(missing, c.key+"（"+c.names[0]+"）")
		}
	}
	if len(missing) > 0 {
		return nil, weijian.Invalid(weijian.T(
			"缺少必需的列："+strings.Join(missing, "、")+"。表头应包含："+headerHint(cols),
			"missing required columns: "+strings.Join(missing, ", ")+". The header should have: "+headerHint(cols)))
	}
	return idx, nil
}

func headerHint(cols []column) string {
	var names []string
	for _, c := range cols {
		names = append(names, c.key)
	}
	return strings.Join(names, ",")
}

// issues collects cell problems, up to weijian.MaxIssues.
type issues []weijian.Issue

func (is *issues) add(row int, field, value, rule string, msg weijian.Text) {
	if len(*is) < weijian.MaxIssues {
		*is = append(*is, weijian.Issue{Row: row, Field: field, Value: value, Rule: rule, Msg: msg})
	}
}

func (is issues) err(what weijian.Text) error {
	if len(is) == 0 {
		return nil
	}
	return weijian.Invalid(weijian.T(
		fmt.Sprintf("%s未导入：文件中有%d处格式错误，请修改后重新导入（未写入任何数据）", what.ZH, len(is)),
		fmt.Sprintf("%s not imported: %d cells are malformed; fix them and import again (nothing was written)", what.EN, len(is))), is...)
}

// parseDate reads 2024-01-31, 2024/1/31, 2024年1月31日, 20240131, or an
// Excel serial day number (what a date cell holds when read raw).
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, true
	}
	if n, err := strconv.Atoi(s); err == nil && n > 0 && n < 100000 {
		// Excel's day 1 is 1900-01-01 and it counts a 29 Feb 1900 that
		// never was: day 60 onward is offset from 1899-12-30.
		return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n), true
	}
	r := strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-")
	s = r.Replace(s)
	for _, l := range []string{"2006-1-2", "20060102"} {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// dateCell reads an optional date cell, reporting a malformed one.
func dateCell(r tabular.Row, i int, field string, is *issues) time.Time {
	v := r.Get(i)
	d, ok := parseDate(v)
	if !ok {
		is.add(r.Line, field, v, "bad_date", weijian.T("日期格式应为 2024-01-31", "a date is written 2024-01-31"))
	}
	return d
}

// Package ingest turns the tables users upload (CSV/XLSX, read by package
// tabular) into the domain's import rows: it finds the columns by their
// English or Chinese headers, parses each cell, and reports every bad cell
// with its row and column. Validation against stored data happens later,
// in the store's import.
package ingest

import (
	"errors"
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

// ignorable are headers of columns people keep beside the data (notes,
// row numbers); they are skipped without complaint.
var ignorable = map[string]bool{"备注": true, "说明": true, "序号": true, "note": true, "notes": true,
	"remark": true, "remarks": true, "comment": true, "comments": true, "no": true, "no.": true}

// columns finds each column's index in the table. A header that names no
// column (a misspelt 停用时间 for 停用日期 would otherwise be dropped
// silently), two headers naming the same column, and missing required
// columns are all refused, naming the headers.
func columns(t *tabular.Table, cols []column) (map[string]int, error) {
	idx := map[string]int{}
	for _, c := range cols {
		idx[c.key] = -1
	}
	var is issues
	for i, h := range t.Header {
		key := match(h, cols)
		switch {
		case key == "" && (strings.TrimSpace(h) == "" || ignorable[strings.ToLower(strings.TrimSpace(h))]):
		case key == "":
			is.add(1, h, h, "unknown_column", weijian.T(
				fmt.Sprintf("第%d列的表头“%s”无法识别；可用的列：%s（说明性的列请命名为“备注”）", i+1, h, headerHint(cols)),
				fmt.Sprintf("column %d header %q is not known; the columns are: %s (name a notes column \"备注\")", i+1, h, headerHint(cols))))
		case idx[key] >= 0:
			is.add(1, h, h, "duplicate_column", weijian.T(
				fmt.Sprintf("第%d列和第%d列都是“%s”", idx[key]+1, i+1, key),
				fmt.Sprintf("columns %d and %d both give %s", idx[key]+1, i+1, key)))
		default:
			idx[key] = i
		}
	}
	for _, c := range cols {
		if c.required && idx[c.key] < 0 {
			is.add(1, c.key, "", "missing_column", weijian.T(
				"缺少必需的列："+c.key+"（"+c.names[0]+"）。表头应包含："+headerHint(cols),
				"missing required column "+c.key+". The header should have: "+headerHint(cols)))
		}
	}
	if len(is) > 0 {
		return nil, weijian.Invalid(weijian.T("表头有误，未导入任何数据", "the header is wrong: nothing imported"), is...)
	}
	return idx, nil
}

// header returns the header of the columns keys in lang: each column's
// first Chinese name, or its key in English.
func header(cols []column, lang string, keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k
		for _, c := range cols {
			if c.key == k && lang != "en" {
				out[i] = c.names[0]
			}
		}
	}
	return out
}

// match returns the key of the column a header names, or "".
func match(h string, cols []column) string {
	probe := &tabular.Table{Header: []string{h}}
	for _, c := range cols {
		if probe.Col(append([]string{c.key}, c.names...)...) == 0 {
			return c.key
		}
	}
	return ""
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
		*is = append(*is, weijian.Issue{Row: row, Field: field, Value: weijian.Clip(value), Rule: rule, Msg: msg})
	}
}

func (is issues) err(what weijian.Text) error {
	if len(is) == 0 {
		return nil
	}
	return &weijian.Error{Kind: weijian.KindInvalid, Err: errCells, Issues: is, Msg: weijian.T(
		fmt.Sprintf("%s未导入：文件中有%d处格式错误，请修改后重新导入（未写入任何数据）", what.ZH, len(is)),
		fmt.Sprintf("%s not imported: %s malformed; fix them and import again (nothing was written)", what.EN,
			weijian.Plural(len(is), "cell is", "cells are")))}
}

// errCells marks the error of malformed cells, as opposed to one that
// stops the reading (a wrong header).
var errCells = errors.New("malformed cells")

// CellIssues splits the error of OrgUnits or Population. Malformed cells
// come back as issues for weijian.ImportOptions.Issues — the import then
// checks the rows that were read and reports its problems and these in
// one list, writing nothing — and any other error (a wrong header, no
// rows read) comes back as an error that stops the import.
func CellIssues(err error) ([]weijian.Issue, error) {
	if err == nil {
		return nil, nil
	}
	if errors.Is(err, errCells) {
		return weijian.ErrorIssues(err), nil
	}
	return nil, err
}

// parseDate reads 2024-01-31, 2024/1/31, 2024年1月31日, 20240131, and —
// only from a workbook, where a date cell read raw is a day number — an
// Excel serial day. A serial must land between 1949 and 2100, so that a
// bare year such as 2021 (day 2021 = 1905-07-13) is refused, not stored.
func parseDate(s string, xlsx bool) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, true
	}
	if n, err := strconv.Atoi(s); err == nil && len(s) < 8 {
		// Excel's day 1 is 1900-01-01 and it counts a 29 Feb 1900 that
		// never was: day 60 onward is offset from 1899-12-30.
		t := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n)
		return t, xlsx && t.Year() >= 1949 && t.Year() <= 2100
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
func dateCell(r tabular.Row, i int, field string, xlsx bool, is *issues) time.Time {
	v := r.Get(i)
	d, ok := parseDate(v, xlsx)
	if !ok {
		is.add(r.Line, field, v, "bad_date", weijian.T("日期格式应为 2024-01-31", "a date is written 2024-01-31"))
	}
	return d
}

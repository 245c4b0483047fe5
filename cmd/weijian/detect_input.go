package main

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/detect"
	"github.com/weijian-health/weijian/internal/tabular"
)

// countSeries is the detect command's input: a count per period.
type countSeries struct {
	series  detect.Series
	periods []period
	lines   []int // the file row of each period
}

// maxIssues bounds the row problems reported at once.
const maxIssues = 20

// readCountSeries reads a two-column table (period or date, count; header
// optional) from a CSV (UTF-8 or GBK) or XLSX file and checks it: counts
// are non-negative integers or empty/NA (missing); periods are all of one
// format, sorted, without duplicates and without gaps. freq 0 means: take
// it from the period format (week 52, month 12, date 365).
func readCountSeries(name string, r io.Reader, freq int) (*countSeries, error) {
	t, err := tabular.Read(name, r)
	if err != nil {
		return nil, err
	}
	ext := strings.ToLower(filepath.Ext(name))
	xlsx := ext == ".xlsx" || ext == ".xlsm"
	rows, pcol, ccol := dataRows(t, xlsx)
	cs := &countSeries{}
	var issues []weijian.Issue
	for _, row := range rows {
		if is, ok := cs.add(row, pcol, ccol, xlsx); !ok {
			issues = append(issues, is)
		}
	}
	if freq, err = cs.frequency(freq); err != nil {
		return nil, err
	}
	issues = append(issues, cs.checkOrder(freq)...)
	if len(issues) > 0 {
		slices.SortStableFunc(issues, func(a, b weijian.Issue) int { return cmp.Compare(a.Row, b.Row) })
		return nil, weijian.Invalid(weijian.T("输入文件有错误，未运行预警方法", "the input file has errors; no method was run"), issues[:min(len(issues), maxIssues)]...)
	}
	cs.series.Freq = freq
	cs.series.Start = cs.periods[0].start(freq)
	return cs, nil
}

// dataRows returns the data rows and the period and count columns. A first
// row whose first cell is a period is data (no header); otherwise it is a
// header, and the columns are found by name (else the first two).
func dataRows(t *tabular.Table, xlsx bool) (rows []tabular.Row, pcol, ccol int) {
	rows, pcol, ccol = t.Rows, 0, 1
	if len(t.Header) > 0 {
		if _, err := parsePeriod(t.Header[0], xlsx); err == nil {
			line := 1
			if len(rows) > 0 {
				line = rows[0].Line - 1
			}
			return append([]tabular.Row{{Line: line, Cells: t.Header}}, rows...), 0, 1
		}
	}
	if i := t.Col("period", "date", "week", "month", "周期", "日期", "周", "月份", "时间", "报告日期", "发病日期"); i >= 0 {
		pcol = i
	}
	if i := t.Col("count", "cases", "n", "病例数", "发病数", "例数", "报告数", "数量"); i >= 0 {
		ccol = i
	}
	return rows, pcol, ccol
}

// add parses one row into cs, or returns the problem; a row with a good
// period and a bad count is kept (count NA) so that the order check still
// sees its period.
func (cs *countSeries) add(row tabular.Row, pcol, ccol int, xlsx bool) (weijian.Issue, bool) {
	ptext, ctext := row.Get(pcol), row.Get(ccol)
	p, err := parsePeriod(ptext, xlsx)
	if err != nil {
		return issue(row.Line, "period", ptext, "bad_period", "无法识别的周期或日期（应为 2024W23、2024-06 或 2024-06-30）", err.Error()), false
	}
	if len(cs.periods) > 0 && p.kind != cs.periods[0].kind {
		first := cs.periods[0].kind
		return issue(row.Line, "period", ptext, "mixed_format",
			fmt.Sprintf("周期格式与首行不同（首行是%s）", first.zh()),
			fmt.Sprintf("a %s among %s labels", p.kind, first)), false
	}
	v, err := parseCount(ctext)
	cs.periods = append(cs.periods, p)
	cs.lines = append(cs.lines, row.Line)
	cs.series.Observed = append(cs.series.Observed, v)
	if err != nil {
		var ce *countError
		errors.As(err, &ce)
		return issue(row.Line, "count", ctext, ce.rule, ce.zh, ce.en), false
	}
	return weijian.Issue{}, true
}

func (k periodKind) zh() string {
	switch k {
	case kindWeek:
		return "ISO 周"
	case kindMonth:
		return "月份"
	}
	return "日期"
}

func issue(line int, field, value, rule, zh, en string) weijian.Issue {
	return weijian.Issue{Row: line, Field: field, Value: value, Rule: rule, Msg: weijian.T(zh, en)}
}

// countError is a count cell that breaks a rule.
type countError struct{ rule, zh, en string }

func (e *countError) Error() string { return e.en }

// parseCount reads a count: empty, NA, NaN or "-" is missing (NA); else a
// non-negative integer ("12" or "12.0").
func parseCount(s string) (float64, error) {
	switch strings.ToUpper(s) {
	case "", "NA", "NAN", "-", "NULL":
		return detect.NA, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	switch {
	case err != nil || math.IsNaN(v) || math.IsInf(v, 0):
		return 0, &countError{"not_a_number", "病例数不是数字", "the count is not a number"}
	case v < 0:
		return 0, &countError{"negative", "病例数不能为负数", "the count is negative"}
	case v != math.Trunc(v):
		return 0, &countError{"not_integer", "病例数必须是整数", "the count is not a whole number"}
	case v > 1<<53:
		return 0, &countError{"too_large", "病例数过大", "the count is too large"}
	}
	return v, nil
}

// frequency checks freq against the period format, or derives it.
func (cs *countSeries) frequency(freq int) (int, error) {
	if len(cs.periods) == 0 {
		return 0, weijian.Invalid(weijian.T("文件没有数据行", "the file has no data rows"))
	}
	kind := cs.periods[0].kind
	def := map[periodKind]int{kindWeek: 52, kindMonth: 12, kindDate: 365}[kind]
	switch {
	case freq == 0:
		return def, nil
	case freq != 52 && freq != 12 && freq != 365 && freq != 7:
		return 0, usageError("--freq %d: want 52 (weekly), 12 (monthly), 365 (daily) or 7 (daily, weekly cycle)", freq)
	case kind != kindDate && freq != def:
		return 0, usageError("--freq %d does not fit %s labels (frequency %d)", freq, kind, def)
	}
	return freq, nil
}

// checkOrder finds unsorted, duplicate and missing periods.
func (cs *countSeries) checkOrder(freq int) []weijian.Issue {
	var issues []weijian.Issue
	for i := 1; i < len(cs.periods); i++ {
		prev, cur := cs.periods[i-1], cs.periods[i]
		n, ok := prev.step(cur, freq)
		line, label := cs.lines[i], cur.label()
		switch {
		case !ok:
			issues = append(issues, issue(line, "period", label, "irregular",
				"与上一行的间隔不是整周", "not a whole number of weeks after the previous row"))
		case n == 0:
			issues = append(issues, issue(line, "period", label, "duplicate",
				fmt.Sprintf("与第%d行的周期重复", cs.lines[i-1]), fmt.Sprintf("same period as row %d", cs.lines[i-1])))
		case n < 0:
			issues = append(issues, issue(line, "period", label, "unsorted",
				fmt.Sprintf("早于上一行（%s），请按时间排序", prev.label()), fmt.Sprintf("earlier than the previous row (%s): sort by time", prev.label())))
		case n > 1:
			issues = append(issues, issue(line, "period", label, "gap",
				fmt.Sprintf("与上一行（%s）之间缺少 %d 个周期；无病例请填 0，未知请填 NA", prev.label(), n-1),
				fmt.Sprintf("%d period(s) missing after %s: enter 0 for no cases, NA for unknown", n-1, prev.label())))
		}
	}
	return issues
}

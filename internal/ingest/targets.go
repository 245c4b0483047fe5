package ingest

import (
	"math"
	"strconv"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/tabular"
)

var targetColumns = []column{
	{"indicator", []string{"指标", "指标代码", "指标名称", "indicator_code"}, true},
	{"unit_code", []string{"机构代码", "代码", "区划代码", "单位代码", "ou", "org_unit"}, true},
	{"year", []string{"年度", "年份"}, true},
	{"value", []string{"目标值", "任务数", "目标", "target"}, true},
	{"unit_name", []string{"机构名称", "机构", "单位名称", "名称", "name"}, false}, // for the reader; ignored
}

// TargetHeader is the header of the target columns keys, as an export
// writes it so that the file imports back.
func TargetHeader(lang string, keys ...string) []string { return header(targetColumns, lang, keys) }

// Targets reads targets (任务数/目标值): indicator (code or name), unit
// code, year and value. A value may be written with thousands separators,
// in 万 ("4.83万" is 48300) or with a % sign (90% is 90). A row with a
// malformed cell is left out of the rows returned and reported in the
// error; see CellIssues.
func Targets(t *tabular.Table) ([]weijian.Target, error) {
	idx, err := columns(t, targetColumns)
	if err != nil {
		return nil, err
	}
	var is issues
	var rows []weijian.Target
	for _, tr := range t.Rows {
		before := len(is)
		r := weijian.Target{Line: tr.Line, Indicator: tr.Get(idx["indicator"]), UnitCode: widen(tr.Get(idx["unit_code"])),
			Method: weijian.TargetImported}
		if r.Indicator == "" {
			is.add(tr.Line, "indicator", "", "required", weijian.T("指标不能为空", "indicator is required"))
		}
		if r.UnitCode == "" {
			is.add(tr.Line, "unit_code", "", "code_required", weijian.T("机构代码不能为空", "unit code is required"))
		}
		r.Year = intCell(tr, idx["year"], "year", &is)
		r.Value = targetValue(tr, idx["value"], &is)
		if len(is) == before {
			rows = append(rows, r)
		}
	}
	return rows, is.err(weijian.T("任务数/目标值", "targets"))
}

// targetValue reads a non-negative number: "48,300", "4.83万", "90%".
func targetValue(r tabular.Row, i int, is *issues) float64 {
	v := r.Get(i)
	s := strings.TrimSuffix(strings.ReplaceAll(strings.TrimSpace(v), ",", ""), "%")
	factor := 1.0
	if rest, ok := strings.CutSuffix(s, "万"); ok {
		s, factor = rest, 10000
	}
	x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	switch {
	case v == "":
		is.add(r.Line, "value", "", "required", weijian.T("不能为空", "required"))
	case err != nil || math.IsNaN(x) || math.IsInf(x, 0):
		is.add(r.Line, "value", v, "not_number", weijian.T("应为数字（如 10000、4.83万、90%）", "must be a number (10000, 4.83万, 90%)"))
	case x < 0:
		is.add(r.Line, "value", v, "negative", weijian.T("不能为负数", "cannot be negative"))
	}
	// 4.83万 is 48300 exactly, not 48299.999999999993.
	return math.Round(x*factor*1e6) / 1e6
}

package analytics

import "github.com/weijian-health/weijian/internal/expr"

// tableColumns are the columns of a grid as a table: machine names (the
// CSV of `weijian analytics`) and Chinese headers (an Excel export).
var tableColumns = []struct{ key, zh string }{
	{"indicator", "指标代码"}, {"indicator_name", "指标"}, {"unit", "单位"},
	{"ou", "机构代码"}, {"ou_name", "机构"}, {"pe", "期间"},
	{"numerator", "分子"}, {"denominator", "分母"}, {"value", "值"}, {"raw", "原值"},
	{"target", "任务数/目标值"}, {"completion", "完成率%"}, {"pace", "序时进度%"},
	{"pace_gap", "与序时差(百分点)"}, {"pace_flag", "进度"}, {"rank", "排名"},
	{"yoy", "上年同期"}, {"mom", "上期"}, {"coverage", "覆盖"}, {"no_data", "无数据原因"},
}

// Table lays the grid out as rows, one per cell, for CSV and XLSX: the
// header in machine names when lang is "" (or "en"), in Chinese for "zh".
// Figures are numbers (completion, pace and gap half-up to two decimals;
// other figures to 9 decimals, which drops binary noise); the pace flag is ahead/on/behind, or its Chinese word
// (超序时/达序时/慢序时) for "zh"; an absent figure is an empty cell.
func (r *Response) Table(lang string) (header []string, rows [][]any) {
	for i, c := range tableColumns {
		if lang == "zh" {
			header = append(header, c.zh)
		} else {
			header = append(header, c.key)
		}
		if i == peColumn && r.Disagg != "" {
			header = append(header, optionHeader(lang)...)
		}
	}
	for _, c := range r.Cells {
		m := r.Indicators[c.Indicator]
		flag := c.PaceFlag
		if lang == "zh" {
			flag = FlagLabel(flag, lang)
		}
		rank := any(nil)
		if c.Rank > 0 {
			rank = c.Rank
		}
		why := ""
		if c.NoData {
			why = c.Why
		}
		row := []any{c.Indicator, m.Name, m.Unit, c.OrgUnit, r.OrgUnits[c.OrgUnit], c.Period}
		if r.Disagg != "" {
			row = append(row, c.Option, r.Options[c.Option])
		}
		rows = append(rows, append(row, opt(c.Numerator, noise), opt(c.Denominator, noise), opt(c.Raw, 2), opt(c.Raw, noise),
			opt(c.Target, noise), opt(c.Completion, 2), opt(c.Pace, 2), opt(c.PaceGap, 2), flag, rank,
			opt(c.YoY, noise), opt(c.MoM, noise), c.Coverage, why))
	}
	return header, rows
}

// peColumn is the index of the period column; a disaggregated grid has
// its option (code and name) after it.
const peColumn = 5

func optionHeader(lang string) []string {
	if lang == "zh" {
		return []string{"分组代码", "分组"}
	}
	return []string{"option", "option_name"}
}

// noise is the decimals kept of unrounded figures in a table: enough for
// any real figure, and no binary noise (434.40000000000003).
const noise = 9

// opt is a figure for a table cell: nil when absent, rounded half up to
// places decimals.
func opt(x *float64, places int) any {
	if x == nil {
		return nil
	}
	return expr.RoundHalfUp(*x, places)
}

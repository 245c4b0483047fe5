package report

import (
	"math"
	"strconv"
	"strings"

	"github.com/weijian-health/weijian/internal/analytics"
	"github.com/weijian-health/weijian/internal/expr"
	"github.com/weijian-health/weijian/internal/indicator"
)

// NoData is what a report prints where a figure cannot be given: no data
// reported for the period, or a zero denominator. Never 0%.
const NoData = "暂无数据"

// num2 prints x half-up to two decimals without trailing zeros: 3.2,
// 102.67, 4497.
func num2(x float64) string {
	s := strconv.FormatFloat(expr.RoundHalfUp(x, 2), 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		return "0"
	}
	return s
}

// fixed2 prints a rate as Chinese reports do: two decimals, kept (88.50%).
func fixed2(x float64) string { return strconv.FormatFloat(expr.RoundHalfUp(x, 2), 'f', 2, 64) }

// suffix is what follows a value of the unit.
func suffix(u indicator.Unit) string {
	switch u {
	case indicator.Percent, indicator.PerMille, indicator.Per10k, indicator.Per100k:
		return string(u)
	}
	return ""
}

// isRate tells a unit whose values are compared in points (个百分点).
func isRate(u indicator.Unit) bool { return u == indicator.Percent || u == indicator.PerMille }

// cumulative tells a unit whose figure grows through the year (a count,
// an amount): only such a figure is compared with 序时进度. A rate is
// compared with its 目标值 as it stands.
func cumulative(u indicator.Unit) bool { return u == indicator.Count || u == indicator.Amount }

// valueText prints a cell's value with its unit, or NoData.
func valueText(c *analytics.Cell, u indicator.Unit) string {
	if c.NoData || c.Raw == nil || math.IsNaN(*c.Raw) || math.IsInf(*c.Raw, 0) {
		return NoData
	}
	if u == indicator.Count || u == indicator.Amount {
		return num2(*c.Raw)
	}
	if c.Value != "" {
		return c.Value + suffix(u)
	}
	return fixed2(*c.Raw) + suffix(u)
}

// countsText prints "4497/5080", or "" without counts.
func countsText(c *analytics.Cell) string {
	if c.NoData || c.Numerator == nil || c.Denominator == nil {
		return ""
	}
	return num2(*c.Numerator) + "/" + num2(*c.Denominator)
}

// targetText prints "任务数4380人" (a count) or "目标值85%" (a rate).
func targetText(c *analytics.Cell, u indicator.Unit, word string) string {
	if c.Target == nil {
		return "暂无任务数"
	}
	if u == indicator.Count || u == indicator.Amount {
		return "任务数" + num2(*c.Target) + word
	}
	return "目标值" + num2(*c.Target) + suffix(u)
}

// completionText prints "完成率102.67%".
func completionText(c *analytics.Cell) string {
	switch {
	case c.Target == nil:
		return "暂无任务数"
	case c.NoData || c.Completion == nil:
		return "完成率" + NoData
	}
	return "完成率" + fixed2(*c.Completion) + "%"
}

// paceText prints "超序时进度3.2个百分点", "慢于序时进度…" or "达到序时进度".
func paceText(c *analytics.Cell) string {
	switch {
	case c.NoData:
		return "序时进度" + NoData
	case c.Target == nil || c.Pace == nil || c.PaceGap == nil:
		return "暂无任务数，不计序时进度"
	}
	gap := expr.RoundHalfUp(*c.PaceGap, 2)
	flag := c.PaceFlag
	if flag == "" {
		flag = map[bool]string{true: "ahead", false: "behind"}[gap >= 0]
		if gap == 0 {
			flag = "on"
		}
	}
	switch flag {
	case "ahead":
		return "超序时进度" + num2(gap) + "个百分点"
	case "behind":
		return "慢于序时进度" + num2(-gap) + "个百分点"
	}
	return "达到序时进度"
}

// changeText compares a cell's value with an earlier one: in points for a
// rate ("较去年同期提高2.1个百分点"), as a difference and a growth rate
// otherwise ("较上期增加120，增长5.3%").
func changeText(c *analytics.Cell, u indicator.Unit, prev *float64, than, missing string) string {
	switch {
	case c.NoData || c.Raw == nil:
		return NoData
	case prev == nil || math.IsNaN(*prev):
		return missing
	}
	cur, old := expr.RoundHalfUp(*c.Raw, 2), expr.RoundHalfUp(*prev, 2)
	d := expr.RoundHalfUp(cur-old, 2)
	if isRate(u) {
		points := "个百分点"
		if u == indicator.PerMille {
			points = "个千分点"
		}
		switch {
		case d > 0:
			return than + "提高" + num2(d) + points
		case d < 0:
			return than + "下降" + num2(-d) + points
		}
		return than + "持平"
	}
	up, down := "增加", "减少"
	if u == indicator.Per10k || u == indicator.Per100k {
		up, down = "上升", "下降"
	}
	var s string
	switch {
	case d > 0:
		s = than + up + num2(d) + suffix(u)
	case d < 0:
		s = than + down + num2(-d) + suffix(u)
	default:
		return than + "持平"
	}
	if old != 0 {
		g := (cur - old) / math.Abs(old) * 100
		verb := "增长"
		if g < 0 {
			verb, g = "下降", -g
		}
		s += "，" + verb + fixed2(g) + "%"
	}
	return s
}

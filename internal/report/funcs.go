package report

import (
	"fmt"
	"strings"

	"github.com/weijian-health/weijian/internal/analytics"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
)

// How a function takes indicator codes, for the check at load time.
const (
	codesNone  = iota // no indicator
	codesFirst        // the first argument is a code
	codesAll          // every string argument is a code
)

type funcSpec struct {
	codes  int
	byUnit bool // shows the units below (asks the children's grid)
	doc    string
}

// funcSpecs is the documented function set of templates (see doc.go).
var funcSpecs = map[string]funcSpec{
	"name":       {codesFirst, false, "indicator name"},
	"value":      {codesFirst, false, "value with unit: 88.51%; value CODE WORD: 4497人"},
	"num":        {codesFirst, false, "numerator: 4497"},
	"den":        {codesFirst, false, "denominator: 5080"},
	"rate":       {codesFirst, false, "value with counts: 88.51%（4497/5080）"},
	"stat":       {codesFirst, false, "name, value and counts"},
	"target":     {codesFirst, false, "任务数4380人 / 目标值85%"},
	"completion": {codesFirst, false, "完成率102.67%"},
	"done":       {codesFirst, false, "完成4497人，任务数4380人，完成率102.67%"},
	"summary":    {codesFirst, false, "name, value, counts, target, 完成率, pace and 同比 as far as known"},
	"pace":       {codesFirst, false, "超序时进度3.2个百分点"},
	"yoy":        {codesFirst, false, "较去年同期提高2.1个百分点"},
	"mom":        {codesFirst, false, "较上期提高0.5个百分点"},
	"table":      {codesAll, true, "a table of values by unit"},
	"detail":     {codesFirst, true, "a table of one indicator by unit with counts, target, 完成率, pace, rank"},
	"best":       {codesFirst, true, "the best units: 城东镇（95.20%）、…"},
	"worst":      {codesFirst, true, "the units furthest behind"},
	"behind":     {codesAll, false, "indicators behind target or pace"},
	"problems":   {codesAll, false, "the drafted 存在问题 paragraphs (asks for the units below of the lagging indicators)"},
	"cases":      {codesNone, false, "notifiable-disease cases of the period"},
	"casetable":  {codesNone, false, "a table of cases by disease"},
	"signals":    {codesNone, false, "early-warning signals and their response"},
	"quality":    {codesNone, false, "completeness and timeliness of the data-set reports"},
	"cndate":     {codesNone, false, "2024-06-30 → 2024年6月30日"},
}

// stubFuncs names the functions for parsing; rendering binds the real ones.
func stubFuncs() map[string]any {
	m := map[string]any{}
	for name := range funcSpecs {
		m[name] = func(...any) string { return "" }
	}
	return m
}

func (r *run) funcs() map[string]any {
	return map[string]any{
		"name": r.name, "value": r.value, "num": r.num, "den": r.den, "rate": r.rate, "stat": r.stat,
		"target": r.target, "completion": r.completion, "done": r.done, "summary": r.summary, "pace": r.pace,
		"yoy": r.yoy, "mom": r.mom, "table": r.table, "detail": r.detail, "best": r.best, "worst": r.worst,
		"behind": r.behind, "problems": r.problems, "cases": r.cases, "casetable": r.caseTable,
		"signals": r.signals, "quality": r.quality, "cndate": cndate,
	}
}

// self returns the unit's cell of code with its definition.
func (r *run) self(code string) (*analytics.Cell, *indicator.Def, error) {
	c, err := r.cell(code, r.p.OrgUnit)
	if err != nil {
		return nil, nil, err
	}
	return c, r.t.lib.Get(code), nil
}

// fig registers a figure and returns its marked text.
func (r *run) fig(c *analytics.Cell, kind, text string, raw *float64) string {
	f := &Figure{ID: len(r.figs), Indicator: c.Indicator, OrgUnit: c.OrgUnit, Period: r.figPe, AsOf: r.asOf.String(), Kind: kind, Raw: raw, Text: text}
	switch {
	case c.NoData:
		f.Note = "暂无数据：" + c.Why
	case c.Numerator != nil && c.Denominator != nil:
		f.Note = r.ouName(c.OrgUnit) + " " + countsText(c)
	}
	if c.Indicator == "" {
		f.Period = period.Format(r.pe)
	} else if d := r.t.lib.Get(c.Indicator); d != nil {
		f.Persons = d.Programme != ""
	}
	r.figs = append(r.figs, f)
	return mark(f)
}

func (r *run) name(code string) (string, error) {
	_, d, err := r.self(code)
	if err != nil {
		return "", err
	}
	return d.Name.ZH, nil
}

// value prints the value; WORD (人, 剂次) follows a count only when there
// is one, so that no data reads 暂无数据, not 暂无数据人.
func (r *run) value(code string, word ...string) (string, error) {
	c, d, err := r.self(code)
	if err != nil {
		return "", err
	}
	s := r.fig(c, "value", valueText(c, d.Unit), rawOf(c))
	if !c.NoData {
		s += strings.Join(word, "")
	}
	return s, nil
}

func rawOf(c *analytics.Cell) *float64 {
	if c.NoData {
		return nil
	}
	return c.Raw
}

func (r *run) num(code string) (string, error) { return r.count(code, true) }
func (r *run) den(code string) (string, error) { return r.count(code, false) }

func (r *run) count(code string, numerator bool) (string, error) {
	c, _, err := r.self(code)
	if err != nil {
		return "", err
	}
	x, kind := c.Denominator, "denominator"
	if numerator {
		x, kind = c.Numerator, "numerator"
	}
	if c.NoData || x == nil {
		return r.fig(c, kind, NoData, nil), nil
	}
	return r.fig(c, kind, num2(*x), x), nil
}

func (r *run) rate(code string) (string, error) {
	c, d, err := r.self(code)
	if err != nil {
		return "", err
	}
	s := r.fig(c, "value", valueText(c, d.Unit), rawOf(c))
	if n := countsText(c); n != "" && d.Unit != indicator.Count && d.Unit != indicator.Amount {
		s += "（" + n + "）"
	}
	return s, nil
}

func (r *run) stat(code string) (string, error) {
	s, err := r.rate(code)
	if err != nil {
		return "", err
	}
	return r.t.lib.Get(code).Name.ZH + s, nil
}

func (r *run) target(code string, word ...string) (string, error) {
	c, d, err := r.self(code)
	if err != nil {
		return "", err
	}
	return r.fig(c, "target", targetText(c, d.Unit, strings.Join(word, "")), c.Target), nil
}

func (r *run) completion(code string) (string, error) {
	c, _, err := r.self(code)
	if err != nil {
		return "", err
	}
	return r.fig(c, "completion", completionText(c), c.Completion), nil
}

// done writes the sentence of a targeted figure: "完成4497人，任务数4380人，
// 完成率102.67%" for a count, "88.51%（4497/5080），目标值85%，完成率104.13%"
// for a rate.
func (r *run) done(code string, word ...string) (string, error) {
	c, d, err := r.self(code)
	if err != nil {
		return "", err
	}
	w := strings.Join(word, "")
	var s string
	if d.Unit == indicator.Count || d.Unit == indicator.Amount {
		s = r.fig(c, "value", valueText(c, d.Unit), rawOf(c))
		if !c.NoData {
			s = "完成" + s + w
		}
	} else if s, err = r.rate(code); err != nil {
		return "", err
	}
	if c.Target == nil {
		return s, nil
	}
	s += "，" + r.fig(c, "target", targetText(c, d.Unit, w), c.Target) + "，" + r.fig(c, "completion", completionText(c), c.Completion)
	if c.Pace != nil && !c.NoData && cumulative(d.Unit) {
		s += "，" + r.fig(c, "pace", paceText(c), c.PaceGap)
	}
	return s, nil
}

func (r *run) pace(code string) (string, error) {
	c, _, err := r.self(code)
	if err != nil {
		return "", err
	}
	return r.fig(c, "pace", paceText(c), c.PaceGap), nil
}

func (r *run) yoy(code string) (string, error) {
	c, d, err := r.self(code)
	if err != nil {
		return "", err
	}
	return r.fig(c, "yoy", changeText(c, d.Unit, c.YoY, "较去年同期", "暂无去年同期数据"), c.YoY), nil
}

func (r *run) mom(code string) (string, error) {
	c, d, err := r.self(code)
	if err != nil {
		return "", err
	}
	return r.fig(c, "mom", changeText(c, d.Unit, c.MoM, "较上期", "暂无上期数据"), c.MoM), nil
}

// cndate writes a YYYY-MM-DD date in Chinese: 2024年6月30日.
func cndate(s string) (string, error) {
	d, err := period.ParseDate(s)
	if err != nil {
		return "", fmt.Errorf("cndate: not a date YYYY-MM-DD: %q", s)
	}
	return d.Label("zh"), nil
}

// summary writes an indicator's sentence with whatever is known of it:
// "高血压患者规范管理率88.51%（4497/5080），目标值85%，完成率104.13%，
// 超序时进度3.2个百分点，较去年同期提高2.1个百分点" — the target and pace
// only with a target, 同比 only with last year's figure; "…暂无数据" when
// the period has none.
func (r *run) summary(code string) (string, error) {
	c, d, err := r.self(code)
	if err != nil {
		return "", err
	}
	s, err := r.stat(code)
	if err != nil || c.NoData {
		return s, err
	}
	if c.Target != nil {
		s += "，" + r.fig(c, "target", targetText(c, d.Unit, ""), c.Target) + "，" + r.fig(c, "completion", completionText(c), c.Completion)
		if c.Pace != nil && cumulative(d.Unit) {
			s += "，" + r.fig(c, "pace", paceText(c), c.PaceGap)
		}
	}
	if c.YoY != nil {
		s += "，" + r.fig(c, "yoy", changeText(c, d.Unit, c.YoY, "较去年同期", ""), c.YoY)
	}
	return s, nil
}

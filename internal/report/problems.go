package report

import (
	"sort"
	"strconv"
	"strings"

	"github.com/weijian-health/weijian/internal/analytics"
	"github.com/weijian-health/weijian/internal/indicator"
)

// lagging tells whether a unit's cell is behind its target or its pace:
// 慢序时, or below a rate's 目标值 at the end of the year.
func lagging(c *analytics.Cell, u indicator.Unit) bool {
	if c.NoData || c.Target == nil {
		return false
	}
	if cumulative(u) && c.Pace != nil {
		return c.PaceFlag == "behind" || (c.PaceFlag == "" && c.PaceGap != nil && *c.PaceGap < 0)
	}
	return c.Completion != nil && *c.Completion < 100
}

// codesOr returns codes, or every indicator the template names.
func (r *run) codesOr(codes []string) []string {
	if len(codes) > 0 {
		return codes
	}
	return r.t.codes
}

// behind lists the indicators behind target or pace, or says none is.
func (r *run) behind(codes ...string) (string, error) {
	var parts []string
	for _, code := range r.codesOr(codes) {
		c, d, err := r.self(code)
		if err != nil {
			return "", err
		}
		switch {
		case !lagging(c, d.Unit):
		case cumulative(d.Unit):
			parts = append(parts, d.Name.ZH+r.fig(c, "completion", completionText(c), c.Completion)+"，"+r.fig(c, "pace", paceText(c), c.PaceGap))
		default:
			parts = append(parts, d.Name.ZH+r.fig(c, "value", valueText(c, d.Unit), rawOf(c))+"，低于"+r.fig(c, "target", targetText(c, d.Unit, ""), c.Target))
		}
	}
	if len(parts) == 0 {
		return "各项指标均达到序时进度", nil
	}
	return strings.Join(parts, "；"), nil
}

// problems drafts the 存在问题 section from the data, one numbered
// paragraph per problem, for the author to edit: indicators behind target
// or pace with the units furthest behind, rates that fell from a year
// before, late or missing data-set reports, signals not answered in time.
func (r *run) problems(codes ...string) (string, error) {
	items, err := r.indicatorProblems(r.codesOr(codes))
	if err != nil {
		return "", err
	}
	q, err := r.qualityProblems()
	if err != nil {
		return "", err
	}
	items = append(items, q...)
	if s, err := r.signalProblem(); err != nil {
		return "", err
	} else if s != "" {
		items = append(items, s)
	}
	if len(items) == 0 {
		return "经数据核对，本期各项指标均达到序时进度，数据报告完整及时。", nil
	}
	var b strings.Builder
	for i, s := range items {
		b.WriteString(strconv.Itoa(i+1) + "." + s + "\n\n")
	}
	return strings.TrimSpace(b.String()), nil
}

// maxProblems is how many indicators the drafted problems describe one
// by one, those furthest from their target or pace first; the others are
// named in one closing item.
const maxProblems = 5

// indicatorProblems drafts one item per lagging indicator, the worst
// first, and names the rest after maxProblems.
func (r *run) indicatorProblems(codes []string) ([]string, error) {
	type lag struct {
		code string
		gap  float64
	}
	var lags []lag
	for _, code := range codes {
		c, d, err := r.self(code)
		if err != nil {
			return nil, err
		}
		switch {
		case lagging(c, d.Unit) && cumulative(d.Unit) && c.PaceGap != nil:
			lags = append(lags, lag{code, *c.PaceGap})
		case lagging(c, d.Unit) && c.Completion != nil:
			lags = append(lags, lag{code, *c.Completion - 100})
		case fell(c, d):
			lags = append(lags, lag{code, 0})
		}
	}
	sort.SliceStable(lags, func(i, j int) bool { return lags[i].gap < lags[j].gap })
	var first []string
	for _, l := range lags[:min(maxProblems, len(lags))] {
		first = append(first, l.code)
	}
	if err := r.ensureChildren(first); err != nil { // one grid for the units of them all
		return nil, err
	}
	var items, rest []string
	for i, l := range lags {
		if i >= maxProblems {
			rest = append(rest, r.t.lib.Get(l.code).Name.ZH)
			continue
		}
		s, err := r.indicatorProblem(l.code)
		if err != nil {
			return nil, err
		}
		items = append(items, s)
	}
	if len(rest) > 0 {
		items = append(items, "此外，"+strings.Join(rest, "、")+"等"+strconv.Itoa(len(rest))+"项指标也未达到目标值或序时进度。")
	}
	return items, nil
}

// fell tells a rate that is lower than a year before while short of its
// target (or without one).
func fell(c *analytics.Cell, d *indicator.Def) bool {
	return d.Higher && isRate(d.Unit) && !c.NoData && c.YoY != nil && c.Raw != nil && *c.Raw < *c.YoY-0.005 && (c.Completion == nil || *c.Completion < 100)
}

func (r *run) indicatorProblem(code string) (string, error) {
	c, d, err := r.self(code)
	if err != nil {
		return "", err
	}
	var s, todo string
	switch {
	case lagging(c, d.Unit) && cumulative(d.Unit):
		s = d.Name.ZH + r.fig(c, "value", valueText(c, d.Unit), rawOf(c)) + "，" + r.fig(c, "completion", completionText(c), c.Completion) + "，" + r.fig(c, "pace", paceText(c), c.PaceGap)
		todo = "需加快推进"
	case lagging(c, d.Unit):
		s = d.Name.ZH + r.fig(c, "value", valueText(c, d.Unit), rawOf(c)) + "，低于" + r.fig(c, "target", targetText(c, d.Unit, ""), c.Target) + "（" + r.fig(c, "completion", completionText(c), c.Completion) + "）"
		todo = "需加强管理"
	case fell(c, d):
		s = d.Name.ZH + r.fig(c, "value", valueText(c, d.Unit), rawOf(c)) + "，" + r.fig(c, "yoy", changeText(c, d.Unit, c.YoY, "较去年同期", ""), c.YoY)
		todo = "需查找原因"
	default:
		return "", nil
	}
	cs, err := r.ranked(code)
	if err != nil {
		return "", err
	}
	var low []string
	for i := len(cs) - 1; i >= 0 && len(low) < 3; i-- {
		if lagging(cs[i], d.Unit) || (cs[i].Target == nil && cs[i].Raw != nil && c.Raw != nil && better(c, cs[i], d.Higher)) {
			low = append(low, r.unitFig(cs[i]))
		}
	}
	if len(low) > 0 {
		s += "，其中" + strings.Join(low, "、") + "相对滞后"
	}
	return s + "，" + todo + "。", nil
}

// qualityProblems says, in one paragraph, which data sets were reported
// late or not at all, and by whom.
func (r *run) qualityProblems() ([]string, error) {
	qs, err := r.dataQuality()
	if err != nil || qs == nil {
		return nil, err
	}
	var parts []string
	for _, q := range qs {
		if q.Expected == 0 || (q.Reported == q.Expected && q.OnTime == q.Reported) {
			continue
		}
		s := q.Name + "应报" + r.plainFig(strconv.Itoa(q.Expected)) + "份、已报" + r.plainFig(strconv.Itoa(q.Reported)) + "份、按时报告" + r.plainFig(strconv.Itoa(q.OnTime)) +
			"份（报告率" + r.plainFig(ratio(q.Reported, q.Expected)) + "，及时率" + r.plainFig(ratio(q.OnTime, q.Expected)) + "）"
		if names := firstN(q.Missing, 3); names != "" {
			s += "，" + names + "尚有报表未报"
		} else if names := firstN(q.Late, 3); names != "" {
			s += "，" + names + "未按时报告"
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return nil, nil
	}
	return []string{"数据报送不够及时完整。" + strings.Join(parts, "；") + "。"}, nil
}

// plainFig registers a figure that is no indicator (a count of reports,
// of signals) so the spreadsheet and the HTML still show it as one.
func (r *run) plainFig(text string) string {
	return r.fig(&analytics.Cell{OrgUnit: r.p.OrgUnit}, "count", text, nil)
}

func ratio(n, d int) string {
	if d == 0 {
		return NoData
	}
	return fixed2(float64(n)*100/float64(d)) + "%"
}

func firstN(names []string, n int) string {
	return strings.Join(names[:min(n, len(names))], "、")
}

func (r *run) signalProblem() (string, error) {
	s, err := r.signalSummary()
	if err != nil || s == nil || s.Total == 0 || s.InTime == s.Total {
		return "", err
	}
	msg := "预警信号响应不够及时：本期产生预警信号" + r.plainFig(strconv.Itoa(s.Total)) + "条，在规定时限内响应" + r.plainFig(strconv.Itoa(s.InTime)) + "条（及时响应率" + r.plainFig(ratio(s.InTime, s.Total)) + "）"
	if s.Open > 0 {
		msg += "，尚有" + r.plainFig(strconv.Itoa(s.Open)) + "条待处理"
	}
	return msg + "。", nil
}

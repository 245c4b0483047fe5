package report

import (
	"sort"
	"strconv"
	"strings"

	"github.com/weijian-health/weijian/internal/period"
)

// dataQuality asks the quality source once per rendering; nil without one.
func (r *run) dataQuality() ([]DataSetQuality, error) {
	if r.src.Quality == nil {
		return nil, nil
	}
	if v, ok := r.cache["quality"]; ok {
		return v.([]DataSetQuality), nil
	}
	qs, err := r.src.Quality.DataQuality(r.ctx, r.p.OrgUnit, r.span)
	if err != nil {
		return nil, err
	}
	r.cache["quality"] = qs
	return qs, nil
}

func (r *run) signalSummary() (*SignalSummary, error) {
	if r.src.Surveillance == nil {
		return nil, nil
	}
	if v, ok := r.cache["signals"]; ok {
		return v.(*SignalSummary), nil
	}
	s, err := r.src.Surveillance.Signals(r.ctx, r.p.OrgUnit, r.span)
	if err != nil {
		return nil, err
	}
	r.cache["signals"] = s
	return s, nil
}

// casesIn counts the cases of each disease over span, cached.
func (r *run) casesIn(span period.Span) (map[string]DiseaseCount, error) {
	key := "cases " + span.String()
	if v, ok := r.cache[key]; ok {
		return v.(map[string]DiseaseCount), nil
	}
	list, err := r.src.Surveillance.Cases(r.ctx, r.p.OrgUnit, span)
	if err != nil {
		return nil, err
	}
	m := map[string]DiseaseCount{}
	for _, d := range list {
		m[d.Code] = d
	}
	r.cache[key] = m
	return m, nil
}

// comparedSpans are the figures' span, the one before it (of the same
// length, by the period type) and the one a year before.
func (r *run) comparedSpans() (cur, prev, lastYear period.Span) {
	cur = r.span
	p := r.pe.Prev()
	prev = period.Span{Start: p.Start(), End: minDate(p.End(), p.Start().AddDays(cur.End.DaysSince(cur.Start)))}
	lastYear = period.Span{Start: yearBefore(cur.Start), End: yearBefore(cur.End)}
	return
}

func minDate(a, b period.Date) period.Date {
	if a.Before(b) {
		return a
	}
	return b
}

// yearBefore is the same day a year earlier (29 February: the 28th).
func yearBefore(d period.Date) period.Date {
	day := d.Day
	if d.Month == 2 && day == 29 {
		day = 28
	}
	return period.NewDate(d.Year-1, d.Month, day)
}

// sortedCases are the diseases with cases, most first.
func sortedCases(m map[string]DiseaseCount) []DiseaseCount {
	var out []DiseaseCount
	for _, d := range m {
		if d.Cases > 0 {
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Cases != out[j].Cases {
			return out[i].Cases > out[j].Cases
		}
		return out[i].Code < out[j].Code
	})
	return out
}

func total(m map[string]DiseaseCount) int {
	n := 0
	for _, d := range m {
		n += d.Cases
	}
	return n
}

// cases writes the sentence of the notifiable diseases of the period.
func (r *run) cases() (string, error) {
	if r.src.Surveillance == nil {
		return "传染病疫情" + NoData, nil
	}
	cur, prev, ly := r.comparedSpans()
	m, err := r.casesIn(cur)
	if err != nil {
		return "", err
	}
	list := sortedCases(m)
	if len(list) == 0 {
		return "未报告法定传染病病例", nil
	}
	n := total(m)
	s := "共报告法定传染病" + r.plainFig(strconv.Itoa(len(list))) + "种" + r.plainFig(strconv.Itoa(n)) + "例"
	var tops []string
	for _, d := range list[:min(5, len(list))] {
		tops = append(tops, d.Name+r.plainFig(strconv.Itoa(d.Cases))+"例")
	}
	s += "，居前" + strconv.Itoa(len(tops)) + "位的依次为" + strings.Join(tops, "、")
	cmps := []struct {
		span period.Span
		than string
	}{{prev, "较上期"}, {ly, "较去年同期"}}
	if r.t.Span == SpanYTD {
		cmps = cmps[1:] // a cumulative span has no like-for-like previous period
	}
	for _, cmp := range cmps {
		old, err := r.casesIn(cmp.span)
		if err != nil {
			return "", err
		}
		s += "；" + cmp.than + growth(n, total(old))
	}
	return s, nil
}

// growth says how a count changed: "增加12例，增长5.30%".
func growth(cur, old int) string {
	d := cur - old
	switch {
	case d == 0:
		return "持平"
	case old == 0:
		return "增加" + strconv.Itoa(d) + "例"
	case d > 0:
		return "增加" + strconv.Itoa(d) + "例，增长" + fixed2(float64(d)*100/float64(old)) + "%"
	}
	return "减少" + strconv.Itoa(-d) + "例，下降" + fixed2(float64(-d)*100/float64(old)) + "%"
}

// caseTable writes the cases by disease: this period, the one before, a
// year before.
func (r *run) caseTable() (string, error) {
	if r.src.Surveillance == nil {
		return "传染病疫情" + NoData, nil
	}
	cur, prev, ly := r.comparedSpans()
	var ms [3]map[string]DiseaseCount
	for i, sp := range []period.Span{cur, prev, ly} {
		m, err := r.casesIn(sp)
		if err != nil {
			return "", err
		}
		ms[i] = m
	}
	list := sortedCases(ms[0])
	if len(list) == 0 {
		return "未报告法定传染病病例。", nil
	}
	var rows [][]string
	for _, d := range list {
		rows = append(rows, []string{d.Name, d.Class, r.plainFig(strconv.Itoa(d.Cases)), strconv.Itoa(ms[1][d.Code].Cases), strconv.Itoa(ms[2][d.Code].Cases)})
	}
	rows = append(rows, []string{"合计", "", r.plainFig(strconv.Itoa(total(ms[0]))), strconv.Itoa(total(ms[1])), strconv.Itoa(total(ms[2]))})
	return mdTable([]string{"病种", "类别", "本期", "上期", "去年同期"}, rows), nil
}

// signals writes the sentence of the early-warning signals.
func (r *run) signals() (string, error) {
	s, err := r.signalSummary()
	switch {
	case err != nil:
		return "", err
	case s == nil:
		return "预警信号" + NoData, nil
	case s.Total == 0:
		return "未产生传染病预警信号", nil
	}
	out := "共产生传染病预警信号" + r.plainFig(strconv.Itoa(s.Total)) + "条，已响应" + r.plainFig(strconv.Itoa(s.Responded)) + "条，其中在规定时限内响应" +
		r.plainFig(strconv.Itoa(s.InTime)) + "条（及时响应率" + r.plainFig(ratio(s.InTime, s.Total)) + "）；经核实判定疑似事件" + r.plainFig(strconv.Itoa(s.Suspected)) +
		"起，排除" + r.plainFig(strconv.Itoa(s.Excluded)) + "条"
	if s.Open > 0 {
		out += "，尚有" + r.plainFig(strconv.Itoa(s.Open)) + "条待处理"
	}
	return out, nil
}

// quality writes the sentence of the data-set reports' completeness.
func (r *run) quality() (string, error) {
	qs, err := r.dataQuality()
	if err != nil {
		return "", err
	}
	if r.src.Quality == nil || len(qs) == 0 {
		return "报表报送情况" + NoData, nil
	}
	var parts []string
	for _, q := range qs {
		if q.Expected == 0 {
			continue
		}
		parts = append(parts, q.Name+"报告率"+r.plainFig(ratio(q.Reported, q.Expected))+"、及时率"+r.plainFig(ratio(q.OnTime, q.Expected)))
	}
	if len(parts) == 0 {
		return "本期无应报报表", nil
	}
	return strings.Join(parts, "，"), nil
}

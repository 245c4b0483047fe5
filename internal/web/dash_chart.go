package web

import (
	"net/http"
	"strconv"

	"github.com/weijian-health/weijian/internal/analytics"
	"github.com/weijian-health/weijian/internal/expr"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
)

// The dashboard's charts: the focused indicator by child unit (bars
// coloured by pace flag, the target as a mark) and by month beside the
// same months a year earlier.

// flagColor is the colour of a bar by pace flag.
var flagColor = map[string]string{"ahead": colorMain, "on": "#3b73b9", "behind": "#d9534f", "": "#9aa5ad"}

// childBarChart is a horizontal bar per child unit, in the rows' order
// (the best on top), each bar coloured by its pace flag, with each unit's
// target as a marker.
func childBarChart(valueName, targetName string, rows []kpiRow) (string, error) {
	n := len(rows)
	labels, bars, targets := make([]string, n), make([]any, n), make([]any, n)
	hasTarget := false
	for i, k := range rows {
		j := n - 1 - i // ECharts draws the first category at the bottom
		labels[j] = k.OrgName
		item := map[string]any{"value": nil, "itemStyle": map[string]any{"color": flagColor[k.Flag]}}
		if !k.NoData && k.cell.Raw != nil {
			item["value"] = expr.RoundHalfUp(*k.cell.Raw, 2)
		}
		bars[j] = item
		if k.cell.Target != nil {
			targets[j], hasTarget = *k.cell.Target, true
		}
	}
	o := baseOption()
	o["xAxis"] = map[string]any{"type": "value", "splitLine": map[string]any{"lineStyle": map[string]any{"color": "#eee"}}}
	o["yAxis"] = map[string]any{"type": "category", "data": labels, "axisTick": map[string]any{"show": false}}
	// The value inside the bar's end, clear of the target mark beyond it.
	series := []any{map[string]any{"name": valueName, "type": "bar", "data": bars, "barMaxWidth": 18,
		"label": map[string]any{"show": true, "position": "insideRight", "color": "#fff", "fontSize": 11}}}
	if hasTarget && !rows[0].isCount {
		series = append(series, map[string]any{"name": targetName, "type": "scatter", "data": targets, "symbol": "rect",
			"symbolSize": []int{3, 18}, "itemStyle": map[string]any{"color": "#333"}})
	}
	o["series"] = series
	return toJSON(o)
}

// trend is the focused indicator at unit by month of asOf's year, beside
// the same months a year earlier (the cells' 同比), as a line chart.
func (s *Server) trend(r *http.Request, d *indicator.Def, unit string, asOf period.Date) (string, error) {
	ms := months(asOf)
	res, err := s.analytics.Query(r.Context(), analyticsScope(r), analytics.Request{Indicators: []string{d.Code},
		OrgUnit: unit, OUMode: analytics.OUSelf, Periods: ms, AsOf: asOf.String(), Lang: info(r).lang})
	if err != nil {
		return "", err
	}
	now, last := make([]any, len(ms)), make([]any, len(ms))
	labels := make([]string, len(ms))
	at := map[string]int{}
	for i, m := range ms {
		at[m] = i
		labels[i] = strconv.Itoa(i+1) + s.msg(r, "dash.monthSuffix")
	}
	for _, c := range res.Cells {
		i, ok := at[c.Period]
		if !ok {
			continue
		}
		if !c.NoData && c.Raw != nil {
			now[i] = expr.RoundHalfUp(*c.Raw, 2)
		}
		if c.YoY != nil {
			last[i] = expr.RoundHalfUp(*c.YoY, 2)
		}
	}
	line := func(name string, data []any, color string, dashed bool) map[string]any {
		ls := map[string]any{"color": color, "width": 2}
		if dashed {
			ls["type"] = "dashed"
		}
		return map[string]any{"name": name, "type": "line", "data": data, "connectNulls": false,
			"lineStyle": ls, "itemStyle": map[string]any{"color": color}}
	}
	o := baseOption()
	o["tooltip"] = map[string]any{"trigger": "axis"}
	o["legend"] = map[string]any{"top": 0}
	o["grid"] = map[string]any{"left": 8, "right": 24, "top": 30, "bottom": 8, "containLabel": true}
	o["xAxis"] = map[string]any{"type": "category", "data": labels, "boundaryGap": false}
	o["yAxis"] = map[string]any{"type": "value", "splitLine": map[string]any{"lineStyle": map[string]any{"color": "#eee"}}}
	o["series"] = []any{line(strconv.Itoa(asOf.Year)+s.msg(r, "dash.yearSuffix"), now, colorMain, false),
		line(strconv.Itoa(asOf.Year-1)+s.msg(r, "dash.yearSuffix"), last, "#999", true)}
	return toJSON(o)
}

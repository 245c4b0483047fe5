package web

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/surveil"
)

// signalRow is a signal in a list, with its names resolved.
type signalRow struct {
	*surveil.Signal
	ItemName, StatusName, Kind, ResponseTime string
	InTime, Late, Unread                     bool
}

func (s *Server) signalRows(r *http.Request, list []*surveil.Signal, unread map[int64]bool) []signalRow {
	lang := info(r).lang
	out := make([]signalRow, len(list))
	now := s.now()
	for i, g := range list {
		row := signalRow{Signal: g, ItemName: s.itemName(r, g.Item), StatusName: surveil.StatusName(g.Status).In(lang),
			InTime: g.RespondedInTime(), Unread: unread[g.ID]}
		row.Kind = s.msg(r, "sv.temporal")
		if g.Fixed {
			row.Kind = s.msg(r, "sv.fixed")
		}
		if !g.RespondedAt.IsZero() {
			row.ResponseTime = hours(lang, g.ResponseTime())
		} else {
			row.Late = now.Sub(g.CreatedAt) > g.ResponseLimit()
		}
		out[i] = row
	}
	return out
}

// hours formats a response time: minutes under an hour, else hours.
func hours(lang string, d time.Duration) string {
	if d < time.Hour {
		return fmt.Sprintf(msgIn(lang, "%d 分钟", "%d min"), int(d.Minutes()+0.5))
	}
	return fmt.Sprintf(msgIn(lang, "%.1f 小时", "%.1f h"), d.Hours())
}

// timeliness summarises the response of a list of signals (CIDARS's
// indicators: response rate, 2 h / 24 h response rate, median time).
type timeliness struct {
	Total, Responded, InTime, Fixed, FixedInTime, Temporal, TemporalInTime, Suspected int
	Median                                                                            string
}

func summarise(lang string, list []*surveil.Signal) timeliness {
	var t timeliness
	var times []time.Duration
	for _, g := range list {
		t.Total++
		if g.Fixed {
			t.Fixed++
		} else {
			t.Temporal++
		}
		if g.Status == surveil.SignalSuspected || g.Status == surveil.SignalClosed {
			t.Suspected++
		}
		if g.RespondedAt.IsZero() {
			continue
		}
		t.Responded++
		times = append(times, g.ResponseTime())
		if g.RespondedInTime() {
			t.InTime++
			if g.Fixed {
				t.FixedInTime++
			} else {
				t.TemporalInTime++
			}
		}
	}
	if len(times) > 0 {
		slices.Sort(times)
		t.Median = hours(lang, times[len(times)/2])
	}
	return t
}

type signalFilter struct {
	Item, Status, From, To string
	Items                  []option
}

type signalsPage struct {
	basePage
	Filter  signalFilter
	Rows    []signalRow
	Pager   pager
	Export  exportLinks
	Summary timeliness
	Skips   []skipRow
	Unread  int
}

type skipRow struct{ Item, Area, Reason string }

func (s *Server) readSignalFilter(r *http.Request) (signalFilter, surveil.SignalFilter, error) {
	q := r.URL.Query()
	sf := signalFilter{Item: q.Get("item"), Status: q.Get("status"), From: q.Get("from"), To: q.Get("to")}
	sf.Items = s.diseaseOptions(info(r).lang, sf.Item, true)
	f := surveil.SignalFilter{Item: sf.Item, Status: sf.Status}
	var err error
	if f.From, err = parseDay(sf.From, "from"); err != nil {
		return sf, f, err
	}
	f.To, err = parseDay(sf.To, "to")
	return sf, f, err
}

func (s *Server) signalsPage(w http.ResponseWriter, r *http.Request) error {
	sf, f, err := s.readSignalFilter(r)
	if err != nil {
		return err
	}
	page := max(1, atoiDefault(r.URL.Query().Get("page"), 1))
	f.Limit, f.Offset = casePageSize, (page-1)*casePageSize
	st := s.sv.Store()
	list, total, err := st.Signals(r.Context(), signalScope(r), f)
	if err != nil {
		return err
	}
	unread, err := s.unread(r)
	if err != nil {
		return err
	}
	p := &signalsPage{basePage: s.base(r, "sv.signals", s.msg(r, "sv.signals")), Filter: sf, Rows: s.signalRows(r, list, unread),
		Pager: newPager(r.URL, total, page, casePageSize), Export: exportQuery("/surveillance/signals/export", r.URL.Query()), Unread: len(unread)}
	f.Limit, f.Offset = 10000, 0
	all, _, err := st.Signals(r.Context(), signalScope(r), f)
	if err != nil {
		return err
	}
	p.Summary = summarise(info(r).lang, all)
	p.Skips = s.todaySkips(r)
	return s.render(w, r, http.StatusOK, "sv_signals", p)
}

// todaySkips are the series today's detection could not judge in the
// user's county (too little history …), so that the page says so.
func (s *Server) todaySkips(r *http.Request) []skipRow {
	home, err := s.homeUnit(r)
	if err != nil || len(home.Code) < 6 {
		return nil
	}
	job, err := s.sv.Job(r.Context(), home.Code[:6], today(s.now()), false)
	if err != nil {
		return nil
	}
	_, skips := job.Run()
	seen := map[string]bool{}
	var out []skipRow
	for _, sk := range skips {
		reason := sk.Reason.In(info(r).lang)
		key := sk.Item + reason
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, skipRow{s.itemName(r, sk.Item), sk.Area.Name, reason})
	}
	return out
}

func (s *Server) unread(r *http.Request) (map[int64]bool, error) {
	ns, err := s.sv.Store().Notifications(r.Context(), currentUser(r).ID, true)
	if err != nil {
		return nil, err
	}
	out := map[int64]bool{}
	for _, n := range ns {
		out[n.SignalID] = true
	}
	return out, nil
}

func (s *Server) exportSignals(w http.ResponseWriter, r *http.Request) error {
	_, f, err := s.readSignalFilter(r)
	if err != nil {
		return err
	}
	f.Limit = 10000
	list, _, err := s.sv.Store().Signals(r.Context(), signalScope(r), f)
	if err != nil {
		return err
	}
	t := table{Sheet: s.msg(r, "sv.signals"), Header: strings.Split(s.msg(r, "sv.signalExportHeader"), ",")}
	for _, g := range s.signalRows(r, list, nil) {
		t.Rows = append(t.Rows, []any{g.ID, g.ItemName, g.AreaCode, g.AreaName, g.Kind, g.Method, g.Params, g.WindowFrom.String(),
			g.WindowTo.String(), g.Observed, g.Expected, g.Threshold, g.StatusName, fmtTime(g.CreatedAt), fmtTime(g.RespondedAt),
			g.RespondedBy, g.ResponseTime, yesNo(r, g.InTime), fmtTime(g.JudgedAt), g.Result})
	}
	return s.export(w, r, s.msg(r, "sv.signals"), t)
}

type signalPage struct {
	basePage
	Sig     signalRow
	Events  []surveil.SignalEvent
	Actions []option
	Chart   string
	Note    string
	Error   formError
}

func (s *Server) signalPage(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errSignalID
	}
	return s.renderSignal(w, r, id, http.StatusOK, formError{})
}

var errSignalID = weijian.NotFound(weijian.T("预警信号", "signal"))

func (s *Server) renderSignal(w http.ResponseWriter, r *http.Request, id int64, status int, fe formError) error {
	st := s.sv.Store()
	g, err := st.Signal(r.Context(), signalScope(r), id)
	if err != nil {
		return err
	}
	ev, err := st.SignalEvents(r.Context(), signalScope(r), id)
	if err != nil {
		return err
	}
	if err := st.MarkRead(r.Context(), currentUser(r).ID, id); err != nil {
		return err
	}
	p := &signalPage{basePage: s.base(r, "sv.signals", s.msg(r, "sv.signal")+" #"+strconv.FormatInt(id, 10)),
		Sig: s.signalRows(r, []*surveil.Signal{g}, nil)[0], Events: ev, Error: fe}
	lang := info(r).lang
	for _, a := range nextActions(g.Status) {
		p.Actions = append(p.Actions, option{a, surveil.ActionName(a).In(lang), false})
	}
	area := surveil.Area{ID: g.AreaID, Code: g.AreaCode, Name: g.AreaName, Path: g.AreaPath}
	c, err := s.sv.Curve(r.Context(), g.CountyCode, g.Item, area, "", g.WindowFrom.AddDays(-60), maxDate(g.WindowTo.AddDays(14), g.WindowTo))
	if err == nil {
		p.Chart = s.curveChart(r, c)
		p.Note = c.Note.In(lang)
	}
	return s.render(w, r, status, "sv_signal", p)
}

func maxDate(a, b period.Date) period.Date {
	if a.After(b) {
		return a
	}
	return b
}

// nextActions are the workflow steps open from a state.
func nextActions(status string) []string {
	switch status {
	case surveil.SignalNew:
		return []string{surveil.ActRespond}
	case surveil.SignalResponded:
		return []string{surveil.ActExclude, surveil.ActSuspect}
	case surveil.SignalSuspected:
		return []string{surveil.ActResult}
	}
	return nil
}

func (s *Server) signalAction(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errSignalID
	}
	_, err = s.sv.Store().ApplySignal(r.Context(), signalScope(r), id, r.FormValue("action"), currentUser(r).Username, strings.TrimSpace(r.FormValue("note")))
	if k := weijian.ErrorKind(err); k == weijian.KindInvalid || k == weijian.KindConflict {
		return s.renderSignal(w, r, id, http.StatusBadRequest, s.formError(r, err))
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/surveillance/signals/"+strconv.FormatInt(id, 10)+"?ok=saved")
}

// curveChart is the ECharts option of a curve: daily counts as bars, the
// compared value (7-day count for MPM), the threshold, the alarms, and the
// same days last year.
func (s *Server) curveChart(r *http.Request, c *surveil.Curve) string {
	days := make([]string, len(c.Days))
	for i, d := range c.Days {
		days[i] = d.String()
	}
	var alarms [][]any
	thr := make([]any, len(c.Threshold))
	for i, v := range c.Threshold {
		if math.IsNaN(v) {
			thr[i] = nil
		} else {
			thr[i] = math.Round(v*100) / 100
		}
		if c.Alarms[i] {
			alarms = append(alarms, []any{days[i], c.Compared[i]})
		}
	}
	o := baseOption()
	o["legend"] = map[string]any{"top": 0}
	o["grid"] = map[string]any{"left": 8, "right": 20, "top": 34, "bottom": 30, "containLabel": true}
	o["tooltip"] = map[string]any{"trigger": "axis"}
	o["dataZoom"] = []any{map[string]any{"type": "inside"}, map[string]any{"type": "slider", "height": 16, "bottom": 4}}
	o["xAxis"] = map[string]any{"type": "category", "data": days}
	o["yAxis"] = map[string]any{"type": "value", "minInterval": 1, "splitLine": map[string]any{"lineStyle": map[string]any{"color": "#eee"}}}
	compared := s.msg(r, "sv.curve.count")
	if c.Method == "cidarsMPM" {
		compared = s.msg(r, "sv.curve.week")
	}
	series := []any{
		map[string]any{"name": s.msg(r, "sv.curve.daily"), "type": "bar", "data": c.Counts, "itemStyle": map[string]any{"color": "#9cc3b8"}, "barMaxWidth": 10},
		map[string]any{"name": compared, "type": "line", "data": c.Compared, "showSymbol": false, "lineStyle": map[string]any{"color": colorMain, "width": 2}, "itemStyle": map[string]any{"color": colorMain}},
		map[string]any{"name": s.msg(r, "sv.curve.lastYear"), "type": "line", "data": c.LastYear, "showSymbol": false, "lineStyle": map[string]any{"color": "#999", "type": "dashed"}, "itemStyle": map[string]any{"color": "#999"}},
		map[string]any{"name": s.msg(r, "sv.curve.threshold"), "type": "line", "step": "middle", "data": thr, "showSymbol": false, "connectNulls": false, "lineStyle": map[string]any{"color": "#d9822b"}, "itemStyle": map[string]any{"color": "#d9822b"}},
		map[string]any{"name": s.msg(r, "sv.curve.alarm"), "type": "scatter", "data": alarms, "symbolSize": 9, "itemStyle": map[string]any{"color": "#c0392b"}},
	}
	o["series"] = series
	b, _ := json.Marshal(o)
	return string(b)
}

type curvePage struct {
	basePage
	Item, Area, Basis, From, To string
	Items, Areas                []option
	Chart                       string
	Note                        string
	Weeks                       []weekRow
	Export                      exportLinks
	Total, LastTotal            float64
}

type weekRow struct {
	Week            string
	Count, LastYear float64
	Alarms          int
}

// curve reads the curve the query asks for: item (default the first
// disease with a method), area (default the user's county), dates
// (default the last 180 days).
func (s *Server) curve(r *http.Request) (*curvePage, *surveil.Curve, error) {
	q := r.URL.Query()
	p := &curvePage{Item: q.Get("item"), Area: q.Get("area"), Basis: q.Get("basis"), From: q.Get("from"), To: q.Get("to")}
	if p.Item == "" {
		p.Item = "hfmd"
	}
	home, err := s.homeUnit(r)
	if err != nil {
		return nil, nil, err
	}
	if len(home.Code) < 6 {
		return nil, nil, weijian.Invalid(weijian.T("请先选择一个县", "choose a county first"))
	}
	county := home.Code[:6]
	areas, err := s.sv.Areas(r.Context(), county)
	if err != nil {
		return nil, nil, err
	}
	if p.Area == "" {
		p.Area = areas[0].Code
	}
	var area *surveil.Area
	for i, a := range areas {
		if !signalScope(r).Covers(a.Path) {
			continue
		}
		p.Areas = append(p.Areas, option{a.Code, a.Name, a.Code == p.Area})
		if a.Code == p.Area {
			area = &areas[i]
		}
	}
	if area == nil {
		return nil, nil, errForbidden
	}
	to, err := parseDay(p.To, "to")
	if err != nil {
		return nil, nil, err
	}
	if to.IsZero() {
		to = today(s.now())
	}
	from, err := parseDay(p.From, "from")
	if err != nil {
		return nil, nil, err
	}
	if from.IsZero() {
		from = to.AddDays(-179)
	}
	p.From, p.To = from.String(), to.String()
	p.Items = s.diseaseOptions(info(r).lang, p.Item, true)
	c, err := s.sv.Curve(r.Context(), county, p.Item, *area, p.Basis, from, to)
	return p, c, err
}

func (s *Server) curvePage(w http.ResponseWriter, r *http.Request) error {
	p, c, err := s.curve(r)
	if err != nil {
		return err
	}
	p.basePage = s.base(r, "sv.curve", s.msg(r, "sv.curve"))
	p.Chart, p.Note, p.Basis = s.curveChart(r, c), c.Note.In(info(r).lang), c.Basis
	p.Weeks = isoWeeks(c)
	for i := range c.Counts {
		p.Total += c.Counts[i]
	}
	for _, wk := range p.Weeks {
		p.LastTotal += wk.LastYear
	}
	p.Export = exportQuery("/surveillance/curve/export", r.URL.Query())
	return s.render(w, r, http.StatusOK, "sv_curve", p)
}

// isoWeeks sums a curve by ISO week (2026-W49), with last year's daily
// counts summed over the same days.
func isoWeeks(c *surveil.Curve) []weekRow {
	var out []weekRow
	for i, d := range c.Days {
		y, wk := d.In(time.UTC).ISOWeek()
		label := fmt.Sprintf("%d-W%02d", y, wk)
		if len(out) == 0 || out[len(out)-1].Week != label {
			out = append(out, weekRow{Week: label})
		}
		row := &out[len(out)-1]
		row.Count += c.Counts[i]
		if c.Alarms[i] {
			row.Alarms++
		}
	}
	// Last year's daily counts are not kept apart: derive them from the
	// compared value when it is the day's count, else leave the 7-day sum
	// of the week's last day.
	j := 0
	for i, d := range c.Days {
		y, wk := d.In(time.UTC).ISOWeek()
		if fmt.Sprintf("%d-W%02d", y, wk) != out[j].Week {
			j++
		}
		if c.Method == "cidarsMPM" {
			out[j].LastYear = c.LastYear[i]
		} else {
			out[j].LastYear += c.LastYear[i]
		}
	}
	return out
}

func (s *Server) exportCurve(w http.ResponseWriter, r *http.Request) error {
	p, c, err := s.curve(r)
	if err != nil {
		return err
	}
	t := table{Sheet: s.msg(r, "sv.curve"), Header: strings.Split(s.msg(r, "sv.curveExportHeader"), ",")}
	for i, d := range c.Days {
		var thr any
		if !math.IsNaN(c.Threshold[i]) {
			thr = c.Threshold[i]
		}
		t.Rows = append(t.Rows, []any{d.String(), s.itemName(r, p.Item), c.Area.Name, c.Counts[i], c.Compared[i], thr, yesNo(r, c.Alarms[i]), c.LastYear[i]})
	}
	return s.export(w, r, s.msg(r, "sv.curve")+"-"+p.Item, t)
}

type compliancePage struct {
	basePage
	From, To string
	Rows     []complianceRow
	Export   exportLinks
}

type complianceRow struct {
	surveil.FacilityStat
	Covered int
}

func (s *Server) compliance(r *http.Request) (*compliancePage, error) {
	q := r.URL.Query()
	p := &compliancePage{From: q.Get("from"), To: q.Get("to")}
	to, err := parseDay(p.To, "to")
	if err != nil {
		return nil, err
	}
	if to.IsZero() {
		to = today(s.now())
	}
	from, err := parseDay(p.From, "from")
	if err != nil {
		return nil, err
	}
	if from.IsZero() {
		from = to.AddDays(-29)
	}
	if from.After(to) || to.DaysSince(from) > 366 {
		return nil, weijian.Invalid(weijian.T("日期范围应在1天到1年之间", "the period must be 1 day to 1 year"))
	}
	p.From, p.To = from.String(), to.String()
	stats, err := s.sv.Store().FacilityStats(r.Context(), cardScope(r), from, to, s.sv.Catalogue())
	if err != nil {
		return nil, err
	}
	for _, f := range stats {
		p.Rows = append(p.Rows, complianceRow{FacilityStat: f, Covered: f.DaysWithCard + f.ZeroDays})
	}
	return p, nil
}

func (s *Server) compliancePage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.compliance(r)
	if err != nil {
		return err
	}
	p.basePage = s.base(r, "sv.compliance", s.msg(r, "sv.compliance"))
	p.Export = exportQuery("/surveillance/compliance/export", r.URL.Query())
	return s.render(w, r, http.StatusOK, "sv_compliance", p)
}

func (s *Server) exportCompliance(w http.ResponseWriter, r *http.Request) error {
	p, err := s.compliance(r)
	if err != nil {
		return err
	}
	t := table{Sheet: s.msg(r, "sv.compliance"), Header: strings.Split(s.msg(r, "sv.complianceExportHeader"), ",")}
	for _, f := range p.Rows {
		t.Rows = append(t.Rows, []any{f.Code, f.Name, f.Cards, f.ReportTimely, percent(int64(f.ReportTimely), int64(f.Cards)),
			f.Verified, f.VerifyTimely, percent(int64(f.VerifyTimely), int64(f.Cards)), f.DaysWithCard, f.ZeroDays, f.Days,
			percent(int64(f.Covered), int64(f.Days))})
	}
	return s.export(w, r, s.msg(r, "sv.compliance"), t)
}

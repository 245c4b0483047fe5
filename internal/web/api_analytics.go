package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/analytics"
)

// Analytics and targets: the JSON API over internal/analytics (the
// dashboards and the targets page build on it). Figures are read within
// the user's data scope (dataScope); targets are set and allocated within
// the targets.edit grants, so a township sets its own town's and its
// villages' targets and only a county role allocates from the county.

// analyticsService is the service, or a 404 when the server has none
// (no indicator engine).
func (s *Server) analyticsService() (*analytics.Service, error) {
	if s.analytics == nil {
		return nil, weijian.NotFound(weijian.T("统计分析服务（未配置指标引擎）", "the analytics service (no indicator engine)"))
	}
	return s.analytics, nil
}

// targetScope is where the user may set and allocate targets.
func targetScope(r *http.Request) (weijian.Scope, error) {
	sc := currentUser(r).ScopeFor(weijian.PermEditTargets)
	if sc.Empty() {
		return sc, weijian.E(weijian.KindForbidden, weijian.T("您的角色不能设置任务数", "your role may not set targets"))
	}
	return sc, nil
}

// analyticsRequest reads the query parameters of GET /api/v1/analytics.
func analyticsRequest(r *http.Request) analytics.Request {
	q := r.URL.Query()
	return analytics.Request{
		Indicators: splitList(q.Get("ind")),
		OrgUnit:    strings.TrimSpace(q.Get("ou")),
		OUMode:     analytics.OUMode(q.Get("ouMode")),
		Level:      q.Get("level"),
		Periods:    splitList(q.Get("pe")),
		AsOf:       strings.TrimSpace(q.Get("asOf")),
		Disagg:     q.Get("disagg"),
		Pace:       q.Get("pace"),
		Lang:       info(r).lang,
	}
}

// GET /api/v1/analytics?ind=a,b&ou=CODE&ouMode=children&pe=2024,2024Q1&asOf=2024-06-30[&format=csv|xlsx]
func (s *Server) apiAnalytics(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.analyticsService()
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format != "" && format != "json" && format != "csv" && format != "xlsx" {
		return weijian.Invalid(weijian.T("参数 format 应为 json、csv 或 xlsx", "parameter format: use json, csv or xlsx"),
			weijian.Issue{Field: "format", Value: weijian.Clip(format), Rule: "param", Msg: weijian.T("json、csv 或 xlsx", "json, csv or xlsx")})
	}
	resp, err := svc.Query(r.Context(), dataScope(r), analyticsRequest(r))
	if err != nil {
		return err
	}
	if format == "" || format == "json" {
		return writeJSON(w, http.StatusOK, resp)
	}
	lang := info(r).lang
	if format == "csv" {
		lang = "" // machine columns, as `weijian analytics` prints them
	}
	header, rows := resp.Table(lang)
	return s.export(w, r, "analytics", table{Sheet: s.msg(r, "export.analytics"), Header: header, Rows: rows})
}

// GET /api/v1/targets?ind=a,b&ou=CODE&under=CODE&year=2024
func (s *Server) apiTargets(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := weijian.TargetFilter{Indicators: splitList(q.Get("ind")), UnitCodes: splitList(q.Get("ou")), Under: q.Get("under")}
	if y := q.Get("year"); y != "" {
		year, err := strconv.Atoi(y)
		if err != nil || year < 1900 || year > 2200 {
			return weijian.Invalid(weijian.T("参数 year 无效："+y, "parameter year is not a year: "+y),
				weijian.Issue{Field: "year", Value: weijian.Clip(y), Rule: "param", Msg: weijian.T("应为年份", "a year")})
		}
		f.Year = year
	}
	ts, err := s.store.Targets(r.Context(), dataScope(r), f)
	if err != nil {
		return err
	}
	if ts == nil {
		ts = []weijian.Target{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"targets": ts})
}

// POST /api/v1/targets {"targets": [{"indicator", "ou", "year", "value"}]}:
// all or nothing, a value equal to the stored one changes nothing.
func (s *Server) apiSetTargets(w http.ResponseWriter, r *http.Request) error {
	sc, err := targetScope(r)
	if err != nil {
		return err
	}
	var body struct {
		Targets []weijian.Target `json:"targets"`
	}
	if err := readJSON(r, &body); err != nil {
		return err
	}
	if svc, _ := s.analyticsService(); svc != nil {
		if is := analytics.ResolveIndicators(svc.Eval.Library(), body.Targets); len(is) > 0 {
			return weijian.Invalid(weijian.T("任务数/目标值有误，未保存任何一条", "the targets have errors; nothing was stored"), is...)
		}
	}
	for i := range body.Targets {
		body.Targets[i].Method = weijian.TargetEntered
	}
	sum, err := s.store.SetTargets(r.Context(), sc, actor(r), body.Targets, weijian.ImportOptions{Actor: actor(r)})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, sum)
}

// allocationBody is the JSON of POST /api/v1/targets/allocate.
type allocationBody struct {
	Indicator string             `json:"indicator"`
	OrgUnit   string             `json:"ou"`
	Year      int                `json:"year"`
	Method    string             `json:"method"`          // population (default) or hand
	Value     *float64           `json:"value,omitempty"` // set the parent's target first
	Values    map[string]float64 `json:"values,omitempty"`
	Base      string             `json:"base,omitempty"` // population base: "F 35-64", "65+", "all"
	Depth     int                `json:"depth,omitempty"`
}

// POST /api/v1/targets/allocate
func (s *Server) apiAllocate(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.analyticsService()
	if err != nil {
		return err
	}
	sc, err := targetScope(r)
	if err != nil {
		return err
	}
	var b allocationBody
	if err := readJSON(r, &b); err != nil {
		return err
	}
	a := analytics.Allocation{Indicator: b.Indicator, OrgUnit: b.OrgUnit, Year: b.Year, Method: b.Method,
		Value: b.Value, Values: b.Values, Depth: b.Depth}
	if b.Base != "" {
		base, err := analytics.ParseBase(b.Base)
		if err != nil {
			return err
		}
		a.Base = &base
	}
	rows, err := svc.Allocate(r.Context(), sc, actor(r), a)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"targets": rows})
}

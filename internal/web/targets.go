package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/analytics"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
)

// The targets page (目标任务): an indicator's annual targets at a unit and
// the units below it, beside the figures so far (完成率, pace); a form to
// set the unit's target and to allocate it down — by population share or
// by hand — through the analytics service, which stores them. Files of
// targets go through the import page (kind "targets").

type targetsPage struct {
	basePage
	Defs       []option // the indicators with targets
	Def        *indicator.Def
	Years      []option
	Year       int
	Unit       *weijian.OrgUnit
	Ancestors  []*weijian.OrgUnit
	Own        *targetRow // the unit's own target and figure
	Children   []targetRow
	ChildSum   string // the children's targets summed (a count), "" for a rate
	SumDiffers bool
	Divisible  bool // a count or amount: children sum to the parent
	CanEdit    bool
	AsOf       string
	Error      formError
	Export     exportLinks
}

// targetRow is a unit's target with its figure so far.
type targetRow struct {
	K         kpiRow
	Value     string // the stored target as typed back into the form
	Method    string
	UpdatedBy string
	UpdatedAt string
}

// canEditTargets reports whether the user may set targets at u (a
// targets.edit grant covering it).
func canEditTargets(r *http.Request, u *weijian.OrgUnit) bool {
	return currentUser(r).ScopeFor(weijian.PermEditTargets).Covers(u.Path)
}

// targetsQuery is what the targets page shows.
type targetsQuery struct {
	def  *indicator.Def
	year int
	unit *weijian.OrgUnit
}

func (s *Server) targetsQueryOf(r *http.Request) (targetsQuery, error) {
	var tq targetsQuery
	if !s.canDash(r) {
		return tq, errForbidden
	}
	q := r.URL.Query()
	if r.Method == http.MethodPost {
		q = r.PostForm
	}
	defs := keyIndicators(s.analytics.Eval.Library())
	code := q.Get("ind")
	if code == "" && len(defs) > 0 {
		code = defs[0].Code
	}
	if tq.def = s.analytics.Eval.Library().Get(code); tq.def == nil {
		return tq, errNoIndicator(code)
	}
	tq.year = period.DateOf(s.today()).Year
	if y := q.Get("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 2000 || n > 2100 {
			return tq, weijian.Invalid(weijian.T("年度无效："+weijian.Clip(y), "invalid year: "+weijian.Clip(y)))
		}
		tq.year = n
	}
	rq := *r
	rq.URL = &url.URL{RawQuery: url.Values{"unit": {q.Get("unit")}}.Encode()}
	var err error
	tq.unit, err = s.dashUnit(&rq)
	return tq, err
}

// targetsOf builds the targets page the request asks for.
func (s *Server) targetsOf(r *http.Request) (targetsQuery, *targetsPage, error) {
	tq, err := s.targetsQueryOf(r)
	if err != nil {
		return tq, nil, err
	}
	p, err := s.targetsView(r, tq)
	return tq, p, err
}

func (s *Server) targetsPage(w http.ResponseWriter, r *http.Request) error {
	_, p, err := s.targetsOf(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "targets", p)
}

// asOfFor is the date figures of year are taken at: today, or the
// year's last day for a past year.
func (s *Server) asOfFor(year int) period.Date {
	today := period.DateOf(s.today())
	if year < today.Year {
		return period.NewDate(year, 12, 31)
	}
	return today
}

// targetsView builds the page of tq.
func (s *Server) targetsView(r *http.Request, tq targetsQuery) (*targetsPage, error) {
	lang := info(r).lang
	p := &targetsPage{basePage: s.base(r, "targets", s.msg(r, "nav.targets")), Def: tq.def, Year: tq.year, Unit: tq.unit,
		Divisible: !hasDenominator(tq.def.Unit), CanEdit: canEditTargets(r, tq.unit)}
	for _, d := range keyIndicators(s.analytics.Eval.Library()) {
		p.Defs = append(p.Defs, option{d.Code, d.Name.In(lang), d.Code == tq.def.Code})
	}
	this := period.DateOf(s.today()).Year
	for y := this + 1; y >= this-4; y-- {
		p.Years = append(p.Years, option{strconv.Itoa(y), strconv.Itoa(y), y == tq.year})
	}
	var err error
	if p.Ancestors, err = s.dashAncestors(r, tq.unit); err != nil {
		return nil, err
	}
	asOf := s.asOfFor(tq.year)
	p.AsOf = asOf.String()
	rows, err := s.kpis(r, []*indicator.Def{tq.def}, tq.unit.Code, analytics.OUChildren, asOf)
	if err != nil {
		return nil, err
	}
	stored, err := s.store.Targets(r.Context(), analyticsScope(r), weijian.TargetFilter{Indicators: []string{tq.def.Code},
		Under: tq.unit.Code, Year: tq.year})
	if err != nil {
		return nil, err
	}
	byUnit := map[string]weijian.Target{}
	for _, t := range stored {
		byUnit[t.UnitCode] = t
	}
	var sum float64
	for _, k := range rows {
		row := targetRow{K: k}
		if t, ok := byUnit[k.OrgUnit]; ok {
			row.Value = strconv.FormatFloat(t.Value, 'f', -1, 64)
			row.Method, row.UpdatedBy, row.UpdatedAt = s.msg(r, "target.method."+t.Method), t.UpdatedBy, formatDateTime(t.UpdatedAt)
		}
		if k.OrgUnit == tq.unit.Code {
			p.Own = &row
			continue
		}
		if t, ok := byUnit[k.OrgUnit]; ok {
			sum += t.Value
		}
		p.Children = append(p.Children, row)
	}
	if p.Divisible && len(p.Children) > 0 {
		p.ChildSum = formatFloat(&sum)
		p.SumDiffers = p.Own != nil && p.Own.Value != "" && strconv.FormatFloat(sum, 'f', -1, 64) != p.Own.Value
	}
	q := url.Values{"ind": {tq.def.Code}, "year": {strconv.Itoa(tq.year)}, "unit": {tq.unit.Code}}
	p.Export = exportQuery("/targets/export", q)
	return p, nil
}

// targetEdit reads the form of a change of targets: what page it is on
// and the scope of the user's targets.edit grants, which must cover the
// unit.
func (s *Server) targetEdit(r *http.Request) (targetsQuery, weijian.Scope, error) {
	if err := r.ParseForm(); err != nil {
		return targetsQuery{}, weijian.Scope{}, weijian.Invalid(weijian.T("表单无效", "bad form"))
	}
	tq, err := s.targetsQueryOf(r)
	if err != nil {
		return tq, weijian.Scope{}, err
	}
	sc, err := targetScope(r)
	if err == nil && !sc.Covers(tq.unit.Path) {
		err = errForbidden
	}
	return tq, sc, err
}

// POST /targets: set the unit's target (and, with allocate=population,
// share it among the children by population in the same step).
func (s *Server) setTarget(w http.ResponseWriter, r *http.Request) error {
	tq, sc, err := s.targetEdit(r)
	if err != nil {
		return err
	}
	v, err := targetValue(r.PostForm.Get("value"), "value")
	if err != nil {
		return s.targetsError(w, r, tq, err)
	}
	a := analytics.Allocation{Indicator: tq.def.Code, OrgUnit: tq.unit.Code, Year: tq.year, Value: &v, Method: r.PostForm.Get("allocate")}
	if a.Method == weijian.TargetByPopulation {
		_, err = s.analytics.Allocate(r.Context(), sc, actor(r), a)
	} else {
		_, err = s.store.SetTargets(r.Context(), sc, actor(r),
			[]weijian.Target{{Indicator: tq.def.Code, UnitCode: tq.unit.Code, Year: tq.year, Value: v, Method: weijian.TargetEntered}},
			weijian.ImportOptions{Actor: actor(r)})
	}
	if err != nil {
		return s.targetsError(w, r, tq, err)
	}
	return s.backToTargets(w, r, tq)
}

// POST /targets/allocate: allocate the unit's stored target to its
// children by population share (method=population) or as typed
// (method=hand, one field v|CODE per child).
func (s *Server) allocateTargets(w http.ResponseWriter, r *http.Request) error {
	tq, sc, err := s.targetEdit(r)
	if err != nil {
		return err
	}
	a := analytics.Allocation{Indicator: tq.def.Code, OrgUnit: tq.unit.Code, Year: tq.year, Method: r.PostForm.Get("method")}
	if a.Method == weijian.TargetByHand {
		a.Values = map[string]float64{}
		for k, vs := range r.PostForm {
			code, ok := strings.CutPrefix(k, "v|")
			if !ok || strings.TrimSpace(vs[0]) == "" {
				continue
			}
			if a.Values[code], err = targetValue(vs[0], k); err != nil {
				return s.targetsError(w, r, tq, err)
			}
		}
	} else if a.Method != weijian.TargetByPopulation {
		return weijian.Invalid(weijian.T("分解方式应为按人口比例或手工", "allocate by population or by hand"))
	}
	if _, err := s.analytics.Allocate(r.Context(), sc, actor(r), a); err != nil {
		return s.targetsError(w, r, tq, err)
	}
	return s.backToTargets(w, r, tq)
}

// targetValue reads a target typed in a form field.
func targetValue(text, field string) (float64, error) {
	text = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(text), "%"))
	v, err := strconv.ParseFloat(strings.ReplaceAll(text, ",", ""), 64)
	if err != nil || v < 0 {
		msg := weijian.T("目标应为不小于 0 的数", "a target is a number of at least 0")
		return 0, weijian.Invalid(msg, weijian.Issue{Field: field, Value: weijian.Clip(text), Rule: "number", Msg: msg})
	}
	return v, nil
}

// targetsError shows the page again with the error (an invalid input, a
// hand allocation that does not sum up).
func (s *Server) targetsError(w http.ResponseWriter, r *http.Request, tq targetsQuery, err error) error {
	fe, err := formErrorOf(err, info(r).lang)
	if err != nil {
		return err
	}
	p, err := s.targetsView(r, tq)
	if err != nil {
		return err
	}
	p.Error = fe
	return s.render(w, r, http.StatusUnprocessableEntity, "targets", p)
}

func (s *Server) backToTargets(w http.ResponseWriter, r *http.Request, tq targetsQuery) error {
	q := url.Values{"ind": {tq.def.Code}, "year": {strconv.Itoa(tq.year)}, "unit": {tq.unit.Code}, "ok": {"saved"}}
	http.Redirect(w, r, "/targets?"+q.Encode(), http.StatusSeeOther)
	return nil
}

// exportTargets exports the page's table: the unit and its children with
// target, figure and 完成率, in the target import's first four columns
// (indicator, unit code, year, target) so that it imports back.
func (s *Server) exportTargets(w http.ResponseWriter, r *http.Request) error {
	tq, p, err := s.targetsOf(r)
	if err != nil {
		return err
	}
	t := table{Sheet: s.msg(r, "nav.targets")}
	for _, k := range []string{"target.col.indicator", "target.col.unit", "target.col.year", "target.col.value", "dash.unit",
		"target.method", "dash.value", "dash.completion", "dash.pace", "dash.flag"} {
		t.Header = append(t.Header, s.msg(r, k))
	}
	rows := p.Children
	if p.Own != nil {
		rows = append([]targetRow{*p.Own}, rows...)
	}
	for _, x := range rows {
		var v any = ""
		if x.Value != "" {
			v, _ = strconv.ParseFloat(x.Value, 64)
		}
		t.Rows = append(t.Rows, []any{tq.def.Code, x.K.OrgUnit, tq.year, v, x.K.OrgName, x.Method, x.K.Value,
			sheetNum(x.K.cell.Completion), sheetNum(x.K.cell.Pace), s.flagLabel(r, x.K.Flag)})
	}
	return s.export(w, r, s.msg(r, "nav.targets")+"-"+tq.def.Name.In(info(r).lang)+"-"+strconv.Itoa(tq.year), t)
}

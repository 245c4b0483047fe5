package web

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/analytics"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
)

// The end of the drill-down: the persons an indicator counts at a unit,
// in its numerator, its denominator, or in the denominator but not the
// numerator (未达标: the ones to follow up). Masked as every list of
// residents is; each links to the person's page.

// personsPage lists the persons behind a figure, or behind one option of
// its breakdown (分组构成: 男, 65岁及以上 …).
type personsPage struct {
	basePage
	Def       *indicator.Def
	Name      string
	Unit      *weijian.OrgUnit
	Side      string // num | den | gap
	Sides     []workListTab
	Option    string // "性别：男" for one option of a breakdown, "" for the total
	AsOf      string
	AsOfLabel string
	Back      string
	Total     int
	Capped    bool // more than personsCap: the list stops there
	Rows      []personRow
	Pager     pager
	Export    exportLinks
}

type personRow struct {
	R     residentOut
	Facts string
}

// personsCap is the most persons a drill-down reads (a village holds a
// few hundred; a county tens of thousands, which no one reads on a page).
const personsCap = analytics.PersonsCap

var personSides = []string{analytics.SideNum, analytics.SideDen, analytics.SideGap}

// persons reads the list the request asks for (up to personsCap): the
// indicator (?ind=, counting persons), the unit (?unit=, in the figures'
// scope), the year to ?asOf=, the side (?side=num|den|gap) and, for one
// option of a breakdown, ?by= (with ?bands= for age) and ?opt= — the
// dashboard's own parameters, so the list is the figure's persons.
func (s *Server) persons(r *http.Request) (*analytics.PersonsList, error) {
	if !s.canDash(r) || !currentUser(r).Can(weijian.PermViewResidents) {
		return nil, errForbidden
	}
	q := r.URL.Query()
	if d := s.analytics.Eval.Library().Get(q.Get("ind")); d == nil || d.Programme == "" {
		return nil, weijian.NotFound(weijian.T("计人的指标："+weijian.Clip(q.Get("ind")), "indicator counting persons: "+weijian.Clip(q.Get("ind"))))
	}
	unit, err := s.dashUnit(r)
	if err != nil {
		return nil, err
	}
	asOf, err := s.asOfOf(r)
	if err != nil {
		return nil, err
	}
	side := q.Get("side")
	if !slices.Contains(personSides, side) {
		side = analytics.SideNum
	}
	req := analytics.PersonsRequest{Indicator: q.Get("ind"), OrgUnit: unit.Code, AsOf: asOf.String(), Side: side,
		Disagg: disaggSpec(q), Option: q.Get("opt"), Lang: info(r).lang}
	return s.analytics.Persons(r.Context(), analyticsScope(r), residentScope(r), req)
}

// optionLabel names the option of a list: "性别：男"; "" for the total.
func (s *Server) optionLabel(r *http.Request, l *analytics.PersonsList) string {
	if l.Dim == "" {
		return ""
	}
	return s.dimName(r, l.Dim) + "：" + l.Option.Name.In(info(r).lang)
}

const personsPageSize = 50

func (s *Server) dashPersons(w http.ResponseWriter, r *http.Request) error {
	l, err := s.persons(r)
	if err != nil {
		return err
	}
	lang, q := info(r).lang, r.URL.Query()
	p := &personsPage{basePage: s.base(r, "dashboard", l.Def.Name.In(lang)), Def: l.Def, Name: l.Def.Name.In(lang),
		Unit: l.Unit, Side: l.Side, Option: s.optionLabel(r, l), AsOf: l.AsOf.String(), AsOfLabel: period.AsOfLabel(l.AsOf, lang),
		Total: len(l.Rows), Capped: l.Capped, Export: exportQuery("/dashboard/persons/export", q)}
	back := url.Values{"unit": {l.Unit.Code}, "ind": {l.Def.Code}, "asOf": {p.AsOf}}
	for _, k := range []string{"by", "bands"} {
		if v := q.Get(k); v != "" {
			back.Set(k, v)
		}
	}
	p.Back = "/dashboard?" + back.Encode()
	for _, sd := range personSides {
		v := cloneValues(q)
		v.Set("side", sd)
		v.Del("page")
		p.Sides = append(p.Sides, workListTab{Key: sd, Name: s.msg(r, "dash.side."+sd), URL: "/dashboard/persons?" + v.Encode(), Active: sd == l.Side})
	}
	page := max(1, atoiDefault(q.Get("page"), 1))
	from := min(len(l.Rows), (page-1)*personsPageSize)
	if p.Rows, err = s.personRows(r, l, l.Rows[from:min(len(l.Rows), from+personsPageSize)]); err != nil {
		return err
	}
	p.Pager = newPager(r.URL, len(l.Rows), page, personsPageSize)
	return s.render(w, r, http.StatusOK, "dash_persons", p)
}

// personRows reads each person of l (within the user's scope) and masks
// them. A person the engine counted but the user may not see is left
// out. Under an age band, the facts begin with the age the band was
// judged by: on the span's last day (the 年龄 column is today's).
func (s *Server) personRows(r *http.Request, l *analytics.PersonsList, rows []indicator.PersonRow) ([]personRow, error) {
	out := make([]personRow, 0, len(rows))
	end := l.Span.End
	for _, pr := range rows {
		x, err := s.store.Person(r.Context(), residentScope(r), pr.PersonID)
		if weijian.ErrorKind(err) == weijian.KindNotFound {
			continue
		} else if err != nil {
			return nil, err
		}
		facts := s.factsText(r, l.Def.Programme, pr.Facts)
		if l.Dim == "age" {
			age := x.AgeAt(time.Date(end.Year, end.Month, end.Day, 12, 0, 0, 0, time.UTC))
			facts = s.msg(r, "dash.ageAtEnd", end.String(), age) + "；" + facts
		}
		out = append(out, personRow{R: residentView(x, false, s.today()), Facts: facts})
	}
	return out, nil
}

// factsText joins the facts a list shows, named by the programme's
// status labels in the user's language, in the programme's order:
// "年内随访次数 4；规范管理 是；…".
func (s *Server) factsText(r *http.Request, prog string, f map[string]string) string {
	lang := info(r).lang
	yes := map[string]string{"true": s.msg(r, "common.yes"), "false": s.msg(r, "common.no")}
	var keys []string
	label := map[string]string{"last": s.msg(r, "dash.lastService")}
	if s.programmes != nil {
		if p, ok := s.programmes.Programme(prog); ok {
			for _, it := range p.Status {
				keys, label[it.Code] = append(keys, it.Code), it.Label.In(lang)
			}
		}
	}
	rest := make([]string, 0, len(f))
	for k := range f {
		if !slices.Contains(keys, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	var parts []string
	for _, k := range append(keys, rest...) {
		v, ok := f[k]
		if !ok {
			continue
		}
		if y, ok := yes[v]; ok {
			v = y
		}
		parts = append(parts, cmp.Or(label[k], k)+" "+v)
	}
	return strings.Join(parts, "；")
}

// exportDashPersons exports the whole list (masked), audited as every
// export of residents is.
func (s *Server) exportDashPersons(w http.ResponseWriter, r *http.Request) error {
	l, err := s.persons(r)
	if err != nil {
		return err
	}
	return s.exportPersons(w, r, l)
}

// exportPersons writes a list of persons (masked) as XLSX or CSV, with the
// option of a breakdown in its own column, and audits the export.
func (s *Server) exportPersons(w http.ResponseWriter, r *http.Request, l *analytics.PersonsList) error {
	list, err := s.personRows(r, l, l.Rows)
	if err != nil {
		return err
	}
	lang := info(r).lang
	t := table{Sheet: l.Def.Name.In(lang), Header: []string{s.msg(r, "resident.id"), s.msg(r, "resident.name"), s.msg(r, "resident.sex"),
		s.msg(r, "resident.age"), s.msg(r, "resident.village"), s.msg(r, "resident.phone"), s.msg(r, "dash.facts")}}
	option := s.optionLabel(r, l)
	if option != "" {
		t.Header = append(t.Header, s.msg(r, "dash.option"))
	}
	for _, x := range list {
		row := []any{x.R.ID, x.R.Name, sexName(x.R.Sex, lang), x.R.Age, x.R.VillageName, x.R.Phone, x.Facts}
		if option != "" {
			row = append(row, option)
		}
		t.Rows = append(t.Rows, row)
	}
	detail := fmt.Sprintf("unit=%s side=%s asOf=%s rows=%d masked", l.Unit.Code, l.Side, l.AsOf, len(t.Rows))
	if l.Dim != "" {
		detail = fmt.Sprintf("unit=%s side=%s %s=%s asOf=%s rows=%d masked", l.Unit.Code, l.Side, l.Dim, l.Option.Code, l.AsOf, len(t.Rows))
	}
	if err := s.store.AuditResident(r.Context(), s.actor(r), "resident.export", "indicator:"+l.Def.Code, detail); err != nil {
		return err
	}
	name := l.Def.Name.In(lang) + "-" + l.Unit.Name
	if l.Dim != "" {
		name += "-" + l.Option.Name.In(lang)
	}
	return s.export(w, r, name, t)
}

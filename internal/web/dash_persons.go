package web

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
)

// The end of the drill-down: the persons an indicator counts at a unit,
// in its numerator, its denominator, or in the denominator but not the
// numerator (未达标: the ones to follow up). Masked as every list of
// residents is; each links to the person's page.

// personsPage lists the persons behind a figure.
type personsPage struct {
	basePage
	Def       *indicator.Def
	Name      string
	Unit      *weijian.OrgUnit
	Side      string // num | den | gap
	Sides     []workListTab
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
const personsCap = 5000

var personSides = []string{"num", "den", "gap"}

// personsQuery is what a persons list is of.
type personsQuery struct {
	def  *indicator.Def
	unit *weijian.OrgUnit
	side string
	asOf period.Date
}

func (s *Server) personsQueryOf(r *http.Request) (personsQuery, error) {
	var pq personsQuery
	if !s.canDash(r) || !currentUser(r).Can(weijian.PermViewResidents) {
		return pq, errForbidden
	}
	q := r.URL.Query()
	if pq.def = s.analytics.Eval.Library().Get(q.Get("ind")); pq.def == nil || pq.def.Programme == "" {
		return pq, weijian.NotFound(weijian.T("计人的指标："+weijian.Clip(q.Get("ind")), "indicator counting persons: "+weijian.Clip(q.Get("ind"))))
	}
	if pq.side = q.Get("side"); !slices.Contains(personSides, pq.side) {
		pq.side = "num"
	}
	var err error
	if pq.unit, err = s.dashUnit(r); err != nil {
		return pq, err
	}
	pq.asOf, err = s.asOfOf(r)
	return pq, err
}

// persons reads the persons the request asks for (up to personsCap) and
// whether the list was cut there.
func (s *Server) persons(r *http.Request) (personsQuery, []indicator.PersonRow, bool, error) {
	pq, err := s.personsQueryOf(r)
	if err != nil {
		return pq, nil, false, err
	}
	rows, capped, err := s.personsOf(r, pq)
	return pq, rows, capped, err
}

func (s *Server) personsOf(r *http.Request, pq personsQuery) ([]indicator.PersonRow, bool, error) {
	c := indicator.Cell{Indicator: pq.def.Code, OrgUnit: pq.unit.Code, Span: period.YearToDate(pq.asOf)}
	sc := residentScope(r)
	rows, err := s.analytics.Eval.Persons(r.Context(), sc, c, pq.side == "num", personsCap+1)
	if err != nil || pq.side != "gap" {
		return capRows(rows), len(rows) > personsCap, err
	}
	num, err := s.analytics.Eval.Persons(r.Context(), sc, c, true, 2*personsCap)
	if err != nil {
		return nil, false, err
	}
	counted := make(map[int64]bool, len(num))
	for _, p := range num {
		counted[p.PersonID] = true
	}
	var gap []indicator.PersonRow
	for _, p := range rows {
		if !counted[p.PersonID] {
			gap = append(gap, p)
		}
	}
	return capRows(gap), len(rows) > personsCap, nil
}

func capRows(rows []indicator.PersonRow) []indicator.PersonRow {
	return rows[:min(len(rows), personsCap)]
}

const personsPageSize = 50

func (s *Server) dashPersons(w http.ResponseWriter, r *http.Request) error {
	pq, rows, capped, err := s.persons(r)
	if err != nil {
		return err
	}
	lang, q := info(r).lang, r.URL.Query()
	p := &personsPage{basePage: s.base(r, "dashboard", pq.def.Name.In(lang)), Def: pq.def, Name: pq.def.Name.In(lang),
		Unit: pq.unit, Side: pq.side, AsOf: pq.asOf.String(), AsOfLabel: period.AsOfLabel(pq.asOf, lang),
		Total: len(rows), Capped: capped, Export: exportQuery("/dashboard/persons/export", q)}
	back := url.Values{"unit": {pq.unit.Code}, "ind": {pq.def.Code}, "asOf": {p.AsOf}}
	p.Back = "/dashboard?" + back.Encode()
	for _, sd := range personSides {
		v := cloneValues(q)
		v.Set("side", sd)
		v.Del("page")
		p.Sides = append(p.Sides, workListTab{Key: sd, Name: s.msg(r, "dash.side."+sd), URL: "/dashboard/persons?" + v.Encode(), Active: sd == pq.side})
	}
	page := max(1, atoiDefault(q.Get("page"), 1))
	from := min(len(rows), (page-1)*personsPageSize)
	if p.Rows, err = s.personRows(r, pq.def.Programme, rows[from:min(len(rows), from+personsPageSize)]); err != nil {
		return err
	}
	p.Pager = newPager(r.URL, len(rows), page, personsPageSize)
	return s.render(w, r, http.StatusOK, "dash_persons", p)
}

// personRows reads each person (within the user's scope) and masks them.
// A person the engine counted but the user may not see is left out.
func (s *Server) personRows(r *http.Request, prog string, rows []indicator.PersonRow) ([]personRow, error) {
	out := make([]personRow, 0, len(rows))
	for _, pr := range rows {
		x, err := s.store.Person(r.Context(), residentScope(r), pr.PersonID)
		if weijian.ErrorKind(err) == weijian.KindNotFound {
			continue
		} else if err != nil {
			return nil, err
		}
		out = append(out, personRow{R: residentView(x, false, s.today()), Facts: s.factsText(r, prog, pr.Facts)})
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
	pq, rows, _, err := s.persons(r)
	if err != nil {
		return err
	}
	list, err := s.personRows(r, pq.def.Programme, rows)
	if err != nil {
		return err
	}
	lang := info(r).lang
	t := table{Sheet: pq.def.Name.In(lang), Header: []string{s.msg(r, "resident.id"), s.msg(r, "resident.name"), s.msg(r, "resident.sex"),
		s.msg(r, "resident.age"), s.msg(r, "resident.village"), s.msg(r, "resident.phone"), s.msg(r, "dash.facts")}}
	for _, x := range list {
		t.Rows = append(t.Rows, []any{x.R.ID, x.R.Name, sexName(x.R.Sex, lang), x.R.Age, x.R.VillageName, x.R.Phone, x.Facts})
	}
	if err := s.store.AuditResident(r.Context(), s.actor(r), "resident.export", "indicator:"+pq.def.Code,
		fmt.Sprintf("unit=%s side=%s asOf=%s rows=%d masked", pq.unit.Code, pq.side, pq.asOf, len(t.Rows))); err != nil {
		return err
	}
	return s.export(w, r, pq.def.Name.In(lang)+"-"+pq.unit.Name, t)
}

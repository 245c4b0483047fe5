package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/weijian-health/weijian"
)

// workListPage is a work list (随访提醒): who is due or overdue.
type workListPage struct {
	basePage
	Lists   []workListTab
	List    weijian.WorkList
	Unit    string
	Doctor  string
	Total   int
	Items   []workRow
	Pager   pager
	Export  exportLinks
	AsOf    string
	Counted []workListTab // every list with its count, for the overview
	Error   formError     // a unit that could not be found, say
}

type workListTab struct {
	Key, Name, URL string
	Active         bool
	Count          int
}

type workRow struct {
	R           residentOut
	Due         string
	Last        string
	DaysOverdue int
}

const workPageSize = 50

// workFilterOf reads ?list=&unit=&doctor=&asOf=&page=.
func (s *Server) workFilterOf(r *http.Request) (weijian.WorkFilter, error) {
	q := r.URL.Query()
	f := weijian.WorkFilter{List: q.Get("list"), Unit: strings.TrimSpace(q.Get("unit")), AsOf: s.today()}
	if f.List == "" {
		f.List = weijian.WorkLists[0].Key
	}
	if _, ok := weijian.LookupWorkList(f.List); !ok {
		return f, weijian.Invalid(weijian.T("未知的随访提醒类别："+weijian.Clip(f.List), "unknown work list: "+weijian.Clip(f.List)))
	}
	if d := q.Get("doctor"); d != "" {
		id, err := strconv.ParseInt(d, 10, 64)
		if err != nil {
			return f, weijian.Invalid(weijian.T("责任医生编号无效", "invalid doctor id"))
		}
		f.DoctorID = id
	}
	if a := q.Get("asOf"); a != "" {
		d, err := time.Parse(time.DateOnly, a)
		if err != nil {
			return f, weijian.Invalid(weijian.T("日期格式应为 YYYY-MM-DD", "dates are written YYYY-MM-DD"))
		}
		f.AsOf = d
	}
	if f.Unit != "" {
		u, err := s.resolveUnit(r, residentScope(r), f.Unit)
		if err != nil {
			return f, err
		}
		f.Unit = u.Code
	}
	return f, nil
}

func (s *Server) workLists(w http.ResponseWriter, r *http.Request) error {
	if !currentUser(r).Can(weijian.PermViewResidents) {
		return errForbidden
	}
	f, ferr := s.workFilterOf(r)
	list, ok := weijian.LookupWorkList(f.List)
	if !ok {
		return ferr
	}
	lang := info(r).lang
	p := &workListPage{basePage: s.base(r, "worklists", s.msg(r, "nav.worklists")), List: list,
		Unit: strings.TrimSpace(r.URL.Query().Get("unit")), Doctor: r.URL.Query().Get("doctor"), AsOf: formatDate(f.AsOf)}
	for _, wl := range weijian.WorkLists {
		q := r.URL.Query()
		q.Set("list", wl.Key)
		q.Del("page")
		p.Lists = append(p.Lists, workListTab{Key: wl.Key, Name: wl.Name.In(lang), URL: "/worklists?" + q.Encode(), Active: wl.Key == f.List})
	}
	if ferr != nil {
		// A unit or date the user typed: said above the list, to correct.
		return s.renderFormError(w, r, http.StatusUnprocessableEntity, "worklist", p, &p.Error, ferr)
	}
	page := max(1, atoiDefault(r.URL.Query().Get("page"), 1))
	f.Limit, f.Offset = workPageSize, (page-1)*workPageSize
	items, total, err := s.store.WorkList(r.Context(), residentScope(r), f)
	if err != nil {
		return err
	}
	p.Total = total
	for _, it := range items {
		p.Items = append(p.Items, workRow{R: residentView(it.Person, false, f.AsOf), Due: formatDate(it.Due),
			Last: formatDate(it.LastDate), DaysOverdue: it.DaysOverdue})
	}
	p.Pager = newPager(r.URL, total, page, workPageSize)
	p.Export = exportQuery("/worklists/export", r.URL.Query())
	return s.render(w, r, http.StatusOK, "worklist", p)
}

// exportWorkList exports a whole work list (masked), audited.
func (s *Server) exportWorkList(w http.ResponseWriter, r *http.Request) error {
	if !currentUser(r).Can(weijian.PermViewResidents) {
		return errForbidden
	}
	f, err := s.workFilterOf(r)
	if err != nil {
		return err
	}
	f.Limit = 10000
	items, _, err := s.store.WorkList(r.Context(), residentScope(r), f)
	if err != nil {
		return err
	}
	list, _ := weijian.LookupWorkList(f.List)
	lang := info(r).lang
	t := table{Sheet: list.Name.In(lang), Header: []string{s.msg(r, "resident.id"), s.msg(r, "resident.name"), s.msg(r, "resident.sex"),
		s.msg(r, "resident.age"), s.msg(r, "resident.village"), s.msg(r, "resident.phone"), s.msg(r, "work.last"),
		s.msg(r, "work.due"), s.msg(r, "work.overdue")}}
	for _, it := range items {
		v := residentView(it.Person, false, f.AsOf)
		t.Rows = append(t.Rows, []any{v.ID, v.Name, sexName(v.Sex, lang), v.Age, v.VillageName, v.Phone,
			formatDate(it.LastDate), formatDate(it.Due), it.DaysOverdue})
	}
	if err := s.store.AuditResident(r.Context(), s.actor(r), "resident.export", "worklist:"+f.List,
		fmt.Sprintf("unit=%s rows=%d masked", f.Unit, len(t.Rows))); err != nil {
		return err
	}
	return s.export(w, r, list.Name.In(lang), t)
}

// GET /api/v1/worklists/{list}?unit=&doctor=&asOf=&limit=&offset=
func (s *Server) apiWorkList(w http.ResponseWriter, r *http.Request) error {
	if !currentUser(r).Can(weijian.PermViewResidents) {
		return errForbidden
	}
	q := r.URL.Query()
	q.Set("list", r.PathValue("list"))
	r.URL.RawQuery = q.Encode()
	f, err := s.workFilterOf(r)
	if err != nil {
		return err
	}
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	f.Offset, _ = strconv.Atoi(q.Get("offset"))
	items, total, err := s.store.WorkList(r.Context(), residentScope(r), f)
	if err != nil {
		return err
	}
	type item struct {
		Resident    residentOut `json:"resident"`
		Programme   string      `json:"programme"`
		Due         string      `json:"due"`
		LastDate    string      `json:"lastDate,omitempty"`
		DaysOverdue int         `json:"daysOverdue"`
	}
	out := []item{}
	for _, it := range items {
		out = append(out, item{residentView(it.Person, false, f.AsOf), it.Programme, formatDate(it.Due), formatDate(it.LastDate), it.DaysOverdue})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"list": f.List, "asOf": formatDate(f.AsOf), "total": total, "items": out})
}

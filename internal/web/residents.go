package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/period"
)

// residentsPage is the person search (居民档案查询).
type residentsPage struct {
	basePage
	Q, Village string
	Searched   bool
	Results    []residentOut
	Pager      pager
	Export     exportLinks
	CanRecord  bool
	Error      formError // a village that could not be found, say
}

const residentPageSize = 50

func (s *Server) residentsSearch(w http.ResponseWriter, r *http.Request) error {
	if !currentUser(r).Can(weijian.PermViewResidents) {
		return errForbidden
	}
	q := r.URL.Query()
	p := &residentsPage{basePage: s.base(r, "residents", s.msg(r, "nav.residents")), Q: strings.TrimSpace(q.Get("q")),
		Village: strings.TrimSpace(q.Get("village")), CanRecord: currentUser(r).Can(weijian.PermRecordServices)}
	if p.Q == "" && p.Village == "" {
		return s.render(w, r, http.StatusOK, "residents", p)
	}
	village := p.Village
	if village != "" {
		// A name as well as a code (钟涵村, 钟涵村委会, 320685…).
		u, err := s.resolveUnit(r, residentScope(r), village)
		if err != nil {
			return s.renderFormError(w, r, http.StatusUnprocessableEntity, "residents", p, &p.Error, err)
		}
		village = u.Code
	}
	page := max(1, atoiDefault(q.Get("page"), 1))
	ps, total, err := s.store.SearchPersons(r.Context(), residentScope(r), weijian.PersonFilter{Query: p.Q, Village: village,
		Limit: residentPageSize, Offset: (page - 1) * residentPageSize, WithTotal: true})
	if err != nil {
		return err
	}
	p.Searched = true
	for _, x := range ps {
		p.Results = append(p.Results, residentView(x, false, s.today()))
	}
	p.Pager = newPager(r.URL, total, page, residentPageSize)
	p.Export = exportQuery("/residents/export", q)
	return s.render(w, r, http.StatusOK, "residents", p)
}

// exportResidents exports a search, masked; the export is audited.
func (s *Server) exportResidents(w http.ResponseWriter, r *http.Request) error {
	if !currentUser(r).Can(weijian.PermViewResidents) {
		return errForbidden
	}
	q := r.URL.Query()
	village := strings.TrimSpace(q.Get("village"))
	if village != "" {
		u, err := s.resolveUnit(r, residentScope(r), village)
		if err != nil {
			return err
		}
		village = u.Code
	}
	ps, _, err := s.store.SearchPersons(r.Context(), residentScope(r), weijian.PersonFilter{Query: q.Get("q"),
		Village: village, Limit: 1000})
	if err != nil {
		return err
	}
	t := table{Sheet: s.msg(r, "nav.residents"), Header: []string{s.msg(r, "resident.id"), s.msg(r, "resident.name"),
		s.msg(r, "resident.sex"), s.msg(r, "resident.birthDate"), s.msg(r, "resident.docNumber"), s.msg(r, "resident.village"),
		s.msg(r, "resident.phone")}}
	for _, x := range ps {
		v := residentView(x, false, s.today())
		t.Rows = append(t.Rows, []any{v.ID, v.Name, sexName(v.Sex, info(r).lang), v.BirthDate, v.DocNumber, v.VillageName, v.Phone})
	}
	if err := s.store.AuditResident(r.Context(), s.actor(r), "resident.export", "search",
		fmt.Sprintf("q=%q village=%s rows=%d masked", q.Get("q"), q.Get("village"), len(t.Rows))); err != nil {
		return err
	}
	return s.export(w, r, s.msg(r, "export.residents"), t)
}

func sexName(sex int, lang string) string {
	switch sex {
	case 1:
		return weijian.T("男", "male").In(lang)
	case 2:
		return weijian.T("女", "female").In(lang)
	}
	return weijian.T("未知", "unknown").In(lang)
}

// residentPage is one resident: identity (masked unless shown), the year
// statuses and the timeline of every programme.
type residentPage struct {
	basePage
	R         residentOut
	Shown     bool
	CanShow   bool
	CanRecord bool
	Years     []yearRow
	Timeline  []timelineRow
	Actions   []serviceLink
}

// yearRow is one kept year status; Regular is set for programmes with a
// 规范管理 rule.
type yearRow struct {
	Year       int
	Programme  string
	Events     int
	LastDate   string
	Regular    bool
	HasRegular bool
	Why        string // why not 规范管理: "3/4 次随访"
}

type timelineRow struct {
	Date      string
	Programme string
	Stage     string
	Org       string
	Summary   string
	Voided    bool
	Reason    string
	EventID   int64
	Enrolled  bool
	CardID    int64 // a linked case report (surveil_person.go)
}

// serviceLink opens the form of a programme stage (or its enrollment).
type serviceLink struct {
	Label  string
	URL    string
	TestID string
}

func (s *Server) residentDetail(w http.ResponseWriter, r *http.Request) error {
	x, shown, err := s.resident(r, r.URL.Query().Get("show") == "1")
	if err != nil {
		return err
	}
	u := currentUser(r)
	p := &residentPage{basePage: s.base(r, "residents", weijian.MaskName(x.Name)), R: residentView(x, shown, s.today()), Shown: shown,
		CanShow: u.Can(weijian.PermUnmaskResidents), CanRecord: u.Can(weijian.PermRecordServices)}
	years, err := s.store.PersonYears(r.Context(), residentScope(r), x.ID)
	if err != nil {
		return err
	}
	items, err := s.store.Timeline(r.Context(), residentScope(r), x.ID)
	if err != nil {
		return err
	}
	lang := info(r).lang
	for _, y := range years {
		_, has := y.Values["regular"]
		row := yearRow{Year: y.Year, Programme: s.programmeName(y.Programme, lang), Events: y.Events,
			LastDate: formatDate(y.LastDate), Regular: y.Standard, HasRegular: has}
		if has && !y.Standard {
			row.Why = s.regularWhy(r, y, items)
		}
		p.Years = append(p.Years, row)
	}
	enrolled := map[string]bool{}
	for _, it := range items {
		if e := it.Event; e != nil {
			p.Timeline = append(p.Timeline, timelineRow{Date: formatDate(e.Date), Programme: s.programmeName(e.Programme, lang),
				Stage: s.stageName(e.Programme, e.Stage, lang), Org: e.OrgName, Summary: s.summarize(e, lang), Voided: e.Voided,
				Reason: e.VoidReason, EventID: e.ID})
			continue
		}
		e := it.Enrollment
		enrolled[e.Programme] = e.EndedOn.IsZero()
		p.Timeline = append(p.Timeline, timelineRow{Date: formatDate(e.EnrolledOn), Programme: s.programmeName(e.Programme, lang),
			Stage: s.msg(r, "resident.enrolled"), Enrolled: true})
	}
	if p.Timeline, err = s.withCards(r, x, p.Timeline); err != nil {
		return err
	}
	if p.CanRecord {
		p.Actions = s.serviceLinks(x, enrolled, lang)
	}
	return s.render(w, r, http.StatusOK, "resident", p)
}

// regularWhy says why a year is not 规范管理: how many of the events the
// programme's rule needs the year has ("3/4 次随访", prorated for a
// patient enrolled during the year), or, with enough of them, that they
// were too far apart.
func (s *Server) regularWhy(r *http.Request, y weijian.PersonYear, items []weijian.TimelineItem) string {
	if s.programmes == nil {
		return ""
	}
	pr, ok := s.programmes.Programme(y.Programme)
	if !ok {
		return ""
	}
	for _, it := range pr.Status {
		if it.Kind != "regular" {
			continue
		}
		var enrolled period.Date
		n := 0
		for _, x := range items {
			if e := x.Enrollment; e != nil && e.Programme == y.Programme && e.EnrolledOn.Year() <= y.Year {
				enrolled = period.DateOf(e.EnrolledOn)
			}
			if e := x.Event; e != nil && !e.Voided && e.Programme == y.Programme && e.Stage == it.Stage && e.Date.Year() == y.Year {
				n++
			}
		}
		need := it.Need(enrolled, y.Year)
		if n >= need {
			return s.msg(r, "resident.regularGap")
		}
		return s.msg(r, "resident.regularShort", n, need, s.stageName(y.Programme, it.Stage, info(r).lang))
	}
	return ""
}

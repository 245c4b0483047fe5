package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/weijian-health/weijian"
)

// recordID reads the {id} of a resident or event route.
func recordID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, weijian.NotFound(weijian.T("记录", "record"))
	}
	return id, nil
}

// resident loads the person of the {id} path value in the caller's scope,
// unmasked when show is set — which needs the unmask permission over the
// person and is written to the audit log.
func (s *Server) resident(r *http.Request, show bool) (*weijian.Person, bool, error) {
	if !currentUser(r).Can(weijian.PermViewResidents) {
		return nil, false, errForbidden
	}
	id, err := recordID(r)
	if err != nil {
		return nil, false, err
	}
	p, err := s.store.Person(r.Context(), residentScope(r), id)
	if err != nil || !show {
		return p, false, err
	}
	if _, err := s.store.Person(r.Context(), currentUser(r).ScopeFor(weijian.PermUnmaskResidents), id); err != nil {
		return nil, false, weijian.E(weijian.KindForbidden, weijian.T("您无权查看该居民的完整身份信息", "you may not see this resident's identity unmasked"))
	}
	if err := s.store.AuditResident(r.Context(), s.actor(r), "resident.unmask", fmt.Sprintf("person:%s/%d", p.County, p.ID), r.URL.Path); err != nil {
		return nil, false, err
	}
	return p, true, nil
}

// GET /api/v1/residents?q=&village=&limit=&offset=
func (s *Server) apiResidents(w http.ResponseWriter, r *http.Request) error {
	if !currentUser(r).Can(weijian.PermViewResidents) {
		return errForbidden
	}
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	offset, _ := strconv.Atoi(q.Get("offset"))
	ps, total, err := s.store.SearchPersons(r.Context(), residentScope(r), weijian.PersonFilter{Query: q.Get("q"),
		Village: q.Get("village"), Limit: limit, Offset: offset, WithTotal: true})
	if err != nil {
		return err
	}
	today := s.today()
	return writePage(w, "residents", total, ps, func(p *weijian.Person) residentOut { return residentView(p, false, today) })
}

// GET /api/v1/residents/{id}?unmask=1
func (s *Server) apiResident(w http.ResponseWriter, r *http.Request) error {
	p, shown, err := s.resident(r, r.URL.Query().Get("unmask") == "1")
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, residentView(p, shown, s.today()))
}

// POST /api/v1/residents: 201 with the resident; 409 with the likely
// duplicates (masked) unless "force" is set.
func (s *Server) apiRegister(w http.ResponseWriter, r *http.Request) error {
	var in residentIn
	if err := readJSON(r, &in); err != nil {
		return err
	}
	p, err := in.person()
	if err != nil {
		return err
	}
	dups, err := s.store.RegisterPerson(r.Context(), recordScope(r), s.actor(r), p, in.Force)
	if err != nil {
		return err
	}
	if len(dups) > 0 {
		out := make([]map[string]any, len(dups))
		for i, d := range dups {
			out[i] = map[string]any{"reason": d.Reason, "resident": residentView(d.Person, false, s.today())}
		}
		return writeJSON(w, http.StatusConflict, map[string]any{"error": apiError{Kind: "conflict",
			Message: weijian.T("可能与已有居民重复；确认不是同一人后用 force 重新提交", "likely duplicates found; resend with force if this is another person").In(info(r).lang)},
			"duplicates": out})
	}
	return writeJSON(w, http.StatusCreated, residentView(p, false, s.today()))
}

// GET /api/v1/residents/{id}/timeline
func (s *Server) apiTimeline(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.resident(r, false)
	if err != nil {
		return err
	}
	items, err := s.store.Timeline(r.Context(), residentScope(r), p.ID)
	if err != nil {
		return err
	}
	type item struct {
		Kind       string         `json:"kind"`
		Enrollment *enrollmentOut `json:"enrollment,omitempty"`
		Event      *eventOut      `json:"event,omitempty"`
	}
	out := []item{}
	for _, it := range items {
		if it.Event != nil {
			e := eventView(it.Event)
			out = append(out, item{Kind: "event", Event: &e})
		} else {
			e := enrollmentView(it.Enrollment)
			out = append(out, item{Kind: "enrollment", Enrollment: &e})
		}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"resident": p.ID, "items": out})
}

// serviceIn is an enrollment or event as the API receives it.
type serviceIn struct {
	Programme string         `json:"programme"`
	Stage     string         `json:"stage"`
	Date      string         `json:"date"`
	OrgUnit   string         `json:"orgUnit"` // code of the serving unit; default the user's own unit
	Values    map[string]any `json:"values"`
	SourceID  string         `json:"sourceId"`
	Version   int            `json:"version"`
	Reason    string         `json:"reason"`
}

func (s *Server) serviceDate(v string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return d, weijian.Invalid(weijian.T("日期格式应为 YYYY-MM-DD", "dates are written YYYY-MM-DD"),
			weijian.Issue{Field: "date", Value: weijian.Clip(v), Rule: "format", Msg: weijian.T("格式应为 YYYY-MM-DD", "write YYYY-MM-DD")})
	}
	return d, nil
}

// serviceUnit is the unit named by code, or the user's own unit.
func (s *Server) serviceUnit(r *http.Request, code string) (int64, error) {
	if code == "" {
		u, err := s.homeUnit(r)
		if err != nil {
			return 0, err
		}
		return u.ID, nil
	}
	u, err := s.store.OrgUnit(r.Context(), recordScope(r), code)
	if err != nil {
		return 0, err
	}
	return u.ID, nil
}

// POST /api/v1/residents/{id}/enrollments
func (s *Server) apiEnroll(w http.ResponseWriter, r *http.Request) error {
	var in serviceIn
	if err := readJSON(r, &in); err != nil {
		return err
	}
	e, err := s.enrollment(r, in)
	if err != nil {
		return err
	}
	if err := s.store.Enroll(r.Context(), recordScope(r), s.actor(r), e); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, enrollmentView(e))
}

// serviceBase reads what an enrollment and an event share: the person of
// the path, the date and the serving unit.
func (s *Server) serviceBase(r *http.Request, in serviceIn) (int64, time.Time, int64, error) {
	id, err := recordID(r)
	if err != nil {
		return 0, time.Time{}, 0, err
	}
	d, err := s.serviceDate(in.Date)
	if err != nil {
		return 0, d, 0, err
	}
	unit, err := s.serviceUnit(r, in.OrgUnit)
	return id, d, unit, err
}

func (s *Server) enrollment(r *http.Request, in serviceIn) (*weijian.Enrollment, error) {
	id, d, unit, err := s.serviceBase(r, in)
	if err != nil {
		return nil, err
	}
	return &weijian.Enrollment{PersonID: id, Programme: in.Programme, EnrolledOn: d, OrgUnitID: unit, Values: in.Values, SourceID: in.SourceID}, nil
}

func (s *Server) event(r *http.Request, in serviceIn) (*weijian.Event, error) {
	id, d, unit, err := s.serviceBase(r, in)
	if err != nil {
		return nil, err
	}
	return &weijian.Event{PersonID: id, Programme: in.Programme, Stage: in.Stage, Date: d, OrgUnitID: unit,
		Values: in.Values, SourceID: in.SourceID}, nil
}

// POST /api/v1/residents/{id}/events: 201, or 409 when the source id was
// already stored.
func (s *Server) apiRecordEvent(w http.ResponseWriter, r *http.Request) error {
	var in serviceIn
	if err := readJSON(r, &in); err != nil {
		return err
	}
	e, err := s.event(r, in)
	if err != nil {
		return err
	}
	if err := s.store.RecordEvent(r.Context(), recordScope(r), s.actor(r), e); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, eventView(e))
}

// PUT /api/v1/events/{id}: date and values, with the stored version.
func (s *Server) apiEditEvent(w http.ResponseWriter, r *http.Request) error {
	var in serviceIn
	if err := readJSON(r, &in); err != nil {
		return err
	}
	id, err := recordID(r)
	if err != nil {
		return err
	}
	d, err := s.serviceDate(in.Date)
	if err != nil {
		return err
	}
	e := &weijian.Event{ID: id, Date: d, Values: in.Values, Version: in.Version}
	if err := s.store.EditEvent(r.Context(), recordScope(r), s.actor(r), e); err != nil {
		return err
	}
	saved, err := s.store.Event(r.Context(), recordScope(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, eventView(saved))
}

// POST /api/v1/events/{id}/void {"reason": "…"}
func (s *Server) apiVoidEvent(w http.ResponseWriter, r *http.Request) error {
	var in serviceIn
	if err := readJSON(r, &in); err != nil {
		return err
	}
	id, err := recordID(r)
	if err != nil {
		return err
	}
	if err := s.store.VoidEvent(r.Context(), recordScope(r), s.actor(r), id, in.Reason); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"id": id, "voided": true})
}

// GET /api/v1/events/{id}/history
func (s *Server) apiEventHistory(w http.ResponseWriter, r *http.Request) error {
	id, err := recordID(r)
	if err != nil {
		return err
	}
	h, err := s.store.EventHistory(r.Context(), residentScope(r), id)
	if err != nil {
		return err
	}
	type version struct {
		Version   int            `json:"version"`
		Date      string         `json:"date"`
		Values    map[string]any `json:"values"`
		Action    string         `json:"action"`
		Reason    string         `json:"reason,omitempty"`
		ChangedBy string         `json:"changedBy"`
		ChangedAt time.Time      `json:"changedAt"`
	}
	out := make([]version, len(h))
	for i, v := range h {
		out[i] = version{v.Version, formatDate(v.Date), v.Values, v.Action, v.Reason, v.ChangedBy, v.ChangedAt}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"event": id, "versions": out})
}

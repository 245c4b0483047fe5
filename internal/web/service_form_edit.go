package web

import (
	"fmt"
	"net/http"

	"github.com/weijian-health/weijian"
)

// editEventForm shows a stored event in its form, to edit or void.
func (s *Server) editEventForm(w http.ResponseWriter, r *http.Request) error {
	return s.showEditForm(w, r, nil, nil, http.StatusOK)
}

func (s *Server) showEditForm(w http.ResponseWriter, r *http.Request, values map[string]any, fail error, status int) error {
	if !currentUser(r).Can(weijian.PermRecordServices) {
		return errForbidden
	}
	id, err := recordID(r)
	if err != nil {
		return err
	}
	e, err := s.store.Event(r.Context(), recordScope(r), id)
	if err != nil {
		return err
	}
	x, err := s.store.Person(r.Context(), recordScope(r), e.PersonID)
	if err != nil {
		return err
	}
	p, form, _, err := s.formTarget(e.Programme, e.Stage)
	if err != nil {
		return err
	}
	lang := info(r).lang
	st, _ := p.Stage(e.Stage)
	page := &serviceForm{basePage: s.base(r, "residents", p.Name.In(lang)), R: residentView(x, false, s.today()),
		Programme: e.Programme, ProgName: p.Name.In(lang), Stage: e.Stage, StageName: st.Name.In(lang),
		Action: fmt.Sprintf("/events/%d/edit", id), Date: formatDate(e.Date), EventID: id, Version: e.Version,
		CanVoid: !e.Voided, VoidAction: fmt.Sprintf("/events/%d/void", id)}
	if values == nil {
		values = e.Values
	} else {
		page.Date = r.PostForm.Get("date")
	}
	byField := map[string]string{}
	if fail != nil {
		fe, ferr := formErrorOf(fail, lang)
		if ferr != nil {
			return ferr
		}
		page.Error = fe
		for _, is := range weijian.ErrorIssues(fail) {
			if is.Field == "date" || is.Field == "event_date" {
				page.DateError = is.Msg.In(lang)
			}
			byField[is.Field] = is.Msg.In(lang)
		}
	}
	page.Sections = formOf(form, values, byField, lang)
	return s.render(w, r, status, "service_form", page)
}

// saveEvent stores an edited event (the earlier version stays in its
// history).
func (s *Server) saveEvent(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return weijian.Invalid(weijian.T("表单无效", "invalid form"))
	}
	id, err := recordID(r)
	if err != nil {
		return err
	}
	e, err := s.store.Event(r.Context(), recordScope(r), id)
	if err != nil {
		return err
	}
	_, form, _, err := s.formTarget(e.Programme, e.Stage)
	if err != nil {
		return err
	}
	values := postedValues(form, r.PostForm)
	d, err := s.serviceDate(r.PostForm.Get("date"))
	if err == nil {
		e.Date, e.Values, e.Version = d, values, atoiDefault(r.PostForm.Get("version"), 0)
		err = s.store.EditEvent(r.Context(), recordScope(r), s.actor(r), e)
	}
	switch weijian.ErrorKind(err) {
	case weijian.KindInvalid, weijian.KindConflict:
		return s.showEditForm(w, r, values, err, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/residents/%d?ok=saved", e.PersonID))
}

// voidEvent voids an event with the reason given.
func (s *Server) voidEvent(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return weijian.Invalid(weijian.T("表单无效", "invalid form"))
	}
	id, err := recordID(r)
	if err != nil {
		return err
	}
	e, err := s.store.Event(r.Context(), recordScope(r), id)
	if err != nil {
		return err
	}
	if err := s.store.VoidEvent(r.Context(), recordScope(r), s.actor(r), id, r.PostForm.Get("reason")); err != nil {
		if weijian.ErrorKind(err) == weijian.KindInvalid {
			return s.showEditForm(w, r, e.Values, err, http.StatusUnprocessableEntity)
		}
		return err
	}
	return redirect(w, r, fmt.Sprintf("/residents/%d?ok=saved", e.PersonID))
}

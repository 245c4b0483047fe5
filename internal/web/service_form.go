package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/programme"
)

// serviceForm is an enrollment or event form generated from a
// programme's metadata, with each validation message at its field.
type serviceForm struct {
	basePage
	R          residentOut
	Programme  string
	ProgName   string
	Stage      string
	StageName  string
	Action     string
	Date       string
	DateError  string
	Sections   []formSection
	Error      formError
	EventID    int64
	Version    int
	CanVoid    bool
	VoidAction string
}

type formSection struct {
	Label  string
	Fields []formField
}

type formField struct {
	Code, Label, Type, Unit, Help string
	Required, Multiple            bool
	Value                         string
	Checked                       bool
	Options                       []option
	Min, Max                      string
	Error                         string
}

// formOf lays out a metadata form with the values given (raw strings as
// posted, or stored values) and the issues by field.
func formOf(f *programme.Form, values map[string]any, issues map[string]string, lang string) []formSection {
	var out []formSection
	for _, s := range f.Sections {
		sec := formSection{Label: s.Label.In(lang)}
		for _, fd := range s.Fields {
			ff := formField{Code: fd.Code, Label: fd.Label.In(lang), Type: string(fd.Type), Unit: fd.Unit, Help: fd.Help.In(lang),
				Required: fd.Required, Multiple: fd.Multiple, Error: issues[fd.Code]}
			if fd.Min != nil {
				ff.Min = strconv.FormatFloat(*fd.Min, 'f', -1, 64)
			}
			if fd.Max != nil {
				ff.Max = strconv.FormatFloat(*fd.Max, 'f', -1, 64)
			}
			chosen := map[string]bool{}
			switch v := values[fd.Code].(type) {
			case nil:
			case []string:
				for _, c := range v {
					chosen[c] = true
				}
			case []any:
				for _, c := range v {
					chosen[fmt.Sprint(c)] = true
				}
			case bool:
				// Value says the field was answered (the template selects
				// yes or no only then).
				ff.Value, ff.Checked = strconv.FormatBool(v), v
			default:
				ff.Value = fmt.Sprint(v)
				chosen[ff.Value] = true
				ff.Checked = ff.Value == "true" || ff.Value == "1"
			}
			if fd.OptionSet != nil {
				for _, o := range fd.OptionSet.Options {
					ff.Options = append(ff.Options, option{Value: o.Code, Label: o.Label.In(lang), Selected: chosen[o.Code]})
				}
			}
			sec.Fields = append(sec.Fields, ff)
		}
		out = append(out, sec)
	}
	return out
}

// postedValues reads a form's fields from the request as the metadata
// parser accepts them: text for single values, lists for multiple choice,
// "true"/"false" for yes/no.
func postedValues(f *programme.Form, form url.Values) map[string]any {
	out := map[string]any{}
	for _, fd := range f.Fields() {
		switch {
		case fd.Type == programme.Bool:
			if form.Has(fd.Code) {
				out[fd.Code] = form.Get(fd.Code) == "true"
			}
		case fd.Multiple:
			if vs := form[fd.Code]; len(vs) > 0 {
				out[fd.Code] = vs
			}
		default:
			if v := strings.TrimSpace(form.Get(fd.Code)); v != "" {
				out[fd.Code] = v
			}
		}
	}
	return out
}

// formTarget finds the programme and stage a form is for ("" stage: the
// enrollment form).
func (s *Server) formTarget(prog, stage string) (*programme.Programme, *programme.Form, string, error) {
	if s.programmes == nil {
		return nil, nil, "", weijian.NotFound(weijian.T("项目", "programme"))
	}
	p, ok := s.programmes.Programme(prog)
	if !ok {
		return nil, nil, "", weijian.NotFound(weijian.T("项目 "+prog, "programme "+prog))
	}
	if stage == "" {
		return p, &p.Enrollment, "", nil
	}
	st, ok := p.Stage(stage)
	if !ok {
		return nil, nil, "", weijian.NotFound(weijian.T("服务 "+stage, "stage "+stage))
	}
	return p, &st.Form, st.Name.ZH, nil
}

// recordForm shows the form of ?programme=&stage= for the resident.
func (s *Server) recordForm(w http.ResponseWriter, r *http.Request) error {
	return s.showRecordForm(w, r, nil, nil, http.StatusOK)
}

func (s *Server) showRecordForm(w http.ResponseWriter, r *http.Request, values map[string]any, fail error, status int) error {
	if !currentUser(r).Can(weijian.PermRecordServices) {
		return errForbidden
	}
	x, _, err := s.resident(r, false)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if r.Method == http.MethodPost {
		q = r.PostForm
	}
	prog, stage := q.Get("programme"), q.Get("stage")
	p, form, _, err := s.formTarget(prog, stage)
	if err != nil {
		return err
	}
	lang := info(r).lang
	page := &serviceForm{basePage: s.base(r, "residents", p.Name.In(lang)), R: residentView(x, false, s.today()),
		Programme: prog, ProgName: p.Name.In(lang), Stage: stage, Action: fmt.Sprintf("/residents/%d/record", x.ID),
		Date: q.Get("date")}
	if page.Date == "" {
		page.Date = formatDate(s.today())
	}
	page.StageName = s.msg(r, "resident.enrolled")
	if stage != "" {
		st, _ := p.Stage(stage)
		page.StageName = st.Name.In(lang)
	}
	byField := map[string]string{}
	if fail != nil {
		fe, ferr := formErrorOf(fail, lang)
		if ferr != nil {
			return ferr
		}
		page.Error = fe
		for _, is := range weijian.ErrorIssues(fail) {
			if is.Field == "date" || is.Field == "event_date" || is.Field == "enrollment_date" {
				page.DateError = is.Msg.In(lang)
				continue
			}
			byField[is.Field] = is.Msg.In(lang)
		}
	}
	page.Sections = formOf(form, values, byField, lang)
	return s.render(w, r, status, "service_form", page)
}

// recordService saves a posted enrollment or event form: to the person
// page when it is stored, back to the form with the messages otherwise.
func (s *Server) recordService(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return weijian.Invalid(weijian.T("表单无效", "invalid form"))
	}
	prog, stage := r.PostForm.Get("programme"), r.PostForm.Get("stage")
	_, form, _, err := s.formTarget(prog, stage)
	if err != nil {
		return err
	}
	values := postedValues(form, r.PostForm)
	in := serviceIn{Programme: prog, Stage: stage, Date: r.PostForm.Get("date"), Values: values}
	if stage == "" {
		e, err := s.enrollment(r, in)
		if err == nil {
			err = s.store.Enroll(r.Context(), recordScope(r), s.actor(r), e)
		}
		if err != nil {
			return s.formFailed(w, r, values, err)
		}
	} else {
		e, err := s.event(r, in)
		if err == nil {
			err = s.store.RecordEvent(r.Context(), recordScope(r), s.actor(r), e)
		}
		if err != nil {
			return s.formFailed(w, r, values, err)
		}
	}
	id, _ := recordID(r)
	return redirect(w, r, fmt.Sprintf("/residents/%d?ok=saved", id))
}

// formFailed shows the form again for a user error, or passes an
// internal error on.
func (s *Server) formFailed(w http.ResponseWriter, r *http.Request, values map[string]any, err error) error {
	switch weijian.ErrorKind(err) {
	case weijian.KindInvalid, weijian.KindConflict:
		return s.showRecordForm(w, r, values, err, http.StatusUnprocessableEntity)
	}
	return err
}

var _ = time.Now

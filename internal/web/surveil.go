package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/surveil"
	"github.com/weijian-health/weijian/internal/tabular"
)

// Notifiable-disease surveillance pages (传染病报告卡, 预警信号). Who may do
// what: cards are read and entered by users who report cases (hospitals)
// or manage surveillance (the county CDC), within their scopes — a card
// is visible when the patient's address or the reporting facility lies in
// the scope; verification, withdrawal and signals are the CDC's.

var errNoSurveil = weijian.NotFound(weijian.T("传染病监测模块（未启用）", "surveillance (not enabled)"))

// surveilUser serves h to a user holding one of perms, when surveillance
// is enabled.
func (s *Server) surveilUser(h handlerFunc, perms ...weijian.Permission) http.Handler {
	return s.serve(s.withUser(func(w http.ResponseWriter, r *http.Request) error {
		if s.sv == nil {
			return errNoSurveil
		}
		u := currentUser(r)
		for _, p := range perms {
			if u.Can(p) {
				return h(w, r)
			}
		}
		return errForbidden
	}))
}

func (s *Server) cardReader(h handlerFunc) http.Handler {
	return s.surveilUser(h, weijian.PermSurveillance, weijian.PermReportCases)
}

func (s *Server) cdcOnly(h handlerFunc) http.Handler {
	return s.surveilUser(h, weijian.PermSurveillance)
}

// cardScope is where the user may read and write cards.
func cardScope(r *http.Request) weijian.Scope {
	u := currentUser(r)
	a, b := u.ScopeFor(weijian.PermSurveillance), u.ScopeFor(weijian.PermReportCases)
	if a.All() || b.All() {
		return weijian.ScopeAll()
	}
	return weijian.ScopeOf(append(append([]string(nil), a.Paths()...), b.Paths()...)...)
}

func signalScope(r *http.Request) weijian.Scope {
	return currentUser(r).ScopeFor(weijian.PermSurveillance)
}

// unitNames resolves unit codes to names for one request.
type unitNames struct {
	s     *Server
	ctx   context.Context
	cache map[string]string
}

func (s *Server) unitNames(ctx context.Context) *unitNames {
	return &unitNames{s: s, ctx: ctx, cache: map[string]string{}}
}

func (n *unitNames) name(code string) string {
	if v, ok := n.cache[code]; ok {
		return v
	}
	v := code
	if u, err := n.s.store.OrgUnit(n.ctx, weijian.ScopeAll(), code); err == nil {
		v = u.Name
	}
	n.cache[code] = v
	return v
}

// diseaseOptions lists the catalogue for a <select>.
func (s *Server) diseaseOptions(lang, selected string, withSources bool) []option {
	cat := s.sv.Catalogue()
	out := make([]option, 0, len(cat.Diseases))
	for _, d := range cat.Diseases {
		out = append(out, option{d.Code, d.ClassName().In(lang) + " · " + weijian.T(d.Name, d.EN).In(lang), d.Code == selected})
	}
	if withSources {
		for _, src := range cat.Syndromic {
			out = append(out, option{src.Code, weijian.T("症状监测 · "+src.Name, "Syndromic · "+src.EN).In(lang), src.Code == selected})
		}
	}
	return out
}

func (s *Server) itemName(r *http.Request, code string) string {
	return s.sv.ItemName(code).In(info(r).lang)
}

func (s *Server) subtypeName(r *http.Request, disease, sub string) string {
	if d := s.sv.Catalogue().Disease(disease); d != nil {
		if st := d.Subtype(sub); st != nil {
			return weijian.T(st.Name, st.EN).In(info(r).lang)
		}
	}
	return sub
}

// parseDay reads a yyyy-mm-dd query value; "" gives the zero date.
func parseDay(v, field string) (period.Date, error) {
	if strings.TrimSpace(v) == "" {
		return period.Date{}, nil
	}
	d, err := period.ParseDate(strings.TrimSpace(v))
	if err != nil {
		return d, weijian.Invalid(weijian.T(field+" 不是有效日期（yyyy-mm-dd）", field+" is not a date (yyyy-mm-dd)"),
			weijian.Issue{Field: field, Value: weijian.Clip(v), Rule: "date", Msg: weijian.T("日期格式应为 yyyy-mm-dd", "write the date as yyyy-mm-dd")})
	}
	return d, nil
}

func today(now time.Time) period.Date { return period.DateOf(now.In(chinaTime)) }

// caseFilter is the filter of the card list, as the query gives it.
type caseFilter struct {
	Disease, Status, From, To, Q string
	Unverified, Duplicates       bool
	Diseases                     []option
}

func (s *Server) readCaseFilter(r *http.Request) (caseFilter, surveil.ReportFilter, error) {
	q := r.URL.Query()
	cf := caseFilter{Disease: q.Get("disease"), Status: q.Get("status"), From: q.Get("from"), To: q.Get("to"), Q: q.Get("q"),
		Unverified: q.Get("unverified") == "1", Duplicates: q.Get("duplicates") == "1"}
	cf.Diseases = s.diseaseOptions(info(r).lang, cf.Disease, false)
	f := surveil.ReportFilter{Disease: cf.Disease, Status: cf.Status, Query: cf.Q, Unverified: cf.Unverified, Duplicates: cf.Duplicates}
	var err error
	if f.From, err = parseDay(cf.From, "from"); err != nil {
		return cf, f, err
	}
	if f.To, err = parseDay(cf.To, "to"); err != nil {
		return cf, f, err
	}
	return cf, f, nil
}

// caseRow is a card in a list, with its names resolved.
type caseRow struct {
	*surveil.CaseReport
	DiseaseName, SubtypeName, AddressName, FacilityName, IDMasked string
	Timely, VerifyTimely                                          bool
}

func (s *Server) caseRows(r *http.Request, cards []*surveil.CaseReport) []caseRow {
	n := s.unitNames(r.Context())
	out := make([]caseRow, len(cards))
	for i, c := range cards {
		out[i] = caseRow{CaseReport: c, DiseaseName: s.itemName(r, c.Disease), SubtypeName: s.subtypeName(r, c.Disease, c.Subtype),
			AddressName: n.name(c.AddressCode), FacilityName: n.name(c.FacilityCode), IDMasked: maskID(c.IDNumber),
			Timely: c.ReportTimely(s.sv.Catalogue()), VerifyTimely: c.VerifyTimely(s.sv.Catalogue())}
	}
	return out
}

// maskID shows the first 6 and last 4 characters of an ID number.
func maskID(id string) string {
	if len(id) < 10 {
		return id
	}
	return id[:6] + strings.Repeat("*", len(id)-10) + id[len(id)-4:]
}

type casesPage struct {
	basePage
	Filter     caseFilter
	Rows       []caseRow
	Pager      pager
	Export     exportLinks
	CanManage  bool
	Facilities []option // the user's facilities, for the zero report
	Today      string
}

const casePageSize = 50

func (s *Server) casesPage(w http.ResponseWriter, r *http.Request) error {
	cf, f, err := s.readCaseFilter(r)
	if err != nil {
		return err
	}
	page := max(1, atoiDefault(r.URL.Query().Get("page"), 1))
	f.Limit, f.Offset = casePageSize, (page-1)*casePageSize
	cards, total, err := s.sv.Store().ListReports(r.Context(), cardScope(r), f)
	if err != nil {
		return err
	}
	p := &casesPage{basePage: s.base(r, "sv.cases", s.msg(r, "sv.cases")), Filter: cf, Rows: s.caseRows(r, cards),
		Pager: newPager(r.URL, total, page, casePageSize), Export: exportQuery("/surveillance/cases/export", r.URL.Query()),
		CanManage: currentUser(r).Can(weijian.PermSurveillance), Today: today(s.now()).String()}
	p.Facilities = s.userFacilities(r)
	return s.render(w, r, http.StatusOK, "sv_cases", p)
}

// userFacilities are the facilities the user reports for (a grant at a facility).
func (s *Server) userFacilities(r *http.Request) []option {
	var out []option
	for _, g := range currentUser(r).Grants {
		if g.OrgUnitCode == "" {
			continue
		}
		if u, err := s.store.OrgUnit(r.Context(), weijian.ScopeAll(), g.OrgUnitCode); err == nil && u.IsFacility() {
			out = append(out, option{u.Code, u.Name, len(out) == 0})
		}
	}
	return out
}

func (s *Server) exportCases(w http.ResponseWriter, r *http.Request) error {
	_, f, err := s.readCaseFilter(r)
	if err != nil {
		return err
	}
	t := table{Sheet: s.msg(r, "sv.cases"), Header: strings.Split(s.msg(r, "sv.caseExportHeader"), ",")}
	for off := 0; ; off += exportPageSize {
		f.Limit, f.Offset = exportPageSize, off
		cards, total, err := s.sv.Store().ListReports(r.Context(), cardScope(r), f)
		if err != nil {
			return err
		}
		for _, c := range s.caseRows(r, cards) {
			t.Rows = append(t.Rows, []any{c.ID, c.CardID, c.DiseaseName, c.SubtypeName, c.CaseClass, c.PatientName, c.IDMasked,
				sexName(c.Sex, info(r).lang), c.BirthDate.String(), c.Occupation, c.AddressCode, c.AddressName, c.AddressDetail, c.FacilityName,
				c.OnsetDate.String(), fmtTime(c.DiagnosedAt), fmtTime(c.ReportedAt), fmtTime(c.VerifiedAt), yesNo(r, c.Timely),
				s.msg(r, "sv.status."+c.Status), c.DuplicateOf})
		}
		if off+exportPageSize >= total {
			break
		}
	}
	return s.export(w, r, s.msg(r, "sv.cases"), t)
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(chinaTime).Format("2006-01-02 15:04")
}

func yesNo(r *http.Request, b bool) string {
	if b {
		return msgIn(info(r).lang, "是", "yes")
	}
	return msgIn(info(r).lang, "否", "no")
}

// msgIn picks the Chinese or English form.
func msgIn(lang, zh, en string) string { return weijian.T(zh, en).In(lang) }

type casePage struct {
	basePage
	Card      caseRow
	History   []surveil.HistoryEntry
	CanManage bool
	Limit     int
	Error     formError
	Resident  *cardResident // the linked resident, when the user may see it
}

func (s *Server) casePage(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errCardID
	}
	c, h, err := s.cardWithHistory(r, id)
	if err != nil {
		return err
	}
	p := &casePage{basePage: s.base(r, "sv.cases", s.msg(r, "sv.card")+" #"+strconv.FormatInt(id, 10)), Card: s.caseRows(r, []*surveil.CaseReport{c})[0],
		History: h, CanManage: currentUser(r).Can(weijian.PermSurveillance), Resident: s.linkedResident(r, c)}
	if d := s.sv.Catalogue().Disease(c.Disease); d != nil {
		p.Limit = d.Limit(c.Subtype)
	}
	return s.render(w, r, http.StatusOK, "sv_case", p)
}

// cardWithHistory reads a card the user may see and its versions.
func (s *Server) cardWithHistory(r *http.Request, id int64) (*surveil.CaseReport, []surveil.HistoryEntry, error) {
	c, err := s.sv.Store().Report(r.Context(), cardScope(r), id)
	if err != nil {
		return nil, nil, err
	}
	h, err := s.sv.Store().ReportHistory(r.Context(), cardScope(r), id)
	return c, h, err
}

// apiPage reads ?limit= (1–1000, default 100) and ?offset=.
func apiPage(r *http.Request) (int, int) {
	q := r.URL.Query()
	return min(max(atoiDefault(q.Get("limit"), 100), 1), 1000), max(atoiDefault(q.Get("offset"), 0), 0)
}

var errCardID = weijian.NotFound(weijian.T("传染病报告卡", "case report"))

// caseAction runs verify or withdraw from the card page.
func (s *Server) caseAction(action string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			return errCardID
		}
		u := currentUser(r)
		sc := u.ScopeFor(weijian.PermSurveillance)
		switch action {
		case "verify":
			err = s.sv.Store().VerifyReport(r.Context(), sc, id, u.Username)
		case "withdraw":
			err = s.sv.Store().WithdrawReport(r.Context(), sc, id, u.Username, strings.TrimSpace(r.FormValue("reason")))
		}
		if err != nil {
			return err
		}
		return redirect(w, r, "/surveillance/cases/"+strconv.FormatInt(id, 10)+"?ok=saved")
	}
}

// zeroReport records a facility's zero report for today.
func (s *Server) zeroReport(w http.ResponseWriter, r *http.Request) error {
	code := r.FormValue("facility")
	u, err := s.store.OrgUnit(r.Context(), cardScope(r), code)
	if err != nil || !u.IsFacility() {
		return weijian.Invalid(weijian.T("请选择本单位", "choose your facility"))
	}
	if err := s.sv.Store().ZeroReport(r.Context(), u.ID, code[:6], today(s.now()), currentUser(r).Username); err != nil {
		return err
	}
	return redirect(w, r, "/surveillance/cases?ok=saved")
}

// caseForm is the card form's values, as typed.
type caseForm struct {
	ID, Version                                                              int64
	Disease, Subtype, CaseClass, AcuteChronic, PatientName, ParentName       string
	IDNumber, Sex, BirthDate, Occupation, Belongs, WorkUnit, Phone           string
	AddressCode, AddressDetail, FacilityCode, Doctor, OnsetDate, DiagnosedAt string
	DeathDate, Remark, Reason                                                string
}

type caseFormPage struct {
	basePage
	Form        caseForm
	Diseases    []option
	Subtypes    []option
	Classes     []string
	Occupations []string
	Belongs     []string
	Facilities  []option
	Error       formError
	Edit        bool
}

func (s *Server) caseFormPage(r *http.Request, f caseForm, ferr formError) *caseFormPage {
	p := &caseFormPage{basePage: s.base(r, "sv.cases", s.msg(r, "sv.newCard")), Form: f, Diseases: s.diseaseOptions(info(r).lang, f.Disease, false),
		Classes: surveil.CaseClasses, Occupations: surveil.Occupations, Belongs: surveil.Belongs, Facilities: s.userFacilities(r), Error: ferr, Edit: f.ID != 0}
	for _, d := range s.sv.Catalogue().Diseases {
		for _, st := range d.Subtypes {
			p.Subtypes = append(p.Subtypes, option{d.Code + ":" + st.Code, d.Name + " · " + st.Name, f.Disease+":"+f.Subtype == d.Code+":"+st.Code})
		}
	}
	if p.Edit {
		p.Title = s.msg(r, "sv.correctCard") + " #" + strconv.FormatInt(f.ID, 10)
	}
	return p
}

func (s *Server) newCaseForm(w http.ResponseWriter, r *http.Request) error {
	f := caseForm{Sex: "1", CaseClass: "确诊病例", Belongs: "本县区", DiagnosedAt: s.now().In(chinaTime).Format("2006-01-02T15:04")}
	if fs := s.userFacilities(r); len(fs) > 0 {
		f.FacilityCode = fs[0].Value
	}
	return s.render(w, r, http.StatusOK, "sv_case_form", s.caseFormPage(r, f, formError{}))
}

func (s *Server) editCaseForm(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errCardID
	}
	c, err := s.sv.Store().Report(r.Context(), cardScope(r), id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "sv_case_form", s.caseFormPage(r, caseFormOf(c), formError{}))
}

func caseFormOf(c *surveil.CaseReport) caseForm {
	return caseForm{ID: c.ID, Version: int64(c.Version), Disease: c.Disease, Subtype: c.Subtype, CaseClass: c.CaseClass,
		AcuteChronic: c.AcuteChronic, PatientName: c.PatientName, ParentName: c.ParentName, IDNumber: c.IDNumber,
		Sex: strconv.Itoa(c.Sex), BirthDate: c.BirthDate.String(), Occupation: c.Occupation, Belongs: c.Belongs, WorkUnit: c.WorkUnit,
		Phone: c.Phone, AddressCode: c.AddressCode, AddressDetail: c.AddressDetail, FacilityCode: c.FacilityCode, Doctor: c.Doctor,
		OnsetDate: c.OnsetDate.String(), DiagnosedAt: c.DiagnosedAt.In(chinaTime).Format("2006-01-02T15:04"),
		DeathDate: dateStr(c.DeathDate), Remark: c.Remark}
}

func dateStr(d period.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func readCaseForm(r *http.Request) caseForm {
	v := func(k string) string { return strings.TrimSpace(r.FormValue(k)) }
	f := caseForm{Disease: v("disease"), CaseClass: v("caseClass"), AcuteChronic: v("acuteChronic"), PatientName: v("patientName"),
		ParentName: v("parentName"), IDNumber: strings.ToUpper(v("idNumber")), Sex: v("sex"), BirthDate: v("birthDate"),
		Occupation: v("occupation"), Belongs: v("belongs"), WorkUnit: v("workUnit"), Phone: v("phone"), AddressCode: v("addressCode"),
		AddressDetail: v("addressDetail"), FacilityCode: v("facilityCode"), Doctor: v("doctor"), OnsetDate: v("onsetDate"),
		DiagnosedAt: v("diagnosedAt"), DeathDate: v("deathDate"), Remark: v("remark"), Reason: v("reason")}
	if d, sub, ok := strings.Cut(v("subtype"), ":"); ok && d == f.Disease {
		f.Subtype = sub
	} else if !strings.Contains(v("subtype"), ":") {
		f.Subtype = v("subtype")
	}
	f.ID, _ = strconv.ParseInt(v("id"), 10, 64)
	f.Version, _ = strconv.ParseInt(v("version"), 10, 64)
	return f
}

// card turns the form into a card; unparsable dates are issues.
func (f caseForm) card() (*surveil.CaseReport, []weijian.Issue) {
	var issues []weijian.Issue
	date := func(field, v string) period.Date {
		if v == "" {
			return period.Date{}
		}
		d, err := period.ParseDate(v)
		if err != nil {
			issues = append(issues, weijian.Issue{Field: field, Value: weijian.Clip(v), Rule: "date", Msg: weijian.T("日期格式应为 yyyy-mm-dd", "write the date as yyyy-mm-dd")})
		}
		return d
	}
	c := &surveil.CaseReport{ID: f.ID, Version: int(f.Version), Disease: f.Disease, Subtype: f.Subtype, CaseClass: f.CaseClass,
		AcuteChronic: f.AcuteChronic, PatientName: f.PatientName, ParentName: f.ParentName, IDNumber: f.IDNumber,
		Occupation: f.Occupation, Belongs: f.Belongs, WorkUnit: f.WorkUnit, Phone: f.Phone, AddressCode: f.AddressCode,
		AddressDetail: f.AddressDetail, FacilityCode: f.FacilityCode, Doctor: f.Doctor, Remark: f.Remark,
		BirthDate: date("birthDate", f.BirthDate), OnsetDate: date("onsetDate", f.OnsetDate), DeathDate: date("deathDate", f.DeathDate)}
	c.Sex, _ = strconv.Atoi(f.Sex)
	if f.DiagnosedAt != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", f.DiagnosedAt, chinaTime)
		if err != nil {
			t, err = time.ParseInLocation("2006-01-02 15:04", f.DiagnosedAt, chinaTime)
		}
		if err != nil {
			issues = append(issues, weijian.Issue{Field: "diagnosedAt", Value: weijian.Clip(f.DiagnosedAt), Rule: "time",
				Msg: weijian.T("诊断时间格式应为 yyyy-mm-dd hh:mm", "write the diagnosis time as yyyy-mm-dd hh:mm")})
		}
		c.DiagnosedAt = t
	}
	return c, issues
}

// submitCase stores a new card from the form (or a correction, with an id).
func (s *Server) submitCase(w http.ResponseWriter, r *http.Request) error {
	f := readCaseForm(r)
	c, issues := f.card()
	u := currentUser(r)
	var err error
	if len(issues) > 0 {
		err = weijian.Invalid(weijian.T("报告卡填写有误", "the report has errors"), issues...)
	} else if f.ID != 0 {
		_, err = s.sv.Correct(r.Context(), cardScope(r), c, u.Username, f.Reason)
	} else {
		_, _, err = s.sv.Submit(r.Context(), cardScope(r), c, u.Username)
	}
	if weijian.ErrorKind(err) == weijian.KindInvalid || weijian.ErrorKind(err) == weijian.KindConflict {
		return s.render(w, r, http.StatusBadRequest, "sv_case_form", s.caseFormPage(r, f, s.formError(r, err)))
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/surveillance/cases/"+strconv.FormatInt(c.ID, 10)+"?ok=saved")
}

// formError renders an error's message and issues for a form.
func (s *Server) formError(r *http.Request, err error) formError {
	lang := info(r).lang
	fe := formError{Message: weijian.ErrorMessage(err, lang)}
	for _, is := range weijian.ErrorIssues(err) {
		fe.Issues = append(fe.Issues, s.fieldLabel(r, is.Field)+"："+is.Msg.In(lang)+valueNote(is.Value))
	}
	return fe
}

func valueNote(v string) string {
	if v == "" {
		return ""
	}
	return "（" + v + "）"
}

func (s *Server) fieldLabel(r *http.Request, field string) string {
	if field == "" {
		return ""
	}
	if m := s.msg(r, "sv.f."+field); !strings.HasPrefix(m, "⟦") {
		return m
	}
	return field
}

type caseImportPage struct {
	basePage
	Result *surveil.ImportResult
	Error  formError
	Issues []weijian.Issue
}

func (s *Server) caseImportForm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, "sv_import", &caseImportPage{basePage: s.base(r, "sv.import", s.msg(r, "sv.import"))})
}

// importCases takes an uploaded national export (or a file in its
// layout), all or nothing.
func (s *Server) importCases(w http.ResponseWriter, r *http.Request) error {
	p := &caseImportPage{basePage: s.base(r, "sv.import", s.msg(r, "sv.import"))}
	r.Body = http.MaxBytesReader(w, r.Body, tabular.MaxBytes)
	file, hdr, err := r.FormFile("file")
	if err != nil {
		p.Error = formError{Message: s.msg(r, "sv.importNoFile")}
		return s.render(w, r, http.StatusBadRequest, "sv_import", p)
	}
	defer file.Close()
	t, err := tabular.Read(hdr.Filename, file)
	if err == nil {
		p.Result, err = s.sv.Import(r.Context(), cardScope(r), t, currentUser(r).Username, r.FormValue("dry") == "1", nil)
	}
	if err != nil {
		if weijian.ErrorKind(err) == weijian.KindInternal {
			return err
		}
		p.Error = s.formError(r, err)
		p.Error.Issues = nil
		p.Issues = weijian.ErrorIssues(err)
		return s.render(w, r, http.StatusBadRequest, "sv_import", p)
	}
	return s.render(w, r, http.StatusOK, "sv_import", p)
}

func queryWith(q url.Values, k, v string) url.Values {
	c := cloneValues(q)
	c.Set(k, v)
	return c
}

var _ = fmt.Sprint

// addressOptions lists villages whose name, pinyin initials or code match
// the typed address, anywhere in the tree (a hospital reports patients
// from every village; village names are not personal data).
func (s *Server) addressOptions(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("addressCode"))
	var units []*weijian.OrgUnit
	if q != "" {
		var err error
		units, _, err = s.store.SearchOrgUnits(r.Context(), weijian.ScopeAll(), weijian.OrgUnitFilter{Query: q, Level: weijian.LevelVillage, Limit: 20})
		if err != nil {
			return err
		}
	}
	return s.renderFragment(w, r, "unit_options", units)
}

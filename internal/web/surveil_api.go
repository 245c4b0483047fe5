package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/surveil"
)

// surveillanceHome sends the CDC to the signals inbox and reporters to
// their cards.
func (s *Server) surveillanceHome(w http.ResponseWriter, r *http.Request) error {
	if currentUser(r).Can(weijian.PermSurveillance) {
		return redirect(w, r, "/surveillance/signals")
	}
	return redirect(w, r, "/surveillance/cases")
}

// apiCase is a card as the API returns it: the ID number is masked unless
// the caller manages surveillance.
type apiCase struct {
	ID             int64      `json:"id"`
	County         string     `json:"county"`
	CardID         string     `json:"cardId,omitempty"`
	CardNo         string     `json:"cardNo,omitempty"`
	Disease        string     `json:"disease"`
	DiseaseName    string     `json:"diseaseName"`
	Subtype        string     `json:"subtype,omitempty"`
	CaseClass      string     `json:"caseClass"`
	AcuteChronic   string     `json:"acuteChronic,omitempty"`
	PatientName    string     `json:"patientName"`
	ParentName     string     `json:"parentName,omitempty"`
	IDNumber       string     `json:"idNumber,omitempty"`
	Sex            int        `json:"sex"`
	BirthDate      string     `json:"birthDate,omitempty"`
	AgeText        string     `json:"ageText,omitempty"`
	Occupation     string     `json:"occupation"`
	Belongs        string     `json:"belongs,omitempty"`
	WorkUnit       string     `json:"workUnit,omitempty"`
	Phone          string     `json:"phone,omitempty"`
	AddressCode    string     `json:"addressCode"`
	AddressDetail  string     `json:"addressDetail,omitempty"`
	FacilityCode   string     `json:"facilityCode"`
	Doctor         string     `json:"doctor,omitempty"`
	OnsetDate      string     `json:"onsetDate"`
	DiagnosedAt    time.Time  `json:"diagnosedAt"`
	DeathDate      string     `json:"deathDate,omitempty"`
	ReportedAt     time.Time  `json:"reportedAt"`
	Remark         string     `json:"remark,omitempty"`
	Status         string     `json:"status"`
	Version        int        `json:"version"`
	VerifiedAt     *time.Time `json:"verifiedAt,omitempty"`
	VerifiedBy     string     `json:"verifiedBy,omitempty"`
	DuplicateOf    int64      `json:"duplicateOf,omitempty"`
	PersonID       int64      `json:"personId,omitempty"`
	WithdrawReason string     `json:"withdrawReason,omitempty"`
	ReportTimely   bool       `json:"reportTimely"`
}

func (s *Server) apiCaseOf(r *http.Request, c *surveil.CaseReport) apiCase {
	a := apiCase{ID: c.ID, County: c.CountyCode, CardID: c.CardID, CardNo: c.CardNo, Disease: c.Disease, DiseaseName: s.itemName(r, c.Disease),
		Subtype: c.Subtype, CaseClass: c.CaseClass, AcuteChronic: c.AcuteChronic, PatientName: c.PatientName, ParentName: c.ParentName,
		IDNumber: maskID(c.IDNumber), Sex: c.Sex, BirthDate: dateStr(c.BirthDate), AgeText: c.AgeText, Occupation: c.Occupation,
		Belongs: c.Belongs, WorkUnit: c.WorkUnit, Phone: c.Phone, AddressCode: c.AddressCode, AddressDetail: c.AddressDetail,
		FacilityCode: c.FacilityCode, Doctor: c.Doctor, OnsetDate: dateStr(c.OnsetDate), DiagnosedAt: c.DiagnosedAt.UTC(),
		DeathDate: dateStr(c.DeathDate), ReportedAt: c.ReportedAt.UTC(), Remark: c.Remark, Status: c.Status, Version: c.Version,
		VerifiedBy: c.VerifiedBy, DuplicateOf: c.DuplicateOf, WithdrawReason: c.WithdrawReason, ReportTimely: c.ReportTimely(s.sv.Catalogue())}
	if currentUser(r).Can(weijian.PermSurveillance) {
		a.IDNumber = c.IDNumber
	}
	if currentUser(r).Can(weijian.PermViewResidents) {
		a.PersonID = c.PersonID
	}
	if !c.VerifiedAt.IsZero() {
		t := c.VerifiedAt.UTC()
		a.VerifiedAt = &t
	}
	return a
}

// apiCaseInput is the body of a new card or a correction.
type apiCaseInput struct {
	Disease       string    `json:"disease"`
	Subtype       string    `json:"subtype"`
	CaseClass     string    `json:"caseClass"`
	AcuteChronic  string    `json:"acuteChronic"`
	PatientName   string    `json:"patientName"`
	ParentName    string    `json:"parentName"`
	IDNumber      string    `json:"idNumber"`
	Sex           int       `json:"sex"`
	BirthDate     string    `json:"birthDate"`
	Occupation    string    `json:"occupation"`
	Belongs       string    `json:"belongs"`
	WorkUnit      string    `json:"workUnit"`
	Phone         string    `json:"phone"`
	AddressCode   string    `json:"addressCode"`
	AddressDetail string    `json:"addressDetail"`
	FacilityCode  string    `json:"facilityCode"`
	Doctor        string    `json:"doctor"`
	OnsetDate     string    `json:"onsetDate"`
	DiagnosedAt   time.Time `json:"diagnosedAt"`
	DeathDate     string    `json:"deathDate"`
	Remark        string    `json:"remark"`
	Version       int       `json:"version"` // corrections: the version corrected
	Reason        string    `json:"reason"`  // corrections: why
}

func (in apiCaseInput) card() (*surveil.CaseReport, error) {
	f := caseForm{Disease: in.Disease, Subtype: in.Subtype, CaseClass: in.CaseClass, AcuteChronic: in.AcuteChronic, PatientName: in.PatientName,
		ParentName: in.ParentName, IDNumber: in.IDNumber, Sex: strconv.Itoa(in.Sex), BirthDate: in.BirthDate, Occupation: in.Occupation,
		Belongs: in.Belongs, WorkUnit: in.WorkUnit, Phone: in.Phone, AddressCode: in.AddressCode, AddressDetail: in.AddressDetail,
		FacilityCode: in.FacilityCode, Doctor: in.Doctor, OnsetDate: in.OnsetDate, DeathDate: in.DeathDate, Remark: in.Remark,
		Version: int64(in.Version)}
	c, issues := f.card()
	c.DiagnosedAt = in.DiagnosedAt
	if len(issues) > 0 {
		return nil, weijian.Invalid(weijian.T("报告卡填写有误", "the report has errors"), issues...)
	}
	return c, nil
}

func (s *Server) apiDiseases(w http.ResponseWriter, r *http.Request) error {
	cat := s.sv.Catalogue()
	return writeJSON(w, http.StatusOK, map[string]any{"diseases": cat.Diseases, "syndromic": cat.Syndromic})
}

func (s *Server) apiCases(w http.ResponseWriter, r *http.Request) error {
	_, f, err := s.readCaseFilter(r)
	if err != nil {
		return err
	}
	f.Limit, f.Offset = apiPage(r)
	cards, total, err := s.sv.Store().ListReports(r.Context(), cardScope(r), f)
	if err != nil {
		return err
	}
	return writePage(w, "cases", total, cards, func(c *surveil.CaseReport) apiCase { return s.apiCaseOf(r, c) })
}

func (s *Server) apiCreateCase(w http.ResponseWriter, r *http.Request) error {
	var in apiCaseInput
	if err := readJSON(r, &in); err != nil {
		return err
	}
	c, err := in.card()
	if err != nil {
		return err
	}
	c, sigs, err := s.sv.Submit(r.Context(), cardScope(r), c, currentUser(r).Username)
	if err != nil {
		return err
	}
	ids := make([]int64, len(sigs))
	for i, g := range sigs {
		ids[i] = g.ID
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"case": s.apiCaseOf(r, c), "signals": ids})
}

func cardID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, errCardID
	}
	return id, nil
}

func (s *Server) apiCase(w http.ResponseWriter, r *http.Request) error {
	id, err := cardID(r)
	if err != nil {
		return err
	}
	c, h, err := s.cardWithHistory(r, id)
	if err != nil {
		return err
	}
	type ver struct {
		Version int       `json:"version"`
		Action  string    `json:"action"`
		At      time.Time `json:"at"`
		Actor   string    `json:"actor"`
		Reason  string    `json:"reason,omitempty"`
	}
	hist := make([]ver, len(h))
	for i, e := range h {
		hist[i] = ver{e.Version, e.Action, e.At.UTC(), e.Actor, e.Reason}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"case": s.apiCaseOf(r, c), "history": hist})
}

func (s *Server) apiCorrectCase(w http.ResponseWriter, r *http.Request) error {
	id, err := cardID(r)
	if err != nil {
		return err
	}
	var in apiCaseInput
	if err := readJSON(r, &in); err != nil {
		return err
	}
	c, err := in.card()
	if err != nil {
		return err
	}
	c.ID = id
	if _, err := s.sv.Correct(r.Context(), cardScope(r), c, currentUser(r).Username, in.Reason); err != nil {
		return err
	}
	got, err := s.sv.Store().Report(r.Context(), cardScope(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.apiCaseOf(r, got))
}

func (s *Server) apiWithdrawCase(w http.ResponseWriter, r *http.Request) error {
	id, err := cardID(r)
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := readJSON(r, &in); err != nil {
		return err
	}
	if err := s.sv.Store().WithdrawReport(r.Context(), signalScope(r), id, currentUser(r).Username, in.Reason); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiVerifyCase(w http.ResponseWriter, r *http.Request) error {
	id, err := cardID(r)
	if err != nil {
		return err
	}
	if err := s.sv.Store().VerifyReport(r.Context(), signalScope(r), id, currentUser(r).Username); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// apiSignal is a signal as the API returns it.
type apiSignal struct {
	ID                int64      `json:"id"`
	County            string     `json:"county"`
	Item              string     `json:"item"`
	ItemName          string     `json:"itemName"`
	AreaCode          string     `json:"areaCode"`
	AreaName          string     `json:"areaName"`
	Method            string     `json:"method"`
	Params            string     `json:"params"`
	Fixed             bool       `json:"fixed"`
	WindowFrom        string     `json:"windowFrom"`
	WindowTo          string     `json:"windowTo"`
	Observed          float64    `json:"observed"`
	Expected          float64    `json:"expected"`
	Threshold         float64    `json:"threshold"`
	Merged            int        `json:"merged"`
	Status            string     `json:"status"`
	CreatedAt         time.Time  `json:"createdAt"`
	RespondedAt       *time.Time `json:"respondedAt,omitempty"`
	RespondedBy       string     `json:"respondedBy,omitempty"`
	ResponseMinutes   *float64   `json:"responseMinutes,omitempty"`
	RespondedInTime   bool       `json:"respondedInTime"`
	Result            string     `json:"result,omitempty"`
	ResponseLimitHour int        `json:"responseLimitHours"`
}

func (s *Server) apiSignalOf(r *http.Request, g *surveil.Signal) apiSignal {
	a := apiSignal{ID: g.ID, County: g.CountyCode, Item: g.Item, ItemName: s.itemName(r, g.Item), AreaCode: g.AreaCode, AreaName: g.AreaName,
		Method: g.Method, Params: g.Params, Fixed: g.Fixed, WindowFrom: g.WindowFrom.String(), WindowTo: g.WindowTo.String(),
		Observed: g.Observed, Expected: g.Expected, Threshold: g.Threshold, Merged: g.Merged, Status: g.Status, CreatedAt: g.CreatedAt.UTC(),
		RespondedBy: g.RespondedBy, RespondedInTime: g.RespondedInTime(), Result: g.Result, ResponseLimitHour: int(g.ResponseLimit().Hours())}
	if !g.RespondedAt.IsZero() {
		t, m := g.RespondedAt.UTC(), g.ResponseTime().Minutes()
		a.RespondedAt, a.ResponseMinutes = &t, &m
	}
	return a
}

func (s *Server) apiSignals(w http.ResponseWriter, r *http.Request) error {
	_, f, err := s.readSignalFilter(r)
	if err != nil {
		return err
	}
	f.Limit, f.Offset = apiPage(r)
	list, total, err := s.sv.Store().Signals(r.Context(), signalScope(r), f)
	if err != nil {
		return err
	}
	return writePage(w, "signals", total, list, func(g *surveil.Signal) apiSignal { return s.apiSignalOf(r, g) })
}

func (s *Server) apiSignal(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errSignalID
	}
	g, err := s.sv.Store().Signal(r.Context(), signalScope(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.apiSignalOf(r, g))
}

func (s *Server) apiSignalAction(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errSignalID
	}
	var in struct {
		Action string `json:"action"`
		Note   string `json:"note"`
	}
	if err := readJSON(r, &in); err != nil {
		return err
	}
	g, err := s.sv.Store().ApplySignal(r.Context(), signalScope(r), id, in.Action, currentUser(r).Username, in.Note)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.apiSignalOf(r, g))
}

var _ = period.Date{}

// writePage writes one page of a list as {"total": n, key: [...]}, each
// item in its API type.
func writePage[T, A any](w http.ResponseWriter, key string, total int, items []T, api func(T) A) error {
	out := make([]A, len(items))
	for i, x := range items {
		out[i] = api(x)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"total": total, key: out})
}

package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"mime"
	"net/http"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/ingest"
	"github.com/weijian-health/weijian/internal/tabular"
)

// maxResidentUpload bounds an uploaded resident or event file.
const maxResidentUpload = 100 << 20

// residentImportPage is the import page and, after a POST, its report.
type residentImportPage struct {
	basePage
	Kind      string
	ValidOnly bool
	Done      bool
	Report    weijian.ResidentImportReport
	Issues    []weijian.Issue
	Error     formError
	IssueJSON string // the issues, posted back to download them as XLSX
}

func (s *Server) residentImportForm(w http.ResponseWriter, r *http.Request) error {
	if !currentUser(r).Can(weijian.PermRecordServices) {
		return errForbidden
	}
	return s.render(w, r, http.StatusOK, "resident_import", &residentImportPage{basePage: s.base(r, "residents",
		s.msg(r, "import.title")), Kind: "persons"})
}

// residentImport imports an uploaded CSV, XLSX or JSON file of residents
// or services in one transaction and shows the row report.
func (s *Server) residentImport(w http.ResponseWriter, r *http.Request) error {
	if !currentUser(r).Can(weijian.PermRecordServices) {
		return errForbidden
	}
	lang := info(r).lang
	// Limit the body before anything reads it (FormValue would parse it all).
	r.Body = http.MaxBytesReader(w, r.Body, maxResidentUpload)
	p := &residentImportPage{basePage: s.base(r, "residents", s.msg(r, "import.title"))}
	err := r.ParseMultipartForm(8 << 20)
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return weijian.Invalid(weijian.T("文件超过100MB，请拆分后分批导入", "the file is larger than 100 MB: split it and import the parts"))
	}
	if err != nil {
		return weijian.Invalid(weijian.T("请选择要导入的文件", "choose a file to import"))
	}
	p.Kind, p.ValidOnly = r.FormValue("kind"), r.FormValue("valid_only") == "1"
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return weijian.Invalid(weijian.T("请选择要导入的文件", "choose a file to import"))
	}
	defer f.Close()
	rep, err := s.importResidentTable(r, p.Kind, hdr.Filename, f, p.ValidOnly)
	if err != nil {
		fe, ferr := formErrorOf(err, lang)
		if ferr != nil {
			return ferr
		}
		p.Error = fe
		p.Issues = weijian.ErrorIssues(err)
	} else {
		p.Done, p.Report, p.Issues = true, rep, rep.Issues
	}
	if len(p.Issues) > 0 {
		b, _ := json.Marshal(p.Issues)
		p.IssueJSON = string(b)
	}
	return s.render(w, r, http.StatusOK, "resident_import", p)
}

func (s *Server) importResidentTable(r *http.Request, kind, name string, f interface{ Read([]byte) (int, error) }, validOnly bool) (weijian.ResidentImportReport, error) {
	var rep weijian.ResidentImportReport
	tb, err := ingest.ReadAny(name, f)
	if err != nil {
		return rep, weijian.Wrap(weijian.KindInvalid, weijian.T("无法读取文件（应为 CSV、XLSX 或 JSON，且文件完整）："+name,
			"cannot read the file (CSV, XLSX or JSON, and complete): "+name), err)
	}
	opt := weijian.ResidentImportOptions{ValidOnly: validOnly}
	switch kind {
	case "persons":
		rows, err := ingest.Persons(tb)
		if err != nil {
			return rep, err
		}
		return s.store.ImportPersons(r.Context(), recordScope(r), s.actor(r), rows, opt)
	case "enrollments":
		rows, err := ingest.Enrollments(tb)
		if err != nil {
			return rep, err
		}
		return s.store.ImportEnrollments(r.Context(), recordScope(r), s.actor(r), rows, opt)
	case "events":
		rows, err := ingest.Events(tb)
		if err != nil {
			return rep, err
		}
		return s.store.ImportEvents(r.Context(), recordScope(r), s.actor(r), rows, opt)
	}
	return rep, weijian.Invalid(weijian.T("导入类型应为居民或服务记录", "import residents or services"))
}

// residentImportReport turns the posted issues of a report back into an
// XLSX download (the report is not kept on the server).
func (s *Server) residentImportReport(w http.ResponseWriter, r *http.Request) error {
	if !currentUser(r).Can(weijian.PermRecordServices) {
		return errForbidden
	}
	var issues []weijian.Issue
	if err := json.Unmarshal([]byte(r.FormValue("issues")), &issues); err != nil {
		return weijian.Invalid(weijian.T("报告无效", "invalid report"))
	}
	lang := info(r).lang
	rows := make([][]any, len(issues))
	for i, is := range issues {
		rows[i] = []any{is.Row, is.Field, is.Value, is.Rule, is.Msg.In(lang)}
	}
	var b bytes.Buffer
	header := []string{s.msg(r, "import.row"), s.msg(r, "import.field"), s.msg(r, "import.value"), s.msg(r, "import.rule"), s.msg(r, "import.message")}
	if err := tabular.WriteXLSX(&b, sheetName(s.msg(r, "import.report")), header, rows); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "import-report.xlsx"}))
	_, err := w.Write(b.Bytes())
	return err
}

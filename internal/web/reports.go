package web

import (
	"bytes"
	"html/template"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/report"
)

// Reports writes work summaries (工作总结) from live data: the templates
// and, for a caller's scope, the sources of their figures (the analytics
// service, surveillance and data-set completeness). cmd/weijian wires it.
type Reports struct {
	Templates []*report.Template
	Sources   func(sc weijian.Scope) report.Sources
}

// reportPage is the report page: the form and, once asked, the preview.
type reportPage struct {
	basePage
	Templates []option
	Units     []option
	Period    string
	AsOf      string
	Error     formError
	Doc       *report.Document
	Preview   template.HTML // the report's HTML, escaped by report.Document.HTML
	Downloads []option      // Value: the URL, Label: the format
}

// reportQuery is what a report is asked for.
type reportQuery struct {
	tpl  *report.Template
	unit *weijian.OrgUnit
	pe   string
	asOf string
}

func (s *Server) canReport(r *http.Request) bool {
	u := currentUser(r)
	return s.reports != nil && u != nil && u.Can(weijian.PermViewAnalytics)
}

// GET /reports
func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request) error {
	if !s.canReport(r) {
		return errForbidden
	}
	q := r.URL.Query()
	p := reportPage{basePage: s.base(r, "summary", s.msg(r, "report.title")), Period: q.Get("pe"), AsOf: q.Get("asOf")}
	if p.Period == "" {
		p.Period = period.Format(period.Of(period.HalfYear, period.DateOf(s.now().In(chinaTime))).Prev())
	}
	if err := s.reportChoices(r, &p); err != nil {
		return err
	}
	if q.Get("tpl") != "" {
		doc, rq, err := s.reportDoc(r)
		if err != nil {
			if weijian.ErrorKind(err) != weijian.KindInvalid && weijian.ErrorKind(err) != weijian.KindNotFound {
				return err
			}
			p.Error = formError{Message: weijian.ErrorMessage(err, info(r).lang)}
			return s.render(w, r, http.StatusUnprocessableEntity, "reports", p)
		}
		p.Doc, p.Preview = doc, template.HTML(doc.HTML())
		for _, f := range report.Formats {
			if f != "html" {
				p.Downloads = append(p.Downloads, option{Value: reportURL("/reports/download", rq, f), Label: strings.ToUpper(f)})
			}
		}
	}
	return s.render(w, r, http.StatusOK, "reports", p)
}

// reportChoices fills the template and unit lists, the request's choice
// selected (the user's home unit and its children are offered).
func (s *Server) reportChoices(r *http.Request, p *reportPage) error {
	q := r.URL.Query()
	for i, t := range s.reports.Templates {
		sel := q.Get("tpl") == t.Name || (q.Get("tpl") == "" && i == 0)
		p.Templates = append(p.Templates, option{Value: t.Name, Label: t.Title, Selected: sel})
	}
	home, err := s.homeUnit(r)
	if err != nil {
		return err
	}
	kids, err := s.store.Children(r.Context(), unitScope(r), home.Code)
	if err != nil {
		return err
	}
	for _, u := range append([]*weijian.OrgUnit{home}, kids...) {
		if u.IsFacility() {
			continue
		}
		p.Units = append(p.Units, option{Value: u.Code, Label: u.Name, Selected: q.Get("ou") == u.Code})
	}
	return nil
}

// reportQueryOf reads and checks the template, unit and period asked for.
func (s *Server) reportQueryOf(r *http.Request) (reportQuery, error) {
	q := r.URL.Query()
	var rq reportQuery
	if rq.tpl = report.Find(s.reports.Templates, q.Get("tpl")); rq.tpl == nil {
		return rq, weijian.NotFound(weijian.T("报告模板 "+weijian.Clip(q.Get("tpl")), "report template "+weijian.Clip(q.Get("tpl"))))
	}
	code := q.Get("ou")
	if code == "" {
		home, err := s.homeUnit(r)
		if err != nil {
			return rq, err
		}
		code = home.Code
	}
	u, err := s.store.OrgUnit(r.Context(), unitScope(r), code)
	if err != nil {
		return rq, err
	}
	if !dataScope(r).Covers(u.Path) {
		return rq, weijian.NotFound(weijian.T("机构 "+code, "org unit "+code))
	}
	rq.unit, rq.pe, rq.asOf = u, strings.TrimSpace(q.Get("pe")), strings.TrimSpace(q.Get("asOf"))
	if rq.pe == "" {
		return rq, weijian.Invalid(weijian.T("请填写期间，如 2024H1", "give a period, such as 2024H1"))
	}
	return rq, nil
}

// reportDoc renders the report the request asks for, within the user's
// scope.
func (s *Server) reportDoc(r *http.Request) (*report.Document, reportQuery, error) {
	rq, err := s.reportQueryOf(r)
	if err != nil {
		return nil, rq, err
	}
	doc, err := rq.tpl.Render(r.Context(), s.reports.Sources(dataScope(r)), report.Params{OrgUnit: rq.unit.Code, OUName: rq.unit.Name,
		Period: rq.pe, AsOf: rq.asOf, Today: period.DateOf(s.now().In(chinaTime))})
	return doc, rq, err
}

func reportURL(path string, rq reportQuery, format string) string {
	v := url.Values{"tpl": {rq.tpl.Name}, "ou": {rq.unit.Code}, "pe": {rq.pe}}
	if rq.asOf != "" {
		v.Set("asOf", rq.asOf)
	}
	if format != "" {
		v.Set("format", format)
	}
	return path + "?" + v.Encode()
}

// reportTypes are the content types of the downloads.
var reportTypes = map[string]string{
	"md":   "text/markdown; charset=utf-8",
	"html": "text/html; charset=utf-8",
	"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

// GET /reports/download?tpl=&ou=&pe=&format=docx|xlsx|md|html
func (s *Server) reportDownload(w http.ResponseWriter, r *http.Request) error {
	if !s.canReport(r) {
		return errForbidden
	}
	format := r.URL.Query().Get("format")
	ctype, ok := reportTypes[format]
	if !ok {
		return weijian.Invalid(weijian.T("下载格式应为 docx、xlsx、md 或 html", "the format is docx, xlsx, md or html"))
	}
	doc, _, err := s.reportDoc(r)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := doc.Write(&b, format); err != nil {
		return err
	}
	name := doc.Title
	if format == "xlsx" {
		name += "（附表）"
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": sanitizeFilename(name) + "." + format}))
	h.Set("Cache-Control", "no-store")
	_, err = w.Write(b.Bytes())
	return err
}

// sanitizeFilename keeps a download name free of path and control
// characters.
func sanitizeFilename(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, s)
	if s == "" {
		return "report"
	}
	return s
}

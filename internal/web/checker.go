package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/report/check"
)

// checkerPage is the report checker: a form to paste or upload a report,
// and, after a check, the text with its findings marked in place.
type checkerPage struct {
	basePage
	Text       string // the text as decoded, for the textarea
	Error      formError
	Checked    bool
	FileName   string
	Encoding   string
	Sev        string // the severity the list shows ("" for all)
	SevOptions []option
	Segments   []checkSeg
	Findings   []checkRow
	Shown      int // findings shown after the filter
	Figures    int
	Errors     int
	Warnings   int
	Notes      int
	Live       bool
	MaxMB      int
}

// checkSeg is a run of the text, marked when findings cover it.
type checkSeg struct {
	Text  string
	Sev   string // highest severity of the findings covering it; "" for none
	Title string // their messages, for the tooltip
	ID    string // anchor of the first finding starting here
	Href  string // the row of that finding in the list
	// Figure says what the checker made of the figure the run is part
	// of ("比率 · %：已核对 1401/1462 = 95.8276%"); "" outside figures.
	Figure string
}

// checkRow is one finding in the list.
type checkRow struct {
	N        int
	Sev      string
	SevLabel string
	Line     int
	Column   int
	Rule     string
	Quote    string
	Message  string
	Fix      string
}

// checkerFor holds the report checker, built on first use: loading the
// OpenCC dictionaries takes a moment that a server start need not pay.
type checkerFor struct {
	once sync.Once
	c    *check.Checker
	err  error
}

func (s *Server) reportChecker() (*check.Checker, error) {
	s.checker.once.Do(func() { s.checker.c, s.checker.err = check.New() })
	return s.checker.c, s.checker.err
}

// GET /check
func (s *Server) checkForm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, "check", s.newCheckerPage(r))
}

func (s *Server) newCheckerPage(r *http.Request) *checkerPage {
	p := &checkerPage{basePage: s.base(r, "check", s.msg(r, "check.title")), MaxMB: check.MaxInput >> 20}
	p.Sev = r.FormValue("sev")
	p.SevOptions = []option{{"", s.msg(r, "check.all"), p.Sev == ""}}
	for _, k := range []string{"error", "warning", "note"} {
		p.SevOptions = append(p.SevOptions, option{k, s.msg(r, "check.sev."+k), p.Sev == k})
	}
	return p
}

// POST /check: check the pasted text or the uploaded file.
func (s *Server) checkReport(w http.ResponseWriter, r *http.Request) error {
	in, name, err := readCheckInput(w, r)
	p := s.newCheckerPage(r)
	if err == nil {
		p.FileName = name
		err = s.runCheck(r, p, in)
	}
	if err != nil {
		return s.renderFormError(w, r, http.StatusBadRequest, "check", p, &p.Error, err)
	}
	return s.render(w, r, http.StatusOK, "check", p)
}

// POST /check/export: the findings of the posted text as XLSX or CSV.
func (s *Server) exportCheck(w http.ResponseWriter, r *http.Request) error {
	in, _, err := readCheckInput(w, r)
	if err != nil {
		return err
	}
	res, err := s.check(r, in)
	if err != nil {
		return err
	}
	lang := info(r).lang
	t := table{Sheet: s.msg(r, "check.sheet"), Header: []string{s.msg(r, "check.col.n"), s.msg(r, "check.col.severity"),
		s.msg(r, "check.col.line"), s.msg(r, "check.col.column"), s.msg(r, "check.col.offset"), s.msg(r, "check.col.rule"),
		s.msg(r, "check.col.quote"), s.msg(r, "check.col.message"), s.msg(r, "check.col.fix")}}
	for i, f := range res.Findings {
		t.Rows = append(t.Rows, []any{i + 1, f.Severity.Label(lang), f.Pos.Line, f.Pos.Column, f.Pos.Offset, f.Rule,
			f.Quote, f.Msg.In(lang), f.Fix.In(lang)})
	}
	return s.export(w, r, "report-check", t)
}

// readCheckInput reads the uploaded file, or else the pasted text, of a
// form of at most check.MaxInput (plus the form's own fields).
func readCheckInput(w http.ResponseWriter, r *http.Request) (*check.Input, string, error) {
	r.Body = http.MaxBytesReader(w, r.Body, check.MaxInput+64<<10)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return nil, "", formTooLarge(err)
		}
		if f, h, err := r.FormFile("file"); err == nil {
			defer f.Close()
			b, err := io.ReadAll(io.LimitReader(f, check.MaxInput+1))
			if err != nil {
				return nil, "", formTooLarge(err)
			}
			in, err := check.Decode(b, h.Filename)
			return in, h.Filename, err
		}
	} else if err := r.ParseForm(); err != nil {
		return nil, "", formTooLarge(err)
	}
	text := r.PostFormValue("text")
	if strings.TrimSpace(text) == "" {
		return nil, "", weijian.Invalid(weijian.T("请粘贴报告文字或上传文件", "paste the text of a report or upload a file"))
	}
	in, err := check.Decode([]byte(text), "")
	return in, "", err
}

func formTooLarge(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return check.TooLarge(-1)
	}
	return weijian.Invalid(weijian.T("无法读取提交的表单："+err.Error(), "cannot read the submitted form: "+err.Error()))
}

// check runs the checker, with the live resolver when there is one.
func (s *Server) check(r *http.Request, in *check.Input) (*check.Result, error) {
	c, err := s.reportChecker()
	if err != nil {
		return nil, err
	}
	return c.Check(r.Context(), in.Text, check.Options{Resolver: s.resolver})
}

func (s *Server) runCheck(r *http.Request, p *checkerPage, in *check.Input) error {
	res, err := s.check(r, in)
	if err != nil {
		return err
	}
	lang := info(r).lang
	p.Checked, p.Text, p.Encoding, p.Live = true, in.Text, in.Encoding, res.Live
	p.Figures = len(res.Figures)
	p.Errors, p.Warnings, p.Notes = res.Count(check.Error), res.Count(check.Warning), res.Count(check.Note)
	for i, f := range res.Findings {
		if p.Sev != "" && f.Severity.String() != p.Sev {
			continue
		}
		p.Findings = append(p.Findings, checkRow{N: i + 1, Sev: f.Severity.String(), SevLabel: f.Severity.Label(lang),
			Line: f.Pos.Line, Column: f.Pos.Column, Rule: f.Rule, Quote: f.Quote, Message: f.Msg.In(lang), Fix: f.Fix.In(lang)})
	}
	p.Shown = len(p.Findings)
	p.Segments = segments(res, lang)
	return nil
}

// segments cuts the text at every start and end of a finding or a
// figure, so that each run is covered by a fixed set of them; a run
// covered by findings is marked with the highest severity and all their
// messages, a run that is only a figure says what the checker made of it.
// Findings and figures come sorted by start; one sweep keeps those
// covering the current run.
func segments(res *check.Result, lang string) []checkSeg {
	rs := []rune(res.Text)
	cuts := map[int]bool{0: true, len(rs): true}
	for _, f := range res.Findings {
		a, b := f.Span()
		cuts[a], cuts[b] = true, true
	}
	for _, f := range res.Figures {
		a, b := f.Span()
		cuts[a], cuts[b] = true, true
	}
	points := make([]int, 0, len(cuts))
	for k := range cuts {
		points = append(points, k)
	}
	slices.Sort(points)
	var out []checkSeg
	var active []int // indexes of the findings covering the run
	next, fig := 0, 0
	for i := 0; i+1 < len(points); i++ {
		a, b := points[i], points[i+1]
		active = slices.DeleteFunc(active, func(n int) bool { _, e := res.Findings[n].Span(); return e <= a })
		for ; next < len(res.Findings); next++ {
			if s, _ := res.Findings[next].Span(); s > a {
				break
			}
			active = append(active, next)
		}
		for fig < len(res.Figures) {
			if _, e := res.Figures[fig].Span(); e > a {
				break
			}
			fig++
		}
		seg := checkSeg{Text: string(rs[a:b])}
		sev := -1
		var titles []string
		for _, n := range active {
			f := res.Findings[n]
			fa, fb := f.Span()
			if fb <= a || fa >= b {
				continue
			}
			sev = max(sev, int(f.Severity))
			titles = append(titles, fmt.Sprintf("%d. %s", n+1, f.Msg.In(lang)))
			if fa == a && seg.ID == "" {
				seg.ID, seg.Href = fmt.Sprintf("m%d", n+1), fmt.Sprintf("#f%d", n+1)
			}
		}
		if fig < len(res.Figures) {
			if fa, _ := res.Figures[fig].Span(); fa <= a {
				seg.Figure = res.Figures[fig].Describe(lang)
			}
		}
		if sev >= 0 {
			seg.Sev, seg.Title = check.Severity(sev).String(), strings.Join(titles, "\n")
		}
		out = append(out, seg)
	}
	return out
}

// checkRequest is the body of POST /api/v1/check.
type checkRequest struct {
	Text string `json:"text"`
}

// POST /api/v1/check: the figures and findings of a report's text, in
// the language of ?lang= (the body is at most 1 MiB of JSON).
func (s *Server) apiCheck(w http.ResponseWriter, r *http.Request) error {
	var req checkRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.Text) == "" {
		return weijian.Invalid(weijian.T("text 为空：没有可核查的文字", "text is empty: there is nothing to check"))
	}
	in, err := check.Decode([]byte(req.Text), "")
	if err != nil {
		return err
	}
	res, err := s.check(r, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res.View(in, info(r).lang))
}

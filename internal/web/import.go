package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/analytics"
	"github.com/weijian-health/weijian/internal/ingest"
	"github.com/weijian-health/weijian/internal/tabular"
)

// importPage is the web import: a form to upload a file, the preview of
// what importing it would do (or every problem in it), and the result.
type importPage struct {
	basePage
	Kinds     []option
	Kind      string
	ValidFrom string
	MaxMB     int
	// After an upload or a confirm:
	File     string
	Hash     string
	Rows     int
	Encoding string
	Summary  *weijian.ImportSummary
	Message  string // the error's message when the file has problems
	Issues   []issueRow
	More     int  // problems not listed
	Done     bool // the import was applied
}

// issueRow is one problem of a file, for the table.
type issueRow struct {
	Row                         int
	Field, Value, Rule, Message string
}

// importKinds are what may be imported, and the permission each needs.
var importKinds = []struct {
	key  string
	perm weijian.Permission
}{{"orgunits", weijian.PermEditOrgUnits}, {"population", weijian.PermEditPopulation}, {"targets", weijian.PermEditTargets}}

// importPerm is the permission an import kind needs; "" for an unknown kind.
func importPerm(kind string) weijian.Permission {
	for _, k := range importKinds {
		if k.key == kind {
			return k.perm
		}
	}
	return ""
}

// newImportPage is the form, offering the kinds the user may import.
func (s *Server) newImportPage(r *http.Request, kind string) (*importPage, error) {
	u := currentUser(r)
	p := &importPage{basePage: s.base(r, "import", s.msg(r, "nav.import")), Kind: kind, MaxMB: uploadMax >> 20}
	for _, k := range importKinds {
		if u.Can(k.perm) {
			p.Kinds = append(p.Kinds, option{k.key, s.msg(r, "import.kind."+k.key), k.key == kind})
		}
	}
	if len(p.Kinds) == 0 {
		return nil, errForbidden
	}
	return p, nil
}

// GET /import
func (s *Server) importForm(w http.ResponseWriter, r *http.Request) error {
	p, err := s.newImportPage(r, r.URL.Query().Get("kind"))
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "import", p)
}

// POST /import/preview: check the uploaded file and show what importing
// it would do, without writing anything.
func (s *Server) importPreview(w http.ResponseWriter, r *http.Request) error {
	st, err := s.readUpload(w, r)
	if weijian.ErrorKind(err) == weijian.KindForbidden {
		return err
	} else if err != nil {
		p, perr := s.newImportPage(r, r.FormValue("kind"))
		if perr != nil {
			return perr
		}
		s.showProblems(r, p, err)
		return s.render(w, r, http.StatusBadRequest, "import", p)
	}
	p, err := s.newImportPage(r, st.kind)
	if err != nil {
		return err
	}
	p.Hash = s.uploads.put(st)
	return s.applyUpload(w, r, p, st, true)
}

// POST /import/confirm: import the previewed file, named by its hash.
func (s *Server) importConfirm(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return weijian.Invalid(weijian.T("表单无效", "bad form"))
	}
	hash, user := r.PostForm.Get("hash"), currentUser(r)
	st, ok := s.uploads.get(user.ID, hash)
	if !ok {
		return weijian.E(weijian.KindNotFound, weijian.T("找不到要导入的文件：预览已过期（超过30分钟）或服务已重启，请重新上传并预览",
			"the file to import is gone: the preview expired (after 30 minutes) or the server restarted; upload it again"))
	}
	p, err := s.newImportPage(r, st.kind)
	if err != nil {
		return err
	}
	p.Hash = hash
	return s.applyUpload(w, r, p, st, false)
}

// applyUpload imports a staged file through the same path as the command
// line (tabular → ingest → the store's one-transaction import), as a dry
// run for the preview. A file with problems is shown with all of them.
func (s *Server) applyUpload(w http.ResponseWriter, r *http.Request, p *importPage, st *staged, dry bool) error {
	p.File, p.Kind = st.name, st.kind
	if !st.validFrom.IsZero() {
		p.ValidFrom = st.validFrom.Format(time.DateOnly)
	}
	user := currentUser(r)
	opt := weijian.ImportOptions{DryRun: dry, ValidFrom: st.validFrom, Actor: user.Username}
	sum, err := s.importTable(r, st, user.ScopeFor(importPerm(st.kind)), opt, p)
	if err != nil {
		if weijian.ErrorKind(err) != weijian.KindInvalid {
			return err
		}
		s.uploads.drop(user.ID, st.hash) // nothing to confirm
		s.showProblems(r, p, err)
		return s.render(w, r, http.StatusUnprocessableEntity, "import", p)
	}
	p.Summary, p.Done = &sum, !dry
	if p.Done {
		s.uploads.drop(user.ID, st.hash)
	}
	return s.render(w, r, http.StatusOK, "import", p)
}

// importTable reads the staged file and imports it with opt.
func (s *Server) importTable(r *http.Request, st *staged, sc weijian.Scope, opt weijian.ImportOptions, p *importPage) (weijian.ImportSummary, error) {
	tb, err := tabular.Read(st.name, bytes.NewReader(st.data))
	if err != nil {
		return weijian.ImportSummary{}, err
	}
	p.Rows, p.Encoding = len(tb.Rows), tb.Encoding
	if st.kind == "orgunits" {
		rows, err := ingest.OrgUnits(tb)
		if err != nil {
			return weijian.ImportSummary{}, err
		}
		return s.store.ImportOrgUnits(r.Context(), sc, rows, opt)
	}
	if st.kind == "targets" {
		return s.importTargets(r, tb, sc, opt)
	}
	rows, err := ingest.Population(tb)
	if err != nil {
		return weijian.ImportSummary{}, err
	}
	return s.store.ImportPopulation(r.Context(), sc, rows, opt)
}

// importTargets imports a file of targets (任务数/目标值) all or nothing,
// the indicators named by code or name; the file's cell problems and
// unknown indicators are listed with the store's.
func (s *Server) importTargets(r *http.Request, tb *tabular.Table, sc weijian.Scope, opt weijian.ImportOptions) (weijian.ImportSummary, error) {
	rows, err := ingest.Targets(tb)
	if opt.Issues, err = ingest.CellIssues(err); err != nil {
		return weijian.ImportSummary{}, err
	}
	if s.analytics != nil {
		opt.Issues = append(opt.Issues, analytics.ResolveIndicators(s.analytics.Eval.Library(), rows)...)
	}
	return s.store.SetTargets(r.Context(), sc, opt.Actor, rows, opt)
}

// readUpload reads the multipart form of the preview: the kind, the date
// new names take effect, and the file (at most uploadMax bytes).
func (s *Server) readUpload(w http.ResponseWriter, r *http.Request) (*staged, error) {
	r.Body = http.MaxBytesReader(w, r.Body, uploadMax+64<<10)
	if err := r.ParseMultipartForm(uploadMax); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, errTooBig
		}
		return nil, weijian.Invalid(weijian.T("上传失败：请选择一个 CSV 或 XLSX 文件", "upload failed: choose a CSV or XLSX file"))
	}
	st := &staged{user: currentUser(r).ID, kind: r.FormValue("kind")}
	perm := importPerm(st.kind)
	if perm == "" {
		return nil, weijian.Invalid(weijian.T("请选择导入的数据类型", "choose what to import"))
	}
	if !currentUser(r).Can(perm) {
		return nil, errForbidden
	}
	if v := strings.TrimSpace(r.FormValue("valid_from")); v != "" && st.kind == "orgunits" {
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return nil, weijian.Invalid(weijian.T("启用日期格式应为 2024-01-31", "the date is written 2024-01-31"),
				weijian.Issue{Field: "valid_from", Value: weijian.Clip(v), Rule: "bad_date", Msg: weijian.T("日期格式应为 2024-01-31", "a date is written 2024-01-31")})
		}
		st.validFrom = t
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return nil, weijian.Invalid(weijian.T("请选择要上传的文件", "choose a file to upload"))
	}
	defer f.Close()
	if hdr.Size > uploadMax {
		return nil, errTooBig
	}
	if st.data, err = io.ReadAll(io.LimitReader(f, uploadMax+1)); err != nil {
		return nil, err
	}
	if len(st.data) > uploadMax {
		return nil, errTooBig
	}
	st.name = hdr.Filename
	return st, nil
}

var errTooBig = weijian.Invalid(weijian.T(
	"文件太大：网页导入最多 20 MB。请把文件按乡镇或年份拆分后分批导入，或使用命令行 weijian import（最多 256 MB）",
	"the file is too large: the web import takes at most 20 MB. Split it by township or year, or use the command line weijian import (up to 256 MB)"))

// showProblems puts an error's message and every issue on the page.
func (s *Server) showProblems(r *http.Request, p *importPage, err error) {
	lang := info(r).lang
	p.Message = weijian.ErrorMessage(err, lang)
	var e *weijian.Error
	if errors.As(err, &e) {
		for _, is := range e.Issues {
			p.Issues = append(p.Issues, issueRow{is.Row, is.Field, is.Value, is.Rule, is.Msg.In(lang)})
		}
	}
}

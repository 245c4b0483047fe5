package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/weijian-health/weijian"
)

// The audit log as people read it: accounts and units by name, roles by
// name, import counts in words; paged by a cursor, exported whole.

// auditPage lists the latest audit-log entries within the admin's scope.
type auditPage struct {
	basePage
	Entries []auditRow
	Older   string // the query of the next (older) page, "" when this is the last
	Q       string
	Action  string
	Actions []string
	Export  exportLinks
}

// auditRow is an entry as shown: Action stays the key (the template names it).
type auditRow struct {
	At                                time.Time
	Actor, Action, Target, Detail, IP string
}

// auditShown is how many entries a page (and an API call) shows at most.
const auditShown = 1000

// auditExportPage is how many entries an export reads per store call; it
// reads them all. A variable so that a test can page with a small log.
var auditExportPage = auditShown

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) error {
	entries, next, err := s.auditEntries(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p := &auditPage{basePage: s.base(r, "audit", s.msg(r, "nav.audit")), Q: q.Get("q"), Action: q.Get("action"),
		Export: exportQuery("/audit/export", q)}
	d := s.describer(r)
	for _, e := range entries {
		p.Entries = append(p.Entries, d.row(e))
	}
	if next != "" {
		older := cloneValues(q)
		older.Set("cursor", next)
		p.Older = "/audit?" + older.Encode()
	}
	if p.Actions, err = s.store.AuditActions(r.Context(), manageScope(r)); err != nil {
		return err
	}
	if p.Action != "" && !slices.Contains(p.Actions, p.Action) {
		p.Actions = append(p.Actions, p.Action) // keep the filter's choice visible
	}
	return s.render(w, r, http.StatusOK, "audit", p)
}

// auditFilter reads ?q= (part of the actor, target, detail or IP),
// ?action=, ?limit= (at most auditShown) and ?cursor=.
func auditFilter(r *http.Request) (weijian.AuditFilter, error) {
	q := r.URL.Query()
	f := weijian.AuditFilter{Query: strings.TrimSpace(q.Get("q")), Action: q.Get("action"), Limit: auditShown}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > auditShown {
			return f, weijian.Invalid(weijian.T("limit 应为1至1000", "limit is 1 to 1000"))
		}
		f.Limit = n
	}
	if v := q.Get("cursor"); v != "" {
		c, err := parseCursor(v)
		if err != nil {
			return f, err
		}
		f.Before = &c
	}
	return f, nil
}

// auditEntries returns a page of entries and the cursor of the next page
// ("" when there is none).
func (s *Server) auditEntries(r *http.Request) ([]weijian.AuditEntry, string, error) {
	f, err := auditFilter(r)
	if err != nil {
		return nil, "", err
	}
	entries, err := s.store.AuditLog(r.Context(), manageScope(r), f)
	if err != nil || len(entries) < f.Limit {
		return entries, "", err
	}
	return entries, formatCursor(entries[len(entries)-1].Cursor()), nil
}

// A cursor in a URL: the entry's time in Unix nanoseconds and its id.
func formatCursor(c weijian.AuditCursor) string {
	return strconv.FormatInt(c.At.UnixNano(), 10) + "-" + strconv.FormatInt(c.ID, 10)
}

func parseCursor(v string) (weijian.AuditCursor, error) {
	at, id, ok := strings.Cut(v, "-")
	ns, err1 := strconv.ParseInt(at, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return weijian.AuditCursor{}, weijian.Invalid(weijian.T("cursor 无效", "cursor is not valid"))
	}
	return weijian.AuditCursor{At: time.Unix(0, ns).UTC(), ID: n}, nil
}

// exportAudit exports every entry matching the filter, reading the log a
// page at a time by cursor (no cap on the number of entries).
func (s *Server) exportAudit(w http.ResponseWriter, r *http.Request) error {
	f, err := auditFilter(r)
	if err != nil {
		return err
	}
	f.Limit, f.Before = auditExportPage, nil
	t := table{Sheet: s.msg(r, "nav.audit"), Header: []string{s.msg(r, "audit.at"), s.msg(r, "audit.actor"),
		s.msg(r, "audit.action"), s.msg(r, "audit.target"), s.msg(r, "audit.detail"), s.msg(r, "audit.ip")}}
	d := s.describer(r)
	for {
		entries, err := s.store.AuditLog(r.Context(), manageScope(r), f)
		if err != nil {
			return err
		}
		for _, e := range entries {
			row := d.row(e)
			t.Rows = append(t.Rows, []any{formatDateTime(row.At), row.Actor, s.msg(r, "action."+row.Action), row.Target, row.Detail, row.IP})
		}
		if len(entries) < f.Limit {
			break
		}
		c := entries[len(entries)-1].Cursor()
		f.Before = &c
	}
	return s.export(w, r, s.msg(r, "export.audit"), t)
}

// GET /api/v1/audit?q=&action=&limit=&cursor= → {items, total, next}
func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) error {
	entries, next, err := s.auditEntries(r)
	if err != nil {
		return err
	}
	out := struct {
		list[weijian.AuditEntry]
		Next string `json:"next,omitempty"`
	}{listOf(entries, len(entries)), next}
	return writeJSON(w, http.StatusOK, out)
}

// describer names the accounts, units and roles of entries, remembering
// what it looked up.
type describer struct {
	s     *Server
	r     *http.Request
	lang  string
	sc    weijian.Scope
	users map[string]string
	units map[string]string
}

func (s *Server) describer(r *http.Request) *describer {
	return &describer{s: s, r: r, lang: info(r).lang, sc: manageScope(r), users: map[string]string{}, units: map[string]string{}}
}

func (d *describer) row(e weijian.AuditEntry) auditRow {
	row := auditRow{At: e.At, Actor: d.person(e.Actor), Action: e.Action, Target: d.person(e.Target), Detail: e.Detail, IP: e.IP}
	if e.UnitPath != "" {
		row.Target = d.unitByPath(e.UnitPath)
	}
	switch e.Action {
	case weijian.ActionUserCreate, weijian.ActionUserGrants:
		row.Detail = d.grants(e.Detail)
	case weijian.ActionOrgUnitImport, weijian.ActionPopulationImport:
		row.Detail = d.counts(e.Detail)
	case weijian.ActionTokenCreate:
		if d.lang != "en" { // "#3 脚本 until 2027-03-07 read-only"
			row.Detail = strings.NewReplacer(" until ", "，有效至 ", " read-only", "，只读").Replace(e.Detail)
		}
	}
	return row
}

// person is "姓名（username）" for an account, the name itself otherwise
// (a name tried at the login form that is no account).
func (d *describer) person(name string) string {
	if name == "" {
		return ""
	}
	if name == weijian.ActorCLI {
		return weijian.T("命令行", "command line").In(d.lang)
	}
	if v, ok := d.users[name]; ok {
		return v
	}
	v := name
	if u, err := d.s.store.UserByName(d.r.Context(), name); err == nil && u.DisplayName != "" && u.DisplayName != name {
		v = d.paren(u.DisplayName, u.Username)
	}
	d.users[name] = v
	return v
}

func (d *describer) paren(a, b string) string {
	if d.lang == "en" {
		return a + " (" + b + ")"
	}
	return a + "（" + b + "）"
}

// grants turns "village_doctor@320685100001,county_admin@" into role
// names with unit names.
func (d *describer) grants(detail string) string {
	if detail == "" {
		return ""
	}
	var parts []string
	for _, g := range strings.Split(detail, ",") {
		role, code, _ := strings.Cut(strings.TrimSpace(g), "@")
		unit := weijian.T("全部", "all").In(d.lang)
		if code != "" {
			unit = d.unitByCode(code)
		}
		parts = append(parts, d.paren(roleName(weijian.Role(role), d.lang), unit))
	}
	return strings.Join(parts, "; ")
}

func (d *describer) unitByCode(code string) string {
	if v, ok := d.units[code]; ok {
		return v
	}
	v := code
	if u, err := d.s.store.OrgUnit(d.r.Context(), d.sc, code); err == nil {
		v = u.Name
	}
	d.units[code] = v
	return v
}

func (d *describer) unitByPath(path string) string {
	if v, ok := d.units[path]; ok {
		return v
	}
	v := path
	if ids := weijian.PathIDs(path); len(ids) > 0 {
		if u, err := d.s.store.OrgUnitByID(d.r.Context(), d.sc, ids[len(ids)-1]); err == nil {
			v = u.Name
		}
	}
	d.units[path] = v
	return v
}

// countWords names the counts of an import's detail.
var countWords = map[string]weijian.Text{
	"rows": weijian.T("行数", "rows"), "inserted": weijian.T("新增", "inserted"), "updated": weijian.T("更新", "updated"),
	"closed": weijian.T("撤销", "closed"), "unchanged": weijian.T("未变", "unchanged"),
}

// counts turns "rows=253 inserted=253 …" into "行数 253，新增 253，…".
func (d *describer) counts(detail string) string {
	var parts []string
	for _, kv := range strings.Fields(detail) {
		k, v, ok := strings.Cut(kv, "=")
		w, known := countWords[k]
		if !ok || !known {
			return detail
		}
		parts = append(parts, fmt.Sprintf("%s %s", w.In(d.lang), v))
	}
	return joinList(parts, d.lang)
}

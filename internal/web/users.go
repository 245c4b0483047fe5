package web

import (
	"net/http"
	"strings"

	"github.com/weijian-health/weijian"
)

// usersPage is the list of accounts an administrator manages.
type usersPage struct {
	basePage
	Users  []userRow
	Q      string
	Role   string
	Active string
	Roles  []option
	Export exportLinks
}

// userRow is one account in the list.
type userRow struct {
	*weijian.User
	Locked bool
}

func (s *Server) users(w http.ResponseWriter, r *http.Request) error {
	rows, err := s.userRows(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p := &usersPage{basePage: s.base(r, "users", s.msg(r, "nav.users")), Users: rows, Q: q.Get("q"),
		Role: q.Get("role"), Active: q.Get("active"), Roles: roleOptions(info(r).lang, q.Get("role")),
		Export: exportQuery("/users/export", q)}
	return s.render(w, r, http.StatusOK, "users", p)
}

func (s *Server) userRows(r *http.Request) ([]userRow, error) {
	us, err := s.store.ListUsers(r.Context(), manageScope(r), userFilterOf(r))
	if err != nil {
		return nil, err
	}
	rows := make([]userRow, len(us))
	for i, u := range us {
		rows[i] = userRow{User: u, Locked: s.locked(r, u)}
	}
	return rows, nil
}

func (s *Server) exportUsers(w http.ResponseWriter, r *http.Request) error {
	rows, err := s.userRows(r)
	if err != nil {
		return err
	}
	lang := info(r).lang
	t := table{Sheet: s.msg(r, "nav.users"), Header: []string{s.msg(r, "user.username"), s.msg(r, "user.displayName"),
		s.msg(r, "user.phone"), s.msg(r, "user.roles"), s.msg(r, "user.status"), s.msg(r, "user.lastLogin"), s.msg(r, "user.created")}}
	for _, u := range rows {
		t.Rows = append(t.Rows, []any{u.Username, u.DisplayName, u.Phone, grantsLabel(u.Grants, lang),
			s.statusLabel(r, u), formatDateTime(u.LastLoginAt), formatDateTime(u.CreatedAt)})
	}
	return s.export(w, r, s.msg(r, "export.users"), t)
}

func (s *Server) statusLabel(r *http.Request, u userRow) string {
	switch {
	case !u.Active:
		return s.msg(r, "user.inactive")
	case u.Locked:
		return s.msg(r, "user.locked")
	}
	return s.msg(r, "user.active")
}

// grantsLabel writes grants as "县卫健委管理员（海安市）; …".
func grantsLabel(gs []weijian.Grant, lang string) string {
	parts := make([]string, len(gs))
	for i, g := range gs {
		unit := g.OrgUnitName
		if unit == "" {
			unit = weijian.T("全部", "all").In(lang)
		}
		if lang == "en" {
			parts[i] = roleName(g.Role, lang) + " (" + unit + ")"
		} else {
			parts[i] = roleName(g.Role, lang) + "（" + unit + "）"
		}
	}
	return strings.Join(parts, "; ")
}

func roleOptions(lang, selected string) []option {
	out := make([]option, len(weijian.Roles))
	for i, ri := range weijian.Roles {
		out[i] = option{string(ri.Role), ri.Name.In(lang), string(ri.Role) == selected}
	}
	return out
}

// passwordPage shows a generated password, once.
type passwordPage struct {
	basePage
	Target   *weijian.User
	Password string
	Created  bool
}

package web

import (
	"net/http"
	"strings"

	"github.com/weijian-health/weijian"
)

// accountPage is the user's own account: roles, scope and password.
type accountPage struct {
	basePage
	Perms      []permRow
	Error      formError
	MustChange bool // the password was set by someone else: change it first
	Tokens     []weijian.APIToken
	NewToken   string // a token just created, shown this once
}

// permRow is a permission the user holds and where.
type permRow struct {
	Label string
	Where string
}

// permOrder lists the permissions shown on the account page.
var permOrder = []weijian.Permission{weijian.PermViewOrgUnits, weijian.PermEditOrgUnits, weijian.PermViewPopulation,
	weijian.PermEditPopulation, weijian.PermManageUsers, weijian.PermViewAnalytics, weijian.PermSurveillance,
	weijian.PermRecordServices, weijian.PermReportCases, weijian.PermEditTargets}

func (s *Server) account(w http.ResponseWriter, r *http.Request) error {
	return s.renderAccount(w, r, http.StatusOK, formError{})
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, fe formError) error {
	return s.renderAccountWith(w, r, status, fe, "")
}

// renderAccountWith shows the account page with an error, or a token just
// created (shown this once).
func (s *Server) renderAccountWith(w http.ResponseWriter, r *http.Request, status int, fe formError, newToken string) error {
	u := currentUser(r)
	p := &accountPage{basePage: s.base(r, "account", s.msg(r, "nav.account")), Error: fe, MustChange: u.MustChangePassword,
		NewToken: newToken}
	var err error
	if p.Tokens, err = s.store.Tokens(r.Context(), u.ID); err != nil {
		return err
	}
	for _, perm := range permOrder {
		sc := u.ScopeFor(perm)
		if sc.Empty() {
			continue
		}
		p.Perms = append(p.Perms, permRow{Label: s.msg(r, "perm."+string(perm)), Where: s.scopeLabel(r, u, perm)})
	}
	return s.render(w, r, status, "account", p)
}

// scopeLabel names the units where the user holds perm.
func (s *Server) scopeLabel(r *http.Request, u *weijian.User, perm weijian.Permission) string {
	if u.ScopeFor(perm).All() {
		return s.msg(r, "scope.all")
	}
	var names []string
	for _, g := range u.Grants {
		if grantsAllow([]weijian.Grant{g}, perm) && g.OrgUnitName != "" {
			names = appendUnique(names, g.OrgUnitName)
		}
	}
	return joinList(names, info(r).lang)
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func joinList(items []string, lang string) string {
	if lang == "en" {
		return strings.Join(items, ", ")
	}
	return strings.Join(items, "、")
}

// changePassword checks the old password, sets the new one and starts a
// fresh session (changing a password ends every session of the user).
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	oldPW, newPW := r.PostFormValue("old"), r.PostFormValue("new")
	var err error
	if newPW != r.PostFormValue("confirm") {
		err = weijian.Invalid(weijian.T("两次输入的新密码不一致", "the new passwords do not match"))
	} else {
		err = s.auth.ChangePassword(r.Context(), u, oldPW, newPW, s.clientIP(r))
	}
	if err != nil {
		fe, err := formErrorOf(err, info(r).lang)
		if err != nil {
			return err
		}
		return s.renderAccount(w, r, http.StatusUnprocessableEntity, fe)
	}
	if _, err := s.logIn(w, r, u.Username, newPW); err != nil {
		return err
	}
	return redirect(w, r, "/account?ok=password")
}

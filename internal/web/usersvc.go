package web

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/auth"
)

// The user management that the admin pages and the API share. Every
// function checks the caller's user-management scope: an administrator
// sees, changes and grants only within it.

// userInput is a new user, from a form or an API call.
type userInput struct {
	Username    string       `json:"username"`
	DisplayName string       `json:"displayName"`
	Phone       string       `json:"phone,omitempty"`
	Grants      []grantInput `json:"grants"`
	Password    string       `json:"password,omitempty"` // empty: generate one
}

// grantInput is a role at a unit (a code, or an exact name); no unit means
// the whole tree, which only an administrator of the whole tree may grant.
type grantInput struct {
	Role    weijian.Role `json:"role"`
	OrgUnit string       `json:"orgUnit,omitempty"`
	name    string       // the unit's name, when known (for display)
}

func manageScope(r *http.Request) weijian.Scope {
	return currentUser(r).ScopeFor(weijian.PermManageUsers)
}

var phoneRE = regexp.MustCompile(`^[0-9+\- ]{0,20}$`)

// checkProfile checks the fields of an account a user can read.
func checkProfile(in userInput, withUsername bool) []weijian.Issue {
	var is []weijian.Issue
	add := func(field, value, rule string, msg weijian.Text) {
		is = append(is, weijian.Issue{Field: field, Value: value, Rule: rule, Msg: msg})
	}
	if withUsername {
		is = append(is, weijian.ErrorIssues(weijian.ValidUsername(in.Username))...)
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(in.DisplayName)); n == 0 || n > 50 {
		add("displayName", in.DisplayName, "bad_display_name", weijian.T("姓名不能为空，且不超过50个字", "a display name has 1–50 characters"))
	}
	if !phoneRE.MatchString(in.Phone) {
		add("phone", in.Phone, "bad_phone", weijian.T("电话只能包含数字、空格、+ 和 -", "a phone number has digits, spaces, + and - only"))
	}
	return is
}

// checkGrants resolves grant inputs to grants within the caller's scope.
func (s *Server) checkGrants(r *http.Request, in []grantInput) ([]weijian.Grant, error) {
	sc := manageScope(r)
	var out []weijian.Grant
	var issues []weijian.Issue
	seen := map[weijian.Grant]bool{}
	for i, g := range in {
		field := fmt.Sprintf("grants[%d]", i)
		grant, msg := s.checkGrant(r, sc, g)
		if msg != nil {
			issues = append(issues, weijian.Issue{Field: field, Value: string(g.Role) + "@" + g.OrgUnit, Rule: "bad_grant", Msg: *msg})
		} else if !seen[grant] {
			seen[grant] = true
			out = append(out, grant)
		}
	}
	if len(in) == 0 {
		issues = append(issues, weijian.Issue{Field: "grants", Rule: "grant_required",
			Msg: weijian.T("至少需要一个角色", "at least one role is required")})
	}
	if len(issues) > 0 {
		return nil, weijian.Invalid(weijian.T("角色设置有误", "the roles are not valid"), issues...)
	}
	return out, nil
}

func (s *Server) checkGrant(r *http.Request, sc weijian.Scope, g grantInput) (weijian.Grant, *weijian.Text) {
	ri, ok := weijian.LookupRole(g.Role)
	if !ok {
		t := weijian.T("未知的角色："+string(g.Role), "unknown role: "+string(g.Role))
		return weijian.Grant{}, &t
	}
	if strings.TrimSpace(g.OrgUnit) == "" {
		if !sc.All() {
			t := weijian.T(ri.Name.ZH+"：请选择所属单位", ri.Name.EN+": choose a unit")
			return weijian.Grant{}, &t
		}
		return weijian.Grant{Role: g.Role}, nil
	}
	u, err := s.resolveUnit(r, sc, strings.TrimSpace(g.OrgUnit))
	if err != nil || !sc.Covers(u.Path) {
		t := weijian.T("单位“"+g.OrgUnit+"”不存在或不在您的管理范围内", "unit "+g.OrgUnit+" does not exist or is outside your scope")
		return weijian.Grant{}, &t
	}
	return weijian.Grant{Role: g.Role, OrgUnitCode: u.Code}, nil
}

// createUser creates an account; it returns the password when it was
// generated (to show once), "" when the caller typed it.
func (s *Server) createUser(r *http.Request, in userInput) (*weijian.User, string, error) {
	in.Username, in.DisplayName, in.Phone = strings.TrimSpace(in.Username), strings.TrimSpace(in.DisplayName), strings.TrimSpace(in.Phone)
	if is := checkProfile(in, true); len(is) > 0 {
		return nil, "", weijian.Invalid(weijian.T("用户信息有误", "the user details are not valid"), is...)
	}
	grants, err := s.checkGrants(r, in.Grants)
	if err != nil {
		return nil, "", err
	}
	// The administrator knows the password, typed or generated: the user
	// must replace it at the first login.
	pw, shown := in.Password, ""
	if pw == "" {
		pw = auth.GeneratePassword()
		shown = pw
	}
	if err := auth.CheckPolicy(pw, in.Username); err != nil {
		return nil, "", err
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return nil, "", err
	}
	u := &weijian.User{Username: in.Username, DisplayName: in.DisplayName, Phone: in.Phone, Active: true,
		PasswordHash: hash, Grants: grants, MustChangePassword: true}
	if err := s.store.CreateUser(r.Context(), u, s.auditEntry(r, weijian.ActionUserCreate, u.Username, grantsText(grants))); err != nil {
		return nil, "", err
	}
	created, err := s.store.UserByID(r.Context(), u.ID)
	return created, shown, err
}

// managedUser returns the user with id when the caller may manage it: all
// its grants lie within the caller's scope. Others are "not found", so
// that an administrator cannot learn about accounts outside its scope.
func (s *Server) managedUser(r *http.Request, id int64) (*weijian.User, error) {
	u, err := s.store.UserByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !canManage(manageScope(r), u) {
		return nil, weijian.NotFound(weijian.T("用户", "user"))
	}
	return u, nil
}

// canManage is the rule by which the store lists the users of an
// administrator (sqlstore's manageableUsers), so that what an
// administrator may read and change is exactly what it may list: users of
// lower standing or narrower scope. With a restricted scope: a user with
// at least one grant, every grant on a unit inside the scope (a grant over
// the whole tree, or at a unit outside, puts the user beyond it). In any
// scope: every grant that manages users lies strictly inside the scope,
// so that an administrator manages neither a peer nor itself.
// TestCanManageIsTheStoreRule holds the two together.
func canManage(sc weijian.Scope, u *weijian.User) bool {
	for _, g := range u.Grants {
		if !sc.All() && (g.OrgUnitPath == "" || !sc.Covers(g.OrgUnitPath)) {
			return false
		}
		if grantsAllow([]weijian.Grant{g}, weijian.PermManageUsers) && !strictlyInside(sc, g.OrgUnitPath) {
			return false
		}
	}
	return sc.All() || len(u.Grants) > 0
}

// strictlyInside reports whether the unit at path lies inside the scope
// and is not one of its roots; "" (the whole tree) never is.
func strictlyInside(sc weijian.Scope, path string) bool {
	if path == "" {
		return false
	}
	if sc.All() {
		return true
	}
	for _, p := range sc.Paths() {
		if strings.HasPrefix(path, p) && path != p {
			return true
		}
	}
	return false
}

func grantsText(gs []weijian.Grant) string {
	parts := make([]string, len(gs))
	for i, g := range gs {
		parts[i] = string(g.Role) + "@" + g.OrgUnitCode
	}
	return strings.Join(parts, ",")
}

// auditEntry is an entry recording an action of the current user, for the
// store to write in the transaction of the change.
func (s *Server) auditEntry(r *http.Request, action, target, detail string) weijian.AuditEntry {
	u := currentUser(r)
	return weijian.AuditEntry{UserID: u.ID, Actor: u.Username, Action: action, Target: target, Detail: detail, IP: s.clientIP(r)}
}

// audit records an action of the current user that changes nothing (a
// logout); a failure is logged.
func (s *Server) audit(r *http.Request, action, target, detail string) {
	e := s.auditEntry(r, action, target, detail)
	if err := s.store.Audit(r.Context(), e); err != nil {
		s.log.Error("audit", "action", action, "err", err)
	}
}

package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/auth"
)

// userPatch changes an account; nil fields stay as they are.
type userPatch struct {
	DisplayName *string `json:"displayName,omitempty"`
	Phone       *string `json:"phone,omitempty"`
	Active      *bool   `json:"active,omitempty"`
}

// updateUser applies a patch. Nobody can deactivate their own account.
func (s *Server) updateUser(r *http.Request, u *weijian.User, p userPatch) error {
	in := userInput{DisplayName: u.DisplayName, Phone: u.Phone}
	if p.DisplayName != nil {
		in.DisplayName = strings.TrimSpace(*p.DisplayName)
	}
	if p.Phone != nil {
		in.Phone = strings.TrimSpace(*p.Phone)
	}
	if is := checkProfile(in, false); len(is) > 0 {
		return weijian.Invalid(weijian.T("用户信息有误", "the user details are not valid"), is...)
	}
	wasActive := u.Active
	if p.Active != nil {
		if !*p.Active && u.ID == currentUser(r).ID {
			return weijian.Invalid(weijian.T("不能停用自己的账户", "you cannot deactivate your own account"))
		}
		u.Active = *p.Active
	}
	u.DisplayName, u.Phone = in.DisplayName, in.Phone
	action := weijian.ActionUserUpdate
	switch {
	case wasActive && !u.Active:
		action = weijian.ActionUserDeactivate // the store ends the sessions
	case !wasActive && u.Active:
		action = weijian.ActionUserActivate
	}
	return s.store.UpdateUser(r.Context(), u, s.auditEntry(r, action, u.Username, ""))
}

// setUserGrants replaces the roles of u. An administrator cannot take the
// user-management permission away from itself (it would lock itself out).
func (s *Server) setUserGrants(r *http.Request, u *weijian.User, in []grantInput) error {
	grants, err := s.checkGrants(r, in)
	if err != nil {
		return err
	}
	if u.ID == currentUser(r).ID && !grantsAllow(grants, weijian.PermManageUsers) {
		return weijian.Invalid(weijian.T("不能移除自己的用户管理权限", "you cannot remove your own user-management permission"))
	}
	return s.store.SetGrants(r.Context(), u.ID, grants, s.auditEntry(r, weijian.ActionUserGrants, u.Username, grantsText(grants)))
}

func grantsAllow(gs []weijian.Grant, p weijian.Permission) bool {
	for _, g := range gs {
		if ri, ok := weijian.LookupRole(g.Role); ok && slices.Contains(ri.Perms, p) {
			return true
		}
	}
	return false
}

// resetPassword gives u a generated password (returned to show once),
// which u must change at the next login; the store ends its sessions and
// clears its login locks. Nobody resets their own password this way (the
// account page asks for the old one): managedUser already refuses the
// caller's own account, and this says so again where it matters most.
func (s *Server) resetPassword(r *http.Request, u *weijian.User) (string, error) {
	if u.ID == currentUser(r).ID {
		return "", weijian.E(weijian.KindForbidden, weijian.T("不能在此重置自己的密码，请在“我的账户”中修改",
			"you cannot reset your own password here: change it on your account page"))
	}
	pw := auth.GeneratePassword()
	if err := s.auth.SetPassword(r.Context(), u, pw, true, s.auditEntry(r, weijian.ActionUserPassword, u.Username, "")); err != nil {
		return "", err
	}
	return pw, nil
}

// unlock clears the login locks of u, recording who did it.
func (s *Server) unlock(r *http.Request, u *weijian.User) error {
	return s.auth.Unlock(r.Context(), u.Username, s.auditEntry(r, weijian.ActionUserUnlock, u.Username, ""))
}

// locked reports whether logins to u are locked now, from some address or
// for every browser that has not logged in to the account before.
func (s *Server) locked(r *http.Request, u *weijian.User) bool {
	_, ok := s.auth.Locked(r.Context(), u.Username)
	return ok
}

// pathID reads the {id} of a route.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, weijian.NotFound(weijian.T("用户", "user"))
	}
	return id, nil
}

// userFilterOf reads ?q=&role=&active= into a store filter.
func userFilterOf(r *http.Request) weijian.UserFilter {
	q := r.URL.Query()
	f := weijian.UserFilter{Query: strings.TrimSpace(q.Get("q")), Role: weijian.Role(q.Get("role"))}
	switch q.Get("active") {
	case "1", "true":
		f.Active = new(true)
	case "0", "false":
		f.Active = new(false)
	}
	return f
}

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
	if err := s.store.UpdateUser(r.Context(), u); err != nil {
		return err
	}
	action := "user.update"
	switch {
	case wasActive && !u.Active:
		action = "user.deactivate"
		if err := s.store.DeleteUserSessions(r.Context(), u.ID); err != nil {
			return err
		}
	case !wasActive && u.Active:
		action = "user.activate"
	}
	s.audit(r, action, u.Username, "")
	return nil
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
	if err := s.store.SetGrants(r.Context(), u.ID, grants); err != nil {
		return err
	}
	s.audit(r, "user.grants", u.Username, grantsText(grants))
	return nil
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
// ends its sessions and clears any lockout.
func (s *Server) resetPassword(r *http.Request, u *weijian.User) (string, error) {
	pw := auth.GeneratePassword()
	if err := s.auth.SetPassword(r.Context(), u, pw, currentUser(r).Username); err != nil {
		return "", err
	}
	return pw, nil
}

// unlock clears a lockout of u.
func (s *Server) unlock(r *http.Request, u *weijian.User) error {
	return s.auth.Unlock(r.Context(), u.Username, currentUser(r).Username)
}

// locked reports whether logins to u are locked now.
func (s *Server) locked(r *http.Request, u *weijian.User) bool {
	th, err := s.store.Throttle(r.Context(), u.Username)
	return err == nil && th.LockedUntil.After(s.now())
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

package web

import (
	"net/http"
	"strconv"

	"github.com/weijian-health/weijian"
)

// userPage is one account: its details, roles and actions.
type userPage struct {
	basePage
	Target *weijian.User
	Locked bool
	Self   bool
	Form   userForm
	Error  formError
	Audit  []weijian.AuditEntry
}

func (s *Server) userDetail(w http.ResponseWriter, r *http.Request) error {
	u, err := s.userFromPath(r)
	if err != nil {
		return err
	}
	return s.renderUser(w, r, http.StatusOK, u, grantInputs(u.Grants), formError{})
}

func (s *Server) renderUser(w http.ResponseWriter, r *http.Request, status int, u *weijian.User, grants []grantInput, fe formError) error {
	p := &userPage{basePage: s.base(r, "users", u.DisplayName+" ("+u.Username+")"), Target: u,
		Locked: s.locked(r, u), Self: u.ID == currentUser(r).ID, Error: fe,
		Form: userForm{Username: u.Username, DisplayName: u.DisplayName, Phone: u.Phone, Grants: grantRows(grants, info(r).lang)}}
	// The database matches the name as a part of actor, target, detail or
	// IP ("li" also finds "li.village"); keep the ten newest entries by or
	// about this very user.
	entries, err := s.store.AuditLog(r.Context(), manageScope(r), weijian.AuditFilter{Query: u.Username, Limit: 500})
	if err != nil {
		return err
	}
	for _, e := range entries {
		if (e.Target == u.Username || e.Actor == u.Username) && len(p.Audit) < 10 {
			p.Audit = append(p.Audit, e)
		}
	}
	return s.render(w, r, status, "user", p)
}

func (s *Server) userFromPath(r *http.Request) (*weijian.User, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	return s.managedUser(r, id)
}

// userAction runs a change to the user of the path: on success it
// redirects back with a flash message, on a user error it shows the page
// with the error.
func (s *Server) userAction(flash string, do func(r *http.Request, u *weijian.User) error) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := s.userFromPath(r)
		if err != nil {
			return err
		}
		if err := r.ParseForm(); err != nil {
			return weijian.Invalid(weijian.T("表单无法解析", "the form could not be read"))
		}
		if err := do(r, u); err != nil {
			fe, err := formErrorOf(err, info(r).lang)
			if err != nil {
				return err
			}
			return s.renderUser(w, r, http.StatusUnprocessableEntity, u, formGrantsOr(r, u), fe)
		}
		return redirect(w, r, "/users/"+strconv.FormatInt(u.ID, 10)+"?ok="+flash)
	}
}

// formGrantsOr is the grants typed in a grants form, or the user's own.
func formGrantsOr(r *http.Request, u *weijian.User) []grantInput {
	if _, ok := r.PostForm["role"]; ok {
		return formGrants(r)
	}
	return grantInputs(u.Grants)
}

func (s *Server) saveProfile(r *http.Request, u *weijian.User) error {
	dn, phone := r.PostForm.Get("displayName"), r.PostForm.Get("phone")
	return s.updateUser(r, u, userPatch{DisplayName: &dn, Phone: &phone})
}

func (s *Server) saveGrants(r *http.Request, u *weijian.User) error {
	return s.setUserGrants(r, u, formGrants(r))
}

func (s *Server) setActive(active bool) func(r *http.Request, u *weijian.User) error {
	return func(r *http.Request, u *weijian.User) error {
		return s.updateUser(r, u, userPatch{Active: &active})
	}
}

func (s *Server) unlockUser(r *http.Request, u *weijian.User) error { return s.unlock(r, u) }

// resetPasswordForm generates a new password and shows it once.
func (s *Server) resetPasswordForm(w http.ResponseWriter, r *http.Request) error {
	u, err := s.userFromPath(r)
	if err != nil {
		return err
	}
	pw, err := s.resetPassword(r, u)
	if err != nil {
		return err
	}
	p := &passwordPage{basePage: s.base(r, "users", s.msg(r, "user.passwordShown")), Target: u, Password: pw}
	return s.render(w, r, http.StatusOK, "user_password", p)
}

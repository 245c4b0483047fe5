package web

import (
	"net/http"

	"github.com/weijian-health/weijian"
)

// GET /api/v1/users?q=&role=&active=
func (s *Server) apiUsers(w http.ResponseWriter, r *http.Request) error {
	us, err := s.store.ListUsers(r.Context(), manageScope(r), userFilterOf(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listOf(us, len(us)))
}

// POST /api/v1/users → 201 {user, password}; password only when generated.
func (s *Server) apiCreateUser(w http.ResponseWriter, r *http.Request) error {
	var in userInput
	if err := readJSON(r, &in); err != nil {
		return err
	}
	u, pw, err := s.createUser(r, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, createdJSON{User: u, Password: pw})
}

type createdJSON struct {
	User     *weijian.User `json:"user"`
	Password string        `json:"password,omitempty"`
}

// GET /api/v1/users/{id}
func (s *Server) apiUser(w http.ResponseWriter, r *http.Request) error {
	u, err := s.userFromPath(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, u)
}

// PATCH /api/v1/users/{id} {displayName, phone, active}
func (s *Server) apiPatchUser(w http.ResponseWriter, r *http.Request) error {
	u, err := s.userFromPath(r)
	if err != nil {
		return err
	}
	var p userPatch
	if err := readJSON(r, &p); err != nil {
		return err
	}
	if err := s.updateUser(r, u, p); err != nil {
		return err
	}
	return s.apiUser(w, r)
}

// PUT /api/v1/users/{id}/grants {grants: [{role, orgUnit}]}
func (s *Server) apiSetGrants(w http.ResponseWriter, r *http.Request) error {
	u, err := s.userFromPath(r)
	if err != nil {
		return err
	}
	var body struct {
		Grants []grantInput `json:"grants"`
	}
	if err := readJSON(r, &body); err != nil {
		return err
	}
	if err := s.setUserGrants(r, u, body.Grants); err != nil {
		return err
	}
	return s.apiUser(w, r)
}

// POST /api/v1/users/{id}/password → {password}: a generated password,
// returned this once.
func (s *Server) apiResetPassword(w http.ResponseWriter, r *http.Request) error {
	u, err := s.userFromPath(r)
	if err != nil {
		return err
	}
	pw, err := s.resetPassword(r, u)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]string{"password": pw})
}

// POST /api/v1/users/{id}/unlock
func (s *Server) apiUnlock(w http.ResponseWriter, r *http.Request) error {
	u, err := s.userFromPath(r)
	if err != nil {
		return err
	}
	if err := s.unlock(r, u); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// GET /api/v1/audit?q=&action=
func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) error {
	entries, err := s.auditEntries(r, auditShown)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listOf(entries, len(entries)))
}

// meJSON is the caller's account and, per permission, where it holds it.
type meJSON struct {
	*weijian.User
	Permissions map[weijian.Permission]scopeJSON `json:"permissions"`
}

type scopeJSON struct {
	All   bool     `json:"all,omitempty"`
	Units []string `json:"units,omitempty"` // codes of the subtrees
}

// GET /api/v1/me
func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	me := meJSON{User: u, Permissions: map[weijian.Permission]scopeJSON{}}
	for _, perm := range permOrder {
		sc := u.ScopeFor(perm)
		if sc.Empty() {
			continue
		}
		js := scopeJSON{All: sc.All()}
		for _, g := range u.Grants {
			if !sc.All() && grantsAllow([]weijian.Grant{g}, perm) {
				js.Units = appendUnique(js.Units, g.OrgUnitCode)
			}
		}
		me.Permissions[perm] = js
	}
	return writeJSON(w, http.StatusOK, me)
}

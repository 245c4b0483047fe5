package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/auth"
)

// Personal access tokens: a user creates, lists and revokes its own on the
// account page or through /api/v1/tokens (with a browser session: a token
// cannot make tokens). A token is accepted as "Authorization: Bearer …" on
// /api/v1 only, never on the pages.

// bearer returns the token of an "Authorization: Bearer" header on an
// /api/v1 request, "" otherwise.
func bearer(r *http.Request) string {
	if !strings.HasPrefix(r.URL.Path, "/api/v1/") {
		return ""
	}
	h := r.Header.Get("Authorization")
	if len(h) < 7 || !strings.EqualFold(h[:7], "bearer ") {
		return ""
	}
	return strings.TrimSpace(h[7:])
}

// tokenUser resolves the bearer token of an API call to its user.
func (s *Server) tokenUser(r *http.Request, token string) (*weijian.User, error) {
	u, t, err := s.auth.AuthenticateToken(r.Context(), auth.TokenRequest{Token: token, Method: r.Method,
		Path: r.URL.Path, IP: s.clientIP(r)})
	if err != nil {
		return nil, err
	}
	info(r).token = t
	return u, nil
}

var errSessionOnly = weijian.E(weijian.KindForbidden, weijian.T(
	"访问令牌只能在登录后的“我的账户”页面或使用浏览器会话管理", "tokens are managed with a browser session, not with a token"))

// sessionOnly refuses a call made with a token.
func sessionOnly(r *http.Request) error {
	if info(r).token != nil {
		return errSessionOnly
	}
	return nil
}

// tokenInput is a token request from a form or the API.
type tokenInput struct {
	Name     string `json:"name"`
	Days     int    `json:"days,omitempty"`
	ReadOnly bool   `json:"readOnly,omitempty"`
}

func (s *Server) createToken(r *http.Request, in tokenInput) (string, *weijian.APIToken, error) {
	if err := sessionOnly(r); err != nil {
		return "", nil, err
	}
	u := currentUser(r)
	return s.auth.CreateToken(r.Context(), u, auth.NewToken{Name: in.Name, Days: in.Days, ReadOnly: in.ReadOnly},
		s.auditEntry(r, "", "", ""))
}

func (s *Server) revokeToken(r *http.Request) error {
	if err := sessionOnly(r); err != nil {
		return err
	}
	tid, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return weijian.NotFound(weijian.T("令牌", "token"))
	}
	return s.auth.RevokeToken(r.Context(), currentUser(r), tid, s.auditEntry(r, "", "", ""))
}

// POST /account/tokens: create a token and show it once on the account page.
func (s *Server) createTokenForm(w http.ResponseWriter, r *http.Request) error {
	days, _ := strconv.Atoi(r.PostFormValue("days"))
	token, _, err := s.createToken(r, tokenInput{Name: r.PostFormValue("name"), Days: days,
		ReadOnly: r.PostFormValue("readOnly") != ""})
	if err != nil {
		fe, err := formErrorOf(err, info(r).lang)
		if err != nil {
			return err
		}
		return s.renderAccountWith(w, r, http.StatusUnprocessableEntity, fe, "")
	}
	return s.renderAccountWith(w, r, http.StatusCreated, formError{}, token)
}

// POST /account/tokens/{id}/revoke
func (s *Server) revokeTokenForm(w http.ResponseWriter, r *http.Request) error {
	if err := s.revokeToken(r); err != nil {
		return err
	}
	return redirect(w, r, "/account?ok=revoked#tokens")
}

// GET /api/v1/tokens: the caller's tokens.
func (s *Server) apiTokens(w http.ResponseWriter, r *http.Request) error {
	if err := sessionOnly(r); err != nil {
		return err
	}
	ts, err := s.store.Tokens(r.Context(), currentUser(r).ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listOf(ts, len(ts)))
}

// POST /api/v1/tokens {name, days, readOnly} → 201 {token, info}
func (s *Server) apiCreateToken(w http.ResponseWriter, r *http.Request) error {
	var in tokenInput
	if err := readJSON(r, &in); err != nil {
		return err
	}
	token, t, err := s.createToken(r, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"token": token, "info": t})
}

// DELETE /api/v1/tokens/{id}
func (s *Server) apiRevokeToken(w http.ResponseWriter, r *http.Request) error {
	if err := s.revokeToken(r); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

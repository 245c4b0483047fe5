package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/auth"
)

// sessionCookie holds the session token (the database keeps only its hash).
const sessionCookie = "weijian_session"

// deviceCookie marks a browser that has logged in to an account before: it
// passes the lock a distributed guessing run puts on the account's name
// (internal/auth). Kept a year; the database keeps only its hash.
const deviceCookie = "weijian_device"

// deviceMaxAge is how long the browser keeps the device cookie (seconds).
const deviceMaxAge = 365 * 24 * 3600

// open serves a handler that needs no session.
func (s *Server) open(h handlerFunc) http.Handler { return s.serve(h) }

// authed serves a handler that needs a logged-in user: pages without one
// redirect to the login page, API calls get 401.
func (s *Server) authed(h handlerFunc) http.Handler { return s.serve(s.withUser(h)) }

// admin serves a handler that needs a user who may manage users.
func (s *Server) admin(h handlerFunc) http.Handler {
	return s.serve(s.withUser(func(w http.ResponseWriter, r *http.Request) error {
		if !currentUser(r).Can(weijian.PermManageUsers) {
			return errForbidden
		}
		return h(w, r)
	}))
}

func (s *Server) withUser(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := s.requestUser(r)
		if err != nil {
			return err
		}
		info(r).user = u
		if u.MustChangePassword && !mustChangeAllows(r) {
			if isAPI(r) {
				return errMustChange
			}
			return redirect(w, r, "/account?must=1")
		}
		return h(w, r)
	}
}

// errMustChange refuses a request of a user who must first replace a
// password someone else chose.
var errMustChange = weijian.E(weijian.KindForbidden, weijian.T(
	"请先修改密码：此密码由管理员设置或系统生成，须在首次登录后更换",
	"change your password first: it was set by an administrator or generated, and must be replaced after the first login"))

// mustChangeAllows lists what a user who must change its password may do:
// see its account, change the password, and read who it is.
func mustChangeAllows(r *http.Request) bool {
	switch r.Method + " " + r.URL.Path {
	case "GET /account", "POST /account/password", "GET /api/v1/me":
		return true
	}
	return false
}

// currentUser is the logged-in user of a request that went through authed.
func currentUser(r *http.Request) *weijian.User { return info(r).user }

// requestUser is the user of a bearer token on an /api/v1 call, or of
// the session cookie.
func (s *Server) requestUser(r *http.Request) (*weijian.User, error) {
	if token := bearer(r); token != "" {
		return s.tokenUser(r, token)
	}
	return s.sessionUser(r)
}

// sessionUser resolves the session cookie to its user.
func (s *Server) sessionUser(r *http.Request) (*weijian.User, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, errLogin
	}
	u, err := s.auth.Authenticate(r.Context(), c.Value)
	if err != nil && weijian.ErrorKind(err) == weijian.KindNotFound {
		return nil, errLogin // an unknown or deleted session
	}
	return u, err
}

func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.isTLS(r)})
}

// loginPage is the data of the login form.
type loginPage struct {
	basePage
	Username  string
	Next      string
	Error     string
	LoggedOut bool
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	next := safeNext(r.URL.Query().Get("next"))
	if _, err := s.sessionUser(r); err == nil {
		return redirect(w, r, next)
	}
	p := &loginPage{basePage: s.bare(r, "login.title"), Next: next, LoggedOut: r.URL.Query().Has("bye")}
	return s.render(w, r, http.StatusOK, "login", p)
}

// maxLoginEcho is the longest username the login form shows again after
// a failure: internal/auth refuses names over 64 bytes as a wrong password,
// and a page should not repeat a megabyte someone posted.
const maxLoginEcho = 64

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	// Invalid UTF-8 never reaches the store (PostgreSQL rejects it).
	username := strings.ToValidUTF8(strings.TrimSpace(r.PostFormValue("username")), "\uFFFD")
	next := safeNext(r.PostFormValue("next"))
	res, err := s.logIn(w, r, username, r.PostFormValue("password"))
	if err != nil {
		if k := weijian.ErrorKind(err); k != weijian.KindUnauthenticated && k != weijian.KindInvalid {
			return err
		}
		info(r).err = err
		if len(username) > maxLoginEcho {
			username = ""
		}
		p := &loginPage{basePage: s.bare(r, "login.title"), Username: username, Next: next,
			Error: weijian.ErrorMessage(err, info(r).lang)}
		return s.render(w, r, http.StatusUnauthorized, "login", p)
	}
	if res.User.MustChangePassword {
		next = "/account?must=1"
	}
	return redirect(w, r, next)
}

// logIn checks the password with the browser's device cookie and, on
// success, sets the session cookie (and a new device cookie when the
// browser was not known to the account).
func (s *Server) logIn(w http.ResponseWriter, r *http.Request, username, password string) (*auth.LoginResult, error) {
	req := auth.LoginRequest{Username: username, Password: password, IP: s.clientIP(r)}
	if c, err := r.Cookie(deviceCookie); err == nil {
		req.Device = c.Value
	}
	res, err := s.auth.Login(r.Context(), req)
	if err != nil {
		return nil, err
	}
	info(r).user = res.User
	s.setCookie(w, r, sessionCookie, res.Token, 0)
	if res.Device != "" {
		s.setCookie(w, r, deviceCookie, res.Device, deviceMaxAge)
	}
	return res, nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if u, err := s.sessionUser(r); err == nil {
			info(r).user = u
			s.audit(r, weijian.ActionLogout, "", "")
		}
		if err := s.auth.Logout(r.Context(), c.Value); err != nil {
			return err
		}
	}
	s.setCookie(w, r, sessionCookie, "", -1)
	return redirect(w, r, "/login?bye=1")
}

// setLang remembers the chosen language for a year and returns to the page.
func (s *Server) setLang(w http.ResponseWriter, r *http.Request) error {
	l := r.PostFormValue("lang")
	if !validLang(l) {
		return weijian.Invalid(weijian.T("不支持的语言", "unsupported language"))
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: int(365 * 24 * time.Hour / time.Second),
		SameSite: http.SameSiteLaxMode, Secure: s.isTLS(r)})
	return redirect(w, r, safeNext(r.PostFormValue("next")))
}

// safeNext keeps a redirect after login (or a language switch) on this
// site. Browsers drop tabs and newlines from a Location and read "\" as
// "/", so "/\t/evil.example" and "/\\evil.example" lead off the site like
// "//evil.example" does. A next is kept only when it has no control
// character or backslash (raw or percent-decoded), no scheme or host, and
// a path starting with exactly one "/" that is not the login or logout
// form; anything else goes to "/". The result is re-encoded from the
// parsed URL.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || strings.ContainsFunc(next, unsafeInURL) || strings.ContainsFunc(u.Path, unsafeInURL) ||
		u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") ||
		strings.HasPrefix(u.Path, "/login") || strings.HasPrefix(u.Path, "/logout") {
		return "/"
	}
	return u.RequestURI()
}

// unsafeInURL reports a control character (ASCII or Unicode) or a backslash.
func unsafeInURL(r rune) bool { return r == '\\' || unicode.IsControl(r) }

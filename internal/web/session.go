package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/weijian-health/weijian"
)

// sessionCookie holds the session token (the database keeps only its hash).
const sessionCookie = "weijian_session"

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
		u, err := s.sessionUser(r)
		if err != nil {
			return err
		}
		info(r).user = u
		return h(w, r)
	}
}

// currentUser is the logged-in user of a request that went through authed.
func currentUser(r *http.Request) *weijian.User { return info(r).user }

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
	token, u, err := s.auth.Login(r.Context(), username, r.PostFormValue("password"), s.clientIP(r))
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
	info(r).user = u
	s.setCookie(w, r, sessionCookie, token, 0)
	return redirect(w, r, next)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if u, err := s.sessionUser(r); err == nil {
			info(r).user = u
			s.audit(r, "logout", "", "")
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

package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestLoginLogout(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	res, _ := c.get("/orgunits?q=haz")
	wantStatus(t, res, "", http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/login?next=%2Forgunits%3Fq%3Dhaz" {
		t.Errorf("redirect to %q", loc)
	}
	res, body := c.get("/login?next=%2Forgunits")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "用户名", "密码", `name="next" value="/orgunits"`)

	res, body = c.post("/login", url.Values{"username": {"admin"}, "password": {testPassword}, "next": {"/orgunits"}})
	wantStatus(t, res, body, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/orgunits" {
		t.Errorf("after login, redirect to %q", loc)
	}
	cookie := findCookie(res, sessionCookie)
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" || cookie.Secure {
		t.Errorf("session cookie = %+v", cookie)
	}
	res, body = c.get("/")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "海安市", "系统管理员")

	res, _ = c.post("/logout", nil)
	wantStatus(t, res, "", http.StatusSeeOther)
	res, _ = c.get("/")
	wantStatus(t, res, "", http.StatusSeeOther)
	res, body = c.get("/login?bye=1")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "您已安全退出")
}

func findCookie(res *http.Response, name string) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// A wrong password and an unknown user get the same answer, and so do
// their lockouts: the form does not tell which usernames exist.
func TestLoginMessagesDoNotRevealUsers(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	msg := func(user, pw string) string {
		res, body := c.post("/login", url.Values{"username": {user}, "password": {pw}})
		wantStatus(t, res, body, http.StatusUnauthorized)
		return noDigits(loginError(t, body)) // the minutes left may tick between calls
	}
	wrong, unknown := msg("town", "Wrong#pass1"), msg("nobody", "Wrong#pass1")
	if wrong != unknown || wrong != "用户名或密码错误" {
		t.Errorf("wrong password: %q; unknown user: %q", wrong, unknown)
	}
	var lockedKnown, lockedUnknown string
	for range 4 {
		lockedKnown, lockedUnknown = msg("town", "Wrong#pass1"), msg("nobody", "Wrong#pass1")
	}
	if lockedKnown != lockedUnknown || !strings.Contains(lockedKnown, "锁定") {
		t.Errorf("lockout: known %q, unknown %q", lockedKnown, lockedUnknown)
	}
	if got := msg("town", testPassword); got != lockedKnown {
		t.Errorf("right password while locked: %q", got)
	}
	// An administrator unlocks the account; then the password works.
	admin := e.login(t, "admin")
	if st := admin.api("POST", "/api/v1/users/"+id(e.seed.users["town"])+"/unlock", nil, nil); st != http.StatusNoContent {
		t.Fatalf("unlock: %d", st)
	}
	e.login(t, "town")
}

func noDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return -1
		}
		return r
	}, s)
}

// loginError extracts the error shown on the login form.
func loginError(t *testing.T, body string) string {
	t.Helper()
	_, rest, ok := strings.Cut(body, `data-testid="login-error">`)
	if !ok {
		t.Fatalf("no login error in\n%s", body)
	}
	msg, _, _ := strings.Cut(rest, "<")
	return msg
}

func TestLoginEnglishMessage(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	res, _ := c.post("/lang", url.Values{"lang": {"en"}, "next": {"/login"}})
	wantStatus(t, res, "", http.StatusSeeOther)
	res, body := c.post("/login", url.Values{"username": {"nobody"}, "password": {"x"}})
	wantStatus(t, res, body, http.StatusUnauthorized)
	if got := loginError(t, body); got != "wrong username or password" {
		t.Errorf("message %q", got)
	}
	wantContains(t, body, `lang="en"`, "Username")
}

func TestSecureCookie(t *testing.T) {
	for _, tc := range []struct {
		trust      bool
		proto      string
		wantSecure bool
	}{{false, "", false}, {false, "https", false}, {true, "https", true}, {true, "http", false}} {
		e := newEnvConfig(t, Config{TrustProxy: tc.trust})
		req := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"username": {"admin"}, "password": {testPassword}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if tc.proto != "" {
			req.Header.Set("X-Forwarded-Proto", tc.proto)
		}
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		c := findCookie(rec.Result(), sessionCookie)
		if c == nil || c.Secure != tc.wantSecure {
			t.Errorf("trust=%v proto=%q: cookie %+v, want Secure=%v", tc.trust, tc.proto, c, tc.wantSecure)
		}
	}
	// Over TLS itself the cookie is always Secure.
	e := newEnv(t)
	req := httptest.NewRequest("POST", "https://example.org/login", strings.NewReader(url.Values{"username": {"admin"}, "password": {testPassword}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	if c := findCookie(rec.Result(), sessionCookie); c == nil || !c.Secure {
		t.Errorf("TLS: cookie %+v", c)
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	e := newEnv(t)
	c := e.login(t, "admin")
	form := url.Values{"username": {"mallory"}, "displayName": {"M"}, "role": {"county_admin"}, "unit": {codeHaian}}
	req, _ := http.NewRequest("POST", c.base+"/users", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, body := c.do(req)
	wantStatus(t, res, body, http.StatusForbidden)
	wantContains(t, body, "跨站")
	if st := c.api("GET", "/api/v1/users?q=mallory", nil, &struct{ Total int }{}); st != http.StatusOK {
		t.Fatal(st)
	}
	var l list[struct{ Username string }]
	c.api("GET", "/api/v1/users?q=mallory", nil, &l)
	if l.Total != 0 {
		t.Errorf("the cross-origin POST created a user")
	}
	// The same request from the application's own page goes through.
	req, _ = http.NewRequest("POST", c.base+"/logout", nil)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, _ = c.do(req)
	wantStatus(t, res, "", http.StatusSeeOther)
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/orgunits": "/orgunits", "/users?q=a": "/users?q=a", "/orgunits?q=%E6%B5%B7": "/orgunits?q=%E6%B5%B7",
		"/orgunits?q=海": "/orgunits?q=海", "/population#pyramid": "/population",
		"": "/", "orgunits": "/", " /orgunits": "/", "/login?next=/x": "/", "/logout": "/",
		"//evil.example": "/", "///evil.example": "/", "/\\evil.example": "/", "\\/evil.example": "/",
		"/\t/evil.example": "/", "/\n/evil.example": "/", "/\r//evil.example": "/", "/\x00/evil": "/", "/\u0085/evil": "/",
		"/%09/evil.example": "/", "/%5Cevil.example": "/", "/%2F/evil.example": "/", "/%2f%2fevil": "/",
		"https://evil.example/": "/", "http:evil.example": "/", "//user@evil.example": "/",
		"javascript:alert(document.cookie)": "/", "JavaScript:alert(1)": "/", "data:text/html,x": "/",
		"/x%zz": "/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// The next of the login form never leads off the site: not after a
// login, not from the login page of someone already logged in, not after
// a language switch.
func TestLoginOpenRedirect(t *testing.T) {
	e := newEnv(t)
	nasty := []string{"/\t/evil.example", "//evil.example", "/\\evil.example", "https://evil.example",
		"javascript:alert(1)", "/%09/evil.example", "/\n/evil.example"}
	for _, next := range nasty {
		c := e.client(t)
		res, body := c.post("/login", url.Values{"username": {"admin"}, "password": {testPassword}, "next": {next}})
		wantStatus(t, res, body, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/" {
			t.Errorf("POST /login next=%q: Location %q", next, loc)
		}
		// Logged in now: the login page sends the user on at once.
		res, body = c.get("/login?next=" + url.QueryEscape(next))
		wantStatus(t, res, body, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/" {
			t.Errorf("GET /login?next=%q: Location %q", next, loc)
		}
		res, body = c.post("/lang", url.Values{"lang": {"en"}, "next": {next}})
		wantStatus(t, res, body, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/" {
			t.Errorf("POST /lang next=%q: Location %q", next, loc)
		}
	}
	// The raw query of the review's report, and a harmless next kept.
	c := e.login(t, "admin")
	for raw, want := range map[string]string{"%2F%09%2Fevil.example": "/", "%2Forgunits%3Fq%3Dhaz": "/orgunits?q=haz"} {
		res, body := c.get("/login?next=" + raw)
		wantStatus(t, res, body, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != want {
			t.Errorf("GET /login?next=%s: Location %q, want %q", raw, loc, want)
		}
	}
	// The login form does not carry a nasty next along either.
	res, body := e.client(t).get("/login?next=%2F%09%2Fevil.example")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, `name="next" value="/"`)
}

func TestAPINeedsSession(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	var out apiErr
	if st := c.api("GET", "/api/v1/me", nil, &out); st != http.StatusUnauthorized || out.Error.Kind != "unauthenticated" {
		t.Errorf("GET /api/v1/me without session: %d %+v", st, out)
	}
	if st := c.api("GET", "/api/v1/nothing?lang=en", nil, &out); st != http.StatusNotFound || out.Error.Message != "page not found" {
		t.Errorf("unknown API path: %d %+v", st, out)
	}
}

// An htmx request whose session has ended makes htmx load the login page.
func TestHTMXSessionEnded(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	req, _ := http.NewRequest("GET", c.base+"/orgunits/"+codeHaianZhen+"/tree", nil)
	req.Header.Set("HX-Request", "true")
	res, _ := c.do(req)
	if res.StatusCode != http.StatusUnauthorized || res.Header.Get("HX-Redirect") != "/login" {
		t.Errorf("status %d, HX-Redirect %q", res.StatusCode, res.Header.Get("HX-Redirect"))
	}
}

// A login name that internal/auth refuses before touching the database
// (too long, control characters) gets the usual answer, not an error page,
// and is neither counted nor echoed back at length.
func TestLoginOddUsernames(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	long := strings.Repeat("a", 65)
	for _, name := range []string{long, strings.Repeat("海", 22), strings.Repeat("x", 100000), "admin\x00", "ad\nmin", "\xff\xfeadmin"} {
		res, body := c.post("/login", url.Values{"username": {name}, "password": {"Wrong#pass1"}, "next": {"/"}})
		wantStatus(t, res, body, http.StatusUnauthorized)
		if got := loginError(t, body); got != "用户名或密码错误" {
			t.Errorf("username %.20q: message %q", name, got)
		}
		if len(body) > 20000 {
			t.Errorf("username %.20q: the form echoes it (%d bytes)", name, len(body))
		}
	}
	for _, name := range []string{long, strings.Repeat("海", 22)} {
		if th, err := e.store.Throttle(ctx, name); err != nil || th.Failures != 0 {
			t.Errorf("%.20q: throttle %+v %v, want no record", name, th, err)
		}
	}
	// The right password of a real account still works afterwards.
	e.login(t, "admin")
}

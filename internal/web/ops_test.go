package web

import (
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/weijian-health/weijian/internal/auth"
)

func TestHealthz(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	res, body := c.get("/healthz")
	wantStatus(t, res, body, http.StatusOK)
	if body != "ok\n" {
		t.Errorf("body %q", body)
	}
	e.store.Close()
	res, body = c.get("/healthz")
	wantStatus(t, res, body, http.StatusServiceUnavailable)
}

func TestMetricsAndLogs(t *testing.T) {
	e := newEnv(t)
	c := e.login(t, "admin")
	c.get("/orgunits/" + codeHaianZhen)
	c.get("/nowhere/at/all")
	body := scrape(t, e)
	wantContains(t, body,
		`http_requests_total{code="200",method="GET",route="/orgunits/{code}"} 1`,
		`http_requests_total{code="303",method="POST",route="/login"} 1`,
		`http_requests_total{code="404",method="GET",route="unmatched"} 1`,
		`http_request_duration_seconds_bucket{route="/orgunits/{code}",le="+Inf"} 1`,
		"go_goroutines", "process_resident_memory_bytes", `go_sql_open_connections{db_name="weijian"}`)
	logs := e.logs.String()
	if !regexp.MustCompile(`msg=http method=GET route=/orgunits/\{code\} path=/orgunits/320685100000 status=200 .* user=admin`).MatchString(logs) {
		t.Errorf("no request log line for the unit page in\n%s", logs)
	}
}

func TestAssets(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	_, login := c.get("/login")
	m := regexp.MustCompile(`/assets/(app\.[0-9a-f]{8}\.css)`).FindStringSubmatch(login)
	if m == nil {
		t.Fatalf("no hashed stylesheet URL in the login page")
	}
	for _, name := range []string{m[1], "app.css"} {
		req, _ := http.NewRequest("GET", c.base+"/assets/"+name, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res, _ := c.do(req)
		wantStatus(t, res, "", http.StatusOK)
		if res.Header.Get("Content-Encoding") != "gzip" || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") {
			t.Errorf("%s: headers %v", name, res.Header)
		}
	}
	res, _ := c.get("/assets/" + m[1])
	if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Errorf("hashed asset Cache-Control %q", cc)
	}
	res, _ = c.get("/assets/app.css")
	if cc := res.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("plain asset Cache-Control %q", cc)
	}
	wantContains(t, login, `data-echarts="/assets/echarts.min.`, `/assets/htmx.min.`)
	for _, name := range []string{"echarts.LICENSE", "htmx.LICENSE"} {
		res, _ = c.get("/assets/" + name)
		wantStatus(t, res, "", http.StatusOK)
	}
	res, body := c.get("/assets/nothing.js")
	wantStatus(t, res, body, http.StatusNotFound)
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP %q", csp)
	}
}

func TestNotFoundPage(t *testing.T) {
	e := newEnv(t)
	res, body := e.client(t).get("/no/such/page")
	wantStatus(t, res, body, http.StatusNotFound)
	wantContains(t, body, "未找到页面", "返回首页")
	res, body = e.login(t, "admin").get("/orgunits/999999999999")
	wantStatus(t, res, body, http.StatusNotFound)
	wantContains(t, body, "未找到机构或区划 999999999999", `class="sidebar"`)
}

// In Dev mode templates and assets are read from disk on each request.
func TestDevMode(t *testing.T) {
	e := newEnvConfig(t, Config{Dev: true, DevDir: "."})
	c := e.login(t, "admin")
	res, body := c.get("/orgunits/" + codeHaianZhen)
	wantStatus(t, res, body, http.StatusOK)
	res, _ = c.get("/assets/app.css")
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("dev asset Cache-Control %q", cc)
	}
}

func TestNewNeedsStoreAndAuth(t *testing.T) {
	if _, err := New(Config{}, Deps{}); err == nil {
		t.Error("New without a store succeeded")
	}
	e := newEnv(t)
	if _, err := New(Config{}, Deps{Store: e.store}); err == nil {
		t.Error("New without auth succeeded")
	}
	// Two servers may share a registry (the second registration is ignored).
	srv, err := New(Config{}, Deps{Store: e.store, Auth: auth.New(e.store, auth.DefaultConfig(), nil, nil), Registry: e.srv.metrics.reg})
	if err != nil || srv == nil {
		t.Errorf("second server on one registry: %v", err)
	}
}

// The web layer never imports the SQL store (tests may, for a real database).
func TestLayering(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		pf, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range pf.Imports {
			if strings.Contains(imp.Path.Value, "internal/sqlstore") {
				t.Errorf("%s imports %s", f, imp.Path.Value)
			}
		}
	}
}

// Neither odd methods nor unknown paths make new metric series: methods
// outside the standard set count as "other", routes are the patterns of
// the route table or "unmatched".
func TestMetricsLabelsBounded(t *testing.T) {
	e := newEnv(t)
	c := e.login(t, "admin")
	for _, call := range [][2]string{{"AAA1", "/orgunits/" + codeHaianZhen}, {"get", "/"}, {"BREW", "/random/path/12345"},
		{"GET", "/random/path/12345"}, {"GET", "/api/v1/nothing/here"}, {"DELETE", "/users/1"}} {
		req, _ := http.NewRequest(call[0], c.base+call[1], nil)
		c.do(req)
	}
	body := scrape(t, e)
	for _, line := range strings.Split(body, "\n") {
		if !strings.HasPrefix(line, "http_request") {
			continue
		}
		m := regexp.MustCompile(`method="([^"]*)"`).FindStringSubmatch(line)
		if m != nil && !slices.Contains([]string{"GET", "POST", "DELETE", "other"}, m[1]) {
			t.Errorf("method label %q in %s", m[1], line)
		}
		r := regexp.MustCompile(`route="([^"]*)"`).FindStringSubmatch(line)
		if r != nil && r[1] != "unmatched" && !e.srv.patterns["GET "+r[1]] && !e.srv.patterns["POST "+r[1]] && !e.srv.patterns[r[1]] {
			t.Errorf("route label %q is not a route pattern: %s", r[1], line)
		}
	}
	wantContains(t, body, `method="other",route="unmatched"`, `code="404",method="GET",route="unmatched"`)
	for _, raw := range []string{"AAA1", "BREW", `"get"`, "random", "nothing"} {
		if strings.Contains(body, raw) {
			t.Errorf("metrics mention %q", raw)
		}
	}
}

func TestClientIP(t *testing.T) {
	trusted := newEnvConfig(t, Config{TrustProxy: true}).srv
	direct := newEnvConfig(t, Config{}).srv
	for _, tc := range []struct {
		xff           []string
		remote        string
		trust, direct string
	}{
		{nil, "192.0.2.1:5555", "192.0.2.1", "192.0.2.1"},
		{[]string{"203.0.113.9"}, "10.0.0.2:80", "203.0.113.9", "10.0.0.2"},
		// The client wrote the first entries; our proxy appended the last.
		{[]string{"6.6.6.6, 203.0.113.9"}, "10.0.0.2:80", "203.0.113.9", "10.0.0.2"},
		{[]string{"6.6.6.6", "198.51.100.7"}, "10.0.0.2:80", "198.51.100.7", "10.0.0.2"},
		{[]string{"1.1.1.1,2001:db8::1"}, "[::1]:80", "2001:db8::1", "::1"},
		{[]string{"6.6.6.6, not-an-ip"}, "10.0.0.2:80", "10.0.0.2", "10.0.0.2"},
		{[]string{"203.0.113.9:4711"}, "10.0.0.2:80", "203.0.113.9", "10.0.0.2"},
	} {
		req := httptest.NewRequest("GET", "/", nil)
		req.RemoteAddr = tc.remote
		for _, v := range tc.xff {
			req.Header.Add("X-Forwarded-For", v)
		}
		if got := trusted.clientIP(req); got != tc.trust {
			t.Errorf("trusted proxy, X-Forwarded-For %q from %s: %q, want %q", tc.xff, tc.remote, got, tc.trust)
		}
		if got := direct.clientIP(req); got != tc.direct {
			t.Errorf("no proxy, X-Forwarded-For %q from %s: %q, want %q", tc.xff, tc.remote, got, tc.direct)
		}
	}
}

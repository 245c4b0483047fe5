package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// scrape reads the metrics the way Prometheus does on their own listener.
func scrape(t *testing.T, e *testEnv) string {
	t.Helper()
	rec := httptest.NewRecorder()
	e.srv.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("metrics: status %d\n%s", rec.Code, rec.Body)
	}
	return rec.Body.String()
}

// /metrics is not open on the main listener: without a configured token
// it is not there, with one it needs the token; MetricsHandler (the
// separate --metrics-addr listener) asks for the token only when one is set.
func TestMetricsNotOpen(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	res, body := c.get("/metrics")
	wantStatus(t, res, body, http.StatusNotFound)
	if contains(body, "go_goroutines") {
		t.Error("metrics served without a token")
	}
	scrape(t, e)

	e = newEnvConfig(t, Config{MetricsToken: "s3cret-token"})
	c = e.client(t)
	for _, auth := range []string{"", "Bearer wrong", "s3cret-token", "Bearer s3cret-tokenX", "Basic czNjcmV0LXRva2Vu"} {
		req, _ := http.NewRequest("GET", c.base+"/metrics", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		res, body := c.do(req)
		wantStatus(t, res, body, http.StatusUnauthorized)
		if res.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("Authorization %q: no WWW-Authenticate header", auth)
		}
	}
	req, _ := http.NewRequest("GET", c.base+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer s3cret-token")
	res, body = c.do(req)
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "go_goroutines", `http_requests_total{code="401",method="GET",route="/metrics"} 5`)
	rec := httptest.NewRecorder()
	e.srv.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusUnauthorized {
		t.Errorf("metrics listener without the configured token: status %d, want 401", rec.Code)
	}
}

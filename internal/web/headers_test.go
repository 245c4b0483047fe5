package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// HSTS goes on responses that came over TLS, directly or through a
// trusted proxy that says so; never over plain HTTP, nor on the word of an
// untrusted X-Forwarded-Proto.
func TestHSTS(t *testing.T) {
	direct := newEnv(t)
	proxied := newEnvConfig(t, Config{TrustProxy: true})
	tlsSrv := httptest.NewUnstartedServer(direct.srv)
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)
	get := func(c *http.Client, url, proto string) http.Header {
		req, _ := http.NewRequest("GET", url+"/login", nil)
		if proto != "" {
			req.Header.Set("X-Forwarded-Proto", proto)
		}
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s/login: %d", url, res.StatusCode)
		}
		return res.Header
	}
	for _, tc := range []struct {
		name  string
		c     *http.Client
		url   string
		proto string
		want  string
	}{
		{"TLS", tlsSrv.Client(), tlsSrv.URL, "", "max-age=31536000"},
		{"trusted proxy, https", http.DefaultClient, proxied.ts.URL, "https", "max-age=31536000"},
		{"trusted proxy, http", http.DefaultClient, proxied.ts.URL, "http", ""},
		{"plain HTTP", http.DefaultClient, direct.ts.URL, "", ""},
		{"untrusted X-Forwarded-Proto", http.DefaultClient, direct.ts.URL, "https", ""},
	} {
		if got := get(tc.c, tc.url, tc.proto).Get("Strict-Transport-Security"); got != tc.want {
			t.Errorf("%s: Strict-Transport-Security %q, want %q", tc.name, got, tc.want)
		}
	}
}

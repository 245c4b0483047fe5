package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/weijian-health/weijian"
)

// bearerCall calls the API with a token and no cookie.
func (e *testEnv) bearerCall(t *testing.T, method, path, token string, in, out any) int {
	t.Helper()
	c := e.client(t)
	c.c.Transport = bearerTransport{token}
	return c.api(method, path, in, out)
}

// Tokens: created by a user for itself and shown once, stored hashed,
// listed, accepted on /api/v1 only, read-only ones refuse writes, every
// write and (hourly) read audited, revoked (issue 11 item 15).
func TestPersonalAccessTokens(t *testing.T) {
	e := newEnv(t)
	c := e.login(t, "hadmin")
	res, body := c.post("/account/tokens", url.Values{"name": {"省平台同步"}, "days": {"30"}, "readOnly": {"1"}})
	wantStatus(t, res, body, http.StatusCreated)
	m := regexp.MustCompile(`data-testid="new-token">(wjt_[A-Za-z0-9_-]+)<`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the new token is not shown:\n%.3000s", body)
	}
	ro := m[1]
	var rw struct {
		Token string `json:"token"`
		Info  struct {
			ID       int64 `json:"id"`
			ReadOnly bool  `json:"readOnly"`
		} `json:"info"`
	}
	if st := c.api("POST", "/api/v1/tokens", map[string]any{"name": "脚本", "days": 7}, &rw); st != http.StatusCreated || rw.Info.ReadOnly {
		t.Fatalf("API create: %d %+v", st, rw)
	}
	if u, _ := e.store.TokenByHash(ctx, ro); u != nil {
		t.Error("a token is stored in the clear")
	}
	// The token acts with hadmin's grants: 海安市's units, no others.
	var me meJSON
	if st := e.bearerCall(t, "GET", "/api/v1/me", ro, nil, &me); st != http.StatusOK || me.Username != "hadmin" {
		t.Fatalf("GET /api/v1/me with a token: %d %+v", st, me)
	}
	if st := e.bearerCall(t, "GET", "/api/v1/users/"+id(e.seed.users["admin"]), ro, nil, nil); st != http.StatusNotFound {
		t.Errorf("a user beyond hadmin through its token: %d, want 404", st)
	}
	// Read-only refuses writes; the read-write token may write.
	patch := map[string]any{"phone": "0513-1"}
	target := "/api/v1/users/" + id(e.seed.users["town"])
	if st := e.bearerCall(t, "PATCH", target, ro, patch, nil); st != http.StatusForbidden {
		t.Errorf("a write with a read-only token: %d, want 403", st)
	}
	if st := e.bearerCall(t, "PATCH", target, rw.Token, patch, nil); st != http.StatusOK {
		t.Errorf("a write with a read-write token: %d", st)
	}
	// Pages never take a token; tokens never make tokens.
	req, _ := http.NewRequest("GET", e.ts.URL+"/orgunits", nil)
	req.Header.Set("Authorization", "Bearer "+ro)
	if res, _ := e.client(t).do(req); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a page with a token: %d, want the login redirect", res.StatusCode)
	}
	if st := e.bearerCall(t, "POST", "/api/v1/tokens", rw.Token, map[string]any{"name": "x"}, nil); st != http.StatusForbidden {
		t.Errorf("a token creating a token: %d, want 403", st)
	}
	if st := e.bearerCall(t, "GET", "/api/v1/me", "wjt_forged", nil, nil); st != http.StatusUnauthorized {
		t.Errorf("a forged token: %d, want 401", st)
	}
	// Uses are audited: the write, and the first read of the hour.
	log, _ := e.store.AuditLog(ctx, weijian.ScopeAll(), weijian.AuditFilter{Action: weijian.ActionTokenUse})
	if len(log) != 4 || !strings.Contains(log[2].Detail, "refused") {
		t.Errorf("token uses audited: %d entries %+v, want 4 (the first read of the hour, the refused write, and the two writes)", len(log), log)
	}
	// Listed on the account page and in the API; revoked, it stops working.
	res, body = c.get("/account")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "省平台同步", "脚本", "只读")
	if st := c.api("DELETE", "/api/v1/tokens/"+id(rw.Info.ID), nil, nil); st != http.StatusNoContent {
		t.Fatalf("revoke: %d", st)
	}
	if st := e.bearerCall(t, "GET", "/api/v1/me", rw.Token, nil, nil); st != http.StatusUnauthorized {
		t.Errorf("a revoked token: %d, want 401", st)
	}
	var list list[weijian.APIToken]
	if st := c.api("GET", "/api/v1/tokens", nil, &list); st != http.StatusOK || list.Total != 1 {
		t.Errorf("tokens after a revoke: %d %+v", st, list)
	}
	// Another user cannot revoke hadmin's token.
	other := e.login(t, "town")
	if st := other.api("DELETE", "/api/v1/tokens/"+id(list.Items[0].ID), nil, nil); st != http.StatusNotFound {
		t.Errorf("revoking another user's token: %d, want 404", st)
	}
}

// bearerTransport adds a token to every request.
type bearerTransport struct{ token string }

func (b bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(r)
}

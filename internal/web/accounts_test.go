package web

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/auth"
)

// A county administrator cannot reset, change or even read a peer of the
// same county, nor reset its own password through the reset path; the
// administrator of the whole tree can reset the county's (issue 11 item 1).
func TestAdministratorManagesNoPeer(t *testing.T) {
	e := newEnv(t)
	hash, _ := auth.HashPassword(testPassword)
	peer := &weijian.User{Username: "hadmin2", DisplayName: "海安管理员2", Active: true, PasswordHash: hash,
		Grants: []weijian.Grant{{Role: weijian.RoleCountyAdmin, OrgUnitCode: codeHaian}}}
	if err := e.store.CreateUser(ctx, peer); err != nil {
		t.Fatal(err)
	}
	h := e.login(t, "hadmin")
	for _, target := range []int64{peer.ID, e.seed.users["hadmin"]} {
		path := "/api/v1/users/" + id(target)
		if st := h.api("POST", path+"/password", nil, nil); st != http.StatusNotFound {
			t.Errorf("POST %s/password by hadmin: %d, want 404", path, st)
		}
		if st := h.api("PATCH", path, map[string]any{"active": false}, nil); st != http.StatusNotFound {
			t.Errorf("PATCH %s by hadmin: %d, want 404", path, st)
		}
		if res, body := h.post("/users/"+id(target)+"/password", nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("reset form for #%d by hadmin: %d, want 404\n%.300s", target, res.StatusCode, body)
		}
	}
	if back, _ := e.store.UserByID(ctx, peer.ID); back.PasswordHash != hash || !back.Active {
		t.Error("the peer was changed")
	}
	admin := e.login(t, "admin")
	var pw struct{ Password string }
	if st := admin.api("POST", "/api/v1/users/"+id(e.seed.users["hadmin"])+"/password", nil, &pw); st != http.StatusOK {
		t.Fatalf("the whole tree's administrator resets hadmin: %d", st)
	}
	log, _ := e.store.AuditLog(ctx, weijian.ScopeAll(), weijian.AuditFilter{Action: weijian.ActionUserPassword})
	if len(log) != 1 || log[0].UserID != e.seed.users["admin"] || log[0].Target != "hadmin" {
		t.Errorf("the reset's audit entry %+v, want by admin (id %d) about hadmin", log, e.seed.users["admin"])
	}
}

// A reset password must be changed at the next login: until then every
// page leads to the account page and the API refuses (issue 11 item 1).
func TestResetPasswordMustBeChanged(t *testing.T) {
	e := newEnv(t)
	admin := e.login(t, "admin")
	var pw struct{ Password string }
	if st := admin.api("POST", "/api/v1/users/"+id(e.seed.users["town"])+"/password", nil, &pw); st != http.StatusOK {
		t.Fatalf("reset: %d", st)
	}
	c := e.client(t)
	res, body := c.post("/login", url.Values{"username": {"town"}, "password": {pw.Password}, "next": {"/orgunits"}})
	wantStatus(t, res, body, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/account?must=1" {
		t.Errorf("login with a reset password leads to %q, want the account page", loc)
	}
	res, body = c.get("/orgunits")
	wantStatus(t, res, body, http.StatusSeeOther)
	var out apiErr
	if st := c.api("GET", "/api/v1/orgunits", nil, &out); st != http.StatusForbidden {
		t.Errorf("API before the change: %d %+v, want 403", st, out)
	}
	res, body = c.get("/account")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, `data-testid="must-change"`)
	res, body = c.post("/account/password", url.Values{"old": {pw.Password}, "new": {"Lake-Copper-77"}, "confirm": {"Lake-Copper-77"}})
	wantStatus(t, res, body, http.StatusSeeOther)
	res, body = c.get("/orgunits")
	wantStatus(t, res, body, http.StatusOK)
	if u, _ := e.store.UserByName(ctx, "town"); u.MustChangePassword {
		t.Error("the flag survived the change")
	}
}

// A common password is refused on the account page (issue 11 item 4).
func TestCommonPasswordRefused(t *testing.T) {
	e := newEnv(t)
	c := e.login(t, "town")
	res, body := c.post("/account/password", url.Values{"old": {testPassword}, "new": {"Password1"}, "confirm": {"Password1"}})
	wantStatus(t, res, body, http.StatusUnprocessableEntity)
	wantContains(t, body, "过于常见")
}

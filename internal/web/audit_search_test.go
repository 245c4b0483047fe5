package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/weijian-health/weijian"
)

// A username with "_" finds its user and its own audit history, on the
// users list and on the user's page (the history is searched by name).
func TestUnderscoreUsernameHistory(t *testing.T) {
	e := newEnv(t)
	u := &weijian.User{Username: "zhang_san", DisplayName: "张三", Active: true, PasswordHash: "x",
		Grants: []weijian.Grant{{Role: weijian.RoleTownshipStaff, OrgUnitCode: codeHaianZhen}}}
	if err := e.store.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := e.store.Audit(ctx, weijian.AuditEntry{Actor: "admin", Action: "user.disable", Target: "zhang_san"}); err != nil {
		t.Fatal(err)
	}
	admin := e.login(t, "admin")
	res, body := admin.get("/users/" + id(u.ID))
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "admin → zhang_san")
	res, body = admin.get("/users?q=zhang_san")
	wantStatus(t, res, body, http.StatusOK)
	if !strings.Contains(body, "张三") {
		t.Errorf("users?q=zhang_san does not list zhang_san")
	}
}

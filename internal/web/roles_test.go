package web

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/auth"
)

// addUser creates an active user with one grant.
func addUser(t *testing.T, e *testEnv, name string, role weijian.Role, unit string) {
	t.Helper()
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	u := &weijian.User{Username: name, DisplayName: name, Active: true, PasswordHash: hash,
		Grants: []weijian.Grant{{Role: role, OrgUnitCode: unit}}}
	if err := e.store.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
}

var navLink = regexp.MustCompile(`<a href="(/[^"]*)"`)

// navLinks returns the links of the sidebar menu of a page.
func navLinks(t *testing.T, body string) []string {
	t.Helper()
	_, nav, ok := strings.Cut(body, `<nav class="sidebar"`)
	if !ok {
		t.Fatal("no sidebar")
	}
	nav, _, _ = strings.Cut(nav, "</nav>")
	var out []string
	for _, m := range navLink.FindAllStringSubmatch(nav, -1) {
		out = append(out, m[1])
	}
	return out
}

// Each role is offered only what it can use: every menu entry opens (no
// 403 behind a link), the entries it cannot use are absent, and the home
// page leads somewhere rather than only saying what is forbidden (issue
// 12, item 10).
func TestMenuAndHomePerRole(t *testing.T) {
	e := newEnv(t)
	addUser(t, e, "hosp", weijian.RoleHospitalReporter, "320685000000-ZH01")
	addUser(t, e, "vdoc", weijian.RoleVillageDoctor, codeZhongba)
	addUser(t, e, "analyst", weijian.RoleCountyAnalyst, codeHaian)
	addUser(t, e, "cdc", weijian.RoleCDCStaff, codeHaian)
	cases := []struct {
		user    string
		want    []string // menu entries
		notWant []string
		home    []string // on the home page
	}{
		{"admin", []string{"/", "/orgunits", "/population", "/import", "/users", "/audit"}, nil, []string{"常用功能", "各下级区划常住人口"}},
		{"analyst", []string{"/orgunits", "/population"}, []string{"/import", "/users"}, []string{"各下级区划常住人口"}},
		{"cdc", []string{"/orgunits", "/population"}, []string{"/import", "/users"}, []string{"传染病监测预警"}},
		{"town", []string{"/orgunits", "/population"}, []string{"/import", "/users"}, []string{"各下级区划常住人口", "居民档案", "随访提醒"}},
		{"vdoc", []string{"/orgunits", "/population"}, []string{"/import", "/users"}, []string{"中坝社区居委会", "常住人口"}},
		{"hosp", []string{"/", "/orgunits"}, []string{"/population", "/import", "/users"},
			[]string{"海安市人民医院", "本单位", "所在区划", "常用功能", "传染病监测预警"}},
	}
	for _, c := range cases {
		t.Run(c.user, func(t *testing.T) {
			cl := e.login(t, c.user)
			res, body := cl.get("/")
			wantStatus(t, res, body, http.StatusOK)
			wantContains(t, body, c.home...)
			for _, bad := range []string{"您无权查看该单位的人口数据", "⟦"} {
				if strings.Contains(body, bad) {
					t.Errorf("home page of %s shows %q", c.user, bad)
				}
			}
			links := navLinks(t, body)
			for _, w := range c.want {
				if !contains(strings.Join(links, " ")+" ", w+" ") {
					t.Errorf("%s's menu lacks %s: %v", c.user, w, links)
				}
			}
			for _, w := range c.notWant {
				if contains(strings.Join(links, " ")+" ", w+" ") {
					t.Errorf("%s's menu offers %s: %v", c.user, w, links)
				}
			}
			for _, l := range links {
				if res, body := cl.get(l); res.StatusCode != http.StatusOK {
					t.Errorf("%s: menu entry %s answers %d\n%.300s", c.user, l, res.StatusCode, body)
				}
			}
		})
	}
}

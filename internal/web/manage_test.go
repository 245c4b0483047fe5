package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/auth"
	"github.com/weijian-health/weijian/internal/tabular"
)

// scopedEnv adds an administrator of 海安镇 (tadmin) and users around it:
// inner (inside 海安镇 only), wide (海安镇 and the county), global (海安镇
// and the whole tree) and outside (城东镇).
func scopedEnv(t *testing.T) *testEnv {
	t.Helper()
	e := newEnv(t)
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []*weijian.User{
		{Username: "tadmin", DisplayName: "海安镇管理员", Grants: []weijian.Grant{{Role: weijian.RoleCountyAdmin, OrgUnitCode: codeHaianZhen}}},
		{Username: "inner", DisplayName: "村医", Grants: []weijian.Grant{{Role: weijian.RoleVillageDoctor, OrgUnitCode: codeZhongba}}},
		{Username: "wide", DisplayName: "两级", Grants: []weijian.Grant{{Role: weijian.RoleTownshipStaff, OrgUnitCode: codeHaianZhen},
			{Role: weijian.RoleCountyAnalyst, OrgUnitCode: codeHaian}}},
		{Username: "global", DisplayName: "全域", Grants: []weijian.Grant{{Role: weijian.RoleTownshipStaff, OrgUnitCode: codeHaianZhen},
			{Role: weijian.RoleCDCStaff}}},
		{Username: "outside", DisplayName: "城东", Grants: []weijian.Grant{{Role: weijian.RoleTownshipStaff, OrgUnitCode: codeChengdong}}},
	} {
		u.Active, u.PasswordHash = true, hash
		if err := e.store.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		e.seed.users[u.Username] = u.ID
	}
	return e
}

// manageable is who tadmin manages: the users all of whose grants lie in
// 海安镇, except tadmin itself (an administrator manages no peer, nor itself).
var manageable = []string{"inner", "town"}

// An administrator of 海安镇 lists, exports, reads and changes only the
// users all of whose grants lie inside 海安镇 — the store's rule — and
// never one who also holds a grant over the county or the whole tree.
func TestScopedAdminManagesOnlyItsUsers(t *testing.T) {
	e := scopedEnv(t)
	c := e.login(t, "tadmin")

	res, body := c.get("/users")
	wantStatus(t, res, body, http.StatusOK)
	var listed []string
	for name := range e.seed.users {
		if strings.Contains(body, `<td class="mono">`+name+`</td>`) {
			listed = append(listed, name)
		}
	}
	slices.Sort(listed)
	if diff := cmp.Diff(manageable, listed); diff != "" {
		t.Errorf("users page (-want +got):\n%s", diff)
	}

	res, body = c.get("/users/export?format=csv")
	wantStatus(t, res, body, http.StatusOK)
	tb, err := tabular.Read("users.csv", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var exported []string
	for _, row := range tb.Rows {
		exported = append(exported, row.Get(0))
	}
	if diff := cmp.Diff(manageable, exported); diff != "" {
		t.Errorf("users export (-want +got):\n%s", diff)
	}

	var api list[userJSON]
	if st := c.api("GET", "/api/v1/users", nil, &api); st != http.StatusOK {
		t.Fatalf("GET /api/v1/users: %d", st)
	}
	var fromAPI []string
	for _, u := range api.Items {
		fromAPI = append(fromAPI, u.Username)
	}
	if diff := cmp.Diff(manageable, fromAPI); diff != "" || api.Total != len(manageable) {
		t.Errorf("API list, total %d (-want +got):\n%s", api.Total, diff)
	}

	for name, uid := range e.seed.users {
		want := http.StatusNotFound
		if slices.Contains(manageable, name) {
			want = http.StatusOK
		}
		if res, body := c.get("/users/" + id(uid)); res.StatusCode != want {
			t.Errorf("GET /users/%d (%s): %d, want %d\n%.300s", uid, name, res.StatusCode, want, body)
		}
		if st := c.api("GET", "/api/v1/users/"+id(uid), nil, nil); st != want {
			t.Errorf("GET /api/v1/users/%d (%s): %d, want %d", uid, name, st, want)
		}
	}
}

// No change reaches a user beyond the scope, through a form or the API.
func TestScopedAdminCannotEditWiderUsers(t *testing.T) {
	e := scopedEnv(t)
	c := e.login(t, "tadmin")
	for _, name := range []string{"wide", "global", "outside", "hadmin"} {
		uid := e.seed.users[name]
		before, err := e.store.UserByID(ctx, uid)
		if err != nil {
			t.Fatal(err)
		}
		path := "/users/" + id(uid)
		for sub, form := range map[string]url.Values{
			"":            {"displayName": {"改名"}, "phone": {"1"}},
			"/grants":     {"role": {"village_doctor"}, "unit": {codeZhongba}},
			"/deactivate": nil, "/activate": nil, "/unlock": nil, "/password": nil,
		} {
			if res, body := c.post(path+sub, form); res.StatusCode != http.StatusNotFound {
				t.Errorf("POST %s%s (%s): %d, want 404\n%.300s", path, sub, name, res.StatusCode, body)
			}
		}
		api := "/api/v1" + path
		for _, call := range []struct {
			method, path string
			body         any
		}{
			{"PATCH", api, map[string]any{"displayName": "改名", "active": false}},
			{"PUT", api + "/grants", map[string]any{"grants": []map[string]string{{"role": "village_doctor", "orgUnit": codeZhongba}}}},
			{"POST", api + "/password", nil},
			{"POST", api + "/unlock", nil},
		} {
			var out apiErr
			if st := c.api(call.method, call.path, call.body, &out); st != http.StatusNotFound || out.Error.Kind != "not_found" {
				t.Errorf("%s %s (%s): %d %+v, want 404", call.method, call.path, name, st, out)
			}
		}
		after, err := e.store.UserByID(ctx, uid)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(before, after); diff != "" {
			t.Errorf("%s changed (-before +after):\n%s", name, diff)
		}
	}
	// What the administrator of the whole tree does to wide is not in
	// tadmin's audit log either.
	admin := e.login(t, "admin")
	if st := admin.api("PATCH", "/api/v1/users/"+id(e.seed.users["wide"]), map[string]any{"phone": "2"}, nil); st != http.StatusOK {
		t.Fatalf("admin edits wide: %d", st)
	}
	var audit list[weijian.AuditEntry]
	c.api("GET", "/api/v1/audit", nil, &audit)
	for _, en := range audit.Items {
		if en.Target == "wide" || en.Actor == "wide" || en.Target == "global" {
			t.Errorf("tadmin's audit log shows %+v", en)
		}
	}
}

// canManage, which guards reading and changing one user, is the store's
// rule for listing them, scope by scope.
func TestCanManageIsTheStoreRule(t *testing.T) {
	e := scopedEnv(t)
	path := func(code string) string {
		u, err := e.store.OrgUnit(ctx, weijian.ScopeAll(), code)
		if err != nil {
			t.Fatal(err)
		}
		return u.Path
	}
	all, err := e.store.ListUsers(ctx, weijian.ScopeAll(), weijian.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range []weijian.Scope{weijian.ScopeAll(), {}, weijian.ScopeOf(path(codeHaianZhen)),
		weijian.ScopeOf(path(codeHaian)), weijian.ScopeOf(path(codeZhongba)), weijian.ScopeOf(path(codeNantong)),
		weijian.ScopeOf(path(codeHaianZhen), path(codeChengdong))} {
		listed, err := e.store.ListUsers(ctx, sc, weijian.UserFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var want, got []string
		for _, u := range listed {
			want = append(want, u.Username)
		}
		for _, u := range all {
			if canManage(sc, u) {
				got = append(got, u.Username)
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("scope %v: canManage differs from ListUsers (-store +canManage):\n%s", sc.Paths(), diff)
		}
	}
}

// The audit page filters in the database and offers the actions found in
// the caller's part of the log, named in the page's language.
func TestAuditActionChoices(t *testing.T) {
	e := scopedEnv(t)
	admin := e.login(t, "admin")
	res, body := admin.get("/audit?action=login")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, `<option value="login" selected>登录</option>`, `<option value="orgunit.import">导入区划机构</option>`,
		`<option value="population.import">导入人口</option>`)
	if strings.Contains(body, "<td>导入区划机构</td>") {
		t.Errorf("action=login lists an import")
	}
	res, body = admin.get("/audit?action=no.such")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, `<option value="no.such" selected>`, "没有记录")

	c := e.login(t, "tadmin")
	res, body = c.get("/audit")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, `<option value="login">登录</option>`)
	// The seed's imports covered 海安镇: its administrator sees them.
	wantContains(t, body, `value="orgunit.import"`, `value="population.import"`)
	var audit list[weijian.AuditEntry]
	c.api("GET", "/api/v1/audit?q=ADMIN", nil, &audit) // case-insensitive, and only tadmin's
	if audit.Total == 0 {
		t.Errorf("no entries for q=ADMIN")
	}
	for _, en := range audit.Items {
		if en.Actor != "tadmin" && en.Target != "tadmin" {
			t.Errorf("tadmin sees %+v", en)
		}
	}
}

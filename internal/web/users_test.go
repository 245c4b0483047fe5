package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

type userJSON struct {
	ID          int64  `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"displayName"`
	Active      bool   `json:"active"`
	Grants      []struct {
		Role        string `json:"role"`
		OrgUnit     string `json:"orgUnit"`
		OrgUnitName string `json:"orgUnitName"`
	} `json:"grants"`
}

func TestUserAPI(t *testing.T) {
	e := newEnv(t)
	admin := e.login(t, "admin")
	var created struct {
		User     userJSON `json:"user"`
		Password string   `json:"password"`
	}
	in := map[string]any{"username": "li.village", "displayName": "李村医", "phone": "0513-1234",
		"grants": []map[string]string{{"role": "village_doctor", "orgUnit": codeZhongba}}}
	if st := admin.api("POST", "/api/v1/users", in, &created); st != http.StatusCreated {
		t.Fatalf("create: %d %+v", st, created)
	}
	u := created.User
	if created.Password == "" || u.ID == 0 || !u.Active || len(u.Grants) != 1 || u.Grants[0].OrgUnitName != "中坝社区居委会" {
		t.Fatalf("created %+v", created)
	}
	path := "/api/v1/users/" + id(u.ID)
	var conflict apiErr
	if st := admin.api("POST", "/api/v1/users", in, &conflict); st != http.StatusConflict || conflict.Error.Kind != "conflict" {
		t.Errorf("duplicate: %d %+v", st, conflict)
	}
	var got userJSON
	if st := admin.api("PATCH", path, map[string]any{"displayName": "李医生", "active": false}, &got); st != http.StatusOK ||
		got.DisplayName != "李医生" || got.Active {
		t.Errorf("patch: %d %+v", st, got)
	}
	grants := map[string]any{"grants": []map[string]string{{"role": "township_staff", "orgUnit": "海安镇"}}}
	if st := admin.api("PUT", path+"/grants", grants, &got); st != http.StatusOK || got.Grants[0].OrgUnit != codeHaianZhen {
		t.Errorf("grants by unit name: %d %+v", st, got)
	}
	admin.api("PATCH", path, map[string]any{"active": true}, &got)
	var pw struct{ Password string }
	if st := admin.api("POST", path+"/password", nil, &pw); st != http.StatusOK || len(pw.Password) < 8 {
		t.Fatalf("reset: %d %+v", st, pw)
	}
	c := e.client(t)
	res, body := c.post("/login", url.Values{"username": {"li.village"}, "password": {pw.Password}})
	wantStatus(t, res, body, http.StatusSeeOther)

	var users list[userJSON]
	admin.api("GET", "/api/v1/users?role=township_staff&active=1", nil, &users)
	if users.Total != 2 {
		t.Errorf("township staff: %+v", users)
	}
	var audit list[struct{ Action, Target string }]
	admin.api("GET", "/api/v1/audit?q=li.village", nil, &audit)
	if audit.Total < 4 {
		t.Errorf("audit entries for the new user: %+v", audit)
	}
}

func TestUserAPIValidation(t *testing.T) {
	e := newEnv(t)
	admin := e.login(t, "admin")
	var out apiErr
	bad := map[string]any{"username": "x", "displayName": "", "grants": []map[string]string{{"role": "king", "orgUnit": codeHaian}}}
	if st := admin.api("POST", "/api/v1/users?lang=en", bad, &out); st != http.StatusBadRequest || out.Error.Kind != "invalid" ||
		len(out.Error.Issues) != 2 || out.Error.Issues[0].Field != "username" || !strings.Contains(out.Error.Message, "not valid") {
		t.Errorf("invalid profile: %d %+v", st, out)
	}
	weak := map[string]any{"username": "weakling", "displayName": "W", "password": "abc",
		"grants": []map[string]string{{"role": "county_analyst", "orgUnit": codeHaian}}}
	if st := admin.api("POST", "/api/v1/users", weak, &out); st != http.StatusBadRequest || !strings.Contains(out.Error.Message, "密码") {
		t.Errorf("weak password: %d %+v", st, out)
	}
	if st := admin.api("POST", "/api/v1/users", map[string]any{"nope": 1}, &out); st != http.StatusBadRequest {
		t.Errorf("unknown field: %d %+v", st, out)
	}
	// An administrator does not manage itself (nor a peer): its own
	// account is not found on the user pages and API.
	self := "/api/v1/users/" + id(e.seed.users["admin"])
	if st := admin.api("PATCH", self, map[string]any{"active": false}, &out); st != http.StatusNotFound {
		t.Errorf("self-deactivation: %d %+v", st, out)
	}
	noAdmin := map[string]any{"grants": []map[string]string{{"role": "county_analyst"}}}
	if st := admin.api("PUT", self+"/grants", noAdmin, &out); st != http.StatusNotFound {
		t.Errorf("removing one's own admin role: %d %+v", st, out)
	}
}

// An administrator of 海安市 grants only within 海安市, and does not see
// accounts reaching beyond it.
func TestRestrictedAdmin(t *testing.T) {
	e := newEnv(t)
	h := e.login(t, "hadmin")
	grant := func(unit string) int {
		in := map[string]any{"username": "u" + strings.ReplaceAll(unit, "-", ""), "displayName": "U",
			"grants": []map[string]string{{"role": "township_staff", "orgUnit": unit}}}
		var out map[string]any
		return h.api("POST", "/api/v1/users", in, &out)
	}
	if st := grant(codeChengdong); st != http.StatusCreated {
		t.Errorf("grant within scope: %d", st)
	}
	for _, unit := range []string{codeNantong, "", "999999999999"} {
		if st := grant(unit); st != http.StatusBadRequest {
			t.Errorf("grant at %q: %d, want 400", unit, st)
		}
	}
	var out apiErr
	if st := h.api("GET", "/api/v1/users/"+id(e.seed.users["admin"]), nil, &out); st != http.StatusNotFound {
		t.Errorf("an account beyond the scope: %d", st)
	}
	var users list[userJSON]
	h.api("GET", "/api/v1/users", nil, &users)
	for _, u := range users.Items {
		if u.Username == "admin" {
			t.Errorf("hadmin lists admin")
		}
	}
	res, body := h.get("/users/" + id(e.seed.users["admin"]))
	wantStatus(t, res, body, http.StatusNotFound)
}

func TestUserPages(t *testing.T) {
	e := newEnv(t)
	admin := e.login(t, "admin")
	res, body := admin.get("/users?q=town")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "海安镇卫生院", "乡镇卫生院人员")

	form := url.Values{"username": {"wang"}, "displayName": {"王医生"}, "pwmode": {"generate"},
		"role": {"village_doctor", ""}, "unit": {codeZhongba, ""}}
	res, body = admin.post("/users", form)
	wantStatus(t, res, body, http.StatusCreated)
	wantContains(t, body, "用户已创建", "此密码只显示这一次")
	_, rest, _ := strings.Cut(body, `data-testid="new-password">`)
	pw, _, _ := strings.Cut(rest, "<")
	if len(pw) < 8 {
		t.Fatalf("no password shown")
	}

	form.Set("username", "zhao")
	form.Set("pwmode", "typed")
	form.Set("password", "short")
	res, body = admin.post("/users", form)
	wantStatus(t, res, body, http.StatusUnprocessableEntity)
	wantContains(t, body, "密码长度应为8至128个字符", `value="zhao"`, `value="`+codeZhongba+`"`)

	var users list[userJSON]
	admin.api("GET", "/api/v1/users?q=wang", nil, &users)
	uid := id(users.Items[0].ID)
	res, _ = admin.post("/users/"+uid+"/deactivate", nil)
	wantStatus(t, res, "", http.StatusSeeOther)
	c := e.client(t)
	res, body = c.post("/login", url.Values{"username": {"wang"}, "password": {pw}})
	wantStatus(t, res, body, http.StatusUnauthorized)
	res, _ = admin.post("/users/"+uid+"/activate", nil)
	wantStatus(t, res, "", http.StatusSeeOther)
	res, body = admin.get(res.Header.Get("Location"))
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "账户已启用", "王医生", "中坝社区居委会")

	res, body = admin.post("/users/"+uid+"/grants", url.Values{"role": {"township_staff"}, "unit": {codeNantong}})
	wantStatus(t, res, body, http.StatusSeeOther) // the admin of the whole tree may grant 南通市
	res, body = admin.post("/users/"+uid+"/password", nil)
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "密码已重置")

	res, body = admin.post("/users/"+id(e.seed.users["admin"])+"/deactivate", nil)
	wantStatus(t, res, body, http.StatusNotFound) // nobody manages itself

	res, body = admin.get("/audit?q=wang")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "创建用户", "停用账户")
}

func TestChangePassword(t *testing.T) {
	e := newEnv(t)
	c := e.login(t, "town")
	res, body := c.post("/account/password", url.Values{"old": {"nope"}, "new": {"New#Pass2024"}, "confirm": {"New#Pass2024"}})
	wantStatus(t, res, body, http.StatusUnprocessableEntity)
	wantContains(t, body, "原密码不正确")
	res, body = c.post("/account/password", url.Values{"old": {testPassword}, "new": {"New#Pass2024"}, "confirm": {"other"}})
	wantStatus(t, res, body, http.StatusUnprocessableEntity)
	wantContains(t, body, "两次输入的新密码不一致")
	res, body = c.post("/account/password", url.Values{"old": {testPassword}, "new": {"abcdefgh"}, "confirm": {"abcdefgh"}})
	wantStatus(t, res, body, http.StatusUnprocessableEntity)
	wantContains(t, body, "密码须包含小写字母、大写字母、数字、符号中的至少三类")
	res, body = c.post("/account/password", url.Values{"old": {testPassword}, "new": {"New#Pass2024"}, "confirm": {"New#Pass2024"}})
	wantStatus(t, res, body, http.StatusSeeOther)
	res, body = c.get("/account?ok=password") // still logged in, with a new session
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "密码已修改", "乡镇卫生院人员", "海安镇")
	other := e.client(t)
	res, _ = other.post("/login", url.Values{"username": {"town"}, "password": {testPassword}})
	wantStatus(t, res, "", http.StatusUnauthorized)
}

// New usernames follow weijian.ValidUsername in the form and the API,
// with its message; names differing only in case clash.
func TestNewUsernameRule(t *testing.T) {
	e := newEnv(t)
	admin := e.login(t, "admin")
	grants := []map[string]string{{"role": "village_doctor", "orgUnit": codeZhongba}}
	for _, name := range []string{"x", "李四", "li si", ".li", "li/x", "ｌｉ", "li\u200b", strings.Repeat("a", 33)} {
		var out apiErr
		in := map[string]any{"username": name, "displayName": "李", "grants": grants}
		if st := admin.api("POST", "/api/v1/users", in, &out); st != http.StatusBadRequest || len(out.Error.Issues) != 1 ||
			out.Error.Issues[0].Field != "username" || !strings.Contains(out.Error.Issues[0].Message, "用户名应为2–32位") {
			t.Errorf("API username %q: %d %+v", name, st, out)
		}
		form := url.Values{"username": {name}, "displayName": {"李"}, "pwmode": {"generate"}, "role": {"village_doctor"}, "unit": {codeZhongba}}
		res, body := admin.post("/users", form)
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "用户名应为2–32位英文字母、数字或 . _ -，且以字母或数字开头")
	}
	var created struct{ User userJSON }
	if st := admin.api("POST", "/api/v1/users", map[string]any{"username": "Li", "displayName": "李", "grants": grants}, &created); st != http.StatusCreated {
		t.Fatalf("two-letter username: %d", st)
	}
	var out apiErr
	if st := admin.api("POST", "/api/v1/users", map[string]any{"username": "lI", "displayName": "李", "grants": grants}, &out); st != http.StatusConflict {
		t.Errorf("a name differing in case only: %d %+v", st, out)
	}
}

package web

import (
	"net/http"
	"testing"
)

// A township user sees its own town, and the names of the units above it,
// but neither another town nor the population of the county.
func TestTownshipScope(t *testing.T) {
	e := newEnv(t)
	c := e.login(t, "town")

	res, body := c.get("/")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "海安镇", "海安市", formatInt(e.seed.haianZhen))

	for path, status := range map[string]int{
		"/orgunits/" + codeHaianZhen:                      http.StatusOK,
		"/orgunits/" + codeZhongba:                        http.StatusOK,
		"/population?unit=" + codeHaianZhen:               http.StatusOK,
		"/orgunits/" + codeChengdong:                      http.StatusNotFound,
		"/population?unit=" + codeChengdong:               http.StatusNotFound,
		"/population?unit=" + codeHaian:                   http.StatusNotFound, // out of scope: 404, as in the API
		"/orgunits/" + codeChengdong + "/tree":            http.StatusNotFound,
		"/orgunits/" + codeHaian + "/children/export":     http.StatusOK, // lists only what the user sees
		"/population/export?unit=" + codeChengdong:        http.StatusNotFound,
		"/orgunits/" + codeChengdong + "/children/export": http.StatusNotFound,
	} {
		res, body := c.get(path)
		if res.StatusCode != status {
			t.Errorf("GET %s: %d, want %d\n%.500s", path, res.StatusCode, status, body)
		}
	}
	// The county page shows the unit but says its population is out of scope.
	res, body = c.get("/orgunits/" + codeHaian)
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "您无权查看该单位的人口数据")

	for path, status := range map[string]int{
		"/api/v1/orgunits/" + codeChengdong:                       http.StatusNotFound,
		"/api/v1/orgunits/" + codeChengdong + "/children":         http.StatusNotFound,
		"/api/v1/orgunits/" + codeChengdong + "/subtree":          http.StatusNotFound,
		"/api/v1/population?unit=" + codeChengdong:                http.StatusNotFound,
		"/api/v1/population?unit=" + codeChengdong + "&year=2024": http.StatusNotFound,
		"/api/v1/population/years?unit=" + codeChengdong:          http.StatusNotFound,
		"/api/v1/population?unit=" + codeHaian + "&year=2024":     http.StatusNotFound,
		"/api/v1/population?unit=" + codeHaian:                    http.StatusNotFound,
		"/api/v1/population?unit=" + codeHaianZhen:                http.StatusOK,
	} {
		var out apiErr
		if st := c.api("GET", path, nil, &out); st != status {
			t.Errorf("GET %s: %d, want %d (%+v)", path, st, status, out)
		}
	}
	var found list[struct{ Code string }]
	c.api("GET", "/api/v1/orgunits?q=城东", nil, &found)
	if found.Total != 0 {
		t.Errorf("search outside scope found %d units", found.Total)
	}
	var kids list[struct{ Code string }]
	c.api("GET", "/api/v1/orgunits/"+codeHaian+"/children", nil, &kids)
	if kids.Total != 1 || kids.Items[0].Code != codeHaianZhen {
		t.Errorf("children of the county for a township user: %+v", kids)
	}
}

// Only user administrators reach the user pages and API.
func TestAdminOnly(t *testing.T) {
	e := newEnv(t)
	for _, user := range []string{"town", "reporter"} {
		c := e.login(t, user)
		for _, path := range []string{"/users", "/users/new", "/users/1", "/audit", "/users/export", "/audit/export"} {
			res, body := c.get(path)
			wantStatus(t, res, body, http.StatusForbidden)
		}
		res, body := c.get("/")
		wantStatus(t, res, body, http.StatusOK)
		if contains(body, `href="/users"`) {
			t.Errorf("%s sees the user-management navigation", user)
		}
		var out apiErr
		for _, call := range [][2]string{{"GET", "/api/v1/users"}, {"POST", "/api/v1/users"}, {"GET", "/api/v1/audit"},
			{"POST", "/api/v1/users/1/password"}, {"PUT", "/api/v1/users/1/grants"}} {
			if st := c.api(call[0], call[1], map[string]any{}, &out); st != http.StatusForbidden || out.Error.Kind != "forbidden" {
				t.Errorf("%s %s as %s: %d %+v", call[0], call[1], user, st, out)
			}
		}
	}
}

// A hospital reporter may see org units but not population.
func TestReporterHasNoPopulation(t *testing.T) {
	e := newEnv(t)
	c := e.login(t, "reporter")
	res, body := c.get("/")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "海安市", "常用功能")
	if contains(body, "您无权查看该单位的人口数据") || contains(body, `href="/population`) {
		t.Errorf("the reporter's home page offers population or only says it is forbidden")
	}
	res, body = c.get("/population")
	wantStatus(t, res, body, http.StatusForbidden)
}

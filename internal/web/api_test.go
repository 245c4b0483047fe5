package web

import (
	"net/http"
	"testing"

	"github.com/weijian-health/weijian"
)

func TestOrgUnitAPI(t *testing.T) {
	e := newEnv(t)
	c := e.login(t, "admin")
	var found list[weijian.OrgUnit]
	if st := c.api("GET", "/api/v1/orgunits?q=haz&limit=5", nil, &found); st != http.StatusOK {
		t.Fatal(st)
	}
	if len(found.Items) == 0 || found.Items[0].Name != "海安镇" || found.Items[0].Pinyin != "haz" || found.Total < 1 {
		t.Errorf("search haz: %+v", found)
	}
	c.api("GET", "/api/v1/orgunits?level=town&under="+codeHaian+"&limit=5&offset=10", nil, &found)
	if found.Total != 11 || len(found.Items) != 1 {
		t.Errorf("towns page 3: total %d, %d items", found.Total, len(found.Items))
	}
	c.api("GET", "/api/v1/orgunits?q=3206851000&level=facility", nil, &found)
	if found.Total != 2 {
		t.Errorf("facilities under 海安镇 by code prefix: %+v", found)
	}
	var u weijian.OrgUnit
	if st := c.api("GET", "/api/v1/orgunits/"+codeHaianZhen, nil, &u); st != http.StatusOK || u.Name != "海安镇" ||
		u.Level != weijian.LevelTown || u.ChildCount != 59 || u.ValidFrom.Year() != 2021 {
		t.Errorf("unit: %d %+v", st, u)
	}
	counts := map[string]int{"children": 13, "ancestors": 2, "subtree": 1 + 11 + 239 + 4, "history": 1}
	for sub, want := range counts {
		var l list[map[string]any]
		if st := c.api("GET", "/api/v1/orgunits/"+codeHaian+"/"+sub, nil, &l); st != http.StatusOK || l.Total != want || len(l.Items) != want {
			t.Errorf("%s: %d, %d items (total %d), want %d", sub, st, len(l.Items), l.Total, want)
		}
	}
	var out apiErr
	if st := c.api("GET", "/api/v1/orgunits/123?lang=en", nil, &out); st != http.StatusNotFound || out.Error.Kind != "not_found" ||
		out.Error.Message != "org unit 123 not found" {
		t.Errorf("missing unit: %d %+v", st, out)
	}
	var levels list[weijian.Level]
	if c.api("GET", "/api/v1/levels", nil, &levels); levels.Total != 6 {
		t.Errorf("levels: %+v", levels)
	}
}

func TestPopulationAPI(t *testing.T) {
	e := newEnv(t)
	c := e.login(t, "admin")
	var p weijian.Population
	if st := c.api("GET", "/api/v1/population?unit="+codeHaian, nil, &p); st != http.StatusOK {
		t.Fatal(st)
	}
	if p.Year != 2024 || p.Total != e.seed.total2024 || p.Male+p.Female != p.Total || p.Source != "below" {
		t.Errorf("county 2024: %+v (want total %d)", p, e.seed.total2024)
	}
	c.api("GET", "/api/v1/population?unit="+codeHaianZhen+"&year=2024&bands=0-14,15-64,65%2B", nil, &p)
	if len(p.Cells) != 6 || p.Total != e.seed.haianZhen || p.BelowTotal != e.seed.haianBelow || p.Source != "own" {
		t.Errorf("海安镇 in 3 bands: %+v", p)
	}
	c.api("GET", "/api/v1/population?unit="+codeHaianZhen+"&year=2024&bands=0-14,15-64,65+", nil, &p)
	if len(p.Cells) != 6 || p.Cells[5].Age.To != weijian.AgeOpen {
		t.Errorf("an unencoded 65+: %+v", p.Cells)
	}
	var out apiErr
	for path, status := range map[string]int{
		"/api/v1/population?unit=" + codeHaian + "&year=abc":   http.StatusBadRequest,
		"/api/v1/population?unit=" + codeHaian + "&bands=zz":   http.StatusBadRequest,
		"/api/v1/population?unit=" + codeHaian + "&bands=0-20": http.StatusBadRequest, // straddles the stored 5-year bands
		"/api/v1/population?unit=404":                          http.StatusNotFound,
	} {
		if st := c.api("GET", path, nil, &out); st != status || out.Error.Message == "" {
			t.Errorf("%s: %d %+v, want %d", path, st, out, status)
		}
	}
	var years struct {
		Unit  string
		Years []int
	}
	if c.api("GET", "/api/v1/population/years?unit="+codeZhongba, nil, &years); len(years.Years) != 2 || years.Years[0] != 2024 {
		t.Errorf("years: %+v", years)
	}
}

func TestMeAPI(t *testing.T) {
	e := newEnv(t)
	var me struct {
		Username     string
		Grants       []map[string]string
		Permissions  map[string]scopeJSON
		PasswordHash string
	}
	e.login(t, "town").api("GET", "/api/v1/me", nil, &me)
	if me.Username != "town" || len(me.Grants) != 1 || me.PasswordHash != "" {
		t.Errorf("me: %+v", me)
	}
	if sc := me.Permissions[string(weijian.PermViewPopulation)]; sc.All || len(sc.Units) != 1 || sc.Units[0] != codeHaianZhen {
		t.Errorf("population scope: %+v", me.Permissions)
	}
	if _, ok := me.Permissions[string(weijian.PermManageUsers)]; ok {
		t.Errorf("a township user manages users")
	}
	e.login(t, "admin").api("GET", "/api/v1/me", nil, &me)
	if !me.Permissions[string(weijian.PermManageUsers)].All {
		t.Errorf("admin: %+v", me.Permissions)
	}
}

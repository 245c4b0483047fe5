package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/weijian-health/weijian"
)

// Layout defects of issue 12, item 12, that show in the HTML (the browser
// suite e2e/suites/30-newcomer.mjs measures the rest at 1366×768).
func TestLayoutStates(t *testing.T) {
	e := newEnv(t)
	e.importPop(t, weijian.PopulationRow{UnitCode: codeZhongba, Year: 2030, Sex: weijian.SexMale, Age: weijian.AllAges, Count: 700},
		weijian.PopulationRow{UnitCode: codeZhongba, Year: 2030, Sex: weijian.SexFemale, Age: weijian.AllAges, Count: 650},
		weijian.PopulationRow{UnitCode: codeChengdong, Year: 2030, Age: weijian.AllAges, Count: 9000})
	c := e.login(t, "admin")

	// Totals only: no one-bar pyramid, and one 合计 row, not two.
	res, body := c.get("/population?unit=" + codeZhongba + "&year=2030")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, `data-testid="pop-totals-only"`, "1,350")
	if strings.Contains(body, "chart pyramid") {
		t.Error("a pyramid is drawn for a totals-only population")
	}
	if n := strings.Count(body, ">合计<"); n != 1 {
		t.Errorf("%d rows say 合计, want 1", n)
	}
	// 城东镇 has its own 2030 total and no village figures: the sub-unit
	// table says so instead of showing an empty table.
	res, body = c.get("/population?unit=" + codeChengdong + "&year=2030")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "下级单位均无 2030 年的人口数据")

	// 最近登录 of a user who never logged in.
	res, body = c.get("/users")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "从未登录")
	res, body = c.get("/users/" + id(e.seed.users["town"]))
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "从未登录")

	// The sub-unit table of the county takes the full width (its own
	// panel, not half of a two-column grid), and the chart of many areas
	// scrolls in a box of its own.
	res, body = c.get("/orgunits/" + codeHaian)
	wantStatus(t, res, body, http.StatusOK)
	if i := strings.Index(body, `data-testid="children-panel"`); i < 0 || strings.Contains(body[max(0, i-200):i], `class="grid-2"`) {
		t.Error("the sub-unit table is in a half-width column")
	}
	res, body = e.login(t, "town").get("/")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, `<div class="chart-scroll" data-testid="home-pop-chart"><div class="chart"`)
}

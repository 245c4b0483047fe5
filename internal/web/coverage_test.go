package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/weijian-health/weijian"
)

// Figures for 2 of the county's villages in a new year are not the
// county's population: every page and the API say how complete a figure
// is, and the default year is the latest complete one (issue 12, item 1).
func TestPartialPopulationIsLabelled(t *testing.T) {
	e := newEnv(t)
	e.importPop(t, weijian.PopulationRow{UnitCode: codeZhongba, Year: 2025, Sex: weijian.SexMale, Age: weijian.AllAges, Count: 6000},
		weijian.PopulationRow{UnitCode: "320685100002", Year: 2025, Sex: weijian.SexFemale, Age: weijian.AllAges, Count: 6820})
	c := e.login(t, "admin")
	all := formatInt(int64(e.seed.villages))

	// The default is 2024, complete; 2025 is offered and marked.
	res, body := c.get("/")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "2024年", formatInt(e.seed.total2024), "覆盖 "+all+"/"+all+" 个村（社区）", "2025 · 不完整 2/"+all)
	res, body = c.get("/?year=2025")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "12,820", "覆盖 2/"+all+" 个村（社区）", "此数字不是全部人口", "查看最近的完整年份（2024年）")

	for _, path := range []string{"/orgunits/" + codeHaian + "?year=2025", "/orgunits/320000000000?year=2025",
		"/population?unit=" + codeHaian + "&year=2025"} {
		res, body = c.get(path)
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, `data-testid="pop-coverage"`, "覆盖 2/"+all+" 个村（社区）")
	}
	// The sub-unit table of the county: 海安镇 is partial, with its count.
	res, body = c.get("/orgunits/" + codeHaian + "?year=2025")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, `data-testid="child-coverage">覆盖 2/`)
	if strings.Count(body, `data-testid="child-coverage"`) != 1 {
		t.Errorf("only 海安镇 has 2025 figures: want one partial note in the sub-unit table")
	}

	var p struct {
		Year     int   `json:"year"`
		Total    int64 `json:"total"`
		Covered  int   `json:"coveredUnits"`
		Expected int   `json:"expectedUnits"`
	}
	if st := c.api("GET", "/api/v1/population?unit="+codeHaian, nil, &p); st != http.StatusOK || p.Year != 2024 ||
		p.Covered != e.seed.villages || p.Expected != e.seed.villages {
		t.Errorf("API default: %d %+v, want 2024 complete", st, p)
	}
	if st := c.api("GET", "/api/v1/population?unit="+codeHaian+"&year=2025", nil, &p); st != http.StatusOK ||
		p.Total != 12820 || p.Covered != 2 || p.Expected != e.seed.villages {
		t.Errorf("API 2025: %d %+v, want 12820 covering 2/%d", st, p, e.seed.villages)
	}
	var y struct {
		Years    []int                  `json:"years"`
		Coverage []weijian.YearCoverage `json:"coverage"`
		Latest   int                    `json:"latestComplete"`
	}
	if st := c.api("GET", "/api/v1/population/years?unit="+codeHaian, nil, &y); st != http.StatusOK || y.Latest != 2024 ||
		len(y.Coverage) != 3 || y.Coverage[0].Covered != 2 {
		t.Errorf("API years: %d %+v", st, y)
	}
}

// importPop stores population rows over the seed.
func (e *testEnv) importPop(t *testing.T, rows ...weijian.PopulationRow) {
	t.Helper()
	if _, err := e.store.ImportPopulation(ctx, weijian.ScopeAll(), rows, weijian.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
}

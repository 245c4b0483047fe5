package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/weijian-health/weijian/internal/analytics"
	"github.com/weijian-health/weijian/internal/analytics/analyticstest"
)

// analyticsEnv is the test server with the analytics service over the
// fixed test evaluator (海安镇 counts 3 a day in 2024).
func analyticsEnv(t *testing.T) *testEnv {
	e := newEnv(t)
	e.srv.analytics = &analytics.Service{Eval: analyticstest.NewFixed(), Store: e.store}
	return e
}

type apiTarget struct {
	Indicator string  `json:"indicator"`
	OU        string  `json:"ou"`
	Year      int     `json:"year"`
	Value     float64 `json:"value"`
	Method    string  `json:"method,omitempty"`
}

// The county's towns to 30 June 2024: 海安镇 counts 3 × 182 = 546. Its
// 任务数 of 1000, set by the county and allocated, gives 完成率 54.6%
// against a pace of 182/366 = 49.73%: 超序时.
func TestAPIAnalyticsAndTargets(t *testing.T) {
	e := analyticsEnv(t)
	admin, town := e.login(t, "hadmin"), e.login(t, "town")
	grid := "/api/v1/analytics?ind=screen&ou=" + codeHaian + "&ouMode=children&pe=2024&asOf=2024-06-30"
	var resp analytics.Response
	if st := admin.api("GET", grid, nil, &resp); st != http.StatusOK || len(resp.Cells) < 2 {
		t.Fatalf("grid: %d %+v", st, resp)
	}
	if c := resp.Cells[1]; c.OrgUnit != codeHaianZhen || c.Value != "546" || c.Target != nil {
		t.Errorf("海安镇 before targets: %+v", c)
	}
	// A township may set its own town's target, not the county's, and may
	// not allocate from the county.
	var out map[string]any
	if st := town.api("POST", "/api/v1/targets", map[string]any{"targets": []apiTarget{{"screen", codeHaian, 2024, 5000, ""}}}, &out); st != http.StatusBadRequest {
		t.Errorf("town sets the county's target: %d %v", st, out)
	}
	if st := town.api("POST", "/api/v1/targets/allocate", map[string]any{"indicator": "screen", "ou": codeHaian, "year": 2024, "value": 5000}, &out); st != http.StatusForbidden {
		t.Errorf("town allocates from the county: %d %v", st, out)
	}
	var alloc struct{ Targets []apiTarget }
	if st := admin.api("POST", "/api/v1/targets/allocate", map[string]any{"indicator": "screen", "ou": codeHaian, "year": 2024,
		"value": 20000}, &alloc); st != http.StatusOK {
		t.Fatalf("allocate: %d %+v", st, alloc)
	}
	sum := 0.0
	for _, x := range alloc.Targets[1:] {
		sum += x.Value
	}
	if alloc.Targets[0].Value != 20000 || sum != 20000 {
		t.Errorf("allocation: county %v, towns sum to %v; want 20000 both", alloc.Targets[0].Value, sum)
	}
	// Now by hand for 海安镇's own figure: set it to 1000.
	var summary map[string]int
	if st := town.api("POST", "/api/v1/targets", map[string]any{"targets": []apiTarget{{"screen", codeHaianZhen, 2024, 1000, ""}}}, &summary); st != http.StatusOK || summary["updated"] != 1 {
		t.Errorf("town sets its own target: %d %v", st, summary)
	}
	resp = analytics.Response{}
	admin.api("GET", grid, nil, &resp)
	c := resp.Cells[1]
	if c.Target == nil || *c.Target != 1000 || c.Completion == nil || *c.Completion < 54.59 || *c.Completion > 54.61 || c.PaceFlag != analytics.Ahead {
		t.Errorf("海安镇 after targets: %+v", c)
	}
	var list struct{ Targets []apiTarget }
	if st := town.api("GET", "/api/v1/targets?ind=screen&year=2024", nil, &list); st != http.StatusOK || len(list.Targets) == 0 {
		t.Fatalf("list: %d %+v", st, list)
	}
	for _, x := range list.Targets {
		if !strings.HasPrefix(x.OU, "320685100") {
			t.Errorf("town user lists %s's target", x.OU)
		}
	}
}

// Bad parameters are a 400 naming the parameter; CSV has machine columns.
func TestAPIAnalyticsParamsAndCSV(t *testing.T) {
	e := analyticsEnv(t)
	c := e.login(t, "hadmin")
	for param, query := range map[string]string{
		"ind":    "ou=" + codeHaian,
		"ou":     "ind=screen",
		"pe":     "ind=screen&ou=" + codeHaian + "&pe=2024Q5",
		"asOf":   "ind=screen&ou=" + codeHaian + "&asOf=30/06/2024",
		"ouMode": "ind=screen&ou=" + codeHaian + "&ouMode=tree",
		"format": "ind=screen&ou=" + codeHaian + "&format=pdf",
	} {
		var body struct {
			Error struct {
				Message string
				Issues  []struct{ Field string }
			}
		}
		st := c.api("GET", "/api/v1/analytics?"+query, nil, &body)
		if st != http.StatusBadRequest || len(body.Error.Issues) == 0 || body.Error.Issues[0].Field != param || !strings.Contains(body.Error.Message, param) {
			t.Errorf("%s: %d %+v, want a 400 naming %s", query, st, body, param)
		}
	}
	res, body := c.get("/api/v1/analytics?ind=screen&ou=" + codeHaianZhen + "&pe=2024&asOf=2024-06-30&format=csv")
	wantStatus(t, res, body, http.StatusOK)
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(body, "\ufeff")), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "indicator,indicator_name,unit,ou,ou_name,pe,numerator") ||
		!strings.HasPrefix(lines[1], "screen,两癌检查人数,count,"+codeHaianZhen+",海安镇,2024,546,,546,546,,,,,,,434.4,436.8,,") {
		t.Errorf("CSV:\n%s", body)
	}
	e.srv.analytics = nil
	res, body = c.get("/api/v1/analytics?ind=screen&ou=" + codeHaian)
	wantStatus(t, res, body, http.StatusNotFound)
}

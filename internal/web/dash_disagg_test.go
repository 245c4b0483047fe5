package web

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/weijian-health/weijian"
)

// addWoman adds to the dashboard's four men (born 1960-03-01, 64 on 30
// June 2024) 王戊, a woman born 1950-01-01 (74) in 东城社区 with four
// follow-ups by June (规范): 规范管理率 at 海安市 is then 3/5, by sex 男
// 2/4 and 女 1/1, by age 35–64岁 2/4 and 65岁及以上 1/1.
func addWoman(t *testing.T, e *testEnv) {
	t.Helper()
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	h := weijian.History{Person: &weijian.Person{County: "320685", DocType: weijian.DocHousehold, Name: "王戊", Sex: weijian.SexFemale,
		BirthDate: day("1950-01-01"), VillageCode: codeDongcheng, Phone: "13812345679"},
		Enrollments: []*weijian.Enrollment{{Programme: "hypertension", EnrolledOn: day("2023-01-05"), OrgCode: codeDongcheng,
			Values: map[string]any{"diagnosis_date": "2022-12-01"}}}}
	for _, d := range []string{"2024-01-10", "2024-03-10", "2024-05-10", "2024-06-20"} {
		h.Events = append(h.Events, &weijian.Event{Programme: "hypertension", Stage: "followup", Date: day(d), OrgCode: codeDongcheng,
			Values: map[string]any{"sbp": 130, "dbp": 80, "bp_controlled": true, "method": "1"}})
	}
	if err := e.store.LoadResidents(ctx, []weijian.History{h}); err != nil {
		t.Fatal(err)
	}
}

var countRE = regexp.MustCompile(`data-testid="persons-count" data-count="(\d+)"`)

// A click on an option's figure of the breakdown lists the persons that
// option counts — numerator, denominator, 未达标 — masked, named by the
// option, each of its sex; the export carries the option and is audited.
func TestDashboardOptionPersons(t *testing.T) {
	e := newDashEnv(t)
	addWoman(t, e)
	c := e.login(t, "admin")
	res, body := c.get("/dashboard?unit=" + codeHaian + "&ind=htn_standard_rate&by=sex")
	wantStatus(t, res, body, http.StatusOK)
	panel := body[strings.Index(body, `data-testid="dash-disagg"`):]
	wantContains(t, row(t, panel, `data-opt="M"`), "50.00%", ">2</a>", ">4</a>", `data-testid="disagg-gap"`)
	wantContains(t, row(t, panel, `data-opt="F"`), "100.00%", ">1</a>")
	for _, c2 := range []struct{ opt, side, n string }{{"M", "num", "2"}, {"M", "den", "4"}, {"M", "gap", "2"}, {"F", "num", "1"}, {"F", "den", "1"}, {"F", "gap", "0"}} {
		link := regexp.MustCompile(`href="(/dashboard/persons\?[^"]*opt=` + c2.opt + `&amp;side=` + c2.side + `[^"]*)"`).FindStringSubmatch(panel)
		if link == nil {
			t.Fatalf("no link to the %s persons of %s in\n%s", c2.side, c2.opt, panel)
		}
		res, body := c.get(strings.ReplaceAll(link[1], "&amp;", "&"))
		wantStatus(t, res, body, http.StatusOK)
		if m := countRE.FindStringSubmatch(body); m == nil || m[1] != c2.n {
			t.Errorf("%s %s: %v persons, want %s", c2.opt, c2.side, m, c2.n)
		}
		wantContains(t, body, `data-testid="persons-option"`, map[string]string{"M": "性别：男", "F": "性别：女"}[c2.opt])
		list := body[strings.Index(body, `data-testid="persons"`):]
		if other := map[string]string{"M": "<td>女</td>", "F": "<td>男</td>"}[c2.opt]; strings.Contains(list, other) {
			t.Errorf("%s %s lists a person of the other sex", c2.opt, c2.side)
		}
		if strings.Contains(list, "王戊") || strings.Contains(list, "13812345679") {
			t.Errorf("%s %s shows a name or phone unmasked", c2.opt, c2.side)
		}
	}
	_, body = c.get("/dashboard?unit=" + codeHaian + "&ind=htn_standard_rate&by=age")
	wantContains(t, row(t, body, `data-opt="35-64"`), ">2</a>", ">4</a>")
	wantContains(t, row(t, body, `data-opt="65&#43;"`), ">1</a>", "100.00%")
	res, body = c.get("/dashboard/persons/export?format=csv&ind=htn_standard_rate&side=num&by=sex&opt=F&asOf=2024-06-30&unit=" + codeHaian)
	wantStatus(t, res, body, http.StatusOK)
	if lines := strings.Split(strings.TrimSpace(body), "\n"); len(lines) != 2 || !strings.Contains(lines[0], "分组") || !strings.Contains(lines[1], "性别：女") {
		t.Errorf("export of the women's numerator:\n%s", body)
	}
	entries, err := e.store.AuditLog(ctx, weijian.ScopeAll(), weijian.AuditFilter{Action: "resident.export"})
	if err != nil || len(entries) != 1 || !strings.Contains(entries[0].Detail, "sex=F") || !strings.Contains(entries[0].Detail, "rows=1 masked") {
		t.Errorf("the export is not audited with its option: %v %+v", err, entries)
	}
	res, body = c.get("/dashboard/persons?ind=htn_standard_rate&side=num&by=sex&opt=X&unit=" + codeHaian)
	wantStatus(t, res, body, http.StatusBadRequest)
}

// The age bands of the breakdown are the user's to choose: the form
// keeps them, the figures follow (60+ holds the 74-year-old woman only),
// the persons' links and the export carry them; a list that breaks a
// rule is said in the table's place, the rest of the page shown.
func TestDashboardAgeBands(t *testing.T) {
	e := newDashEnv(t)
	addWoman(t, e)
	c := e.login(t, "admin")
	res, body := c.get("/dashboard?unit=" + codeHaian + "&ind=htn_standard_rate&by=age&bands=0-64,65-")
	wantStatus(t, res, body, http.StatusOK)
	panel := body[strings.Index(body, `data-testid="dash-disagg"`):]
	wantContains(t, panel, `data-testid="disagg-bands"`, `name="bands" value="0-64,65-"`, "disagg=age%3A0-64%2C65-")
	wantContains(t, row(t, panel, `data-opt="0-64"`), "0–64岁", "50.00%", ">2</a>", ">4</a>", "bands=0-64%2C65-")
	wantContains(t, row(t, panel, `data-opt="65&#43;"`), "65岁及以上", "100.00%", ">1</a>")
	res, body = c.get("/dashboard/persons?ind=htn_standard_rate&side=den&by=age&bands=0-64,65-&opt=0-64&asOf=2024-06-30&unit=" + codeHaian)
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, `data-count="4"`, "年龄组：0–64岁", "bands=0-64", "2024-06-30时年龄 64；")
	for bands, msg := range map[string]string{"65-,0-64": "从小到大", "0-64,64-": "不得重叠", "0-6,abc": "无法识别"} {
		res, body = c.get("/dashboard?unit=" + codeHaian + "&ind=htn_standard_rate&by=age&bands=" + bands)
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, `data-testid="disagg-error"`, msg, `data-testid="dash-kpis"`)
	}
}

// GET /api/v1/analytics/persons: the persons of a cell of /api/v1/analytics
// by the grid's parameters and the cell's option, masked; bad parameters
// named; no list for a user who may not see residents.
func TestAPIAnalyticsPersons(t *testing.T) {
	e := newDashEnv(t)
	addWoman(t, e)
	c := e.login(t, "admin")
	base := "/api/v1/analytics/persons?ind=htn_standard_rate&ou=" + codeHaian + "&pe=2024&asOf=2024-06-30"
	for q, want := range map[string]int{"": 3, "&side=den": 5, "&side=gap": 2, "&disagg=sex&option=M": 2, "&disagg=sex&option=F&side=den": 1,
		"&disagg=age:0-64,65-&option=65%2B": 1, "&disagg=age&option=65-": 1, "&disagg=age&option=60-": 3, "&disagg=age&option=35-64&side=den": 4} {
		res, body := c.get(base + q)
		wantStatus(t, res, body, http.StatusOK)
		var out personsOut
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatal(err)
		}
		if out.Total != want || len(out.Persons) != want {
			t.Errorf("%s: total %d, %d persons; want %d", q, out.Total, len(out.Persons), want)
		}
		for _, p := range out.Persons {
			if !p.Masked || strings.Contains(p.Name, "王戊") || p.Facts["last"] == "" {
				t.Errorf("%s: %+v, want masked with its facts", q, p)
			}
			if strings.Contains(q, "option=F") && p.Sex != weijian.SexFemale || strings.Contains(q, "option=M") && p.Sex != weijian.SexMale {
				t.Errorf("%s lists a person of sex %d", q, p.Sex)
			}
		}
	}
	res, body := c.get(base + "&disagg=sex&option=F&format=csv")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "性别：女")
	for q, field := range map[string]string{"&disagg=sex&option=X": "option", "&option=M": "option", "&disagg=age:7-17,0-6&option=0-6": "disagg",
		"&side=all": "side", "&limit=0": "limit", "&format=pdf": "format"} {
		res, body := c.get(base + q)
		wantStatus(t, res, body, http.StatusBadRequest)
		wantContains(t, body, `"field":"`+field+`"`)
	}
	res, body = c.get("/api/v1/analytics/persons?ind=health_lectures&ou=" + codeHaian)
	wantStatus(t, res, body, http.StatusBadRequest)
	addUser(t, e, "cdc", weijian.RoleCDCStaff, codeHaian)
	res, body = e.login(t, "cdc").get(base)
	wantStatus(t, res, body, http.StatusForbidden)
}

package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/analytics"
	"github.com/weijian-health/weijian/internal/auth"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/programme"
	"github.com/weijian-health/weijian/internal/rules"
	"github.com/weijian-health/weijian/internal/sqlstore"
)

// The dashboards over the real engine and analytics service, on both
// databases, with four hypertension patients worked out by hand (today
// is 2024-06-30; the year so far is 182 of 366 days, pace 49.73%):
//
//	中坝社区 (海安镇)  甲 4 follow-ups (规范), 乙 1, 丙 4 (规范)
//	新园社区 (海安镇)  —
//	东城社区 (城东镇)  丁 1
//
// htn_managed: 海安市 4, 海安镇 3, 城东镇 1.
// htn_standard_rate: 海安市 2/4 = 50.00%, 海安镇 2/3 = 66.67%, 城东镇 0/1 = 0.00%.
const (
	codeXinyuan   = "320685100002" // 新园社区居委会, 海安镇
	codeDongcheng = "320685101001" // 东城社区居委会, 城东镇
)

var dashNow = time.Date(2024, 6, 30, 4, 0, 0, 0, time.UTC) // 12:00 in China

func newDashEnv(t *testing.T) *testEnv {
	t.Helper()
	progs, err := programme.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	progs.SetToday(func() period.Date { return period.DateOf(dashNow) })
	now := func() time.Time { return dashNow }
	store, sd := seededStoreWith(t, sqlstore.Options{Rules: rules.New(progs), Now: now})
	loadPatients(t, store)
	svc, err := analytics.NewLive(store) // as `weijian serve` builds it
	if err != nil {
		t.Fatal(err)
	}
	svc.Now = now
	e := &testEnv{store: store, logs: &bytes.Buffer{}, seed: sd}
	log := slog.New(slog.NewTextHandler(e.logs, nil))
	srv, err := New(Config{Version: "test"}, Deps{Store: store, Auth: auth.New(store, auth.DefaultConfig(), nil, log), Log: log,
		Programmes: progs, Now: now, Analytics: svc})
	if err != nil {
		t.Fatal(err)
	}
	e.srv, e.ts = srv, httptest.NewServer(srv)
	t.Cleanup(e.ts.Close)
	return e
}

// loadPatients stores the four patients of the table above.
func loadPatients(t *testing.T, store *sqlstore.Store) {
	t.Helper()
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	patient := func(name, village string, followups ...string) weijian.History {
		h := weijian.History{Person: &weijian.Person{County: "320685", DocType: weijian.DocHousehold, Name: name, Sex: weijian.SexMale,
			BirthDate: day("1960-03-01"), VillageCode: village, Phone: "13812345678"},
			Enrollments: []*weijian.Enrollment{{Programme: "hypertension", EnrolledOn: day("2023-01-05"), OrgCode: village,
				Values: map[string]any{"diagnosis_date": "2022-12-01"}}}}
		for _, d := range followups {
			h.Events = append(h.Events, &weijian.Event{Programme: "hypertension", Stage: "followup", Date: day(d), OrgCode: village,
				Values: map[string]any{"sbp": 130, "dbp": 80, "bp_controlled": true, "method": "1"}})
		}
		return h
	}
	four := []string{"2024-01-10", "2024-03-10", "2024-05-10", "2024-06-20"}
	if err := store.LoadResidents(ctx, []weijian.History{
		patient("王甲", codeZhongba, four...), patient("王乙", codeZhongba, "2024-02-01"), patient("王丙", codeZhongba, four...),
		patient("王丁", codeDongcheng, "2024-02-01"),
	}); err != nil {
		t.Fatal(err)
	}
}

// row returns the table row of body holding marker (a data-ind or
// data-unit attribute), so that a figure is checked where it stands.
func row(t *testing.T, body, marker string) string {
	t.Helper()
	i := strings.Index(body, marker)
	if i < 0 {
		t.Fatalf("no row %s in\n%.3000s", marker, body)
	}
	j := strings.Index(body[i:], "</tr>")
	return body[i : i+j]
}

// The county's home page: the key indicators with numerator and
// denominator, the focused indicator by township, no unit from outside.
func TestDashboardHome(t *testing.T) {
	e := newDashEnv(t)
	c := e.login(t, "admin")
	res, body := c.get("/?ind=htn_standard_rate")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, `data-testid="dash-kpis"`, "截至2024年6月30日", "高血压患者规范管理率")
	wantContains(t, row(t, body, `data-ind="htn_standard_rate"`), "50.00%", "2 / 4", "2017-01-01")
	wantContains(t, row(t, body, `data-ind="htn_managed"`), ">4<")
	kids := body[strings.Index(body, `data-testid="dash-children"`):]
	wantContains(t, row(t, kids, `data-unit="`+codeHaianZhen+`"`), "66.67%", "2 / 3", ">1<") // rank 1
	wantContains(t, row(t, kids, `data-unit="`+codeChengdong+`"`), "0.00%", "0 / 1")
	wantContains(t, body, `data-testid="dash-chart"`, `data-testid="dash-trend"`, `data-testid="drill-persons"`)

	res, body = c.get("/dashboard?unit=" + codeHaianZhen + "&ind=htn_standard_rate")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, row(t, body, `data-unit="`+codeZhongba+`"`), "66.67%", "2 / 3")
	wantContains(t, body, "海安市</a>") // the breadcrumb back up

	res, body = c.get("/dashboard?unit=" + codeZhongba + "&ind=htn_standard_rate")
	wantStatus(t, res, body, http.StatusOK)
	if strings.Contains(body, `data-testid="dash-children"`) {
		t.Error("a village's dashboard lists units below it")
	}
	wantContains(t, body, "side=num", "side=den", "side=gap")
}

// The persons behind a village's figure: numerator, denominator and the
// ones not counted, masked, each linked to their page; the export is
// audited.
func TestDashboardPersons(t *testing.T) {
	e := newDashEnv(t)
	c := e.login(t, "admin")
	base := "/dashboard/persons?ind=htn_standard_rate&unit=" + codeZhongba + "&side="
	for side, n := range map[string]string{"num": "2", "den": "3", "gap": "1"} {
		res, body := c.get(base + side)
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, `data-count="`+n+`"`, "/residents/")
		if strings.Contains(body, "王甲") || strings.Contains(body, "王乙") || strings.Contains(body, "13812345678") {
			t.Errorf("side %s shows a name or phone unmasked", side)
		}
	}
	_, body := c.get(base + "gap")
	wantContains(t, body, "王*")
	res, body := c.get("/dashboard/persons/export?format=csv&ind=htn_standard_rate&side=num&unit=" + codeHaian)
	wantStatus(t, res, body, http.StatusOK)
	if got := strings.Count(body, "\n"); got != 3 {
		t.Errorf("export of the county's numerator has %d lines, want a header and 2 persons:\n%s", got, body)
	}
	entries, err := e.store.AuditLog(ctx, weijian.ScopeAll(), weijian.AuditFilter{Action: "resident.export"})
	if err != nil || len(entries) != 1 || !strings.Contains(entries[0].Detail, "rows=2 masked") {
		t.Errorf("the export is not audited: %v %+v", err, entries)
	}
	res, body = c.get("/dashboard/persons?ind=no_such&side=num&unit=" + codeZhongba)
	wantStatus(t, res, body, http.StatusNotFound)
}

// A township user sees their township and its villages, nothing above or
// beside it; a user without analytics sees no dashboard.
func TestDashboardScope(t *testing.T) {
	e := newDashEnv(t)
	town := e.login(t, "town")
	res, body := town.get("/?ind=htn_standard_rate")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, `data-testid="dash-kpis"`, "66.67%", "2 / 3")
	if strings.Contains(body, "50.00%") || strings.Contains(body, "城东镇") {
		t.Error("the township user's home shows the county's figure or another township")
	}
	for _, path := range []string{"/dashboard?unit=" + codeHaian, "/dashboard/persons?ind=htn_standard_rate&side=num&unit=" + codeDongcheng,
		"/dashboard/export?unit=" + codeHaian} {
		if res, body := town.get(path); res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d for a township user\n%.500s", path, res.StatusCode, body)
		}
	}
	// CDC staff see figures but no persons: no link to them.
	addUser(t, e, "cdc", weijian.RoleCDCStaff, codeHaian)
	cdc := e.login(t, "cdc")
	res, body = cdc.get("/dashboard?ind=htn_standard_rate&unit=" + codeZhongba)
	wantStatus(t, res, body, http.StatusOK)
	if strings.Contains(body, `data-testid="drill-persons"`) {
		t.Error("a user who may not see residents is offered the persons behind a figure")
	}
	rep := e.login(t, "reporter")
	res, body = rep.get("/dashboard")
	wantStatus(t, res, body, http.StatusForbidden)
	res, body = rep.get("/")
	wantStatus(t, res, body, http.StatusOK)
	if strings.Contains(body, `data-testid="dash-kpis"`) {
		t.Error("a hospital reporter's home shows the dashboard")
	}
}

var flagRE = regexp.MustCompile(`data-flag="(\w+)"`)

// Setting a target changes 完成率 and the pace flag on the targets page
// and on the dashboard: 4 managed against 8 is 50.00%, on pace (49.73%
// ± 1); against 20, 20.00%, behind; against 4, 100.00%, ahead.
func TestTargetsCompletionAndPace(t *testing.T) {
	e := newDashEnv(t)
	c := e.login(t, "admin")
	set := func(v string) string {
		t.Helper()
		res, body := c.post("/targets", url.Values{"ind": {"htn_managed"}, "unit": {codeHaian}, "year": {"2024"}, "value": {v}})
		wantStatus(t, res, body, http.StatusSeeOther)
		res, body = c.get(res.Header.Get("Location"))
		wantStatus(t, res, body, http.StatusOK)
		return body[strings.Index(body, `data-testid="target-own"`):strings.Index(body, `data-testid="set-target"`)]
	}
	for _, x := range []struct{ target, completion, flag string }{{"8", "50.00%", "on"}, {"20", "20.00%", "behind"}, {"4", "100.00%", "ahead"}} {
		own := set(x.target)
		wantContains(t, own, x.completion, "49.73%")
		if m := flagRE.FindStringSubmatch(own); m == nil || m[1] != x.flag {
			t.Errorf("target %s: flag %v, want %s", x.target, m, x.flag)
		}
	}
	_, body := c.get("/dashboard?ind=htn_managed")
	kpi := row(t, body, `data-ind="htn_managed"`)
	wantContains(t, kpi, "100.00%", `data-flag="ahead"`, ">4<")

	// By hand, the children must sum to the parent; by population they do.
	res, body := c.post("/targets/allocate", url.Values{"ind": {"htn_managed"}, "unit": {codeHaian}, "year": {"2024"}, "method": {"hand"},
		"v|" + codeHaianZhen: {"3"}})
	wantStatus(t, res, body, http.StatusUnprocessableEntity)
	wantContains(t, body, `class="flash error"`)
	res, body = c.post("/targets/allocate", url.Values{"ind": {"htn_managed"}, "unit": {codeHaian}, "year": {"2024"}, "method": {"population"}})
	wantStatus(t, res, body, http.StatusSeeOther)
	targets, err := e.store.Targets(ctx, weijian.ScopeAll(), weijian.TargetFilter{Indicators: []string{"htn_managed"}, Year: 2024})
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, tg := range targets {
		if tg.UnitCode != codeHaian && strings.HasSuffix(tg.UnitCode, "000") {
			sum += tg.Value
		}
	}
	if sum != 4 {
		t.Errorf("the townships' targets sum to %v after allocating 4 by population, want 4 (%+v)", sum, targets)
	}
	// A township sets its own town's target, not the county's.
	town := e.login(t, "town")
	res, body = town.post("/targets", url.Values{"ind": {"htn_managed"}, "unit": {codeHaianZhen}, "year": {"2024"}, "value": {"3"}})
	wantStatus(t, res, body, http.StatusSeeOther)
	res, body = town.post("/targets", url.Values{"ind": {"htn_managed"}, "unit": {codeHaian}, "year": {"2024"}, "value": {"1"}})
	if res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusNotFound {
		t.Errorf("a township set the county's target: %d", res.StatusCode)
	}
}

// Every dashboard table exports; the catalogue lists every definition
// with its formula and versions.
func TestDashboardExportsAndCatalogue(t *testing.T) {
	e := newDashEnv(t)
	c := e.login(t, "admin")
	for path, want := range map[string][]string{
		"/dashboard/export?format=csv":                                           {"完成率", "高血压患者规范管理率,50"},
		"/dashboard/children/export?format=csv&ind=htn_standard_rate":            {codeHaianZhen + ",海安镇,66.67,2,3"},
		"/indicators/export?format=csv&q=高血压":                                    {"htn_standard_rate", "2017-01-01"},
		"/targets/export?format=csv&ind=htn_managed&year=2024&unit=" + codeHaian: {"htn_managed," + codeHaian + ",2024"},
		"/dashboard/export?unit=" + codeHaianZhen:                                {}, // XLSX
	} {
		res, body := c.get(path)
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, want...)
	}
	res, body := c.get("/indicators")
	wantStatus(t, res, body, http.StatusOK)
	lib, _ := indicator.Builtin()
	for _, d := range lib.All() {
		wantContains(t, body, `href="/indicators/`+d.Code+`"`)
	}
	res, body = c.get("/indicators/htn_standard_rate")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, `persons(&#34;hypertension&#34;, enrolled and regular)`, "国家基本公共卫生服务规范")
	res, body = c.get("/indicators/no_such")
	wantStatus(t, res, body, http.StatusNotFound)
}

// Targets come in from a file through the import page: a bad row is
// named and nothing is written; a good file, once confirmed, shows on
// the targets page with its 完成率.
func TestTargetsImport(t *testing.T) {
	e := newDashEnv(t)
	c := e.login(t, "admin")
	bad := "指标,单位代码,年度,目标值\n高血压患者管理人数," + codeHaian + ",2024,8\nno_such_indicator," + codeHaian + ",2024,1\n"
	res, body := c.uploadImport("targets", "bad.csv", []byte(bad))
	wantStatus(t, res, body, http.StatusUnprocessableEntity)
	wantContains(t, body, `data-testid="import-problems"`, "no_such_indicator")
	good := "指标,单位代码,年度,目标值\n高血压患者管理人数," + codeHaian + ",2024,8\n"
	res, body = c.uploadImport("targets", "good.csv", []byte(good))
	wantStatus(t, res, body, http.StatusOK)
	m := hashField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no hash in the preview:\n%.2000s", body)
	}
	res, body = c.post("/import/confirm", url.Values{"hash": {m[1]}})
	wantStatus(t, res, body, http.StatusOK)
	_, body = c.get("/targets?ind=htn_managed&year=2024&unit=" + codeHaian)
	wantContains(t, body, "文件导入", "50.00%")
}

// The focused indicator by sex or by age band when asked (?by=), labelled
// in Chinese: the
// four patients are men born 1960-03-01 (64 on 30 June 2024), so
// 规范管理率 at 海安市 is 男 2/4 = 50.00% and 女 no data; by age band
// 35–64岁 2/4 and the other bands no data. The catalogue page lists the
// dimensions; an indicator with none says so.
func TestDashboardDisaggregation(t *testing.T) {
	e := newDashEnv(t)
	c := e.login(t, "admin")
	res, body := c.get("/dashboard?unit=" + codeHaian + "&ind=htn_standard_rate")
	wantStatus(t, res, body, http.StatusOK)
	panel := body[strings.Index(body, `data-testid="dash-disagg"`):]
	wantContains(t, panel, "分组构成", "按性别", "按年龄组", `data-by="sex"`, `data-by="age"`)
	if strings.Contains(panel, "data-opt=") {
		t.Error("the home page computes a breakdown nobody asked for")
	}
	res, body = c.get("/dashboard?unit=" + codeHaian + "&ind=htn_standard_rate&by=sex")
	wantStatus(t, res, body, http.StatusOK)
	panel = body[strings.Index(body, `data-testid="dash-disagg"`):]
	wantContains(t, panel, "disagg=sex", "format=xlsx")
	wantContains(t, row(t, panel, `data-opt="M"`), "男", "50.00%", ">2</a> / <a", ">4</a>")
	wantContains(t, row(t, panel, `data-opt="F"`), "女", "无数据")
	_, body = c.get("/dashboard?unit=" + codeHaian + "&ind=htn_standard_rate&by=age")
	wantContains(t, row(t, body, `data-opt="35-64"`), "35–64岁", "50.00%", ">2</a> / <a", ">4</a>")
	res, body = c.get("/indicators/htn_standard_rate")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "可分组维度", "性别", "男、女", "年龄组", "65岁及以上")
	res, body = c.get("/indicators/report_rate_tuoyu")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "托育机构与托位报表完整率", "不可分组（仅有合计）")
}

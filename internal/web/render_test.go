package web

import (
	"bytes"
	"github.com/weijian-health/weijian/internal/dataset"
	"github.com/weijian-health/weijian/internal/report"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/weijian-health/weijian"
)

// samplePages gives every page template a filled-in page struct.
func samplePages(lang string) map[string]any {
	u := &weijian.User{ID: 1, Username: "admin", DisplayName: "管理员", Active: true, CreatedAt: time.Now(),
		Grants: []weijian.Grant{{Role: weijian.RoleCountyAdmin, OrgUnitCode: codeHaian, OrgUnitName: "海安市"}, {Role: weijian.RoleCDCStaff}}}
	base := basePage{Lang: lang, Title: "标题", Nav: "home", User: u, County: "海安市", CanAdmin: true, Path: "/x?y=1", Flash: "已保存", Version: "1.0"}
	bare := basePage{Lang: lang, Title: "登录", Path: "/login", Bare: true}
	unit := &weijian.OrgUnit{ID: 3, Code: codeHaian, Name: "海安市", Level: "county", Path: "/1/2/3/", Depth: 3, Pinyin: "has",
		ValidFrom: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), ValidTo: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), ChildCount: 2}
	pop := &popView{Unit: unit, Years: []int{2024, 2023}, Year: 2024, Chart: `{"series":[]}`,
		Pop:   &weijian.Population{Total: 10, Male: 4, Female: 6, BelowTotal: 9, Source: "own"},
		Bands: []bandRow{{"0–4岁", 1, 2, 3}, {"85岁及以上", 3, 4, 7}}}
	row := unitRow{OrgUnit: unit, Kind: "县（区）", Parent: "南通市", Population: 10, HasPop: true}
	filter := unitFilter{Q: "haz", Under: codeHaian, UnderName: "海安市", Levels: []option{{"town", "乡镇", true}}, Types: []option{{"cdc", "疾控", false}}}
	tree := []*treeNode{{Unit: unit, Kind: "县", Open: true, Current: true, Kids: []*treeNode{{Unit: &weijian.OrgUnit{Code: "1", Name: "镇", ChildCount: 3}}}}}
	links := exportLinks{"/x?format=xlsx", "/x?format=csv"}
	pager := pager{Page: 2, Pages: 3, Total: 120, From: 51, To: 100, Prev: "/a?page=1", Next: "/a?page=3"}
	form := userForm{Username: "li", DisplayName: "李", Phone: "1", Typed: true, Grants: grantRows([]grantInput{{Role: "cdc_staff", OrgUnit: codeHaian, name: "海安市"}}, lang)}
	fe := formError{Message: "出错", Issues: []string{"第一", "第二"}}
	audit := []weijian.AuditEntry{{At: time.Now(), Actor: "admin", Action: "login.failed", Target: "li", Detail: "d", IP: "127.0.0.1"}}
	pages := map[string]any{
		"login":         &loginPage{basePage: bare, Username: "li", Next: "/", Error: "用户名或密码错误", LoggedOut: true},
		"error":         &errorPage{basePage: base, Status: 404, Message: "未找到", Issues: []string{"a"}, Login: true},
		"home":          &homePage{basePage: base, Unit: unit, Kind: "县", Counts: []countRow{{"乡镇", 11, "/o"}}, Facilities: []countRow{{"疾控", 1, "/f"}}, FacTotal: 1, Pop: pop, Chart: "{}", ChartHeight: 300},
		"orgunits":      &orgUnitsPage{basePage: base, Tree: tree, Filter: filter, Results: []unitRow{row}, Pager: pager, Export: links},
		"orgunit":       &orgUnitPage{basePage: base, Unit: unit, Kind: "县", LevelName: "县", TypeName: "", Ancestors: []*weijian.OrgUnit{unit}, Successor: unit, History: []weijian.OrgUnitVersion{{Code: "1", Name: "n", ValidFrom: unit.ValidFrom}}, Children: []unitRow{row}, KidCount: 3, Filter: filter, Export: links, Pop: pop},
		"population":    &populationPage{basePage: base, Unit: unit, Ancestors: []*weijian.OrgUnit{unit}, Pop: pop, Children: []unitRow{row}, Export: links, ChildExport: links},
		"import":        &importPage{basePage: base, Kinds: []option{{"orgunits", "区划", true}}, Kind: "orgunits", MaxMB: 20, File: "a.csv", Hash: "ab", Rows: 2, Encoding: "UTF-8", Summary: &weijian.ImportSummary{Rows: 2, Inserted: 1}, Message: "m", Issues: []issueRow{{2, "code", "x", "bad", "错"}}},
		"users":         &usersPage{basePage: base, Users: []userRow{{User: u, Locked: true}}, Q: "a", Role: "cdc_staff", Active: "1", Roles: roleOptions(lang, "cdc_staff"), Export: links},
		"user_new":      &userFormPage{basePage: base, Form: form, Error: fe},
		"user":          &userPage{basePage: base, Target: u, Locked: true, Form: form, Error: fe, Audit: audit},
		"user_password": &passwordPage{basePage: base, Target: u, Password: "Abc123xyz", Created: true},
		"audit":         &auditPage{basePage: base, Entries: []auditRow{{At: time.Now(), Actor: "张三（admin）", Action: "login.failed", Target: "li", Detail: "d", IP: "127.0.0.1"}}, Q: "a", Action: "login", Actions: []string{"login", "user.x"}, Export: links, Older: "/audit?cursor=1-1"},
		"account":       &accountPage{basePage: base, Perms: []permRow{{"查看", "海安市"}}, Error: fe, MustChange: true, NewToken: "wjt_x", Tokens: []weijian.APIToken{{ID: 1, Name: "t", ReadOnly: true, CreatedAt: time.Now(), ExpiresAt: time.Now()}}},
		"check": &checkerPage{basePage: base, Text: "完成率102.6%", Error: fe, Checked: true, FileName: "a.docx", Encoding: "DOCX",
			SevOptions: []option{{"", "全部", true}}, Segments: []checkSeg{{Text: "完成率"}, {Text: "102.6%", Sev: "note", Title: "1. 截断", ID: "m1", Href: "#f1"}},
			Findings: []checkRow{{N: 1, Sev: "note", SevLabel: "提示", Line: 1, Column: 4, Rule: "rate.truncated", Quote: "102.6%", Message: "截断", Fix: "102.67%"}},
			Shown:    1, Figures: 1, Notes: 1, MaxMB: 20},
		"reports": &reportPage{basePage: base, Templates: []option{{"half_year_summary", "半年工作总结", true}}, Units: []option{{"320685000000", "海安市", true}},
			Period: "2024H1", AsOf: "2024-06-30", Error: fe, Doc: &report.Document{Title: "t", Figures: []*report.Figure{{}}}, Preview: "<article></article>",
			Downloads: []option{{"/reports/download?format=docx", "DOCX", false}}},
		"residents": &residentsPage{basePage: base, Q: "zs", Searched: true, Results: []residentOut{sampleResident}, Pager: pager, Export: links, CanRecord: true},
		"resident":  &residentPage{basePage: base, R: sampleResident, CanShow: true, CanRecord: true, Years: []yearRow{{Year: 2024, Programme: "高血压", Events: 2, LastDate: "2024-05-01", Regular: true, HasRegular: true}, {Year: 2023, Programme: "老年人"}}, Timeline: []timelineRow{{Date: "2024-01-01", Programme: "高血压", Stage: "随访", Summary: "sbp 140", EventID: 3}, {Date: "2023-01-01", Enrolled: true, Voided: true, Reason: "错"}}, Actions: []serviceLink{{"随访", "/x", "record-x"}}},
		"resident_import": &residentImportPage{basePage: base, Kind: "events", Done: true, Report: weijian.ResidentImportReport{Rows: 3, Inserted: 1, Rejected: 2},
			Issues: []weijian.Issue{{Row: 2, Field: "sbp", Value: "400", Rule: "max", Msg: weijian.T("太高", "too high")}}, IssueJSON: "[]", Error: fe},
		"service_form": &serviceForm{basePage: base, R: sampleResident, Programme: "hypertension", ProgName: "高血压", Stage: "followup", StageName: "随访",
			Action: "/x", Date: "2024-01-01", DateError: "太早", Error: fe, EventID: 3, Version: 2, CanVoid: true, VoidAction: "/v",
			Sections: []formSection{{Label: "体征", Fields: []formField{{Code: "sbp", Label: "收缩压", Type: "int", Unit: "mmHg", Required: true, Value: "400", Error: "太高", Min: "50", Max: "300"},
				{Code: "method", Label: "方式", Type: "option", Options: []option{{"1", "门诊", true}}}, {Code: "sym", Label: "症状", Type: "option", Multiple: true, Options: []option{{"1", "无", true}}},
				{Code: "ref", Label: "转诊", Type: "bool", Value: "true", Checked: true}, {Code: "d", Label: "日期", Type: "date"}, {Code: "t", Label: "备注", Type: "text", Help: "说明"}}}}},
		"worklist":      &workListPage{basePage: base, Lists: []workListTab{{Key: "a", Name: "A", URL: "/w", Active: true}}, Total: 1, Items: []workRow{{R: sampleResident, Due: "2024-01-01", DaysOverdue: 3}}, Pager: pager, Export: links, AsOf: "2024-06-01"},
		"datasets":      &dataSetsPage{basePage: base, DataSets: sampleDataSets().All()},
		"dataset_entry": sampleEntryPage(base, unit),
		"dataset_completeness": &completenessPage{basePage: base, DataSet: sampleDataSets().Get("jiankang"), Year: 2024, Export: links,
			Table: &dataset.Completeness{Periods: []string{"2024-01"}, Rows: []dataset.CompletenessRow{{UnitCode: "1", UnitName: "甲", Cells: []dataset.Cell{{Status: dataset.StatusLate}}}},
				Reported: []dataset.Ratio{{Num: 1, Den: 1}}, OnTime: []dataset.Ratio{{}}}},
	}
	for k, v := range surveilSamples(base) {
		pages[k] = v
	}
	for k, v := range dashSamples(base) {
		if k == "home" {
			k = "home " // the home page with the dashboard, beside the one without
		}
		pages[k] = v
	}
	return pages
}

var sampleResident = residentOut{ID: 7, County: "320685", DocType: "01", DocNumber: "320685********0011", Name: "张**", Sex: 1, BirthDate: "1950-01-01",
	Age: 74, Village: "320685100001", VillageName: "中坝社区居委会", Address: "****", Phone: "138****1234", Masked: true}

// Every page template renders, in both languages, with its typed page
// struct filled in and with its empty states, and shows no missing message.
func TestTemplatesRender(t *testing.T) {
	res, err := loadResources(embedded, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range langs {
		pages := samplePages(lang)
		for name := range res.pages[lang] {
			if _, ok := pages[name]; !ok {
				t.Errorf("page template %q has no sample in samplePages", name)
			}
		}
		for name, data := range pages {
			var b bytes.Buffer
			if err := res.execPage(&b, lang, strings.TrimSpace(name), data); err != nil {
				t.Errorf("%s/%s: %v", lang, name, err)
				continue
			}
			if i := strings.Index(b.String(), "⟦"); i >= 0 {
				t.Errorf("%s/%s: missing message near %q", lang, name, b.String()[i:min(len(b.String()), i+60)])
			}
		}
	}
	empty := map[string]any{"home": &homePage{NoUnits: true}, "orgunits": &orgUnitsPage{}, "users": &usersPage{},
		"audit": &auditPage{}, "population": &populationPage{Unit: &weijian.OrgUnit{}, Pop: &popView{Empty: true}},
		"orgunit": &orgUnitPage{Unit: &weijian.OrgUnit{}, Pop: &popView{Forbidden: true}}, "account": &accountPage{basePage: basePage{User: &weijian.User{}}}, "check": &checkerPage{}, "reports": &reportPage{},
		"residents": &residentsPage{}, "resident": &residentPage{}, "worklist": &workListPage{}, "resident_import": &residentImportPage{}, "service_form": &serviceForm{}}
	for name, data := range empty {
		if err := res.execPage(&bytes.Buffer{}, "zh", name, data); err != nil {
			t.Errorf("empty %s: %v", name, err)
		}
	}
}

var (
	templateKeyRE = regexp.MustCompile(`\{\{t "([^"]+)"`)
	goKeyRE       = regexp.MustCompile(`(?:msg|bare)\(r, "([^"]*[^".])"`) // not a prefix such as "flash."
)

// Every message key used in the templates and the Go code exists in both
// languages (loadCatalog checks that both languages have the same keys).
func TestMessageKeysExist(t *testing.T) {
	res, err := loadResources(embedded, false)
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]string{}
	fs.WalkDir(embedded, "templates", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(embedded, p)
			for _, m := range templateKeyRE.FindAllStringSubmatch(string(b), -1) {
				used[m[1]] = p
			}
		}
		return err
	})
	goFiles, _ := filepath.Glob("*.go")
	for _, f := range goFiles {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, _ := os.ReadFile(f)
		for _, m := range goKeyRE.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = f
		}
	}
	for _, k := range flashKeys {
		used["flash."+k] = "flashKeys"
	}
	for _, p := range permOrder {
		used["perm."+string(p)] = "permOrder"
	}
	if len(used) < 100 {
		t.Fatalf("found only %d keys: is the scan broken?", len(used))
	}
	for key, where := range used {
		for _, lang := range langs {
			if _, ok := res.cat[lang][key]; !ok {
				t.Errorf("%s uses %q, missing in i18n/%s.json", where, key, lang)
			}
		}
	}
	if m := res.cat.mismatch(); len(m) > 0 {
		t.Errorf("keys not in every language: %v", m)
	}
}

// Every /api/v1 route is documented in openapi.yaml, and every documented
// operation is a route.
func TestOpenAPICoversRoutes(t *testing.T) {
	e := newEnv(t)
	var routes []string
	for _, rt := range e.srv.routes() {
		method, path, ok := strings.Cut(rt.pattern, " ")
		if ok && strings.HasPrefix(path, "/api/v1/") {
			routes = append(routes, method+" "+path)
		}
	}
	documented := openAPIOperations(t)
	for _, r := range routes {
		if !slices.Contains(documented, r) {
			t.Errorf("route %s is not in openapi.yaml", r)
		}
	}
	for _, d := range documented {
		if !slices.Contains(routes, d) {
			t.Errorf("openapi.yaml documents %s, which is not a route", d)
		}
	}
	if len(routes) < 15 {
		t.Errorf("only %d API routes found", len(routes))
	}
	c := e.client(t)
	res, body := c.get("/api/v1/openapi.yaml")
	wantStatus(t, res, body, 200)
	wantContains(t, body, "openapi: 3.0.3", "/orgunits/{code}/children:")
}

// openAPIOperations reads "METHOD /api/v1/path" for every operation in
// the paths section of openapi.yaml (two-space indented paths, four-space
// indented methods, as the file is written).
func openAPIOperations(t *testing.T) []string {
	b, err := os.ReadFile("openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	pathRE := regexp.MustCompile(`^  (/\S*):\s*$`)
	methodRE := regexp.MustCompile(`^    (get|put|post|patch|delete):\s*$`)
	var ops []string
	inPaths, current := false, ""
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case line == "paths:":
			inPaths = true
		case inPaths && line != "" && !strings.HasPrefix(line, " "):
			inPaths = false
		case inPaths && pathRE.MatchString(line):
			current = pathRE.FindStringSubmatch(line)[1]
		case inPaths && methodRE.MatchString(line):
			ops = append(ops, strings.ToUpper(methodRE.FindStringSubmatch(line)[1])+" /api/v1"+current)
		}
	}
	return ops
}

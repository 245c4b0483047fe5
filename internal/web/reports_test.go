package web

import (
	"archive/zip"
	"strings"
	"testing"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/analytics"
	"github.com/weijian-health/weijian/internal/dataset"
	"github.com/weijian-health/weijian/internal/report"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/surveil"
)

// testReports wires the report page as cmd/weijian does: the built-in
// templates over the indicator engine and analytics service of store.
func testReports(t *testing.T, store *sqlstore.Store) *Reports {
	t.Helper()
	svc, err := analytics.NewLive(store)
	if err != nil {
		t.Fatal(err)
	}
	lib := svc.Eval.Library()
	list, err := report.Builtins(lib)
	if err != nil {
		t.Fatal(err)
	}
	sets, _ := dataset.Builtin()
	diseases, _ := surveil.LoadCatalogue()
	return &Reports{Templates: list, Sources: func(sc weijian.Scope) report.Sources {
		live := &report.Live{Store: store, Scope: sc, Diseases: diseases, DataSets: sets.All()}
		return report.Sources{Figures: report.LiveFigures{Lib: lib, Query: svc.Query, Scope: sc}, Surveillance: live, Quality: live}
	}}
}

func TestReportPage(t *testing.T) {
	e := newEnv(t)
	c := e.login(t, "hadmin")
	res, body := c.get("/reports")
	wantStatus(t, res, body, 200)
	wantContains(t, body, `data-testid="report-template"`, "半年工作总结", "传染病疫情月报", `value="320685100000"`)

	res, body = c.get("/reports?tpl=half_year_summary&ou=" + codeHaian + "&pe=2025H1")
	wantStatus(t, res, body, 200)
	wantContains(t, body, "海安市2025年上半年卫生健康工作总结", `data-testid="report-preview"`, `<a class="fig"`,
		`href="/dashboard?asOf=2025-06-30&amp;ind=htn_standard_rate&amp;unit=`+codeHaian,
		`href="/reports/download?format=docx&amp;ou=`+codeHaian+`&amp;pe=2025H1&amp;tpl=half_year_summary"`, "二、存在问题")

	res, body = c.get("/reports/download?format=docx&ou=" + codeHaian + "&pe=2025H1&tpl=half_year_summary")
	wantStatus(t, res, body, 200)
	if ct := res.Header.Get("Content-Type"); !strings.Contains(ct, "wordprocessingml") {
		t.Errorf("content type %s", ct)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, ".docx") {
		t.Errorf("Content-Disposition %s", cd)
	}
	if _, err := zip.NewReader(strings.NewReader(body), int64(len(body))); err != nil {
		t.Errorf("the download is not a DOCX: %v", err)
	}
	res, body = c.get("/reports/download?format=md&ou=" + codeHaian + "&pe=2025H1&tpl=half_year_summary")
	wantStatus(t, res, body, 200)
	wantContains(t, body, "# 海安市2025年上半年卫生健康工作总结")
}

func TestReportPageErrors(t *testing.T) {
	e := newEnv(t)
	c := e.login(t, "hadmin")
	res, body := c.get("/reports?tpl=half_year_summary&ou=" + codeHaian + "&pe=2025Q2")
	wantStatus(t, res, body, 422)
	wantContains(t, body, "按半年编写")
	res, body = c.get("/reports?tpl=nope&ou=" + codeHaian + "&pe=2025H1")
	wantStatus(t, res, body, 422)
	res, body = c.get("/reports/download?format=pdf&ou=" + codeHaian + "&pe=2025H1&tpl=half_year_summary")
	wantStatus(t, res, body, 400)
	// A township user reports on its township only.
	town := e.login(t, "town")
	res, body = town.get("/reports?tpl=half_year_summary&ou=" + codeHaian + "&pe=2025H1")
	if res.StatusCode == 200 && strings.Contains(body, "海安市2025年上半年") {
		t.Errorf("a township user wrote the county's report")
	}
	// A hospital reporter may not write reports.
	rep := e.login(t, "reporter")
	res, body = rep.get("/reports")
	wantStatus(t, res, body, 403)
}

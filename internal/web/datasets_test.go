package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/dataset"
	"github.com/weijian-health/weijian/internal/period"
)

func TestDataValuesAPI(t *testing.T) {
	e := newEnv(t)
	town := e.login(t, "town")
	var sets struct {
		DataSets []struct {
			Code     string `json:"code"`
			Elements []struct {
				Code   string                 `json:"code"`
				Combos []struct{ Key string } `json:"combos"`
			} `json:"elements"`
		} `json:"dataSets"`
	}
	if st := town.api("GET", "/api/v1/datasets", nil, &sets); st != 200 || len(sets.DataSets) != 8 {
		t.Fatalf("datasets: %d %+v", st, sets)
	}
	batch := map[string]any{"dataValues": []weijian.DataValue{
		{DataSet: "aiguo", Element: "toilets", UnitCode: codeHaianZhen, Period: "2024-01", Value: "12"},
		{DataSet: "aiguo", Element: "vector_surveys", UnitCode: codeHaianZhen, Period: "2024年1月", Combo: "vector=rodent", Value: "2"},
	}}
	var sum weijian.ImportSummary
	if st := town.api("POST", "/api/v1/datavalues", batch, &sum); st != 200 || sum.Inserted != 2 {
		t.Fatalf("save: %d %+v", st, sum)
	}
	if st := town.api("POST", "/api/v1/datavalues", batch, &sum); st != 200 || sum.Unchanged != 2 {
		t.Fatalf("re-send: %d %+v", st, sum)
	}
	var got struct{ DataValues []weijian.DataValue }
	if st := town.api("GET", "/api/v1/datavalues?dataset=aiguo&period=2024-01", nil, &got); st != 200 || len(got.DataValues) != 2 ||
		got.DataValues[1].Period != "2024-01" || got.DataValues[1].UpdatedBy != "town" {
		t.Fatalf("read: %d %+v", st, got)
	}
	// A bad value and a unit outside the user's scope: 400, both named, nothing stored.
	bad := map[string]any{"dataValues": []weijian.DataValue{
		{DataSet: "aiguo", Element: "toilets", UnitCode: codeHaianZhen, Period: "2024-02", Value: "2.5"},
		{DataSet: "aiguo", Element: "toilets", UnitCode: codeChengdong, Period: "2024-02", Value: "3"},
	}}
	var errBody struct {
		Error struct {
			Issues []struct {
				Row  int
				Rule string
			} `json:"issues"`
		} `json:"error"`
	}
	if st := town.api("POST", "/api/v1/datavalues", bad, &errBody); st != 400 || len(errBody.Error.Issues) != 1 || errBody.Error.Issues[0].Rule != "int" {
		t.Fatalf("bad value: %d %+v", st, errBody)
	}
	bad["dataValues"].([]weijian.DataValue)[0].Value = "2"
	errBody.Error.Issues = nil
	if st := town.api("POST", "/api/v1/datavalues", bad, &errBody); st != 400 || len(errBody.Error.Issues) != 1 ||
		errBody.Error.Issues[0].Rule != "scope" || errBody.Error.Issues[0].Row != 2 {
		t.Fatalf("outside scope: %d %+v", st, errBody)
	}
	if town.api("GET", "/api/v1/datavalues?dataset=aiguo&period=2024-02", nil, &got); len(got.DataValues) != 0 {
		t.Fatalf("half a batch stored: %+v", got)
	}
	// Completion and zero report.
	if st := town.api("POST", "/api/v1/completeness", weijian.Completion{DataSet: "aiguo", UnitCode: codeHaianZhen, Period: "2024-01"}, nil); st != 204 {
		t.Fatalf("complete: %d", st)
	}
	if st := town.api("POST", "/api/v1/completeness", weijian.Completion{DataSet: "aiguo", UnitCode: codeHaianZhen, Period: "2024-02", ZeroReport: true}, nil); st != 204 {
		t.Fatalf("zero report: %d", st)
	}
	var tb struct {
		Periods  []string
		Reported []struct{ Num, Den int }
		Rows     []struct {
			Cells []struct {
				Status string
				Zero   bool `json:"zeroReport"`
			}
		}
	}
	if st := e.login(t, "admin").api("GET", "/api/v1/completeness?dataset=aiguo&period=2024-01,2024-02,2024-03", nil, &tb); st != 200 {
		t.Fatalf("completeness: %d", st)
	}
	if len(tb.Rows) < 2 || tb.Reported[0].Num != 1 || tb.Reported[1].Num != 1 || tb.Reported[2].Num != 0 || tb.Reported[0].Den != len(tb.Rows) {
		t.Errorf("completeness %+v", tb)
	}
}

func TestDataEntryPage(t *testing.T) {
	e := newEnv(t)
	town := e.login(t, "town")
	res, body := town.get("/")
	wantStatus(t, res, body, 200)
	wantContains(t, body, `href="/datasets"`, "报表填报")
	res, body = town.get("/datasets")
	wantStatus(t, res, body, 200)
	wantContains(t, body, "托育机构与托位季报", "爱国卫生月报", "/datasets/aiguo/entry")
	res, body = town.get("/datasets/aiguo/entry?period=2024-01")
	wantStatus(t, res, body, 200)
	wantContains(t, body, "毒饵站累计建设数", "鼠", "蟑螂", `name="v|toilets|"`, "零报告")
	form := url.Values{"unit": {codeHaianZhen}, "period": {"2024-01"}, "v|toilets|": {"-3"}, "v|bait_stations|": {"40"}}
	res, body = town.post("/datasets/aiguo/entry", form)
	wantStatus(t, res, body, http.StatusUnprocessableEntity)
	wantContains(t, body, "不得小于 0", "1 个单元格有误", `value="40"`)
	// A unit the user does not report for is refused, never replaced by another.
	other := url.Values{"unit": {codeChengdong}, "period": {"2024-01"}, "v|toilets|": {"9"}}
	res, body = town.post("/datasets/aiguo/entry", other)
	wantStatus(t, res, body, http.StatusNotFound)
	form.Set("v|toilets|", "3")
	res, body = town.post("/datasets/aiguo/entry", form)
	wantStatus(t, res, body, http.StatusSeeOther)
	res, body = town.get("/datasets/aiguo/entry?period=2024-01")
	wantContains(t, body, `value="40"`, `value="3"`, "修改记录")
	res, body = town.post("/datasets/aiguo/complete", url.Values{"unit": {codeHaianZhen}, "period": {"2024-01"}, "action": {"complete"}})
	wantStatus(t, res, body, http.StatusSeeOther)
	res, body = town.get("/datasets/aiguo/completeness?year=2024")
	wantStatus(t, res, body, 200)
	// Completed today, long after 2024-02-05: late.
	wantContains(t, body, "海安镇", "逾期", "上报数／应报数")
	res, body = town.get("/datasets/aiguo/completeness/export?year=2024&format=csv")
	wantStatus(t, res, body, 200)
	if !strings.Contains(body, codeHaianZhen) || !strings.Contains(body, "1/12 (8.33%)") {
		t.Errorf("export:\n%s", body)
	}
}

func sampleDataSets() *dataset.Catalog {
	c, err := dataset.Builtin()
	if err != nil {
		panic(err)
	}
	return c
}

// sampleEntryPage is an entry grid with a stored value, a cell error,
// a zero report and a history entry, for the template render test.
func sampleEntryPage(base basePage, unit *weijian.OrgUnit) *entryPage {
	ds := sampleDataSets().Get("jiankang")
	p, _ := period.Parse("2024-01")
	page := &entryPage{basePage: base, DataSet: ds, Units: []*weijian.OrgUnit{unit}, Unit: unit, Periods: []period.Period{p}, Period: "2024-01",
		Due: ds.Due(p), Errors: 1, Problem: "出错", Completion: &weijian.Completion{ZeroReport: true, CompletedBy: "a", CompletedAt: time.Now()},
		History: []weijian.DataValueChange{{DataValue: weijian.DataValue{Element: "lectures"}, Old: "1", New: "2", By: "a", At: time.Now()}}}
	for _, e := range ds.Elements {
		row := entryRow{Element: e}
		for _, c := range e.Combos() {
			row.Cells = append(row.Cells, entryCell{Name: cellName(e.Code, c.Key), Value: "1", Error: "须为整数"})
		}
		page.Groups = append(page.Groups, entryGroup{Combos: e.Combos(), Rows: []entryRow{row}})
	}
	return page
}

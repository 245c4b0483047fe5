package web

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/weijian-health/weijian/internal/auth"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/programme"
	"github.com/weijian-health/weijian/internal/rules"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

// newProgrammeEnv is newEnv with the programme metadata wired in, as
// `weijian serve` runs.
func newProgrammeEnv(t *testing.T) *testEnv {
	cat, err := programme.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2024, 6, 15, 4, 0, 0, 0, time.UTC)
	cat.SetToday(func() period.Date { return period.DateOf(now) })
	store := sqltest.SQLite(t, sqltest.Options{Rules: rules.New(cat), Now: func() time.Time { return now }})
	e := &testEnv{store: store, logs: &bytes.Buffer{}}
	e.seed = seed(t, store)
	log := slog.New(slog.NewTextHandler(e.logs, nil))
	srv, err := New(Config{Version: "test"}, Deps{Store: store, Auth: auth.New(store, auth.DefaultConfig(), nil, log), Log: log,
		Programmes: cat, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	e.srv, e.ts = srv, httptest.NewServer(srv)
	t.Cleanup(e.ts.Close)
	return e
}

// The follow-up form is generated from the metadata: a bad value comes
// back with the message at its field and the answers kept; a good one is
// stored and shows on the timeline; the edit page keeps the history.
func TestServiceFormFromMetadata(t *testing.T) {
	e := newProgrammeEnv(t)
	town := e.login(t, "town")
	var r residentOut
	if st := town.api("POST", "/api/v1/residents", map[string]any{"docNumber": testIDNumber(t, 81), "name": "吴一", "village": codeZhongba}, &r); st != 201 {
		t.Fatalf("register: %d", st)
	}
	page := fmt.Sprintf("/residents/%d", r.ID)
	res, body := town.get(page)
	wantStatus(t, res, body, 200)
	wantContains(t, body, `data-testid="enrol-hypertension"`)
	res, body = town.post(page+"/record", url.Values{"programme": {"hypertension"}, "date": {"2024-01-10"}, "diagnosis_date": {"2023-12-01"}})
	wantStatus(t, res, body, http.StatusSeeOther)
	form := url.Values{"programme": {"hypertension"}, "stage": {"followup"}, "date": {"2024-06-01"}, "method": {"1"},
		"sbp": {"400"}, "dbp": {"80"}, "drug_compliance": {"1"}, "followup_class": {"1"},
		"referral": {"true"}, "referral_reason": {"血压难以控制"}, "adverse_reaction": {"false"}}
	res, body = town.post(page+"/record", form)
	wantStatus(t, res, body, http.StatusUnprocessableEntity)
	wantContains(t, body, `data-field="sbp"`, "field-error", "收缩压不能大于300", `value="400"`)
	// Yes/no answers come back as given (they came back blank, while the
	// field they call for was asked for).
	wantContains(t, body, `<select id="f-referral" name="referral"><option value=""></option><option value="true" selected>`,
		`<select id="f-adverse_reaction" name="adverse_reaction"><option value=""></option><option value="true">是</option><option value="false" selected>`)
	form.Set("sbp", "150")
	form.Set("dbp", "92")
	res, body = town.post(page+"/record", form)
	wantStatus(t, res, body, http.StatusSeeOther)
	res, body = town.get(page)
	wantContains(t, body, "高血压随访", "收缩压 150 mmHg", "2024-06-01", "药物不良反应 否", "转诊 是")
	// The stage buttons name their programme (高血压 and 糖尿病 both have
	// a 年度健康体检); a year short of 规范管理 says by how much.
	wantContains(t, body, `data-testid="record-hypertension-annual_check">`+programmeNamed(t, "hypertension")+" · 年度健康体检<",
		`data-testid="regular-why">1/4 次`)
}

func programmeNamed(t *testing.T, code string) string {
	cat, err := programme.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	p, ok := cat.Programme(code)
	if !ok {
		t.Fatalf("no programme %s", code)
	}
	return p.Name.ZH
}

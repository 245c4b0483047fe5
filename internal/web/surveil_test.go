package web

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/surveil"
)

func testSurveil(t *testing.T, store *sqlstore.Store, log *slog.Logger) *surveil.Service {
	t.Helper()
	cat, err := surveil.LoadCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	return surveil.New(store, cat, surveil.Config{}, log, nil, nil)
}

// A hospital reporter posts a cholera card through the API; the signal is
// in the CDC's list at once, the workflow records the response time, the
// card list exports, and a township user may not see the cards.
func TestSurveillanceAPIAndPages(t *testing.T) {
	e := newEnv(t)
	rep := e.login(t, "reporter")
	in := map[string]any{"disease": "cholera", "caseClass": "确诊病例", "patientName": "测试", "sex": 1, "birthDate": "1970-01-02",
		"occupation": "农民", "addressCode": codeZhongba, "facilityCode": "320685000000-ZH01",
		"onsetDate": time.Now().Add(-time.Hour).In(chinaTime).Format("2006-01-02"), "diagnosedAt": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)}
	var created struct {
		Case    apiCase `json:"case"`
		Signals []int64 `json:"signals"`
	}
	if st := rep.api("POST", "/api/v1/cases", in, &created); st != http.StatusCreated || len(created.Signals) == 0 {
		var eb map[string]any
		rep.api("POST", "/api/v1/cases", in, &eb)
		t.Fatalf("create: %d %+v", st, eb)
	}
	if created.Case.IDNumber != "" || created.Case.DiseaseName != "霍乱" {
		t.Errorf("case = %+v", created.Case)
	}
	bad := map[string]any{"disease": "flu9", "sex": 1}
	var errBody map[string]apiError
	if st := rep.api("POST", "/api/v1/cases", bad, &errBody); st != http.StatusBadRequest || len(errBody["error"].Issues) < 3 {
		t.Errorf("bad card: %d %+v", st, errBody)
	}
	if st := rep.api("GET", "/api/v1/signals", nil, nil); st != http.StatusForbidden {
		t.Errorf("reporter reads signals: %d", st)
	}
	cdc := e.login(t, "hadmin")
	var sigs struct {
		Total   int         `json:"total"`
		Signals []apiSignal `json:"signals"`
	}
	if st := cdc.api("GET", "/api/v1/signals?item=cholera", nil, &sigs); st != 200 || sigs.Total != len(created.Signals) {
		t.Fatalf("signals: %d %+v", st, sigs)
	}
	var g apiSignal
	id := sigs.Signals[0].ID
	if st := cdc.api("POST", "/api/v1/signals/"+itoa(id)+"/actions", map[string]string{"action": "respond", "note": "ok"}, &g); st != 200 ||
		g.ResponseMinutes == nil || !g.RespondedInTime || g.Status != "responded" {
		t.Fatalf("respond: %d %+v", st, g)
	}
	if st := cdc.api("POST", "/api/v1/signals/"+itoa(id)+"/actions", map[string]string{"action": "respond"}, nil); st != http.StatusConflict {
		t.Errorf("second respond: %d", st)
	}
	for _, path := range []string{"/surveillance/signals", "/surveillance/signals/" + itoa(id), "/surveillance/curve?item=cholera",
		"/surveillance/compliance", "/surveillance/specificity", "/surveillance/cases", "/surveillance/cases/" + itoa(created.Case.ID)} {
		res, body := cdc.get(path)
		wantStatus(t, res, body, 200)
	}
	res, body := cdc.get("/surveillance/cases/export?format=csv&disease=cholera")
	wantStatus(t, res, body, 200)
	if !strings.Contains(body, "霍乱") || !strings.Contains(body, "测试") {
		t.Errorf("export: %.300s", body)
	}
	for _, path := range []string{"/surveillance/signals/export?format=csv", "/surveillance/curve/export?format=csv&item=cholera",
		"/surveillance/compliance/export?format=csv", "/surveillance/specificity/export?format=csv"} {
		res, body = cdc.get(path)
		wantStatus(t, res, body, 200)
	}
	res, body = rep.get("/surveillance/address-options?addressCode=" + codeZhongba[:9])
	wantStatus(t, res, body, 200)
	wantContains(t, body, codeZhongba)
	town := e.login(t, "town")
	res, body = town.get("/surveillance/cases")
	wantStatus(t, res, body, http.StatusForbidden)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

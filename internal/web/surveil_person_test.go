package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A card carrying a resident's ID number is linked to the resident: the
// county administrator sees the resident (masked) on the card and the card
// on the resident's timeline; the hospital reporter, who may not see
// residents, gets neither the link nor the person id; the township user,
// who may not read cards, does not see the card on the timeline.
func TestCardResidentLink(t *testing.T) {
	e := newEnv(t)
	admin := e.login(t, "hadmin")
	doc := testIDNumber(t, 31)
	var res residentOut
	if st := admin.api("POST", "/api/v1/residents", map[string]any{"docNumber": doc, "name": "赵六一", "village": codeZhongba,
		"phone": "13800001234", "address": "3组12号"}, &res); st != http.StatusCreated {
		t.Fatalf("register: %d", st)
	}
	rep := e.login(t, "reporter")
	onset := time.Now().Add(-time.Hour)
	in := map[string]any{"disease": "mumps", "caseClass": "临床诊断病例", "patientName": "赵六一", "idNumber": doc, "sex": 1,
		"birthDate": "1950-03-04", "occupation": "农民", "addressCode": codeZhongba, "facilityCode": "320685000000-ZH01",
		"onsetDate": onset.In(chinaTime).Format("2006-01-02"), "diagnosedAt": onset.UTC().Format(time.RFC3339)}
	var created struct {
		Case apiCase `json:"case"`
	}
	if st := rep.api("POST", "/api/v1/cases", in, &created); st != http.StatusCreated {
		t.Fatalf("create: %d", st)
	}
	if created.Case.PersonID != 0 {
		t.Errorf("the reporter gets person id %d", created.Case.PersonID)
	}
	var got struct {
		Case apiCase `json:"case"`
	}
	if st := admin.api("GET", fmt.Sprintf("/api/v1/cases/%d", created.Case.ID), nil, &got); st != 200 || got.Case.PersonID != res.ID {
		t.Fatalf("admin reads the card: %d, person %d, want %d", st, got.Case.PersonID, res.ID)
	}
	cardPage := fmt.Sprintf("/surveillance/cases/%d", created.Case.ID)
	r, body := admin.get(cardPage)
	wantStatus(t, r, body, 200)
	wantContains(t, body, `data-testid="card-resident"`, fmt.Sprintf("/residents/%d", res.ID), "赵**")
	r, body = rep.get(cardPage)
	wantStatus(t, r, body, 200)
	if strings.Contains(body, "card-resident") {
		t.Error("the reporter sees the resident link")
	}
	r, body = admin.get(fmt.Sprintf("/residents/%d", res.ID))
	wantStatus(t, r, body, 200)
	wantContains(t, body, `data-testid="timeline-card"`, cardPage, "流行性腮腺炎")
	if strings.Contains(body, "赵六一") {
		t.Error("the resident page shows the name unmasked")
	}
	r, body = e.login(t, "town").get(fmt.Sprintf("/residents/%d", res.ID))
	wantStatus(t, r, body, 200)
	if strings.Contains(body, "timeline-card") {
		t.Error("the township user, who may not read cards, sees the card on the timeline")
	}
}

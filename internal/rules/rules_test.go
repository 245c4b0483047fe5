package rules

import (
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/programme"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func builtin(t *testing.T) *Rules {
	c, err := programme.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	c.SetToday(func() period.Date { return period.NewDate(2024, 12, 31) })
	return New(c)
}

// The year status the store keeps reads the programme's items: 规范管理
// from "regular", control from "controlled", and a screening positive
// without its follow-up as a pending positive.
func TestYearStatus(t *testing.T) {
	r := builtin(t)
	man := &weijian.Person{Sex: 1, BirthDate: day("1950-01-01"), VillageCode: "320685100001"}
	enr := []*weijian.Enrollment{{Programme: "hypertension", EnrolledOn: day("2020-01-01"), Values: map[string]any{}}}
	var evs []*weijian.Event
	for _, d := range []string{"2024-02-01", "2024-05-01", "2024-08-01", "2024-11-01"} {
		e := &weijian.Event{Programme: "hypertension", Stage: "followup", Date: day(d),
			Values: map[string]any{"method": "1", "sbp": 135, "dbp": 85, "drug_compliance": "1", "followup_class": "1"}}
		if is := r.CheckEvent(man, enr[0], e, day("2024-12-31")); len(is) != 0 {
			t.Fatalf("follow-up %s: %v", d, is)
		}
		evs = append(evs, e)
	}
	y := r.YearStatus(man, "hypertension", 2024, enr, evs)
	if !y.Standard || y.Controlled != 1 || y.Events != 4 || y.LastDate != day("2024-11-01") || !y.Managed {
		t.Errorf("hypertension 2024: %+v", y)
	}
	y = r.YearStatus(man, "hypertension", 2024, enr, evs[:2])
	if y.Standard {
		t.Errorf("2 follow-ups counted as 规范管理: %+v", y)
	}
	woman := &weijian.Person{Sex: 2, BirthDate: day("1975-01-01"), VillageCode: "320685100001"}
	screen := &weijian.Event{Programme: "cervical_screening", Stage: "screening", Date: day("2024-03-01"), Values: map[string]any{"positive": true}}
	if y := r.YearStatus(woman, "cervical_screening", 2024, nil, []*weijian.Event{screen}); y.Status != "positive" {
		t.Errorf("positive without colposcopy: %+v", y)
	}
	colpo := &weijian.Event{Programme: "cervical_screening", Stage: "colposcopy", Date: day("2024-03-20"), Values: map[string]any{}}
	if y := r.YearStatus(woman, "cervical_screening", 2024, nil, []*weijian.Event{screen, colpo}); y.Status != "" {
		t.Errorf("positive followed by colposcopy still pending: %+v", y)
	}
	if !r.Known("hypertension", "followup") || r.Known("hypertension", "nope") || r.Known("nope", "") {
		t.Error("Known")
	}
}

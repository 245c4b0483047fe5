package programme

import (
	"testing"
	"time"

	"github.com/weijian-health/weijian"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestRulesAdapter(t *testing.T) {
	r := Rules{Cat: builtin(t)}
	p := &weijian.Person{Sex: 1, BirthDate: day("1950-03-10"), VillageCode: "320685100001"}
	enr := &weijian.Enrollment{Programme: "hypertension", EnrolledOn: day("2024-01-05")}
	if is := r.CheckEnrollment(p, enr, day("2024-12-31")); len(is) != 0 {
		t.Fatalf("enrollment: %v", is)
	}
	ev := &weijian.Event{Programme: "hypertension", Stage: "followup", Date: day("2024-03-01"),
		Values: map[string]any{"method": "1", "sbp": "400", "dbp": "95", "drug_compliance": "1", "followup_class": "2"}}
	is := r.CheckEvent(p, enr, ev, day("2024-12-31"))
	if len(is) != 1 || is[0].Field != "sbp" || is[0].Rule != "max" || is[0].Value != "400" {
		t.Fatalf("SBP 400: %+v", is)
	}
	ev.Values["sbp"], ev.Values["dbp"] = "138", "85"
	if is := r.CheckEvent(p, enr, ev, day("2024-12-31")); len(is) != 0 {
		t.Fatalf("valid follow-up: %+v", is)
	}
	if ev.Values["sbp"] != int64(138) || ev.Values["bp_controlled"] != true {
		t.Errorf("values after the check: %v", ev.Values)
	}
	// The store checks the dates itself: they are not reported twice.
	late := &weijian.Event{Programme: "hypertension", Stage: "followup", Date: day("2025-03-01"), Values: ev.Values}
	if is := r.CheckEvent(p, enr, late, day("2024-12-31")); len(is) != 0 {
		t.Errorf("future date reported by the rules too: %+v", is)
	}
	man := &weijian.Person{Sex: 1, BirthDate: day("1980-01-01"), VillageCode: "320685100001"}
	if is := r.CheckEnrollment(man, &weijian.Enrollment{Programme: "cervical_screening", EnrolledOn: day("2024-05-01")}, day("2024-12-31")); len(is) != 1 || is[0].Rule != "eligibility_sex" {
		t.Errorf("man in cervical screening: %+v", is)
	}
	var evs []*weijian.Event
	for _, d := range []string{"2024-01-15", "2024-04-10", "2024-07-09", "2024-10-30"} {
		e := &weijian.Event{Programme: "hypertension", Stage: "followup", Date: day(d),
			Values: map[string]any{"method": "1", "sbp": 136, "dbp": 84, "drug_compliance": "1", "followup_class": "1"}}
		if is := r.CheckEvent(p, enr, e, day("2024-12-31")); len(is) != 0 {
			t.Fatal(is)
		}
		evs = append(evs, e)
	}
	y := r.YearStatus(p, "hypertension", 2024, []*weijian.Enrollment{enr}, evs)
	if y.Events != 4 || !y.Managed || !y.Standard || y.Controlled != 1 || y.LastDate != day("2024-10-30") || y.Values["followups"] != int64(4) {
		t.Errorf("year status: %+v", y)
	}
	y = r.YearStatus(p, "elderly", 2024, nil, nil)
	if y.Controlled != -1 || y.Standard || y.Managed {
		t.Errorf("elderly without records: %+v", y)
	}
}

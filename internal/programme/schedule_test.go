package programme

import (
	"testing"
)

func TestHypertensionDueByQuarter(t *testing.T) {
	c := builtin(t)
	p, _ := c.Programme("hypertension")
	enr := Enrollment{Date: date("2024-02-10")}
	events := []EventRef{
		{Stage: "followup", Date: date("2024-03-01")},
		{Stage: "annual_check", Date: date("2024-05-20")},
		{Stage: "followup", Date: date("2024-05-01")},
	}
	// 2024-08-15: Q3 has no follow-up, Q2 had one → due, not overdue, from
	// 07-01 to 09-30. The annual check is done for 2024 → next due 2025.
	got := p.Due(adult, enr, events, date("2024-08-15"))
	want := []DueItem{
		{Stage: "followup", What: tx("2024年第三季度高血压随访", "Hypertension follow-up, Q3 2024"), Date: date("2024-07-01"), Deadline: date("2024-09-30"), Due: true},
		{Stage: "annual_check", What: tx("2025年年度健康体检", "Annual health check, 2025"), Date: date("2025-01-01"), Deadline: date("2025-12-31")},
	}
	diffDue(t, got, want)
	// 2024-11-03: Q3 missed and Q4 empty → overdue.
	got = p.Due(adult, enr, events, date("2024-11-03"))
	if got[0].Stage != "followup" || !got[0].Due || !got[0].Overdue || got[0].Date != date("2024-10-01") {
		t.Errorf("Q4 after a missed Q3: %+v", got[0])
	}
	// Enrolled mid-quarter: due from the enrollment date.
	got = p.Due(adult, Enrollment{Date: date("2024-08-20")}, nil, date("2024-08-21"))
	if got[0].Date != date("2024-08-20") || got[0].Overdue {
		t.Errorf("new patient: %+v", got[0])
	}
	// Dead or discharged: nothing is due.
	dead := adult
	dead.DeathDate = date("2024-08-01")
	if got := p.Due(dead, enr, events, date("2024-08-15")); got != nil {
		t.Errorf("dead person is due %+v", got)
	}
}

func TestHypertensionYearStatus(t *testing.T) {
	c := builtin(t)
	p, _ := c.Programme("hypertension")
	fu := func(d string, sbp, dbp int64, ok bool) EventRef {
		return EventRef{Stage: "followup", Date: date(d), Values: map[string]any{"sbp": sbp, "dbp": dbp, "bp_controlled": ok}}
	}
	enr := Enrollment{Date: date("2022-06-01")}
	events := []EventRef{
		fu("2023-12-20", 150, 95, false), // other year: ignored
		fu("2024-01-15", 152, 92, false),
		fu("2024-04-10", 138, 85, true),
		fu("2024-07-09", 136, 84, true),
		{Stage: "annual_check", Date: date("2024-09-01")},
		fu("2024-10-30", 145, 88, true), // aged 74: <150/90 is controlled
	}
	st := p.YearStatus(adult, enr, events, 2024)
	want := map[string]any{"followups": int64(4), "regular": true, "last_followup": date("2024-10-30"),
		"last_sbp": int64(145), "last_dbp": int64(88), "controlled": true, "annual_check": true}
	diffMap(t, st.Values, want)
	if !st.Enrolled || st.Events != 5 {
		t.Errorf("enrolled %v events %d", st.Enrolled, st.Events)
	}
	// Three follow-ups: not regular. No follow-up at all: not controlled (lost to follow-up).
	st = p.YearStatus(adult, enr, events[:4], 2024)
	if st.Values["regular"] != false || st.Values["followups"] != int64(3) {
		t.Errorf("3 follow-ups: %v", st.Values)
	}
	st = p.YearStatus(adult, enr, nil, 2024)
	if st.Values["controlled"] != false || st.Values["annual_check"] != false || st.Values["last_sbp"] != nil {
		t.Errorf("no events: %v", st.Values)
	}
	// Enrolled 2024-08-01: 153 of 366 days left, 4 × 153/366 = 1.67 → 2 needed.
	late := Enrollment{Date: date("2024-08-01")}
	if st := p.YearStatus(adult, late, events[5:6], 2024); st.Values["regular"] != false {
		t.Errorf("late enrollee with 1 follow-up: regular")
	}
	if st := p.YearStatus(adult, late, append(events[5:6:6], fu("2024-12-20", 130, 80, true)), 2024); st.Values["regular"] != true {
		t.Errorf("late enrollee with 2 follow-ups: not regular")
	}
	if st := p.YearStatus(adult, late, nil, 2023); st.Enrolled {
		t.Errorf("enrolled in 2023 though enrolled in August 2024")
	}
}

package programme

import (
	"fmt"
	"strings"

	"github.com/google/go-cmp/cmp"
	"github.com/weijian-health/weijian/internal/period"
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
	// Enrolled two days before the quarter ended: missing that quarter is
	// not yet overdue.
	got = p.Due(adult, Enrollment{Date: date("2024-09-29")}, nil, date("2024-10-05"))
	if !got[0].Due || got[0].Overdue {
		t.Errorf("enrolled late in Q3: %+v", got[0])
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

// due returns the items of stage.
func dueOf(items []DueItem, stage string) []DueItem {
	var out []DueItem
	for _, it := range items {
		if it.Stage == stage {
			out = append(out, it)
		}
	}
	return out
}

func TestChildChecksDueByWindow(t *testing.T) {
	c := builtin(t)
	p, _ := c.Programme("child_health")
	kid := PersonFacts{Sex: "2", BirthDate: date("2024-01-31"), VillageCode: "1"}
	enr := Enrollment{Date: date("2024-02-05")}
	events := []EventRef{
		{Stage: "newborn_visit", Date: date("2024-02-06")},
		{Stage: "check", Date: date("2024-03-01")}, // one-month check (day 30)
		{Stage: "check", Date: date("2024-05-20")}, // 3-month window opens 2024-04-30
	}
	// 2024-07-15: the 6-month window opened 2024-07-31? No: 31 Jan + 6
	// months is 31 July, so on 15 July nothing is due; the next is the
	// 6-month check from 07-31 to 08-31.
	got := dueOf(p.Due(kid, enr, events, date("2024-07-15")), "check")
	want := []DueItem{{Stage: "check", Window: "m6", What: tx("6月龄健康检查", "6-month check"), Date: date("2024-07-31"), Deadline: date("2024-08-31")}}
	diffDue(t, got, want)
	// 2024-08-10: due, on time.
	got = dueOf(p.Due(kid, enr, events, date("2024-08-10")), "check")
	want[0].Due = true
	diffDue(t, got, want)
	// 2024-09-10: missed its end (08-31); the 8-month window opens 09-30,
	// so the 6-month check is overdue until then.
	got = dueOf(p.Due(kid, enr, events, date("2024-09-10")), "check")
	want[0].Overdue = true
	diffDue(t, got, want)
	// 2024-10-05: the 8-month window is open; the missed 6-month one is
	// no longer listed (no catch-up for checks).
	got = dueOf(p.Due(kid, enr, events, date("2024-10-05")), "check")
	if len(got) != 1 || got[0].Window != "m8" || !got[0].Due || got[0].Overdue {
		t.Errorf("2024-10-05: %+v", got)
	}
	// A late 6-month check (2024-09-20) fills the 6-month window.
	late := append(events[:3:3], EventRef{Stage: "check", Date: date("2024-09-20")})
	got = dueOf(p.Due(kid, enr, late, date("2024-09-25")), "check")
	if len(got) != 1 || got[0].Window != "m8" || got[0].Due {
		t.Errorf("after a late 6-month check: %+v", got)
	}
}

func TestVaccinationDueWithCatchUp(t *testing.T) {
	c := builtin(t)
	p, _ := c.ProgrammeVersion("vaccination", 3)
	baby := PersonFacts{Sex: "1", BirthDate: date("2025-01-10"), VillageCode: "1"}
	enr := Enrollment{Date: date("2025-01-10")}
	dose := func(d, vaccine string, n int64) EventRef {
		return EventRef{Stage: "dose", Date: date(d), Values: map[string]any{"vaccine": vaccine, "dose": n}}
	}
	events := []EventRef{dose("2025-01-10", "HepB", 1), dose("2025-01-11", "BCG", 1), dose("2025-02-10", "HepB", 2)}
	// 2025-04-01 (aged 2 months 22 days): IPV1 and DTaP1 (2 months, due
	// 03-10 to 04-10) are due; nothing missed yet.
	got := p.Due(baby, enr, events, date("2025-04-01"))
	var codes []string
	for _, it := range got {
		codes = append(codes, it.Window)
		if !it.Due || it.Overdue {
			t.Errorf("%s: due %v overdue %v", it.Window, it.Due, it.Overdue)
		}
	}
	if d := cmp.Diff([]string{"ipv1", "dtap1"}, codes); d != "" {
		t.Errorf("due windows (-want +got):\n%s", d)
	}
	// 2025-06-01: IPV1 and DTaP1 missed (catch-up: overdue), IPV2 (3 months)
	// missed too, bOPV1 (4 months, 05-10 to 06-10) and DTaP2 due.
	got = p.Due(baby, enr, append(events, dose("2025-03-15", "IPV", 1)), date("2025-06-01"))
	codes = nil
	for _, it := range got {
		codes = append(codes, it.Window)
	}
	if d := cmp.Diff([]string{"dtap1", "ipv2", "bopv1", "dtap2"}, codes); d != "" {
		t.Errorf("due windows (-want +got):\n%s", d)
	}
	if !got[0].Overdue || got[2].Overdue {
		t.Errorf("overdue flags: %+v", got)
	}
}

func TestHPVWindowOnlyForEligibleGirls(t *testing.T) {
	c := builtin(t)
	c.SetToday(func() period.Date { return date("2026-01-31") })
	p, _ := c.ProgrammeVersion("vaccination", 3)
	girl := PersonFacts{Sex: "2", BirthDate: date("2012-12-01"), VillageCode: "1"}
	enr := Enrollment{Date: date("2012-12-01")}
	var all []EventRef
	for _, w := range p.Stages[0].Schedule.Windows { // every childhood dose given
		if w.Code[:3] != "hpv" {
			all = append(all, EventRef{Stage: "dose", Date: w.From.From(girl.BirthDate), Values: vaccineOf(w)})
		}
	}
	got := p.Due(girl, enr, all, date("2026-01-15"))
	if len(got) != 1 || got[0].Window != "hpv1" || !got[0].Due {
		t.Fatalf("girl of 13: %+v", got)
	}
	boy := girl
	boy.Sex = "1"
	if got := p.Due(boy, enr, all, date("2026-01-15")); len(got) != 0 {
		t.Errorf("boy of 13 is due %+v", got)
	}
	older := girl
	older.BirthDate = date("2011-06-01") // born before 2011-11-10
	if got := p.Due(older, enr, all, date("2026-01-15")); len(got) != 0 {
		t.Errorf("girl born before 2011-11-10 is due %+v", got)
	}
}

// vaccineOf reads the vaccine and dose a window's condition asks for.
func vaccineOf(w Window) map[string]any {
	var vaccine string
	var n int64
	s := w.When.String()
	if _, err := fmt.Sscanf(s, "vaccine == '%s && dose == %d", &vaccine, &n); err != nil {
		fmt.Sscanf(s, "vaccine in ['%s", &vaccine)
		fmt.Sscanf(s[strings.Index(s, "dose == "):], "dose == %d", &n)
	}
	return map[string]any{"vaccine": strings.TrimRight(vaccine, "',"), "dose": n}
}

func TestPositivesFollowedUp(t *testing.T) {
	c := builtin(t)
	p, _ := c.Programme("newborn_chd")
	enr := Enrollment{Date: newborn.BirthDate}
	screen := EventRef{Stage: "screen", Date: date("2024-06-02"), Values: map[string]any{"positive": true}}
	got := dueOf(p.Due(newborn, enr, []EventRef{screen}, date("2024-06-05")), "diagnosis")
	diffDue(t, got, []DueItem{{Stage: "diagnosis", What: tx("心脏超声诊断", "Echocardiography"), Date: date("2024-06-02"), Deadline: date("2024-06-09"), Due: true}})
	got = dueOf(p.Due(newborn, enr, []EventRef{screen}, date("2024-06-10")), "diagnosis")
	if len(got) != 1 || !got[0].Overdue {
		t.Errorf("positive unseen after 8 days: %+v", got)
	}
	done := []EventRef{screen, {Stage: "diagnosis", Date: date("2024-06-06")}}
	if got := dueOf(p.Due(newborn, enr, done, date("2024-06-10")), "diagnosis"); len(got) != 0 {
		t.Errorf("diagnosed positive still due: %+v", got)
	}
	negative := EventRef{Stage: "screen", Date: date("2024-06-02"), Values: map[string]any{"positive": false}}
	if got := dueOf(p.Due(newborn, enr, []EventRef{negative}, date("2024-06-10")), "diagnosis"); len(got) != 0 {
		t.Errorf("negative screen needs a diagnosis: %+v", got)
	}
	// Breast: a pathology is due after a BI-RADS 4 on either ultrasound or mammography.
	b, _ := c.Programme("breast_screening")
	evs := []EventRef{
		{Stage: "screening", Date: date("2024-05-01"), Values: map[string]any{"mammography_needed": true, "biopsy_needed": false}},
		{Stage: "mammography", Date: date("2024-05-10"), Values: map[string]any{"biopsy_needed": true}},
	}
	got = dueOf(b.Due(woman40, Enrollment{Date: date("2024-05-01")}, evs, date("2024-05-12")), "pathology")
	if len(got) != 1 || got[0].Date != date("2024-05-10") || got[0].Deadline != date("2024-06-10") {
		t.Errorf("pathology after mammography BI-RADS 4: %+v", got)
	}
}

func TestContractRenewalDue(t *testing.T) {
	c := builtin(t)
	p, _ := c.Programme("family_doctor")
	enr := Enrollment{Date: date("2024-01-10")}
	// Signed 2024-01-10: renewal due 2025-01-10, shown from 2024-12-11 (30
	// days' lead), overdue after 2025-02-09 (30 days' grace).
	for _, tc := range []struct {
		asOf         string
		due, overdue bool
	}{{"2024-12-10", false, false}, {"2024-12-11", true, false}, {"2025-02-09", true, false}, {"2025-02-10", true, true}} {
		got := dueOf(p.Due(elderly7, enr, nil, date(tc.asOf)), "renewal")
		if len(got) != 1 || got[0].Date != date("2025-01-10") || got[0].Due != tc.due || got[0].Overdue != tc.overdue {
			t.Errorf("%s: %+v", tc.asOf, got)
		}
	}
	renewed := []EventRef{{Stage: "renewal", Date: date("2025-01-05")}}
	if got := dueOf(p.Due(elderly7, enr, renewed, date("2025-02-10")), "renewal"); got[0].Date != date("2026-01-05") || got[0].Due {
		t.Errorf("after renewal: %+v", got)
	}
}

func TestMentalRegularNeedsGapsOfThreeMonths(t *testing.T) {
	c := builtin(t)
	p, _ := c.Programme("mental_disorder")
	enr := Enrollment{Date: date("2020-01-01")}
	fu := func(d string) EventRef {
		return EventRef{Stage: "followup", Date: date(d), Values: map[string]any{"followup_class": "3", "stable": true}}
	}
	// Four follow-ups, all gaps ≤ 3 months: regular.
	ok := []EventRef{fu("2024-01-20"), fu("2024-04-18"), fu("2024-07-15"), fu("2024-10-14")}
	if st := p.YearStatus(patient, enr, ok, 2024); st.Values["regular"] != true || st.Values["stable"] != true {
		t.Errorf("regular: %v", st.Values)
	}
	// 04-18 to 07-19 is 3 months and a day: not regular.
	gap := []EventRef{fu("2024-01-20"), fu("2024-04-18"), fu("2024-07-19"), fu("2024-10-14")}
	if st := p.YearStatus(patient, enr, gap, 2024); st.Values["regular"] != false {
		t.Errorf("gap over 3 months counted regular")
	}
}

func TestUncontrolledFollowedUpWithinTwoWeeks(t *testing.T) {
	c := builtin(t)
	p, _ := c.Programme("hypertension")
	enr := Enrollment{Date: date("2024-01-05")}
	bad := EventRef{Stage: "followup", Date: date("2024-07-10"), Values: map[string]any{"bp_controlled": false, "adverse_reaction": false}}
	got := dueOf(p.Due(adult, enr, []EventRef{bad}, date("2024-07-20")), "followup")
	diffDue(t, got, []DueItem{{Stage: "followup", What: tx("血压控制不满意或有药物不良反应，2周内随访", "BP not controlled or an adverse reaction: follow up within 2 weeks"),
		Date: date("2024-07-10"), Deadline: date("2024-07-24"), Due: true}})
	if got := dueOf(p.Due(adult, enr, []EventRef{bad}, date("2024-07-25")), "followup"); !got[0].Overdue {
		t.Errorf("15 days after an uncontrolled reading: %+v", got[0])
	}
	// Controlled at the next visit: back to one a quarter (Q3 done, Q4 next).
	good := EventRef{Stage: "followup", Date: date("2024-07-22"), Values: map[string]any{"bp_controlled": true}}
	got = dueOf(p.Due(adult, enr, []EventRef{bad, good}, date("2024-07-25")), "followup")
	if got[0].Date != date("2024-10-01") || got[0].Due {
		t.Errorf("after a controlled visit: %+v", got[0])
	}
}

func TestNoDueItemsOutsideStageEligibility(t *testing.T) {
	c := builtin(t)
	p, _ := c.Programme("oral_health")
	four := PersonFacts{Sex: "1", BirthDate: date("2020-03-01"), VillageCode: "1"}
	enr := Enrollment{Date: date("2023-09-01")}
	if got := dueOf(p.Due(four, enr, nil, date("2024-05-01")), "fluoride"); len(got) != 1 || !got[0].Due {
		t.Errorf("fluoride at 4: %+v", got)
	}
	if got := dueOf(p.Due(child8, enr, nil, date("2024-05-01")), "fluoride"); len(got) != 0 {
		t.Errorf("fluoride at 8: %+v", got)
	}
}

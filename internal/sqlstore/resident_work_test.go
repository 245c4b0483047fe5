package sqlstore_test

import (
	"strings"
	"testing"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/sqlstore"
)

// A work list gives the same persons whichever index it is read through:
// a village's residents, a township's residents, or the programme's open
// enrollments / the range of birth dates (a township larger than its
// county's list, and the whole county). On SQLite the plan is checked to
// take the route expected.
func TestWorkListRoutes(t *testing.T) {
	residentStore(t, func(t *testing.T, s *sqlstore.Store) {
		town := unitID(t, s, town1)
		enroll := func(p *weijian.Person) {
			t.Helper()
			if err := s.Enroll(ctx, all, tester, &weijian.Enrollment{PersonID: p.ID, Programme: "hypertension",
				EnrolledOn: day("2023-01-10"), OrgUnitID: town}); err != nil {
				t.Fatal(err)
			}
		}
		// 海安镇: 甲 and 乙 enrolled, 乙 followed up this quarter; 城东镇:
		// 丙 and 丁 enrolled, neither followed up. 甲, 丙 and 丁 are on
		// the county list, 甲 alone on 海安镇's. 甲 and 丙 are 65+.
		jia := register(t, s, "甲一", "1950-01-01", 41, village1)
		yi := register(t, s, "乙二", "1980-01-02", 43, village1)
		bing := register(t, s, "丙三", "1955-03-03", 45, village2)
		ding := register(t, s, "丁四", "1970-04-04", 47, village2)
		for _, p := range []*weijian.Person{jia, yi, bing, ding} {
			enroll(p)
		}
		if err := s.RecordEvent(ctx, all, tester, &weijian.Event{PersonID: yi.ID, Programme: "hypertension",
			Stage: "followup", Date: day("2024-05-20"), OrgUnitID: town}); err != nil {
			t.Fatal(err)
		}
		check := func(what string, sc weijian.Scope, f weijian.WorkFilter, route string, want ...*weijian.Person) {
			t.Helper()
			checkWorkList(t, s, what, sc, f, "USING INDEX "+route, want...)
		}
		hyp := weijian.WorkFilter{List: "hypertension_quarter"}
		old := weijian.WorkFilter{List: "elderly_year"}
		county, haian := scopeOf(t, s, "320685000000"), scopeOf(t, s, town1)
		// Ordered by the last service (none), then by birth date.
		check("village", scopeOf(t, s, village1), hyp, "person_village", jia)
		check("county", county, hyp, "enrollment_open", jia, bing, ding)
		// 海安镇 has 2 residents, the county 4 open enrollments and 2 65+
		// (a range of birth dates is read only when under a fifth).
		check("township, residents fewer", haian, hyp, "person_village", jia)
		check("township 65+, as many", haian, old, "person_village", jia)
		check("county 65+, half its residents", county, old, "person_village", jia, bing)
		check("unit 海安镇", county, weijian.WorkFilter{List: "hypertension_quarter", Unit: town1}, "person_village", jia)
		// Nine more residents of 海安镇, none enrolled, none 65+: its 11
		// residents outnumber the county's 4 open enrollments and five
		// times its 2 persons of 65+.
		for i := range 9 {
			register(t, s, "戊"+string(rune('一'+i)), "1990-05-0"+string(rune('1'+i)), 51+2*i, village1)
		}
		check("township, enrollments fewer", haian, hyp, "enrollment_open", jia)
		check("township 65+, by birth", haian, old, "person_birth", jia)
		check("county 65+, by birth", county, old, "person_birth", jia, bing)
		check("unit 海安镇, enrollments fewer", county, weijian.WorkFilter{List: "hypertension_quarter", Unit: town1}, "enrollment_open", jia)
		check("village after", scopeOf(t, s, village1), hyp, "person_village", jia)
	})
}

// 筛查阳性未随访 lists the women whose cervical screen was positive and not
// followed up (no colposcopy yet), in the caller's scope; over a township
// or the county it reads the few year statuses 'positive' first (index
// person_year_positive); over a village the planner chooses (SQLite takes
// the same index: the positives are the fewer there too).
func TestPositivesWorkList(t *testing.T) {
	ruledStore(t, func(t *testing.T, s *sqlstore.Store) {
		town := unitID(t, s, town1)
		screen := func(p *weijian.Person, date, hpv string) {
			t.Helper()
			if err := s.RecordEvent(ctx, all, tester, &weijian.Event{PersonID: p.ID, Programme: "cervical_screening",
				Stage: "screening", Date: day(date), OrgUnitID: town,
				Values: map[string]any{"gyn_exam": "1", "method": "1", "hpv": hpv}}); err != nil {
				t.Fatal(err)
			}
		}
		// Women of 40 (even sequence numbers): 甲 and 丁 positive, 乙
		// positive and sent to colposcopy, 丙 negative.
		jia := register(t, s, "阳甲", "1984-03-03", 72, village1)
		yi := register(t, s, "阳乙", "1984-03-04", 74, village1)
		bing := register(t, s, "阳丙", "1984-03-05", 76, village1)
		ding := register(t, s, "阳丁", "1984-03-06", 78, village2)
		screen(jia, "2024-03-01", "2")
		screen(yi, "2024-03-02", "3")
		screen(bing, "2024-03-03", "1")
		screen(ding, "2024-04-10", "2")
		if err := s.RecordEvent(ctx, all, tester, &weijian.Event{PersonID: yi.ID, Programme: "cervical_screening",
			Stage: "colposcopy", Date: day("2024-04-02"), OrgUnitID: town, Values: map[string]any{"result": "1"}}); err != nil {
			t.Fatal(err)
		}
		pos := weijian.WorkFilter{List: "positive_followup"}
		check := func(what string, sc weijian.Scope, f weijian.WorkFilter, route string, want ...*weijian.Person) {
			t.Helper()
			checkWorkList(t, s, what, sc, f, "INDEX "+route, want...)
		}
		// Ordered by the last service: 甲 (1 March) before 丁 (10 April).
		check("county", scopeOf(t, s, "320685000000"), pos, "person_year_positive", jia, ding)
		check("township", scopeOf(t, s, town1), pos, "person_year_positive", jia)
		check("unit 城东镇 of the county", scopeOf(t, s, "320685000000"),
			weijian.WorkFilter{List: "positive_followup", Unit: "320685101000"}, "person_year_positive", ding)
		check("village", scopeOf(t, s, village1), pos, "", jia)
		check("everyone", all, pos, "person_year_positive", jia, ding)
		// The colposcopy of 丁 takes her off every list.
		if err := s.RecordEvent(ctx, all, tester, &weijian.Event{PersonID: ding.ID, Programme: "cervical_screening",
			Stage: "colposcopy", Date: day("2024-05-02"), OrgUnitID: town, Values: map[string]any{"result": "1"}}); err != nil {
			t.Fatal(err)
		}
		check("county after 丁's colposcopy", scopeOf(t, s, "320685000000"), pos, "person_year_positive", jia)
	})
}

// checkWorkList checks a list's persons, in order, and its total; on
// SQLite also that its plan contains step (the index it reads through)
// and scans no table of persons.
func checkWorkList(t *testing.T, s *sqlstore.Store, what string, sc weijian.Scope, f weijian.WorkFilter, step string, want ...*weijian.Person) {
	t.Helper()
	items, total, err := s.WorkList(ctx, sc, f)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	var got, exp []string
	for _, it := range items {
		got = append(got, it.Person.Name)
	}
	for _, p := range want {
		exp = append(exp, p.Name)
	}
	if total != len(want) || strings.Join(got, " ") != strings.Join(exp, " ") {
		t.Errorf("%s: %d %v, want %v", what, total, got, exp)
	}
	if s.Dialect() != "sqlite" {
		return
	}
	plan, err := s.WorkListPlan(ctx, sc, f)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, step) || strings.Contains(plan, "SCAN p") {
		t.Errorf("%s: plan does not read through %s:\n%s", what, step, plan)
	}
}

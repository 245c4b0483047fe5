package sqlstore_test

import (
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/programme"
	"github.com/weijian-health/weijian/internal/rules"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

// ruledStore is a store that checks services against the built-in
// programme metadata, on both databases.
func ruledStore(t *testing.T, fn func(t *testing.T, s *sqlstore.Store)) {
	cat, err := programme.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	cat.SetToday(func() period.Date { return period.DateOf(residentClock) })
	opt := sqltest.Options{Now: func() time.Time { return residentClock }, Rules: rules.New(cat)}
	sqltest.Each(t, opt, func(t *testing.T, s *sqlstore.Store) {
		importFile(t, s, "jiangsu_nantong_haian_320685_2021.csv")
		fn(t, s)
	})
}

func htnFollowup(sbp, dbp int) map[string]any {
	return map[string]any{"method": "1", "sbp": sbp, "dbp": dbp, "drug_compliance": "1", "followup_class": "1"}
}

// The programme rules apply on write, on both databases: the bad inputs
// of the issue are refused with their field and rule, a good follow-up is
// stored with its derived values, and the year status is the programme's.
func TestServicesCheckedAgainstProgrammes(t *testing.T) {
	ruledStore(t, func(t *testing.T, s *sqlstore.Store) {
		town := unitID(t, s, town1)
		man := register(t, s, "钱一", "1960-02-02", 71, village1)   // 64, male
		woman := register(t, s, "钱二", "1984-03-03", 72, village1) // 40, female
		if err := s.Enroll(ctx, all, tester, &weijian.Enrollment{PersonID: man.ID, Programme: "hypertension",
			EnrolledOn: day("2023-01-10"), OrgUnitID: town, Values: map[string]any{"diagnosis_date": "2022-12-01"}}); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name  string
			e     weijian.Event
			field string
			rule  string
		}{
			{"SBP 400", weijian.Event{PersonID: man.ID, Programme: "hypertension", Stage: "followup", Date: day("2024-03-01"), Values: htnFollowup(400, 80)}, "sbp", "max"},
			{"SBP < DBP", weijian.Event{PersonID: man.ID, Programme: "hypertension", Stage: "followup", Date: day("2024-03-01"), Values: htnFollowup(80, 95)}, "sbp", "check:sbp_above_dbp"},
			{"unknown option", weijian.Event{PersonID: man.ID, Programme: "hypertension", Stage: "followup", Date: day("2024-03-01"),
				Values: map[string]any{"method": "7", "sbp": 130, "dbp": 80, "drug_compliance": "1", "followup_class": "1"}}, "method", "option"},
			{"before enrollment", weijian.Event{PersonID: man.ID, Programme: "hypertension", Stage: "followup", Date: day("2022-06-01"), Values: htnFollowup(130, 80)}, "date", "before_enrollment"},
			{"man in cervical screening", weijian.Event{PersonID: man.ID, Programme: "cervical_screening", Stage: "screening", Date: day("2024-03-01"), Values: map[string]any{}}, "", "eligibility_sex"},
			{"40-year-old in newborn screening", weijian.Event{PersonID: woman.ID, Programme: "newborn_disease_screening", Stage: "sample", Date: day("2024-03-01"), Values: map[string]any{}}, "", "eligibility_age"},
			{"unknown stage", weijian.Event{PersonID: man.ID, Programme: "hypertension", Stage: "nonsense", Date: day("2024-03-01")}, "stage", "unknown"},
		}
		for _, c := range cases {
			e := c.e
			e.OrgUnitID = town
			err := s.RecordEvent(ctx, all, tester, &e)
			found := false
			for _, is := range weijian.ErrorIssues(err) {
				found = found || is.Rule == c.rule && (c.field == "" || is.Field == c.field)
			}
			if weijian.ErrorKind(err) != weijian.KindInvalid || !found {
				t.Errorf("%s: %v, want %s at %s (%s)", c.name, err, c.rule, c.field, fieldRules(err))
			}
		}
		for _, d := range []string{"2024-02-01", "2024-05-01"} {
			e := &weijian.Event{PersonID: man.ID, Programme: "hypertension", Stage: "followup", Date: day(d), OrgUnitID: town, Values: htnFollowup(135, 85)}
			if err := s.RecordEvent(ctx, all, tester, e); err != nil {
				t.Fatalf("good follow-up: %v", err)
			}
			if e.Values["bp_controlled"] != true {
				t.Errorf("derived bp_controlled = %v, want true", e.Values["bp_controlled"])
			}
		}
		years, err := s.PersonYears(ctx, all, man.ID)
		if err != nil || len(years) == 0 || years[0].Year != 2024 || years[0].Controlled != 1 || years[0].Values["followups"] == nil {
			t.Fatalf("year status: %+v %v", years, err)
		}
		if years[0].Standard {
			t.Errorf("2 follow-ups by June counted as 规范管理: %+v", years[0])
		}
	})
}

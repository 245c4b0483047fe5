package sqlstore_test

import (
	"strings"
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/programme"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

// With the programme rules the store refuses what the metadata refuses and
// keeps the programme's year status.
func TestStoreWithProgrammeRules(t *testing.T) {
	cat, err := programme.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	opt := sqltest.Options{Now: func() time.Time { return residentClock }, Rules: programme.Rules{Cat: cat}}
	sqltest.Each(t, opt, func(t *testing.T, s *sqlstore.Store) {
		importFile(t, s, "jiangsu_nantong_haian_320685_2021.csv")
		p := register(t, s, "赵六", "1955-02-02", 31, village1)
		town := unitID(t, s, town1)
		if err := s.Enroll(ctx, all, tester, &weijian.Enrollment{PersonID: p.ID, Programme: "hypertension",
			EnrolledOn: day("2023-01-10"), OrgUnitID: town}); err != nil {
			t.Fatal(err)
		}
		bad := &weijian.Event{PersonID: p.ID, Programme: "hypertension", Stage: "followup", Date: day("2024-01-15"), OrgUnitID: town,
			Values: map[string]any{"method": "1", "sbp": 400, "dbp": 95, "drug_compliance": "1", "followup_class": "2"}}
		if err := s.RecordEvent(ctx, all, tester, bad); !strings.Contains(fieldRules(err), "sbp:max") {
			t.Errorf("SBP 400: %v", err)
		}
		for _, d := range []string{"2024-01-15", "2024-03-20", "2024-05-10"} {
			e := &weijian.Event{PersonID: p.ID, Programme: "hypertension", Stage: "followup", Date: day(d), OrgUnitID: town,
				Values: map[string]any{"method": "门诊", "sbp": "148", "dbp": "86", "drug_compliance": "规律", "followup_class": "1"}}
			if err := s.RecordEvent(ctx, all, tester, e); err != nil {
				t.Fatal(err)
			}
		}
		years, err := s.PersonYears(ctx, all, p.ID)
		if err != nil || len(years) == 0 {
			t.Fatalf("years: %v %v", years, err)
		}
		y := years[0]
		// Aged 69: 148/86 is controlled (<150/90); 3 follow-ups by June are not yet 规范.
		if y.Year != 2024 || y.Events != 3 || y.Controlled != 1 || y.Standard || y.Values["followups"] != float64(3) {
			t.Errorf("2024: %+v", y)
		}
	})
}

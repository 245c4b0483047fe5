package programme

import (
	"testing"
)

var adult = PersonFacts{Sex: "1", BirthDate: date("1950-03-10"), VillageCode: "320621100201", Permanent: true}

func htnFollowup() map[string]any {
	return map[string]any{"method": "1", "sbp": 150.0, "dbp": 85.0, "weight": "70.24", "height": 170,
		"drug_compliance": "规律", "followup_class": "1", "symptoms": "2,4"}
}

func TestHypertensionFollowupValid(t *testing.T) {
	c := builtin(t)
	s := stage(t, c, "hypertension", "followup")
	enr := Enrollment{Date: date("2024-01-05")}
	norm, der, errs := s.CheckEvent(adult, enr, htnFollowup(), date("2024-03-01"))
	wantRules(t, errs)
	if norm["sbp"] != int64(150) || norm["weight"] != 70.2 || norm["drug_compliance"] != "1" {
		t.Errorf("normalized = %v", norm)
	}
	if got := norm["symptoms"].([]string); len(got) != 2 || got[0] != "2" || got[1] != "4" {
		t.Errorf("symptoms = %v", got)
	}
	// 70.2 / 1.7² = 24.29; aged 73 on 2024-03-01, so 150/85 is controlled (<150 is false: 150 is not < 150).
	if der["bmi"] != 24.3 {
		t.Errorf("bmi = %v, want 24.3", der["bmi"])
	}
	if der["bp_controlled"] != false {
		t.Errorf("bp_controlled = %v, want false (SBP 150 is not below 150)", der["bp_controlled"])
	}
	v := htnFollowup()
	v["sbp"] = 149
	_, der, _ = s.CheckEvent(adult, enr, v, date("2024-03-01"))
	if der["bp_controlled"] != true {
		t.Errorf("65+ at 149/85: bp_controlled = %v, want true", der["bp_controlled"])
	}
	young := adult
	young.BirthDate = date("1980-01-01")
	_, der, _ = s.CheckEvent(young, enr, v, date("2024-03-01"))
	if der["bp_controlled"] != false {
		t.Errorf("aged 44 at 149/85: bp_controlled = %v, want false", der["bp_controlled"])
	}
}

func TestHypertensionFollowupBad(t *testing.T) {
	c := builtin(t)
	s := stage(t, c, "hypertension", "followup")
	enr := Enrollment{Date: date("2024-01-05")}
	dead := adult
	dead.DeathDate = date("2024-06-01")
	for _, tc := range []struct {
		name   string
		person PersonFacts
		edit   func(map[string]any)
		on     string
		want   []string
	}{
		{"SBP 400", adult, func(v map[string]any) { v["sbp"] = 400 }, "2024-03-01", []string{"sbp max"}},
		{"SBP below DBP", adult, func(v map[string]any) { v["sbp"] = 80; v["dbp"] = 95 }, "2024-03-01", []string{"sbp check:sbp_above_dbp"}},
		{"before enrollment", adult, nil, "2023-12-31", []string{"event_date before_enrollment"}},
		{"after death", dead, nil, "2024-06-02", []string{"event_date after_death"}},
		{"in the future", adult, nil, "2025-01-01", []string{"event_date future"}},
		{"unknown option code", adult, func(v map[string]any) { v["drug_compliance"] = "7" }, "2024-03-01", []string{"drug_compliance option"}},
		{"unknown field", adult, func(v map[string]any) { v["pulse"] = 70 }, "2024-03-01", []string{"pulse unknown_field"}},
		{"missing required", adult, func(v map[string]any) { delete(v, "dbp") }, "2024-03-01", []string{"dbp required"}},
		{"not a number", adult, func(v map[string]any) { v["sbp"] = "高" }, "2024-03-01", []string{"sbp type"}},
		{"referral reason required", adult, func(v map[string]any) { v["referral"] = "是" }, "2024-03-01", []string{"referral_reason required"}},
		{"reason without referral", adult, func(v map[string]any) { v["referral_reason"] = "x" }, "2024-03-01", []string{"referral_reason not_applicable"}},
		{"urgent without referral", adult, func(v map[string]any) { v["sbp"] = 185 }, "2024-03-01", []string{"referral check:urgent_referral"}},
		{"birth date in the future", func() PersonFacts { p := adult; p.BirthDate = date("2025-02-01"); return p }(), nil, "2024-03-01", []string{"birth_date future"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := htnFollowup()
			if tc.edit != nil {
				tc.edit(v)
			}
			_, _, errs := s.CheckEvent(tc.person, enr, v, date(tc.on))
			wantRules(t, errs, tc.want...)
		})
	}
}

func TestHypertensionEnrollment(t *testing.T) {
	c := builtin(t)
	p, _ := c.Programme("hypertension")
	attrs := map[string]any{"diagnosis_date": "2023-11-02", "baseline_sbp": 162, "baseline_dbp": 95}
	wantRules(t, p.CheckEnrollment(adult, attrs, date("2024-01-05")))
	young := adult
	young.BirthDate = date("1995-01-01")
	wantRules(t, p.CheckEnrollment(young, attrs, date("2024-01-05")), "birth_date eligibility_age")
	nowhere := adult
	nowhere.VillageCode = ""
	wantRules(t, p.CheckEnrollment(nowhere, attrs, date("2024-01-05")), "village eligibility_residence")
	attrs["diagnosis_date"] = "2024-02-01"
	wantRules(t, p.CheckEnrollment(adult, attrs, date("2024-01-05")), "diagnosis_date date_max")
}

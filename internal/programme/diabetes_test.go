package programme

import "testing"

func TestDiabetesFollowup(t *testing.T) {
	c := builtin(t)
	s := stage(t, c, "diabetes", "followup")
	enr := Enrollment{Date: date("2024-01-05")}
	v := map[string]any{"method": "门诊", "sbp": 128, "dbp": 78, "fasting_glucose": "6.94",
		"drug_compliance": "1", "followup_class": "1", "insulin": true, "insulin_dose": "门冬胰岛素 8U 早晚"}
	norm, der, errs := s.CheckEvent(adult, enr, v, date("2024-04-10"))
	wantRules(t, errs)
	// 6.94 is kept to 1 decimal: 6.9 < 7.0 is controlled.
	if norm["fasting_glucose"] != 6.9 || der["glucose_controlled"] != true {
		t.Errorf("glucose = %v, controlled = %v", norm["fasting_glucose"], der["glucose_controlled"])
	}
	v["fasting_glucose"] = 7.0
	_, der, _ = s.CheckEvent(adult, enr, v, date("2024-04-10"))
	if der["glucose_controlled"] != false {
		t.Errorf("7.0: controlled = %v, want false", der["glucose_controlled"])
	}
	for _, tc := range []struct {
		name string
		edit func(map[string]any)
		want []string
	}{
		{"glucose 40", func(v map[string]any) { v["fasting_glucose"] = 40 }, []string{"fasting_glucose max"}},
		{"no glucose", func(v map[string]any) { delete(v, "fasting_glucose") }, []string{"fasting_glucose required"}},
		{"insulin dose missing", func(v map[string]any) { delete(v, "insulin_dose") }, []string{"insulin_dose required"}},
		{"hypoglycaemia needs referral", func(v map[string]any) { v["fasting_glucose"] = 3.2 }, []string{"referral check:urgent_referral"}},
		{"unknown symptom", func(v map[string]any) { v["symptoms"] = []any{"2", "99"} }, []string{"symptoms option"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := map[string]any{"method": "1", "sbp": 128, "dbp": 78, "fasting_glucose": 6.1,
				"drug_compliance": "1", "followup_class": "1", "insulin": true, "insulin_dose": "8U"}
			tc.edit(v)
			_, _, errs := s.CheckEvent(adult, enr, v, date("2024-04-10"))
			wantRules(t, errs, tc.want...)
		})
	}
}

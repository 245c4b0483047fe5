package programme

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestLayout(t *testing.T) {
	c := builtin(t)
	p, _ := c.Programme("hypertension")
	l := p.Layout()
	if l.Eligibility.ZH != "35岁及以上；现住址在辖区内" || l.Eligibility.EN != "aged 35 years or more; living in the area" {
		t.Errorf("eligibility = %+v", l.Eligibility)
	}
	fu := l.Stages[0]
	if fu.Code != "followup" || fu.Schedule.ZH != "每季度1次" || fu.Schedule.EN != "once a quarter" {
		t.Errorf("stage = %s, schedule %+v", fu.Code, fu.Schedule)
	}
	var sbp, symptoms, weight, reason FieldLayout
	for _, s := range fu.Form.Sections {
		for _, f := range s.Fields {
			switch f.Code {
			case "sbp":
				sbp = f
			case "symptoms":
				symptoms = f
			case "weight":
				weight = f
			case "referral_reason":
				reason = f
			}
		}
	}
	if sbp.Label.ZH != "收缩压" || sbp.Unit != "mmHg" || *sbp.Max != 300 || sbp.Input != "number" || sbp.Step != "1" || !sbp.Required {
		t.Errorf("sbp = %+v", sbp)
	}
	if symptoms.Input != "checkboxes" || len(symptoms.Options) != 10 || symptoms.Options[1].Label.ZH != "头痛头晕" {
		t.Errorf("symptoms = %+v", symptoms)
	}
	if weight.Step != "0.1" {
		t.Errorf("weight step = %q", weight.Step)
	}
	if reason.ShowWhen != "referral == true" || reason.RequiredWhen != "referral == true" {
		t.Errorf("referral_reason = %+v", reason)
	}
	b, err := json.Marshal(l)
	if err != nil || !strings.Contains(string(b), `"valid_from":"2017-02-28"`) {
		t.Errorf("JSON: %v %.200s", err, b)
	}
	cerv, _ := c.Programme("cervical_screening")
	if got := cerv.Layout().Eligibility.ZH; got != "35岁～64岁；女性" {
		t.Errorf("cervical eligibility = %q", got)
	}
	if got := cerv.Layout().Stages[1].Schedule.ZH; got != "宫颈癌初筛结果需要时3个月内" {
		t.Errorf("colposcopy schedule = %q", got)
	}
	for _, p := range c.Programmes() { // every programme renders
		if _, err := json.Marshal(p.Layout()); err != nil {
			t.Errorf("%s: %v", p.Code, err)
		}
	}
}

func TestFieldStates(t *testing.T) {
	c := builtin(t)
	s := stage(t, c, "hypertension", "followup")
	enr := Enrollment{Date: date("2024-01-05")}
	st := s.FieldStates(adult, enr, map[string]any{"referral": "是"}, date("2024-03-01"))
	if !st["referral_reason"].Shown || !st["referral_reason"].Required || !st["sbp"].Required {
		t.Errorf("with a referral: %+v %+v", st["referral_reason"], st["sbp"])
	}
	st = s.FieldStates(adult, enr, map[string]any{"drug_compliance": "3"}, date("2024-03-01"))
	if st["referral_reason"].Shown || st["drugs"].Shown {
		t.Errorf("without a referral, not taking drugs: %+v %+v", st["referral_reason"], st["drugs"])
	}
	p, _ := c.Programme("newborn_disease_screening")
	early, _ := p.Stage("sample")
	st = early.FieldStates(newborn, Enrollment{Date: newborn.BirthDate}, map[string]any{"hours_after_birth": "40"}, date("2024-06-03"))
	if !st["early_reason"].Required {
		t.Errorf("sample at 40 hours: early_reason %+v", st["early_reason"])
	}
}

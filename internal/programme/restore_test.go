package programme

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// jsonTrip stores a value map as the store would (JSON) and reads it back.
func jsonTrip(t *testing.T, m map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// Values read back from JSON give the same schedules and statuses as the
// typed values CheckEvent returned.
func TestStoredValuesRoundTrip(t *testing.T) {
	c := builtin(t)
	p, _ := c.Programme("maternal")
	attrs, der, errs := p.Enroll(woman28, map[string]any{"lmp": "2023-12-01", "gravidity": 1, "parity": 0}, date("2024-02-20"))
	wantRules(t, errs)
	for k, v := range der {
		attrs[k] = v
	}
	typed := Enrollment{Date: date("2024-02-20"), Attrs: attrs}
	stored := Enrollment{Date: typed.Date, Attrs: jsonTrip(t, attrs)}
	if _, ok := stored.Attrs["lmp"].(string); !ok {
		t.Fatalf("lmp after JSON is %T", stored.Attrs["lmp"])
	}
	s, _ := p.Stage("first_visit")
	norm, der, errs := s.CheckEvent(woman28, typed, map[string]any{"weight": 58, "sbp": 110, "dbp": 70, "hemoglobin": 105, "risk_colour": "yellow"}, date("2024-02-20"))
	wantRules(t, errs)
	for k, v := range der {
		norm[k] = v
	}
	evTyped := []EventRef{{Stage: "first_visit", Date: date("2024-02-20"), Values: norm}}
	evStored := []EventRef{{Stage: "first_visit", Date: date("2024-02-20"), Values: jsonTrip(t, norm)}}
	for _, asOf := range []string{"2024-03-10", "2024-04-01", "2024-05-01"} {
		if d := cmp.Diff(p.Due(woman28, typed, evTyped, date(asOf)), p.Due(woman28, stored, evStored, date(asOf))); d != "" {
			t.Errorf("Due on %s differs after JSON (-typed +stored):\n%s", asOf, d)
		}
	}
	// The second prenatal check (16–20 weeks from LMP 2023-12-01) is due from 2024-03-22.
	due := dueOf(p.Due(woman28, stored, evStored, date("2024-04-01")), "prenatal_visit")
	if len(due) != 1 || due[0].Window != "visit2" || due[0].Date != date("2024-03-22") || !due[0].Due {
		t.Errorf("prenatal due = %+v", due)
	}
	if d := cmp.Diff(p.YearStatus(woman28, typed, evTyped, 2024), p.YearStatus(woman28, stored, evStored, 2024)); d != "" {
		t.Errorf("YearStatus differs after JSON (-typed +stored):\n%s", d)
	}
	if st := p.YearStatus(woman28, stored, evStored, 2024); st.Values["early_registration"] != true || st.Values["first_visit"] != true {
		t.Errorf("maternal status = %v", st.Values)
	}
	// CheckEvent with the stored enrollment: the gestational weeks read
	// enrollment.lmp, which JSON turned into text.
	_, der2, errs := s.CheckEvent(woman28, stored, map[string]any{"weight": 58, "sbp": 110, "dbp": 70, "risk_colour": "yellow"}, date("2024-02-20"))
	wantRules(t, errs)
	if der2["gestational_weeks"] != int64(11) {
		t.Errorf("gestational weeks with a stored enrollment = %v", der2["gestational_weeks"])
	}
	back := s.Restore(jsonTrip(t, norm))
	if d := cmp.Diff(norm, back); d != "" {
		t.Errorf("Restore (-want +got):\n%s", d)
	}
}

func TestCheckRepeat(t *testing.T) {
	c := builtin(t)
	p, _ := c.Programme("newborn_chd")
	s, _ := p.Stage("screen")
	wantRules(t, s.CheckRepeat(0))
	wantRules(t, s.CheckRepeat(1), "stage not_repeatable")
	d, _ := p.Stage("diagnosis")
	wantRules(t, d.CheckRepeat(3))
}

func TestFieldForHeader(t *testing.T) {
	c := builtin(t)
	s := stage(t, c, "hypertension", "followup")
	for header, code := range map[string]string{"sbp": "sbp", "收缩压": "sbp", "收缩压（mmHg）": "sbp", "Systolic BP (mmHg)": "sbp", "服药依从性": "drug_compliance"} {
		fd, ok := s.FieldFor(header)
		if !ok || fd.Code != code {
			t.Errorf("FieldFor(%q) = %v, %v; want %s", header, fd, ok, code)
		}
	}
	if _, ok := s.FieldFor("血型"); ok {
		t.Errorf("FieldFor(血型) found a field")
	}
}

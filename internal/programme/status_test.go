package programme

import "testing"

func TestStatusFlagsAndKnown(t *testing.T) {
	c := builtin(t)
	p, _ := c.Programme("hypertension")
	st := p.YearStatus(adult, Enrollment{Date: date("2022-06-01")}, nil, 2024)
	if v, ok := st.Flag(StatusRegular); !ok || v {
		t.Errorf("regular = %v, %v; want false, true", v, ok)
	}
	if v, ok := st.Flag(StatusControlled); !ok || v {
		t.Errorf("controlled = %v, %v; want false (lost to follow-up), true", v, ok)
	}
	e, _ := c.Programme("elderly")
	if _, ok := e.YearStatus(elderly7, Enrollment{Date: date("2022-06-01")}, nil, 2024).Flag(StatusControlled); ok {
		t.Errorf("the elderly programme has a controlled item")
	}
	if !c.Known("hypertension", "") || !c.Known("hypertension", "followup") || c.Known("hypertension", "dose") || c.Known("tb", "") {
		t.Errorf("Known is wrong")
	}
	// CheckEventOn uses the day given, not the catalogue's clock.
	s, _ := p.Stage("followup")
	_, _, errs := s.CheckEventOn(adult, Enrollment{Date: date("2024-01-05")}, htnFollowup(), date("2024-03-01"), date("2024-02-28"))
	wantRules(t, errs, "event_date future")
}

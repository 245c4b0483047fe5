package programme

import (
	"testing"
)

// sample fills every field of a form with a plausible value: the middle
// of its range, the first option, the given date, "x", false.
func sample(f *Form, on string) map[string]any {
	v := map[string]any{}
	for _, fd := range f.Fields() {
		switch fd.Type {
		case Int, Number:
			lo, hi := 0.0, 10.0
			if fd.Min != nil {
				lo = *fd.Min
			}
			if fd.Max != nil {
				hi = *fd.Max
			}
			v[fd.Code] = float64(int((lo + hi) / 2))
		case Text:
			v[fd.Code] = "x"
		case Date:
			v[fd.Code] = on
		case Bool:
			v[fd.Code] = false
		case Options:
			v[fd.Code] = fd.OptionSet.Options[0].Code
		}
	}
	return v
}

// Every rule of every stage evaluates without a type error, whatever the
// answers: with every field filled, and with none.
func TestEveryRuleEvaluates(t *testing.T) {
	c := builtin(t)
	for _, p := range c.Programmes() {
		vc := validCases[p.Code]
		attrs, _, _ := p.Enroll(vc.person, sample(&p.Enrollment, vc.enrolled), date(vc.enrolled))
		for _, form := range []map[string]any{sample(&p.Enrollment, vc.enrolled), {}} {
			_, _, errs := p.Enroll(vc.person, form, date(vc.enrolled))
			noRuleErrors(t, p.Code+" enrollment", errs)
		}
		enr := Enrollment{Date: date(vc.enrolled), Attrs: attrs}
		for _, s := range p.Stages {
			for _, values := range []map[string]any{sample(&s.Form, vc.on), {}} {
				_, _, errs := s.CheckEvent(vc.person, enr, values, date(vc.on))
				noRuleErrors(t, p.Code+"/"+s.Code, errs)
			}
		}
	}
}

func noRuleErrors(t *testing.T, where string, errs []FieldError) {
	t.Helper()
	for _, e := range errs {
		if e.Rule == "rule_error" {
			t.Errorf("%s: %v", where, e)
		}
	}
}

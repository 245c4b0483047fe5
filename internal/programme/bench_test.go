package programme

import "testing"

// BenchmarkCheckEvent measures one hypertension follow-up checked as an
// import row would be (strings from a spreadsheet).
func BenchmarkCheckEvent(b *testing.B) {
	c := builtin(b)
	s := stage(b, c, "hypertension", "followup")
	enr := Enrollment{Date: date("2024-01-05"), Attrs: map[string]any{"diagnosis_date": "2023-12-01"}}
	row := map[string]any{"method": "1", "sbp": "150", "dbp": "85", "weight": "70.2", "height": "170",
		"drug_compliance": "规律", "followup_class": "1", "symptoms": "2,4", "next_followup_date": "2024-06-01"}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, errs := s.CheckEvent(adult, enr, row, date("2024-03-01")); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}

// BenchmarkDueVaccination measures the work-list question for a child with
// a full record of doses (the largest schedule).
func BenchmarkDueVaccination(b *testing.B) {
	c := builtin(b)
	p, _ := c.ProgrammeVersion("vaccination", 3)
	kid := PersonFacts{Sex: "2", BirthDate: date("2019-01-10"), VillageCode: "1"}
	var events []EventRef
	for _, w := range p.Stages[0].Schedule.Windows {
		events = append(events, EventRef{Stage: "dose", Date: w.From.From(kid.BirthDate), Values: vaccineOf(w)})
	}
	enr := Enrollment{Date: kid.BirthDate}
	b.ReportAllocs()
	for b.Loop() {
		p.Due(kid, enr, events, date("2024-12-01"))
	}
}

// BenchmarkYearStatus measures the status of a hypertension patient with
// four follow-ups in the year.
func BenchmarkYearStatus(b *testing.B) {
	c := builtin(b)
	p, _ := c.Programme("hypertension")
	var events []EventRef
	for _, d := range []string{"2024-01-15", "2024-04-10", "2024-07-09", "2024-10-30"} {
		events = append(events, EventRef{Stage: "followup", Date: date(d), Values: map[string]any{"sbp": 138.0, "dbp": 85.0, "bp_controlled": true}})
	}
	enr := Enrollment{Date: date("2022-06-01")}
	b.ReportAllocs()
	for b.Loop() {
		p.YearStatus(adult, enr, events, 2024)
	}
}

// BenchmarkCheckEventTyped measures one hypertension follow-up as the
// import benchmark gives it (numbers as ints, codes as text).
func BenchmarkCheckEventTyped(b *testing.B) {
	c := builtin(b)
	s := stage(b, c, "hypertension", "followup")
	enr := Enrollment{Date: date("2015-01-01"), Attrs: map[string]any{"diagnosis_date": "2014-12-01"}}
	row := map[string]any{"method": "1", "sbp": 150, "dbp": 85, "drug_compliance": "1", "followup_class": "1"}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, errs := s.CheckEvent(adult, enr, row, date("2024-03-01")); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}

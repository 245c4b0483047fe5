package programme

import (
	"strconv"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/period"
)

// Rules adapts a Catalogue to weijian.ProgrammeRules, which the store
// calls on every write: it checks enrollments and events against the
// version of the programme in force on their date, replaces their values
// with the normalized and derived ones when they pass, and computes the
// per-person-per-year status.
type Rules struct{ Cat *Catalogue }

var _ weijian.ProgrammeRules = Rules{}

// Known reports whether the programme (and stage, if not "") exists.
func (r Rules) Known(programme, stage string) bool { return r.Cat.Known(programme, stage) }

// storeChecks are the date rules the store applies itself (checkDates);
// they are left out here so that a bad date is reported once.
var storeChecks = map[string]bool{"required": true, "future": true, "before_birth": true, "after_death": true, "before_enrollment": true}

func issues(errs []FieldError) []weijian.Issue {
	var out []weijian.Issue
	for _, e := range errs {
		if (e.Field == "event_date" || e.Field == "enrollment_date" || e.Field == "birth_date" && e.Rule != "eligibility_age") && storeChecks[e.Rule] {
			continue
		}
		out = append(out, e.Issue(0))
	}
	return out
}

// CheckEnrollment checks e and, when it passes, stores the normalized
// attributes and the derived values in e.Values.
func (r Rules) CheckEnrollment(p *weijian.Person, e *weijian.Enrollment, today time.Time) []weijian.Issue {
	on := civil(e.EnrolledOn)
	prog, ok := r.Cat.For(e.Programme, on)
	if !ok {
		return []weijian.Issue{unknownProgramme(e.Programme)}
	}
	norm, der, errs := prog.EnrollOn(facts(p), e.Values, on, civil(today))
	if len(errs) == 0 {
		e.Values = merge(norm, der)
	}
	return issues(errs)
}

// CheckEvent checks e (in enrollment enr, nil when there is none) and, when
// it passes, stores the normalized and derived values in e.Values.
func (r Rules) CheckEvent(p *weijian.Person, enr *weijian.Enrollment, e *weijian.Event, today time.Time) []weijian.Issue {
	on := civil(e.Date)
	prog, ok := r.Cat.For(e.Programme, on)
	if !ok {
		return []weijian.Issue{unknownProgramme(e.Programme)}
	}
	st, ok := prog.Stage(e.Stage)
	if !ok {
		return []weijian.Issue{{Field: "stage", Value: e.Stage, Rule: "unknown", Msg: weijian.T("项目中没有此服务阶段", "the programme has no such stage")}}
	}
	norm, der, errs := st.CheckEventOn(facts(p), enrollment(enr), e.Values, on, civil(today))
	if len(errs) == 0 {
		e.Values = merge(norm, der)
	}
	return issues(errs)
}

// YearStatus computes the status of a person in a programme and year from
// their enrollments and the events of the year (voided ones excluded).
func (r Rules) YearStatus(p *weijian.Person, programme string, year int, enr []*weijian.Enrollment, events []*weijian.Event) weijian.PersonYear {
	y := weijian.PersonYear{Programme: programme, Year: year, Controlled: -1}
	prog, ok := r.Cat.For(programme, period.NewDate(year, 12, 31))
	if !ok {
		return y
	}
	refs := make([]EventRef, 0, len(events))
	for _, e := range events {
		refs = append(refs, EventRef{Stage: e.Stage, Date: civil(e.Date), Values: e.Values})
		if e.Date.Year() == year && e.Date.After(y.LastDate) {
			y.LastDate = e.Date
		}
	}
	st := prog.YearStatus(facts(p), enrollment(enrollmentIn(enr, year)), refs, year)
	y.Events, y.Managed, y.Values = st.Events, st.Enrolled || st.Events > 0, st.Values
	y.Standard, _ = st.Flag(StatusRegular)
	if c, ok := st.Flag(StatusControlled); ok {
		y.Controlled = 0
		if c {
			y.Controlled = 1
		}
	}
	return y
}

// enrollmentIn picks the enrollment that overlaps the year (the latest
// one), else the latest of all; nil when there is none.
func enrollmentIn(enr []*weijian.Enrollment, year int) *weijian.Enrollment {
	var pick *weijian.Enrollment
	for _, e := range enr {
		switch in, pickIn := overlapsYear(e, year), pick != nil && overlapsYear(pick, year); {
		case pick == nil, in && !pickIn:
			pick = e
		case in == pickIn && e.EnrolledOn.After(pick.EnrolledOn):
			pick = e
		}
	}
	return pick
}

func overlapsYear(e *weijian.Enrollment, year int) bool {
	return e.EnrolledOn.Year() <= year && (e.EndedOn.IsZero() || e.EndedOn.Year() >= year)
}

func facts(p *weijian.Person) PersonFacts {
	return PersonFacts{Sex: strconv.Itoa(p.Sex), BirthDate: civil(p.BirthDate), DeathDate: civil(p.DeathDate),
		VillageCode: p.VillageCode, Permanent: p.VillageCode != ""}
}

func enrollment(e *weijian.Enrollment) Enrollment {
	if e == nil {
		return Enrollment{}
	}
	return Enrollment{Date: civil(e.EnrolledOn), Attrs: e.Values, EndDate: civil(e.EndedOn)}
}

// civil is the calendar date of a stored time (UTC midnight in the
// store); the zero time is the zero date.
func civil(t time.Time) period.Date {
	if t.IsZero() {
		return period.Date{}
	}
	return period.DateOf(t)
}

func merge(a, b map[string]any) map[string]any {
	for k, v := range b {
		a[k] = v
	}
	return a
}

func unknownProgramme(code string) weijian.Issue {
	return weijian.Issue{Field: "programme", Value: code, Rule: "unknown", Msg: weijian.T("未知的项目", "unknown programme")}
}

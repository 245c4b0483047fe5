// Package rules adapts the programme metadata (internal/programme) to the
// store's weijian.ProgrammeRules: it checks enrollments and events against
// their programme, stores the normalised and derived values, and derives
// the per-person-per-year status the store keeps on every write.
package rules

import (
	"strings"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/programme"
)

// Rules is the catalogue seen as weijian.ProgrammeRules.
type Rules struct{ c *programme.Catalogue }

// New wraps a loaded catalogue.
func New(c *programme.Catalogue) *Rules { return &Rules{c: c} }

// Catalogue returns the wrapped catalogue.
func (r *Rules) Catalogue() *programme.Catalogue { return r.c }

// Known reports whether the programme (and the stage, if given) exists.
func (r *Rules) Known(prog, stage string) bool {
	p, ok := r.c.Programme(prog)
	if !ok {
		return false
	}
	if stage == "" {
		return true
	}
	_, ok = p.Stage(stage)
	return ok
}

// Facts are what the programme rules know of a person.
func Facts(p *weijian.Person) programme.PersonFacts {
	f := programme.PersonFacts{Sex: string(rune('0' + p.Sex)), BirthDate: period.DateOf(p.BirthDate),
		VillageCode: p.VillageCode, Permanent: true}
	if !p.DeathDate.IsZero() {
		f.DeathDate = period.DateOf(p.DeathDate)
	}
	return f
}

func enrollmentOf(e *weijian.Enrollment) programme.Enrollment {
	if e == nil {
		return programme.Enrollment{}
	}
	out := programme.Enrollment{Date: period.DateOf(e.EnrolledOn), Attrs: e.Values}
	if !e.EndedOn.IsZero() {
		out.EndDate = period.DateOf(e.EndedOn)
	}
	return out
}

// merge stores the normalised answers and the derived values together,
// in normalized (the checks' own map, which the caller owns).
func merge(normalized, derived map[string]any) map[string]any {
	if normalized == nil {
		normalized = make(map[string]any, len(derived))
	}
	for k, v := range normalized {
		if d, ok := v.(period.Date); ok {
			normalized[k] = d.String()
		}
	}
	for k, v := range derived {
		normalized[k] = jsonValue(v)
	}
	return normalized
}

// jsonValue turns a date into its text; other values store as they are.
func jsonValue(v any) any {
	if d, ok := v.(period.Date); ok {
		return d.String()
	}
	return v
}

// CheckEnrollment checks e against its programme, normalising its values.
func (r *Rules) CheckEnrollment(p *weijian.Person, e *weijian.Enrollment, _ time.Time) []weijian.Issue {
	prog, ok := r.c.ProgrammeAt(e.Programme, period.DateOf(e.EnrolledOn))
	if !ok {
		return []weijian.Issue{{Field: "programme", Value: e.Programme, Rule: "unknown", Msg: weijian.T("未知的项目", "unknown programme")}}
	}
	norm, derived, errs := prog.Enroll(Facts(p), e.Values, period.DateOf(e.EnrolledOn))
	if len(errs) > 0 {
		return programme.Issues(0, errs)
	}
	e.Values = merge(norm, derived)
	return nil
}

// CheckEvent checks e against its stage, normalising its values.
func (r *Rules) CheckEvent(p *weijian.Person, enr *weijian.Enrollment, e *weijian.Event, _ time.Time) []weijian.Issue {
	prog, ok := r.c.ProgrammeAt(e.Programme, period.DateOf(e.Date))
	if !ok {
		return []weijian.Issue{{Field: "programme", Value: e.Programme, Rule: "unknown", Msg: weijian.T("未知的项目", "unknown programme")}}
	}
	st, ok := prog.Stage(e.Stage)
	if !ok {
		return []weijian.Issue{{Field: "stage", Value: e.Stage, Rule: "unknown", Msg: weijian.T("未知的服务阶段", "unknown stage")}}
	}
	norm, derived, errs := st.CheckEvent(Facts(p), enrollmentOf(enr), e.Values, period.DateOf(e.Date))
	if enr == nil {
		// No enrollment: the programme's own eligibility (a man in
		// cervical screening, a 40-year-old in newborn screening) applies
		// at the event date.
		for _, fe := range prog.CheckEnrollment(Facts(p), nil, period.DateOf(e.Date)) {
			if strings.HasPrefix(fe.Rule, "eligibility") {
				errs = append([]programme.FieldError{fe}, errs...)
			}
		}
	}
	if len(errs) > 0 {
		return programme.Issues(0, errs)
	}
	e.Values = merge(norm, derived)
	return nil
}

// followedCodes name the status items that say a positive was followed up.
var followedCodes = []string{"treated", "followed", "recall", "rescreen", "diagnos", "colposcopy", "mammography", "referred"}

// YearStatus derives the kept status of one person, programme and year:
// the programme's status items, with 规范管理 (regular), control and a
// pending positive read out for the work lists.
func (r *Rules) YearStatus(p *weijian.Person, prog string, year int, enr []*weijian.Enrollment, events []*weijian.Event) weijian.PersonYear {
	y := weijian.PersonYear{Programme: prog, Year: year, Events: len(events), Controlled: -1}
	for _, e := range events {
		if e.Date.After(y.LastDate) {
			y.LastDate = e.Date
		}
	}
	pr, ok := r.c.Programme(prog)
	if !ok {
		y.Managed = len(events) > 0
		return y
	}
	end := time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)
	var in *weijian.Enrollment
	for _, e := range enr {
		if !e.EnrolledOn.After(end) {
			in = e
		}
	}
	refs := make([]programme.EventRef, len(events))
	for i, e := range events {
		refs[i] = programme.EventRef{Stage: e.Stage, Date: period.DateOf(e.Date), Values: e.Values}
	}
	st := pr.YearStatus(Facts(p), enrollmentOf(in), refs, year)
	y.Managed = st.Enrolled || len(events) > 0
	y.Values = st.Values // the status's own map, its dates made text
	positive, followed := false, false
	for k, v := range st.Values {
		if d, ok := v.(period.Date); ok {
			y.Values[k] = d.String()
		}
		b, isBool := v.(bool)
		switch {
		case k == "regular":
			y.Standard = isBool && b
		case k == "controlled" && isBool:
			y.Controlled = 0
			if b {
				y.Controlled = 1
			}
		case strings.Contains(k, "positive") && isBool && b:
			positive = true
		case isBool && b && hasAny(k, followedCodes):
			followed = true
		}
	}
	if positive && !followed {
		y.Status = "positive"
	}
	return y
}

func hasAny(s string, subs []string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

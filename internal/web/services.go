package web

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/programme"
)

func (s *Server) programmeName(code, lang string) string {
	if s.programmes != nil {
		if p, ok := s.programmes.Programme(code); ok {
			return p.Name.In(lang)
		}
	}
	return code
}

func (s *Server) stageName(programme, stage, lang string) string {
	if s.programmes != nil {
		if p, ok := s.programmes.Programme(programme); ok {
			if st, ok := p.Stage(stage); ok {
				return st.Name.In(lang)
			}
		}
	}
	return stage
}

// summarize renders an event's values in one line with the field labels
// of its stage: "收缩压 150 mmHg，舒张压 92 mmHg".
func (s *Server) summarize(e *weijian.Event, lang string) string {
	keys := make([]string, 0, len(e.Values))
	for k := range e.Values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var order []string
	labels := map[string]string{}
	if s.programmes != nil {
		if p, ok := s.programmes.Programme(e.Programme); ok {
			if st, ok := p.Stage(e.Stage); ok {
				for _, f := range st.Fields() {
					if _, ok := e.Values[f.Code]; ok {
						order = append(order, f.Code)
						labels[f.Code] = f.Label.In(lang)
						if f.OptionSet != nil {
							if o, ok := f.OptionSet.Lookup(fmt.Sprint(e.Values[f.Code])); ok {
								labels[f.Code+"="] = o.Label.In(lang)
							}
						}
						if f.Unit != "" {
							labels[f.Code+" unit"] = f.Unit
						}
					}
				}
			}
		}
	}
	if order == nil {
		order = keys
	}
	parts := make([]string, 0, len(order))
	for _, k := range order {
		name, val := labels[k], fmt.Sprint(e.Values[k])
		if name == "" {
			name = k
		}
		if o := labels[k+"="]; o != "" {
			val = o
		}
		if b, ok := e.Values[k].(bool); ok {
			val = map[bool]weijian.Text{true: weijian.T("是", "yes"), false: weijian.T("否", "no")}[b].In(lang)
		}
		if u := labels[k+" unit"]; u != "" {
			val += " " + u
		}
		parts = append(parts, name+" "+val)
	}
	return strings.Join(parts, "，")
}

// serviceLinks are the forms a recorder may open for the person: the
// stages of the programmes the person is enrolled in (or that need no
// enrollment), and the enrollment of the others the person is eligible for.
func (s *Server) serviceLinks(p *weijian.Person, enrolled map[string]bool, lang string) []serviceLink {
	if s.programmes == nil {
		return nil
	}
	var out []serviceLink
	for _, pr := range s.programmes.Programmes() {
		if !eligible(pr.Eligibility, p, s.today()) && !enrolled[pr.Code] {
			continue
		}
		needs := len(pr.Enrollment.Fields()) > 0
		if needs && !enrolled[pr.Code] {
			out = append(out, serviceLink{Label: pr.Name.In(lang) + " · " + weijian.T("登记", "enrol").In(lang),
				URL: fmt.Sprintf("/residents/%d/record?programme=%s", p.ID, pr.Code), TestID: "enrol-" + pr.Code})
			continue
		}
		for _, st := range pr.Stages {
			out = append(out, serviceLink{Label: pr.Name.In(lang) + " · " + st.Name.In(lang),
				URL: fmt.Sprintf("/residents/%d/record?programme=%s&stage=%s", p.ID, pr.Code, st.Code), TestID: "record-" + pr.Code + "-" + st.Code})
		}
	}
	return out
}

// eligible reports whether the person meets a programme's age and sex
// rules today, so that the page offers only the forms that apply.
func eligible(e programme.Eligibility, p *weijian.Person, today time.Time) bool {
	if len(e.Sex) > 0 && !slices.Contains(e.Sex, fmt.Sprint(p.Sex)) {
		return false
	}
	birth, now := period.DateOf(p.BirthDate), period.DateOf(today)
	if e.MinAge != nil && e.MinAge.From(birth).After(now) {
		return false
	}
	if e.MaxAge != nil {
		over := programme.Age{N: e.MaxAge.N + 1, Unit: e.MaxAge.Unit}
		if !over.From(birth).After(now) {
			return false
		}
	}
	return true
}

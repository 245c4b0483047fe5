package programme

import (
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/period"
)

// ProgrammeLayout is a programme as the web layer and the API present it:
// everything a generated form needs, in both languages, with JSON names.
type ProgrammeLayout struct {
	Code        string        `json:"code"`
	Version     int           `json:"version"`
	ValidFrom   period.Date   `json:"valid_from"`
	Name        weijian.Text  `json:"name"`
	Description weijian.Text  `json:"description"`
	Source      string        `json:"source,omitempty"`
	Eligibility weijian.Text  `json:"eligibility"`
	Enrollment  FormLayout    `json:"enrollment"`
	Stages      []StageLayout `json:"stages"`
}

// StageLayout is one stage of a ProgrammeLayout.
type StageLayout struct {
	Code        string       `json:"code"`
	Name        weijian.Text `json:"name"`
	Description weijian.Text `json:"description"`
	Repeatable  bool         `json:"repeatable"`
	Eligibility weijian.Text `json:"eligibility"`
	Schedule    weijian.Text `json:"schedule"` // e.g. 每季度1次; empty when not scheduled
	Form        FormLayout   `json:"form"`
}

// FormLayout is a form: sections of fields, and the values derived from them.
type FormLayout struct {
	Sections []SectionLayout `json:"sections"`
	Derived  []DerivedLayout `json:"derived,omitempty"`
}

// SectionLayout is a titled group of fields.
type SectionLayout struct {
	Code   string        `json:"code"`
	Label  weijian.Text  `json:"label"`
	Fields []FieldLayout `json:"fields"`
}

// FieldLayout is one input of a generated form.
type FieldLayout struct {
	Code         string         `json:"code"`
	Label        weijian.Text   `json:"label"`
	Help         weijian.Text   `json:"help"`
	Type         Type           `json:"type"`
	Input        string         `json:"input"` // number, text, date, checkbox, select, checkboxes
	Unit         string         `json:"unit,omitempty"`
	Min          *float64       `json:"min,omitempty"`
	Max          *float64       `json:"max,omitempty"`
	Step         string         `json:"step,omitempty"` // for number inputs: 1, 0.1, 0.01 …
	MinDate      string         `json:"min_date,omitempty"`
	MaxDate      string         `json:"max_date,omitempty"`
	MaxLength    int            `json:"max_length,omitempty"`
	Required     bool           `json:"required"`
	RequiredWhen string         `json:"required_when,omitempty"`
	ShowWhen     string         `json:"show_when,omitempty"`
	OptionSet    string         `json:"option_set,omitempty"`
	Multiple     bool           `json:"multiple,omitempty"`
	Options      []OptionLayout `json:"options,omitempty"`
	Standard     string         `json:"standard,omitempty"`
}

// OptionLayout is one choice of an option field.
type OptionLayout struct {
	Code  string       `json:"code"`
	Label weijian.Text `json:"label"`
}

// DerivedLayout is a value computed from the answers, shown read-only.
type DerivedLayout struct {
	Code  string       `json:"code"`
	Label weijian.Text `json:"label"`
	Help  weijian.Text `json:"help"`
	Type  Type         `json:"type"`
	Unit  string       `json:"unit,omitempty"`
}

// Layout returns the programme's layout for forms and the API.
func (p *Programme) Layout() ProgrammeLayout {
	l := ProgrammeLayout{Code: p.Code, Version: p.Version, ValidFrom: p.ValidFrom, Name: p.Name,
		Description: p.Description, Source: p.Source, Eligibility: p.Eligibility.Describe(), Enrollment: p.Enrollment.Layout()}
	for _, s := range p.Stages {
		sl := StageLayout{Code: s.Code, Name: s.Name, Description: s.Description, Repeatable: s.Repeatable,
			Eligibility: s.Eligibility.Describe(), Form: s.Form.Layout()}
		if s.Schedule != nil {
			sl.Schedule = s.Schedule.Describe(p)
		}
		l.Stages = append(l.Stages, sl)
	}
	return l
}

// Layout returns the form's sections, fields and derived values.
func (f *Form) Layout() FormLayout {
	l := FormLayout{Sections: []SectionLayout{}}
	for _, s := range f.Sections {
		sl := SectionLayout{Code: s.Code, Label: s.Label, Fields: []FieldLayout{}}
		for _, fd := range s.Fields {
			sl.Fields = append(sl.Fields, fd.layout())
		}
		l.Sections = append(l.Sections, sl)
	}
	for _, d := range f.Derived {
		l.Derived = append(l.Derived, DerivedLayout{Code: d.Code, Label: d.Label, Help: d.Help, Type: d.Type, Unit: d.Unit})
	}
	return l
}

var inputOf = map[Type]string{Int: "number", Number: "number", Text: "text", Date: "date", Bool: "checkbox", Options: "select"}

func (fd *Field) layout() FieldLayout {
	l := FieldLayout{Code: fd.Code, Label: fd.Label, Help: fd.Help, Type: fd.Type, Input: inputOf[fd.Type], Unit: fd.Unit,
		Min: fd.Min, Max: fd.Max, MinDate: fd.MinDate, MaxDate: fd.MaxDate, Required: fd.Required,
		Multiple: fd.Multiple, Standard: fd.Standard}
	switch fd.Type {
	case Int:
		l.Step = "1"
	case Number:
		l.Step = "any"
		if fd.Decimals > 0 {
			l.Step = "0." + strings.Repeat("0", fd.Decimals-1) + "1"
		}
	case Text:
		l.MaxLength = fd.MaxLen
	}
	if fd.RequiredWhen != nil {
		l.RequiredWhen = fd.RequiredWhen.String()
	}
	if fd.ShowWhen != nil {
		l.ShowWhen = fd.ShowWhen.String()
	}
	if fd.OptionSet != nil {
		l.OptionSet = fd.OptionSet.Code
		for _, o := range fd.OptionSet.Options {
			l.Options = append(l.Options, OptionLayout(o))
		}
		if fd.Multiple {
			l.Input = "checkboxes"
		}
	}
	return l
}

// FieldState says whether a field is shown and required given the
// answers so far, for a form that re-renders as the user answers.
type FieldState struct {
	Shown    bool `json:"shown"`
	Required bool `json:"required"`
}

// FieldStates evaluates show_when and required_when of every field of the
// stage for the answers given so far (values that do not parse count as
// blank).
func (s *Stage) FieldStates(person PersonFacts, enr Enrollment, values map[string]any, eventDate period.Date) map[string]FieldState {
	ctx := &evalCtx{person: person, today: s.prog.cat.today(), enrollment: enr.Date, event: eventDate, attrs: s.prog.Enrollment.Restore(enr.Attrs), inStage: true}
	return s.Form.fieldStates(ctx, values)
}

// EnrollmentFieldStates is FieldStates for the enrollment form.
func (p *Programme) EnrollmentFieldStates(person PersonFacts, values map[string]any, date period.Date) map[string]FieldState {
	ctx := &evalCtx{person: person, today: p.cat.today(), enrollment: date}
	return p.Enrollment.fieldStates(ctx, values)
}

func (f *Form) fieldStates(ctx *evalCtx, values map[string]any) map[string]FieldState {
	normalized := map[string]any{}
	for _, fd := range f.Fields() {
		if v, err := fd.parse(values[fd.Code]); err == nil && v != nil {
			normalized[fd.Code] = v
		}
	}
	derived := map[string]any{}
	env := ctx.env(normalized, derived)
	for _, dv := range f.Derived {
		if v, err := dv.Expr.Eval(env); err == nil && dv.convert(v) != nil {
			derived[dv.Code] = dv.convert(v)
		}
	}
	out := map[string]FieldState{}
	for _, fd := range f.Fields() {
		st := FieldState{Shown: true, Required: fd.Required}
		if fd.ShowWhen != nil {
			v, _ := fd.ShowWhen.Eval(env)
			st.Shown = v == true
		}
		if !st.Required && fd.RequiredWhen != nil {
			v, _ := fd.RequiredWhen.Eval(env)
			st.Required = v == true
		}
		st.Required = st.Required && st.Shown
		out[fd.Code] = st
	}
	return out
}

package programme

import (
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/weijian-health/weijian/internal/period"
)

// codePattern is what field, stage, section and programme codes look like:
// they become JSON keys, column names in imports and parts of URLs.
var codePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// formLoader reads the forms of one programme and remembers every
// expression so that its names can be checked once all fields are known.
type formLoader struct {
	d     *decoder
	p     *Programme
	exprs []pendingExpr
	later []func() // checks that need every stage loaded
}

type pendingExpr struct {
	e     *Expr
	n     *yaml.Node
	path  string
	names nameScope
}

func (fl *formLoader) code(o *obj, k string) string {
	c := o.str(k, true)
	if c != "" && !codePattern.MatchString(c) {
		fl.d.errorf(o.keys[k], o.sub(k), "code %q must be lower-case letters, digits and _ (at most 40, starting with a letter)", c)
	}
	return c
}

func (fl *formLoader) stages(o *obj) []*Stage {
	var out []*Stage
	seen := map[string]bool{}
	items := o.list("stages")
	if len(items) == 0 {
		fl.d.errorf(o.n, "stages", "a programme needs at least one stage")
	}
	for i, n := range items {
		so := fl.d.obj(n, fmt.Sprintf("stages[%d]", i))
		s := &Stage{prog: fl.p, Code: fl.code(so, "code")}
		if s.Code != "" {
			so.path = "stages[" + s.Code + "]"
		}
		if seen[s.Code] {
			fl.d.errorf(so.at("code"), so.sub("code"), "stage %q appears twice", s.Code)
		}
		seen[s.Code] = true
		s.Name = so.text("name", true)
		s.Description = so.text("description", false)
		s.Repeatable = so.boolean("repeatable")
		s.Eligibility = loadEligibility(fl.d, so.get("eligibility"), so.sub("eligibility"))
		s.Form = fl.form(so)
		s.Schedule = fl.schedule(so, s, fl.namesOf(&s.Form, false))
		so.done()
		out = append(out, s)
	}
	return out
}

// form reads sections, checks and derived values from o.
func (fl *formLoader) form(o *obj) Form {
	var f Form
	names := fl.namesOf(&f, o.path == "enrollment")
	seen := map[string]bool{}
	for i, n := range o.list("sections") {
		so := fl.d.obj(n, fmt.Sprintf("%s[%d]", o.sub("sections"), i))
		sec := &Section{Code: fl.code(so, "code"), Label: so.text("label", true)}
		for j, fn := range so.list("fields") {
			fd := fl.field(fl.d.obj(fn, fmt.Sprintf("%s.fields[%d]", so.path, j)), names)
			if seen[fd.Code] {
				fl.d.errorf(fn, so.sub("fields"), "field %q appears twice in this form", fd.Code)
			}
			seen[fd.Code] = true
			sec.Fields = append(sec.Fields, fd)
		}
		so.done()
		f.Sections = append(f.Sections, sec)
	}
	for i, n := range o.list("derived") {
		do := fl.d.obj(n, fmt.Sprintf("%s[%d]", o.sub("derived"), i))
		dv := &Derived{Code: fl.code(do, "code"), Label: do.text("label", true), Help: do.text("help", false), Type: Type(do.str("type", true)), Unit: do.str("unit", false)}
		if seen[dv.Code] {
			fl.d.errorf(n, do.sub("code"), "%q is already a field or derived value of this form", dv.Code)
		}
		seen[dv.Code] = true
		switch dv.Type {
		case Int, Number, Text, Date, Bool, "":
		default:
			fl.d.errorf(do.at("type"), do.sub("type"), "derived type %q is not int, number, text, date or bool", dv.Type)
		}
		dv.Expr = fl.expr(do, "expr", true, names)
		do.done()
		f.Derived = append(f.Derived, dv)
	}
	for i, n := range o.list("checks") {
		co := fl.d.obj(n, fmt.Sprintf("%s[%d]", o.sub("checks"), i))
		ck := &Check{Code: fl.code(co, "code"), Field: co.str("field", true), Message: co.text("message", true)}
		ck.Expr = fl.expr(co, "expr", true, names)
		if ck.Field != "" && !seen[ck.Field] {
			fl.d.errorf(co.at("field"), co.sub("field"), "field %q is not on this form", ck.Field)
		}
		co.done()
		f.Checks = append(f.Checks, ck)
	}
	f.index()
	return f
}

func (fl *formLoader) expr(o *obj, k string, required bool, names nameScope) *Expr {
	if required && !o.has(k) && !o.bad {
		fl.d.errorf(o.n, o.sub(k), "required key %q is missing", k)
	}
	e, n := o.expr(k)
	if e != nil {
		fl.exprs = append(fl.exprs, pendingExpr{e, n, o.sub(k), names})
	}
	return e
}

// nameScope tells the type of a name a rule may read; false when the rule
// may not read it.
type nameScope func(name string) (kind, bool)

// namesOf returns the names rules in a form may read: its fields and
// derived values, person.*, the dates, and (in a stage) enrollment.*.
func (fl *formLoader) namesOf(f *Form, enrollment bool) nameScope {
	return func(name string) (kind, bool) {
		if k, ok := contextKinds[name]; ok {
			return k, ok && (name != "event_date" || !enrollment)
		}
		if attr, ok := strings.CutPrefix(name, "enrollment."); ok && !enrollment {
			return formKind(&fl.p.Enrollment, attr)
		}
		return formKind(f, name)
	}
}

// contextKinds are the names every rule may read besides the form's own.
var contextKinds = map[string]kind{
	"person.age": kNumber, "person.age_months": kNumber, "person.age_days": kNumber, "person.sex": kText,
	"person.birth_date": kDate, "enrollment_date": kDate, "event_date": kDate,
}

// personNames are the names a window's "if" may read: the person and the
// enrollment, not an event.
func (fl *formLoader) personNames(name string) (kind, bool) {
	if k, ok := contextKinds[name]; ok && name != "event_date" {
		return k, true
	}
	if attr, ok := strings.CutPrefix(name, "enrollment."); ok {
		return formKind(&fl.p.Enrollment, attr)
	}
	return "", false
}

// formKind is the kind of a field or derived value of f.
func formKind(f *Form, name string) (kind, bool) {
	if fd, ok := f.Field(name); ok {
		if fd.Type == Options && fd.Multiple {
			return kList, true
		}
		return kindOf[fd.Type], true
	}
	for _, dv := range f.Derived {
		if dv.Code == name {
			return kindOf[dv.Type], true
		}
	}
	return "", false
}

func formHas(f *Form, name string) bool {
	_, ok := formKind(f, name)
	return ok
}

// checkNames reports every identifier a rule uses that its form lacks,
// and every type mistake (drug_compliance == 1 for the code '1').
func (fl *formLoader) checkNames() {
	for _, f := range fl.later {
		f()
	}
	for _, pe := range fl.exprs {
		unknown := false
		for _, id := range pe.e.Idents() {
			if _, ok := pe.names(id); !ok {
				fl.d.errorf(pe.n, pe.path, "expression %q: unknown name %q", pe.e.String(), id)
				unknown = true
			}
		}
		if !unknown {
			if _, err := typeCheck(pe.e.root, pe.names); err != nil {
				fl.d.errorf(pe.n, pe.path, "expression %q: %v", pe.e.String(), err)
			}
		}
	}
}

func (fl *formLoader) field(o *obj, names nameScope) *Field {
	fd := &Field{Code: fl.code(o, "code"), Line: o.n.Line}
	if fd.Code != "" {
		o.path = o.path[:strings.LastIndex(o.path, "[")] + "[" + fd.Code + "]"
	}
	fd.Label = o.text("label", true)
	fd.Help = o.text("help", false)
	fd.Type = Type(o.str("type", true))
	fd.Unit = o.str("unit", false)
	fd.Standard = o.str("standard", false)
	fd.Required = o.boolean("required")
	fd.RequiredWhen = fl.expr(o, "required_when", false, names)
	fd.ShowWhen = fl.expr(o, "show_when", false, names)
	switch fd.Type {
	case Int, Number:
		fd.Min, fd.Max = o.number("min"), o.number("max")
		fd.Decimals = o.integer("decimals", false)
		if fd.Min != nil && fd.Max != nil && *fd.Min > *fd.Max {
			fl.d.errorf(o.at("max"), o.sub("max"), "max %v is below min %v", *fd.Max, *fd.Min)
		}
		if fd.Decimals < 0 || fd.Decimals > 6 || fd.Type == Int && fd.Decimals != 0 {
			fl.d.errorf(o.at("decimals"), o.sub("decimals"), "decimals must be 0–6 (and 0 for int)")
		}
	case Text:
		fd.MaxLen = o.integer("max_length", false)
		if fd.MaxLen == 0 {
			fd.MaxLen = 200
		}
	case Date:
		fd.MinDate, fd.MaxDate = fl.dateBound(o, "min"), fl.dateBound(o, "max")
	case Bool, "":
	case Options:
		fd.OptionSet = fl.optionSet(o)
		fd.Multiple = o.boolean("multiple")
	default:
		fl.d.errorf(o.at("type"), o.sub("type"), "type %q is not int, number, text, date, bool or option", fd.Type)
	}
	o.done()
	return fd
}

func (fl *formLoader) dateBound(o *obj, k string) string {
	n, ok := o.scalar(k, false)
	if !ok {
		return ""
	}
	switch n.Value {
	case "birth", "enrollment", "event", "today":
		return n.Value
	}
	if _, err := period.ParseDate(n.Value); err != nil {
		fl.d.errorf(n, o.sub(k), "date bound %q is not a date (YYYY-MM-DD) nor birth, enrollment, event or today", n.Value)
	}
	return n.Value
}

func (fl *formLoader) optionSet(o *obj) *OptionSet {
	n, ok := o.scalar("option_set", true)
	if !ok {
		return nil
	}
	if s, ok := fl.p.OptionSets[n.Value]; ok {
		return s
	}
	if s, ok := fl.p.cat.optionSets[n.Value]; ok {
		return s
	}
	fl.d.errorf(n, o.sub("option_set"), "option set %q is not defined (neither in this file's option_sets nor in optionsets/)", n.Value)
	return nil
}

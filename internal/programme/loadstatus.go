package programme

import (
	"fmt"
	"strconv"
	"strings"
)

var statusKinds = []string{"count", "any", "last", "last_date", "regular", "attr", "sum"}

// status reads the programme's status items; each names its kind as the
// key holding its stage (count: followup, last: followup.sbp).
func (fl *formLoader) status(o *obj) []StatusItem {
	var out []StatusItem
	seen := map[string]bool{}
	for i, n := range o.list("status") {
		so := fl.d.obj(n, fmt.Sprintf("status[%d]", i))
		it := StatusItem{Code: fl.code(so, "code"), Label: so.text("label", true)}
		if seen[it.Code] {
			fl.d.errorf(n, so.sub("code"), "status item %q appears twice", it.Code)
		}
		seen[it.Code] = true
		for _, k := range statusKinds {
			if so.has(k) {
				if it.Kind != "" {
					fl.d.errorf(n, so.path, "a status item has one of %s", strings.Join(statusKinds, ", "))
				}
				it.Kind, it.Stage = k, so.str(k, true)
			}
		}
		if it.Kind == "" {
			fl.d.errorf(n, so.path, "a status item needs one of %s", strings.Join(statusKinds, ", "))
			so.done()
			continue
		}
		kindKey := so.at(it.Kind)
		if it.Kind == "attr" {
			it.Field, it.Stage = it.Stage, ""
			if !formHas(&fl.p.Enrollment, it.Field) {
				fl.d.errorf(kindKey, so.sub("attr"), "the enrollment has no attribute or derived value %q", it.Field)
			}
			it.Default = fl.statusDefault(so)
			so.done()
			out = append(out, it)
			continue
		}
		if it.Kind == "last" || it.Kind == "sum" {
			it.Stage, it.Field, _ = strings.Cut(it.Stage, ".")
		}
		st, ok := fl.p.Stage(it.Stage)
		switch {
		case !ok:
			fl.d.errorf(kindKey, so.sub(it.Kind), "no stage %q in this programme", it.Stage)
		case (it.Kind == "last" || it.Kind == "sum") && !formHas(&st.Form, it.Field):
			fl.d.errorf(kindKey, so.sub(it.Kind), "stage %q has no field or derived value %q (write last: stage.field)", it.Stage, it.Field)
		}
		if ok {
			it.When = fl.expr(so, "when", false, fl.namesOf(&st.Form, false))
		} else {
			so.get("when")
		}
		it.Default = fl.statusDefault(so)
		if it.Kind == "regular" {
			it.Min = so.integer("min", true)
			it.MaxGap = so.age("max_gap")
			it.Prorate = so.boolean("prorate")
		}
		so.done()
		out = append(out, it)
	}
	return out
}

// statusDefault reads default: true, false, a whole number (int64, as int
// fields hold), a number or a text.
func (fl *formLoader) statusDefault(so *obj) any {
	n, ok := so.scalar("default", false)
	if !ok {
		return nil
	}
	switch n.Tag {
	case "!!bool":
		return n.Value == "true"
	case "!!int":
		i, _ := strconv.ParseInt(n.Value, 10, 64)
		return i
	case "!!float":
		f, _ := strconv.ParseFloat(n.Value, 64)
		return f
	}
	return n.Value
}

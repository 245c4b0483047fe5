package programme

import (
	"fmt"
	"strings"

	"github.com/weijian-health/weijian/internal/period"
)

// schedule reads a stage's schedule: exactly one of period, every,
// windows or after, with their options.
func (fl *formLoader) schedule(so *obj, s *Stage, names nameScope) *Schedule {
	n := so.get("schedule")
	if n == nil {
		return nil
	}
	o := fl.d.obj(n, so.sub("schedule"))
	defer o.done()
	sc := &Schedule{Anchor: o.str("anchor", false), CatchUp: o.boolean("catch_up")}
	var kinds []string
	for _, k := range []string{"period", "every", "windows", "after"} {
		if o.has(k) {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) != 1 {
		for _, k := range []string{"period", "every", "first", "windows", "after", "sooner"} {
			o.get(k) // reported below as a whole, not as unknown keys
		}
		fl.d.errorf(n, o.path, "a schedule has exactly one of period, every, windows or after (found %d)", len(kinds))
		return nil
	}
	if l := o.age("lead"); l != nil {
		sc.Lead = *l
	}
	if g := o.age("grace"); g != nil {
		sc.Grace = *g
	}
	sc.Sooner = fl.sooner(o, names)
	switch kinds[0] {
	case "period":
		sc.Kind = "period"
		if pn, ok := o.scalar("period", true); ok {
			t, err := period.ParseType(pn.Value)
			if err != nil || t < period.Month {
				fl.d.errorf(pn, o.sub("period"), "period %q is not month, quarter, half-year or year", pn.Value)
			}
			sc.Period = t
		}
	case "every":
		sc.Kind = "interval"
		if e := o.age("every"); e != nil {
			sc.Every = *e
		}
		sc.First = o.age("first")
	case "windows":
		sc.Kind = "windows"
		sc.Windows = fl.windows(o, names)
	case "after":
		sc.Kind = "after"
		sc.After = fl.trigger(o)
	}
	fl.later = append(fl.later, func() { fl.checkAnchor(o, s, sc) })
	return sc
}

// sooner reads sooner: {when: …, within: 2w, label: …}.
func (fl *formLoader) sooner(o *obj, names nameScope) *Sooner {
	n := o.get("sooner")
	if n == nil {
		return nil
	}
	so := fl.d.obj(n, o.sub("sooner"))
	defer so.done()
	out := &Sooner{Label: so.text("label", true), When: fl.expr(so, "when", true, names)}
	if w := so.age("within"); w != nil {
		out.Within = *w
	} else {
		fl.d.errorf(so.n, so.sub("within"), "required key \"within\" is missing (e.g. within: 2w)")
	}
	if out.When == nil {
		return nil
	}
	return out
}

func (fl *formLoader) windows(o *obj, names nameScope) []Window {
	var out []Window
	seen := map[string]bool{}
	items := o.list("windows")
	if len(items) == 0 {
		fl.d.errorf(o.n, o.sub("windows"), "windows needs at least one window")
	}
	for i, n := range items {
		wo := fl.d.obj(n, fmt.Sprintf("%s[%d]", o.sub("windows"), i))
		w := Window{Code: fl.code(wo, "code"), Label: wo.text("label", true)}
		if seen[w.Code] {
			fl.d.errorf(n, wo.sub("code"), "window %q appears twice", w.Code)
		}
		seen[w.Code] = true
		from, to := wo.age("from"), wo.age("to")
		if from == nil || to == nil {
			fl.d.errorf(n, wo.path, "a window needs from and to (e.g. from: 3m, to: 5m)")
		} else {
			w.From, w.To = *from, *to
			base := period.NewDate(2000, 1, 1)
			if w.To.From(base).Before(w.From.From(base)) {
				fl.d.errorf(wo.at("to"), wo.sub("to"), "the window ends (%s) before it starts (%s)", w.To, w.From)
			}
		}
		w.When = fl.expr(wo, "when", false, names)
		w.If = fl.expr(wo, "if", false, fl.personNames)
		wo.done()
		out = append(out, w)
	}
	return out
}

func (fl *formLoader) trigger(o *obj) *Trigger {
	to := fl.d.obj(o.get("after"), o.sub("after"))
	defer to.done()
	t := &Trigger{Stages: to.strs("stage")}
	if len(t.Stages) == 0 {
		fl.d.errorf(to.n, to.sub("stage"), "required key \"stage\" is missing")
	}
	if w := to.age("within"); w != nil {
		t.Within = *w
	} else {
		fl.d.errorf(to.n, to.sub("within"), "required key \"within\" is missing (e.g. within: 30d)")
	}
	e, n := to.expr("when")
	if e != nil {
		p := to.sub("when")
		fl.later = append(fl.later, func() {
			for _, code := range t.Stages {
				if src, ok := fl.p.Stage(code); ok { // unknown stages are reported by checkAnchor
					fl.exprs = append(fl.exprs, pendingExpr{e, n, p, fl.namesOf(&src.Form, false)})
				}
			}
		})
		t.When = e
	}
	return t
}

// checkAnchor runs once all stages are known.
func (fl *formLoader) checkAnchor(o *obj, s *Stage, sc *Schedule) {
	if sc.After != nil {
		for _, code := range sc.After.Stages {
			if _, ok := fl.p.Stage(code); !ok || code == s.Code {
				fl.d.errorf(o.at("after"), o.sub("after.stage"), "stage %q is not another stage of this programme", code)
			}
		}
	}
	a := sc.Anchor
	switch {
	case a == "" || a == "enrollment" || a == "birth":
	case strings.HasPrefix(a, "attr:"):
		if fd, ok := fl.p.Enrollment.Field(a[5:]); !ok || fd.Type != Date {
			fl.d.errorf(o.at("anchor"), o.sub("anchor"), "anchor %q: the enrollment has no date attribute %q", a, a[5:])
		}
	case strings.HasPrefix(a, "stage:"):
		if _, ok := fl.p.Stage(a[6:]); !ok {
			fl.d.errorf(o.at("anchor"), o.sub("anchor"), "anchor %q: no stage %q", a, a[6:])
		}
	default:
		fl.d.errorf(o.at("anchor"), o.sub("anchor"), "anchor %q is not enrollment, birth, attr:<date attribute> or stage:<stage>", a)
	}
}

package indicator

import (
	"fmt"
	"slices"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/dataset"
	"github.com/weijian-health/weijian/internal/expr"
	"github.com/weijian-health/weijian/internal/period"
)

// DefaultAgeBands are the options of a disaggregation by age where no
// data element of the indicator names its own (programme counts,
// population): children, the young, the ages from 35 (the chronic-disease
// programmes' lower bound) to 64, and 65+ (the elderly).
var DefaultAgeBands = []string{"0-14", "15-34", "35-64", "65+"}

// DisaggOption is one option of a disaggregation, with its name.
type DisaggOption struct {
	Code string
	Name weijian.Text
}

// Disaggregator is an Evaluator that can disaggregate: Options lists the
// options of dim for an indicator (the version in force on a day), or
// says why the indicator cannot be disaggregated so (KindInvalid).
type Disaggregator interface {
	Options(code, dim string, on period.Date) ([]DisaggOption, error)
}

var _ Disaggregator = (*Engine)(nil)

// Options implements Disaggregator. Every reference of the numerator must
// be divisible by dim — a data element with that category, population
// or persons(…)/events(…) by sex or age — since a numerator that is partly
// a total would be wrong; a reference of the denominator that is not is
// kept whole (a rate per 1000 of the whole population). The options are
// those of the first data element's category, else 男/女 for sex and
// DefaultAgeBands for age.
func (e *Engine) Options(code, dim string, on period.Date) ([]DisaggOption, error) {
	d := e.lib.Get(code)
	if d == nil {
		return nil, weijian.NotFound(weijian.T("指标 "+code, "indicator "+code))
	}
	w := disaggWalk{e: e, dim: dim, on: on}
	w.def(d, true)
	switch {
	case w.blocked != "":
		return nil, cannotDisagg(d, dim, w.blocked)
	case !w.divisible:
		return nil, cannotDisagg(d, dim, "no part of its formula has that dimension")
	}
	if w.opts != nil {
		return w.opts, nil
	}
	switch dim {
	case "sex":
		return []DisaggOption{{"M", weijian.T("男", "Male")}, {"F", weijian.T("女", "Female")}}, nil
	case "age":
		var out []DisaggOption
		for _, s := range DefaultAgeBands {
			b, _ := weijian.ParseAgeBand(s)
			out = append(out, DisaggOption{s, weijian.T(b.Label("zh"), b.Label("en"))})
		}
		return out, nil
	}
	return nil, cannotDisagg(d, dim, "no options")
}

func cannotDisagg(d *Def, dim, why string) error {
	return weijian.Invalid(weijian.T(fmt.Sprintf("指标 %s（%s）不能按“%s”分组：%s", d.Code, d.Name.ZH, dim, why),
		fmt.Sprintf("indicator %s cannot be disaggregated by %q: %s", d.Code, dim, why)))
}

// disaggWalk looks through an indicator's formulas for what dim divides.
type disaggWalk struct {
	e         *Engine
	dim       string
	on        period.Date
	opts      []DisaggOption
	divisible bool   // some reference is divided by dim
	blocked   string // why the numerator cannot be
	depth     int
}

// def walks d's formulas in force on w.on; strict: every reference must be
// divisible (a numerator, or an indicator used in one).
func (w *disaggWalk) def(d *Def, strict bool) {
	if w.depth > 8 {
		return
	}
	num, den, err := w.e.lib.Formulas(d, d.VersionAt(w.on))
	if err != nil {
		w.blocked = err.Error()
		return
	}
	w.depth++
	w.node(num, strict)
	if den != nil {
		w.node(den, false)
	}
	w.depth--
}

func (w *disaggWalk) node(n expr.Node, strict bool) {
	byPerson := w.dim == "sex" || w.dim == "age"
	expr.Walk(n, func(m expr.Node) bool {
		switch m := m.(type) {
		case *expr.Call:
			switch {
			case m.Name == "persons" || m.Name == "events":
				w.mark(byPerson, strict, m.Name+"(…) counts persons by sex or age only")
				return false
			case expr.IsReportFunc(m.Name):
				w.mark(false, strict, "reports are counted per unit, not by "+w.dim)
				return false
			}
		case *expr.Ref:
			w.ref(m, strict, byPerson)
		}
		return true
	})
}

func (w *disaggWalk) ref(r *expr.Ref, strict, byPerson bool) {
	switch r.Kind {
	case expr.RefPopulation:
		w.mark(byPerson, strict, "population is stored by sex and age only")
	case expr.RefIndicator:
		if d := w.e.lib.Get(r.Name); d != nil {
			w.def(d, strict)
		}
	case expr.RefData:
		el, cat := w.e.element(r)
		if el == nil {
			w.mark(false, strict, r.String()+" is not a data element")
			return
		}
		has := slices.Contains(el.Categories, w.dim)
		w.mark(has, strict, r.String()+" has no disaggregation "+w.dim)
		if has && w.opts == nil {
			for _, o := range cat(w.dim).Options {
				w.opts = append(w.opts, DisaggOption{o.Code, weijian.T(o.Name.ZH, o.Name.EN)})
			}
		}
	}
}

func (w *disaggWalk) mark(divisible, strict bool, why string) {
	switch {
	case divisible:
		w.divisible = true
	case strict && w.blocked == "":
		w.blocked = why
	}
}

// narrowRef adds the option's filter to a data reference whose element
// has the dimension; other references, and every one without an option,
// are kept whole.
func (r *run) narrowRef(ref *expr.Ref, opt Disagg) (*expr.Ref, error) {
	if opt.Dim == "" {
		return ref, nil
	}
	el, _ := r.e.element(ref)
	if el == nil || !slices.Contains(el.Categories, opt.Dim) {
		return ref, nil
	}
	k := narrowKey{ref, opt}
	if n, ok := r.narrowed[k]; ok {
		return n, nil
	}
	n := *ref
	n.Filters = append(slices.Clip(ref.Filters), expr.Filter{At: ref.At, Dim: opt.Dim, Values: []string{opt.Option}})
	if r.narrowed == nil {
		r.narrowed = map[narrowKey]*expr.Ref{}
	}
	r.narrowed[k] = &n
	return &n, nil
}

type narrowKey struct {
	ref *expr.Ref
	opt Disagg
}

// element is the data element a #{set.element} reference names, and the
// data set's categories by code.
func (e *Engine) element(ref *expr.Ref) (*dataset.Element, func(string) *dataset.Category) {
	if e.src.DataSets == nil {
		return nil, nil
	}
	set, code, _ := strings.Cut(ref.Name, ".")
	ds := e.src.DataSets.Get(set)
	if ds == nil {
		return nil, nil
	}
	return ds.Element(code), ds.Category
}

// suffix is the option in a cache key ("" for the total).
func (o Disagg) suffix() string {
	if o.Dim == "" {
		return ""
	}
	return " |" + o.Dim + "=" + o.Option
}

// set makes the filter of opt when it divides persons (sex or age);
// another dimension leaves it keeping everyone.
func (f *PersonFilter) set(opt Disagg) error {
	switch opt.Dim {
	case "sex":
		s, err := parseSex(opt.Option)
		f.Sex = s
		return err
	case "age":
		b, err := weijian.ParseAgeBand(opt.Option)
		if err != nil {
			return err
		}
		f.Age = b
	}
	return nil
}

func parseSex(v string) (int, error) {
	switch v {
	case "M", "男", "1":
		return weijian.SexMale, nil
	case "F", "女", "2":
		return weijian.SexFemale, nil
	}
	return 0, fmt.Errorf("sex is M or F, not %q", v)
}

// narrow restricts a population selection to one option of sex or age;
// empty reports that nothing is left (a 65+ denominator asked for 0–14).
func (s popSel) narrow(opt Disagg) (out popSel, empty bool, err error) {
	out = s
	switch opt.Dim {
	case "sex":
		x, err := parseSex(opt.Option)
		if err != nil {
			return s, false, err
		}
		if len(s.sexes) > 0 && !slices.Contains(s.sexes, x) {
			return s, true, nil
		}
		out.sexes = []int{x}
	case "age":
		b, err := weijian.ParseAgeBand(opt.Option)
		if err != nil {
			return s, false, err
		}
		if len(s.bands) == 0 {
			out.bands = []weijian.AgeBand{b}
			return out, false, nil
		}
		out.bands = nil
		for _, x := range s.bands {
			if in := (weijian.AgeBand{From: max(x.From, b.From), To: min(x.To, b.To)}); in.From < in.To {
				out.bands = append(out.bands, in)
			}
		}
		return out, len(out.bands) == 0, nil
	}
	return out, false, nil
}

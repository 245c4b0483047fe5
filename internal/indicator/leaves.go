package indicator

import (
	"fmt"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/expr"
	"github.com/weijian-health/weijian/internal/period"
)

// binder binds the references and data calls of a run's formulas, for
// one option of a disaggregation (zero: the total), to what the run
// reads: each is resolved once, when its formula is compiled, to a
// function of a grid point (at) that reads slices by span and unit index.
// Leaves that read data are shared by every formula of the run that
// names the same thing (by their text), so pop{} is summed once per unit
// and span however many indicators divide by it.
type binder struct {
	r   *run
	opt Disagg
}

var _ expr.Binder[at] = binder{}

// Leaf implements expr.Binder.
func (b binder) Leaf(n expr.Node) expr.Fn[at] {
	switch n := n.(type) {
	case *expr.Ref:
		switch n.Kind {
		case expr.RefConstant:
			return b.constant(n.Name)
		case expr.RefIndicator:
			return b.indicator(n.Name)
		case expr.RefPopulation:
			return b.shared("pop|"+n.String()+b.opt.suffix(), func() expr.Fn[at] { return b.popLeaf(n) })
		}
		ref, err := b.r.narrowRef(n, b.opt)
		if err != nil {
			return fail(err)
		}
		return b.shared("data|"+ref.String(), func() expr.Fn[at] { return b.dataLeaf(ref) })
	case *expr.Call:
		source := n.Args[0].(*expr.String).Value
		if expr.IsReportFunc(n.Name) {
			return b.shared(n.Name+"|"+source, func() expr.Fn[at] { return b.reportsLeaf(n.Name, source) })
		}
		rule := n.Args[1]
		key := n.Name + "|" + source + "|" + b.r.text(rule) + b.opt.suffix()
		return b.shared(key, func() expr.Fn[at] { return b.rowsLeaf(n.Name, source, rule) })
	}
	return fail(fmt.Errorf("cannot bind %s", n))
}

// shared is the run's leaf of key, made by mk the first time.
func (b binder) shared(key string, mk func() expr.Fn[at]) expr.Fn[at] {
	if f, ok := b.r.leaves[key]; ok {
		return f
	}
	f := mk()
	b.r.leaves[key] = f
	return f
}

// Shift implements expr.Binder: ytd(…) and last_year(…) move a point to
// the span they ask, found once per span.
func (b binder) Shift(function string) func(at) at {
	r := b.r
	to := r.shifts[function]
	if to == nil {
		to = new([]int32)
		r.shifts[function] = to
	}
	return func(a at) at {
		if int(a.s) < len(*to) && (*to)[a.s] >= 0 {
			a.s = (*to)[a.s]
			return a
		}
		s := r.spanIndex(expr.ShiftSpan(function, r.spans[a.s]))
		for int(a.s) >= len(*to) {
			*to = append(*to, -1)
		}
		(*to)[a.s] = s
		a.s = s
		return a
	}
}

func (b binder) constant(code string) expr.Fn[at] {
	c := b.r.e.lib.Constant(code)
	if c == nil {
		return fail(fmt.Errorf("no constant %q", code))
	}
	v := expr.Num(c.Value)
	return func(at) (expr.Value, error) { return v, nil }
}

// indicator binds I{code}: the other indicator's plan for the same option,
// at the same point.
func (b binder) indicator(code string) expr.Fn[at] {
	d := b.r.e.lib.Get(code)
	if d == nil {
		return fail(fmt.Errorf("no indicator %q", code))
	}
	r, p := b.r, b.r.plan(d, b.opt)
	p.kept = true
	return func(a at) (expr.Value, error) {
		res, err := r.eval(p, a)
		if err != nil || res.NoData {
			return expr.NoData(res.Why), err
		}
		return expr.Num(res.Value), nil
	}
}

// dataLeaf binds a data reference #{…} (narrowed to the option): for each
// asked unit, the sum of the values of the units under it (dataset.Catalog
// Sum), as dataset.Resolver answers it, batched: the first ask for a
// data set and span reads the values of the run's counties once, and
// each asked unit sums those of the units under it in the tree as it
// stood at the span's start.
func (b binder) dataLeaf(ref *expr.Ref) expr.Fn[at] {
	r := b.r
	cat := r.e.src.DataSets
	ds, err := cat.RefDataSet(ref)
	if err != nil {
		return fail(err)
	}
	type spanData struct {
		none   *expr.Value // the span holds no whole period of the set
		byUnit [][]weijian.DataValue
		vals   []kept
	}
	var spans []*spanData
	return func(a at) (expr.Value, error) {
		sd := get(spans, a.s)
		if sd == nil {
			span := r.spans[a.s]
			sd = &spanData{}
			if periods := ds.PeriodsIn(span); len(periods) == 0 {
				none := noWholePeriod(ds)
				sd.none = &none
			} else {
				byUnit, err := r.dataValues(ds.Code, periods, span)
				if err != nil {
					return expr.Value{}, err
				}
				sd.byUnit = byUnit
				sd.vals = make([]kept, len(r.list))
			}
			spans = set(spans, a.s, sd)
		}
		if sd.none != nil {
			return *sd.none, nil
		}
		k := &sd.vals[a.u]
		if !k.done {
			v, err := cat.Sum(ref, sd.byUnit[a.u])
			if err != nil {
				return v, err
			}
			*k = kept{done: true, v: v}
		}
		return k.v, nil
	}
}

// dataValues are the values of a data set over periods (those of span)
// below each asked unit, read once per data set and span.
func (r *run) dataValues(set string, periods []string, span period.Span) ([][]weijian.DataValue, error) {
	key := set + "|" + span.String()
	if byUnit, ok := r.dvals[key]; ok {
		return byUnit, nil
	}
	vals, err := r.e.store.DataValues(r.ctx, r.tree.countyScope(), weijian.DataValueFilter{DataSet: set, Periods: periods})
	if err != nil {
		return nil, err
	}
	byUnit := r.distribute(vals, span.Start)
	r.dvals[key] = byUnit
	return byUnit, nil
}

// distribute gives each asked unit the values of the units under it on day.
func (r *run) distribute(vals []weijian.DataValue, day period.Date) [][]weijian.DataValue {
	out := make([][]weijian.DataValue, len(r.list))
	for _, v := range vals {
		id := r.tree.byCode[v.UnitCode]
		for _, a := range r.tree.chain(id, day, nil) {
			if i, ok := r.byID[a]; ok {
				out[i] = append(out[i], v)
			}
		}
	}
	return out
}

// popLeaf binds pop{…}: run.population for the option, found once per
// unit and span.
func (b binder) popLeaf(ref *expr.Ref) expr.Fn[at] {
	r, opt := b.r, b.opt
	var spans []*[]kept
	return func(a at) (expr.Value, error) {
		vals := get(spans, a.s)
		if vals == nil {
			vs := make([]kept, len(r.list))
			vals = &vs
			spans = set(spans, a.s, vals)
		}
		k := &(*vals)[a.u]
		if !k.done {
			v, err := r.population(ref, expr.Query{Unit: r.list[a.u].Code, Span: r.spans[a.s]}, opt)
			if err != nil {
				return v, err
			}
			*k = kept{done: true, v: v}
		}
		return k.v, nil
	}
}

// kept is a leaf's value at one unit and span, once found.
type kept struct {
	done bool
	v    expr.Value
}

func fail(err error) expr.Fn[at] {
	return func(at) (expr.Value, error) { return expr.Value{}, err }
}

// get is s[i], or nil past its end.
func get[T any](s []*T, i int32) *T {
	if int(i) < len(s) {
		return s[i]
	}
	return nil
}

// set puts v at s[i], growing s as needed.
func set[T any](s []*T, i int32, v *T) []*T {
	for int(i) >= len(s) {
		s = append(s, nil)
	}
	s[i] = v
	return s
}

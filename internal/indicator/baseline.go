package indicator

import (
	"context"
	"fmt"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/dataset"
	"github.com/weijian-health/weijian/internal/expr"
	"github.com/weijian-health/weijian/internal/period"
)

// baseline computes the cells one by one as NewBaselineEngine promises:
// each formula walked by expr.Eval, each reference of each cell asked of
// the resolver below and read by its own query.
func (r *run) baseline(cells []Cell) ([]Result, error) {
	out := make([]Result, len(cells))
	for i, c := range cells {
		d := r.e.lib.Get(c.Indicator)
		if d == nil {
			return nil, weijian.NotFound(weijian.T("指标 "+c.Indicator, "indicator "+c.Indicator))
		}
		var err error
		if out[i], err = r.result(d, r.units[c.OrgUnit], c.Span, c.Disagg); err != nil {
			return nil, fmt.Errorf("%s at %s %s: %w", c.Indicator, c.OrgUnit, c.Span, err)
		}
	}
	return out, nil
}

type dataKey struct {
	ref  string
	unit string
	span period.Span
}

type valueKey struct {
	code string
	unit string
	span period.Span
	opt  Disagg
}

// result computes d for unit u over span, for one option of a
// disaggregation (or the total).
func (r *run) result(d *Def, u *weijian.OrgUnit, span period.Span, opt Disagg) (Result, error) {
	k := valueKey{d.Code, u.Code, span, opt}
	if res, ok := r.values[k]; ok {
		return res, nil
	}
	v := d.VersionAt(span.Start)
	if v == nil {
		return Result{}, fmt.Errorf("indicator %s has no version", d.Code)
	}
	num, den, err := r.e.lib.Formulas(d, v)
	if err != nil {
		return Result{}, err
	}
	q := expr.Query{Unit: u.Code, Span: span}
	rv := &resolver{r: r, opt: opt}
	n, err := expr.Eval(r.ctx, num, rv, q)
	if err != nil {
		return Result{}, err
	}
	var dv expr.Value
	if den != nil {
		if dv, err = expr.Eval(r.ctx, den, rv, q); err != nil {
			return Result{}, err
		}
	}
	res := finish(d, v, n, dv, den != nil)
	r.values[k] = res
	return res, nil
}

// resolver answers the baseline's references for one run and one option
// of a disaggregation (zero: the total), each by its own query.
type resolver struct {
	r   *run
	opt Disagg
}

var _ expr.ReportResolver = (*resolver)(nil)

func (rv *resolver) Data(ctx context.Context, ref *expr.Ref, q expr.Query) (expr.Value, error) {
	r := rv.r
	switch ref.Kind {
	case expr.RefConstant:
		c := r.e.lib.Constant(ref.Name)
		if c == nil {
			return expr.Value{}, fmt.Errorf("no constant %q", ref.Name)
		}
		return expr.Num(c.Value), nil
	case expr.RefIndicator:
		d := r.e.lib.Get(ref.Name)
		if d == nil {
			return expr.Value{}, fmt.Errorf("no indicator %q", ref.Name)
		}
		res, err := r.result(d, r.units[q.Unit], q.Span, rv.opt)
		if err != nil || res.NoData {
			return expr.NoData(res.Why), err
		}
		return expr.Num(res.Value), nil
	case expr.RefPopulation:
		return r.population(ref, q, rv.opt)
	}
	ref, err := r.narrowRef(ref, rv.opt)
	if err != nil {
		return expr.Value{}, err
	}
	key := dataKey{r.text(ref), q.Unit, q.Span}
	if v, ok := r.data[key]; ok {
		return v, nil
	}
	dr := dataset.Resolver{Catalog: r.e.src.DataSets, Store: r.e.store, Scope: r.sc}
	v, err := dr.Data(ctx, ref, q)
	if err != nil {
		return v, err
	}
	r.data[key] = v
	return v, nil
}

// Rows counts persons(…) or events(…) by one plain SQL query over the
// unit's current subtree.
func (rv *resolver) Rows(ctx context.Context, function, source string, rule expr.Node, q expr.Query) (expr.Value, error) {
	r := rv.r
	rq, err := r.rowQuery(function, source, rule, q.Span, rv.opt)
	if err != nil {
		return expr.Value{}, err
	}
	n, err := r.e.store.CountRowsUnder(ctx, rq, r.units[q.Unit].Path)
	return expr.Num(float64(n)), err
}

// Reports implements expr.ReportResolver: reports("set"),
// reports_on_time("set") and reports_expected("set") for q.Unit, from the
// data set's completeness over the units of q.Unit's current subtree
// that report it, read for the cell.
func (rv *resolver) Reports(ctx context.Context, function, code string, q expr.Query) (expr.Value, error) {
	r := rv.r
	ds := r.e.src.DataSets.Get(code)
	if ds == nil {
		return expr.Value{}, fmt.Errorf("no data set %q", code)
	}
	names := ds.PeriodsIn(q.Span)
	if len(names) == 0 {
		return noWholePeriod(ds), nil
	}
	ps, err := parsePeriods(ds, names)
	if err != nil {
		return expr.Value{}, err
	}
	units, comps, err := r.reportData(ds, names, weijian.ScopeOf(r.units[q.Unit].Path))
	if err != nil {
		return expr.Value{}, err
	}
	return reportValue(function, ds.ComputeCompleteness(units, ps, comps, r.e.now())), nil
}

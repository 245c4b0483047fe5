package indicator

import (
	"context"
	"fmt"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/dataset"
	"github.com/weijian-health/weijian/internal/expr"
	"github.com/weijian-health/weijian/internal/period"
)

// Engine computes indicators from live data: aggregate values through
// dataset.Resolver, population from the stored tables, persons(…) and
// events(…) with one SQL query per rule and span for every org unit asked
// (grouped by village and rolled up here by the tree as it stood in the
// period), I{…} by recursion and C{…} from the library. It implements
// Evaluator.
type Engine struct {
	lib   *Library
	store Store
	src   Sources
	// perCell makes the baseline: every reference of every cell read by
	// its own query (see NewBaselineEngine).
	perCell bool
	pops    popCache  // county population per year, kept between runs
	trees   treeCache // org-unit forests, kept between runs
	// Now is the clock of the report functions (a period not yet due is
	// expected only of the units that reported it); nil: time.Now.
	Now func() time.Time
}

var _ Evaluator = (*Engine)(nil)

// NewEngine returns an engine over st for the definitions of lib; src
// gives the data sets and programmes its formulas use.
func NewEngine(lib *Library, st Store, src Sources) *Engine {
	return &Engine{lib: lib, store: st, src: src}
}

// NewBaselineEngine returns the engine the benchmarks compare against:
// the same definitions computed cell by cell, each persons(…)/events(…)
// of each cell by one plain SQL query over the unit's current subtree,
// each data reference through dataset.Resolver and each population
// through Store.Population — what a straightforward implementation does.
func NewBaselineEngine(lib *Library, st Store, src Sources) *Engine {
	return &Engine{lib: lib, store: st, src: src, perCell: true}
}

// Library returns the definitions the engine computes.
func (e *Engine) Library() *Library { return e.lib }

// Eval computes one cell.
func (e *Engine) Eval(ctx context.Context, sc weijian.Scope, c Cell) (Result, error) {
	rs, err := e.EvalMany(ctx, sc, []Cell{c})
	if err != nil {
		return Result{}, err
	}
	return rs[0], nil
}

// EvalMany computes many cells: each persons(…) or events(…) rule is
// counted once per span for all the cells' units together.
func (e *Engine) EvalMany(ctx context.Context, sc weijian.Scope, cells []Cell) ([]Result, error) {
	r, err := e.newRun(ctx, sc, cells)
	if err != nil {
		return nil, err
	}
	out := make([]Result, len(cells))
	for i, c := range cells {
		d := e.lib.Get(c.Indicator)
		if d == nil {
			return nil, weijian.NotFound(weijian.T("指标 "+c.Indicator, "indicator "+c.Indicator))
		}
		if out[i], err = r.result(d, r.units[c.OrgUnit], c.Span, c.Disagg); err != nil {
			return nil, fmt.Errorf("%s at %s %s: %w", c.Indicator, c.OrgUnit, c.Span, err)
		}
	}
	return out, nil
}

// run is one EvalMany: the units asked, the tree around them and what
// has been read so far.
type run struct {
	e     *Engine
	ctx   context.Context
	sc    weijian.Scope
	units map[string]*weijian.OrgUnit // asked, by code
	tree  *tree
	raw   map[rawKey][]PathCount // rule and years (persons) or span (events) → counts per village
	// monthly is events(…) of a whole year → counts per village and month
	monthly map[rawKey][]PathCount
	rows    map[rolledKey]map[int64]int64 // the same at a day → asked unit id → count
	data    map[dataKey]expr.Value        // reference, unit and span → value
	texts   map[expr.Node]string          // a rule or reference as text, for the keys
	pops    map[popKey]*weijian.Population
	popRaw  map[int]*popEntry                          // year → rows of the counties
	values  map[valueKey]Result                        // I{…} already computed
	dvals   map[string]map[int64][]weijian.DataValue   // data set and span → asked unit → values below it
	reports map[string]map[int64]*dataset.Completeness // data set and span → asked unit → its reports
	// narrowed are the data references with a disaggregation's filter added
	narrowed map[narrowKey]*expr.Ref
	popDay   map[popDayKey]popAt // a year's population rows, their paths as the tree stood on a day
}

type popKey struct {
	unit string
	year int
	day  period.Date
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

func (e *Engine) newRun(ctx context.Context, sc weijian.Scope, cells []Cell) (*run, error) {
	r := &run{e: e, ctx: ctx, sc: sc, units: map[string]*weijian.OrgUnit{}, rows: map[rolledKey]map[int64]int64{},
		raw: map[rawKey][]PathCount{}, monthly: map[rawKey][]PathCount{}, texts: map[expr.Node]string{}, data: map[dataKey]expr.Value{}, pops: map[popKey]*weijian.Population{},
		popRaw: map[int]*popEntry{}, values: make(map[valueKey]Result, len(cells)), dvals: map[string]map[int64][]weijian.DataValue{},
		reports: map[string]map[int64]*dataset.Completeness{}}
	var codes []string
	for _, c := range cells {
		if _, ok := r.units[c.OrgUnit]; ok {
			continue
		}
		u, err := e.store.OrgUnit(ctx, sc, c.OrgUnit)
		if err != nil {
			return nil, err
		}
		if !sc.Covers(u.Path) {
			return nil, weijian.E(weijian.KindForbidden, weijian.T("无权查看 "+u.Name+" 的指标", "the indicators of "+u.Name+" are outside your scope"))
		}
		r.units[c.OrgUnit] = u
		codes = append(codes, c.OrgUnit)
	}
	if len(codes) == 0 {
		return r, nil
	}
	t, err := e.forest(ctx, codes)
	if err != nil {
		return nil, err
	}
	r.tree = t
	return r, nil
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
	res := Result{Version: v.ValidFrom}
	rv := &resolver{r: r, opt: opt}
	n, err := expr.Eval(r.ctx, num, rv, q)
	if err != nil {
		return Result{}, err
	}
	res.Numerator = n.Num
	if den != nil {
		res.HasDen = true
		dv, err := expr.Eval(r.ctx, den, rv, q)
		if err != nil {
			return Result{}, err
		}
		res.Denominator = dv.Num
		switch {
		case dv.Null:
			res.NoData, res.Why = true, "分母无数据: "+dv.Why
		case dv.Num == 0:
			res.NoData, res.Why = true, "分母为零 (denominator is zero)"
		}
	}
	switch {
	case n.Null:
		res.NoData, res.Why = true, "分子无数据: "+n.Why
	case !res.NoData && res.HasDen:
		res.Value = n.Num / res.Denominator * d.Unit.Factor()
	case !res.NoData:
		res.Value = n.Num
	}
	r.values[k] = res
	return res, nil
}

// resolver answers an expression's references for one run and one
// option of a disaggregation (zero: the total).
type resolver struct {
	r   *run
	opt Disagg
}

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
	text, ok := r.texts[ref]
	if !ok {
		text = ref.String()
		r.texts[ref] = text
	}
	key := dataKey{text, q.Unit, q.Span}
	if v, ok := r.data[key]; ok {
		return v, nil
	}
	var v expr.Value
	if r.e.perCell {
		dr := dataset.Resolver{Catalog: r.e.src.DataSets, Store: r.e.store, Scope: r.sc}
		v, err = dr.Data(ctx, ref, q)
	} else {
		v, err = r.dataValue(ref, q)
	}
	if err != nil {
		return v, err
	}
	r.data[key] = v
	return v, nil
}

// dataValue answers #{…} for q.Unit as dataset.Resolver does, batched:
// the first ask for a data set and span reads the values of the run's
// counties once, and each asked unit sums those of the units under it in
// the tree as it stood at the span's start.
func (r *run) dataValue(ref *expr.Ref, q expr.Query) (expr.Value, error) {
	cat := r.e.src.DataSets
	ds, err := cat.RefDataSet(ref)
	if err != nil {
		return expr.Value{}, err
	}
	periods := ds.PeriodsIn(q.Span)
	if len(periods) == 0 {
		return expr.NoData(fmt.Sprintf("%s 按%s报告，所选期间不含完整的一期 (the span holds no whole %s)", ds.Code, ds.Period(), ds.Period())), nil
	}
	key := ds.Code + "|" + q.Span.String()
	byUnit, ok := r.dvals[key]
	if !ok {
		vals, err := r.e.store.DataValues(r.ctx, r.tree.countyScope(), weijian.DataValueFilter{DataSet: ds.Code, Periods: periods})
		if err != nil {
			return expr.Value{}, err
		}
		byUnit = r.distribute(vals, q.Span.Start)
		r.dvals[key] = byUnit
	}
	return cat.Sum(ref, byUnit[r.units[q.Unit].ID])
}

// distribute gives each asked unit the values of the units under it on day.
func (r *run) distribute(vals []weijian.DataValue, day period.Date) map[int64][]weijian.DataValue {
	asked := r.askedIDs()
	out := map[int64][]weijian.DataValue{}
	for _, v := range vals {
		id := r.tree.byCode[v.UnitCode]
		for _, a := range r.tree.chain(id, day, nil) {
			if asked[a] {
				out[a] = append(out[a], v)
			}
		}
	}
	return out
}

func (r *run) askedIDs() map[int64]bool {
	asked := make(map[int64]bool, len(r.units))
	for _, u := range r.units {
		asked[u.ID] = true
	}
	return asked
}

func (rv *resolver) Rows(ctx context.Context, function, source string, rule expr.Node, q expr.Query) (expr.Value, error) {
	return rv.r.rowCount(function, source, rule, q, rv.opt)
}

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
// period), I{…} by recursion and C{…} from the library. Each formula is
// compiled once per EvalMany (expr.Compile) with those references bound
// to what the run reads, kept by unit and span index (leaves.go). It
// implements Evaluator.
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
// counted once per span for all the cells' units together, each formula
// compiled once (expr.Compile) with its references bound to what the run
// has read, kept by span and unit index.
func (e *Engine) EvalMany(ctx context.Context, sc weijian.Scope, cells []Cell) ([]Result, error) {
	r, err := e.newRun(ctx, sc, cells)
	if err != nil {
		return nil, err
	}
	if e.perCell {
		return r.baseline(cells)
	}
	out := make([]Result, len(cells))
	var p *plan
	var unit string
	var u int32
	for i, c := range cells {
		if p == nil || c.Indicator != p.d.Code || c.Disagg != p.opt {
			d := e.lib.Get(c.Indicator)
			if d == nil {
				return nil, weijian.NotFound(weijian.T("指标 "+c.Indicator, "indicator "+c.Indicator))
			}
			p = r.plan(d, c.Disagg)
		}
		if i == 0 || c.OrgUnit != unit {
			unit, u = c.OrgUnit, r.index[c.OrgUnit]
		}
		if out[i], err = r.eval(p, at{u: u, s: r.spanIndex(c.Span)}); err != nil {
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

	// The asked units and the spans met so far, by index: a cell of the
	// grid is a point (at) of the two, and what is kept of it is kept
	// in slices by those indexes.
	list   []*weijian.OrgUnit // asked, in the order of the cells
	index  map[string]int32   // code → index in list
	byID   map[int64]int32    // id → index in list
	spans  []period.Span
	spanAt map[period.Span]int32
	plans  map[planKey]*plan
	leaves map[string]expr.Fn[at] // a formula's references and data calls, bound once (leaves.go)
	shifts map[string]*[]int32    // ytd, last_year: span index → the index of the span they ask (-1: not yet)

	raw map[rawKey][]PathCount // rule and years (persons) or span (events) → counts per village
	// monthly is events(…) of a whole year → counts per village and month
	monthly   map[rawKey][]PathCount
	rows      map[rolledKey][]int64 // the same at a day → count by unit index
	texts     map[expr.Node]string  // a rule or reference as text, for the keys
	pops      map[popKey]*weijian.Population
	popRaw    map[int]*popEntry                  // year → rows of the counties
	dvals     map[string][][]weijian.DataValue   // data set and span → values below each unit
	reports   map[string][]*dataset.Completeness // data set and span → each unit's reports
	reporters map[string][]*weijian.OrgUnit      // data set → the units of the counties that report it
	paths     map[string][]int64                 // a village's path → its ids (weijian.PathIDs)
	popDay    map[popDayKey]popAt                // a year's population rows, their paths as the tree stood on a day

	// The baseline's: its results and data by key.
	values   map[valueKey]Result
	data     map[dataKey]expr.Value
	narrowed map[narrowKey]*expr.Ref // data references with a disaggregation's filter added
}

type popKey struct {
	unit string
	year int
	day  period.Date
}

func (e *Engine) newRun(ctx context.Context, sc weijian.Scope, cells []Cell) (*run, error) {
	r := &run{e: e, ctx: ctx, sc: sc, units: map[string]*weijian.OrgUnit{}, index: map[string]int32{}, byID: map[int64]int32{},
		spanAt: map[period.Span]int32{}, plans: map[planKey]*plan{}, leaves: map[string]expr.Fn[at]{}, shifts: map[string]*[]int32{},
		raw: map[rawKey][]PathCount{}, monthly: map[rawKey][]PathCount{}, rows: map[rolledKey][]int64{}, texts: map[expr.Node]string{},
		pops: map[popKey]*weijian.Population{}, popRaw: map[int]*popEntry{}, dvals: map[string][][]weijian.DataValue{},
		reports: map[string][]*dataset.Completeness{}, reporters: map[string][]*weijian.OrgUnit{}, paths: map[string][]int64{}}
	if e.perCell {
		r.values, r.data = map[valueKey]Result{}, map[dataKey]expr.Value{}
	}
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
		r.index[c.OrgUnit], r.byID[u.ID] = int32(len(r.list)), int32(len(r.list))
		r.list = append(r.list, u)
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

// at is a point of a run's grid: the index of an asked unit (run.list)
// and of a span (run.spans).
type at struct{ u, s int32 }

// spanIndex is the index of span in the run, added if new.
func (r *run) spanIndex(span period.Span) int32 {
	if s, ok := r.spanAt[span]; ok {
		return s
	}
	s := int32(len(r.spans))
	r.spans = append(r.spans, span)
	r.spanAt[span] = s
	return s
}

// plan is an indicator compiled for one option of a disaggregation (or
// the total). An indicator that others name (I{…}) keeps its results, by
// span and unit; the others' results go straight to the caller (kept,
// they would double a grid's memory for nothing: their leaves keep what
// they read, so a repeated cell costs only its arithmetic).
type plan struct {
	d    *Def
	opt  Disagg
	vers []*compiled // by version, compiled when first used
	kept bool        // named by an I{…} of the run: results kept in res
	res  [][]resSlot // span index → unit index
}

type planKey struct {
	d   *Def
	opt Disagg
}

// compiled is one version's formulas bound to the run.
type compiled struct {
	v        *Version
	num, den expr.Fn[at] // den nil for a count
	err      error
}

type resSlot struct {
	done bool
	res  Result
}

func (r *run) plan(d *Def, opt Disagg) *plan {
	k := planKey{d, opt}
	p := r.plans[k]
	if p == nil {
		p = &plan{d: d, opt: opt, vers: make([]*compiled, len(d.Versions))}
		r.plans[k] = p
	}
	return p
}

// version is p's version i compiled for r.
func (p *plan) version(r *run, i int) *compiled {
	if c := p.vers[i]; c != nil {
		return c
	}
	v := &p.d.Versions[i]
	c := &compiled{v: v}
	num, den, err := r.e.lib.Formulas(p.d, v)
	if err != nil {
		c.err = err
	} else {
		b := binder{r: r, opt: p.opt}
		c.num = expr.Compile(num, expr.Binder[at](b))
		if den != nil {
			c.den = expr.Compile(den, expr.Binder[at](b))
		}
	}
	p.vers[i] = c
	return c
}

// eval computes p at a (once, when p is kept).
func (r *run) eval(p *plan, a at) (Result, error) {
	if p.kept {
		if row := p.row(a.s, len(r.list)); row[a.u].done {
			return row[a.u].res, nil
		}
	}
	i := versionIndex(p.d, r.spans[a.s].Start)
	if i < 0 {
		return Result{}, fmt.Errorf("indicator %s has no version", p.d.Code)
	}
	c := p.version(r, i)
	if c.err != nil {
		return Result{}, c.err
	}
	n, err := c.num(a)
	if err != nil {
		return Result{}, err
	}
	var dv expr.Value
	if c.den != nil {
		if dv, err = c.den(a); err != nil {
			return Result{}, err
		}
	}
	res := finish(p.d, c.v, n, dv, c.den != nil)
	if p.kept {
		p.row(a.s, len(r.list))[a.u] = resSlot{done: true, res: res}
	}
	return res, nil
}

// row is p's results of span s, one per unit.
func (p *plan) row(s int32, units int) []resSlot {
	for int(s) >= len(p.res) {
		p.res = append(p.res, nil)
	}
	if p.res[s] == nil {
		p.res[s] = make([]resSlot, units)
	}
	return p.res[s]
}

// versionIndex is the index of d.VersionAt(on), or -1.
func versionIndex(d *Def, on period.Date) int {
	if len(d.Versions) == 0 {
		return -1
	}
	v := 0
	for i := range d.Versions {
		if !d.Versions[i].ValidFrom.After(on) {
			v = i
		}
	}
	return v
}

// finish makes the result of version v of d from the numerator's value n
// and, when hasDen, the denominator's dv.
func finish(d *Def, v *Version, n, dv expr.Value, hasDen bool) Result {
	res := Result{Version: v.ValidFrom, Numerator: n.Num}
	if hasDen {
		res.HasDen = true
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
	return res
}

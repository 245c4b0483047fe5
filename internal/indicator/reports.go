package indicator

import (
	"fmt"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/dataset"
	"github.com/weijian-health/weijian/internal/expr"
	"github.com/weijian-health/weijian/internal/period"
)

// reportsLeaf binds reports("set"), reports_on_time("set") or
// reports_expected("set") (function): for each asked unit, from the data
// set's completeness over the units under it that report it
// (dataset.ComputeCompleteness, the data sets' completeness view). The
// reporting units and completions of the run's counties are read once
// per data set and span, and each asked unit given the reporting units
// under it in the tree as it stood at the span's start.
func (b binder) reportsLeaf(function, code string) expr.Fn[at] {
	r := b.r
	ds := r.e.src.DataSets.Get(code)
	if ds == nil {
		return fail(fmt.Errorf("no data set %q", code))
	}
	type spanReports struct {
		none   *expr.Value // the span holds no whole period of the set
		byUnit []*dataset.Completeness
	}
	var spans []*spanReports
	return func(a at) (expr.Value, error) {
		sr := get(spans, a.s)
		if sr == nil {
			span := r.spans[a.s]
			sr = &spanReports{}
			if names := ds.PeriodsIn(span); len(names) == 0 {
				none := noWholePeriod(ds)
				sr.none = &none
			} else {
				var err error
				if sr.byUnit, err = r.completeness(ds, names, span); err != nil {
					return expr.Value{}, err
				}
			}
			spans = set(spans, a.s, sr)
		}
		if sr.none != nil {
			return *sr.none, nil
		}
		return reportValue(function, sr.byUnit[a.u]), nil
	}
}

// noWholePeriod is the value of a data set's figure over a span that
// holds none of its periods whole.
func noWholePeriod(ds *dataset.DataSet) expr.Value {
	return expr.NoData(fmt.Sprintf("%s 按%s报告，所选期间不含完整的一期 (the span holds no whole %s)", ds.Code, ds.Period(), ds.Period()))
}

// reportValue is function's figure of a completeness table.
func reportValue(function string, t *dataset.Completeness) expr.Value {
	switch function {
	case "reports":
		return expr.Num(float64(t.Total.Num))
	case "reports_on_time":
		return expr.Num(float64(t.TotalOn.Num))
	}
	return expr.Num(float64(t.Total.Den))
}

func parsePeriods(ds *dataset.DataSet, names []string) ([]period.Period, error) {
	ps := make([]period.Period, len(names))
	for i, n := range names {
		p, err := ds.ParsePeriod(n)
		if err != nil {
			return nil, err
		}
		ps[i] = p
	}
	return ps, nil
}

// completeness is the data set's completeness over the periods named,
// for each asked unit by index, kept by data set and span. The reporting
// units of the run's counties are read once per data set, their
// completions once per data set and span.
func (r *run) completeness(ds *dataset.DataSet, names []string, span period.Span) ([]*dataset.Completeness, error) {
	ps, err := parsePeriods(ds, names)
	if err != nil {
		return nil, err
	}
	key := ds.Code + "|" + span.String()
	if byUnit, ok := r.reports[key]; ok {
		return byUnit, nil
	}
	units, ok := r.reporters[ds.Code]
	if !ok {
		if units, err = r.e.store.ReportingUnits(r.ctx, r.tree.countyScope(), ds.Reporters.Levels, ds.Reporters.FacilityTypes); err != nil {
			return nil, err
		}
		r.reporters[ds.Code] = units
	}
	comps, err := r.e.store.Completions(r.ctx, r.tree.countyScope(), ds.Code, names)
	if err != nil {
		return nil, err
	}
	// Each asked unit's table is computed from the reporting units under
	// it and their completions only (the others' cannot count in it).
	under := make([][]*weijian.OrgUnit, len(r.list))
	for _, ru := range units {
		for _, a := range r.tree.chain(ru.ID, span.Start, weijian.PathIDs(ru.Path)) {
			if i, ok := r.byID[a]; ok {
				under[i] = append(under[i], ru)
			}
		}
	}
	compsOf := map[string][]weijian.Completion{}
	for _, c := range comps {
		compsOf[c.UnitCode] = append(compsOf[c.UnitCode], c)
	}
	byUnit := make([]*dataset.Completeness, len(r.list))
	now := r.e.now()
	var mine []weijian.Completion
	for i := range r.list {
		mine = mine[:0]
		for _, ru := range under[i] {
			mine = append(mine, compsOf[ru.Code]...)
		}
		byUnit[i] = ds.ComputeCompleteness(under[i], ps, mine, now)
	}
	r.reports[key] = byUnit
	return byUnit, nil
}

// reportData reads the units under sc that report ds and their
// completions of the periods named.
func (r *run) reportData(ds *dataset.DataSet, names []string, sc weijian.Scope) ([]*weijian.OrgUnit, []weijian.Completion, error) {
	units, err := r.e.store.ReportingUnits(r.ctx, sc, ds.Reporters.Levels, ds.Reporters.FacilityTypes)
	if err != nil {
		return nil, nil, err
	}
	comps, err := r.e.store.Completions(r.ctx, sc, ds.Code, names)
	return units, comps, err
}

func (e *Engine) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

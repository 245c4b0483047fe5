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

var _ expr.ReportResolver = (*resolver)(nil)

// Reports implements expr.ReportResolver: reports("set"),
// reports_on_time("set") and reports_expected("set") for q.Unit, from the
// data set's completeness over the units under q.Unit that report it
// (dataset.ComputeCompleteness, the data sets' completeness view).
func (rv *resolver) Reports(ctx context.Context, function, code string, q expr.Query) (expr.Value, error) {
	r := rv.r
	ds := r.e.src.DataSets.Get(code)
	if ds == nil {
		return expr.Value{}, fmt.Errorf("no data set %q", code)
	}
	names := ds.PeriodsIn(q.Span)
	if len(names) == 0 {
		return expr.NoData(fmt.Sprintf("%s 按%s报告，所选期间不含完整的一期 (the span holds no whole %s)", ds.Code, ds.Period(), ds.Period())), nil
	}
	t, err := r.completeness(ds, names, q)
	if err != nil {
		return expr.Value{}, err
	}
	switch function {
	case "reports":
		return expr.Num(float64(t.Total.Num)), nil
	case "reports_on_time":
		return expr.Num(float64(t.TotalOn.Num)), nil
	}
	return expr.Num(float64(t.Total.Den)), nil
}

// completeness is the data set's completeness over the periods named for
// q.Unit. The batched engine reads the reporting units and completions of
// the run's counties once per data set and span, and gives each asked
// unit the reporting units under it in the tree as it stood at the span's
// start; the baseline reads them for the unit's current subtree.
func (r *run) completeness(ds *dataset.DataSet, names []string, q expr.Query) (*dataset.Completeness, error) {
	ps := make([]period.Period, len(names))
	for i, n := range names {
		p, err := ds.ParsePeriod(n)
		if err != nil {
			return nil, err
		}
		ps[i] = p
	}
	u := r.units[q.Unit]
	if r.e.perCell {
		units, comps, err := r.reportData(ds, names, weijian.ScopeOf(u.Path))
		if err != nil {
			return nil, err
		}
		return ds.ComputeCompleteness(units, ps, comps, r.e.now()), nil
	}
	key := ds.Code + "|" + q.Span.String()
	byUnit, ok := r.reports[key]
	if !ok {
		units, comps, err := r.reportData(ds, names, r.tree.countyScope())
		if err != nil {
			return nil, err
		}
		asked := r.askedIDs()
		under := map[int64][]*weijian.OrgUnit{}
		for _, ru := range units {
			for _, a := range r.tree.chain(ru.ID, q.Span.Start, weijian.PathIDs(ru.Path)) {
				if asked[a] {
					under[a] = append(under[a], ru)
				}
			}
		}
		byUnit = map[int64]*dataset.Completeness{}
		now := r.e.now()
		for id := range asked {
			byUnit[id] = ds.ComputeCompleteness(under[id], ps, comps, now)
		}
		r.reports[key] = byUnit
	}
	return byUnit[u.ID], nil
}

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

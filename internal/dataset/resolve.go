package dataset

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/expr"
	"github.com/weijian-health/weijian/internal/period"
)

// CheckDataRef checks a #{set.element; dim=option} reference of the
// indicator language against the catalog: the data set and element exist,
// each filter names one of the element's categories and options of it.
// An expr.Env answers data references with it.
func (c *Catalog) CheckDataRef(r *expr.Ref) error {
	ds, el, err := c.refElement(r)
	if err != nil {
		return err
	}
	for _, f := range r.Filters {
		if !contains(el.Categories, f.Dim) {
			return fmt.Errorf("%s has no disaggregation %q (it has %s)", r.Name, f.Dim, orNone(el.Categories))
		}
		cat := ds.Category(f.Dim)
		for _, v := range f.Values {
			ok := false
			for _, o := range cat.Options {
				ok = ok || o.Code == v
			}
			if !ok {
				return fmt.Errorf("%s: %q is not an option of %s", r.Name, v, f.Dim)
			}
		}
	}
	return nil
}

func (c *Catalog) refElement(r *expr.Ref) (*DataSet, *Element, error) {
	if r.Kind != expr.RefData {
		return nil, nil, fmt.Errorf("%s is not a data element reference", r.Name)
	}
	set, element, ok := strings.Cut(r.Name, ".")
	ds := c.Get(set)
	if !ok || ds == nil {
		return nil, nil, fmt.Errorf("no data set %q (write #{set.element})", set)
	}
	el := ds.Element(element)
	if el == nil {
		return nil, nil, fmt.Errorf("data set %s has no element %q", set, element)
	}
	return ds, el, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return strings.Join(list, ", ")
}

// ValueReader is the part of the store a Resolver reads.
type ValueReader interface {
	OrgUnit(ctx context.Context, sc weijian.Scope, code string) (*weijian.OrgUnit, error)
	DataValues(ctx context.Context, sc weijian.Scope, f weijian.DataValueFilter) ([]weijian.DataValue, error)
}

// Resolver answers the data references of indicator expressions from
// the stored values, live (no analytics tables in between): the sum over
// the unit and every unit below it, over the data set's periods that lie
// inside the span, of the values whose combo passes the filters. For a
// stock element (a count at the period's end) the latest period in the
// span with data is taken instead of a sum over periods.
type Resolver struct {
	Catalog *Catalog
	Store   ValueReader
	Scope   weijian.Scope // the caller's: a unit outside it is not found
}

// Data implements the data part of expr.Resolver.
func (rv *Resolver) Data(ctx context.Context, r *expr.Ref, q expr.Query) (expr.Value, error) {
	ds, _, err := rv.Catalog.refElement(r)
	if err != nil {
		return expr.Value{}, err
	}
	u, err := rv.Store.OrgUnit(ctx, rv.Scope, q.Unit)
	if err != nil {
		return expr.Value{}, err
	}
	if !rv.Scope.Covers(u.Path) {
		return expr.Value{}, weijian.NotFound(weijian.T("机构 "+q.Unit, "org unit "+q.Unit))
	}
	periods := ds.PeriodsIn(q.Span)
	if len(periods) == 0 {
		return expr.NoData(fmt.Sprintf("%s is reported by %s; the span holds no whole one", ds.Code, ds.Period())), nil
	}
	vals, err := rv.Store.DataValues(ctx, weijian.ScopeOf(u.Path), weijian.DataValueFilter{DataSet: ds.Code, Periods: periods})
	if err != nil {
		return expr.Value{}, err
	}
	return rv.Catalog.Sum(r, vals)
}

// PeriodsIn lists the data set's periods that lie wholly inside span.
func (d *DataSet) PeriodsIn(span period.Span) []string {
	var periods []string
	for p := period.Of(d.Period(), span.Start); !p.End().After(span.End); p = p.Next() {
		if !p.Start().Before(span.Start) {
			periods = append(periods, period.Format(p))
		}
	}
	return periods
}

// Sum is the value of a data reference over vals (the values of one
// unit's subtree for the periods wanted): the sum over periods of the
// values whose element and combo the reference keeps, or for a stock
// element the latest period with data. No data when nothing was reported.
func (c *Catalog) Sum(r *expr.Ref, vals []weijian.DataValue) (expr.Value, error) {
	ds, el, err := c.refElement(r)
	if err != nil {
		return expr.Value{}, err
	}
	byPeriod := map[string]float64{}
	latest := ""
	for _, v := range vals {
		if v.DataSet != ds.Code || v.Element != el.Code || !passes(v.Combo, r.Filters) {
			continue
		}
		f, err := strconv.ParseFloat(v.Value, 64)
		if err != nil {
			return expr.Value{}, fmt.Errorf("stored value %q of %s: %w", v.Value, r.Name, err)
		}
		byPeriod[v.Period] += f
		if latestOf(ds, v.Period, latest) {
			latest = v.Period
		}
	}
	if len(byPeriod) == 0 {
		return expr.NoData("no value of " + r.Name + " reported"), nil
	}
	if el.Stock {
		return expr.Num(byPeriod[latest]), nil
	}
	// Added in period order: in map order the last digit of a sum of
	// fractions could differ from one run to the next.
	total := 0.0
	for _, p := range slices.Sorted(maps.Keys(byPeriod)) {
		total += byPeriod[p]
	}
	return expr.Num(total), nil
}

// RefDataSet returns the data set a #{set.element} reference reads.
func (c *Catalog) RefDataSet(r *expr.Ref) (*DataSet, error) {
	ds, _, err := c.refElement(r)
	return ds, err
}

// latestOf reports whether period p is later than cur ("" is earliest).
func latestOf(ds *DataSet, p, cur string) bool {
	if cur == "" {
		return true
	}
	a, errA := ds.ParsePeriod(p)
	b, errB := ds.ParsePeriod(cur)
	return errA == nil && errB == nil && a.Compare(b) > 0
}

// passes reports whether a combo key ("sex=F;age=65+") keeps every filter.
func passes(combo string, filters []expr.Filter) bool {
	if len(filters) == 0 {
		return true
	}
	opts := map[string]string{}
	for _, part := range strings.Split(combo, ";") {
		if k, v, ok := strings.Cut(part, "="); ok {
			opts[k] = v
		}
	}
	for _, f := range filters {
		if !contains(f.Values, opts[f.Dim]) {
			return false
		}
	}
	return true
}

// Rows implements expr.Resolver; persons and events are not aggregate
// data and are answered elsewhere.
func (rv *Resolver) Rows(ctx context.Context, function, source string, rule expr.Node, q expr.Query) (expr.Value, error) {
	return expr.Value{}, fmt.Errorf("%s(%s, …) is not aggregate data", function, source)
}

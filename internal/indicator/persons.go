package indicator

import (
	"context"
	"fmt"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/expr"
	"github.com/weijian-health/weijian/internal/period"
)

// Persons lists the persons behind a programme indicator's numerator
// (numerator=true) or denominator: those its first persons(…) or
// events(…) call selects, living under the unit (by its current path),
// ordered by village. For one option of a disaggregation (c.Disagg) it
// lists the persons of that sex or age band — the very persons the
// option's figure counts. Facts are the status values (or the event's) as
// text, with 末次 "last" the latest date.
func (e *Engine) Persons(ctx context.Context, sc weijian.Scope, c Cell, numerator bool, limit int) ([]PersonRow, error) {
	d := e.lib.Get(c.Indicator)
	if d == nil {
		return nil, weijian.NotFound(weijian.T("指标 "+c.Indicator, "indicator "+c.Indicator))
	}
	c, err := e.checkOption(c)
	if err != nil {
		return nil, err
	}
	v := d.VersionAt(c.Span.Start)
	num, den, err := e.lib.Formulas(d, v)
	if err != nil {
		return nil, err
	}
	n := num
	if !numerator {
		n = den
	}
	call := e.rowCall(n, c.Span.Start, 0)
	if call == nil {
		return nil, weijian.E(weijian.KindInvalid, weijian.T(d.Name.ZH+"不是按人计算的指标", d.Code+" does not count persons"))
	}
	r, err := e.newRun(ctx, sc, []Cell{c})
	if err != nil {
		return nil, err
	}
	source := call.Args[0].(*expr.String).Value
	q, err := r.rowQuery(call.Name, source, call.Args[1], c.Span, c.Disagg)
	if err != nil {
		return nil, err
	}
	rows, err := e.store.ListRows(ctx, q, r.units[c.OrgUnit].Path, limit)
	if err != nil {
		return nil, err
	}
	out := make([]PersonRow, len(rows))
	for i, row := range rows {
		out[i] = PersonRow{PersonID: row.PersonID, Facts: map[string]string{}}
		if ids := weijian.PathIDs(row.Path); len(ids) > 0 {
			if u := r.tree.byID[ids[len(ids)-1]]; u != nil {
				out[i].Village = u.Code
			}
		}
		for k, val := range row.Values {
			out[i].Facts[k] = fmt.Sprint(val)
		}
		if row.Last != (period.Date{}) {
			out[i].Facts["last"] = row.Last.String()
		}
	}
	return out, nil
}

// rowCall is the first persons(…) or events(…) call in n, or in the
// numerator of the first indicator n refers to (I{…}, in force on day),
// or nil.
func (e *Engine) rowCall(n expr.Node, day period.Date, depth int) *expr.Call {
	var found *expr.Call
	if n == nil || depth > 8 {
		return nil
	}
	expr.Walk(n, func(m expr.Node) bool {
		if c, ok := m.(*expr.Call); ok && found == nil && (c.Name == "persons" || c.Name == "events") {
			found = c
			return false
		}
		return found == nil
	})
	if found != nil {
		return found
	}
	for _, r := range expr.Refs(n) {
		if d := e.lib.Get(r.Name); r.Kind == expr.RefIndicator && d != nil {
			if num, _, err := e.lib.Formulas(d, d.VersionAt(day)); err == nil {
				return e.rowCall(num, day, depth+1)
			}
		}
	}
	return nil
}

// checkOption refuses an option that c's indicator cannot be divided by:
// a dimension it does not have, or an option not among its own (any age
// band is an option of an age disaggregation, since a request may name
// its bands).
func (e *Engine) checkOption(c Cell) (Cell, error) {
	o := c.Disagg
	if o.Dim == "" {
		return c, nil
	}
	opts, err := e.Options(c.Indicator, o.Dim, c.Span.Start)
	if err != nil {
		return c, err
	}
	for _, x := range opts {
		if x.Code == o.Option {
			return c, nil
		}
	}
	if o.Dim == "age" {
		if b, err := parseRequestBand(o.Option); err == nil {
			c.Disagg.Option = b.String() // "65-" as the filter reads it: "65+"
			return c, nil
		}
	}
	return c, weijian.Invalid(weijian.T(fmt.Sprintf("指标 %s 按“%s”分组没有选项 %q", c.Indicator, o.Dim, weijian.Clip(o.Option)),
		fmt.Sprintf("indicator %s has no option %q of %q", c.Indicator, weijian.Clip(o.Option), o.Dim)),
		weijian.Issue{Field: "option", Value: weijian.Clip(o.Option), Rule: "option",
			Msg: weijian.T("不是“"+o.Dim+"”的选项", "not an option of "+o.Dim)})
}

package indicator

import (
	"context"
	"regexp"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/report/check"
)

// CheckResolver gives the report checker (check.Resolver) the live value
// of a stated rate: the indicator is found by its name or one of its
// aliases (an exact match first, then a name that ends the stated one, as
// "筛查率" in "产前筛查率"); the period is a year ("2024"), a month
// ("2024-10": the year to its end) or a date ("2021-07-11": the year to
// that day, as 截至 means).
type CheckResolver struct {
	Eval    Evaluator
	Scope   weijian.Scope
	OrgUnit string // the unit when the query names none
}

var _ check.Resolver = (*CheckResolver)(nil)

// Resolve implements check.Resolver. It answers ok=false for an unknown
// or ambiguous name, a unit of another kind, a period it cannot read and
// a figure without data.
func (c *CheckResolver) Resolve(ctx context.Context, q check.Query) (check.Live, bool, error) {
	d := c.Match(q.Indicator, Unit(strings.TrimSpace(q.Unit)))
	unit := q.OrgUnit
	if unit == "" {
		unit = c.OrgUnit
	}
	span, ok := checkSpan(q.Period)
	if d == nil || unit == "" || !ok {
		return check.Live{}, false, nil
	}
	r, err := c.Eval.Eval(ctx, c.Scope, Cell{Indicator: d.Code, OrgUnit: unit, Span: span})
	if err != nil || r.NoData {
		return check.Live{}, false, err
	}
	return check.Live{Value: r.Value, Numerator: r.Numerator, Denominator: r.Denominator}, true, nil
}

// Match returns the one definition called name (by name or alias) whose
// unit is u ("" for any), or nil when there is none or more than one.
func (c *CheckResolver) Match(name string, u Unit) *Def {
	name = strings.TrimSpace(name)
	var exact, suffix []*Def
	for _, d := range c.Eval.Library().All() {
		if u != "" && d.Unit != u {
			continue
		}
		for _, n := range append([]string{d.Name.ZH}, d.Aliases...) {
			switch {
			case n == name:
				exact = appendOnce(exact, d)
			case len(n) >= len("筛查率") && strings.HasSuffix(name, n):
				suffix = appendOnce(suffix, d)
			}
		}
	}
	switch {
	case len(exact) == 1:
		return exact[0]
	case len(exact) == 0 && len(suffix) == 1:
		return suffix[0]
	}
	return nil
}

func appendOnce(ds []*Def, d *Def) []*Def {
	for _, x := range ds {
		if x == d {
			return ds
		}
	}
	return append(ds, d)
}

var monthRe = regexp.MustCompile(`^(\d{4})-(\d{2})$`)

// checkSpan reads the checker's period: a date (the year to that day), a
// month (the year to its end), or a period of internal/period.
func checkSpan(s string) (period.Span, bool) {
	if d, err := period.ParseDate(s); err == nil {
		return period.YearToDate(d), true
	}
	if monthRe.MatchString(s) {
		if p, err := period.Parse(s); err == nil {
			return period.YearToDate(p.End()), true
		}
	}
	if p, err := period.Parse(s); err == nil {
		return p.Span(), true
	}
	return period.Span{}, false
}

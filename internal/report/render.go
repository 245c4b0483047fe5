package report

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"
	"text/template"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/analytics"
	"github.com/weijian-health/weijian/internal/period"
)

// Params say which report to write.
type Params struct {
	OrgUnit string      // org unit code
	OUName  string      // its name; empty: the name the figures give, else the code
	Period  string      // period id (2024S1, 2024, 2024Q2, 202406)
	AsOf    string      // YYYY-MM-DD, optional: the figures are cut at it (截至)
	Today   period.Date // zero: the period's end is the default as-of date
}

// Data is what a template reads as "." ({{.OrgUnit}}, {{.Period}} …).
type Data struct {
	OrgUnit     string // 海安市
	OrgUnitCode string
	Period      string // 2024年上半年
	PeriodID    string // 2024S1
	Year        int    // 2024
	LastYear    int    // 2023
	NextYear    int    // 2025
	AsOf        string // 截至2024年6月30日
	Date        string // 2024年6月30日
	Month       int    // the as-of month
}

// ParsePeriod reads a period as internal/period does (2024H1, 2024-06,
// 2024年上半年 …) or in the DHIS2 forms people also type (2024S1, 202406).
func ParsePeriod(s string) (period.Period, error) {
	p, err := period.Parse(s)
	if err == nil {
		return p, nil
	}
	t := strings.TrimSpace(s)
	switch {
	case len(t) == 6 && (t[4] == 'S' || t[4] == 's') && (t[5] == '1' || t[5] == '2'):
		return period.Parse(t[:4] + "H" + t[5:])
	case len(t) == 6 && strings.Trim(t, "0123456789") == "":
		return period.Parse(t[:4] + "-" + t[4:])
	}
	return p, err
}

// periodTypeZH names the period types in messages.
var periodTypeZH = map[period.Type]string{period.Day: "日", period.Week: "周", period.Month: "月",
	period.Quarter: "季度", period.HalfYear: "半年", period.Year: "年"}

// run is the state of one rendering.
type run struct {
	ctx      context.Context
	t        *Template
	src      Sources
	p        Params
	pe       period.Period
	asOf     period.Date
	figPe    string      // the period id figures are asked for
	span     period.Span // the days the figures cover
	cells    map[cellKey]*analytics.Cell
	meta     map[string]analytics.Meta
	names    map[string]string // org unit code → name
	children []string          // the units below, in the grid's order
	figs     []*Figure
	cache    map[string]any  // surveillance and quality answers
	kids     map[string]bool // the indicators asked for by unit below
}

type cellKey struct{ ind, ou string }

// Render writes the report for p from src.
func (t *Template) Render(ctx context.Context, src Sources, p Params) (*Document, error) {
	if src.Figures == nil {
		return nil, weijian.E(weijian.KindInternal, weijian.T("报告没有指标数据来源", "the report has no source of figures"))
	}
	r, err := t.newRun(ctx, src, p)
	if err != nil {
		return nil, err
	}
	if err := r.prefetch(); err != nil {
		return nil, err
	}
	tm, err := t.tmpl.Clone()
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := tm.Funcs(r.funcs()).Execute(&out, r.data()); err != nil {
		return nil, r.execError(err)
	}
	d := &Document{Template: t.Name, OrgUnit: p.OrgUnit, OUName: r.ouName(p.OrgUnit), Period: period.Format(r.pe), AsOf: r.asOf.String(), Figures: r.figs}
	d.Blocks = parseMarkdown(out.String(), r.figs)
	for _, b := range d.Blocks {
		if b.Kind == Heading && b.Level == 1 {
			d.Title = plain(b.Text)
			break
		}
	}
	return d, nil
}

func (t *Template) newRun(ctx context.Context, src Sources, p Params) (*run, error) {
	pe, err := ParsePeriod(p.Period)
	if err != nil {
		return nil, weijian.Invalid(weijian.T("期间无效："+p.Period, "invalid period: "+p.Period))
	}
	if !t.AcceptsPeriod(pe) {
		var want, wantZH []string
		for _, pt := range t.PeriodTypes {
			want = append(want, pt.String())
			wantZH = append(wantZH, periodTypeZH[pt])
		}
		return nil, weijian.Invalid(weijian.T("“"+t.Title+"”按"+strings.Join(wantZH, "、")+"编写，"+p.Period+" 不是这类期间",
			t.Title+" is written for periods of type "+strings.Join(want, ", ")+", not "+p.Period))
	}
	asOf := pe.End()
	if !p.Today.IsZero() && p.Today.Before(asOf) {
		asOf = p.Today
	}
	if p.AsOf != "" {
		if asOf, err = period.ParseDate(p.AsOf); err != nil {
			return nil, weijian.Invalid(weijian.T("截至日期无效："+p.AsOf, "invalid as-of date: "+p.AsOf))
		}
	}
	if asOf.Before(pe.Start()) {
		return nil, weijian.Invalid(weijian.T("截至日期 "+asOf.String()+" 早于期间 "+p.Period+" 的开始", "the as-of date "+asOf.String()+" is before the period "+p.Period+" begins"))
	}
	if asOf.After(pe.End()) {
		asOf = pe.End()
	}
	r := &run{ctx: ctx, t: t, src: src, p: p, pe: pe, asOf: asOf, cells: map[cellKey]*analytics.Cell{},
		meta: map[string]analytics.Meta{}, names: map[string]string{}, cache: map[string]any{}, kids: map[string]bool{}}
	r.figPe, r.span = period.Format(pe), period.Span{Start: pe.Start(), End: asOf}
	if t.Span == SpanYTD {
		y := period.Of(period.Year, pe.Start())
		r.figPe, r.span = period.Format(y), period.Span{Start: y.Start(), End: asOf}
	}
	return r, nil
}

// prefetch asks for the indicators shown by unit (tables, rankings) in
// one grid of the units below (which has the unit itself too) and for the
// others in one grid of the unit; the drafted problems ask later for the
// units below of the indicators that lag, in one more grid.
func (r *run) prefetch() error {
	if err := r.ensureChildren(r.t.unitCodes); err != nil { // the unit itself comes with its children
		return err
	}
	var rest []string
	for _, c := range r.t.codes {
		if !r.kids[c] {
			rest = append(rest, c)
		}
	}
	if len(rest) == 0 {
		return nil
	}
	return r.grid(rest, analytics.OUSelf)
}

func (r *run) grid(codes []string, mode analytics.OUMode) error {
	req := analytics.Request{Indicators: codes, OrgUnit: r.p.OrgUnit, OUMode: mode, Periods: []string{r.figPe}, AsOf: r.asOf.String()}
	resp, err := r.src.Figures.Grid(r.ctx, req)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for i := range resp.Cells {
		c := &resp.Cells[i]
		if c.Option != "" {
			continue
		}
		r.cells[cellKey{c.Indicator, c.OrgUnit}] = c
		if mode == analytics.OUChildren && c.OrgUnit != r.p.OrgUnit && !seen[c.OrgUnit] {
			seen[c.OrgUnit] = true
			if !contains(r.children, c.OrgUnit) {
				r.children = append(r.children, c.OrgUnit)
			}
		}
	}
	for k, v := range resp.Indicators {
		r.meta[k] = v
	}
	for k, v := range resp.OrgUnits {
		r.names[k] = v
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// cell returns the figure of code at ou, asking for it if the prefetch
// did not (a code reached through a variable).
func (r *run) cell(code, ou string) (*analytics.Cell, error) {
	if r.t.lib.Get(code) == nil {
		return nil, errors.New("unknown indicator " + strconv.Quote(code))
	}
	if c, ok := r.cells[cellKey{code, ou}]; ok {
		return c, nil
	}
	mode := analytics.OUSelf
	if ou != r.p.OrgUnit {
		mode = analytics.OUChildren
	}
	if err := r.grid([]string{code}, mode); err != nil {
		return nil, err
	}
	if c, ok := r.cells[cellKey{code, ou}]; ok {
		return c, nil
	}
	return &analytics.Cell{Indicator: code, OrgUnit: ou, Period: r.figPe, NoData: true, Why: "no figure"}, nil
}

func (r *run) ouName(code string) string {
	if code == r.p.OrgUnit && r.p.OUName != "" {
		return r.p.OUName
	}
	if n := r.names[code]; n != "" {
		return n
	}
	return code
}

func (r *run) data() Data {
	return Data{
		OrgUnit: r.ouName(r.p.OrgUnit), OrgUnitCode: r.p.OrgUnit,
		Period: r.pe.Label("zh"), PeriodID: period.Format(r.pe),
		Year: r.pe.Year(), LastYear: r.pe.Year() - 1, NextYear: r.pe.Year() + 1,
		AsOf: period.AsOfLabel(r.asOf, "zh"), Date: r.asOf.Label("zh"), Month: int(r.asOf.Month),
	}
}

// execError turns an error of the template's execution into an Error
// with the place of the action that failed; errors of the sources pass
// through.
func (r *run) execError(err error) error {
	var xe template.ExecError
	if !errors.As(err, &xe) {
		return err
	}
	if inner := errors.Unwrap(xe.Err); inner != nil {
		var we *weijian.Error
		if errors.As(inner, &we) {
			return inner
		}
	}
	msg := xe.Error()
	e := &Error{File: r.t.File, Msg: weijian.T(msg, msg)}
	if m := parseErrRE.FindStringSubmatch(msg); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		e.Col, _ = strconv.Atoi(m[2])
		e.Msg = weijian.T(m[3], m[3])
	}
	return asInvalid(e)
}

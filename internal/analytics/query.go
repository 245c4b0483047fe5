package analytics

import (
	"context"
	"sort"
	"strconv"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/expr"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
)

// slot is one cell of the grid and where its figures are in the batch
// sent to the evaluator (-1: not asked).
type slot struct {
	def            *indicator.Def
	unit           *weijian.OrgUnit
	pe             period.Period
	opt            indicator.Disagg // the option of a disaggregated grid
	span           period.Span      // the period, cut at AsOf
	main, yoy, mom int
}

// batch collects the evaluator's cells, each asked once.
type batch struct {
	cells []indicator.Cell
	index map[indicator.Cell]int
}

func (b *batch) add(c indicator.Cell) int {
	if c.Span.IsEmpty() {
		return -1
	}
	if i, ok := b.index[c]; ok {
		return i
	}
	b.index[c] = len(b.cells)
	b.cells = append(b.cells, c)
	return len(b.cells) - 1
}

// Query answers req within sc: one EvalMany call for the whole grid, its
// 同比 and its 环比.
func (s *Service) Query(ctx context.Context, sc weijian.Scope, req Request) (*Response, error) {
	p, err := s.check(ctx, sc, req)
	if err != nil {
		return nil, err
	}
	slots, b := layout(p)
	results, err := s.Eval.EvalMany(ctx, sc, b.cells)
	if err != nil {
		return nil, disaggParam(err)
	}
	targets, err := s.targets(ctx, sc, p)
	if err != nil {
		return nil, err
	}
	resp := &Response{Indicators: map[string]Meta{}, OrgUnits: map[string]string{}, Periods: map[string]string{},
		AsOf: p.asOf.String()}
	for _, d := range p.defs {
		resp.Indicators[d.Code] = Meta{Name: d.Name.In(p.lang), Unit: string(d.Unit), Higher: d.Higher}
	}
	for _, u := range p.units {
		resp.OrgUnits[u.Code] = u.Name
	}
	for _, pe := range p.periods {
		resp.Periods[period.Format(pe)] = periodLabel(pe, p.asOf, p.lang)
	}
	if p.dim != "" {
		resp.Disagg, resp.Options = p.dim, map[string]string{}
		if p.bands != nil {
			resp.Bands = indicator.BandsSpec(p.bands)
		}
		for _, opts := range p.opts {
			for _, o := range opts {
				resp.Options[o.Code] = o.Name.In(p.lang)
			}
		}
	}
	resp.Cells = make([]Cell, len(slots))
	for i, sl := range slots {
		resp.Cells[i] = s.cell(p, sl, results, targets)
	}
	rank(resp.Cells, resp.Indicators, p.rankSkip)
	return resp, nil
}

// layout lays the grid out indicator by indicator, unit by unit, period
// by period (option by option when disaggregated), and batches its cells
// with their 同比 and 环比 spans.
func layout(p *plan) ([]slot, *batch) {
	b := &batch{index: map[indicator.Cell]int{}}
	var slots []slot
	for _, d := range p.defs {
		opts := []indicator.Disagg{{}}
		if p.dim != "" {
			opts = opts[:0]
			for _, o := range p.opts[d.Code] {
				opts = append(opts, indicator.Disagg{Dim: p.dim, Option: o.Code})
			}
		}
		for _, u := range p.units {
			for _, pe := range p.periods {
				for _, opt := range opts {
					span := cut(pe, p.asOf)
					sl := slot{def: d, unit: u, pe: pe, span: span, opt: opt}
					cell := func(sp period.Span) indicator.Cell {
						return indicator.Cell{Indicator: d.Code, OrgUnit: u.Code, Span: sp, Disagg: opt}
					}
					sl.main, sl.yoy, sl.mom = b.add(cell(span)), b.add(cell(YearEarlier(span))), b.add(cell(Previous(pe, span)))
					slots = append(slots, sl)
				}
			}
		}
	}
	return slots, b
}

// cut is the period's span up to asOf (empty when it starts later).
func cut(pe period.Period, asOf period.Date) period.Span {
	sp := pe.Span()
	if asOf.Before(sp.End) {
		sp.End = asOf
	}
	return sp
}

// YearEarlier is the same span one year earlier (29 February becomes 28
// February): the base of 同比.
func YearEarlier(sp period.Span) period.Span {
	if sp.IsEmpty() {
		return sp
	}
	back := func(d period.Date) period.Date {
		if d.Month == time.February && d.Day == 29 {
			d.Day = 28
		}
		d.Year--
		return d
	}
	return period.Span{Start: back(sp.Start), End: back(sp.End)}
}

// Previous is the previous period of pe's type, cut to as many days as sp
// holds when sp is pe cut at an as-of date: the base of 环比. For 2024-06
// cut at 15 June it is 1–15 May; for the whole of 2024Q2 it is 2024Q1.
func Previous(pe period.Period, sp period.Span) period.Span {
	if sp.IsEmpty() {
		return sp
	}
	prev := pe.Prev()
	out := prev.Span()
	if sp.End.Before(pe.End()) {
		if end := prev.Start().AddDays(sp.NumDays() - 1); end.Before(out.End) {
			out.End = end
		}
	}
	return out
}

// periodLabel names a period, saying where it is cut.
func periodLabel(pe period.Period, asOf period.Date, lang string) string {
	l := pe.Label(lang)
	if asOf.Before(pe.End()) && !asOf.Before(pe.Start()) {
		if lang == "en" {
			return l + " (" + period.AsOfLabel(asOf, lang) + ")"
		}
		return l + "（" + period.AsOfLabel(asOf, lang) + "）"
	}
	return l
}

// tkey names a target.
type tkey struct {
	indicator, unit string
	year            int
}

// targets reads the targets of the grid's indicators, units and years.
func (s *Service) targets(ctx context.Context, sc weijian.Scope, p *plan) (map[tkey]float64, error) {
	f := weijian.TargetFilter{}
	for _, d := range p.defs {
		f.Indicators = append(f.Indicators, d.Code)
	}
	for _, u := range p.units {
		f.UnitCodes = append(f.UnitCodes, u.Code)
	}
	years := map[int]bool{}
	for _, pe := range p.periods {
		years[pe.Year()] = true
	}
	if len(years) == 1 {
		f.Year = p.periods[0].Year()
	}
	rows, err := s.Store.Targets(ctx, sc, f)
	if err != nil {
		return nil, err
	}
	out := make(map[tkey]float64, len(rows))
	for _, t := range rows {
		out[tkey{t.Indicator, t.UnitCode, t.Year}] = t.Value
	}
	return out, nil
}

// cell composes one cell from the evaluator's results and the targets.
func (s *Service) cell(p *plan, sl slot, res []indicator.Result, targets map[tkey]float64) Cell {
	c := Cell{Indicator: sl.def.Code, OrgUnit: sl.unit.Code, Period: period.Format(sl.pe), Option: sl.opt.Option}
	if sl.main < 0 {
		c.NoData, c.Why = true, weijian.T("该期间在截止日期之后", "the period starts after the as-of date").In(p.lang)
		return c
	}
	r := res[sl.main]
	c.Coverage = r.Coverage
	if r.NoData {
		c.NoData, c.Why = true, r.Why
	} else {
		c.Numerator, c.Raw = ptr(r.Numerator), ptr(r.Value)
		if r.HasDen {
			c.Denominator = ptr(r.Denominator)
		}
		c.Value = FormatValue(r.Rounded(sl.def.Unit, 2), sl.def.Unit)
	}
	if sl.yoy >= 0 && !res[sl.yoy].NoData {
		c.YoY = ptr(res[sl.yoy].Value)
	}
	if sl.mom >= 0 && !res[sl.mom].NoData {
		c.MoM = ptr(res[sl.mom].Value)
	}
	year := sl.pe.Year()
	target, ok := targets[tkey{sl.def.Code, sl.unit.Code, year}]
	if !ok || sl.span.Start != period.NewDate(year, time.January, 1) || sl.opt.Dim != "" {
		// targets are set for the whole, not for one sex or age band
		return c
	}
	c.Target = ptr(target)
	if c.NoData || target <= 0 {
		return c
	}
	done := r.Value / target * 100
	c.Completion = &done
	if !sl.def.Higher || !Cumulative(sl.def.Unit) {
		return c // a rate is compared with its 目标值, not with the time elapsed
	}
	yearPe := period.Of(period.Year, sl.span.Start)
	pace := s.pacer(p, sl.def.Code).Pace(yearPe, sl.span.End) * 100
	gap := done - pace
	c.Pace, c.PaceGap = &pace, &gap
	c.PaceFlag = s.flag(gap)
	return c
}

// Cumulative reports whether an indicator's figure grows through the
// year towards an annual task — a count or an amount — so that it is
// read against the pace; a rate is read against its 目标值 alone.
func Cumulative(u indicator.Unit) bool { return u == indicator.Count || u == indicator.Amount }

// pacer is the request's pace convention, or the indicator's, or ByDays.
func (s *Service) pacer(p *plan, code string) period.Pacer {
	if p.pacer != nil {
		return p.pacer
	}
	if pc, ok := s.Pacers[code]; ok {
		return pc
	}
	return period.ByDays{}
}

// flag reads a gap between completion and pace.
func (s *Service) flag(gap float64) string {
	tol := s.Tolerance
	if tol <= 0 {
		tol = DefaultTolerance
	}
	switch {
	case gap > tol:
		return Ahead
	case gap < -tol:
		return Behind
	}
	return OnPace
}

func ptr(x float64) *float64 { return &x }

// FormatValue rounds half up to two decimals as Chinese reports print
// figures ("88.51"); a count or an amount that is whole prints without
// decimals ("1401"). A cell's value is rounded exactly from its numerator
// and denominator first (indicator.Result.Rounded).
func FormatValue(x float64, u indicator.Unit) string {
	r := expr.RoundHalfUp(x, 2)
	if (u == indicator.Count || u == indicator.Amount) && r == float64(int64(r)) {
		return strconv.FormatInt(int64(r), 10)
	}
	return strconv.FormatFloat(r, 'f', 2, 64)
}

// rank ranks the units of each indicator, period and option: by 完成率
// when every unit with a figure has one, by value otherwise; best first
// as the indicator's Higher says; equal figures share a rank (1, 1, 3).
// The parent of a children grid (skip) is not ranked among them, and a
// unit alone is not ranked.
func rank(cells []Cell, metas map[string]Meta, skip string) {
	type group struct{ ind, pe, opt string }
	groups := map[group][]int{}
	for i, c := range cells {
		if !c.NoData && c.OrgUnit != skip {
			g := group{c.Indicator, c.Period, c.Option}
			groups[g] = append(groups[g], i)
		}
	}
	for g, idx := range groups {
		if len(idx) < 2 {
			continue
		}
		byCompletion := true
		for _, i := range idx {
			byCompletion = byCompletion && cells[i].Completion != nil
		}
		key := func(i int) float64 {
			if byCompletion {
				return *cells[i].Completion
			}
			return *cells[i].Raw
		}
		higher := metas[g.ind].Higher
		sort.SliceStable(idx, func(a, b int) bool {
			if higher {
				return key(idx[a]) > key(idx[b])
			}
			return key(idx[a]) < key(idx[b])
		})
		for n, i := range idx {
			cells[i].Rank = n + 1
			if n > 0 && key(i) == key(idx[n-1]) {
				cells[i].Rank = cells[idx[n-1]].Rank
			}
		}
	}
}

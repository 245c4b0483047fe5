package analytics

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
)

// PersonsRequest asks for the persons behind one figure of a grid: an
// indicator at one unit over one period (cut at AsOf), its numerator,
// its denominator or the gap between them, for the total or for one
// option of a disaggregation — the parameters of the cell as Query was
// asked for it (Disagg as Request.Disagg, Option as Cell.Option).
type PersonsRequest struct {
	Indicator string
	OrgUnit   string
	Period    string // default: the year of AsOf
	AsOf      string
	Side      string // SideNum (default), SideDen or SideGap
	Disagg    string // "", sex, age, age:0-6,7-17,65- …
	Option    string // required with Disagg
	Lang      string
}

// The sides of a figure whose persons can be listed.
const (
	SideNum = "num" // counted in the numerator
	SideDen = "den" // counted in the denominator
	SideGap = "gap" // in the denominator but not the numerator (未达标: to follow up)
)

// PersonsCap is the most persons a list holds (a village has a few
// hundred; a county tens of thousands, which no one reads as a list).
const PersonsCap = 5000

// PersonsList is the persons behind a figure, as ids and the facts a
// list shows; masking them is the caller's job.
type PersonsList struct {
	Def    *indicator.Def
	Unit   *weijian.OrgUnit
	Period string
	Span   period.Span
	AsOf   period.Date
	Side   string
	Dim    string                 // the dimension ("" for the total)
	Option indicator.DisaggOption // the option, named
	Rows   []indicator.PersonRow
	Capped bool // more than PersonsCap: the list stops there
}

// Persons lists the persons behind the figure req names: figures is the
// scope of the user's indicator figures (the unit must lie in it),
// residents that of the residents they may see (the engine's list; the
// caller still reads each person through it). The option's persons are
// exactly those its figure counts — same span, same sex or age band
// (age on the span's last day) — so the lists of the options add up to
// the option's numerators.
func (s *Service) Persons(ctx context.Context, figures, residents weijian.Scope, req PersonsRequest) (*PersonsList, error) {
	l, c, err := s.personsCell(ctx, figures, req)
	if err != nil {
		return nil, err
	}
	rows, err := s.Eval.Persons(ctx, residents, c, l.Side == SideNum, PersonsCap+1)
	if err != nil {
		return nil, disaggParam(err)
	}
	l.Capped = len(rows) > PersonsCap
	if l.Side != SideGap {
		l.Rows = rows[:min(len(rows), PersonsCap)]
		return l, nil
	}
	num, err := s.Eval.Persons(ctx, residents, c, true, 2*PersonsCap)
	if err != nil {
		return nil, err
	}
	counted := make(map[int64]bool, len(num))
	for _, p := range num {
		counted[p.PersonID] = true
	}
	for _, p := range rows {
		if !counted[p.PersonID] && len(l.Rows) < PersonsCap {
			l.Rows = append(l.Rows, p)
		}
	}
	return l, nil
}

// personsCell checks req and makes the cell whose persons it asks for.
func (s *Service) personsCell(ctx context.Context, figures weijian.Scope, req PersonsRequest) (*PersonsList, indicator.Cell, error) {
	var c indicator.Cell
	l := &PersonsList{Side: cmp.Or(strings.TrimSpace(req.Side), SideNum)}
	if !slices.Contains([]string{SideNum, SideDen, SideGap}, l.Side) {
		return nil, c, badParam("side", req.Side, weijian.T("应为 num（分子）、den（分母）或 gap（未达标）", "use num, den or gap"))
	}
	if l.Def = s.Eval.Library().Get(strings.TrimSpace(req.Indicator)); l.Def == nil {
		return nil, c, badParam("ind", req.Indicator, weijian.T("指标库中没有指标 "+weijian.Clip(req.Indicator), "no indicator "+weijian.Clip(req.Indicator)+" in the library"))
	}
	if l.Def.Programme == "" {
		return nil, c, badParam("ind", req.Indicator, weijian.T(l.Def.Name.ZH+"不是按人计算的指标，没有人员名单", l.Def.Code+" does not count persons: there is no list of them"))
	}
	var err error
	if l.AsOf, err = s.asOf(req.AsOf); err != nil {
		return nil, c, err
	}
	pes, err := parsePeriods(splitNonEmpty(req.Period), l.AsOf)
	if err != nil {
		return nil, c, err
	}
	if len(pes) != 1 {
		return nil, c, badParam("pe", req.Period, weijian.T("只能给一个期间", "give one period"))
	}
	l.Period, l.Span = period.Format(pes[0]), cut(pes[0], l.AsOf)
	if l.Span.IsEmpty() {
		return nil, c, badParam("pe", req.Period, weijian.T("期间在截至日期之后开始", "the period starts after asOf"))
	}
	units, err := s.units(ctx, figures, Request{OrgUnit: req.OrgUnit, OUMode: OUSelf})
	if err != nil {
		return nil, c, err
	}
	l.Unit = units[0]
	c = indicator.Cell{Indicator: l.Def.Code, OrgUnit: l.Unit.Code, Span: l.Span}
	if err := s.personsOption(l, &c, req); err != nil {
		return nil, c, err
	}
	return l, c, nil
}

// personsOption sets the option of a disaggregated list: it must be one
// of the options of req.Disagg (as Query gives them), or, for age, any
// band.
func (s *Service) personsOption(l *PersonsList, c *indicator.Cell, req PersonsRequest) error {
	spec, opt := strings.TrimSpace(req.Disagg), strings.TrimSpace(req.Option)
	if spec == "" {
		if opt != "" {
			return badParam("option", opt, weijian.T("给出 option 时须同时给出 disagg", "option needs disagg"))
		}
		return nil
	}
	dg, ok := s.Eval.(indicator.Disaggregator)
	if !ok {
		return badParam("disagg", spec, weijian.T("不支持分组", "disaggregation is not available"))
	}
	opts, err := dg.Options(l.Def.Code, spec, l.Span.Start)
	if err != nil {
		return badParam("disagg", spec, weijian.T(weijian.ErrorMessage(err, "zh"), weijian.ErrorMessage(err, "en")))
	}
	l.Dim, _, _ = indicator.ParseDim(spec)
	for _, o := range opts {
		if o.Code == opt {
			l.Option, c.Disagg = o, indicator.Disagg{Dim: l.Dim, Option: o.Code}
			return nil
		}
	}
	if l.Dim == "age" {
		if b, err := indicator.ParseAgeBands(opt); err == nil && len(b) == 1 {
			l.Option = indicator.DisaggOption{Code: b[0].String(), Name: weijian.T(b[0].Label("zh"), b[0].Label("en"))}
			c.Disagg = indicator.Disagg{Dim: l.Dim, Option: l.Option.Code}
			return nil
		}
	}
	codes := make([]string, len(opts))
	for i, o := range opts {
		codes[i] = o.Code
	}
	return badParam("option", opt, weijian.T("应为 "+strings.Join(codes, "、")+" 之一", "use one of "+strings.Join(codes, ", ")))
}

// disaggParam turns the engine's refusal of an age band that cuts a
// stored band into an error of the disagg parameter; other errors pass.
func disaggParam(err error) error {
	var we *weijian.Error
	if errors.As(err, &we) && len(we.Issues) == 1 && we.Issues[0].Rule == "age_band_cut" {
		is := we.Issues[0]
		return weijian.Invalid(weijian.T("参数 disagg 有误："+we.Msg.ZH, "parameter disagg: "+we.Msg.EN), is)
	}
	return err
}

func splitNonEmpty(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return []string{s}
}

package analytics

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
)

// Store is what the service reads and writes besides the indicators: the
// org-unit tree, targets and population (for allocation by population
// share). *sqlstore.Store implements it.
type Store interface {
	OrgUnit(ctx context.Context, sc weijian.Scope, code string) (*weijian.OrgUnit, error)
	Children(ctx context.Context, sc weijian.Scope, code string) ([]*weijian.OrgUnit, error)
	Subtree(ctx context.Context, sc weijian.Scope, code string, includeClosed bool) ([]*weijian.OrgUnit, error)
	PopulationRows(ctx context.Context, sc weijian.Scope, code string, year int) ([]weijian.PopulationRow, error)
	weijian.TargetStore
}

// Service answers grids of indicators × org units × periods.
//
// Choices (documented in docs/design.md, "Analytics"):
//   - 完成率 (Completion) is the cell's value over the year's target × 100,
//     for a count (the count against its 任务数) and for a rate alike (the
//     rate against its 目标值, both in the indicator's unit). It is given
//     only for periods that start on 1 January (the year, H1, Q1, January,
//     or any of them cut at AsOf): a figure from April on is not progress
//     towards the annual target.
//   - Pace is the 序时进度 of the target year as of the cell's last day
//     (AsOf, or the period's end when that is earlier), by the indicator's
//     Pacer (period.ByDays unless Pacers or Request.Pace says otherwise),
//     for counts and amounts where higher is better (Cumulative): figures
//     that grow through the year towards a task. A rate gets its 完成率
//     against its 目标值 but no pace or flag.
//   - PaceFlag: ahead (超序时) when Completion − Pace > Tolerance
//     percentage points, behind (慢序时) when it is < −Tolerance, on
//     (达序时) otherwise. Tolerance defaults to 1 percentage point.
type Service struct {
	Eval  indicator.Evaluator
	Store Store
	// Pacers sets the pace convention of an indicator by code (a monthly
	// curve for seasonal work); the default is period.ByDays.
	Pacers map[string]period.Pacer
	// Tolerance is the half-width, in percentage points, of the band of
	// completion around pace that counts as 达序时; 0 means DefaultTolerance.
	Tolerance float64
	// Now gives today (in China) when a request has no AsOf; nil: time.Now.
	Now func() time.Time
}

// DefaultTolerance is the band, in percentage points, within which a
// completion rate is 达序时 (on pace).
const DefaultTolerance = 1.0

// Pace flags.
const (
	Ahead  = "ahead"  // 超序时
	OnPace = "on"     // 达序时
	Behind = "behind" // 慢序时
)

// FlagLabel is the Chinese (or English) word of a pace flag.
func FlagLabel(flag, lang string) string {
	zh, en := map[string]string{Ahead: "超序时", OnPace: "达序时", Behind: "慢序时"}, map[string]string{Ahead: "ahead of pace", OnPace: "on pace", Behind: "behind pace"}
	if lang == "en" {
		return en[flag]
	}
	return zh[flag]
}

var china = time.FixedZone("CST", 8*3600)

// badParam is the error of a request parameter, named as the HTTP API
// names it (ind, ou, ouMode, level, pe, asOf, disagg, pace).
func badParam(param, value string, msg weijian.Text) error {
	return weijian.Invalid(weijian.T("参数 "+param+" 有误："+msg.ZH, "parameter "+param+": "+msg.EN),
		weijian.Issue{Field: param, Value: weijian.Clip(value), Rule: "param", Msg: msg})
}

// plan is a checked request.
type plan struct {
	defs    []*indicator.Def
	units   []*weijian.OrgUnit
	periods []period.Period
	asOf    period.Date
	pacer   period.Pacer // from the request; nil: per indicator
	// rankSkip is the parent unit of a children grid, not ranked among them.
	rankSkip string
	lang     string
	// dim is the disaggregation asked ("" none), bands the age bands it
	// names (nil: the default); opts the options of each indicator by code.
	dim   string
	bands []weijian.AgeBand
	opts  map[string][]indicator.DisaggOption
}

// disaggOptions finds the options of dim for every indicator asked (the
// version in force at the first period's start), or says which indicator
// cannot be disaggregated by it. dim may name age bands
// (age:0-6,7-17,18-64,65-, indicator.ParseDim).
func (s *Service) disaggOptions(p *plan, spec string) error {
	if spec == "" {
		return nil
	}
	dim, bands, err := indicator.ParseDim(spec)
	if err != nil {
		return badParam("disagg", spec, weijian.T(weijian.ErrorMessage(err, "zh"), weijian.ErrorMessage(err, "en")))
	}
	dg, ok := s.Eval.(indicator.Disaggregator)
	p.dim, p.bands, p.opts = dim, bands, map[string][]indicator.DisaggOption{}
	for _, d := range p.defs {
		if !ok {
			return badParam("disagg", dim, weijian.T(fmt.Sprintf("指标 %s 不支持按“%s”分组", d.Code, dim),
				fmt.Sprintf("indicator %s cannot be disaggregated by %q", d.Code, dim)))
		}
		opts, err := dg.Options(d.Code, spec, p.periods[0].Start())
		if err != nil {
			msg := weijian.T(weijian.ErrorMessage(err, "zh"), weijian.ErrorMessage(err, "en"))
			return badParam("disagg", spec, msg)
		}
		p.opts[d.Code] = opts
	}
	return nil
}

// check validates the request and resolves its units and periods.
func (s *Service) check(ctx context.Context, sc weijian.Scope, req Request) (*plan, error) {
	p := &plan{lang: req.Lang}
	if len(req.Indicators) == 0 {
		return nil, badParam("ind", "", weijian.T("至少需要一个指标代码", "give at least one indicator code"))
	}
	lib := s.Eval.Library()
	for _, code := range req.Indicators {
		d := lib.Get(code)
		if d == nil {
			return nil, badParam("ind", code, weijian.T("指标库中没有指标 "+code, "no indicator "+code+" in the library"))
		}
		p.defs = append(p.defs, d)
	}
	var err error
	if p.asOf, err = s.asOf(req.AsOf); err != nil {
		return nil, err
	}
	if p.periods, err = parsePeriods(req.Periods, p.asOf); err != nil {
		return nil, err
	}
	if err := s.disaggOptions(p, strings.TrimSpace(req.Disagg)); err != nil {
		return nil, err
	}
	if p.pacer, err = ParsePace(req.Pace); err != nil {
		return nil, err
	}
	if p.units, err = s.units(ctx, sc, req); err != nil {
		return nil, err
	}
	if req.OUMode == OUChildren {
		p.rankSkip = req.OrgUnit
	}
	return p, nil
}

// asOf parses the request's date, or gives today in China.
func (s *Service) asOf(text string) (period.Date, error) {
	if text == "" {
		now := time.Now
		if s.Now != nil {
			now = s.Now
		}
		return period.DateOf(now().In(china)), nil
	}
	d, err := period.ParseDate(text)
	if err != nil {
		return d, badParam("asOf", text, weijian.T("日期应写作 YYYY-MM-DD，如 2024-06-30", "write a date as YYYY-MM-DD, e.g. 2024-06-30"))
	}
	return d, nil
}

// parsePeriods parses the period ids; without any, the year of asOf.
func parsePeriods(ids []string, asOf period.Date) ([]period.Period, error) {
	if len(ids) == 0 {
		return []period.Period{period.Of(period.Year, asOf)}, nil
	}
	var out []period.Period
	for _, id := range ids {
		p, err := period.Parse(strings.TrimSpace(id))
		if err != nil {
			// period.ParseError speaks English only: without this its
			// Chinese message was the generic "internal error".
			return nil, badParam("pe", id, weijian.T("无法识别的期间“"+id+"”；可用写法：2024、2024H1、2024Q2、2024-06、2024W23、"+
				"2024-06-30、2024年、2024年上半年、2024年第二季度、2024年6月、2024年第23周、2024年6月30日", err.Error()))
		}
		out = append(out, p)
	}
	return out, nil
}

// ParsePace reads a pace convention: "days" (period.ByDays), "months"
// (period.ByMonths), or twelve comma-separated monthly weights (a
// period.Curve); "" gives nil (the indicator's own).
func ParsePace(s string) (period.Pacer, error) {
	switch strings.TrimSpace(s) {
	case "":
		return nil, nil
	case "days":
		return period.ByDays{}, nil
	case "months":
		return period.ByMonths{}, nil
	}
	parts := strings.Split(s, ",")
	var w [12]float64
	bad := badParam("pace", s, weijian.T("应为 days、months 或 12 个逗号分隔的月权重", "use days, months or 12 comma-separated monthly weights"))
	if len(parts) != 12 {
		return nil, bad
	}
	for i, x := range parts {
		if _, err := fmt.Sscanf(strings.TrimSpace(x), "%g", &w[i]); err != nil {
			return nil, bad
		}
	}
	c, err := period.NewCurve(w)
	if err != nil {
		return nil, bad
	}
	return c, nil
}

// units resolves the request's org units within sc: only units whose data
// sc covers.
func (s *Service) units(ctx context.Context, sc weijian.Scope, req Request) ([]*weijian.OrgUnit, error) {
	if strings.TrimSpace(req.OrgUnit) == "" {
		return nil, badParam("ou", "", weijian.T("需要机构代码", "give an org unit code"))
	}
	root, err := s.Store.OrgUnit(ctx, sc, req.OrgUnit)
	if weijian.ErrorKind(err) == weijian.KindNotFound {
		return nil, badParam("ou", req.OrgUnit, weijian.T("没有该机构，或不在您的范围内", "no such org unit in your scope"))
	} else if err != nil {
		return nil, err
	}
	var all []*weijian.OrgUnit
	switch req.OUMode {
	case OUSelf, "":
		all = []*weijian.OrgUnit{root}
	case OUChildren:
		kids, err := s.Store.Children(ctx, sc, root.Code)
		if err != nil {
			return nil, err
		}
		all = append([]*weijian.OrgUnit{root}, areas(kids)...)
	case OULevel:
		if req.Level == "" {
			return nil, badParam("level", "", weijian.T("ouMode=level 需要 level（如 town、village）", "ouMode=level needs level (town, village …)"))
		}
		sub, err := s.Store.Subtree(ctx, sc, root.Code, false)
		if err != nil {
			return nil, err
		}
		for _, u := range sub {
			if u.Level == req.Level {
				all = append(all, u)
			}
		}
	default:
		return nil, badParam("ouMode", string(req.OUMode), weijian.T("应为 self、children 或 level", "use self, children or level"))
	}
	var out []*weijian.OrgUnit
	for _, u := range all {
		if sc.Covers(u.Path) {
			out = append(out, u)
		}
	}
	if len(out) == 0 {
		return nil, weijian.E(weijian.KindForbidden, weijian.T("所选机构不在您的数据范围内："+req.OrgUnit, "the units asked for are outside your scope: "+req.OrgUnit))
	}
	return out, nil
}

// areas keeps the areas of a child list (the facilities under a unit are
// not part of a roll-up by the tree's areas).
func areas(units []*weijian.OrgUnit) []*weijian.OrgUnit {
	var out []*weijian.OrgUnit
	for _, u := range units {
		if !u.IsFacility() {
			out = append(out, u)
		}
	}
	return out
}

// Backend is a store that serves both the engine and the service
// (*sqlstore.Store).
type Backend interface {
	Store
	indicator.Store
}

// NewLive returns the service over the built-in indicator library
// (metadata/indicators) and the live engine on st.
func NewLive(st Backend) (*Service, error) {
	eng, err := indicator.NewBuiltinEngine(st)
	if err != nil {
		return nil, err
	}
	return &Service{Eval: eng, Store: st}, nil
}

package web

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/analytics"
	"github.com/weijian-health/weijian/internal/expr"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
)

// The dashboards (看板): a unit's key indicators against target and pace,
// one indicator by the units below, its monthly trend beside last year,
// the lagging units, and the drill-down to the persons counted
// (dash_persons.go). Figures come from the analytics service; the web
// layer only lays them out.

// dashPage is the dashboard of a unit, focused on one indicator.
type dashPage struct {
	basePage
	Dash *dashView
}

// dashView is the body of a dashboard; the home page shows it too.
type dashView struct {
	Unit        *weijian.OrgUnit
	Ancestors   []*weijian.OrgUnit // from the user's home unit down to Unit's parent
	AsOf        string             // YYYY-MM-DD
	AsOfLabel   string             // 截至2026年12月7日
	Year        int
	Groups      []workListTab // the catalogue groups of the key indicators
	KPIs        []kpiRow
	Focus       *kpiRow // the indicator the lower panels show
	FocusDef    *indicator.Def
	Children    []kpiRow     // Focus at each unit below Unit, best first
	Lagging     []kpiRow     // the children flagged 慢序时, furthest behind first (at most laggingShown)
	LaggingMore int          // further lagging children, in the table below
	Chart       string       // Focus by child unit, JSON
	ChartH      int          // pixels
	Trend       string       // Focus by month with last year, JSON
	DisaggBy    []disaggLink // the dimensions Focus can be divided by (?by=)
	Disagg      *disaggTable // Focus at Unit by the dimension asked
	Persons     bool         // Focus counts persons: the drill-down to them is offered
	Leaf        bool         // Unit has no areas below it
	Export      exportLinks
	KidExport   exportLinks
}

// kpiRow is one indicator at one unit, formatted for a table.
type kpiRow struct {
	Code, Name  string
	OrgUnit     string // code
	OrgName     string
	Option      string // the disaggregation option of the cell ("" for the total)
	Value       string // "88.51%", "" when NoData
	NoData      bool
	Why         string
	Num, Den    string
	Target      string
	Completion  string // "95.83%"
	Pace        string
	Flag        string // ahead | on | behind
	Gap         string // completion − pace, "+3.20"
	Rank        int
	YoY         string
	Version     string // the 口径 in force: valid-from date
	Link        string // the dashboard focused on this row
	Persons     bool   // it counts persons: the drill-down reaches them
	gap         float64
	hasGap      bool
	cell        analytics.Cell
	unitSymbol  string
	isCount     bool
	targetValue float64
}

// analyticsScope is where the user may see indicator figures.
func analyticsScope(r *http.Request) weijian.Scope {
	return currentUser(r).ScopeFor(weijian.PermViewAnalytics)
}

// canDash reports whether the dashboards can be shown to the user.
func (s *Server) canDash(r *http.Request) bool {
	return s.analytics != nil && currentUser(r).Can(weijian.PermViewAnalytics)
}

// asOfOf reads ?asOf= (default today in China) and checks it.
func (s *Server) asOfOf(r *http.Request) (period.Date, error) {
	a := r.URL.Query().Get("asOf")
	if a == "" {
		return period.DateOf(s.today()), nil
	}
	d, err := period.ParseDate(a)
	if err != nil {
		return d, weijian.Invalid(weijian.T("日期格式应为 YYYY-MM-DD", "dates are written YYYY-MM-DD"))
	}
	return d, nil
}

// keyIndicators are the indicators a dashboard lists: those with annual
// targets, in library order; every indicator when none has targets.
func keyIndicators(lib *indicator.Library) []*indicator.Def {
	var out []*indicator.Def
	for _, d := range lib.All() {
		if d.Targeted {
			out = append(out, d)
		}
	}
	if len(out) == 0 {
		return lib.All()
	}
	return out
}

// dashIndicators are the key indicators of one catalogue group, and the
// one asked for (from the catalogue) when it is not among them. The group
// is ?group=, else the asked indicator's, else the first; the tabs name
// every group with key indicators.
func dashIndicators(r *http.Request, lib *indicator.Library) (defs []*indicator.Def, group string, groups []string) {
	q := r.URL.Query()
	asked := lib.Get(q.Get("ind"))
	group = q.Get("group")
	if group == "" && asked != nil {
		group = asked.Group
	}
	keys := keyIndicators(lib)
	for _, d := range keys {
		if !slices.Contains(groups, d.Group) {
			groups = append(groups, d.Group)
		}
	}
	slices.SortStableFunc(groups, func(a, b string) int { return cmpRank(groupRank(a), groupRank(b)) })
	if group == "" && len(groups) > 0 {
		group = groups[0]
	}
	for _, d := range keys {
		if d.Group == group {
			defs = append(defs, d)
		}
	}
	if asked != nil && !slices.Contains(defs, asked) {
		defs = append(defs, asked)
	}
	return defs, group, groups
}

// groupFirst are the catalogue groups a dashboard shows first, the
// county's daily work; the others follow in library order.
var groupFirst = []string{"基本公卫", "免疫规划", "妇幼", "疾控"}

// groupRank orders groups: groupFirst by position from 1, others 0
// (which cmpRank puts last).
func groupRank(g string) int { return slices.Index(groupFirst, g) + 1 }

// groupName is a catalogue group (named in Chinese in the library) in
// the user's language: i18n "dash.group.<name>", else the name itself.
func (s *Server) groupName(r *http.Request, g string) string {
	res, err := s.resources(r)
	if err != nil {
		return g
	}
	if name, ok := res.cat[info(r).lang]["dash.group."+g]; ok {
		return name
	}
	return g
}

// groupTabs link the dashboard of each group.
func (s *Server) groupTabs(r *http.Request, group string, groups []string) []workListTab {
	var out []workListTab
	for _, g := range groups {
		q := cloneValues(r.URL.Query())
		q.Set("group", g)
		q.Del("ind")
		out = append(out, workListTab{Key: g, Name: s.groupName(r, g), URL: r.URL.Path + "?" + q.Encode(), Active: g == group})
	}
	return out
}

func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.dashboard(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "dashboard", &dashPage{basePage: s.base(r, "dashboard", s.msg(r, "nav.dashboard")), Dash: v})
}

// dashUnit is the unit a dashboard shows: ?unit=, or the user's home.
func (s *Server) dashUnit(r *http.Request) (*weijian.OrgUnit, error) {
	u, err := s.homeUnit(r)
	if c := r.URL.Query().Get("unit"); c != "" {
		u, err = s.store.OrgUnit(r.Context(), unitScope(r), c)
	}
	if err != nil {
		return nil, err
	}
	if !analyticsScope(r).Covers(u.Path) {
		return nil, errForbidden // an ancestor, shown for orientation only
	}
	return u, nil
}

// dashAt is the unit (?unit=) and date (?asOf=) of a dashboard or one
// of its exports, for a user who may see them.
func (s *Server) dashAt(r *http.Request) (*weijian.OrgUnit, period.Date, error) {
	if !s.canDash(r) {
		return nil, period.Date{}, errForbidden
	}
	u, err := s.dashUnit(r)
	if err != nil {
		return nil, period.Date{}, err
	}
	asOf, err := s.asOfOf(r)
	return u, asOf, err
}

// dashboard builds the dashboard of ?unit= focused on ?ind= as of ?asOf=.
func (s *Server) dashboard(r *http.Request) (*dashView, error) {
	u, asOf, err := s.dashAt(r)
	if err != nil {
		return nil, err
	}
	lang := info(r).lang
	v := &dashView{Unit: u, AsOf: asOf.String(), AsOfLabel: period.AsOfLabel(asOf, lang), Year: asOf.Year}
	if v.Ancestors, err = s.dashAncestors(r, u); err != nil {
		return nil, err
	}
	lib := s.analytics.Eval.Library()
	defs, group, groups := dashIndicators(r, lib)
	v.Groups = s.groupTabs(r, group, groups)
	if v.KPIs, err = s.kpis(r, defs, u.Code, analytics.OUSelf, asOf); err != nil {
		return nil, err
	}
	v.Focus = focusOf(v.KPIs, r.URL.Query().Get("ind"))
	q := r.URL.Query()
	v.Export = exportQuery("/dashboard/export", q)
	if v.Focus == nil {
		return v, nil
	}
	v.FocusDef = lib.Get(v.Focus.Code)
	v.Persons = v.FocusDef.Programme != "" && currentUser(r).Can(weijian.PermViewResidents)
	if err := s.dashChildren(r, v, asOf); err != nil {
		return nil, err
	}
	if err := s.dashDisagg(r, v, asOf); err != nil {
		return nil, err
	}
	q.Set("ind", v.Focus.Code)
	v.KidExport = exportQuery("/dashboard/children/export", q)
	v.Trend, err = s.trend(r, v.FocusDef, u.Code, asOf)
	return v, err
}

// laggingShown is how many lagging units the ranking panel lists; the
// table by unit below holds them all.
const laggingShown = 10

// focusOf picks the focused indicator: the one asked for, or the one
// furthest behind pace, or the first.
func focusOf(rows []kpiRow, code string) *kpiRow {
	if len(rows) == 0 {
		return nil
	}
	var worst *kpiRow
	for i := range rows {
		if rows[i].Code == code {
			return &rows[i]
		}
		if rows[i].hasGap && (worst == nil || rows[i].gap < worst.gap) {
			worst = &rows[i]
		}
	}
	if worst != nil && code == "" {
		return worst
	}
	return &rows[0]
}

// dashChildren fills the panels by child unit: the table, the bar
// chart and the lagging ranking.
func (s *Server) dashChildren(r *http.Request, v *dashView, asOf period.Date) error {
	kids, err := s.kpis(r, []*indicator.Def{v.FocusDef}, v.Unit.Code, analytics.OUChildren, asOf)
	if err != nil {
		return err
	}
	for _, k := range kids {
		if k.OrgUnit != v.Unit.Code {
			v.Children = append(v.Children, k)
		}
	}
	v.Leaf = len(v.Children) == 0
	slices.SortStableFunc(v.Children, func(a, b kpiRow) int { return cmpRank(a.Rank, b.Rank) })
	for _, k := range v.Children {
		if k.Flag == "behind" {
			v.Lagging = append(v.Lagging, k)
		}
	}
	slices.SortStableFunc(v.Lagging, func(a, b kpiRow) int { return cmp.Compare(a.gap, b.gap) })
	if n := len(v.Lagging); n > laggingShown {
		v.Lagging, v.LaggingMore = v.Lagging[:laggingShown], n-laggingShown
	}
	if len(v.Children) > 0 {
		v.Chart, err = childBarChart(s.msg(r, "dash.value"), s.msg(r, "dash.target"), v.Children)
		v.ChartH = max(240, 26*len(v.Children)+60)
	}
	return err
}

// cmpRank orders ranks 1, 2, … with unranked (0) last.
func cmpRank(a, b int) int {
	switch {
	case a == b:
		return 0
	case a == 0:
		return 1
	case b == 0:
		return -1
	}
	return a - b
}

// dashAncestors are the units between the user's home unit and u, for
// the breadcrumb (the user may not see further up).
func (s *Server) dashAncestors(r *http.Request, u *weijian.OrgUnit) ([]*weijian.OrgUnit, error) {
	all, err := s.store.Ancestors(r.Context(), unitScope(r), u.Code)
	if err != nil {
		return nil, err
	}
	home, err := s.homeUnit(r)
	if err != nil {
		return nil, err
	}
	for i, a := range all {
		if a.Code == home.Code {
			return all[i:], nil
		}
	}
	return nil, nil
}

// kpis asks the service for defs at unit (mode) for the year to asOf and
// formats each cell.
func (s *Server) kpis(r *http.Request, defs []*indicator.Def, unit string, mode analytics.OUMode, asOf period.Date) ([]kpiRow, error) {
	codes := make([]string, len(defs))
	for i, d := range defs {
		codes[i] = d.Code
	}
	year := strconv.Itoa(asOf.Year)
	res, err := s.analytics.Query(r.Context(), analyticsScope(r), analytics.Request{Indicators: codes, OrgUnit: unit,
		OUMode: mode, Periods: []string{year}, AsOf: asOf.String(), Lang: info(r).lang})
	if err != nil {
		return nil, err
	}
	lib := s.analytics.Eval.Library()
	out := make([]kpiRow, 0, len(res.Cells))
	for _, c := range res.Cells {
		d := lib.Get(c.Indicator)
		if d == nil {
			continue
		}
		k := s.kpiRow(r, d, c, asOf)
		k.OrgName = res.OrgUnits[c.OrgUnit]
		out = append(out, k)
	}
	return out, nil
}

// kpiRow formats one cell of def d.
func (s *Server) kpiRow(r *http.Request, d *indicator.Def, c analytics.Cell, asOf period.Date) kpiRow {
	lang := info(r).lang
	k := kpiRow{Code: d.Code, Name: d.Name.In(lang), OrgUnit: c.OrgUnit, Option: c.Option, NoData: c.NoData, Why: c.Why, Rank: c.Rank,
		Flag: c.PaceFlag, cell: c, unitSymbol: unitSymbol(d.Unit, lang), isCount: !hasDenominator(d.Unit), Persons: d.Programme != ""}
	if !c.NoData {
		k.Value = c.Value + k.unitSymbol
		if k.isCount {
			k.Value = formatFloat(c.Raw) + k.unitSymbol
		}
	}
	k.Num, k.Den = formatFloat(c.Numerator), formatFloat(c.Denominator)
	if c.Target != nil {
		k.targetValue = *c.Target
		k.Target = formatFloat(c.Target)
		if !k.isCount {
			k.Target += k.unitSymbol
		}
	}
	k.Completion, k.Pace = pctText(c.Completion), pctText(c.Pace)
	if c.PaceGap != nil {
		k.gap, k.hasGap = *c.PaceGap, true
		k.Gap = signed(*c.PaceGap)
	}
	if c.YoY != nil {
		k.YoY = strconv.FormatFloat(expr.RoundHalfUp(*c.YoY, 2), 'f', 2, 64) + k.unitSymbol
	}
	if v := d.VersionAt(asOf); v != nil {
		k.Version = v.ValidFrom.String()
	}
	q := url.Values{"unit": {c.OrgUnit}, "ind": {d.Code}, "group": {d.Group}, "asOf": {asOf.String()}}
	k.Link = "/dashboard?" + q.Encode()
	return k
}

// hasDenominator reports whether a unit is a rate (numerator/denominator).
func hasDenominator(u indicator.Unit) bool { return u != indicator.Count && u != indicator.Amount }

// unitSymbol is what follows a value: "%", "‰", "/万", "/10万"; nothing
// for a count or an amount.
func unitSymbol(u indicator.Unit, lang string) string {
	if !hasDenominator(u) {
		return ""
	}
	return string(u)
}

// formatFloat writes a count or target: thousands separators, two
// decimals only when it has a fraction; "" for nil.
func formatFloat(f *float64) string {
	if f == nil {
		return ""
	}
	x := expr.RoundHalfUp(*f, 2)
	if x == float64(int64(x)) {
		return formatInt(int64(x))
	}
	whole := int64(x)
	frac := strconv.FormatFloat(x-float64(whole), 'f', 2, 64)
	if x < 0 {
		frac = strconv.FormatFloat(float64(whole)-x, 'f', 2, 64)
	}
	return formatInt(whole) + frac[1:]
}

// pctText is a percentage half up to two decimals: "95.83%"; "" for nil.
func pctText(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(expr.RoundHalfUp(*f, 2), 'f', 2, 64) + "%"
}

// signed is a difference in percentage points with its sign: "+3.20".
func signed(f float64) string {
	s := strconv.FormatFloat(expr.RoundHalfUp(f, 2), 'f', 2, 64)
	if f >= 0 {
		return "+" + s
	}
	return s
}

// months lists the months of asOf's year up to asOf's month, and the
// same months a year earlier.
func months(asOf period.Date) []string {
	var out []string
	for m := time.January; m <= asOf.Month; m++ {
		p, _ := period.New(period.Month, asOf.Year, int(m))
		out = append(out, period.Format(p))
	}
	return out
}

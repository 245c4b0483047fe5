package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
)

// The indicator catalogue (指标目录): every definition with its text,
// formula, unit, source and the 口径 versions, so that a figure on a
// dashboard can be traced to the rule that made it.

type indicatorsPage struct {
	basePage
	Groups []indicatorGroup
	Q      string
	Total  int
	Export exportLinks
}

type indicatorGroup struct {
	Name string // in the user's language
	key  string // as the library names it
	Defs []indicatorRow
}

// indicatorRow is a definition as the catalogue shows it.
type indicatorRow struct {
	Code, Name, Aliases, Definition, Source, Unit, Programme, Group string
	Targeted, Higher                                                bool
	Formula                                                         string // the version in force today
	Versions                                                        []versionRow
	Link                                                            string
}

type versionRow struct {
	ValidFrom, Numerator, Denominator, Note string
}

type indicatorPage struct {
	basePage
	D      indicatorRow
	Dash   string      // the dashboard focused on it
	Disagg []disaggDim // the dimensions it can be divided by (today's 口径)
}

func errNoIndicator(code string) error {
	return weijian.NotFound(weijian.T("指标 "+weijian.Clip(code), "indicator "+weijian.Clip(code)))
}

// indicatorView formats d in lang.
func (s *Server) indicatorView(r *http.Request, d *indicator.Def) indicatorRow {
	lang := info(r).lang
	row := indicatorRow{Code: d.Code, Name: d.Name.In(lang), Aliases: strings.Join(d.Aliases, "、"), Definition: d.Definition.In(lang),
		Source: d.Source, Unit: s.unitName(r, d.Unit), Programme: d.Programme, Group: d.Group, Targeted: d.Targeted, Higher: d.Higher,
		Link: "/indicators/" + d.Code}
	if d.Programme != "" {
		row.Programme = s.programmeName(d.Programme, lang)
	}
	for _, v := range d.Versions {
		row.Versions = append(row.Versions, versionRow{v.ValidFrom.String(), v.Numerator, v.Denominator, v.Note})
	}
	if v := d.VersionAt(period.DateOf(s.today())); v != nil {
		row.Formula = v.Numerator
		if v.Denominator != "" {
			row.Formula = "(" + v.Numerator + ") / (" + v.Denominator + ")"
		}
	}
	return row
}

// unitName names an indicator's unit: 百分比 (%), 千分比 (‰), 个 …
func (s *Server) unitName(r *http.Request, u indicator.Unit) string {
	switch u {
	case indicator.Count:
		return s.msg(r, "ind.unit.count")
	case indicator.Amount:
		return s.msg(r, "ind.unit.amount")
	}
	return string(u)
}

// catalogue returns the definitions matching q (code, name, alias or
// group), by group in library order.
func (s *Server) catalogue(r *http.Request, q string) ([]indicatorGroup, int) {
	var groups []indicatorGroup
	at := map[string]int{}
	n := 0
	for _, d := range s.analytics.Eval.Library().All() {
		row := s.indicatorView(r, d)
		if q != "" && !strings.Contains(strings.ToLower(row.Code+" "+row.Name+" "+row.Aliases+" "+row.Group), strings.ToLower(q)) {
			continue
		}
		i, ok := at[row.Group]
		if !ok {
			i, at[row.Group] = len(groups), len(groups)
			groups = append(groups, indicatorGroup{Name: s.groupName(r, row.Group), key: row.Group})
		}
		groups[i].Defs = append(groups[i].Defs, row)
		n++
	}
	slices.SortStableFunc(groups, func(a, b indicatorGroup) int { return cmpRank(groupRank(a.key), groupRank(b.key)) })
	return groups, n
}

func (s *Server) indicatorsCatalogue(w http.ResponseWriter, r *http.Request) error {
	if !s.canDash(r) {
		return errForbidden
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	p := &indicatorsPage{basePage: s.base(r, "indicators", s.msg(r, "nav.catalogue")), Q: q,
		Export: exportQuery("/indicators/export", r.URL.Query())}
	p.Groups, p.Total = s.catalogue(r, q)
	return s.render(w, r, http.StatusOK, "indicators", p)
}

func (s *Server) indicatorDetail(w http.ResponseWriter, r *http.Request) error {
	if !s.canDash(r) {
		return errForbidden
	}
	d := s.analytics.Eval.Library().Get(r.PathValue("code"))
	if d == nil {
		return errNoIndicator(r.PathValue("code"))
	}
	row := s.indicatorView(r, d)
	p := &indicatorPage{basePage: s.base(r, "indicators", row.Name), D: row, Dash: "/dashboard?ind=" + d.Code,
		Disagg: s.disaggDims(r, d.Code, period.DateOf(s.today()))}
	return s.render(w, r, http.StatusOK, "indicator", p)
}

// exportIndicators exports the catalogue (as filtered), one row per
// indicator and 口径 version.
func (s *Server) exportIndicators(w http.ResponseWriter, r *http.Request) error {
	if !s.canDash(r) {
		return errForbidden
	}
	groups, _ := s.catalogue(r, strings.TrimSpace(r.URL.Query().Get("q")))
	t := table{Sheet: s.msg(r, "nav.catalogue")}
	for _, k := range []string{"ind.code", "ind.name", "ind.group", "ind.unit", "ind.definition", "ind.validFrom",
		"ind.numerator", "ind.denominator", "ind.note", "ind.source", "ind.programme", "ind.targeted"} {
		t.Header = append(t.Header, s.msg(r, k))
	}
	yes := map[bool]string{true: s.msg(r, "common.yes"), false: s.msg(r, "common.no")}
	for _, g := range groups {
		for _, d := range g.Defs {
			for _, v := range d.Versions {
				t.Rows = append(t.Rows, []any{d.Code, d.Name, d.Group, d.Unit, d.Definition, v.ValidFrom, v.Numerator,
					v.Denominator, v.Note, d.Source, d.Programme, yes[d.Targeted]})
			}
		}
	}
	return s.export(w, r, s.msg(r, "nav.catalogue"), t)
}

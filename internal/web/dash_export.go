package web

import (
	"net/http"

	"github.com/weijian-health/weijian/internal/analytics"
	"github.com/weijian-health/weijian/internal/indicator"
)

// Exports of the dashboard's tables, in the columns the pages show, with
// the figures as numbers (unrounded where the page rounds) so that a
// spreadsheet can compute with them.

// kpiTable is rows as a sheet; byUnit puts the unit first (the table by
// child unit), otherwise the indicator.
func (s *Server) kpiTable(r *http.Request, sheet string, rows []kpiRow, byUnit bool) table {
	keys := []string{"dash.indicator", "dash.value", "dash.numerator", "dash.denominator", "dash.target",
		"dash.completion", "dash.pace", "dash.flag", "dash.gap", "dash.rank", "dash.yoy", "dash.version"}
	if byUnit {
		keys[0] = "dash.unit"
		keys = append([]string{"unit.code"}, keys...)
	}
	t := table{Sheet: sheet}
	for _, k := range keys {
		t.Header = append(t.Header, s.msg(r, k))
	}
	for _, k := range rows {
		c := k.cell
		row := []any{k.Name}
		if byUnit {
			row = []any{k.OrgUnit, k.OrgName}
		}
		value := any(c.Value)
		if c.NoData {
			value = k.Why
		}
		var rank any
		if c.Rank > 0 {
			rank = c.Rank
		}
		row = append(row, value, sheetNum(c.Numerator), sheetNum(c.Denominator), sheetNum(c.Target), sheetNum(c.Completion), sheetNum(c.Pace),
			s.flagLabel(r, c.PaceFlag), sheetNum(c.PaceGap), rank, sheetNum(c.YoY), k.Version)
		t.Rows = append(t.Rows, row)
	}
	return t
}

// sheetNum is a figure for a sheet cell: the number, or an empty cell.
func sheetNum(f *float64) any {
	if f == nil {
		return ""
	}
	return *f
}

// flagLabel names a pace flag: 超序时, 达序时, 慢序时.
func (s *Server) flagLabel(r *http.Request, flag string) string {
	if flag == "" {
		return ""
	}
	return s.msg(r, "dash.flag."+flag)
}

// exportDashboard exports the key indicators of the dashboard's unit.
func (s *Server) exportDashboard(w http.ResponseWriter, r *http.Request) error {
	u, asOf, err := s.dashAt(r)
	if err != nil {
		return err
	}
	defs, _, _ := dashIndicators(r, s.analytics.Eval.Library())
	rows, err := s.kpis(r, defs, u.Code, analytics.OUSelf, asOf)
	if err != nil {
		return err
	}
	name := u.Name + "-" + s.msg(r, "dash.keyIndicators") + "-" + asOf.String()
	return s.export(w, r, name, s.kpiTable(r, s.msg(r, "dash.keyIndicators"), rows, false))
}

// exportDashChildren exports one indicator at every unit below the
// dashboard's unit.
func (s *Server) exportDashChildren(w http.ResponseWriter, r *http.Request) error {
	u, asOf, err := s.dashAt(r)
	if err != nil {
		return err
	}
	d := s.analytics.Eval.Library().Get(r.URL.Query().Get("ind"))
	if d == nil {
		return errNoIndicator(r.URL.Query().Get("ind"))
	}
	rows, err := s.kpis(r, []*indicator.Def{d}, u.Code, analytics.OUChildren, asOf)
	if err != nil {
		return err
	}
	name := u.Name + "-" + d.Name.In(info(r).lang) + "-" + asOf.String()
	return s.export(w, r, name, s.kpiTable(r, d.Name.In(info(r).lang), rows, true))
}

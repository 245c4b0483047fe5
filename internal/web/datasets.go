package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/dataset"
	"github.com/weijian-health/weijian/internal/period"
)

// Aggregate data sets (报表): the JSON API and the pages for data entry
// and completeness. A user enters data for the units of their
// services.record grants and reads data within those and their
// analytics.view grants.

// entryScope is where the user may enter aggregate data.
func entryScope(r *http.Request) weijian.Scope {
	return currentUser(r).ScopeFor(weijian.PermRecordServices)
}

// dataScope is where the user may read aggregate data.
func dataScope(r *http.Request) weijian.Scope {
	a, b := entryScope(r), currentUser(r).ScopeFor(weijian.PermViewAnalytics)
	if a.All() || b.All() {
		return weijian.ScopeAll()
	}
	return weijian.ScopeOf(append(append([]string(nil), a.Paths()...), b.Paths()...)...)
}

func actor(r *http.Request) string { return currentUser(r).Username }

// dataSetOf is the data set named by the path or ?dataset=.
func (s *Server) dataSetOf(r *http.Request) (*dataset.DataSet, error) {
	code := r.PathValue("code")
	if code == "" {
		code = r.URL.Query().Get("dataset")
	}
	ds := s.datasets.Get(code)
	if ds == nil {
		return nil, weijian.NotFound(weijian.T("报表 "+code, "data set "+code))
	}
	return ds, nil
}

func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// GET /api/v1/datasets
func (s *Server) apiDataSets(w http.ResponseWriter, r *http.Request) error {
	type element struct {
		*dataset.Element
		Combos []dataset.Combo `json:"combos"`
	}
	type set struct {
		*dataset.DataSet
		Elements []element `json:"elements"`
	}
	out := []set{}
	for _, ds := range s.datasets.All() {
		st := set{DataSet: ds}
		for _, e := range ds.Elements {
			st.Elements = append(st.Elements, element{e, e.Combos()})
		}
		out = append(out, st)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"dataSets": out})
}

// GET /api/v1/datavalues?dataset=CODE&period=2024-01,2024-02&unit=CODE,CODE
func (s *Server) apiDataValues(w http.ResponseWriter, r *http.Request) error {
	ds, err := s.dataSetOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	periods, err := canonicalPeriods(ds, splitList(q.Get("period")))
	if err != nil {
		return err
	}
	vals, err := s.store.DataValues(r.Context(), dataScope(r), weijian.DataValueFilter{DataSet: ds.Code, Periods: periods, UnitCodes: splitList(q.Get("unit"))})
	if err != nil {
		return err
	}
	if vals == nil {
		vals = []weijian.DataValue{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"dataValues": vals})
}

func canonicalPeriods(ds *dataset.DataSet, list []string) ([]string, error) {
	var out []string
	for _, p := range list {
		pp, err := ds.ParsePeriod(p)
		if err != nil {
			return nil, weijian.Invalid(weijian.T("期间无效："+p, "invalid period: "+p), weijian.Issue{Field: "period", Value: p, Rule: "period",
				Msg: weijian.T("期间须为该报表的报告期类型", "the period must be of the data set's period type")})
		}
		out = append(out, period.Format(pp))
	}
	return out, nil
}

// saveValues checks vals against the data sets and stores them.
func (s *Server) saveValues(r *http.Request, vals []weijian.DataValue) (weijian.ImportSummary, error) {
	vals, issues := s.datasets.CheckValues(vals)
	if len(issues) > 0 {
		return weijian.ImportSummary{Rows: len(vals)}, weijian.Invalid(weijian.T("数据有误，未保存任何数值", "the batch has errors; nothing was stored"), issues...)
	}
	return s.store.SaveDataValues(r.Context(), entryScope(r), actor(r), vals)
}

// POST /api/v1/datavalues {"dataValues": [...]}: all or nothing.
func (s *Server) apiSaveDataValues(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		DataValues []weijian.DataValue `json:"dataValues"`
	}
	if err := readJSON(r, &in); err != nil {
		return err
	}
	sum, err := s.saveValues(r, in.DataValues)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, sum)
}

// GET /api/v1/completeness?dataset=CODE&period=…&unit=ROOT
func (s *Server) apiCompleteness(w http.ResponseWriter, r *http.Request) error {
	t, err := s.completeness(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, t)
}

// POST /api/v1/completeness {"dataSet","orgUnit","period","zeroReport"}
// registers a completion; DELETE with the same query parameters withdraws it.
func (s *Server) apiComplete(w http.ResponseWriter, r *http.Request) error {
	var c weijian.Completion
	if err := readJSON(r, &c); err != nil {
		return err
	}
	if err := s.complete(r, c); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) complete(r *http.Request, c weijian.Completion) error {
	ds := s.datasets.Get(c.DataSet)
	if ds == nil {
		return weijian.NotFound(weijian.T("报表 "+c.DataSet, "data set "+c.DataSet))
	}
	ps, err := canonicalPeriods(ds, []string{c.Period})
	if err != nil {
		return err
	}
	c.Period = ps[0]
	return s.store.SetCompletion(r.Context(), entryScope(r), actor(r), c)
}

// DELETE /api/v1/completeness?dataset=&unit=&period=
func (s *Server) apiReopen(w http.ResponseWriter, r *http.Request) error {
	ds, err := s.dataSetOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	ps, err := canonicalPeriods(ds, []string{q.Get("period")})
	if err != nil {
		return err
	}
	if err := s.store.DeleteCompletion(r.Context(), entryScope(r), actor(r), ds.Code, q.Get("unit"), ps[0]); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// completeness computes the table for ?dataset= (or the path), ?period=
// (a list; default the year's periods up to now of ?year=, default this
// year) and the reporting units under ?unit= (default all in scope).
func (s *Server) completeness(r *http.Request) (*dataset.Completeness, error) {
	ds, err := s.dataSetOf(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	sc := dataScope(r)
	if code := q.Get("unit"); code != "" {
		u, err := s.store.OrgUnit(r.Context(), unitScope(r), code)
		if err != nil {
			return nil, err
		}
		if !sc.Covers(u.Path) {
			return nil, weijian.NotFound(weijian.T("机构 "+code, "org unit "+code))
		}
		sc = weijian.ScopeOf(u.Path)
	}
	var ps []period.Period
	if list := splitList(q.Get("period")); len(list) > 0 {
		for _, p := range list {
			pp, err := ds.ParsePeriod(p)
			if err != nil {
				return nil, weijian.Invalid(weijian.T("期间无效："+p, "invalid period: "+p))
			}
			ps = append(ps, pp)
		}
	} else {
		ps = s.yearPeriods(ds, q.Get("year"))
	}
	units, err := s.store.ReportingUnits(r.Context(), sc, ds.Reporters.Levels, ds.Reporters.FacilityTypes)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, p := range ps {
		names = append(names, period.Format(p))
	}
	comps, err := s.store.Completions(r.Context(), sc, ds.Code, names)
	if err != nil {
		return nil, err
	}
	return ds.ComputeCompleteness(units, ps, comps, s.now()), nil
}

// yearPeriods are the data set's periods of the year that have begun.
func (s *Server) yearPeriods(ds *dataset.DataSet, year string) []period.Period {
	today := period.DateOf(s.now().In(chinaTime))
	y, err := strconv.Atoi(year)
	if err != nil || y < 1900 || y > 2200 {
		y = today.Year
	}
	var ps []period.Period
	for i := 1; ; i++ {
		p, err := period.New(ds.Period(), y, i)
		if err != nil || p.Start().After(today) {
			break
		}
		ps = append(ps, p)
	}
	return ps
}

// recentPeriods are the last n periods of the data set up to the one
// that ended last, newest first.
func (s *Server) recentPeriods(ds *dataset.DataSet, n int) []period.Period {
	p := period.Of(ds.Period(), period.DateOf(s.now().In(chinaTime))).Prev()
	var out []period.Period
	for range n {
		out = append(out, p)
		p = p.Prev()
	}
	return out
}

// Pages.

type dataSetsPage struct {
	basePage
	DataSets []*dataset.DataSet
}

// GET /datasets
func (s *Server) dataSetsPage(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, "datasets", dataSetsPage{basePage: s.base(r, "datasets", s.msg(r, "nav.reports")), DataSets: s.datasets.All()})
}

// entryGroup is a table of the grid: elements sharing their
// disaggregation, one column per option combo.
type entryGroup struct {
	Combos []dataset.Combo
	Rows   []entryRow
}

type entryRow struct {
	Element *dataset.Element
	Cells   []entryCell
}

type entryCell struct {
	Name, Value, Error string
}

type entryPage struct {
	basePage
	DataSet    *dataset.DataSet
	Units      []*weijian.OrgUnit
	Unit       *weijian.OrgUnit
	Periods    []period.Period
	Period     string
	Groups     []entryGroup
	Completion *weijian.Completion
	Due        period.Date
	Errors     int
	Problem    string
	History    []weijian.DataValueChange
	Names      map[string]string // element code → name, for the history
}

func cellName(element, combo string) string { return "v|" + element + "|" + combo }

// GET /datasets/{code}/entry?unit=&period=
func (s *Server) entryForm(w http.ResponseWriter, r *http.Request) error {
	p, err := s.entryPage(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "dataset_entry", p)
}

// entryPage loads the grid of the unit and period asked (the first unit
// the user reports for and the last period that ended, by default).
func (s *Server) entryPage(r *http.Request) (*entryPage, error) {
	ds, err := s.dataSetOf(r)
	if err != nil {
		return nil, err
	}
	p := &entryPage{basePage: s.base(r, "datasets", ds.Name.In(info(r).lang)), DataSet: ds, Periods: s.recentPeriods(ds, 24)}
	p.Units, err = s.store.ReportingUnits(r.Context(), entryScope(r), ds.Reporters.Levels, ds.Reporters.FacilityTypes)
	if err != nil {
		return nil, err
	}
	if len(p.Units) == 0 {
		return nil, weijian.E(weijian.KindForbidden, weijian.T("您没有需要填报该报表的机构", "you report this data set for no unit"))
	}
	r.ParseForm()
	p.Unit = p.Units[0]
	if code := r.Form.Get("unit"); code != "" {
		p.Unit = nil
		for _, u := range p.Units {
			if u.Code == code {
				p.Unit = u
			}
		}
		if p.Unit == nil { // never fall back to another unit: a POST would store there
			return nil, weijian.NotFound(weijian.T("您填报该报表的机构 "+code, "a unit "+code+" you report this data set for"))
		}
	}
	pe := p.Periods[0]
	if v := r.Form.Get("period"); v != "" {
		if pe, err = ds.ParsePeriod(v); err != nil {
			return nil, weijian.Invalid(weijian.T("期间无效："+v, "invalid period: "+v))
		}
	}
	p.Period, p.Due = period.Format(pe), ds.Due(pe)
	vals, err := s.store.DataValues(r.Context(), entryScope(r), weijian.DataValueFilter{DataSet: ds.Code, Periods: []string{p.Period}, UnitCodes: []string{p.Unit.Code}})
	if err != nil {
		return nil, err
	}
	stored := map[string]string{}
	for _, v := range vals {
		stored[cellName(v.Element, v.Combo)] = v.Value
	}
	var last string
	p.Names = map[string]string{}
	for _, e := range ds.Elements {
		p.Names[e.Code] = e.Name.In(info(r).lang)
		key := strings.Join(e.Categories, ",")
		if len(p.Groups) == 0 || key != last {
			p.Groups = append(p.Groups, entryGroup{Combos: e.Combos()})
			last = key
		}
		row := entryRow{Element: e}
		for _, c := range e.Combos() {
			n := cellName(e.Code, c.Key)
			row.Cells = append(row.Cells, entryCell{Name: n, Value: stored[n]})
		}
		g := &p.Groups[len(p.Groups)-1]
		g.Rows = append(g.Rows, row)
	}
	comps, err := s.store.Completions(r.Context(), entryScope(r), ds.Code, []string{p.Period})
	if err != nil {
		return nil, err
	}
	for i := range comps {
		if comps[i].UnitCode == p.Unit.Code {
			p.Completion = &comps[i]
		}
	}
	p.History, err = s.store.DataValueHistory(r.Context(), entryScope(r), ds.Code, p.Unit.Code, p.Period)
	return p, err
}

// POST /datasets/{code}/entry: saves the grid; a bad cell shows its
// message beside it and nothing is stored.
func (s *Server) entrySave(w http.ResponseWriter, r *http.Request) error {
	p, err := s.entryPage(r)
	if err != nil {
		return err
	}
	var vals []weijian.DataValue
	var cells []*entryCell
	for gi := range p.Groups {
		for ri := range p.Groups[gi].Rows {
			row := &p.Groups[gi].Rows[ri]
			for ci, c := range row.Element.Combos() {
				cell := &row.Cells[ci]
				cell.Value = strings.TrimSpace(r.PostForm.Get(cell.Name))
				vals = append(vals, weijian.DataValue{DataSet: p.DataSet.Code, Element: row.Element.Code, UnitCode: p.Unit.Code,
					Period: p.Period, Combo: c.Key, Value: cell.Value})
				cells = append(cells, cell)
			}
		}
	}
	_, err = s.saveValues(r, vals)
	var e *weijian.Error
	if errors.As(err, &e) && e.Kind == weijian.KindInvalid {
		for _, is := range e.Issues {
			if is.Row >= 1 && is.Row <= len(cells) {
				cells[is.Row-1].Error = is.Msg.In(info(r).lang)
				p.Errors++
			} else {
				p.Problem = is.String(info(r).lang)
			}
		}
		if p.Problem == "" && p.Errors == 0 {
			p.Problem = e.Msg.In(info(r).lang)
		}
		return s.render(w, r, http.StatusUnprocessableEntity, "dataset_entry", p)
	} else if err != nil {
		return err
	}
	return redirect(w, r, entryURL(p)+"&ok=saved")
}

func entryURL(p *entryPage) string {
	return "/datasets/" + p.DataSet.Code + "/entry?" + url.Values{"unit": {p.Unit.Code}, "period": {p.Period}}.Encode()
}

// POST /datasets/{code}/complete: action=complete|zero|reopen.
func (s *Server) entryComplete(w http.ResponseWriter, r *http.Request) error {
	p, err := s.entryPage(r)
	if err != nil {
		return err
	}
	switch r.PostForm.Get("action") {
	case "reopen":
		err = s.store.DeleteCompletion(r.Context(), entryScope(r), actor(r), p.DataSet.Code, p.Unit.Code, p.Period)
	case "zero":
		err = s.complete(r, weijian.Completion{DataSet: p.DataSet.Code, UnitCode: p.Unit.Code, Period: p.Period, ZeroReport: true})
	default:
		err = s.complete(r, weijian.Completion{DataSet: p.DataSet.Code, UnitCode: p.Unit.Code, Period: p.Period})
	}
	if err != nil {
		return err
	}
	return redirect(w, r, entryURL(p)+"&ok=saved")
}

type completenessPage struct {
	basePage
	DataSet *dataset.DataSet
	Table   *dataset.Completeness
	Year    int
	Unit    string
	Export  exportLinks
}

// GET /datasets/{code}/completeness?year=&unit=
func (s *Server) completenessPage(w http.ResponseWriter, r *http.Request) error {
	t, err := s.completeness(r)
	if err != nil {
		return err
	}
	ds, _ := s.dataSetOf(r)
	year := period.DateOf(s.now().In(chinaTime)).Year
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil {
		year = y
	}
	return s.render(w, r, http.StatusOK, "dataset_completeness", completenessPage{
		basePage: s.base(r, "datasets", ds.Name.In(info(r).lang)), DataSet: ds, Table: t, Year: year,
		Unit: r.URL.Query().Get("unit"), Export: exportQuery("/datasets/"+ds.Code+"/completeness/export", r.URL.Query())})
}

// GET /datasets/{code}/completeness/export: the table as XLSX or CSV.
func (s *Server) exportCompleteness(w http.ResponseWriter, r *http.Request) error {
	t, err := s.completeness(r)
	if err != nil {
		return err
	}
	header := []string{s.msg(r, "unit.code"), s.msg(r, "unit.name")}
	header = append(header, t.Periods...)
	header = append(header, s.msg(r, "ds.reported"), s.msg(r, "ds.onTime"))
	var rows [][]any
	for _, row := range t.Rows {
		line := []any{row.UnitCode, row.UnitName}
		for _, c := range row.Cells {
			line = append(line, s.statusText(r, c))
		}
		line = append(line, ratioText(row.Reported), ratioText(row.OnTime))
		rows = append(rows, line)
	}
	rep := []any{"", s.msg(r, "ds.reportedRate")}
	on := []any{"", s.msg(r, "ds.onTimeRate")}
	for i := range t.Periods {
		rep = append(rep, ratioText(t.Reported[i]))
		on = append(on, ratioText(t.OnTime[i]))
	}
	rows = append(rows, append(rep, ratioText(t.Total), ""), append(on, "", ratioText(t.TotalOn)))
	return s.export(w, r, "completeness-"+t.DataSet, table{Sheet: t.DataSet, Header: header, Rows: rows})
}

func (s *Server) statusText(r *http.Request, c dataset.Cell) string {
	if c.Zero {
		return s.msg(r, "ds.status.zero")
	}
	return s.msg(r, "ds.status."+string(c.Status))
}

// ratioText is "num/den (pp.pp%)", or "–" when nothing was expected.
func ratioText(x dataset.Ratio) string {
	p, ok := x.Percent()
	if !ok {
		return "–"
	}
	return strconv.Itoa(x.Num) + "/" + strconv.Itoa(x.Den) + " (" + strconv.FormatFloat(p, 'f', 2, 64) + "%)"
}

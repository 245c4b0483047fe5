package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/analytics"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
)

// Disaggregation (分组) of the focused indicator: at the dashboard's unit,
// for the year to date, a table by one dimension the indicator can be
// divided by (性别, 年龄组, or a category of its data elements), one row
// per option; and on the catalogue, the dimensions each indicator has.

// disaggTable is the focused indicator divided by one dimension.
type disaggTable struct {
	Dim    string
	Name   string      // 性别, 年龄组, 机构性质 …
	Rows   []disaggRow // one per option; OrgName holds the option's name
	Export exportLinks // the API's XLSX and CSV of the table
	// Bands is the age bands asked (?bands=, age only), as typed; Default
	// the bands used when none are (the indicator's own or the default).
	Bands, Default string
	Err            string // why the table cannot be given (a bad band list …)
	Form           url.Values
}

// disaggRow is one option's figures, with the persons behind them when
// the indicator counts persons and the user may see residents.
type disaggRow struct {
	kpiRow
	NumLink, DenLink, GapLink string
}

// disaggSpec is the disaggregation a dashboard request asks: ?by=, and
// for age the bands of ?bands= ("age:0-6,7-17,65-").
func disaggSpec(q url.Values) string {
	by, bands := strings.TrimSpace(q.Get("by")), strings.TrimSpace(q.Get("bands"))
	if by == "age" && bands != "" {
		return "age:" + bands
	}
	return by
}

// disaggDim is a dimension an indicator can be divided by, with its
// options' names.
type disaggDim struct {
	Dim, Name string
	Options   []string
	Codes     []string // the options' codes
}

// disaggDims lists the dimensions def can be divided by on day: sex,
// age, then the categories of the data sets, in catalogue order.
func (s *Server) disaggDims(r *http.Request, code string, day period.Date) []disaggDim {
	dg, ok := s.analytics.Eval.(indicator.Disaggregator)
	if !ok {
		return nil
	}
	lang := info(r).lang
	var out []disaggDim
	seen := map[string]bool{}
	for _, dim := range s.dimensionCodes() {
		if seen[dim] {
			continue
		}
		seen[dim] = true
		opts, err := dg.Options(code, dim, day)
		if err != nil {
			continue
		}
		d := disaggDim{Dim: dim, Name: s.dimName(r, dim)}
		for _, o := range opts {
			d.Options, d.Codes = append(d.Options, o.Name.In(lang)), append(d.Codes, o.Code)
		}
		out = append(out, d)
	}
	return out
}

// dimensionCodes are sex, age and every category of the data sets.
func (s *Server) dimensionCodes() []string {
	dims := []string{"sex", "age"}
	if s.datasets != nil {
		for _, ds := range s.datasets.All() {
			for _, c := range ds.Categories {
				dims = append(dims, c.Code)
			}
		}
	}
	return dims
}

// dimName names a dimension: i18n "dim.<code>" for sex and age, else the
// data sets' category name.
func (s *Server) dimName(r *http.Request, dim string) string {
	if dim == "sex" || dim == "age" {
		return s.msg(r, "dim."+dim)
	}
	if s.datasets != nil {
		for _, ds := range s.datasets.All() {
			if c := ds.Category(dim); c != nil {
				return c.Name.In(info(r).lang)
			}
		}
	}
	return dim
}

// dashDisagg offers the focused indicator's dimensions as links (?by=)
// and fills the table of the one asked: the home page's cost stays that
// of its three grids unless a breakdown is asked for. A request that
// cannot be answered — age bands that break a rule or cut the stored
// population — is said in the table's place, with the rest of the page.
func (s *Server) dashDisagg(r *http.Request, v *dashView, asOf period.Date) error {
	by := r.URL.Query().Get("by")
	for _, dim := range s.disaggDims(r, v.FocusDef.Code, asOf) {
		q := url.Values{"unit": {v.Unit.Code}, "ind": {v.FocusDef.Code}, "group": {v.FocusDef.Group}, "asOf": {asOf.String()}, "by": {dim.Dim}}
		v.DisaggBy = append(v.DisaggBy, disaggLink{Dim: dim.Dim, Name: dim.Name, Link: "/dashboard?" + q.Encode(), On: dim.Dim == by})
		if dim.Dim != by {
			continue
		}
		t, err := s.disaggTable(r, v, dim, asOf)
		if err != nil {
			return err
		}
		t.Form = q
		v.Disagg = t
	}
	return nil
}

// disaggTable computes the focused indicator at the dashboard's unit by
// dim, for the year to asOf.
func (s *Server) disaggTable(r *http.Request, v *dashView, dim disaggDim, asOf period.Date) (*disaggTable, error) {
	lang, q := info(r).lang, r.URL.Query()
	t := &disaggTable{Dim: dim.Dim, Name: dim.Name}
	spec := dim.Dim
	if dim.Dim == "age" {
		t.Bands, t.Default = strings.TrimSpace(q.Get("bands")), strings.Join(dim.Codes, ",")
		spec = disaggSpec(q)
	}
	req := analytics.Request{Indicators: []string{v.FocusDef.Code}, OrgUnit: v.Unit.Code, OUMode: analytics.OUSelf,
		Periods: []string{strconv.Itoa(asOf.Year)}, AsOf: asOf.String(), Disagg: spec, Lang: lang}
	res, err := s.analytics.Query(r.Context(), analyticsScope(r), req)
	if weijian.ErrorKind(err) == weijian.KindInvalid {
		t.Err = weijian.ErrorMessage(err, lang)
		return t, nil
	} else if err != nil {
		return nil, err
	}
	api := url.Values{"ind": {v.FocusDef.Code}, "ou": {v.Unit.Code}, "pe": {req.Periods[0]}, "asOf": {req.AsOf}, "disagg": {spec}}
	t.Export = exportQuery("/api/v1/analytics", api)
	for _, c := range res.Cells {
		row := disaggRow{kpiRow: s.kpiRow(r, v.FocusDef, c, asOf)}
		row.OrgName = res.Options[c.Option]
		if v.Persons {
			row.NumLink, row.DenLink, row.GapLink = personsLinks(v, q, c.Option, asOf)
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

// personsLinks are the lists of persons behind one option's numerator,
// denominator and gap, on the dashboard's own parameters.
func personsLinks(v *dashView, q url.Values, option string, asOf period.Date) (num, den, gap string) {
	p := url.Values{"unit": {v.Unit.Code}, "ind": {v.FocusDef.Code}, "asOf": {asOf.String()}, "by": {q.Get("by")}, "opt": {option}}
	if b := strings.TrimSpace(q.Get("bands")); b != "" && q.Get("by") == "age" {
		p.Set("bands", b)
	}
	link := func(side string) string {
		p.Set("side", side)
		return "/dashboard/persons?" + p.Encode()
	}
	return link(analytics.SideNum), link(analytics.SideDen), link(analytics.SideGap)
}

// disaggLink offers one dimension of the focused indicator.
type disaggLink struct {
	Dim, Name, Link string
	On              bool // the one shown
}

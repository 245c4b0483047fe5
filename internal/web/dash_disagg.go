package web

import (
	"net/http"
	"net/url"
	"strconv"

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
	Rows   []kpiRow    // one per option; OrgName holds the option's name
	Export exportLinks // the API's XLSX and CSV of the table
}

// disaggDim is a dimension an indicator can be divided by, with its
// options' names.
type disaggDim struct {
	Dim, Name string
	Options   []string
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
			d.Options = append(d.Options, o.Name.In(lang))
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
// of its three grids unless a breakdown is asked for.
func (s *Server) dashDisagg(r *http.Request, v *dashView, asOf period.Date) error {
	lang := info(r).lang
	by := r.URL.Query().Get("by")
	for _, dim := range s.disaggDims(r, v.FocusDef.Code, asOf) {
		q := url.Values{"unit": {v.Unit.Code}, "ind": {v.FocusDef.Code}, "group": {v.FocusDef.Group}, "asOf": {asOf.String()}, "by": {dim.Dim}}
		v.DisaggBy = append(v.DisaggBy, disaggLink{Dim: dim.Dim, Name: dim.Name, Link: "/dashboard?" + q.Encode(), On: dim.Dim == by})
		if dim.Dim != by {
			continue
		}
		req := analytics.Request{Indicators: []string{v.FocusDef.Code}, OrgUnit: v.Unit.Code, OUMode: analytics.OUSelf,
			Periods: []string{strconv.Itoa(asOf.Year)}, AsOf: asOf.String(), Disagg: dim.Dim, Lang: lang}
		res, err := s.analytics.Query(r.Context(), analyticsScope(r), req)
		if err != nil {
			return err
		}
		api := url.Values{"ind": {v.FocusDef.Code}, "ou": {v.Unit.Code}, "pe": {req.Periods[0]}, "asOf": {req.AsOf}, "disagg": {dim.Dim}}
		t := &disaggTable{Dim: dim.Dim, Name: dim.Name, Export: exportQuery("/api/v1/analytics", api)}
		for _, c := range res.Cells {
			k := s.kpiRow(r, v.FocusDef, c, asOf)
			k.OrgName = res.Options[c.Option]
			t.Rows = append(t.Rows, k)
		}
		v.Disagg = t
	}
	return nil
}

// disaggLink offers one dimension of the focused indicator.
type disaggLink struct {
	Dim, Name, Link string
	On              bool // the one shown
}

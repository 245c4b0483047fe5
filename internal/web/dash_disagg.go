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
// for the year to date, one small table per dimension the indicator can
// be divided by (性别, 年龄组, or a category of its data elements), one row
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

// dashDisagg fills the focused indicator's tables by dimension.
func (s *Server) dashDisagg(r *http.Request, v *dashView, asOf period.Date) error {
	lang := info(r).lang
	for _, dim := range s.disaggDims(r, v.FocusDef.Code, asOf) {
		req := analytics.Request{Indicators: []string{v.FocusDef.Code}, OrgUnit: v.Unit.Code, OUMode: analytics.OUSelf,
			Periods: []string{strconv.Itoa(asOf.Year)}, AsOf: asOf.String(), Disagg: dim.Dim, Lang: lang}
		res, err := s.analytics.Query(r.Context(), analyticsScope(r), req)
		if err != nil {
			return err
		}
		q := url.Values{"ind": {v.FocusDef.Code}, "ou": {v.Unit.Code}, "pe": {req.Periods[0]}, "asOf": {req.AsOf}, "disagg": {dim.Dim}}
		t := disaggTable{Dim: dim.Dim, Name: dim.Name, Export: exportQuery("/api/v1/analytics", q)}
		for _, c := range res.Cells {
			k := s.kpiRow(r, v.FocusDef, c, asOf)
			k.OrgName = res.Options[c.Option]
			t.Rows = append(t.Rows, k)
		}
		v.Disagg = append(v.Disagg, t)
	}
	return nil
}

package dataset

import (
	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/period"
)

// CheckValues checks a batch of values against the catalog: known data
// set, element and option combo, a period of the data set's type
// (normalised to its canonical form) and a value of the element's type in
// its range (normalised; empty deletes). It returns the normalised values
// and every issue, each naming the 1-based position of the value in vals.
func (c *Catalog) CheckValues(vals []weijian.DataValue) ([]weijian.DataValue, []weijian.Issue) {
	out := make([]weijian.DataValue, len(vals))
	var issues []weijian.Issue
	for i, v := range vals {
		out[i] = v
		bad := func(field, value, rule string, msg weijian.Text) {
			issues = append(issues, weijian.Issue{Row: i + 1, Field: field, Value: value, Rule: rule, Msg: msg})
		}
		ds := c.Get(v.DataSet)
		if ds == nil {
			bad("dataSet", v.DataSet, "dataset", weijian.T("报表不存在", "no such data set"))
			continue
		}
		el := ds.Element(v.Element)
		if el == nil {
			bad("element", v.Element, "element", weijian.T("报表中没有该指标项", "no such element in the data set"))
		} else if _, ok := el.Combo(v.Combo); !ok {
			bad("combo", v.Combo, "combo", weijian.T("分类组合不属于该指标项", "not an option combo of the element"))
		}
		if p, err := ds.ParsePeriod(v.Period); err != nil {
			bad("period", v.Period, "period", weijian.T("期间须为"+periodTypeZH(ds.Period())+"（如 "+example(ds.Period())+"）",
				"the period must be a "+ds.Period().String()+" (e.g. "+example(ds.Period())+")"))
		} else {
			out[i].Period = period.Format(p)
		}
		if el == nil || v.Value == "" {
			continue
		}
		norm, iss := el.CheckValue(v.Value)
		if iss != nil {
			iss.Row = i + 1
			issues = append(issues, *iss)
			continue
		}
		out[i].Value = norm
	}
	return out, issues
}

func periodTypeZH(t period.Type) string {
	switch t {
	case period.Month:
		return "月"
	case period.Quarter:
		return "季度"
	}
	return "年"
}

func example(t period.Type) string {
	switch t {
	case period.Month:
		return "2024-01"
	case period.Quarter:
		return "2024Q1"
	}
	return "2024"
}

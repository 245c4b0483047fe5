package web

import (
	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/indicator"
)

// dashSamples fills the dashboards', catalogue's and targets' page
// structs for TestTemplatesRender.
func dashSamples(base basePage) map[string]any {
	unit := &weijian.OrgUnit{ID: 3, Code: codeHaian, Name: "海安市", Level: "county"}
	kpi := kpiRow{Code: "htn_standard_rate", Name: "高血压患者规范管理率", OrgUnit: codeHaian, OrgName: "海安市", Value: "88.51%", Num: "1,401",
		Den: "1,462", Target: "90%", Completion: "98.34%", Pace: "93.42%", Flag: "ahead", Gap: "+4.92", Rank: 1, YoY: "85.10%", Version: "2024-01-01", Link: "/dashboard?ind=x"}
	behind := kpi
	behind.Flag, behind.Gap, behind.OrgName = "behind", "-3.10", "城东镇"
	nodata := kpiRow{Code: "x", Name: "托位数", NoData: true, Why: "无数据"}
	dash := &dashView{Unit: unit, Ancestors: []*weijian.OrgUnit{unit}, AsOf: "2026-12-07", AsOfLabel: "截至2026年12月7日", Year: 2026,
		KPIs: []kpiRow{kpi, nodata}, Focus: &kpi, FocusDef: &indicator.Def{Code: "htn_standard_rate", Programme: "hypertension"},
		Children: []kpiRow{kpi, behind}, Lagging: []kpiRow{behind}, LaggingMore: 3, Chart: "{}", ChartH: 300, Trend: "{}", Persons: true,
		Export: exportLinks{"/x?format=xlsx", "/x?format=csv"}, KidExport: exportLinks{"/y?format=xlsx", "/y?format=csv"}}
	leaf := *dash
	leaf.Children, leaf.Lagging, leaf.Leaf, leaf.Chart = nil, nil, true, ""
	ind := indicatorRow{Code: "htn_standard_rate", Name: "高血压患者规范管理率", Aliases: "规范管理率", Definition: "按规范管理的人数占…",
		Source: "国家基本公共卫生服务规范", Unit: "%", Programme: "高血压", Group: "基本公卫", Targeted: true, Higher: true, Formula: "(a) / (b)",
		Versions: []versionRow{{"2024-01-01", "persons(hypertension, standard)", "persons(hypertension, managed)", "首版"}}, Link: "/indicators/x"}
	pager := pager{Page: 1, Pages: 2, Total: 60, From: 1, To: 50, Next: "/a?page=2"}
	home := &homePage{basePage: base, Unit: unit, Kind: "县", Pop: &popView{Unit: unit, Empty: true}, Dash: &leaf}
	return map[string]any{
		"dashboard": &dashPage{basePage: base, Dash: dash},
		"dash_persons": &personsPage{basePage: base, Name: "高血压患者规范管理率", Unit: unit, Side: "gap", AsOf: "2026-12-07", AsOfLabel: "截至2026年12月7日",
			Sides: []workListTab{{Key: "num", Name: "分子", URL: "/p", Active: true}}, Back: "/dashboard", Total: 60, Capped: true,
			Rows: []personRow{{R: sampleResident, Facts: "last 2026-05-01"}}, Pager: pager, Export: exportLinks{"/x", "/y"}},
		"indicators": &indicatorsPage{basePage: base, Groups: []indicatorGroup{{Name: "基本公卫", Defs: []indicatorRow{ind}}}, Q: "高血压", Total: 1,
			Export: exportLinks{"/x", "/y"}},
		"indicator": &indicatorPage{basePage: base, D: ind, Dash: "/dashboard?ind=x"},
		"home":      home,
		"targets": &targetsPage{basePage: base, Defs: []option{{"htn_managed", "高血压患者管理人数", true}}, Def: &indicator.Def{Code: "htn_managed", Unit: indicator.Count},
			Years: []option{{"2026", "2026", true}}, Year: 2026, Unit: unit, Ancestors: []*weijian.OrgUnit{unit}, AsOf: "2026-12-07",
			Own:      &targetRow{K: kpi, Value: "1462", Method: "直接设定", UpdatedBy: "admin", UpdatedAt: "2026-12-07 10:00"},
			Children: []targetRow{{K: behind, Value: "700"}, {K: nodata}}, ChildSum: "700", SumDiffers: true, Divisible: true, CanEdit: true,
			Error: formError{Message: "出错", Issues: []string{"a"}}, Export: exportLinks{"/x", "/y"}},
	}
}

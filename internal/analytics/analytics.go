// Package analytics answers grids of indicators × org units × periods
// from live data, with targets (任务数/目标值), 完成率, pace (序时进度),
// 同比 and 环比 — the /api/v1/analytics endpoint, `weijian analytics`,
// dashboards and work summaries all ask it.
//
// This file is the contract; the service fills it in.
package analytics

// OUMode says which org units a request covers relative to OrgUnit.
type OUMode string

// The org-unit selections.
const (
	OUSelf     OUMode = "self"     // the unit itself
	OUChildren OUMode = "children" // its children (and itself first)
	OULevel    OUMode = "level"    // every unit at Level below it
)

// Request asks for a grid.
type Request struct {
	Indicators []string // indicator codes
	OrgUnit    string   // org unit code
	OUMode     OUMode
	Level      string   // for OULevel: county, town, village, facility
	Periods    []string // period ids as internal/period formats them: 2024, 2024Q2, 202406, 2024W23, 2024S1
	AsOf       string   // YYYY-MM-DD: a period is cut at this date (year to date); pace is as of it
	Disagg     string   // optional disaggregation dimension: sex, age, or a category of the data elements (type, mode …); age may name its bands, age:0-6,7-17,18-64,65- (indicator.ParseAgeBands)
	Pace       string   // pace convention for every indicator: "days", "months" or 12 monthly weights; "" = each indicator's (ParsePace)
	Lang       string   // names and labels: "zh" (default) or "en"
}

// Cell is one figure of the grid. Raw figures are kept unrounded; Value is
// half-up to two decimals as Chinese reports print them. When NoData is
// true the value is absent, with Why.
type Cell struct {
	Indicator   string   `json:"indicator"`
	OrgUnit     string   `json:"ou"`
	Period      string   `json:"pe"`
	Option      string   `json:"option,omitempty"` // disaggregation option
	Numerator   *float64 `json:"numerator,omitempty"`
	Denominator *float64 `json:"denominator,omitempty"`
	Raw         *float64 `json:"raw,omitempty"`   // value unrounded
	Value       string   `json:"value,omitempty"` // "88.51"
	NoData      bool     `json:"noData,omitempty"`
	Why         string   `json:"why,omitempty"`
	Target      *float64 `json:"target,omitempty"`     // 任务数 (a count) or 目标值 (a rate)
	Completion  *float64 `json:"completion,omitempty"` // 完成率 %: actual / target × 100, unrounded
	Pace        *float64 `json:"pace,omitempty"`       // expected share %, as of AsOf
	PaceFlag    string   `json:"paceFlag,omitempty"`   // ahead | on | behind (超序时 / 达序时 / 慢序时)
	PaceGap     *float64 `json:"paceGap,omitempty"`    // completion − pace, percentage points
	Rank        int      `json:"rank,omitempty"`       // among the grid's units for this indicator and period, 1 = best
	YoY         *float64 `json:"yoy,omitempty"`        // 同比: same span a year earlier, raw value
	MoM         *float64 `json:"mom,omitempty"`        // 环比: the previous period of the same type, raw value
	Coverage    string   `json:"coverage,omitempty"`
}

// Response is a grid with the names a table needs.
type Response struct {
	Cells      []Cell            `json:"cells"`
	Indicators map[string]Meta   `json:"indicators"`
	OrgUnits   map[string]string `json:"orgUnits"` // code → name
	Periods    map[string]string `json:"periods"`  // id → label
	AsOf       string            `json:"asOf,omitempty"`
	Disagg     string            `json:"disagg,omitempty"`  // the dimension of the disaggregation asked (sex, age, type …)
	Bands      string            `json:"bands,omitempty"`   // the age bands the request named, as option codes: "0-6,7-17,18-64,65+"
	Options    map[string]string `json:"options,omitempty"` // its options: code → label
}

// Meta describes an indicator in a response.
type Meta struct {
	Name   string `json:"name"`
	Unit   string `json:"unit"`
	Higher bool   `json:"higher"`
}

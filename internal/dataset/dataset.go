// Package dataset is the aggregate data sets (报表): their definitions,
// loaded from YAML metadata files, and the checks a reported value must
// pass. A data set has a period type, the units that report it (by
// level or facility type), a due day, and data elements, each with a value
// type, a unit, disaggregations (categories with their options) and a
// range. A value is stored per element, org unit, period and option
// combo: the combo names one option of each of the element's categories,
// "sex=F;age=0-2", in the element's category order ("" for an element with
// no disaggregation), the same filter syntax as the indicator language's
// #{set.element; sex=F} references.
package dataset

import (
	"fmt"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/period"
)

// Text is a name in Chinese and English.
type Text struct {
	ZH string `yaml:"zh" json:"zh"`
	EN string `yaml:"en" json:"en"`
}

// In returns the text in lang, falling back to Chinese.
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.ZH
}

// DataSet is one aggregate data set.
type DataSet struct {
	Code       string      `yaml:"code" json:"code"`
	Name       Text        `yaml:"name" json:"name"`
	PeriodType string      `yaml:"period" json:"periodType"`
	Reporters  Reporters   `yaml:"reporters" json:"reporters"`
	DueDay     int         `yaml:"due_day" json:"dueDay"` // day of the month after the period ends
	Categories []*Category `yaml:"categories" json:"categories,omitempty"`
	Elements   []*Element  `yaml:"elements" json:"elements"`
	Source     string      `yaml:"source" json:"source,omitempty"` // where the figures come from
	File       string      `yaml:"-" json:"-"`
	periodType period.Type
	categories map[string]*Category
	elements   map[string]*Element
}

// Reporters says which org units report a data set: those at one of the
// levels, or facilities of one of the types.
type Reporters struct {
	Levels        []string `yaml:"levels" json:"levels,omitempty"`
	FacilityTypes []string `yaml:"facility_types" json:"facilityTypes,omitempty"`
}

// Category is a disaggregation: a list of options (sex, age band, a
// custom list).
type Category struct {
	Code    string    `yaml:"code" json:"code"`
	Name    Text      `yaml:"name" json:"name"`
	Options []*Option `yaml:"options" json:"options"`
}

// Option is one option of a category.
type Option struct {
	Code string `yaml:"code" json:"code"`
	Name Text   `yaml:"name" json:"name"`
}

// Element is a data element of a data set.
type Element struct {
	Code       string   `yaml:"code" json:"code"`
	Name       Text     `yaml:"name" json:"name"`
	Type       string   `yaml:"type" json:"type"` // int or number
	Unit       string   `yaml:"unit" json:"unit"`
	Categories []string `yaml:"disaggregation" json:"disaggregation,omitempty"`
	Min        *float64 `yaml:"min" json:"min,omitempty"`
	Max        *float64 `yaml:"max" json:"max,omitempty"`
	Stock      bool     `yaml:"stock" json:"stock,omitempty"` // a stock at the period end, not a count over it
	combos     []Combo
}

// Combo is one option combination of an element: its key ("sex=F;age=0-2",
// "" for none) and the options, one per category.
type Combo struct {
	Key     string    `json:"key"`
	Options []*Option `json:"options"`
}

// Name returns the combo's label in lang ("合计" for the empty combo).
func (c Combo) Name(lang string) string {
	if len(c.Options) == 0 {
		return weijian.T("合计", "Total").In(lang)
	}
	parts := make([]string, len(c.Options))
	for i, o := range c.Options {
		parts[i] = o.Name.In(lang)
	}
	return strings.Join(parts, " / ")
}

// Period returns the data set's period type.
func (d *DataSet) Period() period.Type { return d.periodType }

// Element returns the element with the code, or nil.
func (d *DataSet) Element(code string) *Element { return d.elements[code] }

// Category returns the category with the code, or nil.
func (d *DataSet) Category(code string) *Category { return d.categories[code] }

// Combos returns the element's option combos, in order (the cartesian
// product of its categories' options, first category slowest).
func (e *Element) Combos() []Combo { return e.combos }

// Combo returns the element's combo with the key.
func (e *Element) Combo(key string) (Combo, bool) {
	for _, c := range e.combos {
		if c.Key == key {
			return c, true
		}
	}
	return Combo{}, false
}

// Due returns the last day on which a report for p is on time: DueDay of
// the month after p ends.
func (d *DataSet) Due(p period.Period) period.Date {
	next := p.End().AddDays(1)
	return next.AddDays(d.DueDay - 1)
}

// ReportedBy reports whether a unit of the level and facility type reports
// the data set.
func (d *DataSet) ReportedBy(level, facilityType string) bool {
	for _, l := range d.Reporters.Levels {
		if l == level {
			return true
		}
	}
	for _, f := range d.Reporters.FacilityTypes {
		if f == facilityType && level == weijian.LevelFacility {
			return true
		}
	}
	return false
}

// ParsePeriod parses a period of the data set's period type.
func (d *DataSet) ParsePeriod(s string) (period.Period, error) {
	p, err := period.Parse(s)
	if err != nil {
		return p, err
	}
	if p.Type() != d.periodType {
		return p, fmt.Errorf("period %s is a %s, data set %s is reported by %s", s, p.Type(), d.Code, d.periodType)
	}
	return p, nil
}

// Package dhis2 reads and writes DHIS2 dataValueSets JSON for the
// aggregate data sets, translating DHIS2 identifiers (uids) to ours with a
// mapping file. A county that runs DHIS2 can move data both ways.
//
// A mapping file (YAML) lists, for each DHIS2 uid, what it stands for:
//
//	dataElements:
//	  - {uid: fbfJHSPpUQD, dataset: jiankang, element: lectures}
//	categoryOptionCombos:
//	  - {uid: HllvX50cXC0, combo: ""}              # DHIS2's default combo
//	  - {uid: V6L425pT3A0, combo: "sex=F;age=65+"}
//	orgUnits:
//	  - {uid: DiszpKrYNg8, code: "320685100000"}
//
// Periods are written as DHIS2 writes them: 202401 (month), 2024Q1,
// 2024. A data value without categoryOptionCombo uses the default combo.
package dhis2

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/dataset"
	"github.com/weijian-health/weijian/internal/period"
)

// DefaultCombo is the uid of DHIS2's default category option combo.
const DefaultCombo = "HllvX50cXC0"

// Mapping translates DHIS2 uids to data set elements, option combos and
// org-unit codes and back.
type Mapping struct {
	DataElements []struct {
		UID     string `yaml:"uid"`
		DataSet string `yaml:"dataset"`
		Element string `yaml:"element"`
	} `yaml:"dataElements"`
	Combos []struct {
		UID   string `yaml:"uid"`
		Combo string `yaml:"combo"`
	} `yaml:"categoryOptionCombos"`
	OrgUnits []struct {
		UID  string `yaml:"uid"`
		Code string `yaml:"code"`
	} `yaml:"orgUnits"`

	elements map[string][2]string // uid → data set, element
	elemUID  map[[2]string]string
	combos   map[string]string // uid → combo key
	comboUID map[string]string
	units    map[string]string // uid → code
	unitUID  map[string]string
}

var uidRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]{10}$`)

// ParseMapping reads a mapping file and checks it against the catalog:
// every uid well-formed and used once, every element and combo known.
func ParseMapping(name string, b []byte, cat *dataset.Catalog) (*Mapping, error) {
	m := &Mapping{}
	if err := yaml.UnmarshalWithOptions(b, m, yaml.Strict()); err != nil {
		return nil, fmt.Errorf("%s: %s", name, yaml.FormatError(err, false, false))
	}
	m.elements, m.elemUID = map[string][2]string{}, map[[2]string]string{}
	m.combos, m.comboUID = map[string]string{}, map[string]string{}
	m.units, m.unitUID = map[string]string{}, map[string]string{}
	var errs []string
	bad := func(f string, a ...any) { errs = append(errs, fmt.Sprintf(f, a...)) }
	uid := func(field string, i int, u string, seen map[string]bool) {
		if !uidRe.MatchString(u) {
			bad("%s[%d].uid: %q is not a DHIS2 uid (a letter then 10 letters or digits)", field, i, u)
		}
		if seen[u] {
			bad("%s[%d].uid: %s appears twice", field, i, u)
		}
		seen[u] = true
	}
	seen := map[string]bool{}
	for i, e := range m.DataElements {
		uid("dataElements", i, e.UID, seen)
		ds := cat.Get(e.DataSet)
		switch {
		case ds == nil:
			bad("dataElements[%d].dataset: no data set %q", i, e.DataSet)
		case ds.Element(e.Element) == nil:
			bad("dataElements[%d].element: data set %s has no element %q", i, e.DataSet, e.Element)
		}
		k := [2]string{e.DataSet, e.Element}
		m.elements[e.UID] = k
		m.elemUID[k] = e.UID
	}
	seen = map[string]bool{}
	for i, c := range m.Combos {
		uid("categoryOptionCombos", i, c.UID, seen)
		m.combos[c.UID] = c.Combo
		m.comboUID[c.Combo] = c.UID
	}
	if _, ok := m.combos[DefaultCombo]; !ok {
		m.combos[DefaultCombo] = ""
	}
	if _, ok := m.comboUID[""]; !ok {
		m.comboUID[""] = DefaultCombo
	}
	seen = map[string]bool{}
	for i, u := range m.OrgUnits {
		uid("orgUnits", i, u.UID, seen)
		m.units[u.UID] = u.Code
		m.unitUID[u.Code] = u.UID
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s:\n  %s", name, strings.Join(errs, "\n  "))
	}
	return m, nil
}

// ValueSet is a DHIS2 dataValueSets document.
type ValueSet struct {
	DataSet      string  `json:"dataSet,omitempty"`
	Period       string  `json:"period,omitempty"`
	OrgUnit      string  `json:"orgUnit,omitempty"`
	CompleteDate string  `json:"completeDate,omitempty"`
	DataValues   []Value `json:"dataValues"`
}

// Value is one DHIS2 data value.
type Value struct {
	DataElement         string `json:"dataElement"`
	Period              string `json:"period,omitempty"`
	OrgUnit             string `json:"orgUnit,omitempty"`
	CategoryOptionCombo string `json:"categoryOptionCombo,omitempty"`
	Value               string `json:"value"`
	StoredBy            string `json:"storedBy,omitempty"`
	LastUpdated         string `json:"lastUpdated,omitempty"`
	Comment             string `json:"comment,omitempty"`
}

// Decode reads a dataValueSets document. Values may be JSON numbers or
// strings, as DHIS2 writes either.
func Decode(b []byte) (*ValueSet, error) {
	var raw struct {
		ValueSet
		DataValues []struct {
			DataElement         string          `json:"dataElement"`
			Period              string          `json:"period"`
			OrgUnit             string          `json:"orgUnit"`
			CategoryOptionCombo string          `json:"categoryOptionCombo"`
			Value               json.RawMessage `json:"value"`
			StoredBy            string          `json:"storedBy"`
			LastUpdated         string          `json:"lastUpdated"`
			Comment             string          `json:"comment"`
		} `json:"dataValues"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, weijian.Wrap(weijian.KindInvalid, weijian.T("不是有效的 dataValueSets JSON", "not a dataValueSets JSON document"), err)
	}
	vs := raw.ValueSet
	vs.DataValues = make([]Value, len(raw.DataValues))
	for i, r := range raw.DataValues {
		var s string
		if err := json.Unmarshal(r.Value, &s); err != nil {
			s = strings.TrimSpace(string(r.Value)) // a number, or null
			if s == "null" {
				s = ""
			}
		}
		vs.DataValues[i] = Value{DataElement: r.DataElement, Period: r.Period, OrgUnit: r.OrgUnit,
			CategoryOptionCombo: r.CategoryOptionCombo, Value: s, StoredBy: r.StoredBy, LastUpdated: r.LastUpdated, Comment: r.Comment}
	}
	return &vs, nil
}

// ToPeriod converts a DHIS2 period (202401, 2024Q1, 2024) to ours.
func ToPeriod(s string) (period.Period, error) {
	if len(s) == 6 && isDigits(s) {
		s = s[:4] + "-" + s[4:]
	}
	if len(s) != 4 && len(s) != 6 && len(s) != 7 {
		return period.Period{}, fmt.Errorf("unsupported DHIS2 period %q (use 202401, 2024Q1 or 2024)", s)
	}
	return period.Parse(s)
}

// FromPeriod writes a period as DHIS2 does.
func FromPeriod(p period.Period) string {
	s := period.Format(p)
	if p.Type() == period.Month {
		return strings.Replace(s, "-", "", 1)
	}
	return s
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// Import translates a value set to our data values and checks them against
// the catalog. Every problem is an issue whose Field names the index in
// dataValues and the DHIS2 field ("dataValues[3].period"), with its rule;
// with any issue, no value is returned.
func (m *Mapping) Import(vs *ValueSet, cat *dataset.Catalog) ([]weijian.DataValue, error) {
	var issues []weijian.Issue
	out := make([]weijian.DataValue, 0, len(vs.DataValues))
	for i, v := range vs.DataValues {
		bad := func(field, value, rule string, msg weijian.Text) {
			issues = append(issues, weijian.Issue{Row: i + 1, Field: field, Value: value, Rule: rule, Msg: msg})
		}
		pe, ou := or(v.Period, vs.Period), or(v.OrgUnit, vs.OrgUnit)
		coc := or(v.CategoryOptionCombo, DefaultCombo)
		el, okE := m.elements[v.DataElement]
		if !okE {
			bad("dataElement", v.DataElement, "mapping", weijian.T("映射文件中没有该数据元", "data element not in the mapping file"))
		}
		code, okU := m.units[ou]
		if !okU {
			bad("orgUnit", ou, "mapping", weijian.T("映射文件中没有该机构", "org unit not in the mapping file"))
		}
		combo, okC := m.combos[coc]
		if !okC {
			bad("categoryOptionCombo", coc, "mapping", weijian.T("映射文件中没有该分类组合", "category option combo not in the mapping file"))
		}
		p, err := ToPeriod(pe)
		if err != nil {
			bad("period", pe, "period", weijian.T("期间格式应为 202401、2024Q1 或 2024", "period must look like 202401, 2024Q1 or 2024"))
		}
		if !okE || !okU || !okC || err != nil {
			out = append(out, weijian.DataValue{}) // keeps indexes aligned
			continue
		}
		out = append(out, weijian.DataValue{DataSet: el[0], Element: el[1], UnitCode: code, Period: period.Format(p), Combo: combo, Value: v.Value})
	}
	if len(issues) == 0 {
		vals, more := cat.CheckValues(out)
		for _, is := range more {
			is.Field = dhis2Field(is.Field)
			issues = append(issues, is)
		}
		out = vals
	}
	if len(issues) > 0 {
		sort.SliceStable(issues, func(a, b int) bool { return issues[a].Row < issues[b].Row })
		for i := range issues { // name the place as DHIS2 users know it
			issues[i].Field = fmt.Sprintf("dataValues[%d].%s", issues[i].Row-1, issues[i].Field)
			issues[i].Row = 0
		}
		return nil, weijian.Invalid(weijian.T("dataValues 有误，未导入任何数值", "dataValues has errors; nothing was imported"), issues...)
	}
	return out, nil
}

func dhis2Field(f string) string {
	switch f {
	case "element":
		return "dataElement"
	case "combo":
		return "categoryOptionCombo"
	}
	return f
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Export writes our values as a value set. Values whose element, combo or
// unit has no uid in the mapping are an error listing them all.
func (m *Mapping) Export(vals []weijian.DataValue) (*ValueSet, error) {
	vs := &ValueSet{DataValues: []Value{}}
	var missing []string
	for _, v := range vals {
		de, okE := m.elemUID[[2]string{v.DataSet, v.Element}]
		coc, okC := m.comboUID[v.Combo]
		ou, okU := m.unitUID[v.UnitCode]
		p, err := period.Parse(v.Period)
		switch {
		case !okE:
			missing = append(missing, "element "+v.DataSet+"."+v.Element)
		case !okC:
			missing = append(missing, "combo "+v.Combo)
		case !okU:
			missing = append(missing, "org unit "+v.UnitCode)
		case err != nil:
			return nil, err
		default:
			vs.DataValues = append(vs.DataValues, Value{DataElement: de, Period: FromPeriod(p), OrgUnit: ou,
				CategoryOptionCombo: coc, Value: v.Value, StoredBy: v.UpdatedBy, LastUpdated: lastUpdated(v)})
		}
	}
	if len(missing) > 0 {
		missing = uniqSorted(missing)
		return nil, weijian.Invalid(weijian.T("映射文件缺少以下标识，无法导出："+strings.Join(missing, "，"),
			"the mapping file has no uid for: "+strings.Join(missing, ", ")))
	}
	return vs, nil
}

func lastUpdated(v weijian.DataValue) string {
	if v.UpdatedAt.IsZero() {
		return ""
	}
	return v.UpdatedAt.UTC().Format("2006-01-02T15:04:05.000")
}

func uniqSorted(list []string) []string {
	sort.Strings(list)
	out := list[:0]
	for i, s := range list {
		if i == 0 || s != list[i-1] {
			out = append(out, s)
		}
	}
	return out
}

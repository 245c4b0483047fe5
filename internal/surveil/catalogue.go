// Package surveil is notifiable-disease surveillance: the disease
// catalogue (metadata/diseases.yaml), case reports (传染病报告卡) and
// their validation, the national reporting system's download, daily
// counts per disease and area, aberration detection over them through
// internal/detect, and signals with their response workflow.
//
// The package holds the rules and the orchestration; storage is behind
// the Store interface (implemented by internal/sqlstore), HTTP in
// internal/web.
package surveil

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"
	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/detect"
	"github.com/weijian-health/weijian/metadata"
)

// Legal classes of a disease.
const (
	ClassA         = "A" // 甲类
	ClassB         = "B" // 乙类
	ClassC         = "C" // 丙类
	ClassMonitored = "M" // 其他法定管理以及重点监测传染病
)

// MethodNone marks a disease that is reported but not run through
// detection (chronic diseases: TB, syphilis, HIV …).
const MethodNone = "none"

// Disease is one entry of the catalogue.
type Disease struct {
	Code            string    `yaml:"code" json:"code"`
	Name            string    `yaml:"name" json:"name"`
	EN              string    `yaml:"en" json:"en"`
	Class           string    `yaml:"class" json:"class"`
	ManagedAsA      bool      `yaml:"managed_as_a" json:"managedAsA,omitempty"`
	LimitHours      int       `yaml:"limit_hours" json:"limitHours"`
	ICD10           []string  `yaml:"icd10" json:"icd10"`
	Subtypes        []Subtype `yaml:"subtypes" json:"subtypes,omitempty"`
	SubtypeRequired bool      `yaml:"subtype_required" json:"subtypeRequired,omitempty"`
	AcuteChronic    bool      `yaml:"acute_chronic" json:"acuteChronic,omitempty"`
	Chronic         bool      `yaml:"chronic" json:"chronic,omitempty"`
	Detection       Detection `yaml:"detection" json:"detection"`
	Line            int       `yaml:"-" json:"-"` // where it is defined, for messages
}

// Subtype is a sub-type of a disease (肺结核 class, 梅毒 stage …), which
// may report within a shorter limit (肺炭疽: 2 h, managed as 甲类).
type Subtype struct {
	Code       string `yaml:"code" json:"code"`
	Name       string `yaml:"name" json:"name"`
	EN         string `yaml:"en" json:"en"`
	LimitHours int    `yaml:"limit_hours" json:"limitHours,omitempty"`
	ManagedAsA bool   `yaml:"managed_as_a" json:"managedAsA,omitempty"`
}

// Detection is the method run over a disease's daily counts, with its
// parameters as internal/detect takes them (strings, R's names).
type Detection struct {
	Method string            `yaml:"method" json:"method"`
	Params map[string]string `yaml:"params" json:"params,omitempty"`
	// MinCount, when set, keeps an alarm only if the judged count (the
	// 7-day count of the moving percentile method, else the day's) reaches
	// it: one case above a zero percentile in a township is not an outbreak.
	MinCount float64 `yaml:"min_count" json:"minCount,omitempty"`
}

// Fixed reports whether the method is the single-case fixed threshold,
// run on every new report rather than daily.
func (d Detection) Fixed() bool { return d.Method == "cidarsFixed" }

// Source is a syndromic data source (多点触发): a daily count series per
// area from outside the case reports.
type Source struct {
	Code      string    `yaml:"code" json:"code"`
	Name      string    `yaml:"name" json:"name"`
	EN        string    `yaml:"en" json:"en"`
	Detection Detection `yaml:"detection" json:"detection"`
	Line      int       `yaml:"-" json:"-"`
}

// Catalogue is the loaded disease list and syndromic sources.
type Catalogue struct {
	Diseases  []*Disease `yaml:"diseases"`
	Syndromic []*Source  `yaml:"syndromic"`
	byCode    map[string]*Disease
	byName    map[string]*Disease
	sources   map[string]*Source
}

// LoadCatalogue parses and checks the embedded catalogue.
func LoadCatalogue() (*Catalogue, error) {
	return ParseCatalogue(metadata.DiseasesFile, metadata.Diseases)
}

// ParseCatalogue parses a catalogue file and checks every entry, naming
// the file and line of each problem.
func ParseCatalogue(name string, data []byte) (*Catalogue, error) {
	var c Catalogue
	if err := yaml.UnmarshalWithOptions(data, &c, yaml.DisallowUnknownField()); err != nil {
		return nil, weijian.Wrap(weijian.KindInvalid, weijian.T(name+" 格式错误："+yaml.FormatError(err, false, false),
			name+" is not a valid catalogue: "+yaml.FormatError(err, false, false)), err)
	}
	lines := entryLines(data)
	for i, d := range c.Diseases {
		d.Line = lines["diseases"][i]
	}
	for i, s := range c.Syndromic {
		s.Line = lines["syndromic"][i]
	}
	if err := c.check(name); err != nil {
		return nil, err
	}
	return &c, nil
}

// entryLines finds the line of each list entry under the top-level keys.
func entryLines(data []byte) map[string][]int {
	out := map[string][]int{}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return out
	}
	for _, key := range []string{"diseases", "syndromic"} {
		for i := 0; ; i++ {
			p, err := yaml.PathString(fmt.Sprintf("$.%s[%d]", key, i))
			if err != nil {
				break
			}
			n, err := p.FilterFile(f)
			if err != nil || n == nil {
				break
			}
			out[key] = append(out[key], n.GetToken().Position.Line)
		}
	}
	return out
}

func (c *Catalogue) check(file string) error {
	var issues []weijian.Issue
	bad := func(line int, field, value, zh, en string) {
		issues = append(issues, weijian.Issue{Row: line, Field: field, Value: value, Rule: "catalogue",
			Msg: weijian.T(zh, en)})
	}
	c.byCode, c.byName, c.sources = map[string]*Disease{}, map[string]*Disease{}, map[string]*Source{}
	for _, d := range c.Diseases {
		switch {
		case d.Code == "" || strings.ContainsAny(d.Code, " /:"):
			bad(d.Line, "code", d.Code, "病种代码为空或含空格、/、:", "the code is empty or holds a space, / or :")
		case c.byCode[d.Code] != nil:
			bad(d.Line, "code", d.Code, fmt.Sprintf("病种代码重复（第%d行已有）", c.byCode[d.Code].Line),
				fmt.Sprintf("duplicate code (also at line %d)", c.byCode[d.Code].Line))
		}
		c.byCode[d.Code] = d
		if d.Name == "" || c.byName[d.Name] != nil {
			bad(d.Line, "name", d.Name, "病名为空或重复", "the name is empty or repeated")
		}
		c.byName[d.Name] = d
		if !slices.Contains([]string{ClassA, ClassB, ClassC, ClassMonitored}, d.Class) {
			bad(d.Line, "class", d.Class, "类别应为 A（甲）、B（乙）、C（丙）或 M（监测）", "class must be A, B, C or M")
		}
		if d.LimitHours != 2 && d.LimitHours != 24 {
			bad(d.Line, "limit_hours", fmt.Sprint(d.LimitHours), "报告时限应为 2 或 24 小时", "the reporting limit is 2 or 24 hours")
		}
		if (d.Class == ClassA || d.ManagedAsA) && d.LimitHours != 2 {
			bad(d.Line, "limit_hours", fmt.Sprint(d.LimitHours), "甲类及按甲类管理的病种须2小时内报告", "class A and diseases managed as A report within 2 hours")
		}
		if len(d.ICD10) == 0 {
			bad(d.Line, "icd10", "", "缺少 ICD-10 编码", "no ICD-10 code")
		}
		if d.SubtypeRequired && len(d.Subtypes) == 0 {
			bad(d.Line, "subtypes", "", "要求填写分型却没有列出分型", "subtype_required without subtypes")
		}
		seen := map[string]bool{}
		for _, s := range d.Subtypes {
			if s.Code == "" || s.Name == "" || seen[s.Code] {
				bad(d.Line, "subtypes", s.Code, "分型代码或名称为空或重复", "a subtype code or name is empty or repeated")
			}
			seen[s.Code] = true
			if s.LimitHours != 0 && s.LimitHours != 2 && s.LimitHours != 24 {
				bad(d.Line, "subtypes.limit_hours", fmt.Sprint(s.LimitHours), "分型报告时限应为 2 或 24 小时", "a subtype's limit is 2 or 24 hours")
			}
		}
		if msg := checkDetection(d.Detection); msg != "" {
			bad(d.Line, "detection", d.Detection.Method, "预警方法设置错误："+msg, "bad detection: "+msg)
		}
	}
	for _, s := range c.Syndromic {
		if s.Code == "" || c.sources[s.Code] != nil || c.byCode[s.Code] != nil {
			bad(s.Line, "code", s.Code, "数据源代码为空或与病种、数据源重复", "the source code is empty or repeats a disease or source")
		}
		c.sources[s.Code] = s
		if msg := checkDetection(s.Detection); msg != "" {
			bad(s.Line, "detection", s.Detection.Method, "预警方法设置错误："+msg, "bad detection: "+msg)
		}
	}
	if len(issues) > 0 {
		return weijian.Invalid(weijian.T(file+" 中的病种目录有误", "the disease catalogue in "+file+" has errors"), issues...)
	}
	return nil
}

// checkDetection runs the method once on a short all-zero series, which
// makes internal/detect check the method name and every parameter.
func checkDetection(d Detection) string {
	if d.Method == MethodNone {
		if len(d.Params) > 0 {
			return "none takes no parameters"
		}
		return ""
	}
	m, ok := detect.LookupMethod(d.Method)
	if !ok {
		return fmt.Sprintf("unknown method %q", d.Method)
	}
	params := map[string]string{}
	for k, v := range d.Params {
		if k == "range" {
			return "range is chosen by the scheduler"
		}
		params[k] = v
	}
	s := detect.Series{Observed: make([]float64, 6*365), Freq: 365}
	params["range"] = "last:1"
	_, err := m.Run(s, params)
	var b bytes.Buffer
	if err != nil && !isTooShort(err) {
		b.WriteString(err.Error())
	}
	return b.String()
}

// Disease returns the disease with code, or nil.
func (c *Catalogue) Disease(code string) *Disease { return c.byCode[code] }

// Source returns the syndromic source with code, or nil.
func (c *Catalogue) Source(code string) *Source { return c.sources[code] }

// Lookup finds a disease by code or by its Chinese name, and the subtype
// named by a "病名（分型）" or "病名-分型" form; it understands the national
// system's names such as "乙肝", "肺结核（病原学阳性）", "其它感染性腹泻病".
func (c *Catalogue) Lookup(text string) (*Disease, string) {
	text = strings.TrimSpace(text)
	if d := c.byCode[text]; d != nil {
		return d, ""
	}
	if d := c.byName[text]; d != nil {
		return d, ""
	}
	if alias, ok := diseaseAliases[text]; ok {
		return c.byCode[alias[0]], alias[1]
	}
	for _, d := range c.Diseases {
		for _, s := range d.Subtypes {
			if s.Name == text {
				return d, s.Code
			}
		}
	}
	for _, sep := range []string{"（", "(", "-"} {
		if name, rest, ok := strings.Cut(text, sep); ok {
			d, _ := c.Lookup(name)
			if d == nil {
				continue
			}
			sub := strings.TrimRight(rest, "）)")
			for _, s := range d.Subtypes {
				if s.Name == sub || s.Code == sub || strings.TrimSuffix(s.Name, d.Name) == sub {
					return d, s.Code
				}
			}
			return d, "?" + sub
		}
	}
	return nil, ""
}

// diseaseAliases are names the national system and clinicians use for a
// disease (and subtype) of the catalogue.
var diseaseAliases = map[string][2]string{
	"甲肝": {"hepatitis", "a"}, "乙肝": {"hepatitis", "b"}, "丙肝": {"hepatitis", "c"}, "丁肝": {"hepatitis", "d"},
	"戊肝": {"hepatitis", "e"}, "未分型肝炎": {"hepatitis", "u"}, "其它感染性腹泻病": {"other_diarrhoea", ""},
	"艾滋病病人": {"aids", "aids"}, "HIV感染者": {"aids", "hiv"}, "HIV": {"aids", "hiv"},
	"细菌性痢疾": {"dysentery", "bacillary"}, "阿米巴性痢疾": {"dysentery", "amoebic"},
	"伤寒": {"typhoid", "typhoid"}, "副伤寒": {"typhoid", "paratyphoid"}, "新型冠状病毒肺炎": {"covid", ""},
	"人感染高致病性禽流感": {"novel_flu", ""}, "人感染H7N9禽流感": {"novel_flu", ""}, "甲型H1N1流感": {"influenza", ""},
	"流脑": {"mening", ""}, "乙脑": {"je", ""}, "出血热": {"hfrs", ""}, "流感": {"influenza", ""}, "腮腺炎": {"mumps", ""},
}

// Limit returns the reporting limit in hours for a disease and subtype.
func (d *Disease) Limit(subtype string) int {
	for _, s := range d.Subtypes {
		if s.Code == subtype && s.LimitHours > 0 {
			return s.LimitHours
		}
	}
	return d.LimitHours
}

// Subtype returns the subtype with code, or nil.
func (d *Disease) Subtype(code string) *Subtype {
	for i := range d.Subtypes {
		if d.Subtypes[i].Code == code {
			return &d.Subtypes[i]
		}
	}
	return nil
}

// ClassName is the Chinese name of the disease's class.
func (d *Disease) ClassName() weijian.Text { return classNames[d.Class] }

var classNames = map[string]weijian.Text{
	ClassA: weijian.T("甲类", "Class A"), ClassB: weijian.T("乙类", "Class B"),
	ClassC: weijian.T("丙类", "Class C"), ClassMonitored: weijian.T("重点监测", "Monitored"),
}

// Counts returns the number of diseases per class.
func (c *Catalogue) Counts() map[string]int {
	n := map[string]int{}
	for _, d := range c.Diseases {
		n[d.Class]++
	}
	return n
}

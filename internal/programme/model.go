package programme

import (
	"sort"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/period"
)

// Catalogue is the set of programme definitions loaded from metadata
// files. It is read-only after Load and safe for concurrent use.
type Catalogue struct {
	versions   map[string][]*Programme // by code, oldest version first
	optionSets map[string]*OptionSet   // shared option sets
	today      func() period.Date
}

// Programme returns the newest version of the programme with code.
func (c *Catalogue) Programme(code string) (*Programme, bool) {
	vs := c.versions[code]
	if len(vs) == 0 {
		return nil, false
	}
	return vs[len(vs)-1], true
}

// ProgrammeAt returns the version of the programme in force on date d
// (the newest whose valid-from is not after d).
func (c *Catalogue) ProgrammeAt(code string, d period.Date) (*Programme, bool) {
	vs := c.versions[code]
	for i := len(vs) - 1; i >= 0; i-- {
		if !vs[i].ValidFrom.After(d) {
			return vs[i], true
		}
	}
	return nil, false
}

// Versions lists every version of a programme, oldest first.
func (c *Catalogue) Versions(code string) []*Programme {
	return append([]*Programme(nil), c.versions[code]...)
}

// For returns the version of a programme to check a record dated d
// against: the one in force on d, or the oldest when d precedes them all
// (history recorded before the first version's valid-from).
func (c *Catalogue) For(code string, d period.Date) (*Programme, bool) {
	if p, ok := c.ProgrammeAt(code, d); ok {
		return p, true
	}
	vs := c.versions[code]
	if len(vs) == 0 {
		return nil, false
	}
	return vs[0], true
}

// ProgrammeVersion returns one stored version of a programme.
func (c *Catalogue) ProgrammeVersion(code string, version int) (*Programme, bool) {
	for _, p := range c.versions[code] {
		if p.Version == version {
			return p, true
		}
	}
	return nil, false
}

// Programmes lists the newest version of every programme, ordered by its
// Order field and then by code.
func (c *Catalogue) Programmes() []*Programme {
	out := make([]*Programme, 0, len(c.versions))
	for _, vs := range c.versions {
		out = append(out, vs[len(vs)-1])
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Order != out[j].Order {
			return out[i].Order < out[j].Order
		}
		return out[i].Code < out[j].Code
	})
	return out
}

// Known reports whether the programme exists (in any version) and, when
// stage is not "", whether its newest version has that stage.
func (c *Catalogue) Known(programme, stage string) bool {
	p, ok := c.Programme(programme)
	if !ok || stage == "" {
		return ok
	}
	_, ok = p.Stage(stage)
	return ok
}

// OptionSet returns a shared option set by code.
func (c *Catalogue) OptionSet(code string) (*OptionSet, bool) {
	s, ok := c.optionSets[code]
	return s, ok
}

// SetToday replaces the clock used to reject future dates (tests, and a
// server whose day is not the machine's). The default is the date in
// China (UTC+8).
func (c *Catalogue) SetToday(f func() period.Date) { c.today = f }

// Programme is one version of a tracked service line (项目): who may be
// enrolled, what is recorded at enrollment, and the stages of events.
type Programme struct {
	Code        string
	Version     int
	ValidFrom   period.Date
	Name        weijian.Text
	Description weijian.Text
	Source      string // the official document the definition follows
	Order       int    // position in lists and menus
	File        string // the metadata file it came from

	Eligibility Eligibility
	Enrollment  Form // enrollment attributes
	Stages      []*Stage
	Status      []StatusItem // the per-person-per-year status (see YearStatus)
	OptionSets  map[string]*OptionSet

	cat *Catalogue
}

// Stage returns the stage with code.
func (p *Programme) Stage(code string) (*Stage, bool) {
	for _, s := range p.Stages {
		if s.Code == code {
			return s, true
		}
	}
	return nil, false
}

// Eligibility restricts who may be enrolled (checked at the enrollment
// date) or who may have an event of a stage (checked at the event date).
type Eligibility struct {
	MinAge, MaxAge *Age     // inclusive bounds; nil means none
	Sex            []string // GB/T 2261.1 codes allowed; empty means any
	Residence      string   // "any" (default), "village" (a current-address village is known), "permanent" (常住)
}

// AgeUnit is the unit of an age bound.
type AgeUnit string

// Age units.
const (
	Days   AgeUnit = "d"
	Weeks  AgeUnit = "w"
	Months AgeUnit = "m"
	Years  AgeUnit = "y"
)

// Age is an age bound or an offset from an anchor date, such as 65y,
// 28d or 3m.
type Age struct {
	N    int
	Unit AgeUnit
}

// String renders the age as written in metadata files.
func (a Age) String() string { return itoa(a.N) + string(a.Unit) }

// Label renders the age in Chinese or English.
func (a Age) Label(lang string) string {
	zh := map[AgeUnit]string{Days: "天", Weeks: "周", Months: "月龄", Years: "岁"}
	en := map[AgeUnit]string{Days: " days", Weeks: " weeks", Months: " months", Years: " years"}
	if lang == "en" {
		return itoa(a.N) + en[a.Unit]
	}
	return itoa(a.N) + zh[a.Unit]
}

// Span renders the age as a length of time: 90天, 3个月, 1年 / 90 days.
func (a Age) Span(lang string) string {
	zh := map[AgeUnit]string{Days: "天", Weeks: "周", Months: "个月", Years: "年"}
	if lang == "en" {
		return Age{a.N, a.Unit}.Label("en")
	}
	return itoa(a.N) + zh[a.Unit]
}

// From returns the date a after d (the day someone born on d reaches age a).
func (a Age) From(d period.Date) period.Date {
	switch a.Unit {
	case Days:
		return d.AddDays(a.N)
	case Weeks:
		return d.AddDays(7 * a.N)
	case Months:
		return addMonths(d, a.N)
	}
	return addMonths(d, 12*a.N)
}

// addMonths adds n months to d, clamping the day to the month's end.
func addMonths(d period.Date, n int) period.Date {
	first := period.NewDate(d.Year, d.Month+timeMonth(n), 1)
	day := min(d.Day, daysInMonth(first))
	return period.Date{Year: first.Year, Month: first.Month, Day: day}
}

// Form is a list of fields in sections, with the rules between them and
// the values derived from them: the enrollment attributes of a programme
// or the data elements of a stage.
type Form struct {
	Sections []*Section
	Checks   []*Check
	Derived  []*Derived

	fields []*Field
	byCode map[string]*Field
	pos    map[string]int // index in fields by code (the first field of a code)
	dup    bool           // two fields have the same code (a form not loaded from metadata)
}

// Fields lists every field of the form in order. The slice is shared:
// do not modify it.
func (f *Form) Fields() []*Field {
	if f.fields == nil {
		f.index()
	}
	return f.fields
}

// Field returns the field with code.
func (f *Form) Field(code string) (*Field, bool) {
	if f.fields == nil {
		f.index()
	}
	fd, ok := f.byCode[code]
	return fd, ok
}

// index builds the field list and map; the loader calls it once, so that
// a loaded catalogue is read-only and safe for concurrent use.
func (f *Form) index() {
	f.fields = []*Field{}
	f.byCode = map[string]*Field{}
	f.pos = map[string]int{}
	for _, s := range f.Sections {
		for _, fd := range s.Fields {
			if _, dup := f.byCode[fd.Code]; !dup {
				f.byCode[fd.Code] = fd
				f.pos[fd.Code] = len(f.fields)
			} else {
				f.dup = true
			}
			f.fields = append(f.fields, fd)
		}
	}
}

// Section is a titled group of fields on a form.
type Section struct {
	Code   string
	Label  weijian.Text
	Fields []*Field
}

// Stage is a kind of event in a programme: a follow-up, a check, a
// screening step, a dose.
type Stage struct {
	Code        string
	Name        weijian.Text
	Description weijian.Text
	Repeatable  bool
	Eligibility Eligibility // checked at the event date; zero means none
	Form
	Schedule *Schedule // nil: not scheduled

	prog *Programme
}

// Programme returns the programme the stage belongs to.
func (s *Stage) Programme() *Programme { return s.prog }

// Type is the type of a data element.
type Type string

// Data-element types.
const (
	Int     Type = "int"
	Number  Type = "number"
	Text    Type = "text"
	Date    Type = "date"
	Bool    Type = "bool"
	Options Type = "option"
)

// Field is a typed data element (数据元) of a form.
type Field struct {
	Code     string
	Label    weijian.Text
	Help     weijian.Text
	Type     Type
	Unit     string
	Min, Max *float64 // range of int and number fields, inclusive
	Decimals int      // number fields: decimals kept (values are rounded)
	MaxLen   int      // text fields: most characters
	// Date fields: earliest and latest allowed, each a date or one of
	// "birth", "enrollment", "event", "today".
	MinDate, MaxDate string
	OptionSet        *OptionSet // option fields
	Multiple         bool       // option fields: several codes may be chosen
	Required         bool
	RequiredWhen     *Expr  // required when this is true
	ShowWhen         *Expr  // shown (and allowed) only when this is not false
	Standard         string // the data element it follows, e.g. DE04.10.174.00
	Line             int    // line in the metadata file
}

// OptionSet is a code table (值域) such as a WS 364 CV table.
type OptionSet struct {
	Code    string
	Name    weijian.Text
	Source  string // the code table it follows, e.g. "GB/T 2261.1-2003"
	Options []Option
	byCode  map[string]int
}

// Option is one code of an option set.
type Option struct {
	Code  string
	Label weijian.Text
}

// Lookup returns the option with code.
func (s *OptionSet) Lookup(code string) (Option, bool) {
	i, ok := s.byCode[code]
	if !ok {
		return Option{}, false
	}
	return s.Options[i], true
}

// Check is a cross-field rule: Expr must not be false.
type Check struct {
	Code    string
	Expr    *Expr
	Field   string // the field the message is shown at
	Message weijian.Text
}

// Derived is a value computed from the answers (BMI, 血压控制).
type Derived struct {
	Code  string
	Label weijian.Text
	Help  weijian.Text
	Type  Type
	Unit  string
	Expr  *Expr
}

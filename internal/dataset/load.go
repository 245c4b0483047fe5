package dataset

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/metadata"
)

// LoadError is one problem in a metadata file: file, line and the field
// (a YAML path such as $.elements[2].type).
type LoadError struct {
	File  string
	Line  int
	Col   int
	Field string
	Msg   string
}

func (e LoadError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s: %s", e.File, e.Line, e.Col, e.Field, e.Msg)
}

// LoadErrors is every problem found in a load.
type LoadErrors []LoadError

func (es LoadErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Catalog is a set of loaded data sets, by code.
type Catalog struct {
	sets map[string]*DataSet
	list []*DataSet
}

// Get returns the data set with the code, or nil.
func (c *Catalog) Get(code string) *DataSet { return c.sets[code] }

// All returns the data sets in code order.
func (c *Catalog) All() []*DataSet { return c.list }

// Builtin loads the embedded data sets (metadata/datasets/*.yaml).
func Builtin() (*Catalog, error) { return LoadFS(metadata.DataSets, "datasets") }

// LoadFS loads every *.yaml file in dir of fsys and checks it. All files
// are checked; the error lists every problem.
func LoadFS(fsys fs.FS, dir string) (*Catalog, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	files := map[string][]byte{}
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		files[n] = b
	}
	return Load(files)
}

// Load parses and checks the data set files (name → content).
func Load(files map[string][]byte) (*Catalog, error) {
	c := &Catalog{sets: map[string]*DataSet{}}
	var errs LoadErrors
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		ds, es := parseFile(name, files[name])
		errs = append(errs, es...)
		if ds == nil || len(es) > 0 {
			continue
		}
		if prev := c.sets[ds.Code]; prev != nil {
			errs = append(errs, fileError(name, files[name], "$.code", fmt.Sprintf("data set code %q is also defined in %s", ds.Code, prev.File)))
			continue
		}
		c.sets[ds.Code] = ds
		c.list = append(c.list, ds)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	sort.Slice(c.list, func(i, j int) bool { return c.list[i].Code < c.list[j].Code })
	return c, nil
}

func parseFile(name string, b []byte) (*DataSet, LoadErrors) {
	ds := &DataSet{File: name}
	if err := yaml.UnmarshalWithOptions(b, ds, yaml.Strict()); err != nil {
		var ye yaml.Error
		if errors.As(err, &ye) && ye.GetToken() != nil {
			p := ye.GetToken().Position
			return nil, LoadErrors{{File: name, Line: p.Line, Col: p.Column, Field: p.String(), Msg: ye.GetMessage()}}
		}
		return nil, LoadErrors{{File: name, Line: 1, Col: 1, Field: "$", Msg: err.Error()}}
	}
	var errs LoadErrors
	for _, p := range ds.check() {
		errs = append(errs, fileError(name, b, p.path, p.msg))
	}
	return ds, errs
}

// fileError places a problem at the line of the YAML path in the file (or
// of its nearest existing parent).
func fileError(name string, b []byte, yamlPath, msg string) LoadError {
	e := LoadError{File: name, Line: 1, Col: 1, Field: yamlPath, Msg: msg}
	f, err := parser.ParseBytes(b, 0)
	if err != nil {
		return e
	}
	for p := yamlPath; p != "$" && p != ""; p = ParentPath(p) {
		if n := NodeAt(f, p); n != nil {
			e.Line, e.Col = n.GetToken().Position.Line, n.GetToken().Position.Column
			return e
		}
	}
	return e
}

// NodeAt returns the node at a YAML path ($.a[2].b) of a parsed file, or
// nil; metadata loaders use it to place their messages.
func NodeAt(f *ast.File, p string) ast.Node {
	yp, err := yaml.PathString(p)
	if err != nil {
		return nil
	}
	n, err := yp.FilterFile(f)
	if err != nil || n == nil || n.GetToken() == nil {
		return nil
	}
	return n
}

// ParentPath is the YAML path one level up ("$" at the top).
func ParentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i <= 0 {
		return "$"
	}
	return p[:i]
}

type problem struct{ path, msg string }

var codeRe = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
var optionRe = regexp.MustCompile(`^[\p{Han}A-Za-z0-9_+\-]+$`)

var knownLevels = map[string]bool{"province": true, "city": true, "county": true, "town": true, "village": true, "facility": true}

// check validates a parsed data set and fills its indexes.
func (d *DataSet) check() []problem {
	var ps []problem
	add := func(p, f string, a ...any) { ps = append(ps, problem{p, fmt.Sprintf(f, a...)}) }
	if !codeRe.MatchString(d.Code) {
		add("$.code", "code %q must be lower-case letters, digits and _, starting with a letter", d.Code)
	}
	if d.Name.ZH == "" {
		add("$.name.zh", "a Chinese name is required")
	}
	switch t, err := period.ParseType(d.PeriodType); {
	case err != nil:
		add("$.period", "period %q must be month, quarter or year", d.PeriodType)
	case t != period.Month && t != period.Quarter && t != period.Year:
		add("$.period", "period %q must be month, quarter or year", d.PeriodType)
	default:
		d.periodType = t
	}
	if len(d.Reporters.Levels)+len(d.Reporters.FacilityTypes) == 0 {
		add("$.reporters", "name the levels or facility types that report")
	}
	for i, l := range d.Reporters.Levels {
		if !knownLevels[l] {
			add(fmt.Sprintf("$.reporters.levels[%d]", i), "unknown level %q", l)
		}
	}
	if d.DueDay < 1 || d.DueDay > 28 {
		add("$.due_day", "due day %d must be between 1 and 28 (day of the month after the period)", d.DueDay)
	}
	d.checkCategories(add)
	d.checkElements(add)
	return ps
}

// checkCategories checks the disaggregation categories and indexes them
// by code.
func (d *DataSet) checkCategories(add func(p, f string, a ...any)) {
	d.categories = map[string]*Category{}
	for i, c := range d.Categories {
		p := fmt.Sprintf("$.categories[%d]", i)
		if !codeRe.MatchString(c.Code) {
			add(p+".code", "category code %q must be lower-case letters, digits and _", c.Code)
		}
		if d.categories[c.Code] != nil {
			add(p+".code", "category %q is defined twice", c.Code)
		}
		d.categories[c.Code] = c
		if len(c.Options) < 2 {
			add(p+".options", "a category needs at least two options")
		}
		seen := map[string]bool{}
		for j, o := range c.Options {
			if !optionRe.MatchString(o.Code) {
				add(fmt.Sprintf("%s.options[%d].code", p, j), "option code %q may hold letters, digits, _, + and -", o.Code)
			}
			if seen[o.Code] {
				add(fmt.Sprintf("%s.options[%d].code", p, j), "option %q appears twice", o.Code)
			}
			seen[o.Code] = true
			if o.Name.ZH == "" {
				add(fmt.Sprintf("%s.options[%d].name.zh", p, j), "a Chinese name is required")
			}
		}
	}
}

// checkElements checks the data elements against the categories and
// indexes them by code, with their option combos.
func (d *DataSet) checkElements(add func(p, f string, a ...any)) {
	if len(d.Elements) == 0 {
		add("$.elements", "a data set needs at least one element")
	}
	d.elements = map[string]*Element{}
	for i, e := range d.Elements {
		p := fmt.Sprintf("$.elements[%d]", i)
		if !codeRe.MatchString(e.Code) {
			add(p+".code", "element code %q must be lower-case letters, digits and _", e.Code)
		}
		if d.elements[e.Code] != nil {
			add(p+".code", "element %q is defined twice", e.Code)
		}
		d.elements[e.Code] = e
		if e.Name.ZH == "" {
			add(p+".name.zh", "a Chinese name is required")
		}
		if e.Type != "int" && e.Type != "number" {
			add(p+".type", "type %q must be int or number", e.Type)
		}
		if e.Min != nil && e.Max != nil && *e.Min > *e.Max {
			add(p+".max", "max %v is below min %v", *e.Max, *e.Min)
		}
		var cats []*Category
		for j, cc := range e.Categories {
			c := d.categories[cc]
			if c == nil {
				add(fmt.Sprintf("%s.disaggregation[%d]", p, j), "unknown category %q (define it under categories)", cc)
				continue
			}
			cats = append(cats, c)
		}
		e.combos = combos(cats)
	}
}

// combos is the cartesian product of the categories' options.
func combos(cats []*Category) []Combo {
	out := []Combo{{}}
	for _, c := range cats {
		var next []Combo
		for _, prev := range out {
			for _, o := range c.Options {
				key := c.Code + "=" + o.Code
				if prev.Key != "" {
					key = prev.Key + ";" + key
				}
				next = append(next, Combo{Key: key, Options: append(append([]*Option(nil), prev.Options...), o)})
			}
		}
		out = next
	}
	return out
}

package programme

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	goccy "github.com/goccy/go-yaml"
	goccyparser "github.com/goccy/go-yaml/parser"
	"go.yaml.in/yaml/v3"

	"github.com/weijian-health/weijian/internal/period"
)

// Load reads every programme in fsys: shared option sets from
// optionsets/*.yaml, then one programme version per *.yaml file at the
// root. It checks everything (types, ranges, option-set references, the
// names used in rules, schedules) and returns all the problems it found as
// MetadataErrors, each naming its file, line and field.
func Load(fsys fs.FS) (*Catalogue, error) {
	c := &Catalogue{versions: map[string][]*Programme{}, optionSets: map[string]*OptionSet{}, today: chinaToday}
	var errs MetadataErrors
	setFiles, err := fs.Glob(fsys, "optionsets/*.yaml")
	if err != nil {
		return nil, err
	}
	for _, f := range setFiles {
		root, d := readYAML(fsys, f, &errs)
		if root != nil {
			loadSharedSets(c, d, root)
		}
	}
	files, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		errs = append(errs, &MetadataError{File: ".", Field: "programmes", Msg: "no programme files (*.yaml) found"})
	}
	for _, f := range files {
		root, d := readYAML(fsys, f, &errs)
		if root == nil {
			continue
		}
		if p := loadProgramme(c, d, root); p != nil {
			addVersion(c, d, root, p)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	for _, vs := range c.versions {
		sort.Slice(vs, func(i, j int) bool { return vs[i].Version < vs[j].Version })
	}
	return c, nil
}

// chinaTime is UTC+8 all year (no daylight saving).
var chinaTime = time.FixedZone("CST", 8*3600)

func chinaToday() period.Date { return period.DateOf(time.Now().In(chinaTime)) }

// readYAML parses one file into its root mapping node.
func readYAML(fsys fs.FS, name string, errs *MetadataErrors) (*yaml.Node, *decoder) {
	d := &decoder{file: name, errs: errs}
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		d.errorf(nil, "", "cannot read: %v", err)
		return nil, d
	}
	if len(b) > maxFileSize {
		*errs = append(*errs, &MetadataError{File: name, Line: 1, Msg: fmt.Sprintf("the file has %d bytes; a metadata file is at most %d", len(b), maxFileSize)})
		return nil, d
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		e := &MetadataError{File: name, Msg: err.Error(), Line: max(yamlErrorLine(err), 1)} // 1: somewhere in the file
		if line, col, msg, ok := syntaxPosition(b); ok {
			e.Line, e.Column, e.Msg = line, col, "YAML syntax: "+msg
		}
		*errs = append(*errs, e)
		return nil, d
	}
	if len(doc.Content) == 0 {
		*errs = append(*errs, &MetadataError{File: name, Line: 1, Column: 1, Msg: "the file is empty"})
		return nil, d
	}
	return doc.Content[0], d
}

// syntaxPosition re-parses a file that yaml.v3 rejected with
// goccy/go-yaml, whose syntax errors carry the exact position of the
// offending token: yaml.v3 reports some parser errors at the line of the
// enclosing block (its context mark, counted from 0), one line early.
//
// goccy's parser is quadratic in the nesting depth (8,000 nested brackets
// take 1.6 s here), so it gets syntaxTimeout; past that yaml.v3's own
// position stands.
func syntaxPosition(b []byte) (line, col int, msg string, ok bool) {
	type result struct {
		line, col int
		msg       string
		ok        bool
	}
	ch := make(chan result, 1)
	go func() {
		_, err := goccyparser.ParseBytes(b, 0)
		var ge goccy.Error
		if errors.As(err, &ge) && ge.GetToken() != nil {
			pos := ge.GetToken().Position
			ch <- result{pos.Line, pos.Column, ge.GetMessage(), true}
		}
		ch <- result{}
	}()
	select {
	case r := <-ch:
		return r.line, r.col, r.msg, r.ok
	case <-time.After(syntaxTimeout):
		return 0, 0, "", false
	}
}

// syntaxTimeout bounds the search for a syntax error's exact position.
const syntaxTimeout = 2 * time.Second

// maxFileSize bounds a metadata file: the largest built-in one is ~15 KB.
const maxFileSize = 1 << 20

// yamlErrorLine extracts the line from a YAML syntax error ("yaml: line 7: …").
func yamlErrorLine(err error) int {
	var line int
	var te *yaml.TypeError
	msg := err.Error()
	if asTypeError(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	for _, f := range []string{"yaml: line %d:", "yaml: unmarshal errors:\n  line %d:"} {
		if _, err := fmt.Sscanf(msg, f, &line); err == nil {
			return line
		}
	}
	return 0
}

func asTypeError(err error, te **yaml.TypeError) bool {
	t, ok := err.(*yaml.TypeError)
	if ok {
		*te = t
	}
	return ok
}

func addVersion(c *Catalogue, d *decoder, root *yaml.Node, p *Programme) {
	for _, q := range c.versions[p.Code] {
		if q.Version == p.Version {
			d.errorf(root, "version", "programme %q version %d is also defined in %s", p.Code, p.Version, q.File)
			return
		}
		if q.ValidFrom == p.ValidFrom {
			d.errorf(root, "valid_from", "programme %q: versions %d and %d are both valid from %s", p.Code, q.Version, p.Version, p.ValidFrom)
			return
		}
	}
	c.versions[p.Code] = append(c.versions[p.Code], p)
}

func loadSharedSets(c *Catalogue, d *decoder, root *yaml.Node) {
	o := d.obj(root, "")
	sets := d.obj(o.get("option_sets"), "option_sets")
	for _, k := range sortedKeys(sets) {
		if prev, dup := c.optionSets[k]; dup {
			d.errorf(sets.key[k], sets.sub(k), "option set %q is also defined in %s", k, prev.Source)
		}
		c.optionSets[k] = loadOptionSet(d, sets, k)
	}
	sets.done()
	o.done()
}

// sortedKeys lists the keys of a mapping in file order.
func sortedKeys(o *obj) []string {
	var ks []string
	if o.n == nil || o.n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(o.n.Content); i += 2 {
		ks = append(ks, o.n.Content[i].Value)
	}
	return ks
}

func loadOptionSet(d *decoder, sets *obj, code string) *OptionSet {
	o := d.obj(sets.get(code), sets.sub(code))
	s := &OptionSet{Code: code, Name: o.text("name", true), Source: o.str("source", false), byCode: map[string]int{}}
	items := o.list("options")
	if len(items) == 0 {
		d.errorf(o.n, o.sub("options"), "an option set needs at least one option")
	}
	for i, it := range items {
		opt, ok := loadOption(d, it, fmt.Sprintf("%s[%d]", o.sub("options"), i))
		if !ok {
			continue
		}
		if _, dup := s.byCode[opt.Code]; dup {
			d.errorf(it, o.sub("options"), "option code %q appears twice", opt.Code)
			continue
		}
		s.byCode[opt.Code] = len(s.Options)
		s.Options = append(s.Options, opt)
	}
	o.done()
	return s
}

// loadOption reads [code, zh, en] or {code: …, zh: …, en: …}.
func loadOption(d *decoder, n *yaml.Node, p string) (Option, bool) {
	if n.Kind == yaml.SequenceNode {
		if len(n.Content) < 2 || len(n.Content) > 3 {
			d.errorf(n, p, "an option is [code, 中文, English] (%d items found; quote a label that holds a comma)", len(n.Content))
			return Option{}, false
		}
		opt := Option{Code: n.Content[0].Value}
		opt.Label.ZH = n.Content[1].Value
		if len(n.Content) == 3 {
			opt.Label.EN = n.Content[2].Value
		}
		return opt, opt.Code != ""
	}
	o := d.obj(n, p)
	opt := Option{Code: o.str("code", true)}
	opt.Label.ZH, opt.Label.EN = o.str("zh", true), o.str("en", false)
	o.done()
	return opt, opt.Code != ""
}

func loadProgramme(c *Catalogue, d *decoder, root *yaml.Node) *Programme {
	o := d.obj(root, "")
	p := &Programme{cat: c, File: d.file, OptionSets: map[string]*OptionSet{}}
	p.Code = o.str("code", true)
	if want := path.Base(d.file); !matchesFile(p.Code, want) {
		d.errorf(o.at("code"), "code", "programme code %q does not match the file name %s (want %s.yaml or %s@N.yaml)", p.Code, want, p.Code, p.Code)
	}
	p.Version = o.integer("version", true)
	if o.has("version") && p.Version < 1 {
		d.errorf(o.at("version"), "version", "version must be a whole number from 1")
	}
	if n, ok := o.scalar("valid_from", true); ok {
		dt, err := period.ParseDate(n.Value)
		if err != nil {
			d.errorf(n, "valid_from", "%v", err)
		}
		p.ValidFrom = dt
	}
	p.Name = o.text("name", true)
	p.Description = o.text("description", false)
	p.Source = o.str("source", false)
	p.Order = o.integer("order", false)
	p.Eligibility = loadEligibility(d, o.get("eligibility"), "eligibility")
	sets := d.obj(o.get("option_sets"), "option_sets")
	for _, k := range sortedKeys(sets) {
		if _, clash := c.optionSets[k]; clash {
			d.errorf(sets.key[k], sets.sub(k), "option set %q is already a shared option set", k)
		}
		p.OptionSets[k] = loadOptionSet(d, sets, k)
	}
	sets.done()
	fl := &formLoader{d: d, p: p}
	enr := d.obj(o.get("enrollment"), "enrollment")
	p.Enrollment = fl.form(enr)
	enr.done()
	p.Stages = fl.stages(o)
	p.Status = fl.status(o)
	o.done()
	fl.checkNames()
	return p
}

// matchesFile reports whether file is code.yaml or code@N.yaml.
func matchesFile(code, file string) bool {
	if file == code+".yaml" {
		return true
	}
	rest, ok := strings.CutPrefix(file, code+"@")
	if !ok {
		return false
	}
	n, ok := strings.CutSuffix(rest, ".yaml")
	_, err := strconv.Atoi(n)
	return ok && err == nil
}

func loadEligibility(d *decoder, n *yaml.Node, p string) Eligibility {
	o := d.obj(n, p)
	e := Eligibility{MinAge: o.age("min_age"), MaxAge: o.age("max_age"), Residence: o.str("residence", false)}
	for _, s := range o.strs("sex") {
		if _, ok := sexCodes[s]; !ok {
			d.errorf(o.at("sex"), o.sub("sex"), "sex code %q is not a GB/T 2261.1 code (0, 1, 2, 9)", s)
		}
		e.Sex = append(e.Sex, s)
	}
	switch e.Residence {
	case "":
		e.Residence = "any"
	case "any", "village", "permanent":
	default:
		d.errorf(o.at("residence"), o.sub("residence"), "residence %q is not any, village or permanent", e.Residence)
	}
	if e.MinAge != nil && e.MaxAge != nil && e.MinAge.From(period.NewDate(2000, 1, 1)).After(e.MaxAge.From(period.NewDate(2000, 1, 1))) {
		d.errorf(o.at("max_age"), o.sub("max_age"), "max_age %s is below min_age %s", e.MaxAge, e.MinAge)
	}
	o.done()
	return e
}

package indicator

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
	"github.com/goccy/go-yaml/token"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/dataset"
	"github.com/weijian-health/weijian/internal/expr"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/programme"
	"github.com/weijian-health/weijian/metadata"
)

// LoadError is one problem in an indicator file, at a line and column;
// for an error inside a formula, at the place in the formula.
type LoadError struct {
	File      string
	Line, Col int
	Msg       string
}

func (e LoadError) Error() string { return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg) }

// LoadErrors is every problem of a load.
type LoadErrors []LoadError

func (es LoadErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

type textYAML struct {
	ZH string `yaml:"zh"`
	EN string `yaml:"en"`
}

func (t textYAML) text() weijian.Text { return weijian.Text{ZH: t.ZH, EN: t.EN} }

type versionYAML struct {
	ValidFrom   string `yaml:"valid_from"`
	Numerator   string `yaml:"numerator"`
	Denominator string `yaml:"denominator"`
	Note        string `yaml:"note"`
}

type defYAML struct {
	Code       string        `yaml:"code"`
	Name       textYAML      `yaml:"name"`
	Aliases    []string      `yaml:"aliases"`
	Definition textYAML      `yaml:"definition"`
	Source     string        `yaml:"source"`
	Unit       string        `yaml:"unit"`
	Programme  string        `yaml:"programme"`
	Group      string        `yaml:"group"`
	Higher     *bool         `yaml:"higher"`
	Targeted   bool          `yaml:"targeted"`
	Versions   []versionYAML `yaml:"versions"`
}

type constYAML struct {
	Code   string   `yaml:"code"`
	Name   textYAML `yaml:"name"`
	Value  float64  `yaml:"value"`
	Source string   `yaml:"source"`
}

type fileYAML struct {
	Indicators []defYAML   `yaml:"indicators"`
	Constants  []constYAML `yaml:"constants"`
}

// Constant is a named number of the library (C{code}): a prevalence, a
// standard.
type Constant struct {
	Code   string
	Name   weijian.Text
	Value  float64
	Source string
}

// Sources is what formulas are checked against.
type Sources struct {
	DataSets   *dataset.Catalog
	Programmes *programme.Catalogue
}

// Builtin loads the embedded library (metadata/indicators/*.yaml) and
// checks it against the built-in data sets and programmes.
func Builtin() (*Library, error) {
	lib, _, err := builtin()
	return lib, err
}

func builtin() (*Library, Sources, error) {
	cat, err := dataset.Builtin()
	if err != nil {
		return nil, Sources{}, err
	}
	progs, err := programme.LoadBuiltin()
	if err != nil {
		return nil, Sources{}, err
	}
	src := Sources{DataSets: cat, Programmes: progs}
	lib, err := LoadFS(metadata.Indicators, "indicators", src)
	return lib, src, err
}

// NewBuiltinEngine returns an engine over st for the built-in library,
// data sets and programmes: what the server, the command line and the
// report checker use.
func NewBuiltinEngine(st Store) (*Engine, error) {
	lib, src, err := builtin()
	if err != nil {
		return nil, err
	}
	return NewEngine(lib, st, src), nil
}

// LoadFS loads and checks every *.yaml file of dir in fsys.
func LoadFS(fsys fs.FS, dir string, src Sources) (*Library, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, n := range names {
		if files[n], err = fs.ReadFile(fsys, n); err != nil {
			return nil, err
		}
	}
	return Load(files, src)
}

var codeRe = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// loader gathers definitions and their problems over the files.
type loader struct {
	src    Sources
	errs   LoadErrors
	defs   []*Def
	byCode map[string]*Def
	consts map[string]*Constant
	// the parsed formulas, per definition and version: [num, den]
	trees map[*Def][][2]expr.Node
}

// Load parses and checks indicator files (name → content): every
// formula against the data sets, programmes, population dimensions,
// constants and the other indicators (no cycles). All problems are
// reported, each at its file, line and column.
func Load(files map[string][]byte, src Sources) (*Library, error) {
	l := &loader{src: src, byCode: map[string]*Def{}, consts: map[string]*Constant{}, trees: map[*Def][][2]expr.Node{}}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var parsed []*parsedFile
	for _, n := range names {
		if pf := l.parse(n, files[n]); pf != nil {
			parsed = append(parsed, pf)
		}
	}
	for _, pf := range parsed {
		l.checkFormulas(pf)
	}
	l.checkCycles()
	if len(l.errs) > 0 {
		return nil, l.errs
	}
	lib := NewLibrary(l.defs)
	lib.consts = l.consts
	lib.trees = l.trees
	return lib, nil
}

type parsedFile struct {
	name string
	raw  []byte
	ast  *ast.File
	defs []*Def
	yaml []defYAML
}

func (l *loader) parse(name string, b []byte) *parsedFile {
	var f fileYAML
	if err := yaml.UnmarshalWithOptions(b, &f, yaml.Strict()); err != nil {
		var ye yaml.Error
		if errors.As(err, &ye) && ye.GetToken() != nil {
			p := ye.GetToken().Position
			l.errs = append(l.errs, LoadError{name, p.Line, p.Column, ye.GetMessage()})
		} else {
			l.errs = append(l.errs, LoadError{name, 1, 1, err.Error()})
		}
		return nil
	}
	af, err := parser.ParseBytes(b, 0)
	if err != nil {
		l.errs = append(l.errs, LoadError{name, 1, 1, err.Error()})
		return nil
	}
	pf := &parsedFile{name: name, raw: b, ast: af, yaml: f.Indicators}
	for i, c := range f.Constants {
		p := fmt.Sprintf("$.constants[%d]", i)
		if !codeRe.MatchString(c.Code) {
			l.errAt(pf, p+".code", "constant code %q must be lower-case letters, digits and _", c.Code)
			continue
		}
		if l.consts[c.Code] != nil {
			l.errAt(pf, p+".code", "constant %q is defined twice", c.Code)
			continue
		}
		l.consts[c.Code] = &Constant{Code: c.Code, Name: c.Name.text(), Value: c.Value, Source: c.Source}
	}
	for i, y := range f.Indicators {
		if d := l.def(pf, i, y); d != nil {
			pf.defs = append(pf.defs, d)
		} else {
			pf.defs = append(pf.defs, nil)
		}
	}
	return pf
}

var units = map[string]Unit{"%": Percent, "‰": PerMille, "/万": Per10k, "/10万": Per100k, "count": Count, "amount": Amount}

// def checks the plain fields of one definition.
func (l *loader) def(pf *parsedFile, i int, y defYAML) *Def {
	p := fmt.Sprintf("$.indicators[%d]", i)
	n := len(l.errs)
	d := &Def{Code: y.Code, Name: y.Name.text(), Aliases: y.Aliases, Definition: y.Definition.text(), Source: y.Source,
		Programme: y.Programme, Group: y.Group, Higher: y.Higher == nil || *y.Higher, Targeted: y.Targeted, File: pf.name}
	d.Line, _ = l.pos(pf, p)
	switch {
	case !codeRe.MatchString(y.Code):
		l.errAt(pf, p+".code", "code %q must be lower-case letters, digits and _, starting with a letter", y.Code)
	case l.byCode[y.Code] != nil:
		l.errAt(pf, p+".code", "indicator %q is also defined in %s:%d", y.Code, l.byCode[y.Code].File, l.byCode[y.Code].Line)
	}
	if y.Name.ZH == "" {
		l.errAt(pf, p+".name", "a Chinese name is required")
	}
	if y.Definition.ZH == "" || y.Source == "" {
		l.errAt(pf, p, "the definition text (definition.zh) and its source are required")
	}
	u, ok := units[y.Unit]
	if !ok {
		l.errAt(pf, p+".unit", "unit %q must be one of %%, ‰, /万, /10万, count, amount", y.Unit)
	}
	d.Unit = u
	if y.Programme != "" && l.src.Programmes != nil && !l.src.Programmes.Known(y.Programme, "") {
		l.errAt(pf, p+".programme", "unknown programme %q", y.Programme)
	}
	if len(y.Versions) == 0 {
		l.errAt(pf, p+".versions", "at least one version (口径) is required")
	}
	for j, v := range y.Versions {
		vp := fmt.Sprintf("%s.versions[%d]", p, j)
		from, err := period.ParseDate(v.ValidFrom)
		if err != nil {
			l.errAt(pf, vp+".valid_from", "valid_from %q must be a date (2017-01-01)", v.ValidFrom)
		}
		if j > 0 && !from.After(d.Versions[j-1].ValidFrom) {
			l.errAt(pf, vp+".valid_from", "versions must be in order of valid_from")
		}
		switch noDen := u == Count || u == Amount; {
		case noDen && v.Denominator != "":
			l.errAt(pf, vp+".denominator", "a %s indicator has no denominator", y.Unit)
		case !noDen && v.Denominator == "":
			l.errAt(pf, vp, "a %s indicator needs a denominator", y.Unit)
		}
		d.Versions = append(d.Versions, Version{ValidFrom: from, Numerator: v.Numerator, Denominator: v.Denominator, Note: v.Note})
	}
	if len(l.errs) > n {
		return nil
	}
	l.byCode[d.Code] = d
	l.defs = append(l.defs, d)
	return d
}

// errAt records a problem at the node of a YAML path (or its nearest parent).
func (l *loader) errAt(pf *parsedFile, yamlPath, format string, args ...any) {
	line, col := l.pos(pf, yamlPath)
	l.errs = append(l.errs, LoadError{pf.name, line, col, fmt.Sprintf(format, args...)})
}

// pos is the line and column of the node at a YAML path, or of its
// nearest existing parent.
func (l *loader) pos(pf *parsedFile, yamlPath string) (int, int) {
	for p := yamlPath; p != "$" && p != ""; p = dataset.ParentPath(p) {
		if n := dataset.NodeAt(pf.ast, p); n != nil {
			t := n.GetToken()
			return t.Position.Line, t.Position.Column
		}
	}
	return 1, 1
}

// formulaPos turns a position inside the formula at a YAML path into a
// position in the file: a plain or quoted scalar starts at its token
// (after the quote); a block scalar (| or >) on the line after it, at its
// indentation.
func (l *loader) formulaPos(pf *parsedFile, yamlPath string, at expr.Pos) (int, int) {
	n := dataset.NodeAt(pf.ast, yamlPath)
	if n == nil {
		return l.pos(pf, yamlPath)
	}
	t := n.GetToken()
	line, col := t.Position.Line, t.Position.Column
	if _, block := n.(*ast.LiteralNode); block {
		line++
		col = indentOf(pf.raw, line) + 1
	} else if t.Type == token.DoubleQuoteType || t.Type == token.SingleQuoteType {
		col++
	}
	if at.Line > 1 {
		if _, block := n.(*ast.LiteralNode); block {
			return line + at.Line - 1, col + at.Col - 1
		}
		return line + at.Line - 1, at.Col
	}
	return line, col + at.Col - 1
}

func indentOf(b []byte, line int) int {
	lines := strings.Split(string(b), "\n")
	if line < 1 || line > len(lines) {
		return 0
	}
	s := lines[line-1]
	return len(s) - len(strings.TrimLeft(s, " "))
}

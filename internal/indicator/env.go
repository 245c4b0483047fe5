package indicator

import (
	"fmt"
	"sort"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/expr"
	"github.com/weijian-health/weijian/internal/programme"
)

// checkFormulas parses and checks every version's formulas of a file.
func (l *loader) checkFormulas(pf *parsedFile) {
	env := &checkEnv{src: l.src, consts: l.consts, defs: l.byCode}
	for i, d := range pf.defs {
		if d == nil {
			continue
		}
		trees := make([][2]expr.Node, len(d.Versions))
		for j, v := range d.Versions {
			for k, f := range []string{v.Numerator, v.Denominator} {
				if f == "" {
					continue
				}
				field := [2]string{"numerator", "denominator"}[k]
				yp := fmt.Sprintf("$.indicators[%d].versions[%d].%s", i, j, field)
				n, err := expr.Parse(f)
				if err == nil {
					_, err = expr.Check(n, env, expr.TNumber)
				}
				if err != nil {
					l.formulaErr(pf, yp, err)
					continue
				}
				trees[j][k] = n
			}
		}
		l.trees[d] = trees
	}
}

func (l *loader) formulaErr(pf *parsedFile, yamlPath string, err error) {
	var at expr.Pos
	msg := err.Error()
	if e, ok := err.(*expr.Error); ok {
		at, msg = e.Pos, e.Msg
	}
	if at.Line == 0 {
		at = expr.Pos{Line: 1, Col: 1}
	}
	line, col := l.formulaPos(pf, yamlPath, at)
	l.errs = append(l.errs, LoadError{pf.name, line, col, msg})
}

// checkCycles reports an indicator that refers to itself through I{…}.
func (l *loader) checkCycles() {
	const (
		white = iota
		grey
		black
	)
	state := map[string]int{}
	var visit func(d *Def, chain []string) bool
	visit = func(d *Def, chain []string) bool {
		switch state[d.Code] {
		case grey:
			l.errs = append(l.errs, LoadError{d.File, d.Line, 1,
				"indicators refer to each other in a cycle: " + strings.Join(append(chain, d.Code), " → ")})
			return false
		case black:
			return true
		}
		state[d.Code] = grey
		for _, dep := range l.deps(d) {
			if !visit(dep, append(chain, d.Code)) {
				return false
			}
		}
		state[d.Code] = black
		return true
	}
	for _, d := range l.defs {
		if state[d.Code] == white && !visit(d, nil) {
			return
		}
	}
}

// deps lists the indicators d's formulas refer to.
func (l *loader) deps(d *Def) []*Def {
	var out []*Def
	for _, tv := range l.trees[d] {
		for _, n := range tv {
			if n == nil {
				continue
			}
			for _, r := range expr.Refs(n) {
				if dep := l.byCode[r.Name]; r.Kind == expr.RefIndicator && dep != nil {
					out = append(out, dep)
				}
			}
		}
	}
	return out
}

// checkEnv is the expr.Env of the library: what exists.
type checkEnv struct {
	src    Sources
	consts map[string]*Constant
	defs   map[string]*Def
}

func (e *checkEnv) CheckRef(r *expr.Ref) error {
	switch r.Kind {
	case expr.RefData:
		if e.src.DataSets == nil {
			return fmt.Errorf("no data sets are loaded")
		}
		return e.src.DataSets.CheckDataRef(r)
	case expr.RefPopulation:
		_, err := popFilter(r)
		return err
	case expr.RefIndicator:
		if e.defs[r.Name] == nil {
			return fmt.Errorf("no indicator %q", r.Name)
		}
	case expr.RefConstant:
		if e.consts[r.Name] == nil {
			return fmt.Errorf("no constant %q", r.Name)
		}
	}
	return nil
}

// CheckDataSet implements expr.DataSetEnv: the report functions name a
// loaded data set.
func (e *checkEnv) CheckDataSet(code string) error {
	if e.src.DataSets == nil {
		return fmt.Errorf("no data sets are loaded")
	}
	if e.src.DataSets.Get(code) == nil {
		return fmt.Errorf("no data set %q", code)
	}
	return nil
}

func (e *checkEnv) RowFields(function, source string) (map[string]expr.Type, error) {
	return rowFields(e.src.Programmes, function, source)
}

// rowFields returns the fields a rule of persons(programme, …) or
// events("programme.stage", …) may use, with their types.
func rowFields(c *programme.Catalogue, function, source string) (map[string]expr.Type, error) {
	if c == nil {
		return nil, fmt.Errorf("no programmes are loaded")
	}
	if function == "events" {
		prog, stage, ok := strings.Cut(source, ".")
		p, found := c.Programme(prog)
		if !ok || !found {
			return nil, fmt.Errorf("events needs \"programme.stage\"; %q is not one", source)
		}
		st, found := p.Stage(stage)
		if !found {
			return nil, fmt.Errorf("programme %s has no stage %q (it has %s)", prog, stage, stageNames(p))
		}
		return formFields(&st.Form), nil
	}
	p, found := c.Programme(source)
	if !found {
		return nil, fmt.Errorf("no programme %q", source)
	}
	out := map[string]expr.Type{FieldEnrolled: expr.TBool, FieldEvents: expr.TNumber}
	for _, it := range p.Status {
		if t, ok := statusType(p, it); ok {
			out[it.Code] = t
		}
	}
	return out, nil
}

func stageNames(p *programme.Programme) string {
	var names []string
	for _, s := range p.Stages {
		names = append(names, s.Code)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// statusType is the type of a status item's value; dates have none in
// the language.
func statusType(p *programme.Programme, it programme.StatusItem) (expr.Type, bool) {
	switch it.Kind {
	case "count", "sum":
		return expr.TNumber, true
	case "any", "regular":
		return expr.TBool, true
	case "last":
		if st, ok := p.Stage(it.Stage); ok {
			t, ok := formFields(&st.Form)[it.Field]
			return t, ok
		}
	case "attr":
		t, ok := formFields(&p.Enrollment)[it.Field]
		return t, ok
	}
	return 0, false
}

// formFields maps a form's fields and derived values to types.
func formFields(f *programme.Form) map[string]expr.Type {
	out := map[string]expr.Type{}
	add := func(code string, t programme.Type) {
		switch t {
		case programme.Int, programme.Number:
			out[code] = expr.TNumber
		case programme.Bool:
			out[code] = expr.TBool
		case programme.Text, programme.Options:
			out[code] = expr.TString
		}
	}
	for _, fd := range f.Fields() {
		add(fd.Code, fd.Type)
	}
	for _, d := range f.Derived {
		add(d.Code, d.Type)
	}
	return out
}

// popDims are the dimensions of pop{…}.
type popSel struct {
	sexes []int // empty: both
	bands []weijian.AgeBand
}

// popFilter reads the filters of a population reference: sex=M|F (or
// 男/女) and age bands such as 65+, 0-6, 0-2.
func popFilter(r *expr.Ref) (popSel, error) {
	var s popSel
	for _, f := range r.Filters {
		switch f.Dim {
		case "sex":
			for _, v := range f.Values {
				switch v {
				case "M", "男", "1":
					s.sexes = append(s.sexes, weijian.SexMale)
				case "F", "女", "2":
					s.sexes = append(s.sexes, weijian.SexFemale)
				default:
					return s, fmt.Errorf("sex is M or F, not %q", v)
				}
			}
		case "age":
			for _, v := range f.Values {
				b, err := weijian.ParseAgeBand(v)
				if err != nil {
					return s, fmt.Errorf("age band %q: write 65+, 0-6 or 3", v)
				}
				s.bands = append(s.bands, b)
			}
		default:
			return s, fmt.Errorf("population has the dimensions sex and age, not %q", f.Dim)
		}
	}
	return s, nil
}

// Package indicator holds indicator definitions (口径) and the engine that
// computes them from live data: aggregate data values, programme status
// per person and year, events and population.
//
// This file is the contract other packages (analytics, web, report) build
// on; the loader (metadata/indicators/*.yaml) and the engine fill it in.
package indicator

import (
	"context"
	"fmt"
	"math/big"
	"sort"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/expr"
	"github.com/weijian-health/weijian/internal/period"
)

// Unit is how an indicator's value is expressed: its factor and sign.
type Unit string

// The units of the library.
const (
	Percent  Unit = "%"      // ×100
	PerMille Unit = "‰"      // ×1000
	Per10k   Unit = "/万"     // ×10,000
	Per100k  Unit = "/10万"   // ×100,000
	Count    Unit = "count"  // a number of persons, events, facilities …; no denominator
	Amount   Unit = "amount" // money or another sum (万元): no denominator
)

// Factor is what the ratio numerator/denominator is multiplied by.
func (u Unit) Factor() float64 {
	switch u {
	case Percent:
		return 100
	case PerMille:
		return 1000
	case Per10k:
		return 10000
	case Per100k:
		return 100000
	}
	return 1
}

// Version is one 口径 of an indicator: the formula in force from ValidFrom
// on (until the next version's ValidFrom). A multi-year series uses the
// version in force at each period's start.
type Version struct {
	ValidFrom   period.Date
	Numerator   string // indicator language (internal/expr)
	Denominator string // empty for a count
	Note        string // what changed
}

// Def is an indicator definition.
type Def struct {
	Code       string       // stable id, ASCII: htn_standard_rate
	Name       weijian.Text // 高血压患者规范管理率
	Aliases    []string     // other names reports use (规范管理率, 高血压规范管理率)
	Definition weijian.Text // the official definition in words
	Source     string       // where the definition comes from (DOMAIN.md §, 规范 page)
	Unit       Unit
	Programme  string    // the programme it counts, if any (for drill-down to persons)
	Group      string    // catalogue group: 基本公卫, 妇幼, 免疫规划, 疾控, 综合 …
	Higher     bool      // true when a higher value is better (most rates); false for e.g. 发病率
	Targeted   bool      // has annual targets (任务数/目标值) and so pace
	Versions   []Version // sorted by ValidFrom
	File       string    // where it was loaded from, for messages
	Line       int
}

// VersionAt returns the version in force on d (the first one if d is
// before every ValidFrom).
func (d *Def) VersionAt(on period.Date) *Version {
	if len(d.Versions) == 0 {
		return nil
	}
	v := &d.Versions[0]
	for i := range d.Versions {
		if !d.Versions[i].ValidFrom.After(on) {
			v = &d.Versions[i]
		}
	}
	return v
}

// Result is an indicator computed for one org unit over one span.
// Numerator and Denominator are the counts as computed; Value is
// Numerator/Denominator × the unit's factor, unrounded. NoData is true
// (with Why saying why) when the figure cannot be given — no data reported,
// a zero denominator — and then Value means nothing: never print 0 for it.
type Result struct {
	Numerator   float64
	Denominator float64 // 0 and HasDen false for a count
	HasDen      bool
	Value       float64
	NoData      bool
	Why         string
	Version     period.Date // ValidFrom of the 口径 used
	Coverage    string      // how complete the inputs are ("覆盖 12/14 个村"), may be empty
}

// Rounded is the value rounded half up to places decimals, as Chinese
// reports round: computed exactly from Numerator and Denominator (a rate
// of counts such as 4497/4380 × 100 never passes through a rounded
// float), or from Value for a count. 0 when NoData.
func (r Result) Rounded(u Unit, places int) float64 {
	if r.NoData {
		return 0
	}
	if !r.HasDen {
		return expr.RoundHalfUp(r.Value, places)
	}
	num, den := new(big.Rat).SetFloat64(r.Numerator), new(big.Rat).SetFloat64(r.Denominator)
	if num == nil || den == nil || den.Sign() == 0 {
		return expr.RoundHalfUp(r.Value, places)
	}
	q := new(big.Rat).Quo(num, den)
	q.Mul(q, new(big.Rat).SetFloat64(u.Factor()))
	f, _ := expr.RoundRat(q, places).Float64()
	return f
}

// Cell asks for one indicator at one org unit over one span.
type Cell struct {
	Indicator string
	OrgUnit   string // org unit code
	Span      period.Span
	// Disagg, when set, counts only what falls under one option of a
	// disaggregation (sex=F, age=65+, type=public): see Engine.Options.
	Disagg Disagg
}

// Disagg is one option of a disaggregation dimension: Dim "sex", "age"
// or a category of the data elements ("type", "mode" …), Option its code
// ("F", "65+", "public"). The zero Disagg is the total.
type Disagg struct{ Dim, Option string }

// Evaluator computes indicators. The engine implements it; analytics,
// dashboards and reports use it. EvalMany must return results in the
// order of cells and should batch the work (one query per indicator and
// span for many org units, not one per cell).
type Evaluator interface {
	Library() *Library
	Eval(ctx context.Context, sc weijian.Scope, c Cell) (Result, error)
	EvalMany(ctx context.Context, sc weijian.Scope, cells []Cell) ([]Result, error)
	// Persons lists the persons behind a programme indicator's numerator
	// (numerator=true) or denominator (false) — the drill-down at the end
	// of county → township → village. Masked as the scope's role requires
	// is the caller's job; it returns ids and the facts a list shows.
	Persons(ctx context.Context, sc weijian.Scope, c Cell, numerator bool, limit int) ([]PersonRow, error)
}

// PersonRow is one person counted by an indicator.
type PersonRow struct {
	PersonID int64
	Village  string            // org unit code
	Facts    map[string]string // status values the list shows (末次随访日期 …)
}

// Library is the loaded set of definitions.
type Library struct {
	defs   []*Def
	byCode map[string]*Def
	consts map[string]*Constant
	// trees holds the parsed formulas per definition and version
	// ([numerator, denominator]); filled by Load, parsed on demand
	// otherwise.
	trees map[*Def][][2]expr.Node
}

// NewLibrary indexes defs by code.
func NewLibrary(defs []*Def) *Library {
	l := &Library{defs: defs, byCode: make(map[string]*Def, len(defs))}
	for _, d := range defs {
		l.byCode[d.Code] = d
	}
	return l
}

// Get returns the definition with code, or nil.
func (l *Library) Get(code string) *Def { return l.byCode[code] }

// All returns every definition in load order.
func (l *Library) All() []*Def { return l.defs }

// Constant returns the constant with code, or nil.
func (l *Library) Constant(code string) *Constant { return l.consts[code] }

// Constants returns the library's constants in code order.
func (l *Library) Constants() []*Constant {
	out := make([]*Constant, 0, len(l.consts))
	for _, c := range l.consts {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// Formulas returns the parsed numerator and denominator (nil for a count)
// of version v of d.
func (l *Library) Formulas(d *Def, v *Version) (num, den expr.Node, err error) {
	for i := range d.Versions {
		if &d.Versions[i] != v {
			continue
		}
		if ts := l.trees[d]; len(ts) == len(d.Versions) && ts[i][0] != nil {
			return ts[i][0], ts[i][1], nil
		}
	}
	if num, err = expr.Parse(v.Numerator); err != nil {
		return nil, nil, fmt.Errorf("%s numerator: %w", d.Code, err)
	}
	if v.Denominator != "" {
		if den, err = expr.Parse(v.Denominator); err != nil {
			return nil, nil, fmt.Errorf("%s denominator: %w", d.Code, err)
		}
	}
	return num, den, nil
}

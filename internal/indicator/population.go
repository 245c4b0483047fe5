package indicator

import (
	"strconv"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/expr"
	"github.com/weijian-health/weijian/internal/period"
)

// population answers pop{…} for q.Unit in the year the span starts: the
// stored population rolled up the tree as it stood on the span's first
// day (weijian.RollUpPopulation over the rows' paths of that day), read
// once per year for the run's counties; for one option of a sex or age
// disaggregation, the part of it the option keeps.
func (r *run) population(ref *expr.Ref, q expr.Query, opt Disagg) (expr.Value, error) {
	sel, err := popFilter(ref)
	if err != nil {
		return expr.Value{}, err
	}
	sel, empty, err := sel.narrow(opt)
	if err != nil || empty {
		return expr.Num(0), err
	}
	year := q.Span.Start.Year
	p, err := r.populationOf(q.Unit, year, q.Span.Start)
	if err != nil {
		return expr.Value{}, err
	}
	if p.Source == "" {
		return expr.NoData(strconv.Itoa(year) + " 年没有人口数据 (no population stored for the year)"), nil
	}
	return sumPopulation(p, sel)
}

func (r *run) populationOf(unit string, year int, day period.Date) (*weijian.Population, error) {
	if r.e.perCell {
		return r.e.store.Population(r.ctx, weijian.ScopeAll(), weijian.PopulationQuery{UnitCode: unit, Year: year})
	}
	if p, ok := r.pops[popKey{unit, year, day}]; ok {
		return p, nil
	}
	ent, ok := r.popRaw[year]
	if !ok {
		var err error
		if ent, err = r.e.yearPopulation(r.ctx, r.tree.countyCodes(), year); err != nil {
			return nil, err
		}
		r.popRaw[year] = ent
	}
	var p *weijian.Population
	var err error
	u := r.units[unit]
	if at := r.populationAt(ent, day); at.moved {
		hist := *u
		hist.Path = r.tree.pathAt(u.ID, day, u.Path)
		p, err = weijian.RollUpPopulation(&hist, year, at.rows, nil)
	} else {
		p, err = ent.rollUp(u) // the tree has not changed since: the rolled-up figures kept between runs
	}
	if err != nil {
		return nil, err
	}
	r.pops[popKey{unit, year, day}] = p
	return p, nil
}

type popDayKey struct {
	year int
	day  period.Date
}

// popAt is a year's population rows with the paths of their units as the
// tree stood on a day; moved is false when every path is today's.
type popAt struct {
	rows  []weijian.UnitPopulation
	moved bool
}

// populationAt rewrites the paths of ent's rows to the tree as it stood
// on day, so that a village moved since counts under its town of then.
func (r *run) populationAt(ent *popEntry, day period.Date) popAt {
	k := popDayKey{ent.year, day}
	if at, ok := r.popDay[k]; ok {
		return at
	}
	// Each distinct path is placed once; the rows are copied only when a
	// unit has moved since day (the usual answer is "none has").
	moved := map[string]string{}
	for _, path := range ent.distinctPaths() {
		if ids := weijian.PathIDs(path); len(ids) > 0 {
			if then := r.tree.pathAt(ids[len(ids)-1], day, path); then != path {
				moved[path] = then
			}
		}
	}
	at := popAt{rows: ent.data}
	if len(moved) > 0 {
		at.moved = true
		at.rows = make([]weijian.UnitPopulation, len(ent.data))
		for i, d := range ent.data {
			at.rows[i] = d
			if then, ok := moved[d.Path]; ok {
				at.rows[i].Path = then
			}
		}
	}
	if r.popDay == nil {
		r.popDay = map[popDayKey]popAt{}
	}
	r.popDay[k] = at
	return at
}

// pathAt is the path of unit id as the tree stood on day: the units of
// its chain (chain) under the stored ancestors of the chain's top (the
// county and above do not move); stored, the unit's path today, when the
// chain cannot be placed in it.
func (t *tree) pathAt(id int64, day period.Date, stored string) string {
	if t.byID[id] == nil {
		return stored
	}
	ids := weijian.PathIDs(stored)
	c := t.chain(id, day, ids)
	top := c[len(c)-1]
	at := -1
	for i, x := range ids {
		if x == top {
			at = i
		}
	}
	if at < 0 {
		return stored
	}
	var b strings.Builder
	b.WriteString("/")
	for _, x := range ids[:at] {
		b.WriteString(strconv.FormatInt(x, 10) + "/")
	}
	for i := len(c) - 1; i >= 0; i-- {
		b.WriteString(strconv.FormatInt(c[i], 10) + "/")
	}
	return b.String()
}

// sumPopulation sums the cells of p that sel keeps. A stored band or sex
// that straddles the selection cannot be split: no data, with the reason.
func sumPopulation(p *weijian.Population, sel popSel) (expr.Value, error) {
	if len(sel.bands) == 0 && len(sel.sexes) == 0 {
		return expr.Num(float64(p.Total)), nil
	}
	if len(sel.bands) == 0 && !p.MixedBands {
		total := int64(0)
		for _, s := range sel.sexes {
			total += map[int]int64{weijian.SexMale: p.Male, weijian.SexFemale: p.Female}[s]
		}
		return expr.Num(float64(total)), nil
	}
	if p.MixedBands {
		return expr.NoData("人口年龄组重叠，无法按年龄取数 (stored age bands overlap)"), nil
	}
	total := int64(0)
	for _, c := range p.Cells {
		in, straddles := bandIn(c.Age, sel.bands)
		if straddles {
			return expr.NoData("人口年龄组 " + c.Age.String() + " 跨越所需年龄段 (a stored age band straddles the one asked)"), nil
		}
		if !in {
			continue
		}
		if len(sel.sexes) > 0 {
			if c.Sex != weijian.SexMale && c.Sex != weijian.SexFemale {
				return expr.NoData("人口未分性别 (population not stored by sex)"), nil
			}
			if !containsInt(sel.sexes, c.Sex) {
				continue
			}
		}
		total += c.Count
	}
	return expr.Num(float64(total)), nil
}

func bandIn(b weijian.AgeBand, sel []weijian.AgeBand) (in, straddles bool) {
	for _, s := range sel {
		if s.Contains(b) {
			return true, false
		}
		if s.Overlaps(b) {
			straddles = true
		}
	}
	return false, straddles
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

package weijian

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// UnitPopulation is one stored population count with the path of its unit.
type UnitPopulation struct {
	Path string
	Cell PopulationCell
}

// PopulationGroup is the unit-year an import replaces as a whole.
type PopulationGroup struct {
	UnitID int64
	Year   int
}

// CheckPopulationRows validates population rows against the stored units
// and the caller's scope, and groups them by unit and year. Every problem
// is reported with its row; with any problem nothing is returned.
//
// A census table gives 合计 rows beside their parts (男 and 女 of an age
// band, or the age bands of a sex): such a row is checked against the sum
// of its parts (see checkTotals) and not stored, since the parts hold the
// same people; totals counts them.
func CheckPopulationRows(rows []PopulationRow, units map[string]*OrgUnit, sc Scope) (groups map[PopulationGroup][]PopulationCell, totals int, err error) {
	var is popIssues
	byGroup := map[PopulationGroup][]PopulationRow{}
	var order []PopulationGroup
	for _, r := range rows {
		u := units[r.UnitCode]
		if !is.checkRow(r, u, sc) {
			continue
		}
		g := PopulationGroup{u.ID, r.Year}
		if byGroup[g] == nil {
			order = append(order, g)
		}
		byGroup[g] = append(byGroup[g], r)
	}
	groups = make(map[PopulationGroup][]PopulationCell, len(byGroup))
	for _, g := range order {
		parts, n := is.checkTotals(byGroup[g])
		totals += n
		cells := make([]PopulationCell, len(parts))
		for i, r := range parts {
			cells[i] = PopulationCell{Sex: r.Sex, Age: r.Age, Count: r.Count}
		}
		groups[g] = cells
	}
	if len(is.list) > 0 {
		sort.SliceStable(is.list, func(i, j int) bool { return is.list[i].Row < is.list[j].Row })
		return nil, 0, is.failure()
	}
	return groups, totals, nil
}

// checkRow checks one row on its own: its unit, year, sex and count.
func (is *popIssues) checkRow(r PopulationRow, u *OrgUnit, sc Scope) bool {
	switch {
	case u == nil:
		is.add(r, "unit_code", r.UnitCode, "unknown_unit", T("单位代码不存在（请先导入区划和机构）", "unknown unit code (import the org units first)"))
	case !sc.Covers(u.Path):
		is.add(r, "unit_code", r.UnitCode, "out_of_scope", T("无权修改该单位的人口数据", "this unit is outside your scope"))
	case u.IsFacility():
		is.add(r, "unit_code", r.UnitCode, "facility_population", T("人口数据只能填报到区划（省、市、县、乡镇、村），不能填报到机构",
			"population belongs to areas (province … village), not to facilities"))
	case !u.Current() && r.Year > u.ValidTo.Year():
		is.add(r, "year", fmt.Sprint(r.Year), "unit_closed", T(
			fmt.Sprintf("该单位已于%s停用，不能填报之后年份的人口", u.ValidTo.Format("2006-01-02")),
			fmt.Sprintf("the unit closed on %s: no population after that year", u.ValidTo.Format("2006-01-02"))))
	case r.Year < 1949 || r.Year > 2100:
		is.add(r, "year", fmt.Sprint(r.Year), "bad_year", T("年份应在1949至2100之间", "year must be between 1949 and 2100"))
	case r.Sex < 0 || r.Sex > 2:
		is.add(r, "sex", fmt.Sprint(r.Sex), "bad_sex", T("性别应为 1（男）、2（女）或 0（合计）", "sex must be 1 (male), 2 (female) or 0 (both)"))
	case r.Count < 0:
		is.add(r, "count", fmt.Sprint(r.Count), "negative_count", T("人数不能为负数", "count cannot be negative"))
	default:
		return true
	}
	return false
}

// RollUpPopulation computes the population of unit u in year from the
// stored rows of its subtree (rows outside it are ignored).
//
// The rule: a unit's figures are its own stored rows if it has any;
// otherwise the sum of its children's figures, each by the same rule. So
// a county imported as a whole and a county built from its villages both
// work, and nothing is counted twice. When a unit has its own rows and
// rows below it too, the own rows win and BelowTotal reports the other sum
// if it differs.
//
// With bands, cells are summed into those bands (a stored band must lie
// inside one requested band, or the result is an error); without, into the
// stored bands — unless units store overlapping bands (one by age, one a
// total), when only the totals are given and MixedBands is set.
func RollUpPopulation(u *OrgUnit, year int, data []UnitPopulation, bands []AgeBand) (*Population, error) {
	byPath := map[string][]PopulationCell{}
	for _, d := range data {
		if strings.HasPrefix(d.Path, u.Path) {
			byPath[d.Path] = append(byPath[d.Path], d.Cell)
		}
	}
	p := &Population{UnitCode: u.Code, Year: year}
	own, hasOwn := byPath[u.Path]
	below := topmost(byPath, u.Path)
	var cells []PopulationCell
	switch {
	case hasOwn:
		p.Source, cells = "own", own
		if len(below) > 0 {
			if t := total(below); t != total(own) {
				p.BelowTotal = t
			}
		}
	case len(below) > 0:
		p.Source, cells = "below", below
	}
	for _, c := range cells {
		p.Total += c.Count
		switch c.Sex {
		case SexMale:
			p.Male += c.Count
		case SexFemale:
			p.Female += c.Count
		}
	}
	merged, mixed, err := mergeCells(cells, bands)
	if err != nil {
		return nil, err
	}
	p.Cells, p.MixedBands = merged, mixed
	return p, nil
}

// topmost returns the cells of the highest data-holding units strictly
// below root: those with no data-holding ancestor under root.
func topmost(byPath map[string][]PopulationCell, root string) []PopulationCell {
	paths := make([]string, 0, len(byPath))
	for p := range byPath {
		if p != root {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths) // an ancestor sorts before its descendants
	var out []PopulationCell
	last := ""
	for _, p := range paths {
		if last != "" && strings.HasPrefix(p, last) {
			continue
		}
		last = p
		out = append(out, byPath[p]...)
	}
	return out
}

func total(cells []PopulationCell) int64 {
	var t int64
	for _, c := range cells {
		t += c.Count
	}
	return t
}

type cellKey struct {
	sex int
	age AgeBand
}

// mergeCells sums cells into the requested bands, or into the stored
// bands when none are requested; mixed reports stored bands that overlap
// (then no cells are returned: only the totals are meaningful).
func mergeCells(cells []PopulationCell, bands []AgeBand) (out []PopulationCell, mixed bool, err error) {
	sums := map[cellKey]int64{}
	for _, c := range cells {
		age := c.Age
		if len(bands) > 0 {
			var ok bool
			if age, ok = bandFor(c.Age, bands); !ok {
				continue
			}
			if age == (AgeBand{-1, -1}) {
				return nil, false, Invalid(T(
					fmt.Sprintf("存储的年龄组 %s 跨越了所请求的年龄组，无法拆分", c.Age),
					fmt.Sprintf("the stored age band %s straddles the requested bands and cannot be split", c.Age)))
			}
		}
		sums[cellKey{c.Sex, age}] += c.Count
	}
	out = make([]PopulationCell, 0, len(sums))
	for k, n := range sums {
		out = append(out, PopulationCell{Sex: k.sex, Age: k.age, Count: n})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Age.From != b.Age.From {
			return a.Age.From < b.Age.From
		}
		if a.Age.To != b.Age.To {
			return a.Age.To < b.Age.To
		}
		return a.Sex < b.Sex
	})
	if len(bands) == 0 {
		for i := 1; i < len(out); i++ {
			if out[i].Age != out[i-1].Age && out[i].Age.Overlaps(out[i-1].Age) {
				return nil, true, nil
			}
		}
	}
	return out, false, nil
}

// bandFor returns the requested band holding age; ok is false when none
// overlaps it, and the band is {-1,-1} when age straddles a boundary.
func bandFor(age AgeBand, bands []AgeBand) (AgeBand, bool) {
	for _, b := range bands {
		if b.Contains(age) {
			return b, true
		}
		if b.Overlaps(age) {
			return AgeBand{-1, -1}, true
		}
	}
	return AgeBand{}, false
}

// Coverage says how complete a rolled-up figure is. The areas counted are
// the lowest-level areas ("leaves": usually villages) under a unit: a leaf
// is covered when it or an area above it (within the unit) has figures for
// the year, so the roll-up includes its people. A figure summed from 2 of
// 239 villages is 2/239, never silently the total.
type Coverage struct {
	Covered  int `json:"coveredUnits"`
	Expected int `json:"expectedUnits"`
	// Level is the level of the leaves when they all share one ("village"),
	// "" when they are mixed (a town without villages beside villages).
	Level string `json:"coverageLevel,omitempty"`
}

// Complete reports whether every expected area is covered.
func (c Coverage) Complete() bool { return c.Covered >= c.Expected }

// Area is an area of the tree as the coverage rule needs it.
type Area struct {
	ID, ParentID int64
	Path, Level  string
	ValidTo      time.Time // zero while current
}

// CoverageOf returns the coverage of the unit at root in year, given the
// areas of its subtree (facilities excluded) and the paths of the units
// holding figures for that year.
//
// The leaves are the areas with no child area that is in force in the
// year. A leaf is expected when it is current, closed after the year, or
// closed during the year with figures of its own (they count); a leaf
// closed before the year is not expected.
func CoverageOf(root string, year int, areas []Area, holders []string) Coverage {
	var live []Area
	hasKid := map[int64]bool{}
	for _, a := range areas {
		if strings.HasPrefix(a.Path, root) && (a.ValidTo.IsZero() || a.ValidTo.Year() >= year) {
			live = append(live, a)
			hasKid[a.ParentID] = true
		}
	}
	held := map[string]bool{}
	for _, h := range holders {
		if strings.HasPrefix(h, root) {
			held[h] = true
		}
	}
	c := Coverage{}
	mixed := false
	for _, a := range live {
		if hasKid[a.ID] {
			continue
		}
		if !a.ValidTo.IsZero() && a.ValidTo.Year() <= year && !held[a.Path] {
			continue // closed during the year without figures of its own
		}
		covered := heldAtOrAbove(a.Path, root, held)
		c.Expected++
		if covered {
			c.Covered++
		}
		switch {
		case c.Level == "" && !mixed:
			c.Level = a.Level
		case c.Level != a.Level:
			c.Level, mixed = "", true
		}
	}
	return c
}

// heldAtOrAbove reports whether the unit at path, or an ancestor of it
// at or below root, holds figures (a path per level: no scan of holders).
func heldAtOrAbove(path, root string, held map[string]bool) bool {
	for p := path; len(p) >= len(root); {
		if held[p] {
			return true
		}
		i := strings.LastIndex(p[:len(p)-1], "/")
		if i < 0 {
			break
		}
		p = p[:i+1]
	}
	return false
}

// YearCoverage is the coverage of a unit's figures in one year.
type YearCoverage struct {
	Year int `json:"year"`
	Coverage
}

// LatestComplete returns the latest year whose figures are complete, or
// the latest year when none is (the caller then shows the gap); 0 when
// there are no years. years is latest first.
func LatestComplete(years []YearCoverage) int {
	for _, y := range years {
		if y.Complete() {
			return y.Year
		}
	}
	if len(years) > 0 {
		return years[0].Year
	}
	return 0
}

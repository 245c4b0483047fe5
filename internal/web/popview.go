package web

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/weijian-health/weijian"
)

// popView is the population of one unit in one year, ready for the
// population section of a page.
type popView struct {
	Unit      *weijian.OrgUnit
	Years     []int
	Year      int
	Pop       *weijian.Population
	Bands     []bandRow
	Chart     string // pyramid option, JSON
	Forbidden bool   // the unit's population is outside the user's scope
	Empty     bool   // no population stored for the unit
	// YearOpts are the years for the year select, partial ones marked.
	YearOpts []option
	// Coverage states how complete the figures are ("覆盖 2/239 个村（社区）");
	// Partial is set when some expected areas have no figures.
	Coverage string
	Partial  bool
	// Latest is the latest complete year (the default), or the latest
	// year when none is complete (HasComplete false).
	Latest      int
	HasComplete bool
	// TotalsOnly is set when there are no age bands to show (only totals
	// are stored, or the units below store bands that do not fit
	// together): no pyramid, and the band table is the total row alone.
	TotalsOnly bool
}

// bandRow is one age band of a population table.
type bandRow struct {
	Label               string
	Male, Female, Total int64
}

// fiveYearBands are the bands of the pyramid: 0–4 … 80–84, 85+.
func fiveYearBands() []weijian.AgeBand {
	var bs []weijian.AgeBand
	for a := 0; a < 85; a += 5 {
		bs = append(bs, weijian.AgeBand{From: a, To: a + 5})
	}
	return append(bs, weijian.AgeBand{From: 85, To: weijian.AgeOpen})
}

// popScope is the scope in which the user may read population.
func popScope(r *http.Request) weijian.Scope {
	return currentUser(r).ScopeFor(weijian.PermViewPopulation)
}

// population builds the popView of u for the year asked (or the latest).
func (s *Server) population(r *http.Request, u *weijian.OrgUnit, yearParam string) (*popView, error) {
	v := &popView{Unit: u}
	sc := popScope(r)
	if !sc.Covers(u.Path) {
		v.Forbidden = true
		return v, nil
	}
	cov, err := s.store.PopulationCoverage(r.Context(), sc, u.Code)
	if err != nil {
		return nil, err
	}
	if len(cov) == 0 {
		v.Empty = true
		return v, nil
	}
	v.Latest = weijian.LatestComplete(cov)
	v.Year = v.Latest
	for _, c := range cov {
		v.Years = append(v.Years, c.Year)
		v.HasComplete = v.HasComplete || c.Complete()
	}
	if y, err := strconv.Atoi(yearParam); err == nil && slices.Contains(v.Years, y) {
		v.Year = y
	}
	n, err := s.names(r.Context())
	if err != nil {
		return nil, err
	}
	v.YearOpts = s.yearOptions(r, n, cov, v.Year)
	if v.Pop, err = s.bandedPopulation(r, sc, u.Code, v.Year); err != nil {
		return nil, err
	}
	v.Empty = v.Pop.Source == ""
	v.Coverage, v.Partial = s.coverageText(r, n, v.Pop.Coverage), !v.Pop.Complete()
	v.Bands = bandRows(v.Pop, info(r).lang)
	if v.TotalsOnly = totalsOnly(v.Pop); v.TotalsOnly {
		v.Bands = nil
		return v, nil
	}
	v.Chart, err = toJSON(s.pyramid(r, v.Bands))
	return v, err
}

// totalsOnly reports whether p has no breakdown by age: every cell is
// the all-ages band.
func totalsOnly(p *weijian.Population) bool {
	for _, c := range p.Cells {
		if c.Age != weijian.AllAges {
			return false
		}
	}
	return true
}

// yearOptions are the years of a year select, latest first; a year whose
// figures are incomplete says so.
func (s *Server) yearOptions(r *http.Request, n *names, cov []weijian.YearCoverage, selected int) []option {
	out := make([]option, len(cov))
	for i, c := range cov {
		label := strconv.Itoa(c.Year)
		if !c.Complete() {
			label += " · " + s.msg(r, "pop.partialYear", c.Covered, c.Expected)
		}
		out[i] = option{Value: strconv.Itoa(c.Year), Label: label, Selected: c.Year == selected}
	}
	return out
}

// coverageText states how complete a figure is: "覆盖 2/239 个村（社区）".
func (s *Server) coverageText(r *http.Request, n *names, c weijian.Coverage) string {
	if c.Expected == 0 {
		return ""
	}
	what := s.msg(r, "pop.leafAreas")
	if c.Level != "" {
		what = n.levelName(c.Level, info(r).lang)
	}
	return s.msg(r, "pop.coverage", c.Covered, c.Expected, what)
}

// bandedPopulation reads the population in 5-year bands; in the stored
// bands when those do not fit into 5-year ones; and as totals by sex when
// the units below store bands that do not fit together either.
func (s *Server) bandedPopulation(r *http.Request, sc weijian.Scope, code string, year int) (*weijian.Population, error) {
	var p *weijian.Population
	var err error
	for _, bands := range [][]weijian.AgeBand{fiveYearBands(), nil, {weijian.AllAges}} {
		p, err = s.store.Population(r.Context(), sc, weijian.PopulationQuery{UnitCode: code, Year: year, Bands: bands})
		if weijian.ErrorKind(err) != weijian.KindInvalid {
			break
		}
	}
	return p, err
}

// bandRows turns population cells into one row per age band, youngest first.
func bandRows(p *weijian.Population, lang string) []bandRow {
	var rows []bandRow
	index := map[weijian.AgeBand]int{}
	for _, c := range p.Cells {
		i, ok := index[c.Age]
		if !ok {
			i = len(rows)
			index[c.Age] = i
			rows = append(rows, bandRow{Label: c.Age.Label(lang)})
		}
		switch c.Sex {
		case weijian.SexMale:
			rows[i].Male += c.Count
		case weijian.SexFemale:
			rows[i].Female += c.Count
		}
		rows[i].Total += c.Count
	}
	return rows
}

func (s *Server) pyramid(r *http.Request, rows []bandRow) chartOption {
	labels := make([]string, len(rows))
	male, female := make([]int64, len(rows)), make([]int64, len(rows))
	for i, b := range rows {
		labels[i], male[i], female[i] = b.Label, b.Male, b.Female
	}
	return pyramidOption(s.msg(r, "pop.male"), s.msg(r, "pop.female"), labels, male, female)
}

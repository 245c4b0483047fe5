package web

import (
	"net/http"

	"github.com/weijian-health/weijian"
)

// homePage is the county at a glance, within the user's scope.
type homePage struct {
	basePage
	Unit        *weijian.OrgUnit
	Kind        string // the unit's level name
	Counts      []countRow
	Facilities  []countRow
	FacTotal    int
	Pop         *popView
	Chart       string // population by child unit, JSON; "" when none
	ChartHeight int    // pixels: the bar chart grows with its bars
	NoUnits     bool
}

// countRow is a count with a label and a link to the list it counts.
type countRow struct {
	Label string
	Count int
	Link  string
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	p := &homePage{basePage: s.base(r, "home", s.msg(r, "nav.home"))}
	u, err := s.homeUnit(r)
	if err == errNoUnits {
		p.NoUnits = true
		return s.render(w, r, http.StatusOK, "home", p)
	} else if err != nil {
		return err
	}
	p.Unit = u
	n, err := s.names(r.Context())
	if err != nil {
		return err
	}
	p.Kind = n.kind(u, info(r).lang)
	if err := s.homeCounts(r, n, p); err != nil {
		return err
	}
	if p.Pop, err = s.population(r, u, r.URL.Query().Get("year")); err != nil {
		return err
	}
	if !p.Pop.Forbidden && !p.Pop.Empty {
		var bars int
		if p.Chart, bars, err = s.childChart(r, u, p.Pop.Year); err != nil {
			return err
		}
		p.ChartHeight = max(240, 26*bars+40)
	}
	return s.render(w, r, http.StatusOK, "home", p)
}

// homeCounts counts the areas of each level below the home unit, and the
// facilities by type.
func (s *Server) homeCounts(r *http.Request, n *names, p *homePage) error {
	ctx, sc, lang := r.Context(), unitScope(r), info(r).lang
	home := p.Unit
	for _, l := range n.levels {
		if l.Key == weijian.LevelFacility || l.Rank <= n.level[home.Level].Rank {
			continue
		}
		_, total, err := s.store.SearchOrgUnits(ctx, sc, weijian.OrgUnitFilter{Under: home.Code, Level: l.Key, Limit: 1})
		if err != nil {
			return err
		}
		if total > 0 {
			p.Counts = append(p.Counts, countRow{l.Name.In(lang), total, searchLink(home.Code, l.Key, "")})
		}
	}
	facs, total, err := s.store.SearchOrgUnits(ctx, sc, weijian.OrgUnitFilter{Under: home.Code,
		Level: weijian.LevelFacility, Limit: 10000})
	if err != nil {
		return err
	}
	p.FacTotal = total
	byType := map[string]int{}
	for _, f := range facs {
		byType[f.FacilityType]++
	}
	for _, t := range n.types {
		if c := byType[t.Key]; c > 0 {
			p.Facilities = append(p.Facilities, countRow{t.Name.In(lang), c, searchLink(home.Code, weijian.LevelFacility, t.Key)})
		}
	}
	return nil
}

// childChart is a bar chart of the population of each area below u.
// It also returns the number of bars.
func (s *Server) childChart(r *http.Request, u *weijian.OrgUnit, year int) (string, int, error) {
	pops, err := s.store.ChildPopulations(r.Context(), popScope(r), u.Code, year)
	if err != nil {
		return "", 0, err
	}
	kids, err := s.store.Children(r.Context(), unitScope(r), u.Code)
	if err != nil {
		return "", 0, err
	}
	var labels []string
	var values []int64
	for _, k := range areasOf(kids) {
		if n, ok := pops[k.Code]; ok {
			labels, values = append(labels, k.Name), append(values, n)
		}
	}
	if len(labels) == 0 {
		return "", 0, nil
	}
	js, err := toJSON(barOption(s.msg(r, "pop.total"), labels, values))
	return js, len(labels), err
}

// unitScope is the scope in which the user may see org units.
func unitScope(r *http.Request) weijian.Scope {
	return currentUser(r).ScopeFor(weijian.PermViewOrgUnits)
}

package web

import (
	"net/http"
	"strconv"

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
	HasAreas    bool             // the unit has areas below it (the chart panel)
	Parent      *weijian.OrgUnit // the area a facility belongs to
	TypeName    string
	Tasks       []task    // what the user's roles let them do here
	Dash        *dashView // the key indicators, for those who may see them
}

// task is an entry of the home page's "what you can do" panel.
type task struct {
	Title, Desc, Link string
}

// tasks lists the pages the user can use, each with a line saying what
// for: every role gets a home page that leads somewhere.
func (s *Server) tasks(r *http.Request, u *weijian.OrgUnit, can menuPerms, admin bool) []task {
	t := func(title, desc, link string) task { return task{s.msg(r, title), s.msg(r, desc), link} }
	out := []task{t("nav.orgunits", "home.task.orgunits", "/orgunits/"+u.Code)}
	if can.Population {
		out = append(out, t("nav.population", "home.task.population", "/population?unit="+u.Code))
	}
	if can.Import {
		out = append(out, t("nav.import", "home.task.import", "/import"))
	}
	if admin {
		out = append(out, t("nav.users", "home.task.users", "/users"))
	}
	if can.Residents {
		out = append(out, t("nav.residents", "home.task.residents", "/residents"),
			t("nav.worklists", "home.task.worklists", "/worklists"))
	}
	if can.Cases {
		out = append(out, t("nav.surveillance", "home.task.cases", surveillanceLink(can)))
	}
	if can.DataSets {
		out = append(out, t("nav.reports", "home.task.reports", "/datasets"))
	}
	if can.Dashboards {
		out = append(out, t("nav.dashboard", "home.task.dashboard", "/dashboard"),
			t("nav.targets", "home.task.targets", "/targets"))
	}
	return append(out, t("nav.account", "home.task.account", "/account"))
}

// surveillanceLink is where the surveillance entry leads: the signals
// inbox for those who respond to signals, the case list for reporters.
func surveillanceLink(can menuPerms) string {
	if can.Surveillance {
		return "/surveillance/signals"
	}
	return "/surveillance/cases"
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
	p.Tasks = s.tasks(r, u, p.Can, p.CanAdmin)
	if s.canDash(r) && !u.IsFacility() {
		if p.Dash, err = s.dashboard(r); err != nil {
			return err
		}
	}
	p.HasAreas = len(p.Counts) > 0
	if u.IsFacility() {
		p.TypeName = n.typeName(u.FacilityType, info(r).lang)
		p.Parent, _ = s.store.OrgUnitByID(r.Context(), unitScope(r), u.ParentID)
	}
	if p.Pop, err = s.population(r, u, r.URL.Query().Get("year")); err != nil {
		return err
	}
	if !p.Pop.Forbidden && !p.Pop.Empty && p.HasAreas {
		var bars int
		if p.Chart, bars, err = s.childChart(r, u, p.Pop.Year); err != nil {
			return err
		}
		p.ChartHeight = max(240, 26*bars+40)
	}
	return s.render(w, r, http.StatusOK, "home", p)
}

// homeCounts counts the areas of each level below the home unit, and the
// facilities by type. The store counts: no list of units is read (a
// province has ~25,000 facilities).
func (s *Server) homeCounts(r *http.Request, n *names, p *homePage) error {
	home, lang := p.Unit, info(r).lang
	for _, l := range n.levels {
		if l.Key == weijian.LevelFacility || l.Rank <= n.level[home.Level].Rank {
			continue
		}
		total, err := s.countUnits(r, home.Code, l.Key, "")
		if err != nil {
			return err
		}
		if total > 0 {
			p.Counts = append(p.Counts, countRow{l.Name.In(lang), total, searchLink(home.Code, l.Key, "")})
		}
	}
	var err error
	if p.FacTotal, err = s.countUnits(r, home.Code, weijian.LevelFacility, ""); err != nil {
		return err
	}
	counted := 0
	for _, t := range n.types {
		if counted == p.FacTotal {
			break // the remaining types have none
		}
		c, err := s.countUnits(r, home.Code, weijian.LevelFacility, t.Key)
		if err != nil {
			return err
		}
		if c > 0 {
			counted += c
			p.Facilities = append(p.Facilities, countRow{t.Name.In(lang), c, searchLink(home.Code, weijian.LevelFacility, t.Key)})
		}
	}
	return nil
}

// countUnits counts the current units of a level (and facility type, if
// typ is not "") under the unit with code, within the user's scope. The
// store returns the count of all matches with a page of one unit.
func (s *Server) countUnits(r *http.Request, under, level, typ string) (int, error) {
	_, total, err := s.store.SearchOrgUnits(r.Context(), unitScope(r),
		weijian.OrgUnitFilter{Under: under, Level: level, FacilityType: typ, Limit: 1})
	return total, err
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
			label := k.Name
			if !n.Complete() {
				label += "（" + strconv.Itoa(n.Covered) + "/" + strconv.Itoa(n.Expected) + "）"
			}
			labels, values = append(labels, label), append(values, n.Total)
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

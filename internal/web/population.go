package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/weijian-health/weijian"
)

// populationPage is the population of one unit: pyramid, age bands and
// the population of each unit below it.
type populationPage struct {
	basePage
	Unit        *weijian.OrgUnit
	Ancestors   []*weijian.OrgUnit
	Pop         *popView
	Children    []unitRow
	Export      exportLinks
	ChildExport exportLinks
	ChildPops   int // children with figures in the year
}

func (s *Server) populationPage(w http.ResponseWriter, r *http.Request) error {
	u, err := s.pickedUnit(r)
	if err != nil {
		return err
	}
	p := &populationPage{basePage: s.base(r, "population", s.msg(r, "nav.population")+" · "+u.Name), Unit: u}
	if p.Ancestors, err = s.store.Ancestors(r.Context(), unitScope(r), u.Code); err != nil {
		return err
	}
	if p.Pop, err = s.population(r, u, r.URL.Query().Get("year")); err != nil {
		return err
	}
	if p.Pop.Forbidden {
		return popOutOfScope(r)
	}
	n, err := s.names(r.Context())
	if err != nil {
		return err
	}
	if !p.Pop.Empty {
		if p.Children, _, err = s.children(r, n, u, p.Pop.Year, unitFilter{}); err != nil {
			return err
		}
		for _, c := range p.Children {
			if c.HasPop {
				p.ChildPops++
			}
		}
	}
	q := r.URL.Query()
	q.Set("unit", u.Code)
	p.Export = exportQuery("/population/export", q)
	p.ChildExport = exportQuery("/orgunits/"+u.Code+"/children/export", yearQuery(p.Pop.Year))
	return s.render(w, r, http.StatusOK, "population", p)
}

// popOutOfScope is the answer, in the UI and the API alike, when the
// population asked for lies outside the caller's scope: 404, as for a unit
// outside it, so that the answer tells nothing about units the caller
// cannot read and a script sees the same status as a browser. A role
// without the permission anywhere gets 403 instead: no unit would do.
func popOutOfScope(r *http.Request) error {
	if !currentUser(r).Can(weijian.PermViewPopulation) {
		return errNoPopRole
	}
	return errPopNotFound
}

var (
	errNoPopRole = weijian.E(weijian.KindForbidden, weijian.T("您的角色不能查看人口数据",
		"your role does not give access to population figures"))
	errPopNotFound = weijian.E(weijian.KindNotFound, weijian.T("您的权限范围内没有该单位的人口数据",
		"no population of this unit within your scope"))
)

// pickedUnit is the unit named by ?unit= (a code, or an exact name), or
// the user's home unit.
func (s *Server) pickedUnit(r *http.Request) (*weijian.OrgUnit, error) {
	text := strings.TrimSpace(r.URL.Query().Get("unit"))
	if text == "" {
		return s.homeUnit(r)
	}
	return s.resolveUnit(r, unitScope(r), text)
}

// resolveUnit finds a unit by code, or else by its exact name when only
// one unit in the scope has it.
func (s *Server) resolveUnit(r *http.Request, sc weijian.Scope, text string) (*weijian.OrgUnit, error) {
	u, err := s.store.OrgUnit(r.Context(), sc, text)
	if weijian.ErrorKind(err) != weijian.KindNotFound {
		return u, err
	}
	found, _, serr := s.store.SearchOrgUnits(r.Context(), sc, weijian.OrgUnitFilter{Query: text, Limit: 50})
	if serr != nil {
		return nil, serr
	}
	var match *weijian.OrgUnit
	for _, f := range found {
		if f.Name == text {
			if match != nil {
				return nil, weijian.Invalid(weijian.T("有多个名为“"+text+"”的单位，请输入代码",
					"several units are named "+text+": give the code"))
			}
			match = f
		}
	}
	if match == nil {
		return nil, err
	}
	return match, nil
}

// exportPopulation exports the population stored for a unit and the units
// below it in the year shown, in the import's shape.
func (s *Server) exportPopulation(w http.ResponseWriter, r *http.Request) error {
	u, err := s.pickedUnit(r)
	if err != nil {
		return err
	}
	pv, err := s.population(r, u, r.URL.Query().Get("year"))
	if err != nil {
		return err
	}
	if pv.Forbidden {
		return popOutOfScope(r)
	}
	rows, err := s.store.PopulationRows(r.Context(), popScope(r), u.Code, pv.Year)
	if err != nil {
		return err
	}
	return s.export(w, r, u.Name+"-"+s.msg(r, "export.population"), s.populationExport(r, rows))
}

func yearQuery(year int) map[string][]string {
	if year == 0 {
		return map[string][]string{}
	}
	return map[string][]string{"year": {strconv.Itoa(year)}}
}

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

// resolveUnit finds a unit by code, or else by its name: the one unit in
// the scope with exactly that name, else the one whose name begins with
// it (钟涵村 for 钟涵村委会); areas before facilities (中坝社区 is the
// 居委会, not its 卫生服务站). Otherwise the error says what to type: the
// units that begin so (up to five, with their codes), or that none does.
func (s *Server) resolveUnit(r *http.Request, sc weijian.Scope, text string) (*weijian.OrgUnit, error) {
	u, err := s.store.OrgUnit(r.Context(), sc, text)
	if weijian.ErrorKind(err) != weijian.KindNotFound {
		return u, err
	}
	found, _, serr := s.store.SearchOrgUnits(r.Context(), sc, weijian.OrgUnitFilter{Query: text, Limit: 50})
	if serr != nil {
		return nil, serr
	}
	var exact, prefix []*weijian.OrgUnit
	for _, f := range areasFirst(found) {
		switch {
		case f.Name == text:
			exact = append(exact, f)
		case strings.HasPrefix(f.Name, text):
			prefix = append(prefix, f)
		}
	}
	switch {
	case len(exact) == 1:
		return exact[0], nil
	case len(exact) == 0 && len(prefix) == 1:
		return prefix[0], nil
	case len(exact)+len(prefix) == 0:
		return nil, weijian.E(weijian.KindNotFound, weijian.T("未找到“"+weijian.Clip(text)+"”：您的范围内没有此名称或代码的单位；请输入村（居）委会或乡镇的名称，或12位区划代码",
			"“"+weijian.Clip(text)+"” not found: no unit in your scope has this name or code; enter the name of a village or township, or its 12-digit code"))
	}
	var names []string
	for _, f := range append(exact, prefix...)[:min(5, len(exact)+len(prefix))] {
		names = append(names, f.Name+"（"+f.Code+"）")
	}
	list := strings.Join(names, "、")
	return nil, weijian.Invalid(weijian.T("“"+weijian.Clip(text)+"”可指多个单位："+list+"，请输入其中一个的代码",
		"“"+weijian.Clip(text)+"” matches several units: "+list+"; enter one's code"))
}

// areasFirst keeps the areas among units, or the units if none is one.
func areasFirst(units []*weijian.OrgUnit) []*weijian.OrgUnit {
	var areas []*weijian.OrgUnit
	for _, u := range units {
		if !u.IsFacility() {
			areas = append(areas, u)
		}
	}
	if len(areas) == 0 {
		return units
	}
	return areas
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

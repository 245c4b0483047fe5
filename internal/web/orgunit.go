package web

import (
	"net/http"
	"strings"

	"github.com/weijian-health/weijian"
)

// orgUnitPage is one unit: where it sits, what it is, its history, its
// children and its population.
type orgUnitPage struct {
	basePage
	Unit      *weijian.OrgUnit
	Kind      string
	LevelName string
	TypeName  string
	Ancestors []*weijian.OrgUnit
	Successor *weijian.OrgUnit
	History   []weijian.OrgUnitVersion
	Children  []unitRow
	KidCount  int // children before the filter
	Filter    unitFilter
	Export    exportLinks
	Pop       *popView
}

func (s *Server) orgUnit(w http.ResponseWriter, r *http.Request) error {
	ctx, sc, code := r.Context(), unitScope(r), r.PathValue("code")
	u, err := s.store.OrgUnit(ctx, sc, code)
	if err != nil {
		return err
	}
	n, err := s.names(ctx)
	if err != nil {
		return err
	}
	lang := info(r).lang
	p := &orgUnitPage{basePage: s.base(r, "orgunits", u.Name), Unit: u, Kind: n.kind(u, lang),
		LevelName: n.levelName(u.Level, lang), TypeName: n.typeName(u.FacilityType, lang)}
	if p.Ancestors, err = s.store.Ancestors(ctx, sc, code); err != nil {
		return err
	}
	if p.History, err = s.store.OrgUnitHistory(ctx, sc, code); err != nil {
		return err
	}
	if u.ReplacedBy != 0 {
		p.Successor, _ = s.store.OrgUnitByID(ctx, sc, u.ReplacedBy)
	}
	if p.Pop, err = s.population(r, u, r.URL.Query().Get("year")); err != nil {
		return err
	}
	p.Filter = s.unitFilter(r, n)
	if p.Children, p.KidCount, err = s.children(r, n, u, p.Pop.Year, p.Filter); err != nil {
		return err
	}
	p.Export = exportQuery("/orgunits/"+code+"/children/export", r.URL.Query())
	return s.render(w, r, http.StatusOK, "orgunit", p)
}

// children lists the unit's children that pass the filter, with each
// one's population in year when the user may see it; it also returns
// the number of children before filtering.
func (s *Server) children(r *http.Request, n *names, u *weijian.OrgUnit, year int, f unitFilter) ([]unitRow, int, error) {
	kids, err := s.store.Children(r.Context(), unitScope(r), u.Code)
	if err != nil {
		return nil, 0, err
	}
	var pops map[string]weijian.ChildPopulation
	if sc := popScope(r); year != 0 && sc.Covers(u.Path) {
		if pops, err = s.store.ChildPopulations(r.Context(), sc, u.Code, year); err != nil {
			return nil, 0, err
		}
	}
	var keep []*weijian.OrgUnit
	for _, k := range kids {
		if f.matches(k) {
			keep = append(keep, k)
		}
	}
	rows := s.unitRows(r, n, keep, false)
	for i := range rows {
		rows[i].Parent = u.Name
		var c weijian.ChildPopulation
		c, rows[i].HasPop = pops[rows[i].Code]
		rows[i].Population = c.Total
		if rows[i].HasPop && !c.Complete() {
			rows[i].Coverage = s.coverageText(r, n, c.Coverage)
		}
	}
	return rows, len(kids), nil
}

// matches applies the filter to one unit in memory (a unit's children are
// few): part of the name, pinyin initials or code prefix; level; type.
func (f unitFilter) matches(u *weijian.OrgUnit) bool {
	if f.Level != "" && u.Level != f.Level || f.Type != "" && u.FacilityType != f.Type {
		return false
	}
	q := strings.ToLower(f.Q)
	return q == "" || strings.Contains(u.Name, f.Q) || strings.HasPrefix(u.Pinyin, q) || strings.HasPrefix(u.Code, f.Q)
}

// exportChildren exports the children list of a unit, as filtered.
func (s *Server) exportChildren(w http.ResponseWriter, r *http.Request) error {
	ctx, code := r.Context(), r.PathValue("code")
	u, err := s.store.OrgUnit(ctx, unitScope(r), code)
	if err != nil {
		return err
	}
	n, err := s.names(ctx)
	if err != nil {
		return err
	}
	year := 0
	if pv, err := s.population(r, u, r.URL.Query().Get("year")); err == nil {
		year = pv.Year
	}
	rows, _, err := s.children(r, n, u, year, s.unitFilter(r, n))
	if err != nil {
		return err
	}
	return s.export(w, r, u.Name+"-"+s.msg(r, "export.children"), s.unitExport(r, n, rows, true))
}

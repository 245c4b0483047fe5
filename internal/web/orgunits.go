package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/weijian-health/weijian"
)

// orgUnitsPage is the tree browser beside a filtered, paged list.
type orgUnitsPage struct {
	basePage
	Tree    []*treeNode
	Filter  unitFilter
	Results []unitRow
	Pager   pager
	Export  exportLinks
}

// unitFilter is the search form of a unit list.
type unitFilter struct {
	Q, Under, Level, Type string
	UnderName             string
	Levels, Types         []option
}

// treeNode is a unit in the tree browser; Kids is set for the nodes
// rendered open, others load their children when opened (htmx).
type treeNode struct {
	Unit    *weijian.OrgUnit
	Kind    string
	Open    bool
	Current bool
	Kids    []*treeNode
}

// unitRow is a unit in a list.
type unitRow struct {
	*weijian.OrgUnit
	Kind       string
	Parent     string
	Population int64
	HasPop     bool
	Coverage   string // set when the population is incomplete
}

const pageSize = 50

func (s *Server) orgUnits(w http.ResponseWriter, r *http.Request) error {
	p := &orgUnitsPage{basePage: s.base(r, "orgunits", s.msg(r, "nav.orgunits"))}
	n, err := s.names(r.Context())
	if err != nil {
		return err
	}
	p.Filter = s.unitFilter(r, n)
	if p.Tree, err = s.homeTree(r, n); err != nil && err != errNoUnits {
		return err
	}
	f := p.Filter.query()
	page := max(1, atoiDefault(r.URL.Query().Get("page"), 1))
	f.Limit, f.Offset = pageSize, (page-1)*pageSize
	units, total, err := s.store.SearchOrgUnits(r.Context(), unitScope(r), f)
	if err != nil {
		return err
	}
	p.Results = s.unitRows(r, n, units, true)
	p.Pager = newPager(r.URL, total, page, pageSize)
	p.Export = exportQuery("/orgunits/export", r.URL.Query())
	return s.render(w, r, http.StatusOK, "orgunits", p)
}

func (s *Server) unitFilter(r *http.Request, n *names) unitFilter {
	q, lang := r.URL.Query(), info(r).lang
	f := unitFilter{Q: strings.TrimSpace(q.Get("q")), Under: q.Get("under"), Level: q.Get("level"), Type: q.Get("type")}
	f.Levels, f.Types = n.levelOptions(lang, f.Level), n.typeOptions(lang, f.Type)
	if f.Under != "" {
		if u, err := s.store.OrgUnit(r.Context(), unitScope(r), f.Under); err == nil {
			f.UnderName = u.Name
		}
	}
	return f
}

func (f unitFilter) query() weijian.OrgUnitFilter {
	return weijian.OrgUnitFilter{Query: f.Q, Under: f.Under, Level: f.Level, FacilityType: f.Type}
}

// exportOrgUnits exports the search results (every page).
func (s *Server) exportOrgUnits(w http.ResponseWriter, r *http.Request) error {
	n, err := s.names(r.Context())
	if err != nil {
		return err
	}
	units, err := s.allUnits(r, s.unitFilter(r, n).query())
	if err != nil {
		return err
	}
	return s.export(w, r, s.msg(r, "export.orgunits"), s.unitExport(r, n, s.unitRows(r, n, units, false), false))
}

// allUnits returns every unit matching f in the user's scope, reading
// them exportPageSize at a time.
func (s *Server) allUnits(r *http.Request, f weijian.OrgUnitFilter) ([]*weijian.OrgUnit, error) {
	var all []*weijian.OrgUnit
	f.Limit = exportPageSize
	for f.Offset = 0; ; f.Offset += exportPageSize {
		units, total, err := s.store.SearchOrgUnits(r.Context(), unitScope(r), f)
		if err != nil {
			return nil, err
		}
		all = append(all, units...)
		if len(units) < exportPageSize || len(all) >= total {
			return all, nil
		}
	}
}

func popCell(u unitRow) any {
	if !u.HasPop {
		return ""
	}
	return u.Population
}

// unitRows describes units for a list; withParent names their parents.
func (s *Server) unitRows(r *http.Request, n *names, units []*weijian.OrgUnit, withParent bool) []unitRow {
	lang, parents := info(r).lang, map[int64]string{}
	rows := make([]unitRow, len(units))
	for i, u := range units {
		rows[i] = unitRow{OrgUnit: u, Kind: n.kind(u, lang)}
		if withParent && u.ParentID != 0 {
			name, ok := parents[u.ParentID]
			if !ok {
				if pu, err := s.store.OrgUnitByID(r.Context(), unitScope(r), u.ParentID); err == nil {
					name = pu.Name
				}
				parents[u.ParentID] = name
			}
			rows[i].Parent = name
		}
	}
	return rows
}

// searchLink is the unit list filtered to a subtree, level and type.
func searchLink(under, level, typ string) string {
	q := url.Values{}
	for k, v := range map[string]string{"under": under, "level": level, "type": typ} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return "/orgunits?" + q.Encode()
}

func atoiDefault(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return def
}

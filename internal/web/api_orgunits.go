package web

import (
	"net/http"

	"github.com/weijian-health/weijian"
)

// list is the JSON shape of every list: the items (never null) and the
// total number that match (more than len(items) when paged).
type list[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

func listOf[T any](items []T, total int) list[T] {
	if items == nil {
		items = []T{}
	}
	return list[T]{Items: items, Total: total}
}

// GET /api/v1/orgunits?q=&level=&type=&under=&closed=1&limit=&offset=
func (s *Server) apiOrgUnits(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	pg, err := pageParams(q, 100, 1000)
	if err != nil {
		return err
	}
	n, err := s.names(r.Context())
	if err != nil {
		return err
	}
	if err := checkLevelType(n, q.Get("level"), q.Get("type")); err != nil {
		return err
	}
	f := weijian.OrgUnitFilter{Query: q.Get("q"), Under: q.Get("under"), Level: q.Get("level"),
		FacilityType: q.Get("type"), IncludeClosed: q.Get("closed") == "1", Limit: pg.limit, Offset: pg.offset}
	items, total, err := s.store.SearchOrgUnits(r.Context(), unitScope(r), f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listOf(items, total))
}

// GET /api/v1/orgunits/{code}
func (s *Server) apiOrgUnit(w http.ResponseWriter, r *http.Request) error {
	u, err := s.store.OrgUnit(r.Context(), unitScope(r), r.PathValue("code"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, u)
}

// unitList serves a list of units that a store call returns for {code},
// a page at a time (?limit=, default and at most unitListMax; ?offset=).
func (s *Server) unitList(get func(r *http.Request, sc weijian.Scope, code string) ([]*weijian.OrgUnit, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		pg, err := pageParams(r.URL.Query(), unitListMax, unitListMax)
		if err != nil {
			return err
		}
		items, err := get(r, unitScope(r), r.PathValue("code"))
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, listOf(pageOf(items, pg)))
	}
}

// unitListMax is the default and largest page of children, ancestors or
// a subtree (a province's subtree: ~60,000 units).
const unitListMax = 100000

func (s *Server) storeChildren(r *http.Request, sc weijian.Scope, code string) ([]*weijian.OrgUnit, error) {
	return s.store.Children(r.Context(), sc, code)
}

func (s *Server) storeAncestors(r *http.Request, sc weijian.Scope, code string) ([]*weijian.OrgUnit, error) {
	return s.store.Ancestors(r.Context(), sc, code)
}

func (s *Server) storeSubtree(r *http.Request, sc weijian.Scope, code string) ([]*weijian.OrgUnit, error) {
	return s.store.Subtree(r.Context(), sc, code, r.URL.Query().Get("closed") == "1")
}

// GET /api/v1/orgunits/{code}/history
func (s *Server) apiHistory(w http.ResponseWriter, r *http.Request) error {
	items, err := s.store.OrgUnitHistory(r.Context(), unitScope(r), r.PathValue("code"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listOf(items, len(items)))
}

// GET /api/v1/levels
func (s *Server) apiLevels(w http.ResponseWriter, r *http.Request) error {
	items, err := s.store.Levels(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listOf(items, len(items)))
}

// GET /api/v1/facility-types
func (s *Server) apiFacilityTypes(w http.ResponseWriter, r *http.Request) error {
	items, err := s.store.FacilityTypes(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listOf(items, len(items)))
}

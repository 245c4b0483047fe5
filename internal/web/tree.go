package web

import (
	"net/http"
	"strings"

	"github.com/weijian-health/weijian"
)

// homeTree is the tree from the roots the user sees, opened down to the
// user's home unit; the other branches load when opened.
func (s *Server) homeTree(r *http.Request, n *names) ([]*treeNode, error) {
	home, err := s.homeUnit(r)
	if err != nil {
		return nil, err
	}
	ctx, sc := r.Context(), unitScope(r)
	anc, err := s.store.Ancestors(ctx, sc, home.Code)
	if err != nil {
		return nil, err
	}
	open := map[string]bool{home.Code: true}
	for _, a := range anc {
		open[a.Code] = true
	}
	roots, err := s.store.Roots(ctx, sc)
	if err != nil {
		return nil, err
	}
	return s.treeNodes(r, n, roots, open, home.Code)
}

// treeNodes describes units as tree nodes, loading the children of those
// in open.
func (s *Server) treeNodes(r *http.Request, n *names, units []*weijian.OrgUnit, open map[string]bool, current string) ([]*treeNode, error) {
	out := make([]*treeNode, len(units))
	for i, u := range units {
		node := &treeNode{Unit: u, Kind: n.kind(u, info(r).lang), Current: u.Code == current}
		if open[u.Code] && u.ChildCount > 0 {
			kids, err := s.store.Children(r.Context(), unitScope(r), u.Code)
			if err != nil {
				return nil, err
			}
			if node.Kids, err = s.treeNodes(r, n, kids, open, current); err != nil {
				return nil, err
			}
			node.Open = true
		}
		out[i] = node
	}
	return out, nil
}

// treeFragment serves the children of a unit as tree nodes (htmx).
func (s *Server) treeFragment(w http.ResponseWriter, r *http.Request) error {
	n, err := s.names(r.Context())
	if err != nil {
		return err
	}
	kids, err := s.store.Children(r.Context(), unitScope(r), r.PathValue("code"))
	if err != nil {
		return err
	}
	nodes, err := s.treeNodes(r, n, kids, nil, "")
	if err != nil {
		return err
	}
	return s.renderFragment(w, r, "tree_nodes", nodes)
}

// unitOptions serves <option>s of the units matching ?q= (the unit picker
// of forms, through htmx). With ?for=grant only units within the user's
// user-management scope are offered.
func (s *Server) unitOptions(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" {
		q = strings.TrimSpace(r.URL.Query().Get("unit")) // the picker input itself
	}
	sc := unitScope(r)
	if r.URL.Query().Get("for") == "grant" {
		sc = currentUser(r).ScopeFor(weijian.PermManageUsers)
	}
	var units []*weijian.OrgUnit
	if q != "" {
		var err error
		units, _, err = s.store.SearchOrgUnits(r.Context(), sc, weijian.OrgUnitFilter{Query: q, Limit: 20})
		if err != nil {
			return err
		}
	}
	return s.renderFragment(w, r, "unit_options", units)
}

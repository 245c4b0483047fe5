package web

import (
	"net/http"

	"github.com/weijian-health/weijian"
)

// basePage is embedded in every page struct: what the layout needs.
type basePage struct {
	Lang     string
	Title    string
	Nav      string // the active navigation entry
	User     *weijian.User
	County   string // shown in the top bar
	CanAdmin bool
	// CanResidents shows the residents and work-list entries.
	CanResidents bool
	Path         string // the request URI, for the language switch to return to
	Flash        string // a message about the last action, already translated
	Version      string
	Bare         bool // no navigation: the login page, errors before login
	// Can is what the user's roles allow, for the menu: each role sees only
	// what it can use.
	Can menuPerms
}

// menuPerms are the permissions the menu and home page look at.
type menuPerms struct {
	Population, Import, Analytics, Services, Cases bool
	Residents, Surveillance, DataSets              bool
	Dashboards                                     bool // analytics and the service behind it
}

func menuPermsOf(u *weijian.User) menuPerms {
	if u == nil {
		return menuPerms{}
	}
	return menuPerms{Population: u.Can(weijian.PermViewPopulation),
		Import:    u.Can(weijian.PermEditOrgUnits) || u.Can(weijian.PermEditPopulation),
		Analytics: u.Can(weijian.PermViewAnalytics), Services: u.Can(weijian.PermRecordServices),
		Cases:     u.Can(weijian.PermReportCases) || u.Can(weijian.PermSurveillance),
		Residents: u.Can(weijian.PermViewResidents), Surveillance: u.Can(weijian.PermSurveillance),
		DataSets: u.Can(weijian.PermRecordServices) || u.Can(weijian.PermViewAnalytics)}
}

// bare is the base of a page without navigation; titleKey is a message key.
func (s *Server) bare(r *http.Request, titleKey string) basePage {
	return basePage{Lang: info(r).lang, Title: s.msg(r, titleKey), Path: r.URL.RequestURI(),
		Version: s.cfg.Version, Bare: true}
}

// base is the base of a page with the full layout for the current user.
// A flash message named by ?ok=KEY (set by a redirect after a POST) is
// shown once.
func (s *Server) base(r *http.Request, nav, title string) basePage {
	u := currentUser(r)
	p := basePage{Lang: info(r).lang, Title: title, Nav: nav, User: u, Path: r.URL.RequestURI(),
		Version: s.cfg.Version, CanAdmin: u != nil && u.Can(weijian.PermManageUsers), Can: menuPermsOf(u),
		CanResidents: u != nil && u.Can(weijian.PermViewResidents)}
	p.Can.Dashboards = p.Can.Analytics && s.analytics != nil
	if ok := r.URL.Query().Get("ok"); ok != "" && isFlashKey(ok) {
		p.Flash = s.msg(r, "flash."+ok)
	}
	if home, err := s.homeUnit(r); err == nil {
		p.County = s.countyName(r, home)
	}
	return p
}

// flashKeys are the ?ok= values a redirect may carry.
var flashKeys = []string{"saved", "created", "grants", "activated", "deactivated", "unlocked", "password", "revoked"}

func isFlashKey(k string) bool {
	for _, f := range flashKeys {
		if f == k {
			return true
		}
	}
	return false
}

var errNoUnits = weijian.NotFound(weijian.T("区划数据（请先导入区划）", "org units (import the division codes first)"))

// homeUnit is the unit the user's pages start from: the unit of the
// user's first grant, or, for a user who sees the whole tree, the first
// unit from the top that is a county or has several areas below it.
func (s *Server) homeUnit(r *http.Request) (*weijian.OrgUnit, error) {
	ri := info(r)
	if ri.home != nil {
		return ri.home, nil
	}
	u, err := s.findHome(r, currentUser(r).ScopeFor(weijian.PermViewOrgUnits))
	if err != nil {
		return nil, err
	}
	ri.home = u
	return u, nil
}

func (s *Server) findHome(r *http.Request, sc weijian.Scope) (*weijian.OrgUnit, error) {
	ctx := r.Context()
	if !sc.All() {
		if sc.Empty() {
			return nil, errForbidden
		}
		ids := weijian.PathIDs(sc.Paths()[0])
		return s.store.OrgUnitByID(ctx, sc, ids[len(ids)-1])
	}
	roots, err := s.store.Roots(ctx, sc)
	if err != nil || len(roots) == 0 {
		return nil, firstErr(err, errNoUnits)
	}
	u := roots[0]
	for range 8 {
		if u.Level == weijian.LevelCounty || len(roots) > 1 {
			break
		}
		kids, err := s.store.Children(ctx, sc, u.Code)
		if err != nil {
			return nil, err
		}
		areas := areasOf(kids)
		if len(areas) != 1 {
			break
		}
		u = areas[0]
	}
	return u, nil
}

// countyName names the county at or above u, or u itself.
func (s *Server) countyName(r *http.Request, u *weijian.OrgUnit) string {
	if u.Level == weijian.LevelCounty {
		return u.Name
	}
	anc, err := s.store.Ancestors(r.Context(), currentUser(r).ScopeFor(weijian.PermViewOrgUnits), u.Code)
	if err == nil {
		for _, a := range anc {
			if a.Level == weijian.LevelCounty {
				return a.Name
			}
		}
	}
	return u.Name
}

func areasOf(units []*weijian.OrgUnit) []*weijian.OrgUnit {
	var out []*weijian.OrgUnit
	for _, u := range units {
		if !u.IsFacility() {
			out = append(out, u)
		}
	}
	return out
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

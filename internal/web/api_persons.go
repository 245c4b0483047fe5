package web

import (
	"net/http"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/analytics"
)

// The persons behind a figure of GET /api/v1/analytics, as JSON or an
// export: the same parameters as the grid's cell (ind, ou, pe, asOf,
// disagg) with the side and the cell's option, masked as every list of
// residents is. Needs analytics.view over the unit and residents.view.

// personOut is one person of the list: the masked resident and the facts
// the figure counted (status values, "last" the latest service).
type personOut struct {
	residentOut
	Facts map[string]string `json:"facts"`
}

// personsOut is the answer of GET /api/v1/analytics/persons.
type personsOut struct {
	Indicator  string      `json:"indicator"`
	OrgUnit    string      `json:"ou"`
	Period     string      `json:"pe"`
	AsOf       string      `json:"asOf"`
	Side       string      `json:"side"`
	Disagg     string      `json:"disagg,omitempty"`
	Option     string      `json:"option,omitempty"`
	OptionName string      `json:"optionName,omitempty"`
	Total      int         `json:"total"`  // persons the figure counts (up to the cap)
	Capped     bool        `json:"capped"` // more than 5,000: the list stops there
	Persons    []personOut `json:"persons"`
}

// GET /api/v1/analytics/persons?ind=&ou=&pe=&asOf=&side=num|den|gap[&disagg=sex&option=F][&limit=&offset=][&format=csv|xlsx]
func (s *Server) apiAnalyticsPersons(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.analyticsService()
	if err != nil {
		return err
	}
	if !currentUser(r).Can(weijian.PermViewResidents) || !currentUser(r).Can(weijian.PermViewAnalytics) {
		return errForbidden
	}
	q := r.URL.Query()
	format := q.Get("format")
	if format != "" && format != "json" && format != "csv" && format != "xlsx" {
		return weijian.Invalid(weijian.T("参数 format 应为 json、csv 或 xlsx", "parameter format: use json, csv or xlsx"),
			weijian.Issue{Field: "format", Value: weijian.Clip(format), Rule: "param", Msg: weijian.T("json、csv 或 xlsx", "json, csv or xlsx")})
	}
	pg, err := pageParams(q, 100, 1000)
	if err != nil {
		return err
	}
	req := analytics.PersonsRequest{Indicator: q.Get("ind"), OrgUnit: strings.TrimSpace(q.Get("ou")), Period: q.Get("pe"),
		AsOf: strings.TrimSpace(q.Get("asOf")), Side: q.Get("side"), Disagg: q.Get("disagg"), Option: q.Get("option"), Lang: info(r).lang}
	l, err := svc.Persons(r.Context(), analyticsScope(r), residentScope(r), req)
	if err != nil {
		return err
	}
	if format == "csv" || format == "xlsx" {
		return s.exportPersons(w, r, l)
	}
	out := personsOut{Indicator: l.Def.Code, OrgUnit: l.Unit.Code, Period: l.Period, AsOf: l.AsOf.String(), Side: l.Side,
		Disagg: l.Dim, Option: l.Option.Code, OptionName: l.Option.Name.In(info(r).lang), Total: len(l.Rows), Capped: l.Capped,
		Persons: []personOut{}}
	rows, _ := pageOf(l.Rows, pg)
	for _, pr := range rows {
		x, err := s.store.Person(r.Context(), residentScope(r), pr.PersonID)
		if weijian.ErrorKind(err) == weijian.KindNotFound {
			continue // counted, but not the user's to see
		} else if err != nil {
			return err
		}
		out.Persons = append(out.Persons, personOut{residentOut: residentView(x, false, s.today()), Facts: pr.Facts})
	}
	return writeJSON(w, http.StatusOK, out)
}

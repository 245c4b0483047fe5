package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/weijian-health/weijian"
)

// GET /api/v1/population?unit=CODE&year=2024&bands=0-14,15-64,65+
// Without year, the latest year with data; without bands, the stored ones.
func (s *Server) apiPopulation(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	code, err := s.apiUnitCode(r)
	if err != nil {
		return err
	}
	bands, err := parseBands(q.Get("bands"))
	if err != nil {
		return err
	}
	if err := s.checkPopScope(r, code); err != nil {
		return err
	}
	year, err := s.apiYear(r, code)
	if err != nil {
		return err
	}
	p, err := s.store.Population(r.Context(), popScope(r), weijian.PopulationQuery{UnitCode: code, Year: year, Bands: bands})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

// GET /api/v1/population/years?unit=CODE
func (s *Server) apiPopulationYears(w http.ResponseWriter, r *http.Request) error {
	code, err := s.apiUnitCode(r)
	if err != nil {
		return err
	}
	if err := s.checkPopScope(r, code); err != nil {
		return err
	}
	cov, err := s.store.PopulationCoverage(r.Context(), popScope(r), code)
	if err != nil {
		return err
	}
	years := make([]int, len(cov))
	for i, c := range cov {
		years[i] = c.Year
	}
	if cov == nil {
		cov = []weijian.YearCoverage{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"unit": code, "years": years,
		"coverage": cov, "latestComplete": latestComplete(cov)})
}

// latestComplete is the latest year whose figures are complete, or nil.
func latestComplete(cov []weijian.YearCoverage) any {
	for _, c := range cov {
		if c.Complete() {
			return c.Year
		}
	}
	return nil
}

// apiUnitCode is ?unit=, or the caller's home unit.
func (s *Server) apiUnitCode(r *http.Request) (string, error) {
	if c := strings.TrimSpace(r.URL.Query().Get("unit")); c != "" {
		return c, nil
	}
	u, err := s.homeUnit(r)
	if err != nil {
		return "", err
	}
	return u.Code, nil
}

// apiYear is ?year=, or the latest year whose figures are complete for
// the unit (the latest year with data when none is).
func (s *Server) apiYear(r *http.Request, code string) (int, error) {
	if y := r.URL.Query().Get("year"); y != "" {
		year, err := strconv.Atoi(y)
		if err != nil || year < 1900 || year > 2200 {
			return 0, weijian.Invalid(weijian.T("年份无效："+y, "invalid year: "+y))
		}
		return year, nil
	}
	cov, err := s.store.PopulationCoverage(r.Context(), popScope(r), code)
	if err != nil {
		return 0, err
	}
	if len(cov) == 0 {
		return 0, weijian.NotFound(weijian.T("该单位的人口数据", "population data for this unit"))
	}
	return weijian.LatestComplete(cov), nil
}

// checkPopScope refuses a unit whose population the caller may not read,
// with the same status as the pages (see popOutOfScope).
func (s *Server) checkPopScope(r *http.Request, code string) error {
	u, err := s.store.OrgUnit(r.Context(), unitScope(r), code)
	if err != nil {
		return err
	}
	if !popScope(r).Covers(u.Path) {
		return popOutOfScope(r)
	}
	return nil
}

// parseBands reads "0-14,15-64,65+".
func parseBands(s string) ([]weijian.AgeBand, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []weijian.AgeBand
	for _, part := range strings.Split(s, ",") {
		if strings.HasSuffix(part, " ") { // an unencoded "65+" arrives as "65 "
			part = strings.TrimRight(part, " ") + "+"
		}
		b, err := weijian.ParseAgeBand(part)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

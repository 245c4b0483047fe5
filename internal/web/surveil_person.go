package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/surveil"
)

// A case report linked to a resident (the card's ID number is the
// resident's, same county) shows the resident on the card's page — masked,
// and only to a user who may see that resident — and the card on the
// resident's timeline, to a user who may read the card.

// cardResident is the resident a card is linked to, as the card page shows it.
type cardResident struct {
	ID                int64
	Name, VillageName string
}

// linkedResident returns the card's resident if the user may see it.
func (s *Server) linkedResident(r *http.Request, c *surveil.CaseReport) *cardResident {
	if c.PersonID == 0 || !currentUser(r).Can(weijian.PermViewResidents) {
		return nil
	}
	p, err := s.store.Person(r.Context(), residentScope(r), c.PersonID)
	if err != nil {
		return nil // outside the user's residents (or merged away): not shown
	}
	return &cardResident{ID: p.ID, Name: weijian.MaskName(p.Name), VillageName: p.VillageName}
}

// withCards adds the resident's case reports the user may read to the
// timeline (newest first).
func (s *Server) withCards(r *http.Request, p *weijian.Person, tl []timelineRow) ([]timelineRow, error) {
	u := currentUser(r)
	if s.sv == nil || !u.Can(weijian.PermSurveillance) && !u.Can(weijian.PermReportCases) {
		return tl, nil
	}
	cards, _, err := s.sv.Store().ListReports(r.Context(), cardScope(r), surveil.ReportFilter{Person: p.ID, County: p.County, Limit: 200})
	if err != nil {
		return nil, err
	}
	if len(cards) == 0 {
		return tl, nil
	}
	card := s.msg(r, "sv.card")
	for _, c := range s.caseRows(r, cards) {
		stage := c.DiseaseName
		if c.SubtypeName != "" {
			stage += "（" + c.SubtypeName + "）"
		}
		sum := c.CaseClass
		if c.Status == surveil.StatusWithdrawn {
			sum += " · " + s.msg(r, "sv.status.withdrawn")
		}
		tl = append(tl, timelineRow{Date: dateStr(c.OnsetDate), Programme: card, Stage: stage, Org: c.FacilityName,
			Summary: sum, CardID: c.ID})
	}
	slices.SortStableFunc(tl, func(a, b timelineRow) int { return strings.Compare(b.Date, a.Date) })
	return tl, nil
}

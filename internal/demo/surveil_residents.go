package demo

import (
	"context"
	"math/rand/v2"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/surveil"
)

// personSearcher is the part of a resident store the cards' patients are
// drawn from.
type personSearcher interface {
	SearchPersons(ctx context.Context, sc weijian.Scope, f weijian.PersonFilter) ([]*weijian.Person, int, error)
}

// residentCards makes about a third of the last year's cards those of
// registered residents of the card's village — name, sex, birth date and
// ID number from the register, the resident of the closest age among a
// few drawn — so that the demo's cards link to residents. Without
// residents (scale 0) it does nothing. It draws from its own generator:
// the rest of the demo is the same with or without it.
func (g *caseGen) residentCards(ctx context.Context, st any, cards []*surveil.CaseReport) (int, error) {
	ps, ok := st.(personSearcher)
	if !ok {
		return 0, nil
	}
	rng := rand.New(rand.NewPCG(uint64(g.today.Year), 15))
	pool := map[string][]*weijian.Person{}
	since, linked := g.today.AddDays(-365), 0
	for _, c := range cards {
		if c.OnsetDate.Before(since) || rng.IntN(3) != 0 {
			continue
		}
		people, seen := pool[c.AddressCode]
		if !seen {
			var err error
			if people, _, err = ps.SearchPersons(ctx, weijian.ScopeAll(), weijian.PersonFilter{Village: c.AddressCode, County: g.b.c.Code, Limit: 1000}); err != nil {
				return linked, err
			}
			pool[c.AddressCode] = people
		}
		if p := closestAge(people, c, rng); p != nil {
			c.PatientName, c.Sex, c.BirthDate, c.IDNumber, c.AgeText = p.Name, p.Sex, period.DateOf(p.BirthDate), p.DocNumber, ""
			age := c.AgeAt(c.DiagnosedAt)
			c.Occupation = occupation(age, rng)
			if age <= 14 && c.ParentName == "" {
				c.ParentName = string(caseSurnames[rng.IntN(len(caseSurnames))]) + string(caseGiven[rng.IntN(len(caseGiven))])
			}
			linked++
		}
	}
	return linked, nil
}

// closestAge draws up to 12 living residents with a checked ID number,
// born before the onset, and returns the one born closest to the card's
// birth date (nil if none).
func closestAge(people []*weijian.Person, c *surveil.CaseReport, rng *rand.Rand) *weijian.Person {
	var best *weijian.Person
	bestGap := 1 << 30
	for range min(12, len(people)) {
		p := people[rng.IntN(len(people))]
		birth := period.DateOf(p.BirthDate)
		if !p.DocChecked || p.Sex != 1 && p.Sex != 2 || !birth.Before(c.OnsetDate) ||
			!p.DeathDate.IsZero() && period.DateOf(p.DeathDate).Before(c.OnsetDate) {
			continue
		}
		gap := birth.DaysSince(c.BirthDate)
		if gap < 0 {
			gap = -gap
		}
		if gap < bestGap {
			best, bestGap = p, gap
		}
	}
	return best
}

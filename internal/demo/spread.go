package demo

import (
	"math"
	"math/rand/v2"

	"github.com/weijian-health/weijian/internal/ident"
)

// Typical sizes of village-level units, in residents, before noise. Jiangsu
// merged its villages in the 2000s into units of about 3,000 people; the
// communities (居委会) of a county seat are larger, those of a town seat
// in between. A town seat's first community holds the town centre.
const (
	sizeUrbanCommunity = 6000
	sizeTownCommunity  = 3500
	sizeVillage        = 2800
	sizeTownNoVillages = 3000
	seatBonus          = 1.6
	townshipLikeFactor = 0.5 // farms, prisons, development zones
	sizeNoise          = 0.25
)

// unitKind is the age profile of an area.
type unitKind int

const (
	kindUrban unitKind = iota // community in a 街道 or an urban-core town: more young adults, fewer old
	kindTown                  // community in a town seat
	kindRural                 // villagers' committee: older, fewer young adults
)

func kindOf(u popUnit) unitKind {
	switch {
	case u.Village == nil || !u.Village.Residential():
		return kindRural
	case u.Town.Urban:
		return kindUrban
	}
	return kindTown
}

// ageFactor tilts the county's age structure for a kind of area. The tilt
// is smooth (a bump around 32 for young working adults, a logistic step
// around 62 for the old) so that no single age jumps.
func ageFactor(k unitKind, age int) float64 {
	x := (float64(age) - 32) / 11
	young := math.Exp(-x * x)
	old := 1 / (1 + math.Exp(-(float64(age)-62)/4))
	switch k {
	case kindUrban:
		return 1 + 0.25*young - 0.15*old
	case kindTown:
		return 1 + 0.08*young - 0.04*old
	}
	return 1 - 0.18*young + 0.12*old
}

// unitWeights returns the relative size of every area: a base size by
// kind, times log-normal noise from the seeded generator, rescaled to the
// county profile's town sizes where it has them.
func unitWeights(c *county, units []popUnit, rng *rand.Rand) []float64 {
	w := make([]float64, len(units))
	for i, u := range units {
		w[i] = baseSize(u) * math.Exp(clamp(rng.NormFloat64(), -2, 2)*sizeNoise)
	}
	if len(c.TownWeights) == 0 {
		return w
	}
	townSum := map[*town]float64{}
	var towns []*town // in file order, so that the sums below are always added the same way
	for i, u := range units {
		if _, seen := townSum[u.Town]; !seen {
			towns = append(towns, u.Town)
		}
		townSum[u.Town] += w[i]
	}
	// Towns the profile has no figure for keep their heuristic size,
	// scaled like the others.
	var known, heur float64
	for _, tw := range towns {
		if v, ok := c.TownWeights[tw.Row.Name]; ok {
			known += v
			heur += townSum[tw]
		}
	}
	for i, u := range units {
		if v, ok := c.TownWeights[u.Town.Row.Name]; ok {
			w[i] *= v / townSum[u.Town]
		} else if heur > 0 {
			w[i] *= known / heur
		}
	}
	return w
}

func baseSize(u popUnit) float64 {
	var s float64
	switch {
	case u.Village == nil:
		s = sizeTownNoVillages
	case !u.Village.Residential():
		s = sizeVillage
	case u.Town.Urban:
		s = sizeUrbanCommunity
	default:
		s = sizeTownCommunity
	}
	if u.Village != nil && u.Village.Seat && !u.Town.Urban {
		s *= seatBonus
	}
	if u.Town.Type == ident.TownshipLike {
		s *= townshipLikeFactor
	}
	return s
}

func clamp(x, lo, hi float64) float64 { return max(lo, min(hi, x)) }

// spread divides the county table over the areas: each (sex, age) count
// is apportioned by largest remainders in proportion to the area's weight
// times its age factor. Every county count is kept exactly; an area's
// total comes out close to its weight's share.
func spread(county table, units []popUnit, weights []float64) []table {
	out := make([]table, len(units))
	q := make([]float64, len(units))
	for s := range 2 {
		for a := range ages {
			for i, u := range units {
				q[i] = weights[i] * ageFactor(kindOf(u), a)
			}
			for i, n := range apportion(county[s][a], q) {
				out[i][s][a] = n
			}
		}
	}
	return out
}

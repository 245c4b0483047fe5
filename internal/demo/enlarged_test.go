package demo

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/weijian-health/weijian/internal/dataset"
	"github.com/weijian-health/weijian/internal/ident"
	"github.com/weijian-health/weijian/internal/period"
)

// An enlarged county (Scale > 1), on the smallest county (三山, 110,000)
// and without a database: the population and its events grow by the
// factor while the shares stay put, every person of the sized table
// becomes a resident with a unique valid ID number, a generated rate
// stays near its target, and childcare places per 1,000 stay where they
// were.
func TestEnlargedCounty(t *testing.T) {
	const f = 2.5
	c, err := lookupCounty("340272")
	if err != nil {
		t.Fatal(err)
	}
	one, err := build(c, Options{County: c.Code, Seed: DefaultSeed, Through: 2026, Scale: 1})
	if err != nil {
		t.Fatal(err)
	}
	big, err := build(c, Options{County: c.Code, Seed: DefaultSeed, Through: 2026, Scale: f})
	if err != nil {
		t.Fatal(err)
	}
	if got := big.stats[0].Total; got != 275000 {
		t.Errorf("2020 total ×%g: %d, want 275000", f, got)
	}
	for i, s := range big.stats {
		o := one.stats[i]
		near(t, "total "+strconv.Itoa(s.Year), float64(s.Total), f*float64(o.Total), 0.001)
		if i > 0 {
			near(t, "births "+strconv.Itoa(s.Year), float64(s.Births), f*float64(o.Births), 0.01)
			// Deaths are rounded per sex and age: at ×1 the ages where
			// less than half a death is expected round to none.
			near(t, "deaths "+strconv.Itoa(s.Year), float64(s.Deaths), f*float64(o.Deaths), 0.03)
		}
		last := len(one.pops) - 1
		if i == last {
			old1, old2 := share65(one.pops[i]), share65(big.pops[i])
			if math.Abs(old1-old2) > 0.02 {
				t.Errorf("%d: 65+ %.3f%% at ×1, %.3f%% at ×%g", s.Year, old1, old2, f)
			}
		}
	}
	checkEnlargedResidents(t, big, f)
	cat, err := dataset.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	p1, p2 := placesPer1000(t, one, cat), placesPer1000(t, big, cat)
	near(t, "childcare places per 1000", p2, p1, 0.02)
}

// checkEnlargedResidents generates the residents of the first units of
// an enlarged county: one per person of the sized table, unique valid
// ID numbers, and the elderly management rate near its 70%.
func checkEnlargedResidents(t *testing.T, b *built, f float64) {
	t.Helper()
	opt := Options{County: b.c.Code, Seed: DefaultSeed, Scale: f, Now: residentNow}
	opt.defaults()
	g := &residentGen{b: b, opt: opt, today: dateOf(opt.Now()), fac: indexFacilities(b),
		seqs: map[string]int{}, counts: map[string]*ProgrammeCount{}, rates: map[string]*Rate{}}
	g.first = g.today.Year() - 4
	ids := map[string]bool{}
	last := len(b.pops) - 1
	for i, u := range b.units[:4] {
		alive := 0
		for _, h := range g.unitResidents(u, i, rand.New(rand.NewPCG(opt.Seed, uint64(7000+i)))) {
			p := h.Person
			if p.DeathDate.IsZero() {
				alive++
			}
			if _, err := ident.ParseIDNumber(p.DocNumber, period.Date{}); err != nil || !p.DocChecked {
				t.Fatalf("%s: ID %q: %v", p.Name, p.DocNumber, err)
			}
			if ids[p.DocNumber] {
				t.Fatalf("ID %s given twice", p.DocNumber)
			}
			ids[p.DocNumber] = true
		}
		if want := int(b.pops[last][i].total()); alive != want {
			t.Errorf("%s: %d living residents, want one per person of the sized table (%d)", u.Code, alive, want)
		}
	}
	r := g.rates["elderly"]
	if r == nil || r.Den < 1000 {
		t.Fatalf("elderly rate: %+v", r)
	}
	if got := float64(r.Num) * 100 / float64(r.Den); math.Abs(got-r.TargetPct) > 5 {
		t.Errorf("elderly management %.1f%% of %d, want near %.0f%%", got, r.Den, r.TargetPct)
	}
}

// placesPer1000 is the county's childcare places of the last quarter of
// 2025 per 1,000 people of 2025.
func placesPer1000(t *testing.T, b *built, cat *dataset.Catalog) float64 {
	t.Helper()
	a := b.aggregateData(cat, residentNow(), DefaultSeed)
	places := 0
	for _, v := range a.values["tuoyu"] {
		if v.Element == "places" && v.Period == "2025Q4" {
			places += mustAtoi(v.Value)
		}
	}
	if places == 0 {
		t.Fatal("no childcare places in 2025Q4")
	}
	return float64(places) * 1000 / float64(b.stats[2025-CensusYear].Total)
}

func share65(pop []table) float64 {
	var old, all int64
	for i := range pop {
		old += pop[i].between(65, ages+1)
		all += pop[i].total()
	}
	return float64(old) * 100 / float64(all)
}

// near checks got against want within a relative tolerance.
func near(t *testing.T, what string, got, want, rel float64) {
	t.Helper()
	if math.Abs(got-want) > rel*math.Abs(want) {
		t.Errorf("%s: %.4g, want %.4g (±%.1f%%)", what, got, want, rel*100)
	}
}

// More than 500 people of one sex born on one day take the neighbours'
// address codes in turn, 1,000 numbers each: all unique, all valid, the
// sex in the parity; past the last neighbour, no number.
func TestIDSequenceOverflow(t *testing.T) {
	neighbours := []string{"320623", "320682"}
	birth := period.NewDate(1965, 3, 1)
	seen := map[string]bool{}
	for _, sex := range []int{1, 2} {
		for seq := range 1499 { // women's numbers run out one before men's (2 … 998)
			addr, n := idSequence("320621", neighbours, seq, sex)
			if seq < 499 && addr != "320621" {
				t.Fatalf("seq %d: %s, want the county's own code", seq, addr)
			}
			id, err := ident.GenerateIDNumber(addr, birth, n)
			if err != nil {
				t.Fatalf("sex %d seq %d: %s %d: %v", sex, seq, addr, n, err)
			}
			if seen[id.String()] {
				t.Fatalf("sex %d seq %d: %s twice", sex, seq, id)
			}
			seen[id.String()] = true
			if n%2 != sex%2 {
				t.Fatalf("sex %d seq %d: sequence %d has the wrong parity", sex, seq, n)
			}
		}
		if addr, _ := idSequence("320621", neighbours, 1500, sex); addr != "" {
			t.Errorf("sex %d: past the neighbours got %q, want none", sex, addr)
		}
	}
}

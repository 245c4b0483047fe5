package indicator

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/weijian-health/weijian"
)

// PopulationGenerator is a Store that tells when population may have
// changed: its generation changes with every write of population or of
// the org-unit tree. The engine then keeps each county's population of a
// year between EvalMany calls while the generation stays the same.
type PopulationGenerator interface {
	PopulationGeneration() uint64
}

// popCacheTTL bounds how long a kept population is used, for writes made
// by another process (a command-line import beside the server), which
// the generation does not see.
const popCacheTTL = time.Minute

// popCache is the county population per year kept between runs.
type popCache struct {
	mu   sync.Mutex
	rows map[popCacheKey]*popEntry
}

type popCacheKey struct {
	counties string
	year     int
}

// popEntry is the population rows of some counties in a year and the
// units rolled up from them so far.
type popEntry struct {
	gen  uint64
	at   time.Time
	year int
	data []weijian.UnitPopulation

	mu     sync.Mutex
	rolled map[string]*weijian.Population // unit code and path → population
	paths  []string                       // the distinct paths of data (distinctPaths)
}

// distinctPaths returns the distinct unit paths of the entry's rows (a
// few hundred villages against tens of thousands of sex × age rows),
// found once and kept with the entry.
func (p *popEntry) distinctPaths() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.paths == nil {
		seen := map[string]bool{}
		p.paths = []string{}
		for _, d := range p.data {
			if !seen[d.Path] {
				seen[d.Path] = true
				p.paths = append(p.paths, d.Path)
			}
		}
	}
	return p.paths
}

// rollUp is weijian.RollUpPopulation of u from the entry's rows, kept.
func (p *popEntry) rollUp(u *weijian.OrgUnit) (*weijian.Population, error) {
	k := u.Code + "|" + u.Path
	p.mu.Lock()
	defer p.mu.Unlock()
	if pop, ok := p.rolled[k]; ok {
		return pop, nil
	}
	pop, err := weijian.RollUpPopulation(u, p.year, p.data, nil)
	if err != nil {
		return nil, err
	}
	if p.rolled == nil {
		p.rolled = map[string]*weijian.Population{}
	}
	p.rolled[k] = pop
	return pop, nil
}

// yearPopulation returns the stored population rows of the counties in
// year, kept while the store's generation is unchanged (and for at most
// popCacheTTL).
func (e *Engine) yearPopulation(ctx context.Context, counties []string, year int) (*popEntry, error) {
	pg, cache := e.store.(PopulationGenerator)
	var gen uint64
	counties = slices.Sorted(slices.Values(counties))
	k := popCacheKey{strings.Join(counties, ","), year}
	if cache {
		gen = pg.PopulationGeneration() // before the read: a write during it makes the next run read again
		e.pops.mu.Lock()
		ent := e.pops.rows[k]
		e.pops.mu.Unlock()
		if ent != nil && ent.gen == gen && time.Since(ent.at) < popCacheTTL {
			return ent, nil
		}
	}
	ent := &popEntry{gen: gen, at: time.Now(), year: year}
	for _, c := range counties {
		_, d, err := e.store.PopulationData(ctx, weijian.ScopeAll(), c, year)
		if err != nil {
			return nil, err
		}
		ent.data = append(ent.data, d...)
	}
	if cache {
		e.pops.mu.Lock()
		if e.pops.rows == nil {
			e.pops.rows = map[popCacheKey]*popEntry{}
		}
		e.pops.rows[k] = ent
		e.pops.mu.Unlock()
	}
	return ent, nil
}

// treeCache is the org-unit forests (with their chains) kept between
// runs, by the codes asked, under the same rule as the population: the
// store's generation changes with every org-unit import, and a kept
// forest is used for at most popCacheTTL.
type treeCache struct {
	mu    sync.Mutex
	trees map[string]*treeEntry
}

type treeEntry struct {
	gen uint64
	at  time.Time
	t   *tree
}

// treeCacheMax bounds the forests kept (one per set of units asked).
const treeCacheMax = 64

// forest returns the tree of the counties around the units with codes.
func (e *Engine) forest(ctx context.Context, codes []string) (*tree, error) {
	pg, cache := e.store.(PopulationGenerator)
	key := strings.Join(slices.Sorted(slices.Values(codes)), ",")
	var gen uint64
	if cache {
		gen = pg.PopulationGeneration() // before the read, as yearPopulation
		e.trees.mu.Lock()
		ent := e.trees.trees[key]
		e.trees.mu.Unlock()
		if ent != nil && ent.gen == gen && time.Since(ent.at) < popCacheTTL {
			return ent.t, nil
		}
	}
	units, counties, err := e.store.UnitForest(ctx, codes)
	if err != nil {
		return nil, err
	}
	t := newTree(units, counties)
	if cache {
		e.trees.mu.Lock()
		if e.trees.trees == nil || len(e.trees.trees) >= treeCacheMax {
			e.trees.trees = map[string]*treeEntry{}
		}
		e.trees.trees[key] = &treeEntry{gen: gen, at: time.Now(), t: t}
		e.trees.mu.Unlock()
	}
	return t, nil
}

package indicator

import (
	"context"
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
	rows map[popCacheKey]popEntry
}

type popCacheKey struct {
	county string
	year   int
}

type popEntry struct {
	gen  uint64
	at   time.Time
	data []weijian.UnitPopulation
}

// countyPopulation returns the stored population rows of county in year,
// from the cache while the store's generation is unchanged.
func (e *Engine) countyPopulation(ctx context.Context, county string, year int) ([]weijian.UnitPopulation, error) {
	pg, ok := e.store.(PopulationGenerator)
	if !ok {
		_, d, err := e.store.PopulationData(ctx, weijian.ScopeAll(), county, year)
		return d, err
	}
	gen := pg.PopulationGeneration() // before the read: a write during it makes the next run read again
	k := popCacheKey{county, year}
	e.pops.mu.Lock()
	ent, hit := e.pops.rows[k]
	e.pops.mu.Unlock()
	if hit && ent.gen == gen && time.Since(ent.at) < popCacheTTL {
		return ent.data, nil
	}
	at := time.Now()
	_, d, err := e.store.PopulationData(ctx, weijian.ScopeAll(), county, year)
	if err != nil {
		return nil, err
	}
	e.pops.mu.Lock()
	if e.pops.rows == nil {
		e.pops.rows = map[popCacheKey]popEntry{}
	}
	e.pops.rows[k] = popEntry{gen: gen, at: at, data: d}
	e.pops.mu.Unlock()
	return d, nil
}

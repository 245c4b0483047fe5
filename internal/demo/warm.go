package demo

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
)

// warmCounts asks every built-in indicator of the county for this year
// and the two before, whole years, once: the engine counts each
// persons(…) and events(…) rule into the kept rule counts (sqlstore
// rule_count), so that the first dashboard (the year to date and its
// 同比) and the first annual summary (which compares with the year
// before last too) do not pay for counting the freshly loaded county.
// Earlier years are counted when first asked. It returns how many cells
// it asked.
//
// A store that can count many rules at once (ruleKeeper) is given the
// rules first: a first run of the engine over a store that only notes
// the row queries asked (each answered with nothing counted) collects
// them, the store counts them by programme, and the real run then reads
// them kept — and counts itself whatever the first run did not ask (a
// rule asked only when another counts nothing), so the kept counts are
// those the real run alone would leave.
func warmCounts(ctx context.Context, st Store, county string, today period.Date) (int, error) {
	var cells []indicator.Cell
	eng, err := indicator.NewBuiltinEngine(st)
	if err != nil {
		return 0, err
	}
	for _, d := range eng.Library().All() {
		for y := today.Year - 2; y <= today.Year; y++ {
			sp := period.Of(period.Year, period.NewDate(y, time.January, 1)).Span()
			cells = append(cells, indicator.Cell{Indicator: d.Code, OrgUnit: county, Span: sp})
		}
	}
	if k, ok := st.(ruleKeeper); ok {
		rec := &rowRecorder{Store: st}
		first, err := indicator.NewBuiltinEngine(rec)
		if err != nil {
			return 0, err
		}
		if _, err := first.EvalMany(ctx, weijian.ScopeAll(), cells); err != nil {
			return 0, fmt.Errorf("demo rule counts: %w", err)
		}
		if err := k.KeepRuleCounts(ctx, rec.qs); err != nil {
			return 0, fmt.Errorf("demo rule counts: %w", err)
		}
	}
	if _, err := eng.EvalMany(ctx, weijian.ScopeAll(), cells); err != nil {
		return 0, fmt.Errorf("demo rule counts: %w", err)
	}
	return len(cells), nil
}

// ruleKeeper counts many row queries into the kept rule counts at once
// (sqlstore.Store).
type ruleKeeper interface {
	KeepRuleCounts(ctx context.Context, qs []indicator.RowQuery) error
}

// rowRecorder is a store that notes the row queries asked and answers
// each with one count of nothing (not none: an empty answer would make
// the engine ask whether the source has any records at all, a query the
// real run may not ask).
type rowRecorder struct {
	indicator.Store
	mu sync.Mutex
	qs []indicator.RowQuery
}

func (r *rowRecorder) CountRows(_ context.Context, q indicator.RowQuery) ([]indicator.PathCount, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.qs = append(r.qs, q)
	return []indicator.PathCount{{}}, nil
}

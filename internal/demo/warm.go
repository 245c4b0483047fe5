package demo

import (
	"context"
	"fmt"
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
func warmCounts(ctx context.Context, st Store, county string, today period.Date) (int, error) {
	eng, err := indicator.NewBuiltinEngine(st)
	if err != nil {
		return 0, err
	}
	var cells []indicator.Cell
	for _, d := range eng.Library().All() {
		for y := today.Year - 2; y <= today.Year; y++ {
			sp := period.Of(period.Year, period.NewDate(y, time.January, 1)).Span()
			cells = append(cells, indicator.Cell{Indicator: d.Code, OrgUnit: county, Span: sp})
		}
	}
	if _, err := eng.EvalMany(ctx, weijian.ScopeAll(), cells); err != nil {
		return 0, fmt.Errorf("demo rule counts: %w", err)
	}
	return len(cells), nil
}

package indicator_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/weijian-health/weijian/internal/indicator"
)

// Store.KeepRuleCounts (the demo's warm-up) leaves exactly the rule_count
// and rule_mark rows that counting the same row queries one by one
// (CountRows) leaves: every built-in indicator of the county over three
// years, counted both ways on the same rows — and again with one rule
// kept beforehand, which it leaves as it is.
func TestKeepRuleCountsAsCountRows(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		loadPopulation(t, f)
		loadHypertension(t, f)
		f.load(t, person{village: vilA1, sex: 1, born: "2024-01-05", events: []event{dose("2024-01-05", "HepB", 1)}},
			person{village: vilB1, sex: 2, born: "2023-03-05", events: []event{dose("2023-03-05", "HepB", 1), dose("2024-03-06", "BCG", 1)}})
		var cells []indicator.Cell
		for _, d := range f.lib.All() {
			for y := 2023; y <= 2025; y++ {
				cells = append(cells, indicator.Cell{Indicator: d.Code, OrgUnit: county, Span: year(y)})
			}
		}
		rec := &recordRows{Store: f.st}
		if _, err := indicator.NewEngine(f.lib, rec, f.src).EvalMany(ctx, all, cells); err != nil {
			t.Fatal(err)
		}
		oneByOne := keptTables(t, f)
		if !strings.Contains(oneByOne, "persons") || !strings.Contains(oneByOne, "events") || strings.Count(oneByOne, "\n") < 20 {
			t.Fatalf("too little kept to compare:\n%s", oneByOne)
		}
		for _, pre := range []bool{false, true} {
			for _, q := range []string{"DELETE FROM rule_count", "DELETE FROM rule_mark"} {
				if _, err := f.st.DB().ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			if pre {
				i := slices.IndexFunc(rec.qs, func(q indicator.RowQuery) bool { return q.Function == "events" && q.ByMonth })
				if _, err := f.st.CountRows(ctx, rec.qs[i]); err != nil {
					t.Fatal(err)
				}
			}
			if err := f.st.KeepRuleCounts(ctx, rec.qs); err != nil {
				t.Fatal(err)
			}
			if got := keptTables(t, f); got != oneByOne {
				t.Errorf("kept beforehand %v: KeepRuleCounts left\n%s\none by one\n%s", pre, got, oneByOne)
			}
		}
	})
}

// recordRows notes the row queries the engine asks of the store.
type recordRows struct {
	indicator.Store
	mu sync.Mutex
	qs []indicator.RowQuery
}

func (r *recordRows) CountRows(ctx context.Context, q indicator.RowQuery) ([]indicator.PathCount, error) {
	r.mu.Lock()
	r.qs = append(r.qs, q)
	r.mu.Unlock()
	return r.Store.CountRows(ctx, q)
}

// keptTables is every row of rule_count and rule_mark, sorted.
func keptTables(t *testing.T, f *fixture) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		"SELECT county_code, rule_key, year, month, village_path, n, '' FROM rule_count ORDER BY 1, 2, 3, 4, 5",
		"SELECT county_code, rule_key, year, function, programme, stage, rule || fields FROM rule_mark ORDER BY 1, 2, 3",
	} {
		rows, err := f.st.DB().QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var v [7]any
			if err := rows.Scan(&v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6]); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(&b, v[:]...)
		}
		rows.Close()
	}
	return b.String()
}

package sqlstore

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
)

// KeepRuleCounts counts into the kept rule counts the queries of qs that
// CountRows answers from them (keptCountable) and that are not kept yet,
// as the first CountRows of each would — the same rows of rule_count and
// rule_mark — but in fewer passes over the rows: all the rules of one
// function, programme and stage in a county, over all their years, are
// counted by one query (a SUM of each rule's condition, grouped by year,
// month and village, as the writers' corrections count: countGroup), in
// one transaction under the county's rule lock. Other queries are
// ignored. The demo calls it once for the indicators of its last three
// years (the whole county: 156 counts, each a pass over a programme's
// rows of a year, become 15).
func (s *Store) KeepRuleCounts(ctx context.Context, qs []indicator.RowQuery) error {
	if s.liveCounts {
		return nil
	}
	type group struct{ county, function, programme, stage string }
	type rule struct {
		def   ruleDef
		years map[int]bool
	}
	groups := map[group]map[string]*rule{}
	for _, q := range qs {
		if !keptCountable(q) {
			continue
		}
		d, err := ruleDefOf(q)
		if err != nil {
			return err
		}
		for _, c := range q.Counties {
			g := group{c, d.function, d.programme, d.stage}
			if groups[g] == nil {
				groups[g] = map[string]*rule{}
			}
			r := groups[g][d.key]
			if r == nil {
				r = &rule{def: d, years: map[int]bool{}}
				groups[g][d.key] = r
			}
			r.years[q.From.Year] = true
		}
	}
	keys := slices.SortedFunc(maps.Keys(groups), func(a, b group) int {
		return cmp.Or(cmp.Compare(a.county, b.county), cmp.Compare(a.function, b.function),
			cmp.Compare(a.programme, b.programme), cmp.Compare(a.stage, b.stage))
	})
	for _, g := range keys {
		var defs []ruleDef
		years := map[string]map[int]bool{}
		for _, k := range slices.Sorted(maps.Keys(groups[g])) {
			defs = append(defs, groups[g][k].def)
			years[k] = groups[g][k].years
		}
		if err := s.countRules(ctx, g.county, defs, years); err != nil {
			return fmt.Errorf("count %s(%s.%s) in %s: %w", g.function, g.programme, g.stage, g.county, err)
		}
	}
	return nil
}

// countRules is countRule for several rules of one function, programme
// and stage, each over its years, in one query and one transaction.
func (s *Store) countRules(ctx context.Context, county string, defs []ruleDef, years map[string]map[int]bool) error {
	return s.inTx(ctx, func(tx *Tx) error {
		if err := tx.lockRules(ctx, county, true); err != nil {
			return err
		}
		want, lo, hi, err := wantedYears(ctx, tx, county, defs, years)
		if err != nil {
			return err
		}
		defs = slices.DeleteFunc(slices.Clone(defs), func(d ruleDef) bool { return want[d.key] == nil })
		if len(defs) == 0 {
			return nil
		}
		counts, err := s.groupCounts(ctx, tx, county, defs, want, lo, hi)
		if err != nil {
			return err
		}
		var marks [][]any
		for _, d := range defs {
			for _, y := range slices.Sorted(maps.Keys(want[d.key])) {
				if _, err := tx.Exec(ctx, "DELETE FROM rule_count WHERE county_code = ? AND rule_key = ? AND year = ?", county, d.key, y); err != nil {
					return err
				}
				marks = append(marks, []any{county, d.key, y, d.function, d.programme, d.stage, d.rule, d.fields})
			}
		}
		if err := tx.insertMany(ctx, "rule_count", []string{"county_code", "rule_key", "year", "month", "village_path", "n"}, counts); err != nil {
			return err
		}
		return tx.insertMany(ctx, "rule_mark", []string{"county_code", "rule_key", "year", "function", "programme", "stage", "rule", "fields"}, marks)
	})
}

// wantedYears is, per rule key, the years of years not kept yet (what
// was counted meanwhile stays as it is), and the first and last of them.
func wantedYears(ctx context.Context, tx *Tx, county string, defs []ruleDef, years map[string]map[int]bool) (want map[string]map[int]bool, lo, hi int, err error) {
	type mark struct {
		key  string
		year int
	}
	args := []any{county}
	for _, d := range defs {
		args = append(args, d.key)
	}
	kept, err := queryAll(ctx, tx, func(r rowScanner) (mark, error) {
		var m mark
		return m, r.Scan(&m.key, &m.year)
	}, "SELECT rule_key, year FROM rule_mark WHERE county_code = ? AND rule_key IN ("+
		strings.TrimSuffix(strings.Repeat("?,", len(defs)), ",")+")", args...)
	if err != nil {
		return nil, 0, 0, err
	}
	want = map[string]map[int]bool{}
	for _, d := range defs {
		for y := range years[d.key] {
			if slices.Contains(kept, mark{d.key, y}) {
				continue
			}
			if want[d.key] == nil {
				want[d.key] = map[int]bool{}
			}
			want[d.key][y] = true
			if lo == 0 || y < lo {
				lo = y
			}
			hi = max(hi, y)
		}
	}
	return want, lo, hi, nil
}

// groupCounts reads the rows of the group of defs (one function,
// programme and stage) over the years lo to hi once, each rule's
// condition summed — what countRule's WHERE counts, row for row — and
// returns the rule_count rows of the wanted years.
func (s *Store) groupCounts(ctx context.Context, tx *Tx, county string, defs []ruleDef, want map[string]map[int]bool, lo, hi int) ([][]any, error) {
	d0 := defs[0]
	q := indicator.RowQuery{Function: d0.function, Programme: d0.programme, Stage: d0.stage, Counties: []string{county},
		From: period.NewDate(lo, 1, 1), To: period.NewDate(hi, 12, 31)}
	from, conds, qargs, _, err := s.rowParts(q)
	if err != nil {
		return nil, err
	}
	year, month, group := "y.year", "0", "y.year, y.village_path"
	if d0.function == "events" {
		year, month = s.yearOf("e.event_date"), s.monthOf("e.event_date")
		group = year + ", " + month + ", y.village_path"
	}
	sums := make([]string, len(defs))
	for i, d := range defs {
		cond, err := s.ruleSQL(county, d)
		if err != nil {
			return nil, err
		}
		sums[i] = "SUM(CASE WHEN " + cond + " THEN 1 ELSE 0 END)"
	}
	rows, err := tx.Query(ctx, "SELECT "+year+", "+month+", y.village_path, "+strings.Join(sums, ", ")+" FROM "+from+
		" WHERE "+strings.Join(conds, " AND ")+" GROUP BY "+group, qargs...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var counts [][]any
	ns := make([]int64, len(defs))
	var y, m int
	var path string
	dest := []any{&y, &m, &path}
	for i := range ns {
		dest = append(dest, &ns[i])
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		for i, d := range defs {
			if ns[i] != 0 && want[d.key][y] {
				counts = append(counts, []any{county, d.key, y, m, path, ns[i]})
			}
		}
	}
	return counts, rows.Err()
}

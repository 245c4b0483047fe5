package sqlstore

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/weijian-health/weijian"
)

// Targets (任务数/目标值): see migrations 0009 and weijian.TargetStore.

// countyOf is the county code of a unit: the first six digits of its code
// (the division code), as for the per-resident tables.
func countyOf(code string) string {
	if len(code) > 6 {
		return code[:6]
	}
	return code
}

// tgKey identifies one stored target.
type tgKey struct {
	county, indicator string
	unit              int64
	year              int
}

// SetTargets stores a batch of targets all or nothing (see
// weijian.TargetStore). Issues name the row (Target.Line, or the 1-based
// position in rows when Line is 0).
func (s *Store) SetTargets(ctx context.Context, sc weijian.Scope, actor string, rows []weijian.Target, opt weijian.ImportOptions) (weijian.ImportSummary, error) {
	sum := weijian.ImportSummary{Rows: len(rows)}
	var codes []string
	for _, r := range rows {
		codes = append(codes, r.UnitCode)
	}
	units, err := s.unitsByCodes(ctx, s.db, dedupe(codes))
	if err != nil {
		return sum, err
	}
	keys, top, issues := targetKeys(sc, rows, units)
	issues = append(append([]weijian.Issue(nil), opt.Issues...), issues...)
	if len(issues) > 0 {
		return sum, weijian.Invalid(weijian.T("任务数/目标值有误，未保存任何一条", "the targets have errors; nothing was stored"), issues...)
	}
	err = s.inTx(ctx, func(tx *Tx) error {
		old, err := storedTargets(ctx, tx, keys)
		if err != nil {
			return err
		}
		now := s.d.stamp(s.now())
		var inserts [][]any
		for i, r := range rows {
			k := keys[i]
			prev, had := old[k]
			method := r.Method
			if method == "" {
				method = weijian.TargetEntered
			}
			switch {
			case had && prev == r.Value:
				sum.Unchanged++
			case had:
				sum.Updated++
				if opt.DryRun {
					continue
				}
				if _, err := tx.Exec(ctx, `UPDATE target SET value = ?, method = ?, updated_by = ?, updated_at = ?
					WHERE county_code = ? AND indicator = ? AND org_unit_id = ? AND year = ?`,
					r.Value, method, actor, now, k.county, k.indicator, k.unit, k.year); err != nil {
					return err
				}
			default:
				sum.Inserted++
				inserts = append(inserts, []any{k.county, k.indicator, k.unit, k.year, r.Value, method, actor, now})
			}
		}
		if opt.DryRun || sum.Inserted+sum.Updated == 0 {
			return nil
		}
		if err := tx.insertMany(ctx, "target", []string{"county_code", "indicator", "org_unit_id", "year", "value",
			"method", "updated_by", "updated_at"}, inserts); err != nil {
			return err
		}
		return s.audit(ctx, tx, weijian.AuditEntry{Actor: actor, Action: weijian.ActionTargetSet, UnitPath: top,
			Target: strings.Join(batchIndicators(rows), ","),
			Detail: fmt.Sprintf("rows=%d inserted=%d updated=%d unchanged=%d", sum.Rows, sum.Inserted, sum.Updated, sum.Unchanged)})
	})
	if err != nil {
		return weijian.ImportSummary{Rows: len(rows)}, fmt.Errorf("set targets: %w", err)
	}
	return sum, nil
}

// targetKeys checks each row against the units and the scope and returns
// its key, the topmost unit path of the batch (for the audit entry) and
// the problems found.
func targetKeys(sc weijian.Scope, rows []weijian.Target, units map[string]*weijian.OrgUnit) ([]tgKey, string, []weijian.Issue) {
	keys := make([]tgKey, len(rows))
	seen := map[tgKey]int{}
	var issues []weijian.Issue
	top := ""
	add := func(row int, field, value, rule string, msg weijian.Text) {
		if len(issues) < weijian.MaxIssues {
			issues = append(issues, weijian.Issue{Row: row, Field: field, Value: weijian.Clip(value), Rule: rule, Msg: msg})
		}
	}
	for i, r := range rows {
		row := r.Line
		if row == 0 {
			row = i + 1
		}
		u := units[r.UnitCode]
		switch {
		case strings.TrimSpace(r.Indicator) == "":
			add(row, "indicator", "", "required", weijian.T("指标不能为空", "indicator is required"))
			continue
		case r.Year < 1900 || r.Year > 2200:
			add(row, "year", fmt.Sprint(r.Year), "bad_year", weijian.T("年度应在 1900–2200 之间", "year must be between 1900 and 2200"))
			continue
		case math.IsNaN(r.Value) || math.IsInf(r.Value, 0) || r.Value < 0:
			add(row, "value", fmt.Sprint(r.Value), "negative", weijian.T("目标值不能为负数", "a target cannot be negative"))
			continue
		case u == nil:
			add(row, "orgUnit", r.UnitCode, "unit", weijian.T("机构代码不存在", "no org unit has this code"))
			continue
		case !sc.Covers(u.Path):
			add(row, "orgUnit", r.UnitCode, "scope", weijian.T("不在您的管辖范围内", "outside your scope"))
			continue
		}
		k := tgKey{countyOf(u.Code), r.Indicator, u.ID, r.Year}
		if j, dup := seen[k]; dup {
			add(row, "value", "", "duplicate", weijian.T(fmt.Sprintf("与第%d行重复（同一指标、机构和年度）", j),
				fmt.Sprintf("same indicator, unit and year as row %d", j)))
			continue
		}
		seen[k] = row
		keys[i] = k
		if top == "" || len(u.Path) < len(top) {
			top = u.Path
		}
	}
	return keys, top, issues
}

// batchIndicators lists the distinct indicators of rows.
func batchIndicators(rows []weijian.Target) []string {
	var list []string
	for _, r := range rows {
		list = append(list, r.Indicator)
	}
	return dedupe(list)
}

// storedTargets reads the stored values of the keys, a county and an
// indicator at a time.
func storedTargets(ctx context.Context, tx *Tx, keys []tgKey) (map[tgKey]float64, error) {
	type ci struct{ county, indicator string }
	byCI := map[ci][]int64{}
	for _, k := range keys {
		byCI[ci{k.county, k.indicator}] = append(byCI[ci{k.county, k.indicator}], k.unit)
	}
	out := map[tgKey]float64{}
	for g, units := range byCI {
		units = dedupeIDs(units)
		for start := 0; start < len(units); start += 500 {
			chunk := units[start:min(start+500, len(units))]
			type stored struct {
				k tgKey
				v float64
			}
			got, err := queryAll(ctx, tx, func(r rowScanner) (stored, error) {
				st := stored{k: tgKey{county: g.county, indicator: g.indicator}}
				return st, r.Scan(&st.k.unit, &st.k.year, &st.v)
			}, `SELECT org_unit_id, year, value FROM target WHERE county_code = ? AND indicator = ?
				AND org_unit_id IN (`+idList(chunk)+`)`, g.county, g.indicator)
			if err != nil {
				return nil, err
			}
			for _, st := range got {
				out[st.k] = st.v
			}
		}
	}
	return out, nil
}

func dedupeIDs(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// Targets returns the stored targets f selects within sc, by indicator,
// year and unit path. A filter naming units reads only their counties'
// shards.
func (s *Store) Targets(ctx context.Context, sc weijian.Scope, f weijian.TargetFilter) ([]weijian.Target, error) {
	where, args := scopeCond(sc, false)
	add := func(cond string, vals []string) {
		if len(vals) > 0 {
			where += " AND " + cond + " IN (" + placeholders(len(vals)) + ")"
			for _, v := range vals {
				args = append(args, v)
			}
		}
	}
	var counties []string
	for _, c := range f.UnitCodes {
		counties = append(counties, countyOf(c))
	}
	add("t.county_code", dedupe(counties))
	add("u.code", f.UnitCodes)
	add("t.indicator", f.Indicators)
	if f.Year != 0 {
		where += " AND t.year = ?"
		args = append(args, f.Year)
	}
	if f.Under != "" {
		root, err := s.OrgUnit(ctx, sc, f.Under)
		if err != nil {
			return nil, err
		}
		lo, hi := weijian.PathRange(root.Path)
		where += " AND u.path >= ? AND u.path < ?"
		args = append(args, lo, hi)
	}
	return queryAll(ctx, storeQ{s}, scanTarget, `SELECT t.indicator, u.code, u.name, t.year, t.value, t.method, t.updated_by, t.updated_at
		FROM target t JOIN org_unit u ON u.id = t.org_unit_id WHERE `+where+` ORDER BY t.indicator, t.year, u.path`, args...)
}

func scanTarget(r rowScanner) (weijian.Target, error) {
	var t weijian.Target
	err := r.Scan(&t.Indicator, &t.UnitCode, &t.UnitName, &t.Year, &t.Value, &t.Method, &t.UpdatedBy, timeCol{&t.UpdatedAt})
	return t, err
}

package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/weijian-health/weijian"
)

// dvKey identifies one stored data value.
type dvKey struct {
	dataset, element string
	unit             int64
	period, combo    string
}

// dvGroup is one data set, unit and period: the unit of completion.
type dvGroup struct {
	dataset string
	unit    int64
	period  string
}

// dataValueKeys resolves the values' units and returns each value's
// cell, or the issues of the batch (an unknown unit or one outside sc,
// two values for one cell) as one invalid error.
func (s *Store) dataValueKeys(ctx context.Context, sc weijian.Scope, vals []weijian.DataValue) ([]dvKey, error) {
	var codes []string
	for _, v := range vals {
		codes = append(codes, v.UnitCode)
	}
	units, err := s.unitsByCodes(ctx, s.db, dedupe(codes))
	if err != nil {
		return nil, err
	}
	keys := make([]dvKey, len(vals))
	seen := map[dvKey]int{}
	var issues []weijian.Issue
	for i, v := range vals {
		u := units[v.UnitCode]
		switch {
		case u == nil:
			issues = append(issues, weijian.Issue{Row: i + 1, Field: "orgUnit", Value: v.UnitCode, Rule: "unit",
				Msg: weijian.T("机构代码不存在", "no org unit has this code")})
			continue
		case !sc.Covers(u.Path):
			issues = append(issues, weijian.Issue{Row: i + 1, Field: "orgUnit", Value: v.UnitCode, Rule: "scope",
				Msg: weijian.T("不在您的管辖范围内", "outside your scope")})
			continue
		}
		k := dvKey{v.DataSet, v.Element, u.ID, v.Period, v.Combo}
		if j, dup := seen[k]; dup {
			issues = append(issues, weijian.Issue{Row: i + 1, Field: "value", Rule: "duplicate",
				Msg: weijian.T(fmt.Sprintf("与第%d条重复", j+1), fmt.Sprintf("same cell as value %d", j+1))})
			continue
		}
		seen[k] = i
		keys[i] = k
	}
	if len(issues) > 0 {
		return nil, weijian.Invalid(weijian.T("数据有误，未保存任何数值", "the batch has errors; nothing was stored"), issues...)
	}
	return keys, nil
}

// SaveDataValues stores a batch of data values in one transaction: all
// or nothing. Each unit must exist and lie in sc. A value equal to the
// stored one changes nothing (a re-sent batch is a no-op); an empty value
// deletes. Every change is recorded in data_value_history. Values are
// checked against their data set by the caller (package dataset); the
// store checks units, scope and duplicates. Issues name the 1-based
// position of the value in vals.
func (s *Store) SaveDataValues(ctx context.Context, sc weijian.Scope, actor string, vals []weijian.DataValue) (weijian.ImportSummary, error) {
	sum := weijian.ImportSummary{Rows: len(vals)}
	keys, err := s.dataValueKeys(ctx, sc, vals)
	if err != nil {
		return sum, err
	}
	err = s.inTx(ctx, func(tx *Tx) error {
		old, err := storedValues(ctx, tx, keys)
		if err != nil {
			return err
		}
		now := s.d.stamp(s.now())
		var inserts, history [][]any
		filled := map[dvGroup]bool{}
		for i, v := range vals {
			k := keys[i]
			prev, had := old[k]
			switch {
			case had && prev == v.Value, !had && v.Value == "":
				sum.Unchanged++
				continue
			case v.Value == "":
				sum.Closed++ // deleted
				if _, err := tx.Exec(ctx, `DELETE FROM data_value WHERE dataset = ? AND element = ? AND org_unit_id = ?
					AND period = ? AND combo = ?`, k.dataset, k.element, k.unit, k.period, k.combo); err != nil {
					return err
				}
			case had:
				sum.Updated++
				if _, err := tx.Exec(ctx, `UPDATE data_value SET value = ?, updated_by = ?, updated_at = ? WHERE dataset = ?
					AND element = ? AND org_unit_id = ? AND period = ? AND combo = ?`,
					v.Value, actor, now, k.dataset, k.element, k.unit, k.period, k.combo); err != nil {
					return err
				}
			default:
				sum.Inserted++
				inserts = append(inserts, []any{k.dataset, k.element, k.unit, k.period, k.combo, v.Value, actor, now})
			}
			if v.Value != "" {
				filled[dvGroup{k.dataset, k.unit, k.period}] = true
			}
			history = append(history, []any{k.dataset, k.element, k.unit, k.period, k.combo,
				nullStr(prev), nullStr(v.Value), actor, now})
		}
		if err := tx.insertMany(ctx, "data_value", []string{"dataset", "element", "org_unit_id", "period", "combo",
			"value", "updated_by", "updated_at"}, inserts); err != nil {
			return err
		}
		if err := tx.insertMany(ctx, "data_value_history", []string{"dataset", "element", "org_unit_id", "period", "combo",
			"old_value", "new_value", "changed_by", "changed_at"}, history); err != nil {
			return err
		}
		// A unit that reports values is no longer a zero report.
		for g := range filled {
			if _, err := tx.Exec(ctx, `UPDATE dataset_completion SET zero_report = ? WHERE dataset = ? AND org_unit_id = ?
				AND period = ? AND zero_report = ?`, false, g.dataset, g.unit, g.period, true); err != nil {
				return err
			}
		}
		if len(history) == 0 {
			return nil
		}
		return s.audit(ctx, tx, weijian.AuditEntry{Actor: actor, Action: "datavalue.save",
			Detail: fmt.Sprintf("values=%d inserted=%d updated=%d deleted=%d unchanged=%d", sum.Rows, sum.Inserted, sum.Updated, sum.Closed, sum.Unchanged)})
	})
	if err != nil {
		return weijian.ImportSummary{Rows: len(vals)}, fmt.Errorf("save data values: %w", err)
	}
	s.analyzeAfter(ctx, sum.Inserted, "data_value")
	return sum, nil
}

// storedValues reads the stored values of the keys' data set, unit and
// period groups.
func storedValues(ctx context.Context, tx *Tx, keys []dvKey) (map[dvKey]string, error) {
	type dp struct{ dataset, period string }
	byDP := map[dp][]int64{}
	seen := map[dvGroup]bool{}
	for _, k := range keys {
		g := dvGroup{k.dataset, k.unit, k.period}
		if !seen[g] {
			seen[g] = true
			byDP[dp{k.dataset, k.period}] = append(byDP[dp{k.dataset, k.period}], k.unit)
		}
	}
	out := map[dvKey]string{}
	for g, units := range byDP {
		for start := 0; start < len(units); start += 500 {
			chunk := units[start:min(start+500, len(units))]
			rows, err := tx.Query(ctx, `SELECT element, org_unit_id, combo, value FROM data_value
				WHERE dataset = ? AND period = ? AND org_unit_id IN (`+idList(chunk)+`)`, g.dataset, g.period)
			if err != nil {
				return nil, err
			}
			for rows.Next() {
				k := dvKey{dataset: g.dataset, period: g.period}
				var v string
				if err := rows.Scan(&k.element, &k.unit, &k.combo, &v); err != nil {
					rows.Close()
					return nil, err
				}
				out[k] = v
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// dvWhere is the condition selecting f's values in sc (aliases v and u).
func dvWhere(sc weijian.Scope, dataset string, periods, unitCodes []string) (string, []any) {
	where, args := scopeCond(sc, false)
	where += " AND v.dataset = ?"
	args = append(args, dataset)
	if len(periods) > 0 {
		where += " AND v.period IN (" + placeholders(len(periods)) + ")"
		for _, p := range periods {
			args = append(args, p)
		}
	}
	if len(unitCodes) > 0 {
		where += " AND u.code IN (" + placeholders(len(unitCodes)) + ")"
		for _, c := range unitCodes {
			args = append(args, c)
		}
	}
	return where, args
}

// DataValues returns the stored values f selects within sc, by unit code,
// period, element and combo.
func (s *Store) DataValues(ctx context.Context, sc weijian.Scope, f weijian.DataValueFilter) ([]weijian.DataValue, error) {
	where, args := dvWhere(sc, f.DataSet, f.Periods, f.UnitCodes)
	rows, err := s.query(ctx, `SELECT v.dataset, v.element, u.code, v.period, v.combo, v.value, v.updated_by, v.updated_at
		FROM data_value v JOIN org_unit u ON u.id = v.org_unit_id WHERE `+where+`
		ORDER BY u.code, v.period, v.element, v.combo`, args...)
	if err != nil {
		return nil, fmt.Errorf("data values: %w", err)
	}
	defer rows.Close()
	var out []weijian.DataValue
	for rows.Next() {
		var v weijian.DataValue
		if err := rows.Scan(&v.DataSet, &v.Element, &v.UnitCode, &v.Period, &v.Combo, &v.Value, &v.UpdatedBy, timeCol{&v.UpdatedAt}); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// DataValueHistory returns the changes of the values of one data set, unit
// and period within sc, oldest first.
func (s *Store) DataValueHistory(ctx context.Context, sc weijian.Scope, dataset, unitCode, period string) ([]weijian.DataValueChange, error) {
	where, args := dvWhere(sc, dataset, []string{period}, []string{unitCode})
	rows, err := s.query(ctx, `SELECT v.dataset, v.element, u.code, v.period, v.combo, v.old_value, v.new_value, v.changed_by, v.changed_at
		FROM data_value_history v JOIN org_unit u ON u.id = v.org_unit_id WHERE `+where+` ORDER BY v.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("data value history: %w", err)
	}
	defer rows.Close()
	var out []weijian.DataValueChange
	for rows.Next() {
		var c weijian.DataValueChange
		if err := rows.Scan(&c.DataSet, &c.Element, &c.UnitCode, &c.Period, &c.Combo, strCol{&c.Old}, strCol{&c.New}, &c.By, timeCol{&c.At}); err != nil {
			return nil, err
		}
		c.Value = c.New
		out = append(out, c)
	}
	return out, rows.Err()
}

// scopedUnit returns the unit with the code when sc covers it.
func (s *Store) scopedUnit(ctx context.Context, sc weijian.Scope, code string) (*weijian.OrgUnit, error) {
	us, err := s.unitsByCodes(ctx, s.db, []string{code})
	if err != nil {
		return nil, err
	}
	u := us[code]
	if u == nil || !sc.Covers(u.Path) {
		return nil, unitNotFound(code)
	}
	return u, nil
}

// SetCompletion registers c (completed now by actor). A zero report is
// refused while the unit has values stored for the data set and period.
func (s *Store) SetCompletion(ctx context.Context, sc weijian.Scope, actor string, c weijian.Completion) error {
	u, err := s.scopedUnit(ctx, sc, c.UnitCode)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		if c.ZeroReport {
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM data_value WHERE dataset = ? AND org_unit_id = ? AND period = ?`,
				c.DataSet, u.ID, c.Period).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return weijian.E(weijian.KindConflict, weijian.T(fmt.Sprintf("已填报%d个数值，不能报零报告", n),
					fmt.Sprintf("%d values are reported; a zero report must have none", n)))
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO dataset_completion (dataset, org_unit_id, period, zero_report, completed_by, completed_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (dataset, org_unit_id, period) DO UPDATE SET zero_report = excluded.zero_report,
			completed_by = excluded.completed_by, completed_at = excluded.completed_at`,
			c.DataSet, u.ID, c.Period, c.ZeroReport, actor, s.d.stamp(s.now())); err != nil {
			return err
		}
		return s.audit(ctx, tx, weijian.AuditEntry{Actor: actor, Action: "dataset.complete", Target: c.UnitCode,
			Detail: fmt.Sprintf("dataset=%s period=%s zero=%t", c.DataSet, c.Period, c.ZeroReport)})
	})
}

// DeleteCompletion withdraws a completion (the unit reopens the report).
func (s *Store) DeleteCompletion(ctx context.Context, sc weijian.Scope, actor, dataset, unitCode, period string) error {
	u, err := s.scopedUnit(ctx, sc, unitCode)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `DELETE FROM dataset_completion WHERE dataset = ? AND org_unit_id = ? AND period = ?`, dataset, u.ID, period)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return weijian.NotFound(weijian.T("完成登记", "completion"))
		}
		return s.audit(ctx, tx, weijian.AuditEntry{Actor: actor, Action: "dataset.reopen", Target: unitCode,
			Detail: fmt.Sprintf("dataset=%s period=%s", dataset, period)})
	})
}

// Completions returns the completions of the data set in the periods
// (all when none given) within sc.
func (s *Store) Completions(ctx context.Context, sc weijian.Scope, dataset string, periods []string) ([]weijian.Completion, error) {
	where, args := dvWhere(sc, dataset, periods, nil)
	rows, err := s.query(ctx, `SELECT v.dataset, u.code, v.period, v.zero_report, v.completed_by, v.completed_at
		FROM dataset_completion v JOIN org_unit u ON u.id = v.org_unit_id WHERE `+where+` ORDER BY u.code, v.period`, args...)
	if err != nil {
		return nil, fmt.Errorf("completions: %w", err)
	}
	defer rows.Close()
	var out []weijian.Completion
	for rows.Next() {
		var c weijian.Completion
		if err := rows.Scan(&c.DataSet, &c.UnitCode, &c.Period, &c.ZeroReport, &c.CompletedBy, timeCol{&c.CompletedAt}); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ReportingUnits returns the current units within sc at one of the levels
// or facilities of one of the types: the units expected to report.
func (s *Store) ReportingUnits(ctx context.Context, sc weijian.Scope, levels, facilityTypes []string) ([]*weijian.OrgUnit, error) {
	where, args := scopeCond(sc, false)
	var or []string
	if len(levels) > 0 {
		or = append(or, "u.level IN ("+placeholders(len(levels))+")")
		for _, l := range levels {
			args = append(args, l)
		}
	}
	if len(facilityTypes) > 0 {
		or = append(or, "(u.level = 'facility' AND u.facility_type IN ("+placeholders(len(facilityTypes))+"))")
		for _, f := range facilityTypes {
			args = append(args, f)
		}
	}
	if len(or) == 0 {
		return nil, nil
	}
	return s.units(ctx, false, "SELECT "+unitCols+" FROM org_unit u WHERE u.valid_to IS NULL AND "+where+
		" AND ("+strings.Join(or, " OR ")+") ORDER BY u.path", args...)
}

// dedupe returns the distinct strings of list, in first-seen order.
func dedupe(list []string) []string {
	seen := make(map[string]bool, len(list))
	var out []string
	for _, x := range list {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// ImportCompletions registers many completions in one transaction, each
// with its own completion time and user (a migration from another system,
// the demo): all or nothing, units checked against sc; a registration
// already stored for the same data set, unit and period is replaced.
func (s *Store) ImportCompletions(ctx context.Context, sc weijian.Scope, cs []weijian.Completion) error {
	var codes []string
	for _, c := range cs {
		codes = append(codes, c.UnitCode)
	}
	units, err := s.unitsByCodes(ctx, s.db, dedupe(codes))
	if err != nil {
		return err
	}
	var issues []weijian.Issue
	rows := make([][]any, 0, len(cs))
	groups := map[string][]int64{} // dataset|period → units
	for i, c := range cs {
		u := units[c.UnitCode]
		if u == nil || !sc.Covers(u.Path) {
			issues = append(issues, weijian.Issue{Row: i + 1, Field: "orgUnit", Value: c.UnitCode, Rule: "unit",
				Msg: weijian.T("机构代码不存在或不在您的管辖范围内", "no such org unit in your scope")})
			continue
		}
		rows = append(rows, []any{c.DataSet, u.ID, c.Period, c.ZeroReport, c.CompletedBy, s.d.stamp(c.CompletedAt)})
		groups[c.DataSet+"|"+c.Period] = append(groups[c.DataSet+"|"+c.Period], u.ID)
	}
	if len(issues) > 0 {
		return weijian.Invalid(weijian.T("完成登记有误，未保存", "the completions have errors; nothing was stored"), issues...)
	}
	return s.inTx(ctx, func(tx *Tx) error {
		for k, ids := range groups {
			ds, pe, _ := strings.Cut(k, "|")
			if _, err := tx.Exec(ctx, "DELETE FROM dataset_completion WHERE dataset = ? AND period = ? AND org_unit_id IN ("+idList(ids)+")", ds, pe); err != nil {
				return err
			}
		}
		return tx.insertMany(ctx, "dataset_completion", []string{"dataset", "org_unit_id", "period", "zero_report", "completed_by", "completed_at"}, rows)
	})
}

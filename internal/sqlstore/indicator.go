package sqlstore

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/expr"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/programme"
)

// PopulationData returns the unit (which the scope must cover) and every
// stored population row of the year in its subtree, for a caller that
// rolls many units up from one read (weijian.RollUpPopulation).
func (s *Store) PopulationData(ctx context.Context, sc weijian.Scope, code string, year int) (*weijian.OrgUnit, []weijian.UnitPopulation, error) {
	return s.subtreePopulation(ctx, sc, code, year)
}

var fieldKeyRe = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// jsonField is the SQL expression of key in the JSON text column col, as
// a value of kind. The key is a metadata code (checked here again, since
// it is written into the text).
func (s *Store) jsonField(col, key string, kind indicator.FieldKind) (string, error) {
	if !fieldKeyRe.MatchString(key) {
		return "", fmt.Errorf("field %q cannot be read from JSON", key)
	}
	if s.d.name == "sqlite" {
		// json_extract gives JSON true/false as 1/0, numbers as numbers.
		return "json_extract(" + col + ", '$." + key + "')", nil
	}
	x := "(" + col + "::jsonb ->> '" + key + "')"
	switch kind {
	case indicator.FieldNumber:
		return "(" + x + "::float8)", nil
	case indicator.FieldBool:
		return "(" + x + "::boolean)", nil
	}
	return x, nil
}

// rowWhere is the FROM and WHERE of a row query, with its arguments.
func (s *Store) rowWhere(q indicator.RowQuery) (from, where string, args []any, err error) {
	from, conds, args, rule, err := s.rowParts(q)
	if err != nil {
		return "", "", nil, err
	}
	if rule != "" {
		conds = append(conds, rule)
	}
	return from, strings.Join(conds, " AND "), args, nil
}

// rowParts is the FROM of a row query, the conditions that select its
// rows bar the rule, their arguments, and the rule's SQL condition ("" for
// none; it has no arguments).
func (s *Store) rowParts(q indicator.RowQuery) (from string, conds []string, args []any, rule string, err error) {
	if len(q.Counties) == 0 {
		return "", nil, nil, "", fmt.Errorf("row query without a county")
	}
	marks := strings.TrimSuffix(strings.Repeat("?,", len(q.Counties)), ",")
	for _, c := range q.Counties {
		args = append(args, c)
	}
	cols := map[string]string{}
	switch q.Function {
	case "persons":
		from = "person_year y"
		conds = []string{"y.county_code IN (" + marks + ")", "y.programme = ?", "y.year >= ?", "y.year <= ?"}
		args = append(args, q.Programme, q.From.Year, q.To.Year)
		cols[indicator.FieldEnrolled], cols[indicator.FieldEvents] = "y.managed", "y.events"
		// The two well-known status items have columns of their own
		// (kept from the same values on every write): no JSON to read.
		cols[programme.StatusRegular], cols[programme.StatusControlled] = "y.standard", "(y.controlled = 1)"
	case "events":
		from = "service_event e JOIN person y ON y.county_code = e.county_code AND y.id = e.person_id"
		conds = []string{"e.county_code IN (" + marks + ")", "e.programme = ?", "e.stage = ?", "e.voided = ?",
			"e.event_date >= ?", "e.event_date <= ?"}
		args = append(args, q.Programme, q.Stage, false, dateVal(q.From.In(time.UTC)), dateVal(q.To.In(time.UTC)))
	default:
		return "", nil, nil, "", fmt.Errorf("unknown row function %q", q.Function)
	}
	from, conds, args = personFilter(q, from, conds, args)
	valsCol := map[string]string{"persons": "y.vals", "events": "e.vals"}[q.Function]
	for f, kind := range q.Fields {
		if _, builtin := cols[f]; builtin && q.Function == "persons" {
			continue
		}
		if cols[f], err = s.jsonField(valsCol, f, kind); err != nil {
			return "", nil, nil, "", err
		}
	}
	if q.Rule != nil {
		if rule, err = expr.SQL(q.Rule, cols); err != nil {
			return "", nil, nil, "", err
		}
	}
	return from, conds, args, rule, nil
}

// CountRows counts the persons or events a row query selects, per
// village path, in one query over the counties named (which Citus routes
// to their shards). A person counts once over a span of several years.
// A whole year of persons(…), or of events(…) by month, is read from the
// kept rule counts (rulecount.go).
func (s *Store) CountRows(ctx context.Context, q indicator.RowQuery) ([]indicator.PathCount, error) {
	if keptCountable(q) && !s.liveCounts {
		pcs, err := s.countKept(ctx, q)
		if err == nil || ctx.Err() != nil {
			return pcs, err
		}
		// Counting could not be stored (on SQLite, a long import holding
		// the write lock): answer live; a real error shows again there.
		s.log.Warn("rule counts not kept; counted live", "function", q.Function, "programme", q.Programme, "err", err)
	}
	from, where, args, err := s.rowWhere(q)
	if err != nil {
		return nil, err
	}
	count := "count(*)"
	if q.Function == "persons" && q.From.Year != q.To.Year {
		count = "count(DISTINCT y.person_id)"
	}
	month, group := "0", "y.village_path"
	if q.ByMonth && q.Function == "events" {
		month = s.monthOf("e.event_date")
		group += ", " + month
	}
	return queryAll(ctx, storeQ{s}, func(r rowScanner) (indicator.PathCount, error) {
		var c indicator.PathCount
		return c, r.Scan(&c.Path, &c.Month, &c.N)
	}, "SELECT y.village_path, "+month+", "+count+" FROM "+from+" WHERE "+where+" GROUP BY "+group, args...)
}

// ListRows returns the persons a row query selects under a path: for
// persons the status of the latest year in the span, for events each
// person's latest such event.
func (s *Store) ListRows(ctx context.Context, q indicator.RowQuery, under string, limit int) ([]indicator.RowPerson, error) {
	from, where, args, err := s.rowWhere(q)
	if err != nil {
		return nil, err
	}
	if under != "" {
		lo, hi := weijian.PathRange(under)
		where += " AND y.village_path >= ? AND y.village_path < ?"
		args = append(args, lo, hi)
	}
	sel := "SELECT y.person_id, y.village_path, y.vals, y.last_date FROM "
	order := " ORDER BY y.village_path, y.person_id, y.year DESC"
	if q.Function == "events" {
		sel = "SELECT y.id, y.village_path, e.vals, e.event_date FROM "
		order = " ORDER BY y.village_path, y.id, e.event_date DESC"
	}
	rows, err := queryAll(ctx, storeQ{s}, func(r rowScanner) (indicator.RowPerson, error) {
		var p indicator.RowPerson
		var vals string
		var last time.Time
		if err := r.Scan(&p.PersonID, &p.Path, &vals, timeCol{&last}); err != nil {
			return p, err
		}
		if !last.IsZero() {
			p.Last = period.DateOf(last)
		}
		return p, decodeValues(vals, &p.Values)
	}, sel+from+" WHERE "+where+order, args...)
	if err != nil {
		return nil, err
	}
	var out []indicator.RowPerson
	for _, r := range rows {
		if len(out) > 0 && out[len(out)-1].PersonID == r.PersonID {
			continue // an earlier year or event of the same person
		}
		if limit > 0 && len(out) == limit {
			break
		}
		out = append(out, r)
	}
	return out, nil
}

// UnitForest loads the counties around the units with codes: for a unit
// at or below a county, its county's whole subtree; for a unit above, its
// own subtree. Closed units are included and each unit carries its
// parent spells (org_unit_version), so that a figure can roll up by the
// tree as it stood in a period. It returns the county codes too.
func (s *Store) UnitForest(ctx context.Context, codes []string) ([]indicator.TreeUnit, []string, error) {
	roots, err := s.forestRoots(ctx, codes)
	if err != nil {
		return nil, nil, err
	}
	var units []indicator.TreeUnit
	byID := map[int64]int{}
	var counties []string
	for _, root := range roots {
		lo, hi := weijian.PathRange(root)
		us, err := queryAll(ctx, storeQ{s}, func(r rowScanner) (indicator.TreeUnit, error) {
			var u indicator.TreeUnit
			var from, to time.Time
			err := r.Scan(&u.ID, &u.Code, &u.Level, idCol{&u.ParentID}, &u.Path, timeCol{&from}, timeCol{&to}, idCol{&u.ReplacedBy})
			u.ValidFrom = period.DateOf(from)
			if !to.IsZero() {
				u.ValidTo = period.DateOf(to)
			}
			return u, err
		}, `SELECT id, code, level, parent_id, path, valid_from, valid_to, replaced_by FROM org_unit
			WHERE path >= ? AND path < ? ORDER BY path`, lo, hi)
		if err != nil {
			return nil, nil, err
		}
		for _, u := range us {
			if _, dup := byID[u.ID]; dup {
				continue
			}
			byID[u.ID] = len(units)
			units = append(units, u)
			if u.Level == weijian.LevelCounty && len(u.Code) >= 6 {
				counties = append(counties, u.Code[:6])
			}
		}
		if err := s.parentSpells(ctx, lo, hi, units, byID); err != nil {
			return nil, nil, err
		}
	}
	return units, counties, nil
}

// forestRoots returns the paths of the subtrees UnitForest loads.
func (s *Store) forestRoots(ctx context.Context, codes []string) ([]string, error) {
	seen := map[string]bool{}
	var roots []string
	for _, code := range codes {
		var path, level string
		err := s.queryRow(ctx, "SELECT path, level FROM org_unit WHERE code = ? AND valid_to IS NULL", code).Scan(&path, &level)
		if err != nil {
			return nil, weijian.NotFound(weijian.T("机构 "+code, "org unit "+code))
		}
		root := path
		if level != weijian.LevelProvince && level != weijian.LevelCity && level != weijian.LevelCounty {
			ids := weijian.PathIDs(path)
			for i := len(ids) - 1; i >= 0; i-- {
				var p, l string
				if err := s.queryRow(ctx, "SELECT path, level FROM org_unit WHERE id = ?", ids[i]).Scan(&p, &l); err != nil {
					return nil, err
				}
				if l == weijian.LevelCounty {
					root = p
					break
				}
			}
		}
		if !seen[root] {
			seen[root] = true
			roots = append(roots, root)
		}
	}
	return roots, nil
}

// parentSpells attaches the stored versions' parents to the units of a
// subtree.
func (s *Store) parentSpells(ctx context.Context, lo, hi string, units []indicator.TreeUnit, byID map[int64]int) error {
	type spell struct {
		id       int64
		from, to time.Time
		parent   int64
	}
	spells, err := queryAll(ctx, storeQ{s}, func(r rowScanner) (spell, error) {
		var sp spell
		return sp, r.Scan(&sp.id, timeCol{&sp.from}, timeCol{&sp.to}, idCol{&sp.parent})
	}, `SELECT v.org_unit_id, v.valid_from, v.valid_to, v.parent_id FROM org_unit_version v
		JOIN org_unit u ON u.id = v.org_unit_id WHERE u.path >= ? AND u.path < ? ORDER BY v.org_unit_id, v.valid_from`, lo, hi)
	if err != nil {
		return err
	}
	for _, sp := range spells {
		i, ok := byID[sp.id]
		if !ok {
			continue
		}
		ps := indicator.ParentSpell{From: period.DateOf(sp.from), ParentID: sp.parent}
		if !sp.to.IsZero() {
			ps.To = period.DateOf(sp.to)
		}
		units[i].Parents = append(units[i].Parents, ps)
	}
	return nil
}

// CountRowsUnder counts the persons or events a row query selects whose
// village path starts with under: one plain query for one cell, the
// baseline the engine's grouped CountRows is measured against.
func (s *Store) CountRowsUnder(ctx context.Context, q indicator.RowQuery, under string) (int64, error) {
	from, where, args, err := s.rowWhere(q)
	if err != nil {
		return 0, err
	}
	lo, hi := weijian.PathRange(under)
	count := "count(*)"
	if q.Function == "persons" && q.From.Year != q.To.Year {
		count = "count(DISTINCT y.person_id)"
	}
	var n int64
	err = s.queryRow(ctx, "SELECT "+count+" FROM "+from+" WHERE "+where+" AND y.village_path >= ? AND y.village_path < ?",
		append(args, lo, hi)...).Scan(&n)
	return n, err
}

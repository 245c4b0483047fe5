package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/weijian-health/weijian"
)

// popKey identifies the rows of one unit and year: an import replaces them
// as a whole, so a re-sent file stores the same rows, never twice.
type popKey struct {
	unit int64
	year int
}

// ImportPopulation validates rows and stores them in one transaction. For
// each unit and year in the file, the stored rows are replaced by the
// file's; unit-years whose rows are identical are left alone.
func (s *Store) ImportPopulation(ctx context.Context, sc weijian.Scope, rows []weijian.PopulationRow, opt weijian.ImportOptions) (weijian.ImportSummary, error) {
	sum := weijian.ImportSummary{Rows: len(rows)}
	// The rows are checked against the tree inside the transaction that
	// stores them, under the import lock: an org-unit import cannot close
	// or move a unit between the check and the write.
	err := s.inImportTx(ctx, func(tx *Tx) error {
		units, err := s.unitsByCodes(ctx, tx.tx, rowCodes(rows))
		if err != nil {
			return err
		}
		groups, totals, err := weijian.CheckPopulationRows(rows, units, sc)
		if err = weijian.WithPriorIssues(err, opt.Issues); err != nil {
			return err
		}
		sum.Checked = totals
		plan, err := s.planPopulation(ctx, tx, groups, &sum)
		if err != nil {
			return err
		}
		if opt.DryRun {
			return errDryRun
		}
		if err := plan.write(ctx, tx, opt.Progress); err != nil {
			return err
		}
		return s.auditImport(ctx, tx, rowCodes(rows), weijian.AuditEntry{Actor: opt.Actor, Action: weijian.ActionPopulationImport,
			Detail: fmt.Sprintf("rows=%d inserted=%d updated=%d unchanged=%d", sum.Rows, sum.Inserted, sum.Updated, sum.Unchanged)})
	})
	switch {
	case errors.Is(err, errDryRun):
		return sum, nil
	case weijian.ErrorKind(err) == weijian.KindInvalid:
		return weijian.ImportSummary{Rows: len(rows)}, err
	case err != nil:
		return weijian.ImportSummary{Rows: len(rows)}, fmt.Errorf("import population: %w", err)
	}
	s.analyzeAfter(ctx, sum.Inserted+sum.Updated, "population")
	return sum, nil
}

// populationPlan is what an import writes: the unit-years whose stored
// rows are replaced, and the rows to insert.
type populationPlan struct {
	stale []popKey
	rows  [][]any
	units int // unit-years in the file, for progress
}

// planPopulation compares each unit-year in groups with the stored rows
// and counts, in sum, the cells inserted (new unit-years), updated
// (unit-years whose rows differ) and unchanged. Reads are batched (a county
// is ~250 units × a few years: a handful of statements, not one per
// unit-year). A dry run stops here, so its counts are the import's.
func (s *Store) planPopulation(ctx context.Context, tx *Tx, groups map[weijian.PopulationGroup][]weijian.PopulationCell,
	sum *weijian.ImportSummary) (*populationPlan, error) {
	keys := make([]popKey, 0, len(groups))
	for k := range groups {
		keys = append(keys, popKey{k.UnitID, k.Year})
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i].unit < keys[j].unit || keys[i].unit == keys[j].unit && keys[i].year < keys[j].year
	})
	old, err := s.storedCells(ctx, tx, keys)
	if err != nil {
		return nil, err
	}
	plan := &populationPlan{units: len(keys)}
	for _, k := range keys {
		cells := groups[weijian.PopulationGroup{UnitID: k.unit, Year: k.year}]
		switch prev, ok := old[k]; {
		case ok && sameCells(prev, cells):
			sum.Unchanged += len(cells)
			continue
		case ok:
			sum.Updated += len(cells)
			plan.stale = append(plan.stale, k)
		default:
			sum.Inserted += len(cells)
		}
		for _, c := range cells {
			plan.rows = append(plan.rows, []any{k.unit, k.year, c.Sex, c.Age.From, c.Age.To, c.Count})
		}
	}
	return plan, nil
}

// write replaces the stale unit-years' rows and inserts the new rows.
func (p *populationPlan) write(ctx context.Context, tx *Tx, progress func(done, total int)) error {
	if err := deleteUnitYears(ctx, tx, p.stale); err != nil {
		return err
	}
	if progress != nil {
		progress(p.units, p.units)
	}
	return tx.insertMany(ctx, "population", []string{"org_unit_id", "year", "sex", "age_from", "age_to", "count"}, p.rows)
}

// storedCells reads the stored rows of the given unit-years.
func (s *Store) storedCells(ctx context.Context, tx *Tx, keys []popKey) (map[popKey][]weijian.PopulationCell, error) {
	want := make(map[popKey]bool, len(keys))
	var units []int64
	seen := map[int64]bool{}
	yearSeen := map[int]bool{}
	var years []int64
	for _, k := range keys {
		want[k] = true
		if !seen[k.unit] {
			seen[k.unit] = true
			units = append(units, k.unit)
		}
		if !yearSeen[k.year] {
			yearSeen[k.year] = true
			years = append(years, int64(k.year))
		}
	}
	out := map[popKey][]weijian.PopulationCell{}
	for start := 0; start < len(units); start += 500 {
		chunk := units[start:min(start+500, len(units))]
		rows, err := tx.Query(ctx, "SELECT org_unit_id, year, sex, age_from, age_to, count FROM population WHERE org_unit_id IN ("+
			idList(chunk)+") AND year IN ("+idList(years)+")")
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k popKey
			var c weijian.PopulationCell
			if err := rows.Scan(&k.unit, &k.year, &c.Sex, &c.Age.From, &c.Age.To, &c.Count); err != nil {
				rows.Close()
				return nil, err
			}
			if want[k] {
				out[k] = append(out[k], c)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// deleteUnitYears deletes the stored rows of the unit-years, one
// statement per year and 500 units.
func deleteUnitYears(ctx context.Context, tx *Tx, keys []popKey) error {
	byYear := map[int][]int64{}
	for _, k := range keys {
		byYear[k.year] = append(byYear[k.year], k.unit)
	}
	for year, units := range byYear {
		for start := 0; start < len(units); start += 500 {
			chunk := units[start:min(start+500, len(units))]
			if _, err := tx.Exec(ctx, "DELETE FROM population WHERE year = ? AND org_unit_id IN ("+idList(chunk)+")", year); err != nil {
				return err
			}
		}
	}
	return nil
}

func rowCodes(rows []weijian.PopulationRow) []string {
	seen := map[string]bool{}
	var codes []string
	for _, r := range rows {
		if !seen[r.UnitCode] {
			seen[r.UnitCode] = true
			codes = append(codes, r.UnitCode)
		}
	}
	return codes
}

func sameCells(a, b []weijian.PopulationCell) bool {
	if len(a) != len(b) {
		return false
	}
	m := make(map[weijian.PopulationCell]int, len(a))
	for _, c := range a {
		m[c]++
	}
	for _, c := range b {
		if m[c] == 0 {
			return false
		}
		m[c]--
	}
	return true
}

// Population returns the population of a unit in a year, summed up the
// tree: see weijian.RollUpPopulation for the rule.
func (s *Store) Population(ctx context.Context, sc weijian.Scope, q weijian.PopulationQuery) (*weijian.Population, error) {
	u, data, err := s.subtreePopulation(ctx, sc, q.UnitCode, q.Year)
	if err != nil {
		return nil, err
	}
	p, err := weijian.RollUpPopulation(u, q.Year, data, q.Bands)
	if err != nil {
		return nil, err
	}
	areas, err := s.subtreeAreas(ctx, u)
	if err != nil {
		return nil, err
	}
	p.Coverage = weijian.CoverageOf(u.Path, q.Year, areas, holderPaths(data))
	return p, nil
}

// ChildPopulations returns each child's total population in the year.
//
// Only totals are needed, so the database sums each unit's rows (a county
// of single-year-of-age villages: ~500 sums instead of ~50,000 rows) and
// the roll-up rule runs on those sums.
func (s *Store) ChildPopulations(ctx context.Context, sc weijian.Scope, code string, year int) (map[string]weijian.ChildPopulation, error) {
	u, data, err := s.subtreePopulationSums(ctx, sc, code, year)
	if err != nil {
		return nil, err
	}
	kids, err := s.units(ctx, false, "SELECT "+unitCols+" FROM org_unit u WHERE u.parent_id = ?", u.ID)
	if err != nil {
		return nil, err
	}
	areas, err := s.subtreeAreas(ctx, u)
	if err != nil {
		return nil, err
	}
	held := holderPaths(data)
	out := make(map[string]weijian.ChildPopulation, len(kids))
	for _, k := range kids {
		if p, err := weijian.RollUpPopulation(k, year, data, nil); err == nil && p.Source != "" {
			out[k.Code] = weijian.ChildPopulation{Total: p.Total, Coverage: weijian.CoverageOf(k.Path, year, areas, held)}
		}
	}
	return out, nil
}

// subtreeAreas reads the areas (not facilities) at and below u, open or
// closed, for the coverage rule.
func (s *Store) subtreeAreas(ctx context.Context, u *weijian.OrgUnit) ([]weijian.Area, error) {
	lo, hi := weijian.PathRange(u.Path)
	rows, err := s.query(ctx, `SELECT u.id, u.parent_id, u.path, u.level, u.valid_to FROM org_unit u
		WHERE u.path >= ? AND u.path < ? AND u.level <> ?`, lo, hi, weijian.LevelFacility)
	if err != nil {
		return nil, fmt.Errorf("read areas under %s: %w", u.Code, err)
	}
	defer rows.Close()
	var out []weijian.Area
	for rows.Next() {
		var a weijian.Area
		if err := rows.Scan(&a.ID, idCol{&a.ParentID}, &a.Path, &a.Level, timeCol{&a.ValidTo}); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// holderPaths returns the distinct paths of the units holding data.
func holderPaths(data []weijian.UnitPopulation) []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range data {
		if !seen[d.Path] {
			seen[d.Path] = true
			out = append(out, d.Path)
		}
	}
	return out
}

// PopulationCoverage returns, for each year with population stored in
// the unit's subtree (latest first), how complete the unit's figures are.
func (s *Store) PopulationCoverage(ctx context.Context, sc weijian.Scope, code string) ([]weijian.YearCoverage, error) {
	u, err := s.populationRoot(ctx, sc, code)
	if err != nil {
		return nil, err
	}
	lo, hi := weijian.PathRange(u.Path)
	rows, err := s.query(ctx, `SELECT DISTINCT p.year, u.path FROM population p JOIN org_unit u ON u.id = p.org_unit_id
		WHERE u.path >= ? AND u.path < ? ORDER BY p.year DESC`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("population years of %s: %w", code, err)
	}
	defer rows.Close()
	var years []int
	held := map[int][]string{}
	for rows.Next() {
		var y int
		var path string
		if err := rows.Scan(&y, &path); err != nil {
			return nil, err
		}
		if len(held[y]) == 0 {
			years = append(years, y)
		}
		held[y] = append(held[y], path)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	areas, err := s.subtreeAreas(ctx, u)
	if err != nil {
		return nil, err
	}
	out := make([]weijian.YearCoverage, len(years))
	for i, y := range years {
		out[i] = weijian.YearCoverage{Year: y, Coverage: weijian.CoverageOf(u.Path, y, areas, held[y])}
	}
	return out, nil
}

// subtreePopulation loads the unit (which the scope must cover) and every
// stored population row of the year in its subtree.
func (s *Store) subtreePopulation(ctx context.Context, sc weijian.Scope, code string, year int) (*weijian.OrgUnit, []weijian.UnitPopulation, error) {
	u, err := s.populationRoot(ctx, sc, code)
	if err != nil {
		return nil, nil, err
	}
	lo, hi := weijian.PathRange(u.Path)
	rows, err := s.query(ctx, `SELECT u.path, p.sex, p.age_from, p.age_to, p.count FROM population p
		JOIN org_unit u ON u.id = p.org_unit_id WHERE u.path >= ? AND u.path < ? AND p.year = ?`, lo, hi, year)
	if err != nil {
		return nil, nil, fmt.Errorf("read population of %s: %w", code, err)
	}
	defer rows.Close()
	var data []weijian.UnitPopulation
	for rows.Next() {
		var d weijian.UnitPopulation
		if err := rows.Scan(&d.Path, &d.Cell.Sex, &d.Cell.Age.From, &d.Cell.Age.To, &d.Cell.Count); err != nil {
			return nil, nil, err
		}
		data = append(data, d)
	}
	return u, data, rows.Err()
}

// populationRoot returns the unit whose population is asked for, which
// the scope must cover (seeing a unit's name is not enough).
func (s *Store) populationRoot(ctx context.Context, sc weijian.Scope, code string) (*weijian.OrgUnit, error) {
	u, err := s.OrgUnit(ctx, sc, code)
	if err != nil {
		return nil, err
	}
	if !sc.Covers(u.Path) {
		return nil, weijian.E(weijian.KindForbidden, weijian.T("无权查看该单位的人口数据", "the population of this unit is outside your scope"))
	}
	return u, nil
}

// subtreePopulationSums is subtreePopulation with each unit's rows summed
// by sex (all ages).
func (s *Store) subtreePopulationSums(ctx context.Context, sc weijian.Scope, code string, year int) (*weijian.OrgUnit, []weijian.UnitPopulation, error) {
	u, err := s.populationRoot(ctx, sc, code)
	if err != nil {
		return nil, nil, err
	}
	lo, hi := weijian.PathRange(u.Path)
	rows, err := s.query(ctx, `SELECT u.path, p.sex, sum(p.count) FROM population p
		JOIN org_unit u ON u.id = p.org_unit_id WHERE u.path >= ? AND u.path < ? AND p.year = ?
		GROUP BY u.path, p.sex`, lo, hi, year)
	if err != nil {
		return nil, nil, fmt.Errorf("sum population of %s: %w", code, err)
	}
	defer rows.Close()
	var data []weijian.UnitPopulation
	for rows.Next() {
		d := weijian.UnitPopulation{Cell: weijian.PopulationCell{Age: weijian.AllAges}}
		if err := rows.Scan(&d.Path, &d.Cell.Sex, &d.Cell.Count); err != nil {
			return nil, nil, err
		}
		data = append(data, d)
	}
	return u, data, rows.Err()
}

// PopulationYears returns the years with population stored in the unit's
// subtree, latest first. Like the figures, they are for units inside the
// scope only (a visible ancestor is not enough).
func (s *Store) PopulationYears(ctx context.Context, sc weijian.Scope, code string) ([]int, error) {
	u, err := s.populationRoot(ctx, sc, code)
	if err != nil {
		return nil, err
	}
	lo, hi := weijian.PathRange(u.Path)
	rows, err := s.query(ctx, `SELECT DISTINCT p.year FROM population p JOIN org_unit u ON u.id = p.org_unit_id
		WHERE u.path >= ? AND u.path < ? ORDER BY p.year DESC`, lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, err
		}
		out = append(out, y)
	}
	return out, rows.Err()
}

// PopulationRows returns the stored rows of the unit's subtree in the year.
func (s *Store) PopulationRows(ctx context.Context, sc weijian.Scope, code string, year int) ([]weijian.PopulationRow, error) {
	u, err := s.populationRoot(ctx, sc, code)
	if err != nil {
		return nil, err
	}
	lo, hi := weijian.PathRange(u.Path)
	rows, err := s.query(ctx, `SELECT u.code, u.name, p.sex, p.age_from, p.age_to, p.count FROM population p
		JOIN org_unit u ON u.id = p.org_unit_id WHERE u.path >= ? AND u.path < ? AND p.year = ?
		ORDER BY u.path, p.age_from, p.age_to, p.sex`, lo, hi, year)
	if err != nil {
		return nil, fmt.Errorf("read population rows of %s: %w", code, err)
	}
	defer rows.Close()
	var out []weijian.PopulationRow
	for rows.Next() {
		r := weijian.PopulationRow{Year: year}
		if err := rows.Scan(&r.UnitCode, &r.UnitName, &r.Sex, &r.Age.From, &r.Age.To, &r.Count); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

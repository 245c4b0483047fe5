package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mozillazg/go-pinyin"
	"github.com/weijian-health/weijian"
)

// errDryRun rolls back a dry run's transaction.
var errDryRun = errors.New("dry run")

// ImportOrgUnits validates rows against the stored tree and writes them,
// all in one transaction: the plan is made from the state it is applied
// to, and a failure leaves nothing behind. A re-sent file changes nothing
// (rows equal to the stored units are counted as unchanged).
func (s *Store) ImportOrgUnits(ctx context.Context, sc weijian.Scope, rows []weijian.OrgUnitRow, opt weijian.ImportOptions) (weijian.ImportSummary, error) {
	validFrom := opt.ValidFrom
	if validFrom.IsZero() {
		validFrom = today(s.now())
	}
	sum := weijian.ImportSummary{Rows: len(rows)}
	err := s.inImportTx(ctx, func(tx *Tx) error {
		cat, err := s.catalog(ctx, tx, rows)
		if err != nil {
			return err
		}
		plan, err := weijian.PlanOrgUnitImport(rows, cat, sc, validFrom)
		if err = weijian.WithPriorIssues(err, opt.Issues); err != nil {
			return err
		}
		sum = plan.Summary
		if opt.DryRun {
			return errDryRun
		}
		w := &unitWriter{tx: tx, s: s, validFrom: validFrom, progress: opt.Progress, total: len(plan.Units)}
		if err := w.write(ctx, plan); err != nil {
			return err
		}
		return s.auditImport(ctx, tx, orgRowCodes(rows), weijian.AuditEntry{Actor: opt.Actor, Action: weijian.ActionOrgUnitImport,
			Detail: fmt.Sprintf("rows=%d inserted=%d updated=%d closed=%d unchanged=%d", sum.Rows,
				sum.Inserted, sum.Updated, sum.Closed, sum.Unchanged)})
	})
	switch {
	case errors.Is(err, errDryRun):
		return sum, nil
	case weijian.ErrorKind(err) == weijian.KindInvalid:
		return weijian.ImportSummary{Rows: len(rows)}, err
	case err != nil:
		return weijian.ImportSummary{Rows: len(rows)}, fmt.Errorf("import org units: %w", err)
	}
	s.analyzeAfter(ctx, sum.Inserted, "org_unit", "org_unit_version")
	return sum, nil
}

// analyzeAfter refreshes the planner's statistics after a large import: a
// table that grew from nothing to 700,000 rows is otherwise planned as if
// empty until autovacuum comes round (seen: 69 ms instead of 0.02 ms for a
// county's subtree on PostgreSQL). Failure only costs speed, so it is logged.
// SQLite plans these queries well without statistics and its ANALYZE reads
// whole indexes (seconds on a demo county), so it is skipped there.
func (s *Store) analyzeAfter(ctx context.Context, rows int, tables ...string) {
	if rows >= 10000 {
		s.analyze(ctx, tables...)
	}
}

// analyze refreshes the planner's statistics of tables on PostgreSQL (see
// analyzeAfter); nothing on SQLite.
func (s *Store) analyze(ctx context.Context, tables ...string) {
	if s.d.name != "postgres" {
		return
	}
	for _, t := range tables {
		if _, err := s.db.ExecContext(ctx, "ANALYZE "+t); err != nil {
			s.log.Warn("analyze after import", "table", t, "err", err)
		}
	}
}

func today(t time.Time) time.Time {
	y, m, d := t.In(chinaTime).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// chinaTime is China Standard Time (UTC+8, no daylight saving), the zone
// in which "today" is reckoned.
var chinaTime = time.FixedZone("CST", 8*3600)

// catalog loads, inside the import's transaction, what planning needs: the
// units the rows name (as units, parents or successors; current, or closed
// when no current unit has the code), the start of their open versions,
// their current children, levels and facility types.
func (s *Store) catalog(ctx context.Context, tx *Tx, rows []weijian.OrgUnitRow) (weijian.OrgUnitCatalog, error) {
	cat := weijian.OrgUnitCatalog{}
	var err error
	if cat.Levels, err = s.Levels(ctx); err != nil {
		return cat, err
	}
	if cat.FacilityTypes, err = s.FacilityTypes(ctx); err != nil {
		return cat, err
	}
	seen := map[string]bool{}
	var codes []string
	for _, r := range rows {
		for _, c := range []string{r.Code, r.ParentCode, r.SuccessorCode} {
			if c != "" && !seen[c] {
				seen[c] = true
				codes = append(codes, c)
			}
		}
	}
	if cat.Units, err = s.unitsByCodes(ctx, tx.tx, codes); err != nil {
		return cat, err
	}
	if cat.VersionFrom, err = s.versionStarts(ctx, tx, cat.Units); err != nil {
		return cat, err
	}
	cat.CurrentChildren = func(id int64) ([]string, error) {
		return queryStrings(ctx, tx, "SELECT code FROM org_unit WHERE parent_id = ? AND valid_to IS NULL", id)
	}
	return cat, nil
}

// queryStrings returns the one text column of the query's rows.
func queryStrings(ctx context.Context, tx *Tx, query string, args ...any) ([]string, error) {
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// versionStarts returns the start of each unit's open (latest) version.
func (s *Store) versionStarts(ctx context.Context, tx *Tx, units map[string]*weijian.OrgUnit) (map[int64]time.Time, error) {
	ids := make([]int64, 0, len(units))
	for _, u := range units {
		ids = append(ids, u.ID)
	}
	out := make(map[int64]time.Time, len(ids))
	for start := 0; start < len(ids); start += 500 {
		rows, err := tx.Query(ctx, "SELECT org_unit_id, max(valid_from) FROM org_unit_version WHERE org_unit_id IN ("+
			idList(ids[start:min(start+500, len(ids))])+") GROUP BY org_unit_id")
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var t time.Time
			if err := rows.Scan(&id, timeCol{&t}); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = t
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// unitWriter applies a plan inside a transaction, rows in plan order
// (parents first).
type unitWriter struct {
	tx        *Tx
	s         *Store
	validFrom time.Time
	progress  func(done, total int)
	total     int
	done      int
	ids       []int64           // ids reserved for new units
	placed    map[string]placed // code → where the unit is after this import
	units     [][]any           // pending org_unit rows
	versions  [][]any           // pending org_unit_version rows
	moves     []move            // subtrees moved so far, in order
}

type placed struct {
	id    int64
	path  string
	depth int
}

// move records a subtree moved by this import: paths that started with
// from now start with to, depth changed by delta. The catalog was read
// before the moves, so its paths go through rebase.
type move struct {
	from, to string
	delta    int
}

// rebase returns where a unit read from the catalog is now.
func (w *unitWriter) rebase(path string, depth int) (string, int) {
	for _, m := range w.moves {
		if strings.HasPrefix(path, m.from) {
			path, depth = m.to+path[len(m.from):], depth+m.delta
		}
	}
	return path, depth
}

// at returns the placement of a stored unit, rebased.
func (w *unitWriter) at(u *weijian.OrgUnit) placed {
	path, depth := w.rebase(u.Path, u.Depth)
	return placed{id: u.ID, path: path, depth: depth}
}

// effective is the date a row's change takes effect: its own valid_from,
// else the import's.
func (w *unitWriter) effective(r weijian.OrgUnitRow) time.Time {
	if !r.ValidFrom.IsZero() {
		return r.ValidFrom
	}
	return w.validFrom
}

var unitInsertCols = []string{"id", "code", "name", "level", "facility_type", "uscc", "parent_id", "path",
	"depth", "pinyin", "valid_from", "valid_to", "replaced_by", "updated_at"}

var versionInsertCols = []string{"org_unit_id", "valid_from", "valid_to", "code", "name", "parent_id"}

func (w *unitWriter) write(ctx context.Context, plan *weijian.OrgUnitPlan) error {
	var err error
	if n := plan.Summary.Inserted; n > 0 {
		if w.ids, err = w.s.d.reserveIDs(ctx, w.tx, "org_unit", n); err != nil {
			return fmt.Errorf("reserve ids: %w", err)
		}
	}
	w.placed = make(map[string]placed, len(plan.Units))
	for i := range plan.Units {
		pu := &plan.Units[i]
		if err := w.apply(ctx, pu); err != nil {
			return fmt.Errorf("row %d (%s): %w", pu.Row.Line, pu.Row.Code, err)
		}
		if len(w.units) >= 5000 {
			if err := w.flush(ctx); err != nil {
				return err
			}
		}
		w.tick()
	}
	return w.flush(ctx)
}

func (w *unitWriter) tick() {
	w.done++
	if w.progress != nil && (w.done%2000 == 0 || w.done == w.total) {
		w.progress(w.done, w.total)
	}
}

func (w *unitWriter) flush(ctx context.Context) error {
	if err := w.tx.insertMany(ctx, "org_unit", unitInsertCols, w.units); err != nil {
		return err
	}
	if err := w.tx.insertMany(ctx, "org_unit_version", versionInsertCols, w.versions); err != nil {
		return err
	}
	w.units, w.versions = w.units[:0], w.versions[:0]
	return nil
}

// parentOf returns where the row's parent is, after the rows before it.
func (w *unitWriter) parentOf(pu *weijian.PlannedUnit) placed {
	if pu.Row.ParentCode == "" {
		return placed{}
	}
	if p, ok := w.placed[pu.Row.ParentCode]; ok {
		return p
	}
	return w.at(pu.Parent)
}

func (w *unitWriter) apply(ctx context.Context, pu *weijian.PlannedUnit) error {
	r := pu.Row
	switch pu.Action {
	case weijian.ActInsert:
		par := w.parentOf(pu)
		id := w.ids[0]
		w.ids = w.ids[1:]
		here := placed{id: id, path: weijian.PathOf(par.path, id), depth: par.depth + 1}
		w.placed[r.Code] = here
		from := w.effective(r)
		var successor int64
		if pu.Successor != nil {
			successor = pu.Successor.ID
		}
		w.units = append(w.units, []any{id, r.Code, r.Name, r.Level, nullStr(r.FacilityType), nullStr(r.USCC),
			nullID(par.id), here.path, here.depth, Initials(r.Name), dateVal(from), dateVal(r.ValidTo),
			nullID(successor), w.s.d.stamp(w.s.now())})
		w.versions = append(w.versions, []any{id, dateVal(from), dateVal(r.ValidTo), r.Code, r.Name, nullID(par.id)})
		return nil
	case weijian.ActUpdate:
		return w.update(ctx, pu, w.parentOf(pu))
	case weijian.ActClose:
		w.placed[r.Code] = w.at(pu.Existing)
		return w.close(ctx, pu)
	}
	w.placed[r.Code] = w.at(pu.Existing)
	return nil
}

// update changes a stored unit; a new parent moves its whole subtree.
func (w *unitWriter) update(ctx context.Context, pu *weijian.PlannedUnit, par placed) error {
	e, r := pu.Existing, pu.Row
	// Pending inserts may hang below this unit's old path: write them first.
	if err := w.flush(ctx); err != nil {
		return err
	}
	now := w.at(e)
	here := placed{id: e.ID, path: weijian.PathOf(par.path, e.ID), depth: par.depth + 1}
	w.placed[r.Code] = here
	if here.path != now.path {
		lo, hi := weijian.PathRange(now.path)
		if _, err := w.tx.Exec(ctx, `UPDATE org_unit SET path = ? || substr(path, ?), depth = depth + ?
			WHERE path >= ? AND path < ?`, here.path, len(now.path)+1, here.depth-now.depth, lo, hi); err != nil {
			return fmt.Errorf("move subtree: %w", err)
		}
		w.moves = append(w.moves, move{from: now.path, to: here.path, delta: here.depth - now.depth})
	}
	if _, err := w.tx.Exec(ctx, `UPDATE org_unit SET name = ?, parent_id = ?, facility_type = ?, uscc = ?,
		pinyin = ?, updated_at = ? WHERE id = ?`, r.Name, nullID(par.id), nullStr(r.FacilityType), nullStr(r.USCC),
		Initials(r.Name), w.s.d.stamp(w.s.now()), e.ID); err != nil {
		return err
	}
	if !pu.Versioned {
		return nil
	}
	return w.newVersion(ctx, e.ID, w.effective(r), r.Code, r.Name, par.id)
}

// newVersion closes the unit's open version at date and opens a new one; a
// second change on the same date rewrites that day's version. (Planning
// has checked that date is not before the open version's start.)
func (w *unitWriter) newVersion(ctx context.Context, id int64, date time.Time, code, name string, parentID int64) error {
	from := dateVal(date)
	if _, err := w.tx.Exec(ctx, "DELETE FROM org_unit_version WHERE org_unit_id = ? AND valid_from = ?", id, from); err != nil {
		return err
	}
	if _, err := w.tx.Exec(ctx, "UPDATE org_unit_version SET valid_to = ? WHERE org_unit_id = ? AND valid_to IS NULL",
		from, id); err != nil {
		return err
	}
	_, err := w.tx.Exec(ctx, `INSERT INTO org_unit_version (org_unit_id, valid_from, valid_to, code, name, parent_id)
		VALUES (?, ?, NULL, ?, ?, ?)`, id, from, code, name, nullID(parentID))
	return err
}

// close ends a stored unit at the row's valid_to, naming its successor.
func (w *unitWriter) close(ctx context.Context, pu *weijian.PlannedUnit) error {
	var successor int64
	if pu.Successor != nil {
		successor = pu.Successor.ID
	}
	to := dateVal(pu.Row.ValidTo)
	if _, err := w.tx.Exec(ctx, "UPDATE org_unit SET valid_to = ?, replaced_by = ?, updated_at = ? WHERE id = ?",
		to, nullID(successor), w.s.d.stamp(w.s.now()), pu.Existing.ID); err != nil {
		return err
	}
	_, err := w.tx.Exec(ctx, "UPDATE org_unit_version SET valid_to = ? WHERE org_unit_id = ? AND valid_to IS NULL",
		to, pu.Existing.ID)
	return err
}

var pinyinArgs = func() pinyin.Args {
	a := pinyin.NewArgs()
	a.Style = pinyin.FirstLetter
	a.Fallback = func(r rune, _ pinyin.Args) []string {
		if r < 128 && (r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return []string{strings.ToLower(string(r))}
		}
		return nil
	}
	return a
}()

// Initials returns the pinyin initials of a Chinese name in lower case
// ("海安镇" → "haz"), which users type to find a unit quickly.
func Initials(name string) string {
	var b strings.Builder
	for _, p := range pinyin.Pinyin(name, pinyinArgs) {
		if len(p) > 0 && p[0] != "" {
			b.WriteString(p[0][:1])
		}
	}
	return b.String()
}

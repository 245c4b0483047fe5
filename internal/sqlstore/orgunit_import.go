package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mozillazg/go-pinyin"
	"github.com/weijian-health/weijian"
)

// ImportOrgUnits validates rows against the stored tree and writes them in
// one transaction: all or nothing. A re-sent file changes nothing (rows
// equal to the stored units are counted as unchanged).
func (s *Store) ImportOrgUnits(ctx context.Context, sc weijian.Scope, rows []weijian.OrgUnitRow, opt weijian.ImportOptions) (weijian.ImportSummary, error) {
	validFrom := opt.ValidFrom
	if validFrom.IsZero() {
		validFrom = today(s.now())
	}
	cat, err := s.catalog(ctx, rows)
	if err != nil {
		return weijian.ImportSummary{}, err
	}
	plan, err := weijian.PlanOrgUnitImport(rows, cat, sc, validFrom)
	if err != nil || opt.DryRun {
		if plan == nil {
			return weijian.ImportSummary{Rows: len(rows)}, err
		}
		return plan.Summary, err
	}
	err = s.inTx(ctx, func(tx *Tx) error {
		w := &unitWriter{tx: tx, s: s, validFrom: validFrom, progress: opt.Progress, total: len(plan.Units)}
		if err := w.write(ctx, plan); err != nil {
			return err
		}
		return s.audit(ctx, tx, weijian.AuditEntry{Actor: opt.Actor, Action: "orgunit.import",
			Detail: fmt.Sprintf("rows=%d inserted=%d updated=%d closed=%d unchanged=%d", plan.Summary.Rows,
				plan.Summary.Inserted, plan.Summary.Updated, plan.Summary.Closed, plan.Summary.Unchanged)})
	})
	if err != nil {
		return weijian.ImportSummary{}, fmt.Errorf("import org units: %w", err)
	}
	return plan.Summary, nil
}

func today(t time.Time) time.Time {
	y, m, d := t.In(chinaTime).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// chinaTime is China Standard Time (UTC+8, no daylight saving), the zone
// in which "today" is reckoned.
var chinaTime = time.FixedZone("CST", 8*3600)

// catalog loads what planning needs: the current units whose codes the
// rows name (as units, parents or successors), levels and facility types.
func (s *Store) catalog(ctx context.Context, rows []weijian.OrgUnitRow) (weijian.OrgUnitCatalog, error) {
	cat := weijian.OrgUnitCatalog{Units: map[string]*weijian.OrgUnit{}}
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
	for start := 0; start < len(codes); start += 500 {
		chunk := codes[start:min(start+500, len(codes))]
		ph := strings.TrimSuffix(strings.Repeat("?,", len(chunk)), ",")
		args := make([]any, len(chunk))
		for i, c := range chunk {
			args[i] = c
		}
		us, err := s.units(ctx, false, "SELECT "+unitCols+" FROM org_unit u WHERE u.valid_to IS NULL AND u.code IN ("+ph+")", args...)
		if err != nil {
			return cat, fmt.Errorf("load stored units: %w", err)
		}
		for _, u := range us {
			cat.Units[u.Code] = u
		}
	}
	cat.HasCurrentChildren = func(id int64) bool {
		var n int
		err := s.queryRow(ctx, "SELECT count(*) FROM org_unit WHERE parent_id = ? AND valid_to IS NULL", id).Scan(&n)
		return err != nil || n > 0
	}
	return cat, nil
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
}

type placed struct {
	id    int64
	path  string
	depth int
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
	return placed{id: pu.Parent.ID, path: pu.Parent.Path, depth: pu.Parent.Depth}
}

func (w *unitWriter) apply(ctx context.Context, pu *weijian.PlannedUnit) error {
	r := pu.Row
	par := w.parentOf(pu)
	switch pu.Action {
	case weijian.ActInsert:
		id := w.ids[0]
		w.ids = w.ids[1:]
		here := placed{id: id, path: weijian.PathOf(par.path, id), depth: par.depth + 1}
		w.placed[r.Code] = here
		from := r.ValidFrom
		if from.IsZero() {
			from = w.validFrom
		}
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
		return w.update(ctx, pu, par)
	case weijian.ActClose:
		w.placed[r.Code] = placed{id: pu.Existing.ID, path: pu.Existing.Path, depth: pu.Existing.Depth}
		return w.close(ctx, pu)
	}
	w.placed[r.Code] = placed{id: pu.Existing.ID, path: pu.Existing.Path, depth: pu.Existing.Depth}
	return nil
}

// update changes a stored unit; a new parent moves its whole subtree.
func (w *unitWriter) update(ctx context.Context, pu *weijian.PlannedUnit, par placed) error {
	e, r := pu.Existing, pu.Row
	// Pending inserts may hang below this unit's old path: write them first.
	if err := w.flush(ctx); err != nil {
		return err
	}
	here := placed{id: e.ID, path: weijian.PathOf(par.path, e.ID), depth: par.depth + 1}
	w.placed[r.Code] = here
	if here.path != e.Path {
		lo, hi := weijian.PathRange(e.Path)
		if _, err := w.tx.Exec(ctx, `UPDATE org_unit SET path = ? || substr(path, ?), depth = depth + ?
			WHERE path >= ? AND path < ?`, here.path, len(e.Path)+1, here.depth-e.Depth, lo, hi); err != nil {
			return fmt.Errorf("move subtree: %w", err)
		}
	}
	if _, err := w.tx.Exec(ctx, `UPDATE org_unit SET name = ?, parent_id = ?, facility_type = ?, uscc = ?,
		pinyin = ?, updated_at = ? WHERE id = ?`, r.Name, nullID(par.id), nullStr(r.FacilityType), nullStr(r.USCC),
		Initials(r.Name), w.s.d.stamp(w.s.now()), e.ID); err != nil {
		return err
	}
	if !pu.Versioned {
		return nil
	}
	return w.newVersion(ctx, e.ID, r.Code, r.Name, par.id)
}

// newVersion closes the unit's open version at the import date and opens
// a new one; a second change on the same date rewrites that day's version.
func (w *unitWriter) newVersion(ctx context.Context, id int64, code, name string, parentID int64) error {
	from := dateVal(w.validFrom)
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

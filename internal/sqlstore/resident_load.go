package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/weijian-health/weijian"
)

// ClearResidents deletes every per-resident row of a county (the demo
// starts its residents afresh, so that an interrupted generation can be
// run again).
func (s *Store) ClearResidents(ctx context.Context, county string) error {
	return s.inLoadTx(ctx, func(tx *Tx) error {
		if err := tx.dropRules(ctx, county); err != nil {
			return err
		}
		for _, t := range []string{"person_year", "event_version", "service_event", "enrollment", "person"} {
			if _, err := tx.Exec(ctx, "DELETE FROM "+t+" WHERE county_code = ?", county); err != nil {
				return fmt.Errorf("clear %s: %w", t, err)
			}
		}
		return nil
	})
}

type unitRef struct {
	id   int64
	path string
}

// unitRefs resolves current unit codes to ids and paths.
func (s *Store) unitRefs(ctx context.Context, tx *Tx, codes map[string]unitRef) error {
	list := make([]any, 0, len(codes))
	for c := range codes {
		list = append(list, c)
	}
	for start := 0; start < len(list); start += 500 {
		chunk := list[start:min(start+500, len(list))]
		rows, err := tx.Query(ctx, "SELECT code, id, path FROM org_unit WHERE valid_to IS NULL AND code IN ("+
			strings.TrimSuffix(strings.Repeat("?,", len(chunk)), ",")+")", chunk...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var c string
			var r unitRef
			if err := rows.Scan(&c, &r.id, &r.path); err != nil {
				rows.Close()
				return err
			}
			codes[c] = r
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	for c, r := range codes {
		if r.id == 0 {
			return weijian.Invalid(weijian.T("未知的区划或机构代码："+c, "unknown org-unit code: "+c))
		}
	}
	return nil
}

// LoadResidents stores many trusted histories in one transaction (see
// weijian.ResidentLoader), with their year statuses.
//
// Only the inserts run on the calling goroutine: the histories get their
// ids and units first (cheap), and then two goroutines — the rows'
// encoding and the year statuses, pure computation on histories that
// nothing changes from here on — work on the other core while this one
// writes (the demo's writer is its bottleneck; encoding on it cost about
// a sixth of the load).
func (s *Store) LoadResidents(ctx context.Context, hs []weijian.History) error {
	codes, nEnr, nEv := historyUnits(hs)
	return s.inLoadTx(ctx, func(tx *Tx) error {
		if err := tx.dropLoaded(ctx, hs); err != nil {
			return err
		}
		if err := s.unitRefs(ctx, tx, codes); err != nil {
			return err
		}
		pids, err := s.d.reserveIDs(ctx, tx, "person", len(hs))
		if err != nil {
			return err
		}
		eids, err := s.d.reserveIDs(ctx, tx, "enrollment", nEnr)
		if err != nil {
			return err
		}
		vids, err := s.d.reserveIDs(ctx, tx, "service_event", nEv)
		if err != nil {
			return err
		}
		s.placeHistories(hs, codes, pids, eids, vids)
		yearRows := make(chan [][]any, 1)
		go func() {
			var years [][]any
			for _, h := range hs {
				for _, y := range s.historyYears(h) {
					years = append(years, s.loadRow(personYearRow(h.Person, y)))
				}
			}
			yearRows <- years
		}()
		chunks, stop := make(chan rowChunk, 4), make(chan struct{})
		go s.historyRows(hs, s.d.rowsPerInsert(len(eventInsertCols))*4, chunks, stop)
		for c := range chunks {
			if err == nil {
				if err = tx.insertLoaded(ctx, c.table, c.cols, c.rows); err != nil {
					close(stop) // the encoder stops and closes chunks
				}
			}
		}
		years := <-yearRows // no goroutine outlives the call
		if err != nil {
			return err
		}
		return tx.insertLoaded(ctx, "person_year", personYearCols, years)
	})
}

// loadConsts names, by table, the columns a load writes with one value
// for nearly every row: on SQLite they go into the statements as
// literals (constInsert).
var loadConsts = map[string][]bool{
	"person": colSet(personInsertCols, "county_code", "doc_type", "doctor_id", "merged_into", "source_id", "version",
		"created_at", "updated_at"),
	"enrollment": colSet(enrollmentInsertCols, "county_code", "end_reason", "source_id", "created_by", "created_at"),
	"service_event": colSet(eventInsertCols, "county_code", "voided", "void_reason", "source_id", "version", "created_by",
		"created_at", "updated_at"),
	"person_year": colSet(personYearCols, "county_code"),
}

// colSet marks the columns of cols named.
func colSet(cols []string, named ...string) []bool {
	set := make([]bool, len(cols))
	for j, c := range cols {
		set[j] = slices.Contains(named, c)
	}
	return set
}

// loadRow readies a row of a load for its insert: on SQLite the values
// are converted to the driver's (driverValues) by the goroutine that
// encodes them, not by the writer.
func (s *Store) loadRow(row []any) []any {
	if s.d.name == "sqlite" {
		driverValues(row)
	}
	return row
}

// insertLoaded inserts rows of a load: on SQLite with constInsert, on
// PostgreSQL as insertMany does.
func (t *Tx) insertLoaded(ctx context.Context, table string, cols []string, rows [][]any) error {
	if t.s.d.name != "sqlite" || len(rows) == 0 {
		return t.insertMany(ctx, table, cols, rows)
	}
	if err := constInsert(ctx, t, table, cols, loadConsts[table], rows); err != nil {
		return fmt.Errorf("insert into %s: %w", table, err)
	}
	return nil
}

// historyUnits returns the org-unit codes the histories name (villages
// and serving units, to be resolved by unitRefs) and how many
// enrollments and events they hold.
func historyUnits(hs []weijian.History) (codes map[string]unitRef, nEnr, nEv int) {
	codes = map[string]unitRef{}
	for _, h := range hs {
		codes[h.Person.VillageCode] = unitRef{}
		for _, e := range h.Enrollments {
			codes[e.OrgCode] = unitRef{}
		}
		for _, e := range h.Events {
			codes[e.OrgCode] = unitRef{}
		}
		nEnr += len(h.Enrollments)
		nEv += len(h.Events)
	}
	return codes, nEnr, nEv
}

// placeHistories gives the histories' persons, enrollments and events
// their reserved ids (pids, eids, vids in order), units and times.
func (s *Store) placeHistories(hs []weijian.History, codes map[string]unitRef, pids, eids, vids []int64) {
	now := s.now()
	for i, h := range hs {
		p := h.Person
		v := codes[p.VillageCode]
		p.ID, p.VillageID, p.VillagePath, p.Version, p.CreatedAt, p.UpdatedAt = pids[i], v.id, v.path, 1, now, now
		if p.County == "" {
			p.County = p.VillageCode[:6]
		}
		for _, e := range h.Enrollments {
			u := codes[e.OrgCode]
			e.ID, e.County, e.PersonID, e.OrgUnitID, e.OrgPath, e.CreatedAt = eids[0], p.County, p.ID, u.id, u.path, now
			eids = eids[1:]
		}
		for _, e := range h.Events {
			u := codes[e.OrgCode]
			e.ID, e.County, e.PersonID, e.OrgUnitID, e.OrgPath, e.Version, e.CreatedAt, e.UpdatedAt = vids[0], p.County, p.ID, u.id, u.path, 1, now, now
			vids = vids[1:]
		}
	}
}

// rowChunk is some insert rows of one table.
type rowChunk struct {
	table string
	cols  []string
	rows  [][]any
}

// historyRows sends the insert rows of the placed histories to out —
// every person, then every enrollment, then every event, in chunks of
// up to size rows — and closes out; it stops early when stop is closed.
func (s *Store) historyRows(hs []weijian.History, size int, out chan<- rowChunk, stop <-chan struct{}) {
	defer close(out)
	var c rowChunk
	flush := func() bool {
		if len(c.rows) == 0 {
			return true
		}
		select {
		case out <- c:
			c.rows = nil
			return true
		case <-stop:
			return false
		}
	}
	add := func(table string, cols []string, row []any) bool {
		if c.table != table || len(c.rows) == size {
			if !flush() {
				return false
			}
			c = rowChunk{table: table, cols: cols, rows: make([][]any, 0, size)}
		}
		c.rows = append(c.rows, row)
		return true
	}
	for _, h := range hs {
		if !add("person", personInsertCols, s.loadRow(s.personRow(h.Person))) {
			return
		}
	}
	for _, h := range hs {
		for _, e := range h.Enrollments {
			if !add("enrollment", enrollmentInsertCols, s.loadRow(s.enrollmentRow(e, 0))) {
				return
			}
		}
	}
	for _, h := range hs {
		for _, e := range h.Events {
			if !add("service_event", eventInsertCols, s.loadRow(s.eventRow(e))) {
				return
			}
		}
	}
	flush()
}

// historyYears computes the year statuses of one history: every
// programme-year with an event or an enrollment in force.
func (s *Store) historyYears(h weijian.History) []weijian.PersonYear {
	type key struct {
		prog string
		year int
	}
	byKey := map[key][]*weijian.Event{}
	var keys []key
	add := func(k key) {
		if _, ok := byKey[k]; !ok {
			byKey[k] = nil
			keys = append(keys, k)
		}
	}
	for _, e := range h.Events {
		k := key{e.Programme, e.Date.Year()}
		add(k)
		if !e.Voided {
			byKey[k] = append(byKey[k], e)
		}
	}
	enrByProg := map[string][]*weijian.Enrollment{}
	for _, e := range h.Enrollments {
		enrByProg[e.Programme] = append(enrByProg[e.Programme], e)
		add(key{e.Programme, e.EnrolledOn.Year()})
	}
	out := make([]weijian.PersonYear, 0, len(keys))
	for _, k := range keys {
		y := s.yearStatus(h.Person, k.prog, k.year, enrByProg[k.prog], byKey[k])
		if y.Managed || y.Events > 0 {
			out = append(out, y)
		}
	}
	return out
}

// AssignDoctor makes userID the responsible doctor of the residents of
// the unit's subtree.
func (s *Store) AssignDoctor(ctx context.Context, unitCode string, userID int64) (int, error) {
	var path string
	if err := s.queryRow(ctx, "SELECT path FROM org_unit WHERE code = ? AND valid_to IS NULL", unitCode).Scan(&path); err != nil {
		return 0, fmt.Errorf("assign doctor: unit %s: %w", unitCode, err)
	}
	lo, hi := weijian.PathRange(path)
	var n int64
	err := s.inTx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, "UPDATE person SET doctor_id = ? WHERE county_code = ? AND village_path >= ? AND village_path < ?",
			userID, unitCode[:6], lo, hi)
		if err == nil {
			n, err = res.RowsAffected()
		}
		return err
	})
	return int(n), err
}

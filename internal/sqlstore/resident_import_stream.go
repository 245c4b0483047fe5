package sqlstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/weijian-health/weijian"
)

// eventStream checks the rows of an event import one after the other, as
// the insert asks for them: on PostgreSQL the client checks the next rows
// while the server writes the previous ones (both cores at work), in the
// one COPY of the import's transaction.
type eventStream struct {
	s         *Store
	sc        weijian.Scope
	rows      []weijian.EventRow
	lk        importRefs
	chk       *importCheck
	rep       *weijian.ResidentImportReport
	validOnly bool
	inFile    map[string]int
	i         int // the next row to check

	// What the checks look up, once per row (newEventStream): the person a
	// row names (nil when not found), whether its source id is stored
	// already, and the index in keys of its person-programme (-1 when
	// the row cannot be stored: no person, or the source id stored).
	person []*weijian.Person
	stored []bool
	key    []int32
	// The person-programmes rows may add events to, each once in order
	// of first row, with their enrollments and last row.
	keys    []personProg
	keyEnrs [][]*weijian.Enrollment
	lastRow []int
}

// newEventStream looks up, once, what the checks of each row need.
func newEventStream(s *Store, sc weijian.Scope, rows []weijian.EventRow, lk importRefs, chk *importCheck,
	rep *weijian.ResidentImportReport, validOnly bool) *eventStream {
	st := &eventStream{s: s, sc: sc, rows: rows, lk: lk, chk: chk, rep: rep, validOnly: validOnly,
		inFile: make(map[string]int, len(rows)), person: make([]*weijian.Person, len(rows)),
		stored: make([]bool, len(rows)), key: make([]int32, len(rows))}
	index := map[personProg]int32{}
	for i := range rows {
		r := &rows[i]
		p := lk.people[r.DocNumber]
		st.person[i], st.key[i] = p, -1
		if p == nil {
			continue
		}
		if r.Event.SourceID != "" && len(lk.known) > 0 {
			if _, ok := lk.known[p.County+"\x00"+r.Event.SourceID]; ok {
				st.stored[i] = true
				continue
			}
		}
		k := personProg{p.ID, r.Event.Programme}
		x, ok := index[k]
		if !ok {
			x = int32(len(st.keys))
			index[k] = x
			st.keys = append(st.keys, k)
			st.keyEnrs = append(st.keyEnrs, lk.enrs[p.ID][k.prog])
			st.lastRow = append(st.lastRow, 0)
		}
		st.key[i], st.lastRow[x] = x, i
	}
	return st
}

// next checks rows until one is to be stored, and returns it; nil at the
// end. Once a row is refused (and not ValidOnly) nothing more is returned,
// but every row is still checked, for the report.
func (st *eventStream) next() *weijian.Event {
	for st.i < len(st.rows) {
		i := st.i
		st.i++
		if e := st.check(i); e != nil && (st.validOnly || len(st.chk.bad) == 0) {
			return e
		}
	}
	return nil
}

// refused says whether the import is refused: a row has a problem and
// only valid rows were not asked for.
func (st *eventStream) refused() bool { return !st.validOnly && len(st.chk.bad) > 0 }

// check checks row i: the event ready to store (its person, county and
// unit filled in), or nil when it is refused or already stored.
func (st *eventStream) check(i int) *weijian.Event {
	r := &st.rows[i]
	p := st.person[i]
	if p == nil {
		st.chk.add(i, r.Line, weijian.FieldIDNumber, weijian.MaskDocument(r.DocType, r.DocNumber), "person",
			weijian.T("未找到该居民（或不在您的管辖范围内）", "resident not found (or outside your scope)"))
		return nil
	}
	e := &r.Event
	if st.stored[i] {
		st.rep.Existing++
		return nil
	}
	if line, ok := st.inFile[e.SourceID]; ok && e.SourceID != "" {
		st.chk.add(i, r.Line, "source_id", e.SourceID, "duplicate", weijian.T(fmt.Sprintf("与第%d行来源编号相同", line),
			fmt.Sprintf("same source id as row %d", line)))
		return nil
	}
	st.inFile[e.SourceID] = r.Line
	u, ok := st.lk.units[e.OrgCode]
	if e.OrgCode == "" || !ok || !st.sc.Covers(u.path) {
		st.chk.add(i, r.Line, "org_unit", e.OrgCode, "scope", weijian.T("服务机构代码无效或不在您的管辖范围内",
			"the serving unit is unknown or outside your scope"))
		return nil
	}
	e.PersonID, e.County, e.OrgUnitID, e.OrgPath = p.ID, p.County, u.id, u.path
	if is := st.s.eventIssues(p, st.keyEnrs[st.key[i]], e); len(is) > 0 {
		for _, x := range is {
			st.chk.add(i, r.Line, x.Field, x.Value, x.Rule, x.Msg)
		}
		return nil
	}
	return e
}

// errRefused ends an import's insert when a row is refused.
var errRefused = errors.New("import refused")

// streamImportedEvents stores the events of the stream as it checks them
// and recomputes, once per person and programme, the year statuses they
// touch: the stored events of every person-programme the file may touch
// are read first; when the stream has passed the last row of one, its
// year statuses are computed on a second goroutine, and written after the
// events. It returns the events stored; with a refused row it writes
// nothing and returns the verdict.
func (s *Store) streamImportedEvents(ctx context.Context, tx *Tx, a weijian.Actor, st *eventStream,
	opt weijian.ResidentImportOptions) ([]*weijian.Event, error) {
	byID := byPersonID(st.lk.people)
	keys, n := st.keys, 0
	for _, x := range st.key {
		if x >= 0 {
			n++
		}
	}
	if err := tx.touchMany(ctx, byID, keys); err != nil {
		return nil, err
	}
	prior, err := priorEvents(ctx, tx, byID, keys)
	if err != nil {
		return nil, err
	}
	ids, err := s.d.reserveIDs(ctx, tx, "service_event", n)
	if err != nil {
		return nil, err
	}
	jobs := make(chan yearJob, 256)
	years := make(chan newYears, 1)
	go s.yearWorker(st, byID, prior, jobs, years)
	fresh := make([]*weijian.Event, 0, n)
	pending := make([][]*weijian.Event, len(keys)) // by key: the events checked, not yet given to the years
	now := s.now()
	next := func() (*weijian.Event, error) {
		from := st.i
		e := st.next()
		if e != nil {
			e.ID, e.Version, e.CreatedBy, e.CreatedAt, e.UpdatedAt = ids[len(fresh)], 1, a.UserID, now, now
			fresh = append(fresh, e)
			x := st.key[st.i-1]
			pending[x] = append(pending[x], e)
		}
		for i := from; i < st.i && !st.refused(); i++ { // the person-programmes whose last row is passed
			if x := st.key[i]; x >= 0 && st.lastRow[x] == i && len(pending[x]) > 0 {
				jobs <- yearJob{keys[x], x, pending[x]}
				pending[x] = nil
			}
		}
		switch {
		case e != nil:
			if opt.Progress != nil && len(fresh)%20000 == 0 {
				opt.Progress(len(fresh), n)
			}
			return e, nil
		case st.refused():
			return nil, errRefused
		}
		return nil, nil
	}
	err = tx.insertEvents(ctx, next)
	close(jobs)
	ny := <-years
	if st.refused() {
		return nil, st.chk.verdict(st.rep, opt, weijian.T("服务记录", "the services"))
	}
	if err != nil {
		return nil, err
	}
	if err := st.chk.verdict(st.rep, opt, weijian.T("服务记录", "the services")); err != nil {
		return nil, err
	}
	if opt.Progress != nil && len(fresh)%20000 != 0 {
		opt.Progress(len(fresh), len(fresh))
	}
	return fresh, ny.write(ctx, tx)
}

// yearWorker computes the year statuses of each person-programme sent on
// jobs — its stored and new events in date order — and sends them all on
// years when jobs is closed.
func (s *Store) yearWorker(st *eventStream, byID map[int64]*weijian.Person, prior map[personProg][]*weijian.Event,
	jobs <-chan yearJob, years chan<- newYears) {
	ny := newYears{del: map[countyProg][]string{}}
	for j := range jobs {
		evs := append(prior[j.k], j.fresh...)
		slices.SortStableFunc(evs, func(x, y *weijian.Event) int {
			if c := x.Date.Compare(y.Date); c != 0 {
				return c
			}
			return cmp.Compare(x.ID, y.ID)
		})
		ny.add(s, byID[j.k.person], j.k, st.keyEnrs[j.x], evs)
	}
	years <- ny
}

// yearJob is a person-programme whose new events are all checked.
type yearJob struct {
	k     personProg
	x     int32 // its index in the stream's keys
	fresh []*weijian.Event
}

// insertEvents inserts the events next returns, until it returns nil or
// an error (which ends the insert): on PostgreSQL each written straight
// into the COPY stream (appendEventCopy), elsewhere as insertStream's rows.
func (t *Tx) insertEvents(ctx context.Context, next func() (*weijian.Event, error)) error {
	if t.s.d.name != "postgres" {
		return t.insertStream(ctx, "service_event", eventInsertCols, func() ([]any, error) {
			e, err := next()
			if e == nil || err != nil {
				return nil, err
			}
			return t.s.eventRow(e), nil
		})
	}
	err := copyFrom(ctx, t, "service_event", eventInsertCols, func(b []byte, c copyCols) ([]byte, bool, error) {
		e, err := next()
		if e == nil || err != nil {
			return b, false, err
		}
		b, err = appendEventCopy(b, c, e)
		return b, err == nil, err
	})
	if err != nil {
		return fmt.Errorf("insert into service_event: %w", err)
	}
	return nil
}

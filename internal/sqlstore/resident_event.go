package sqlstore

import (
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/weijian-health/weijian"
)

const enrollmentCols = `e.county_code, e.id, e.person_id, e.programme, e.enrolled_on, e.org_unit_id, e.org_path, e.vals,
	e.ended_on, e.end_reason, e.source_id, e.created_at`

func scanEnrollment(sc rowScanner) (*weijian.Enrollment, error) {
	e := &weijian.Enrollment{}
	var vals string
	err := sc.Scan(&e.County, &e.ID, &e.PersonID, &e.Programme, timeCol{&e.EnrolledOn}, &e.OrgUnitID, &e.OrgPath, &vals,
		timeCol{&e.EndedOn}, &e.EndReason, strCol{&e.SourceID}, timeCol{&e.CreatedAt})
	if err == nil {
		err = decodeValues(vals, &e.Values)
	}
	return e, err
}

const eventCols = `e.county_code, e.id, e.person_id, e.programme, e.stage, e.event_date, e.org_unit_id, e.org_path,
	coalesce(o.name, ''), e.vals, e.voided, e.void_reason, e.source_id, e.version, e.created_by, e.created_at, e.updated_at`

const eventFrom = " FROM service_event e LEFT JOIN org_unit o ON o.id = e.org_unit_id"

func scanEvent(sc rowScanner) (*weijian.Event, error) {
	e := &weijian.Event{}
	var vals string
	err := sc.Scan(&e.County, &e.ID, &e.PersonID, &e.Programme, &e.Stage, timeCol{&e.Date}, &e.OrgUnitID, &e.OrgPath,
		&e.OrgName, &vals, &e.Voided, &e.VoidReason, strCol{&e.SourceID}, &e.Version, idCol{&e.CreatedBy},
		timeCol{&e.CreatedAt}, timeCol{&e.UpdatedAt})
	if err == nil {
		err = decodeValues(vals, &e.Values)
	}
	return e, err
}

func decodeValues(s string, v *map[string]any) error {
	if s == "" || s == "{}" {
		*v = map[string]any{}
		return nil
	}
	return json.Unmarshal([]byte(s), v)
}

// queryer is a transaction or the store itself.
type queryer interface {
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
}

// storeQ runs queries outside a transaction.
type storeQ struct{ s *Store }

func (q storeQ) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return q.s.query(ctx, query, args...)
}

func (q storeQ) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return q.s.queryRow(ctx, query, args...)
}

func enrollmentsOf(ctx context.Context, q queryer, county string, personID int64, programme string) ([]*weijian.Enrollment, error) {
	where, args := "e.county_code = ? AND e.person_id = ?", []any{county, personID}
	if programme != "" {
		where += " AND e.programme = ?"
		args = append(args, programme)
	}
	return queryAll(ctx, q, scanEnrollment, "SELECT "+enrollmentCols+" FROM enrollment e WHERE "+where+" ORDER BY e.enrolled_on, e.id", args...)
}

func eventsOf(ctx context.Context, q queryer, where string, args ...any) ([]*weijian.Event, error) {
	return queryAll(ctx, q, scanEvent, "SELECT "+eventCols+eventFrom+" WHERE "+where+" ORDER BY e.event_date, e.id", args...)
}

// serviceUnit resolves the unit that gives a service; it must lie in the
// caller's scope (a user records for their own facility or area).
func (s *Store) serviceUnit(ctx context.Context, q queryer, sc weijian.Scope, id int64) (string, error) {
	var path string
	err := q.QueryRow(ctx, "SELECT path FROM org_unit WHERE id = ?", id).Scan(&path)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !sc.Covers(path) {
		return "", weijian.Invalid(weijian.T("服务机构无效或不在您的管辖范围内", "the serving unit is unknown or outside your scope"),
			weijian.Issue{Field: "orgUnit", Value: fmt.Sprint(id), Rule: "scope", Msg: weijian.T("应为您所在的机构", "must be your own unit")})
	}
	return path, err
}

// Enroll puts a person in a programme. One open enrollment per programme.
func (s *Store) Enroll(ctx context.Context, sc weijian.Scope, a weijian.Actor, e *weijian.Enrollment) error {
	p, err := s.Person(ctx, sc, e.PersonID)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		if err := tx.touchRules(ctx, p.County, []string{e.Programme}, p.ID); err != nil {
			return err
		}
		if e.OrgPath, err = s.serviceUnit(ctx, tx, sc, e.OrgUnitID); err != nil {
			return err
		}
		if e.SourceID != "" {
			if id, err := existingID(ctx, tx, "enrollment", p.County, e.SourceID); err != nil || id != 0 {
				return firstErr(err, alreadyStored("enrollment", id))
			}
		}
		old, err := enrollmentsOf(ctx, tx, p.County, p.ID, e.Programme)
		if err != nil {
			return err
		}
		is := s.checkDates(p, e.EnrolledOn, nil)
		for _, o := range old {
			if o.EndedOn.IsZero() {
				is = append(is, weijian.Issue{Field: "programme", Value: e.Programme, Rule: "enrolled",
					Msg: weijian.T("该居民已在此项目中登记（"+o.EnrolledOn.Format(time.DateOnly)+"）",
						"the resident is already enrolled in this programme since "+o.EnrolledOn.Format(time.DateOnly))})
			}
		}
		if s.rules != nil {
			is = append(is, s.rules.CheckEnrollment(p, e, s.today())...)
		}
		if len(is) > 0 {
			return weijian.Invalid(weijian.T("项目登记信息有误", "the enrollment is invalid"), is...)
		}
		ids, err := s.d.reserveIDs(ctx, tx, "enrollment", 1)
		if err != nil {
			return err
		}
		e.ID, e.County, e.CreatedAt = ids[0], p.County, s.now()
		if err := tx.insertMany(ctx, "enrollment", enrollmentInsertCols, [][]any{s.enrollmentRow(e, a.UserID)}); err != nil {
			return err
		}
		if err := s.refreshYear(ctx, tx, p, e.Programme, e.EnrolledOn.Year()); err != nil {
			return err
		}
		return s.audit(ctx, tx, auditEntry(a, "enrollment.create", personTarget(p), fmt.Sprintf("programme=%s id=%d", e.Programme, e.ID)))
	})
}

var enrollmentInsertCols = []string{"county_code", "id", "person_id", "programme", "enrolled_on", "org_unit_id", "org_path",
	"vals", "ended_on", "end_reason", "source_id", "created_by", "created_at"}

func (s *Store) enrollmentRow(e *weijian.Enrollment, by int64) []any {
	return []any{e.County, e.ID, e.PersonID, e.Programme, dateVal(e.EnrolledOn), e.OrgUnitID, e.OrgPath, encodeValues(e.Values),
		dateVal(e.EndedOn), e.EndReason, nullStr(e.SourceID), nullID(by), s.d.stamp(e.CreatedAt)}
}

var eventInsertCols = []string{"county_code", "id", "person_id", "programme", "stage", "event_date", "org_unit_id", "org_path",
	"vals", "voided", "void_reason", "source_id", "version", "created_by", "created_at", "updated_at"}

func (s *Store) eventRow(e *weijian.Event) []any {
	return []any{e.County, e.ID, e.PersonID, e.Programme, e.Stage, dateVal(e.Date), e.OrgUnitID, e.OrgPath,
		encodeValues(e.Values), e.Voided, e.VoidReason, nullStr(e.SourceID), e.Version, nullID(e.CreatedBy),
		s.d.stamp(e.CreatedAt), s.d.stamp(e.UpdatedAt)}
}

// appendEventCopy appends e as a binary COPY row of eventInsertCols on
// PostgreSQL: the bytes copyValues writes for s.eventRow(e), without a
// value boxed or the values' JSON copied (TestEventCopySameAsRow).
func appendEventCopy(b []byte, c copyCols, e *weijian.Event) ([]byte, error) {
	if len(c.oids) != len(eventInsertCols) {
		return b, fmt.Errorf("copy: %d values for %d columns", len(eventInsertCols), len(c.oids))
	}
	w := copyWriter{b: binary.BigEndian.AppendUint16(b, uint16(len(eventInsertCols))), c: c}
	w.text(e.County)
	w.int(e.ID)
	w.int(e.PersonID)
	w.text(e.Programme)
	w.text(e.Stage)
	if e.Date.IsZero() { // dateVal
		w.null()
	} else {
		w.time(e.Date)
	}
	w.int(e.OrgUnitID)
	w.text(e.OrgPath)
	w.values(e.Values)
	w.bool(e.Voided)
	w.text(e.VoidReason)
	if e.SourceID == "" { // nullStr
		w.null()
	} else {
		w.text(e.SourceID)
	}
	w.int(int64(e.Version))
	if e.CreatedBy == 0 { // nullID
		w.null()
	} else {
		w.int(e.CreatedBy)
	}
	for _, t := range []time.Time{e.CreatedAt, e.UpdatedAt} { // postgresDialect.stamp
		if t.IsZero() {
			w.null()
		} else {
			w.time(t.UTC())
		}
	}
	return w.b, w.err
}

var eventVersionCols = []string{"county_code", "event_id", "version", "event_date", "vals", "action", "reason", "changed_by", "changed_at"}

func (s *Store) versionRow(e *weijian.Event, action, reason string, a weijian.Actor) []any {
	return []any{e.County, e.ID, e.Version, dateVal(e.Date), encodeValues(e.Values), action, reason, a.Name, s.d.stamp(s.now())}
}

func existingID(ctx context.Context, q queryer, table, county, source string) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, "SELECT id FROM "+table+" WHERE county_code = ? AND source_id = ?", county, source).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// alreadyStored is the answer to a resent record: recognised, not stored twice.
func alreadyStored(what string, id int64) error {
	return weijian.E(weijian.KindConflict, weijian.T(fmt.Sprintf("该记录已保存过（#%d），未重复保存", id),
		fmt.Sprintf("this %s was already stored (#%d); not stored again", what, id)))
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// checkDates checks a service date against the person: not in the future,
// not before birth or the programme enrollment, not after death.
func (s *Store) checkDates(p *weijian.Person, d time.Time, enr *weijian.Enrollment) []weijian.Issue {
	var is []weijian.Issue
	add := func(rule string, msg weijian.Text) {
		is = append(is, weijian.Issue{Field: "date", Value: d.Format(time.DateOnly), Rule: rule, Msg: msg})
	}
	switch {
	case d.IsZero():
		add("required", weijian.T("日期必填", "a date is required"))
	case d.After(s.today()):
		add("future", weijian.T("日期不能晚于今天", "the date is in the future"))
	case d.Before(p.BirthDate):
		add("before_birth", weijian.T("日期早于出生日期", "the date is before the birth date"))
	case !p.DeathDate.IsZero() && d.After(p.DeathDate):
		add("after_death", weijian.T("日期晚于死亡日期 "+p.DeathDate.Format(time.DateOnly), "the date is after the death on "+p.DeathDate.Format(time.DateOnly)))
	case enr != nil && d.Before(enr.EnrolledOn):
		add("before_enrollment", weijian.T("日期早于项目登记日期 "+enr.EnrolledOn.Format(time.DateOnly),
			"the date is before the enrollment on "+enr.EnrolledOn.Format(time.DateOnly)))
	}
	return is
}

// enrollmentAt returns the enrollment of the programme in force on d, or
// the latest one when none is.
func enrollmentAt(enr []*weijian.Enrollment, d time.Time) *weijian.Enrollment {
	var last *weijian.Enrollment
	for _, e := range enr {
		if !e.EnrolledOn.After(d) && (e.EndedOn.IsZero() || !e.EndedOn.Before(d)) {
			return e
		}
		last = e
	}
	return last
}

// checkEvent runs the generic and the programme's checks of an event.
func (s *Store) checkEvent(ctx context.Context, q queryer, p *weijian.Person, e *weijian.Event) error {
	enr, err := enrollmentsOf(ctx, q, p.County, p.ID, e.Programme)
	if err != nil {
		return err
	}
	en := enrollmentAt(enr, e.Date)
	is := s.checkDates(p, e.Date, en)
	if s.rules != nil {
		if !s.rules.Known(e.Programme, e.Stage) {
			is = append(is, weijian.Issue{Field: "stage", Value: e.Programme + "/" + e.Stage, Rule: "unknown",
				Msg: weijian.T("未知的项目或服务阶段", "unknown programme or stage")})
		} else {
			is = append(is, s.rules.CheckEvent(p, en, e, s.today())...)
		}
	}
	if len(is) > 0 {
		return weijian.Invalid(weijian.T("服务记录有误", "the service record is invalid"), is...)
	}
	return nil
}

// RecordEvent stores a service event (see weijian.ResidentStore).
func (s *Store) RecordEvent(ctx context.Context, sc weijian.Scope, a weijian.Actor, e *weijian.Event) error {
	p, err := s.Person(ctx, sc, e.PersonID)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		if err := tx.touchRules(ctx, p.County, []string{e.Programme}, p.ID); err != nil {
			return err
		}
		if e.OrgPath, err = s.serviceUnit(ctx, tx, sc, e.OrgUnitID); err != nil {
			return err
		}
		if e.SourceID != "" {
			if id, err := existingID(ctx, tx, "service_event", p.County, e.SourceID); err != nil || id != 0 {
				return firstErr(err, alreadyStored("event", id))
			}
		}
		if err := s.checkEvent(ctx, tx, p, e); err != nil {
			return err
		}
		ids, err := s.d.reserveIDs(ctx, tx, "service_event", 1)
		if err != nil {
			return err
		}
		e.ID, e.County, e.Version, e.CreatedBy = ids[0], p.County, 1, a.UserID
		e.CreatedAt, e.UpdatedAt = s.now(), s.now()
		if err := tx.insertMany(ctx, "service_event", eventInsertCols, [][]any{s.eventRow(e)}); err != nil {
			return err
		}
		if err := tx.insertMany(ctx, "event_version", eventVersionCols, [][]any{s.versionRow(e, "create", "", a)}); err != nil {
			return err
		}
		if err := s.refreshYear(ctx, tx, p, e.Programme, e.Date.Year()); err != nil {
			return err
		}
		return s.audit(ctx, tx, auditEntry(a, "event.create", personTarget(p), fmt.Sprintf("event=%d programme=%s stage=%s", e.ID, e.Programme, e.Stage)))
	})
}

// Event returns an event whose person the caller sees.
func (s *Store) Event(ctx context.Context, sc weijian.Scope, id int64) (*weijian.Event, error) {
	es, err := eventsOf(ctx, storeQ{s}, "e.id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		return nil, weijian.NotFound(weijian.T(fmt.Sprintf("服务记录 #%d", id), fmt.Sprintf("event #%d", id)))
	}
	if _, err := s.Person(ctx, sc, es[0].PersonID); err != nil {
		return nil, weijian.NotFound(weijian.T(fmt.Sprintf("服务记录 #%d", id), fmt.Sprintf("event #%d", id)))
	}
	return es[0], nil
}

// EditEvent changes the date and values of an event, keeping the earlier
// version in its history. e.Version must be the stored version.
func (s *Store) EditEvent(ctx context.Context, sc weijian.Scope, a weijian.Actor, e *weijian.Event) error {
	return s.changeEvent(ctx, sc, a, e.ID, e.Version, func(old *weijian.Event) (string, string, error) {
		if old.Voided {
			return "", "", weijian.Invalid(weijian.T("已作废的记录不能修改", "a voided record cannot be edited"))
		}
		old.Date, old.Values = e.Date, e.Values
		return "edit", "", nil
	})
}

// VoidEvent marks an event void with a reason; it stays in the history.
func (s *Store) VoidEvent(ctx context.Context, sc weijian.Scope, a weijian.Actor, id int64, reason string) error {
	return s.changeEvent(ctx, sc, a, id, 0, func(old *weijian.Event) (string, string, error) {
		if reason == "" {
			return "", "", weijian.Invalid(weijian.T("作废须填写原因", "voiding needs a reason"),
				weijian.Issue{Field: "reason", Rule: "required", Msg: weijian.T("必填", "required")})
		}
		if old.Voided {
			return "", "", weijian.E(weijian.KindConflict, weijian.T("该记录已作废", "the record is already void"))
		}
		old.Voided, old.VoidReason = true, reason
		return "void", reason, nil
	})
}

// changeEvent applies change to the stored event (version 0: any) and
// saves it as the next version, refreshing the person's year statuses.
func (s *Store) changeEvent(ctx context.Context, sc weijian.Scope, a weijian.Actor, id int64, version int,
	change func(*weijian.Event) (string, string, error)) error {
	old, err := s.Event(ctx, sc, id)
	if err != nil {
		return err
	}
	p, err := s.Person(ctx, sc, old.PersonID)
	if err != nil {
		return err
	}
	if !sc.Covers(old.OrgPath) && !sc.Covers(p.VillagePath) {
		return weijian.E(weijian.KindForbidden, weijian.T("无权修改该记录", "you may not change this record"))
	}
	if version != 0 && version != old.Version {
		return weijian.E(weijian.KindConflict, weijian.T("该记录已被他人修改，请刷新后重试", "someone else changed this record; reload and try again"))
	}
	oldYear, orig := old.Date.Year(), *old
	action, reason, err := change(old)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		if err := tx.touchRules(ctx, p.County, []string{old.Programme}, p.ID); err != nil {
			return err
		}
		if action == "edit" {
			if err := s.checkEvent(ctx, tx, p, old); err != nil {
				return err
			}
		}
		res, err := tx.Exec(ctx, `UPDATE service_event SET event_date = ?, vals = ?, voided = ?, void_reason = ?,
			version = version + 1, updated_at = ? WHERE county_code = ? AND id = ? AND version = ?`,
			dateVal(old.Date), encodeValues(old.Values), old.Voided, old.VoidReason, s.d.stamp(s.now()), old.County, old.ID, old.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return weijian.E(weijian.KindConflict, weijian.T("该记录已被他人修改，请刷新后重试", "someone else changed this record; reload and try again"))
		}
		// Bulk-loaded events have no history yet: keep their first state.
		var n int
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM event_version WHERE county_code = ? AND event_id = ?", old.County, old.ID).Scan(&n); err != nil {
			return err
		}
		rows := [][]any{}
		if n == 0 {
			rows = append(rows, s.versionRow(&orig, "create", "", weijian.Actor{Name: "load"}))
		}
		old.Version++
		rows = append(rows, s.versionRow(old, action, reason, a))
		if err := tx.insertMany(ctx, "event_version", eventVersionCols, rows); err != nil {
			return err
		}
		for _, y := range uniqueInts(oldYear, old.Date.Year()) {
			if err := s.refreshYear(ctx, tx, p, old.Programme, y); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, auditEntry(a, "event."+action, personTarget(p), fmt.Sprintf("event=%d version=%d", old.ID, old.Version)))
	})
}

func uniqueInts(a, b int) []int {
	if a == b {
		return []int{a}
	}
	return []int{a, b}
}

// EventHistory returns the versions of an event, oldest first.
func (s *Store) EventHistory(ctx context.Context, sc weijian.Scope, id int64) ([]weijian.EventVersion, error) {
	e, err := s.Event(ctx, sc, id)
	if err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, `SELECT version, event_date, vals, action, reason, changed_by, changed_at FROM event_version
		WHERE county_code = ? AND event_id = ? ORDER BY version`, e.County, e.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []weijian.EventVersion
	for rows.Next() {
		var v weijian.EventVersion
		var vals string
		if err := rows.Scan(&v.Version, timeCol{&v.Date}, &vals, &v.Action, &v.Reason, &v.ChangedBy, timeCol{&v.ChangedAt}); err != nil {
			return nil, err
		}
		if err := decodeValues(vals, &v.Values); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Enrollments returns a person's enrollments.
func (s *Store) Enrollments(ctx context.Context, sc weijian.Scope, personID int64) ([]*weijian.Enrollment, error) {
	p, err := s.Person(ctx, sc, personID)
	if err != nil {
		return nil, err
	}
	return enrollmentsOf(ctx, storeQ{s}, p.County, p.ID, "")
}

// Timeline returns every enrollment and event of a person, newest first.
func (s *Store) Timeline(ctx context.Context, sc weijian.Scope, personID int64) ([]weijian.TimelineItem, error) {
	p, err := s.Person(ctx, sc, personID)
	if err != nil {
		return nil, err
	}
	enr, err := enrollmentsOf(ctx, storeQ{s}, p.County, p.ID, "")
	if err != nil {
		return nil, err
	}
	evs, err := eventsOf(ctx, storeQ{s}, "e.county_code = ? AND e.person_id = ?", p.County, p.ID)
	if err != nil {
		return nil, err
	}
	var out []weijian.TimelineItem
	i, j := len(enr)-1, len(evs)-1
	for i >= 0 || j >= 0 {
		if j < 0 || i >= 0 && enr[i].EnrolledOn.After(evs[j].Date) {
			out = append(out, weijian.TimelineItem{Enrollment: enr[i]})
			i--
		} else {
			out = append(out, weijian.TimelineItem{Event: evs[j]})
			j--
		}
	}
	return out, nil
}

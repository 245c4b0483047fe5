package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/weijian-health/weijian"
)

// unitInfo is a current org unit as an import resolves it.
type unitInfo struct {
	id          int64
	path, level string
}

// unitsByCode resolves codes to current units; unknown codes are absent.
func unitsByCode(ctx context.Context, tx *Tx, codes []string) (map[string]unitInfo, error) {
	out := map[string]unitInfo{}
	err := inChunks(codes, func(chunk []any, marks string) error {
		rows, err := tx.Query(ctx, "SELECT code, id, path, level FROM org_unit WHERE valid_to IS NULL AND code IN ("+marks+")", chunk...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c string
			var u unitInfo
			if err := rows.Scan(&c, &u.id, &u.path, &u.level); err != nil {
				return err
			}
			out[c] = u
		}
		return rows.Err()
	})
	return out, err
}

// inChunks calls fn with the values in chunks of 500, with their "?,?…".
func inChunks(values []string, fn func(chunk []any, marks string) error) error {
	for start := 0; start < len(values); start += 500 {
		part := values[start:min(start+500, len(values))]
		chunk := make([]any, len(part))
		for i, v := range part {
			chunk[i] = v
		}
		if err := fn(chunk, strings.TrimSuffix(strings.Repeat("?,", len(chunk)), ",")); err != nil {
			return err
		}
	}
	return nil
}

// existingKeys returns which of the values of column (source_id or
// doc_number) a county's table already holds, with their ids.
func existingKeys(ctx context.Context, tx *Tx, table, column, county string, values []string) (map[string]int64, error) {
	out := map[string]int64{}
	err := inChunks(values, func(chunk []any, marks string) error {
		rows, err := tx.Query(ctx, "SELECT "+column+", id FROM "+table+" WHERE county_code = ? AND "+column+" IN ("+marks+")",
			append([]any{county}, chunk...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			var id int64
			if err := rows.Scan(&k, &id); err != nil {
				return err
			}
			out[k] = id
		}
		return rows.Err()
	})
	return out, err
}

// importCheck collects the problems of an import, row by row.
type importCheck struct {
	issues []weijian.Issue
	bad    map[int]bool // row index → refused
}

func (c *importCheck) add(i, line int, field, value, rule string, msg weijian.Text) {
	if c.bad == nil {
		c.bad = map[int]bool{}
	}
	c.bad[i] = true
	if len(c.issues) < weijian.MaxIssues {
		c.issues = append(c.issues, weijian.Issue{Row: line, Field: field, Value: weijian.Clip(value), Rule: rule, Msg: msg})
	}
}

// verdict ends the checks: with problems and not ValidOnly, the whole
// import is refused (nothing written).
func (c *importCheck) verdict(rep *weijian.ResidentImportReport, opt weijian.ResidentImportOptions, what weijian.Text) error {
	rep.Rejected, rep.Issues = len(c.bad), c.issues
	if len(c.bad) > 0 && !opt.ValidOnly {
		return weijian.Invalid(weijian.T(
			fmt.Sprintf("%s未导入：%d行有错误（未写入任何数据；可修改后重新导入，或只导入正确的行）", what.ZH, len(c.bad)),
			fmt.Sprintf("%s not imported: %d rows have errors (nothing was written; fix them, or import the valid rows only)", what.EN, len(c.bad))),
			c.issues...)
	}
	return nil
}

// ImportPersons registers many residents in one transaction: each row
// checked as RegisterPerson does (ID number, dates, a village in the
// caller's scope), a row whose source id is already stored recognised and
// skipped, a document number already registered in the county (or twice
// in the file) refused.
func (s *Store) ImportPersons(ctx context.Context, sc weijian.Scope, a weijian.Actor, rows []weijian.PersonRow,
	opt weijian.ResidentImportOptions) (weijian.ResidentImportReport, error) {
	rep := weijian.ResidentImportReport{Rows: len(rows)}
	var chk importCheck
	today := s.today()
	var codes []string
	for i := range rows {
		for _, is := range weijian.CheckPerson(&rows[i].Person, today) {
			chk.add(i, rows[i].Line, is.Field, is.Value, is.Rule, is.Msg)
		}
		codes = append(codes, rows[i].Person.VillageCode)
	}
	err := s.inTx(ctx, func(tx *Tx) error {
		units, err := unitsByCode(ctx, tx, codes)
		if err != nil {
			return err
		}
		byCounty := map[string][]int{}
		for i := range rows {
			p := &rows[i].Person
			u, ok := units[p.VillageCode]
			if !ok || u.level != weijian.LevelVillage || !sc.Covers(u.path) {
				chk.add(i, rows[i].Line, weijian.FieldVillage, p.VillageCode, "village",
					weijian.T("现住址应为您管辖范围内的村（居）委会代码", "the village must be a village code inside your scope"))
				continue
			}
			p.VillageID, p.VillagePath, p.County = u.id, u.path, p.VillageCode[:6]
			byCounty[p.County] = append(byCounty[p.County], i)
		}
		var fresh []int
		for county, idx := range byCounty {
			f, err := s.newPersons(ctx, tx, county, rows, idx, &chk, &rep)
			if err != nil {
				return err
			}
			fresh = append(fresh, f...)
		}
		if err := chk.verdict(&rep, opt, weijian.T("居民数据", "the residents")); err != nil || opt.DryRun {
			return err
		}
		ids, err := s.d.reserveIDs(ctx, tx, "person", len(fresh))
		if err != nil {
			return err
		}
		out := make([][]any, 0, len(fresh))
		now := s.now()
		for k, i := range fresh {
			p := &rows[i].Person
			p.ID, p.Version, p.CreatedAt, p.UpdatedAt = ids[k], 1, now, now
			out = append(out, s.personRow(p))
			if opt.Progress != nil && (k+1)%5000 == 0 {
				opt.Progress(k+1, len(fresh))
			}
		}
		if err := tx.insertMany(ctx, "person", personInsertCols, out); err != nil {
			return err
		}
		rep.Inserted = len(fresh)
		return s.audit(ctx, tx, auditEntry(a, "resident.import", "persons", fmt.Sprintf("rows=%d inserted=%d existing=%d rejected=%d",
			rep.Rows, rep.Inserted, rep.Existing, rep.Rejected)))
	})
	return rep, err
}

// newPersons sorts the valid rows of one county into new ones, ones
// already stored under their source id, and duplicates.
func (s *Store) newPersons(ctx context.Context, tx *Tx, county string, rows []weijian.PersonRow, idx []int,
	chk *importCheck, rep *weijian.ResidentImportReport) ([]int, error) {
	var sources, docs []string
	for _, i := range idx {
		if p := rows[i].Person; p.SourceID != "" {
			sources = append(sources, p.SourceID)
		}
		if p := rows[i].Person; p.DocNumber != "" {
			docs = append(docs, p.DocNumber)
		}
	}
	known, err := existingKeys(ctx, tx, "person", "source_id", county, sources)
	if err != nil {
		return nil, err
	}
	taken, err := existingKeys(ctx, tx, "person", "doc_number", county, docs)
	if err != nil {
		return nil, err
	}
	seen := map[string]int{}
	var fresh []int
	for _, i := range idx {
		p := rows[i].Person
		if _, ok := known[p.SourceID]; ok && p.SourceID != "" {
			rep.Existing++
			continue
		}
		if chk.bad[i] {
			continue
		}
		if id, ok := taken[p.DocNumber]; ok && p.DocNumber != "" {
			chk.add(i, rows[i].Line, weijian.FieldIDNumber, weijian.MaskDocument(p.DocType, p.DocNumber), "duplicate",
				weijian.T(fmt.Sprintf("本县已登记该证件号码（居民 #%d）", id), fmt.Sprintf("already registered in the county (resident #%d)", id)))
			continue
		}
		if line, ok := seen[p.DocNumber]; ok && p.DocNumber != "" {
			chk.add(i, rows[i].Line, weijian.FieldIDNumber, weijian.MaskDocument(p.DocType, p.DocNumber), "duplicate",
				weijian.T(fmt.Sprintf("与第%d行证件号码相同", line), fmt.Sprintf("same document number as row %d", line)))
			continue
		}
		seen[p.DocNumber] = rows[i].Line
		fresh = append(fresh, i)
	}
	return fresh, nil
}

// importRefs is what an import of enrollments or events reads before it
// checks its rows: the persons by document number (those outside the
// scope are absent), the serving units by code, the source ids already
// stored in table (county + "\x00" + source id → row id), and the
// persons' enrollments.
type importRefs struct {
	people map[string]*weijian.Person
	units  map[string]unitInfo
	known  map[string]int64
	enrs   map[int64]map[string][]*weijian.Enrollment
}

func (s *Store) importLookups(ctx context.Context, tx *Tx, sc weijian.Scope, counties []string, table string,
	docs, orgCodes, sources []string) (importRefs, error) {
	var lk importRefs
	var err error
	if lk.people, err = s.importPersonsByDoc(ctx, tx, sc, counties, dedupe(docs)); err != nil {
		return lk, err
	}
	if lk.units, err = unitsByCode(ctx, tx, dedupe(orgCodes)); err != nil {
		return lk, err
	}
	lk.known = map[string]int64{}
	for _, c := range uniqueCounties(lk.people) {
		k, err := existingKeys(ctx, tx, table, "source_id", c, sources)
		if err != nil {
			return lk, err
		}
		for key, id := range k {
			lk.known[c+"\x00"+key] = id
		}
	}
	lk.enrs, err = s.enrollmentsOfPersons(ctx, tx, lk.people)
	return lk, err
}

// ImportEvents records many events in one transaction: the person found
// by document number in the caller's counties (refused, like a person who
// does not exist, when outside the scope), each event checked as
// RecordEvent does, an event whose source id is stored recognised and
// skipped; the year statuses of every person-programme-year touched are
// recomputed once.
func (s *Store) ImportEvents(ctx context.Context, sc weijian.Scope, a weijian.Actor, rows []weijian.EventRow,
	opt weijian.ResidentImportOptions) (weijian.ResidentImportReport, error) {
	rep := weijian.ResidentImportReport{Rows: len(rows)}
	var chk importCheck
	counties, err := s.scopeCounties(ctx, sc)
	if err != nil {
		return rep, err
	}
	err = s.inTx(ctx, func(tx *Tx) error {
		docs, orgCodes, sources := importKeys(len(rows), func(i int) (*string, string, string) {
			return &rows[i].DocNumber, rows[i].Event.OrgCode, rows[i].Event.SourceID
		})
		lk, err := s.importLookups(ctx, tx, sc, counties, "service_event", docs, orgCodes, sources)
		if err != nil {
			return err
		}
		st := newEventStream(s, sc, rows, lk, &chk, &rep, opt.ValidOnly)
		if opt.DryRun {
			for st.next() != nil {
			}
			return chk.verdict(&rep, opt, weijian.T("服务记录", "the services"))
		}
		fresh, err := s.streamImportedEvents(ctx, tx, a, st, opt)
		if err != nil {
			return err
		}
		rep.Inserted = len(fresh)
		return s.audit(ctx, tx, auditEntry(a, "event.import", "events", fmt.Sprintf("rows=%d inserted=%d existing=%d rejected=%d",
			rep.Rows, rep.Inserted, rep.Existing, rep.Rejected)))
	})
	return rep, err
}

// eventIssues runs the generic and the programme's checks of one event.
func (s *Store) eventIssues(p *weijian.Person, enr []*weijian.Enrollment, e *weijian.Event) []weijian.Issue {
	en := enrollmentAt(enr, e.Date)
	is := s.checkDates(p, e.Date, en)
	if s.rules != nil {
		if !s.rules.Known(e.Programme, e.Stage) {
			return append(is, weijian.Issue{Field: "stage", Value: e.Programme + "/" + e.Stage, Rule: "unknown",
				Msg: weijian.T("未知的项目或服务阶段", "unknown programme or stage")})
		}
		is = append(is, s.rules.CheckEvent(p, en, e, s.today())...)
	}
	return is
}

func uniqueCounties(people map[string]*weijian.Person) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range people {
		if !seen[p.County] {
			seen[p.County] = true
			out = append(out, p.County)
		}
	}
	return out
}

// anyDocType names every document type, so that a look-up by number alone
// is served by the unique index (county_code, doc_type, doc_number).
var anyDocType = func() string {
	list := []string{"''"}
	for _, t := range weijian.DocTypes {
		list = append(list, "'"+string(t.Code)+"'")
	}
	return "p.doc_type IN (" + strings.Join(list, ", ") + ")"
}()

// importPersonsByDoc finds the persons the rows name, inside the scope.
func (s *Store) importPersonsByDoc(ctx context.Context, tx *Tx, sc weijian.Scope, counties []string, docs []string) (map[string]*weijian.Person, error) {
	cc, cargs := countyCond(counties)
	scope, sargs := villageScope(sc)
	if sc.All() {
		scope, sargs = "1=1", nil
	}
	out := map[string]*weijian.Person{}
	err := inChunks(docs, func(chunk []any, marks string) error {
		args := append(append(append([]any{}, cargs...), sargs...), chunk...)
		rs, err := tx.Query(ctx, "SELECT "+personCols+personFrom+" WHERE "+cc+" AND "+scope+
			" AND p.merged_into IS NULL AND "+anyDocType+" AND p.doc_number IN ("+marks+")", args...)
		if err != nil {
			return err
		}
		defer rs.Close()
		for rs.Next() {
			p, err := scanPerson(rs)
			if err != nil {
				return err
			}
			out[p.DocNumber] = p
		}
		return rs.Err()
	})
	return out, err
}

// enrollmentsOfPersons loads the enrollments of the persons, by person
// and programme.
func (s *Store) enrollmentsOfPersons(ctx context.Context, tx *Tx, people map[string]*weijian.Person) (map[int64]map[string][]*weijian.Enrollment, error) {
	out := map[int64]map[string][]*weijian.Enrollment{}
	byCounty := map[string][]string{}
	for _, p := range people {
		byCounty[p.County] = append(byCounty[p.County], fmt.Sprint(p.ID))
	}
	for county, ids := range byCounty {
		err := inChunks(ids, func(chunk []any, marks string) error {
			rows, err := tx.Query(ctx, "SELECT "+enrollmentCols+" FROM enrollment e WHERE e.county_code = ? AND e.person_id IN ("+marks+
				") ORDER BY e.enrolled_on, e.id", append([]any{county}, chunk...)...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				e, err := scanEnrollment(rows)
				if err != nil {
					return err
				}
				if out[e.PersonID] == nil {
					out[e.PersonID] = map[string][]*weijian.Enrollment{}
				}
				out[e.PersonID][e.Programme] = append(out[e.PersonID][e.Programme], e)
			}
			return rows.Err()
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// personProg is one person in one programme: the unit whose year statuses
// an import recomputes.
type personProg struct {
	person int64
	prog   string
}

// priorEvents reads the stored events (voided ones too) of the
// person-programmes in keys, by person-programme, in date order. An import
// reads them before it inserts its own, so that the new events are not
// read back.
func priorEvents(ctx context.Context, tx *Tx, people map[int64]*weijian.Person, keys []personProg) (map[personProg][]*weijian.Event, error) {
	byCounty := map[string][]string{}
	progs := map[string][]string{}
	seen := map[int64]bool{}
	for _, k := range keys {
		c := people[k.person].County
		if !seen[k.person] {
			seen[k.person] = true
			byCounty[c] = append(byCounty[c], strconv.FormatInt(k.person, 10))
		}
		progs[c] = append(progs[c], k.prog)
	}
	want := map[personProg]bool{}
	for _, k := range keys {
		want[k] = true
	}
	out := map[personProg][]*weijian.Event{}
	for county, ids := range byCounty {
		ps := dedupe(progs[county])
		pmarks := strings.TrimSuffix(strings.Repeat("?,", len(ps)), ",")
		err := inChunks(ids, func(chunk []any, marks string) error {
			args := append([]any{county}, chunk...)
			for _, p := range ps {
				args = append(args, p)
			}
			evs, err := eventsOf(ctx, tx, "e.county_code = ? AND e.person_id IN ("+marks+") AND e.programme IN ("+pmarks+")", args...)
			for _, e := range evs {
				if k := (personProg{e.PersonID, e.Programme}); want[k] {
					out[k] = append(out[k], e)
				}
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// replaceYears recomputes the year statuses of each person-programme from
// its enrollments and events (in date order) and replaces the kept ones:
// one DELETE per county and programme for a chunk of persons, one bulk
// INSERT.
func (s *Store) replaceYears(ctx context.Context, tx *Tx, people map[int64]*weijian.Person, keys []personProg,
	enrs func(personProg) []*weijian.Enrollment, evs map[personProg][]*weijian.Event) error {
	return s.yearRows(people, keys, enrs, evs).write(ctx, tx)
}

// newYears is the recomputed year statuses of some person-programmes:
// the persons whose kept ones they replace, by county and programme, and
// the rows that replace them.
type newYears struct {
	order []countyProg
	del   map[countyProg][]string
	rows  [][]any
}

type countyProg struct{ county, prog string }

// yearRows recomputes the year statuses of each person-programme from its
// enrollments and events (in date order). It reads only its arguments: it
// may run beside the transaction's statements.
func (s *Store) yearRows(people map[int64]*weijian.Person, keys []personProg,
	enrs func(personProg) []*weijian.Enrollment, evs map[personProg][]*weijian.Event) newYears {
	ny := newYears{del: map[countyProg][]string{}}
	for _, k := range keys {
		ny.add(s, people[k.person], k, enrs(k), evs[k])
	}
	return ny
}

// add recomputes the year statuses of one person-programme from its
// enrollments and events (in date order).
func (ny *newYears) add(s *Store, p *weijian.Person, k personProg, enrs []*weijian.Enrollment, evs []*weijian.Event) {
	g := countyProg{p.County, k.prog}
	if _, ok := ny.del[g]; !ok {
		ny.order = append(ny.order, g)
	}
	ny.del[g] = append(ny.del[g], strconv.FormatInt(k.person, 10))
	for _, y := range s.historyYears(weijian.History{Person: p, Enrollments: enrs, Events: evs}) {
		ny.rows = append(ny.rows, personYearRow(p, y))
	}
}

// write replaces the kept year statuses: one DELETE per county and
// programme for a chunk of persons, one bulk INSERT.
func (ny newYears) write(ctx context.Context, tx *Tx) error {
	for _, g := range ny.order {
		err := inChunks(ny.del[g], func(chunk []any, marks string) error {
			_, err := tx.Exec(ctx, "DELETE FROM person_year WHERE county_code = ? AND programme = ? AND person_id IN ("+marks+")",
				append([]any{g.county, g.prog}, chunk...)...)
			return err
		})
		if err != nil {
			return err
		}
	}
	return tx.insertMany(ctx, "person_year", personYearCols, ny.rows)
}

// byPersonID indexes the persons an import found by their id.
func byPersonID(people map[string]*weijian.Person) map[int64]*weijian.Person {
	out := make(map[int64]*weijian.Person, len(people))
	for _, p := range people {
		out[p.ID] = p
	}
	return out
}

// eventKeys lists the person-programmes of the events, each once, in
// first-seen order.
func eventKeys(evs []*weijian.Event) []personProg {
	return personProgs(evs, func(e *weijian.Event) personProg { return personProg{e.PersonID, e.Programme} })
}

// personProgs lists the person-programmes of xs, each once, in
// first-seen order.
func personProgs[T any](xs []T, of func(T) personProg) []personProg {
	seen := map[personProg]bool{}
	var keys []personProg
	for _, x := range xs {
		if k := of(x); !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	return keys
}

// importKeys normalises each row's document number in place (upper case,
// trimmed) and collects the keys an import's look-ups need: the document
// numbers, serving units and the source ids given.
func importKeys(n int, row func(i int) (doc *string, org, source string)) (docs, orgs, sources []string) {
	docs, orgs, sources = make([]string, n), make([]string, 0, n), make([]string, 0, n)
	for i := range n {
		doc, org, src := row(i)
		*doc = strings.ToUpper(strings.TrimSpace(*doc))
		docs[i] = *doc
		orgs = append(orgs, org)
		if src != "" {
			sources = append(sources, src)
		}
	}
	return docs, orgs, sources
}

package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/weijian-health/weijian"
)

// workQuery is the part of a work-list query that differs per list: the
// joins, the condition, the expression of the last service date, and how
// long after it the next service falls due.
type workQuery struct {
	programme string
	join      string
	where     string
	args      []any
	last      string // SQL expression of the last service date (may be NULL)
	interval  func(p *weijian.Person, asOf time.Time) int
	// enrolled lists the persons with an open enrollment in programme:
	// over a wide area the query reads those enrollments first (index
	// enrollment_open) rather than every resident of the area.
	enrolled bool
	// born, when set, is a condition on p.birth_date that every person on
	// the list meets (with its argument in bornArg): over a wide area the
	// query reads that range of birth dates first (index person_birth).
	born    string
	bornArg any
	// positives lists the year statuses 'positive' (a screening positive
	// not yet followed up): over a township or wider the query reads
	// those few statuses first (partial index person_year_positive,
	// migration 0015), then their persons, not every resident of the area.
	positives bool
}

func yearJoin(alias string) string {
	return fmt.Sprintf(` LEFT JOIN person_year %[1]s ON %[1]s.county_code = p.county_code AND %[1]s.person_id = p.id
		AND %[1]s.programme = ? AND %[1]s.year = ?`, alias)
}

// openEnrollment keeps persons with an enrollment in the programme that
// has not ended.
const openEnrollment = ` AND EXISTS (SELECT 1 FROM enrollment en WHERE en.county_code = p.county_code AND en.person_id = p.id
	AND en.programme = ? AND en.ended_on IS NULL)`

// onEnrollment rewrites a list's joins to the person of en, for a list
// read from the enrollments: the statuses are read before the persons,
// so that the persons served this period are never read.
var onEnrollment = strings.NewReplacer("= p.county_code", "= en.county_code", "= p.id", "= en.person_id")

func fixedDays(n int) func(*weijian.Person, time.Time) int {
	return func(*weijian.Person, time.Time) int { return n }
}

// childInterval is the check interval by age: every 3 months in the first
// year, every 6 months to 3, yearly to 6 (the "4-2-1" pattern).
func childInterval(p *weijian.Person, asOf time.Time) int {
	switch age := p.AgeAt(asOf); {
	case age < 1:
		return 90
	case age < 3:
		return 180
	}
	return 365
}

// workQueryOf builds the query of a list as of a day.
func workQueryOf(list weijian.WorkList, asOf time.Time) workQuery {
	year := asOf.Year()
	qStart := time.Date(year, time.Month((int(asOf.Month())-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC)
	switch list.Key {
	case "hypertension_quarter", "diabetes_quarter":
		// Due: no follow-up this quarter. The last service shown (and the
		// due date, 90 days after it) may be last year's: a patient last
		// seen in November is overdue since February, not "never served".
		return workQuery{programme: list.Programme, join: yearJoin("y") + yearJoin("y0"),
			args:  []any{list.Programme, year, list.Programme, year - 1, dateVal(qStart)},
			where: " AND (y.last_date IS NULL OR y.last_date < ?)", last: "coalesce(y.last_date, y0.last_date)",
			interval: fixedDays(90), enrolled: true}
	case "elderly_year":
		return workQuery{programme: "elderly", join: yearJoin("y"), args: []any{"elderly", year},
			where: " AND y.person_id IS NULL", last: "y.last_date", interval: fixedDays(365),
			born: "p.birth_date <= ?", bornArg: dateVal(asOf.AddDate(-65, 0, 0))}
	case "positive_followup":
		return workQuery{join: ` JOIN person_year y ON y.county_code = p.county_code AND y.person_id = p.id AND y.year >= ?`,
			args: []any{year - 1}, where: " AND y.status = 'positive'", last: "y.last_date", interval: fixedDays(14), positives: true}
	case "child_check":
		last := "coalesce(y.last_date, y0.last_date)"
		return workQuery{programme: "child_health", join: yearJoin("y") + yearJoin("y0"),
			args: []any{"child_health", year, "child_health", year - 1,
				dateVal(asOf.AddDate(-1, 0, 0)), dateVal(asOf.AddDate(0, 0, -90)),
				dateVal(asOf.AddDate(-3, 0, 0)), dateVal(asOf.AddDate(-1, 0, 0)), dateVal(asOf.AddDate(0, 0, -180)),
				dateVal(asOf.AddDate(-7, 0, 0)), dateVal(asOf.AddDate(-3, 0, 0)), dateVal(asOf.AddDate(0, 0, -365))},
			where: fmt.Sprintf(` AND (p.birth_date > ? AND (%[1]s IS NULL OR %[1]s < ?)
				OR p.birth_date > ? AND p.birth_date <= ? AND (%[1]s IS NULL OR %[1]s < ?)
				OR p.birth_date > ? AND p.birth_date <= ? AND (%[1]s IS NULL OR %[1]s < ?))`, last),
			last: last, interval: childInterval, born: "p.birth_date > ?", bornArg: dateVal(asOf.AddDate(-7, 0, 0))}
	case "contract_renewal":
		last := "coalesce(y.last_date, y0.last_date)"
		return workQuery{programme: "family_doctor", join: yearJoin("y") + yearJoin("y0"),
			args:  []any{"family_doctor", year, "family_doctor", year - 1, dateVal(asOf.AddDate(0, 0, -335))},
			where: fmt.Sprintf(" AND (%[1]s IS NULL OR %[1]s < ?)", last), last: last, interval: fixedDays(365), enrolled: true}
	}
	return workQuery{}
}

// WorkList returns the persons due or overdue on a list, inside the
// caller's scope (by where they live: a work list is the village's or
// township's own residents), most overdue first, and their count.
func (s *Store) WorkList(ctx context.Context, sc weijian.Scope, f weijian.WorkFilter) ([]weijian.WorkItem, int, error) {
	list, ok := weijian.LookupWorkList(f.List)
	if !ok {
		return nil, 0, weijian.Invalid(weijian.T("未知的随访提醒类别："+f.List, "unknown work list: "+f.List))
	}
	if f.AsOf.IsZero() {
		f.AsOf = s.today()
	}
	limit := f.Limit
	if limit <= 0 || limit > 10000 {
		limit = 50
	}
	wq := workQueryOf(list, f.AsOf)
	w, err := s.workSQL(ctx, sc, f, wq)
	if err != nil {
		return nil, 0, err
	}
	out, total, err := s.workPage(ctx, w.page, append(w.args, limit, max(f.Offset, 0)), list, wq, f.AsOf)
	if err != nil {
		return nil, 0, fmt.Errorf("work list %s: %w", list.Key, err)
	}
	if len(out) == 0 {
		if err := s.queryRow(ctx, w.count, w.args...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("work list %s: count: %w", list.Key, err)
		}
	}
	return out, total, nil
}

// workStmt is the SQL of a work list: the page (with the count of all
// rows beside each) and the count alone, and their common arguments (the
// page's LIMIT and OFFSET follow).
type workStmt struct {
	page, count string
	args        []any
}

// workSQL builds the statements of a list for the caller's scope and filter.
func (s *Store) workSQL(ctx context.Context, sc weijian.Scope, f weijian.WorkFilter, wq workQuery) (workStmt, error) {
	counties, err := s.scopeCounties(ctx, sc)
	if err != nil {
		return workStmt{}, err
	}
	var unitPath string
	if f.Unit != "" {
		if err := s.queryRow(ctx, "SELECT path FROM org_unit WHERE code = ? AND valid_to IS NULL", f.Unit).Scan(&unitPath); err != nil {
			return workStmt{}, weijian.NotFound(weijian.T("区划 "+f.Unit, "org unit "+f.Unit))
		}
	}
	// Where the persons live: the scope, then the unit asked for.
	area, areaArgs := "1=1", []any(nil)
	if !sc.All() {
		area, areaArgs = villageScope(sc)
	}
	if unitPath != "" {
		lo, hi := weijian.PathRange(unitPath)
		area += " AND p.village_path >= ? AND p.village_path < ?"
		areaArgs = append(areaArgs, lo, hi)
	}
	byList, err := s.readByList(ctx, wq, counties, workDepth(sc, unitPath), area, areaArgs)
	if err != nil {
		return workStmt{}, err
	}
	if wq.positives && byList {
		// The statuses are read first (workFrom): the year's condition
		// moves from the join to the list's own condition.
		wq.join, wq.where = "", " AND y.year >= ?"+wq.where
	}
	from, where, args := workFrom(wq, counties, byList)
	born := wq.born
	// The condition of the route not taken must not choose the index
	// (SQLite's unary +): the area's path range when the birth dates are
	// read, the birth dates when the area's residents are.
	if byList && born != "" {
		area = strings.ReplaceAll(area, "p.village_path", s.d.unindexed+"p.village_path")
	} else {
		born = strings.ReplaceAll(born, "p.birth_date", s.d.unindexed+"p.birth_date")
	}
	where += " AND p.merged_into IS NULL AND p.death_date IS NULL AND " + area
	args = append(args, areaArgs...)
	if born != "" {
		where += " AND " + born
		args = append(args, wq.bornArg)
	}
	if f.DoctorID != 0 {
		where += " AND p.doctor_id = ?"
		args = append(args, f.DoctorID)
	}
	// The list's own arguments: those of its joins come before WHERE.
	nJoin := countPlaceholders(wq.join)
	all := append(append(append([]any{}, wq.args[:nJoin]...), args...), wq.args[nJoin:]...)
	// One pass: the page and, beside each row, the count of all rows
	// (a window over the whole result); the count alone is asked only when
	// the page is empty.
	return workStmt{
		page: "SELECT " + personCols + ", " + wq.last + ", count(*) OVER () FROM " + from + " WHERE " + where + wq.where +
			" ORDER BY " + wq.last + " IS NOT NULL, " + wq.last + ", p.birth_date, p.id LIMIT ? OFFSET ?",
		count: "SELECT count(*) FROM " + from + " WHERE " + where + wq.where,
		args:  all,
	}, nil
}

// Area depths: the number of ids in an org-unit path.
const (
	depthCounty   = 3 // province, city, county
	depthTownship = 4
)

// workDepth is the depth of the widest area a list covers: the unit asked
// for, else the widest root of the scope (0 for an unrestricted scope).
func workDepth(sc weijian.Scope, unitPath string) int {
	if unitPath != "" {
		return len(weijian.PathIDs(unitPath))
	}
	if sc.All() {
		return 0
	}
	depth := 0
	for i, p := range sc.Paths() {
		if d := len(weijian.PathIDs(p)); i == 0 || d < depth {
			depth = d
		}
	}
	return depth
}

// readByList reports whether a list is read through its own index (the
// open enrollments of its programme, or its range of birth dates) rather
// than through the residents of its area (index person_village). Over a
// village never: a village holds a few hundred residents. Over whole
// counties a list of enrolled persons always: those are a part of the
// county's residents, read from an index alone. Otherwise both sizes are
// counted (each from an index alone) — a township may hold a third of its
// county (海安镇) or a twentieth — and the list's index is read when it
// holds fewer persons; a range of birth dates only when it holds under
// a fifth as many: its persons are read from the table in birth order, all
// over the file, where the area's come in the order they were stored
// (measured on SQLite at scale 0.1: the county's 65+, a third of its
// residents, took 1.6 times the CPU by birth date; see BENCHMARKS.md).
func (s *Store) readByList(ctx context.Context, wq workQuery, counties []string, depth int, area string, areaArgs []any) (bool, error) {
	switch {
	case wq.positives:
		// A few dozen positives a year in a county of hundreds of
		// thousands: over a township or wider, always the fewer.
		return depth <= depthTownship, nil
	case !wq.enrolled && wq.born == "":
		return false, nil
	case depth > depthTownship:
		return false, nil
	case wq.enrolled && depth <= depthCounty:
		return true, nil
	}
	cc, ccArgs := countyCond(counties)
	var inArea, inList int
	if err := s.queryRow(ctx, "SELECT count(*) FROM person p WHERE "+cc+" AND "+area,
		append(ccArgs, areaArgs...)...).Scan(&inArea); err != nil {
		return false, fmt.Errorf("work list: residents of the area: %w", err)
	}
	q, args := "SELECT count(*) FROM person p WHERE "+cc+" AND "+wq.born, append(ccArgs, wq.bornArg)
	if wq.enrolled {
		q = "SELECT count(*) FROM enrollment en WHERE " + strings.Replace(cc, "p.county_code", "en.county_code", 1) +
			" AND en.programme = ? AND en.ended_on IS NULL"
		args = append(ccArgs, wq.programme)
	}
	if err := s.queryRow(ctx, q, args...).Scan(&inList); err != nil {
		return false, fmt.Errorf("work list: size of the list: %w", err)
	}
	if wq.enrolled {
		return inList < inArea, nil
	}
	return 5*inList < inArea, nil
}

// workPage reads one page of a work list and the list's total count.
func (s *Store) workPage(ctx context.Context, q string, args []any, list weijian.WorkList, wq workQuery, asOf time.Time) ([]weijian.WorkItem, int, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []weijian.WorkItem
	var total int
	for rows.Next() {
		var last time.Time
		p := &weijian.Person{}
		var doc string
		if err := rows.Scan(&p.County, &p.ID, &doc, strCol{&p.DocNumber}, &p.DocChecked, &p.Name, &p.Sex, timeCol{&p.BirthDate},
			&p.VillageID, &p.VillageCode, &p.VillageName, &p.VillagePath, &p.Address, &p.Phone, &p.Household, idCol{&p.DoctorID},
			&p.DoctorName, timeCol{&p.DeathDate}, idCol{&p.MergedInto}, strCol{&p.SourceID}, &p.Version,
			timeCol{&p.CreatedAt}, timeCol{&p.UpdatedAt}, timeCol{&last}, &total); err != nil {
			return nil, 0, err
		}
		p.DocType = weijian.DocType(doc)
		out = append(out, workItem(p, list, wq, last, asOf))
	}
	return out, total, rows.Err()
}

// workFrom is the FROM clause of a list, with the list's joins, and the
// start of its condition. The positives read by list read the year
// statuses 'positive' (index person_year_positive), then their persons.
// A list of enrolled persons read by list reads
// the open enrollments of the programme (index enrollment_open), their
// year statuses, then their persons, in that order (CROSS JOIN fixes it
// on SQLite): a tenth of the residents, most of them served already.
// Otherwise the persons are read first (by area or by birth date) and
// their enrollment looked up.
func workFrom(wq workQuery, counties []string, byList bool) (from, where string, args []any) {
	const names = " JOIN org_unit v ON v.id = p.village_id LEFT JOIN app_user d ON d.id = p.doctor_id"
	where, args = countyCond(counties)
	if wq.positives && byList {
		where = strings.Replace(where, "p.county_code", "y.county_code", 1) +
			" AND y.status = 'positive' AND p.county_code = y.county_code AND p.id = y.person_id"
		return "person_year y CROSS JOIN person p" + names, where, args
	}
	if !wq.enrolled || !byList {
		if wq.enrolled {
			// The join's arguments come first, then openEnrollment's (see workSQL).
			return "person p" + names + wq.join, where + openEnrollment, append(args, wq.programme)
		}
		return "person p" + names + wq.join, where, args
	}
	where = strings.Replace(where, "p.county_code", "en.county_code", 1) +
		" AND en.programme = ? AND en.ended_on IS NULL AND p.county_code = en.county_code AND p.id = en.person_id"
	return "enrollment en" + onEnrollment.Replace(wq.join) + " CROSS JOIN person p" + names, where, append(args, wq.programme)
}

func workItem(p *weijian.Person, list weijian.WorkList, wq workQuery, last, asOf time.Time) weijian.WorkItem {
	it := weijian.WorkItem{Person: p, Programme: list.Programme, LastDate: last}
	switch {
	case !last.IsZero():
		it.Due = last.AddDate(0, 0, wq.interval(p, asOf))
	case list.Key == "elderly_year":
		it.Due = time.Date(asOf.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	default:
		it.Due = time.Date(asOf.Year(), time.Month((int(asOf.Month())-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC)
	}
	it.DaysOverdue = int(asOf.Sub(it.Due).Hours() / 24)
	return it
}

// villageScope keeps the persons living in the scope.
func villageScope(sc weijian.Scope) (string, []any) {
	if sc.Empty() {
		return "1=0", nil
	}
	c, args := "(", []any{}
	for i, path := range sc.Paths() {
		if i > 0 {
			c += " OR "
		}
		lo, hi := weijian.PathRange(path)
		c += "(p.village_path >= ? AND p.village_path < ?)"
		args = append(args, lo, hi)
	}
	return c + ")", args
}

func countPlaceholders(q string) int {
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
		}
	}
	return n
}

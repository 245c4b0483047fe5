package sqlstore

import (
	"context"
	"time"

	"github.com/weijian-health/weijian"
)

// refreshYear recomputes the status of a person in one programme and year
// from the stored enrollments and events, in the write transaction: the
// table stays exact on every write, and indicators read it instead of
// scanning events (DESIGN.md, "Analytics speed").
func (s *Store) refreshYear(ctx context.Context, tx *Tx, p *weijian.Person, programme string, year int) error {
	enr, err := enrollmentsOf(ctx, tx, p.County, p.ID, programme)
	if err != nil {
		return err
	}
	from := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	evs, err := eventsOf(ctx, tx, `e.county_code = ? AND e.person_id = ? AND e.programme = ? AND e.voided = ?
		AND e.event_date >= ? AND e.event_date < ?`, p.County, p.ID, programme, false, dateVal(from), dateVal(from.AddDate(1, 0, 0)))
	if err != nil {
		return err
	}
	y := s.yearStatus(p, programme, year, enr, evs)
	if _, err := tx.Exec(ctx, "DELETE FROM person_year WHERE county_code = ? AND person_id = ? AND programme = ? AND year = ?",
		p.County, p.ID, programme, year); err != nil {
		return err
	}
	if !y.Managed && y.Events == 0 {
		return nil
	}
	return tx.insertMany(ctx, "person_year", personYearCols, [][]any{personYearRow(p, y)})
}

// refreshYears recomputes every year of every programme of a person (after
// a merge moved records onto them).
func (s *Store) refreshYears(ctx context.Context, tx *Tx, p *weijian.Person) error {
	rows, err := tx.Query(ctx, `SELECT DISTINCT programme, event_date FROM service_event WHERE county_code = ? AND person_id = ?
		UNION SELECT DISTINCT programme, enrolled_on FROM enrollment WHERE county_code = ? AND person_id = ?`,
		p.County, p.ID, p.County, p.ID)
	if err != nil {
		return err
	}
	type key struct {
		prog string
		year int
	}
	seen := map[key]bool{}
	var keys []key
	for rows.Next() {
		var prog string
		var d time.Time
		if err := rows.Scan(&prog, timeCol{&d}); err != nil {
			rows.Close()
			return err
		}
		if k := (key{prog, d.Year()}); !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, k := range keys {
		if err := s.refreshYear(ctx, tx, p, k.prog, k.year); err != nil {
			return err
		}
	}
	return nil
}

var personYearCols = []string{"county_code", "person_id", "programme", "year", "village_path", "events", "last_date",
	"managed", "standard", "controlled", "status", "vals"}

func personYearRow(p *weijian.Person, y weijian.PersonYear) []any {
	return []any{p.County, p.ID, y.Programme, y.Year, p.VillagePath, y.Events, dateVal(y.LastDate), y.Managed, y.Standard,
		y.Controlled, y.Status, encodeValues(y.Values)}
}

// yearStatus asks the programme rules, or falls back to PlainYearStatus.
func (s *Store) yearStatus(p *weijian.Person, programme string, year int, enr []*weijian.Enrollment, evs []*weijian.Event) weijian.PersonYear {
	var y weijian.PersonYear
	if s.rules != nil {
		y = s.rules.YearStatus(p, programme, year, enr, evs)
	} else {
		y = PlainYearStatus(p, programme, year, enr, evs)
	}
	y.County, y.PersonID, y.Programme, y.Year, y.VillageID = p.County, p.ID, programme, year, p.VillageID
	return y
}

// PlainYearStatus is the status without programme metadata: the events of
// the year counted, the latest date, managed when enrolled during the year
// or served, and standard when every quarter of the year up to the last
// event has a service (the 4-a-year rule of the chronic programmes).
func PlainYearStatus(p *weijian.Person, programme string, year int, enr []*weijian.Enrollment, evs []*weijian.Event) weijian.PersonYear {
	y := weijian.PersonYear{Programme: programme, Year: year, Events: len(evs), Controlled: -1}
	end := time.Date(year+1, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, e := range enr {
		if e.EnrolledOn.Before(end) && (e.EndedOn.IsZero() || e.EndedOn.Year() >= year) {
			y.Managed = true
		}
	}
	var quarters [4]bool
	for _, e := range evs {
		y.Managed = true
		if e.Date.After(y.LastDate) {
			y.LastDate = e.Date
		}
		quarters[(int(e.Date.Month())-1)/3] = true
	}
	y.Standard = len(evs) >= 4 && quarters[0] && quarters[1] && quarters[2] && quarters[3]
	return y
}

// PersonYears returns the kept year statuses of a person.
func (s *Store) PersonYears(ctx context.Context, sc weijian.Scope, personID int64) ([]weijian.PersonYear, error) {
	p, err := s.Person(ctx, sc, personID)
	if err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, `SELECT programme, year, events, last_date, managed, standard, controlled, status, vals FROM person_year
		WHERE county_code = ? AND person_id = ? ORDER BY year DESC, programme`, p.County, p.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []weijian.PersonYear
	for rows.Next() {
		y := weijian.PersonYear{County: p.County, PersonID: p.ID, VillageID: p.VillageID}
		var vals string
		if err := rows.Scan(&y.Programme, &y.Year, &y.Events, timeCol{&y.LastDate}, &y.Managed, &y.Standard,
			&y.Controlled, &y.Status, &vals); err != nil {
			return nil, err
		}
		if err := decodeValues(vals, &y.Values); err != nil {
			return nil, err
		}
		out = append(out, y)
	}
	return out, rows.Err()
}

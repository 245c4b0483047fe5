package sqlstore

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/surveil"
)

// The daily counts (surveil_count) are kept current by every write of a
// card, in the same transaction: a report shows in the next detection
// without any rebuild.

type countKey struct {
	county, item, basis string
	area                int64
	day                 period.Date
}

// countDelta accumulates the changes a batch makes to the counts.
type countDelta map[countKey]int

// card adds sign × the card's contributions: its disease in its county
// and township, by onset date and by report date. Withdrawn cards count
// nowhere.
func (c countDelta) card(r *surveil.CaseReport, sign int) {
	if r.Status == surveil.StatusWithdrawn {
		return
	}
	report := period.DateOf(r.ReportedAt.In(surveil.China))
	for _, area := range []int64{r.CountyID, r.TownID} {
		if area == 0 {
			continue
		}
		c[countKey{r.CountyCode, r.Disease, surveil.BasisOnset, area, r.OnsetDate}] += sign
		c[countKey{r.CountyCode, r.Disease, surveil.BasisReport, area, report}] += sign
	}
}

// applyCounts adds the deltas to the stored counts.
func (s *Store) applyCounts(ctx context.Context, tx *Tx, c countDelta) error {
	keys := make([]countKey, 0, len(c))
	for k, n := range c {
		if n != 0 {
			keys = append(keys, k)
		}
	}
	// A fixed order: two transactions touching the same rows take their
	// locks in the same order (PostgreSQL).
	sort.Slice(keys, func(i, j int) bool { return keys[i].less(keys[j]) })
	if len(keys) > 500 {
		var err error
		if keys, err = s.insertNewCounts(ctx, tx, keys, c); err != nil {
			return err
		}
	}
	const q = `INSERT INTO surveil_count (county_code, item, area_id, basis, day, n) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (county_code, item, basis, area_id, day) DO UPDATE SET n = surveil_count.n + excluded.n`
	stmt, err := tx.prepared(ctx, s.q(q))
	if err != nil {
		return err
	}
	for _, k := range keys {
		if _, err := stmt.ExecContext(ctx, k.county, k.item, k.area, k.basis, k.day.String(), c[k]); err != nil {
			return err
		}
	}
	return nil
}

// insertNewCounts bulk-inserts the keys of a large batch that have no
// stored row yet (an import of years of cards) and returns the others,
// which are upserted one by one.
func (s *Store) insertNewCounts(ctx context.Context, tx *Tx, keys []countKey, c countDelta) ([]countKey, error) {
	type span struct{ lo, hi period.Date }
	spans := map[string]*span{}
	for _, k := range keys {
		sp := spans[k.county]
		if sp == nil {
			spans[k.county] = &span{k.day, k.day}
			continue
		}
		if k.day.Before(sp.lo) {
			sp.lo = k.day
		}
		if k.day.After(sp.hi) {
			sp.hi = k.day
		}
	}
	stored := map[countKey]bool{}
	for county, sp := range spans {
		rows, err := tx.Query(ctx, `SELECT item, area_id, basis, day FROM surveil_count WHERE county_code = ? AND day >= ? AND day <= ?`,
			county, sp.lo.String(), sp.hi.String())
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			k := countKey{county: county}
			if err := rows.Scan(&k.item, &k.area, &k.basis, dateCol{&k.day}); err != nil {
				rows.Close()
				return nil, err
			}
			stored[k] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	var rest []countKey
	var fresh [][]any
	for _, k := range keys {
		if stored[k] {
			rest = append(rest, k)
			continue
		}
		fresh = append(fresh, []any{k.county, k.item, k.area, k.basis, k.day.String(), c[k]})
	}
	return rest, tx.insertMany(ctx, "surveil_count", []string{"county_code", "item", "area_id", "basis", "day", "n"}, fresh)
}

func (a countKey) less(b countKey) bool {
	switch {
	case a.county != b.county:
		return a.county < b.county
	case a.item != b.item:
		return a.item < b.item
	case a.basis != b.basis:
		return a.basis < b.basis
	case a.area != b.area:
		return a.area < b.area
	}
	return a.day.Before(b.day)
}

// Counts returns the daily counts of a county on the days of the ranges,
// per series.
func (s *Store) Counts(ctx context.Context, county, basis string, ranges [][2]period.Date) (map[surveil.SeriesKey]map[period.Date]int, error) {
	if len(ranges) == 0 {
		return map[surveil.SeriesKey]map[period.Date]int{}, nil
	}
	conds := make([]string, len(ranges))
	args := []any{county, basis}
	for i, r := range ranges {
		conds[i] = "(day >= ? AND day <= ?)"
		args = append(args, r[0].String(), r[1].String())
	}
	rows, err := s.query(ctx, `SELECT item, area_id, day, n FROM surveil_count
		WHERE county_code = ? AND basis = ? AND (`+strings.Join(conds, " OR ")+`) AND (n <> 0 OR basis = 'day')`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[surveil.SeriesKey]map[period.Date]int{}
	for rows.Next() {
		var k surveil.SeriesKey
		var ds any
		var n int
		if err := rows.Scan(&k.Item, &k.AreaID, &ds, &n); err != nil {
			return nil, err
		}
		d, err := dayOf(ds)
		if err != nil {
			return nil, err
		}
		if out[k] == nil {
			out[k] = map[period.Date]int{}
		}
		out[k][d] = n
	}
	return out, rows.Err()
}

// SetCounts stores syndromic counts (basis day), replacing the stored
// value of each item, area and day: a re-sent file changes nothing.
func (s *Store) SetCounts(ctx context.Context, county string, rows []surveil.CountRow) (int, error) {
	changed := 0
	err := s.inTx(ctx, func(tx *Tx) error {
		changed = 0
		const q = `INSERT INTO surveil_count (county_code, item, area_id, basis, day, n) VALUES (?, ?, ?, 'day', ?, ?)
			ON CONFLICT (county_code, item, basis, area_id, day) DO UPDATE SET n = excluded.n`
		stmt, err := tx.prepared(ctx, s.q(q))
		if err != nil {
			return err
		}
		for _, r := range rows {
			res, err := stmt.ExecContext(ctx, county, r.Item, r.AreaID, r.Day.String(), r.N)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n > 0 {
				changed++
			}
		}
		return nil
	})
	return changed, err
}

// ZeroReport records a facility's zero report (零报告) for a day.
func (s *Store) ZeroReport(ctx context.Context, facilityID int64, county string, day period.Date, actor string) error {
	return s.inTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO zero_report (county_code, facility_id, day, reported_at, actor) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (county_code, facility_id, day) DO NOTHING`, county, facilityID, day.String(), s.d.stamp(s.now()), actor)
		return err
	})
}

// FacilityStats returns each reporting facility's cards, timeliness and
// daily reporting (a card or a zero report each day) over [from, to].
// Facilities are the scope's hospitals, health centres and clinics.
func (s *Store) FacilityStats(ctx context.Context, sc weijian.Scope, from, to period.Date, cat *surveil.Catalogue) ([]surveil.FacilityStat, error) {
	cond, args := scopeCond(sc, false)
	rows, err := s.query(ctx, `SELECT u.id, u.code, u.name FROM org_unit u WHERE `+cond+` AND u.level = 'facility'
		AND u.valid_to IS NULL AND u.facility_type IN ('county_hospital','tcm_hospital','specialist_hospital','private_hospital',
		'mch','township_hc','community_hc','clinic') ORDER BY u.code`, args...)
	if err != nil {
		return nil, err
	}
	stats := map[int64]*surveil.FacilityStat{}
	var order []int64
	days := to.DaysSince(from) + 1
	for rows.Next() {
		f := &surveil.FacilityStat{Days: days}
		if err := rows.Scan(&f.FacilityID, &f.Code, &f.Name); err != nil {
			rows.Close()
			return nil, err
		}
		stats[f.FacilityID] = f
		order = append(order, f.FacilityID)
	}
	rows.Close()
	if err := s.cardStats(ctx, stats, from, to, cat); err != nil {
		return nil, err
	}
	out := make([]surveil.FacilityStat, 0, len(order))
	for _, id := range order {
		out = append(out, *stats[id])
	}
	return out, nil
}

func (s *Store) cardStats(ctx context.Context, stats map[int64]*surveil.FacilityStat, from, to period.Date, cat *surveil.Catalogue) error {
	lo, hi := s.d.stamp(from.In(surveil.China)), s.d.stamp(to.AddDays(1).In(surveil.China))
	rows, err := s.query(ctx, `SELECT facility_id, disease, subtype, diagnosed_at, reported_at, verified_at FROM case_report
		WHERE reported_at >= ? AND reported_at < ? AND status = 'active'`, lo, hi)
	if err != nil {
		return err
	}
	cardDays := map[int64]map[period.Date]bool{}
	for rows.Next() {
		var r surveil.CaseReport
		if err := rows.Scan(&r.FacilityID, &r.Disease, &r.Subtype, timeCol{&r.DiagnosedAt}, timeCol{&r.ReportedAt}, timeCol{&r.VerifiedAt}); err != nil {
			rows.Close()
			return err
		}
		f := stats[r.FacilityID]
		if f == nil {
			continue
		}
		f.Cards++
		if r.ReportTimely(cat) {
			f.ReportTimely++
		}
		if !r.VerifiedAt.IsZero() {
			f.Verified++
		}
		if r.VerifyTimely(cat) {
			f.VerifyTimely++
		}
		if cardDays[r.FacilityID] == nil {
			cardDays[r.FacilityID] = map[period.Date]bool{}
		}
		cardDays[r.FacilityID][period.DateOf(r.ReportedAt.In(surveil.China))] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	zrows, err := s.query(ctx, `SELECT facility_id, day FROM zero_report WHERE day >= ? AND day <= ?`, from.String(), to.String())
	if err != nil {
		return err
	}
	defer zrows.Close()
	for zrows.Next() {
		var id int64
		var d period.Date
		if err := zrows.Scan(&id, dateCol{&d}); err != nil {
			return err
		}
		if f := stats[id]; f != nil && !cardDays[id][d] {
			f.ZeroDays++
		}
	}
	for id, ds := range cardDays {
		if f := stats[id]; f != nil {
			f.DaysWithCard = len(ds)
		}
	}
	return zrows.Err()
}

// ZeroReports records many zero reports in one transaction (existing ones
// are kept).
func (s *Store) ZeroReports(ctx context.Context, rows []surveil.ZeroRow) error {
	return s.inTx(ctx, func(tx *Tx) error {
		stmt, err := tx.prepared(ctx, s.q(`INSERT INTO zero_report (county_code, facility_id, day, reported_at, actor) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (county_code, facility_id, day) DO NOTHING`))
		if err != nil {
			return err
		}
		for _, r := range rows {
			if _, err := stmt.ExecContext(ctx, r.County, r.FacilityID, r.Day.String(), s.d.stamp(r.At), r.Actor); err != nil {
				return err
			}
		}
		return nil
	})
}

// dayOf reads a DATE column fast: SQLite's "2006-01-02" text without
// trying the timestamp layouts, PostgreSQL's time.Time.
func dayOf(v any) (period.Date, error) {
	switch x := v.(type) {
	case string:
		if len(x) == 10 {
			return period.ParseDate(x)
		}
	case time.Time:
		return period.DateOf(x.UTC()), nil
	}
	var d period.Date
	err := dateCol{&d}.Scan(v)
	return d, err
}

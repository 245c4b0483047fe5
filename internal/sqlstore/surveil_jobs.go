package sqlstore

import (
	"context"
	"time"

	"github.com/weijian-health/weijian/internal/period"
)

// AcquireLock takes the named lease for holder until now+ttl, if it is
// free or expired (or already held by holder). Processes that share a
// database thus never run the same job at once.
func (s *Store) AcquireLock(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	now := s.now()
	res, err := s.exec(ctx, `INSERT INTO job_lock (name, holder, expires_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
		WHERE job_lock.expires_at < ? OR job_lock.holder = excluded.holder`,
		name, holder, s.d.stamp(now.Add(ttl)), s.d.stamp(now))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ReleaseLock frees a lease held by holder.
func (s *Store) ReleaseLock(ctx context.Context, name, holder string) error {
	_, err := s.exec(ctx, `DELETE FROM job_lock WHERE name = ? AND holder = ?`, name, holder)
	return err
}

// RunDone reports whether the daily detection of day has run.
func (s *Store) RunDone(ctx context.Context, day period.Date) (bool, error) {
	var n int
	err := s.queryRow(ctx, `SELECT count(*) FROM detection_run WHERE run_day = ?`, day.String()).Scan(&n)
	return n > 0, err
}

// MarkRun records that the daily detection of day has run.
func (s *Store) MarkRun(ctx context.Context, day period.Date, started time.Time, signals int) error {
	_, err := s.exec(ctx, `INSERT INTO detection_run (run_day, started_at, finished_at, signals) VALUES (?, ?, ?, ?)
		ON CONFLICT (run_day) DO UPDATE SET finished_at = excluded.finished_at, signals = excluded.signals`,
		day.String(), s.d.stamp(started), s.d.stamp(s.now()), signals)
	return err
}

// SurveilCounties returns the counties that hold surveillance counts.
func (s *Store) SurveilCounties(ctx context.Context) ([]string, error) {
	rows, err := s.query(ctx, `SELECT DISTINCT county_code FROM surveil_count ORDER BY county_code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// FirstDay returns the first day a county has a count (any item, basis);
// the zero date when it has none.
func (s *Store) FirstDay(ctx context.Context, county string) (period.Date, error) {
	var first period.Date
	for _, basis := range []string{"report", "day"} {
		var d period.Date
		// One basis at a time: min() over an index prefix is one seek.
		if err := s.queryRow(ctx, `SELECT min(day) FROM surveil_count WHERE county_code = ? AND basis = ?`, county, basis).Scan(dateCol{&d}); err != nil {
			return d, err
		}
		if !d.IsZero() && (first.IsZero() || d.Before(first)) {
			first = d
		}
	}
	return first, nil
}

package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/surveil"
)

const signalCols = `s.county_code, s.id, s.item, s.area_id, s.area_path, s.method, s.params, s.fixed, s.window_from,
	s.window_to, s.observed, s.expected, s.threshold, s.merged, s.status, s.created_at, s.responded_at, s.responded_by,
	s.judged_at, s.judged_by, s.result_at, s.result_by, s.result, s.note, s.updated_at, u.code, u.name`

func scanSignal(row interface{ Scan(...any) error }) (*surveil.Signal, error) {
	g := new(surveil.Signal)
	err := row.Scan(&g.CountyCode, &g.ID, &g.Item, &g.AreaID, &g.AreaPath, &g.Method, &g.Params, &g.Fixed,
		dateCol{&g.WindowFrom}, dateCol{&g.WindowTo}, &g.Observed, &g.Expected, &g.Threshold, &g.Merged, &g.Status,
		timeCol{&g.CreatedAt}, timeCol{&g.RespondedAt}, &g.RespondedBy, timeCol{&g.JudgedAt}, &g.JudgedBy,
		timeCol{&g.ResultAt}, &g.ResultBy, &g.Result, &g.Note, timeCol{&g.UpdatedAt}, &g.AreaCode, &g.AreaName)
	return g, err
}

// signalScope keeps the signals whose area the scope covers.
func signalScope(sc weijian.Scope) (string, []any) { return pathsCond(sc, "s.area_path") }

const signalFrom = " FROM surveil_signal s JOIN org_unit u ON u.id = s.area_id "

// SaveCandidates stores alarms: each is merged into a signal of the same
// item and area whose window overlaps it, or becomes a new signal with
// its inbox notifications and webhook delivery, all in one transaction.
// Storing the same alarm again changes nothing, so a repeated or
// restarted run neither duplicates signals nor notifies twice.
func (s *Store) SaveCandidates(ctx context.Context, cands []surveil.Candidate, opt surveil.NotifyOptions) ([]*surveil.Signal, error) {
	var created []*surveil.Signal
	err := s.inTx(ctx, func(tx *Tx) error {
		created = created[:0]
		users, err := s.responsibleUsers(ctx, tx)
		if err != nil {
			return err
		}
		for _, c := range cands {
			g, err := s.saveCandidate(ctx, tx, c, users, opt)
			if err != nil {
				return err
			}
			if g != nil {
				created = append(created, g)
			}
		}
		return nil
	})
	return created, err
}

func (s *Store) saveCandidate(ctx context.Context, tx *Tx, c surveil.Candidate, users []grantPath, opt surveil.NotifyOptions) (*surveil.Signal, error) {
	old, err := scanSignal(tx.QueryRow(ctx, "SELECT "+signalCols+signalFrom+`WHERE s.county_code = ? AND s.item = ? AND s.area_id = ?
		AND s.window_to >= ? AND s.window_from <= ? ORDER BY s.window_to DESC, s.id DESC LIMIT 1`,
		c.CountyCode, c.Item, c.AreaID, c.WindowFrom.String(), c.WindowTo.String()))
	now := s.now()
	switch {
	case err == nil:
		return nil, s.mergeCandidate(ctx, tx, old, c, now)
	case err != sql.ErrNoRows:
		return nil, err
	}
	ids, err := s.d.reserveIDs(ctx, tx, "surveil_signal", 1)
	if err != nil {
		return nil, err
	}
	g := &surveil.Signal{ID: ids[0], CountyCode: c.CountyCode, Item: c.Item, AreaID: c.AreaID, AreaPath: c.AreaPath,
		Method: c.Method, Params: c.Params, Fixed: c.Fixed, WindowFrom: c.WindowFrom, WindowTo: c.WindowTo,
		Observed: c.Observed, Expected: c.Expected, Threshold: c.Threshold, Status: surveil.SignalNew, CreatedAt: now, UpdatedAt: now}
	if _, err := tx.Exec(ctx, `INSERT INTO surveil_signal (county_code, id, item, area_id, area_path, method, params, fixed,
		window_from, window_to, observed, expected, threshold, merged, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)`, g.CountyCode, g.ID, g.Item, g.AreaID, g.AreaPath, g.Method,
		g.Params, g.Fixed, pdate(g.WindowFrom), pdate(g.WindowTo), g.Observed, g.Expected, g.Threshold, g.Status,
		s.d.stamp(now), s.d.stamp(now)); err != nil {
		return nil, err
	}
	if err := s.signalEvent(ctx, tx, g, "system", "created", ""); err != nil {
		return nil, err
	}
	if err := s.notify(ctx, tx, g, users, opt); err != nil {
		return nil, err
	}
	return g, nil
}

// mergeCandidate widens a stored signal to cover a new alarm; an alarm it
// already covers changes nothing. The signal merged into is the
// overlapping one reaching furthest (saveCandidate's ORDER BY), so moving
// its end never meets another signal's end, even when days are run out
// of order (a backfill after the daily runs).
func (s *Store) mergeCandidate(ctx context.Context, tx *Tx, g *surveil.Signal, c surveil.Candidate, now time.Time) error {
	if !c.WindowTo.After(g.WindowTo) && !c.WindowFrom.Before(g.WindowFrom) && c.Observed <= g.Observed {
		return nil
	}
	if c.WindowFrom.Before(g.WindowFrom) {
		g.WindowFrom = c.WindowFrom
	}
	if c.WindowTo.After(g.WindowTo) {
		g.WindowTo, g.Expected, g.Threshold = c.WindowTo, c.Expected, c.Threshold
	}
	g.Observed = max(g.Observed, c.Observed)
	g.Merged++
	if _, err := tx.Exec(ctx, `UPDATE surveil_signal SET window_from = ?, window_to = ?, observed = ?, expected = ?, threshold = ?,
		merged = ?, updated_at = ? WHERE county_code = ? AND id = ?`, pdate(g.WindowFrom), pdate(g.WindowTo), g.Observed, g.Expected,
		g.Threshold, g.Merged, s.d.stamp(now), g.CountyCode, g.ID); err != nil {
		return err
	}
	return s.signalEvent(ctx, tx, g, "system", "merged", fmt.Sprintf("%s–%s: %g", c.WindowFrom, c.WindowTo, c.Observed))
}

func (s *Store) signalEvent(ctx context.Context, tx *Tx, g *surveil.Signal, actor, action, note string) error {
	return s.signalEventAt(ctx, tx, g, actor, action, note, s.now())
}

func (s *Store) signalEventAt(ctx context.Context, tx *Tx, g *surveil.Signal, actor, action, note string, at time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO signal_event (county_code, signal_id, seq, at, actor, action, note)
		VALUES (?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM signal_event WHERE county_code = ? AND signal_id = ?), ?, ?, ?, ?)`,
		g.CountyCode, g.ID, g.CountyCode, g.ID, s.d.stamp(at), actor, action, note)
	return err
}

// grantPath is a user's surveillance grant: the subtree it covers ("" = all).
type grantPath struct {
	user int64
	path string
}

// responsibleUsers are the active users who hold surveillance rights, with
// the subtree of each grant.
func (s *Store) responsibleUsers(ctx context.Context, tx *Tx) ([]grantPath, error) {
	var roles []any
	for _, ri := range weijian.Roles {
		if slices.Contains(ri.Perms, weijian.PermSurveillance) {
			roles = append(roles, string(ri.Role))
		}
	}
	rows, err := tx.Query(ctx, `SELECT g.user_id, coalesce(u.path, '') FROM user_grant g JOIN app_user a ON a.id = g.user_id
		LEFT JOIN org_unit u ON u.id = g.org_unit_id WHERE a.active AND g.role IN (`+placeholders(len(roles))+`)`, roles...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []grantPath
	for rows.Next() {
		var g grantPath
		if err := rows.Scan(&g.user, &g.path); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// notify puts a new signal in the inbox of every responsible user whose
// grant covers its area, and queues the webhook delivery.
func (s *Store) notify(ctx context.Context, tx *Tx, g *surveil.Signal, users []grantPath, opt surveil.NotifyOptions) error {
	done := map[int64]bool{}
	var rows [][]any
	for _, u := range users {
		if done[u.user] || u.path != "" && !strings.HasPrefix(g.AreaPath, u.path) {
			continue
		}
		done[u.user] = true
		rows = append(rows, []any{g.CountyCode, u.user, g.ID, s.d.stamp(g.CreatedAt)})
	}
	if len(rows) > 0 {
		ids, err := s.d.reserveIDs(ctx, tx, "notification", len(rows))
		if err != nil {
			return err
		}
		for i := range rows {
			rows[i] = append([]any{ids[i]}, rows[i]...)
		}
		if err := tx.insertMany(ctx, "notification", []string{"id", "county_code", "user_id", "signal_id", "created_at"}, rows); err != nil {
			return err
		}
	}
	if !opt.Webhook {
		return nil
	}
	payload, err := json.Marshal(surveil.WebhookPayload(g))
	if err != nil {
		return err
	}
	ids, err := s.d.reserveIDs(ctx, tx, "webhook_outbox", 1)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO webhook_outbox (county_code, id, signal_id, event, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		g.CountyCode, ids[0], g.ID, "signal.created", string(payload), s.d.stamp(g.CreatedAt))
	return err
}

// Signals returns one page of the signals matching f, newest first.
func (s *Store) Signals(ctx context.Context, sc weijian.Scope, f surveil.SignalFilter) ([]*surveil.Signal, int, error) {
	cond, args := signalScope(sc)
	where := []string{cond}
	add := func(c string, a ...any) { where = append(where, c); args = append(args, a...) }
	if f.Item != "" {
		add("s.item = ?", f.Item)
	}
	switch f.Status {
	case "":
	case "open":
		add("s.status IN ('new', 'responded', 'suspected')")
	default:
		add("s.status = ?", f.Status)
	}
	if !f.From.IsZero() {
		add("s.created_at >= ?", s.d.stamp(f.From.In(surveil.China)))
	}
	if !f.To.IsZero() {
		add("s.created_at < ?", s.d.stamp(f.To.AddDays(1).In(surveil.China)))
	}
	w := strings.Join(where, " AND ")
	var total int
	if err := s.queryRow(ctx, "SELECT count(*) FROM surveil_signal s WHERE "+w, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 || limit > 10000 {
		limit = 50
	}
	rows, err := s.query(ctx, "SELECT "+signalCols+signalFrom+"WHERE "+w+" ORDER BY s.created_at DESC, s.id DESC LIMIT ? OFFSET ?",
		append(args, limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*surveil.Signal
	for rows.Next() {
		g, err := scanSignal(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, g)
	}
	return out, total, rows.Err()
}

var errSignalNotFound = weijian.NotFound(weijian.T("预警信号", "signal"))

// Signal returns one signal the caller may see.
func (s *Store) Signal(ctx context.Context, sc weijian.Scope, id int64) (*surveil.Signal, error) {
	return s.signalQ(ctx, s.db, sc, id, "")
}

func (s *Store) signalQ(ctx context.Context, q querier, sc weijian.Scope, id int64, lock string) (*surveil.Signal, error) {
	cond, args := signalScope(sc)
	g, err := scanSignal(q.QueryRowContext(ctx, s.q("SELECT "+signalCols+signalFrom+"WHERE s.id = ? AND "+cond+lock), append([]any{id}, args...)...))
	if err == sql.ErrNoRows {
		return nil, errSignalNotFound
	}
	return g, err
}

// SignalEvents returns a signal's history, oldest first.
func (s *Store) SignalEvents(ctx context.Context, sc weijian.Scope, id int64) ([]surveil.SignalEvent, error) {
	g, err := s.Signal(ctx, sc, id)
	if err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, `SELECT at, actor, action, note FROM signal_event WHERE county_code = ? AND signal_id = ? ORDER BY seq`, g.CountyCode, g.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []surveil.SignalEvent
	for rows.Next() {
		var e surveil.SignalEvent
		if err := rows.Scan(timeCol{&e.At}, &e.Actor, &e.Action, &e.Note); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ApplySignal moves a signal one step through its workflow.
func (s *Store) ApplySignal(ctx context.Context, sc weijian.Scope, id int64, action, actor, note string) (*surveil.Signal, error) {
	var g *surveil.Signal
	err := s.inTx(ctx, func(tx *Tx) error {
		var err error
		if g, err = s.signalForUpdate(ctx, tx, sc, id); err != nil {
			return err
		}
		return s.applyStep(ctx, tx, g, surveil.SignalStep{Action: action, Actor: actor, Note: note, At: s.now()})
	})
	return g, err
}

func (s *Store) signalForUpdate(ctx context.Context, tx *Tx, sc weijian.Scope, id int64) (*surveil.Signal, error) {
	lock := ""
	if s.d.name == "postgres" {
		lock = " FOR UPDATE OF s"
	}
	return s.signalQ(ctx, tx.tx, sc, id, lock)
}

// applyStep moves g through one workflow step and stores it with its event.
func (s *Store) applyStep(ctx context.Context, tx *Tx, g *surveil.Signal, st surveil.SignalStep) error {
	if err := g.Apply(st.Action, st.Actor, st.Note, st.At); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE surveil_signal SET status = ?, responded_at = ?, responded_by = ?, judged_at = ?, judged_by = ?,
		result_at = ?, result_by = ?, result = ?, note = ?, updated_at = ? WHERE county_code = ? AND id = ?`,
		g.Status, s.d.stamp(g.RespondedAt), g.RespondedBy, s.d.stamp(g.JudgedAt), g.JudgedBy, s.d.stamp(g.ResultAt), g.ResultBy,
		g.Result, g.Note, s.d.stamp(g.UpdatedAt), g.CountyCode, g.ID); err != nil {
		return err
	}
	return s.signalEventAt(ctx, tx, g, st.Actor, st.Action, st.Note, st.At)
}

// ReplaySignal writes the past of a new signal (the demo's history): it
// was raised at created (its system events and notifications are dated
// then) and went through steps at their times; its notifications were
// read at the first step.
func (s *Store) ReplaySignal(ctx context.Context, county string, id int64, created time.Time, steps []surveil.SignalStep) (*surveil.Signal, error) {
	var g *surveil.Signal
	err := s.inTx(ctx, func(tx *Tx) error {
		var err error
		if g, err = s.signalForUpdate(ctx, tx, weijian.ScopeAll(), id); err != nil {
			return err
		}
		if g.CountyCode != county || g.Status != surveil.SignalNew {
			return weijian.E(weijian.KindConflict, weijian.T("只能回放新信号的历史", "only a new signal's past can be replayed"))
		}
		at := s.d.stamp(created)
		g.CreatedAt, g.UpdatedAt = created, created
		if _, err := tx.Exec(ctx, `UPDATE surveil_signal SET created_at = ?, updated_at = ? WHERE county_code = ? AND id = ?`,
			at, at, county, id); err != nil {
			return err
		}
		for _, q := range []string{`UPDATE signal_event SET at = ? WHERE county_code = ? AND signal_id = ?`,
			`UPDATE notification SET created_at = ? WHERE county_code = ? AND signal_id = ?`} {
			if _, err := tx.Exec(ctx, q, at, county, id); err != nil {
				return err
			}
		}
		for _, st := range steps {
			if err := s.applyStep(ctx, tx, g, st); err != nil {
				return err
			}
		}
		if len(steps) == 0 {
			return nil
		}
		_, err = tx.Exec(ctx, `UPDATE notification SET read_at = ? WHERE county_code = ? AND signal_id = ?`,
			s.d.stamp(steps[0].At), county, id)
		return err
	})
	return g, err
}

// Notifications returns a user's inbox, newest first.
func (s *Store) Notifications(ctx context.Context, userID int64, unreadOnly bool) ([]surveil.Notification, error) {
	cond := ""
	if unreadOnly {
		cond = " AND read_at IS NULL"
	}
	rows, err := s.query(ctx, `SELECT id, signal_id, created_at, read_at FROM notification WHERE user_id = ?`+cond+
		` ORDER BY created_at DESC, id DESC LIMIT 200`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []surveil.Notification
	for rows.Next() {
		var n surveil.Notification
		if err := rows.Scan(&n.ID, &n.SignalID, timeCol{&n.CreatedAt}, timeCol{&n.ReadAt}); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// MarkRead marks a user's notifications about a signal read.
func (s *Store) MarkRead(ctx context.Context, userID, signalID int64) error {
	_, err := s.exec(ctx, `UPDATE notification SET read_at = ? WHERE user_id = ? AND signal_id = ? AND read_at IS NULL`,
		s.d.stamp(s.now()), userID, signalID)
	return err
}

// PendingWebhooks returns deliveries not yet sent, oldest first.
func (s *Store) PendingWebhooks(ctx context.Context, limit int) ([]surveil.Outgoing, error) {
	rows, err := s.query(ctx, `SELECT county_code, id, signal_id, event, payload, attempts FROM webhook_outbox
		WHERE sent_at IS NULL AND attempts < 20 ORDER BY created_at, id LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []surveil.Outgoing
	for rows.Next() {
		var o surveil.Outgoing
		if err := rows.Scan(&o.CountyCode, &o.ID, &o.SignalID, &o.Event, &o.Payload, &o.Attempts); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// WebhookDone records a delivery attempt: sent when err is nil.
func (s *Store) WebhookDone(ctx context.Context, o surveil.Outgoing, err error) error {
	if err == nil {
		_, e := s.exec(ctx, `UPDATE webhook_outbox SET sent_at = ?, attempts = attempts + 1 WHERE county_code = ? AND id = ? AND sent_at IS NULL`,
			s.d.stamp(s.now()), o.CountyCode, o.ID)
		return e
	}
	_, e := s.exec(ctx, `UPDATE webhook_outbox SET attempts = attempts + 1, last_error = ? WHERE county_code = ? AND id = ?`,
		weijian.Clip(err.Error()), o.CountyCode, o.ID)
	return e
}

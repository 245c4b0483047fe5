package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/weijian-health/weijian"
)

// CreateSession stores a session (by the hash of its token).
func (s *Store) CreateSession(ctx context.Context, ss weijian.Session) error {
	_, err := s.exec(ctx, `INSERT INTO user_session (id, user_id, created_at, last_seen_at, expires_at)
		VALUES (?, ?, ?, ?, ?)`, ss.ID, ss.UserID, s.d.stamp(ss.CreatedAt), s.d.stamp(ss.LastSeenAt), s.d.stamp(ss.ExpiresAt))
	return err
}

// SessionByID returns the session with the token hash id.
func (s *Store) SessionByID(ctx context.Context, id string) (*weijian.Session, error) {
	ss := &weijian.Session{ID: id}
	err := s.queryRow(ctx, "SELECT user_id, created_at, last_seen_at, expires_at FROM user_session WHERE id = ?", id).
		Scan(&ss.UserID, timeCol{&ss.CreatedAt}, timeCol{&ss.LastSeenAt}, timeCol{&ss.ExpiresAt})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, weijian.E(weijian.KindUnauthenticated, weijian.T("登录已失效，请重新登录", "session expired: log in again"))
	}
	return ss, err
}

// TouchSession records activity on a session.
func (s *Store) TouchSession(ctx context.Context, id string, at time.Time) error {
	_, err := s.exec(ctx, "UPDATE user_session SET last_seen_at = ? WHERE id = ?", s.d.stamp(at), id)
	return err
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	_, err := s.exec(ctx, "DELETE FROM user_session WHERE id = ?", id)
	return err
}

// DeleteUserSessions ends every session of a user (after a password
// change or deactivation).
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) error {
	_, err := s.exec(ctx, "DELETE FROM user_session WHERE user_id = ?", userID)
	return err
}

// DeleteExpiredSessions removes sessions past their expiry.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error) {
	res, err := s.exec(ctx, "DELETE FROM user_session WHERE expires_at < ?", s.d.stamp(now))
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

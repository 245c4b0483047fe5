package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/weijian-health/weijian"
)

// AddDevice remembers a browser that logged in to an account.
func (s *Store) AddDevice(ctx context.Context, id string, userID int64, now, expires time.Time) error {
	_, err := s.exec(ctx, "INSERT INTO login_device (id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
		id, userID, s.d.stamp(now), s.d.stamp(expires))
	return err
}

// DeviceUser returns the account a device logged in to, unless it expired.
func (s *Store) DeviceUser(ctx context.Context, id string, now time.Time) (int64, error) {
	var uid int64
	err := s.queryRow(ctx, "SELECT user_id FROM login_device WHERE id = ? AND expires_at > ?", id, s.d.stamp(now)).Scan(&uid)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, weijian.NotFound(weijian.T("设备", "device"))
	}
	return uid, err
}

const tokenCols = "id, user_id, name, token_hash, read_only, created_at, expires_at, last_used_at"

func scanToken(row interface{ Scan(...any) error }) (weijian.APIToken, error) {
	var t weijian.APIToken
	err := row.Scan(&t.ID, &t.UserID, &t.Name, &t.Hash, &t.ReadOnly, timeCol{&t.CreatedAt}, timeCol{&t.ExpiresAt}, timeCol{&t.LastUsedAt})
	return t, err
}

// CreateToken stores a personal access token (its hash), sets t.ID and
// records e in the same transaction, its Detail starting with "#id ".
func (s *Store) CreateToken(ctx context.Context, t *weijian.APIToken, e weijian.AuditEntry) error {
	err := s.inTx(ctx, func(tx *Tx) error {
		ids, err := s.d.reserveIDs(ctx, tx, "api_token", 1)
		if err != nil {
			return err
		}
		t.ID = ids[0]
		if _, err := tx.Exec(ctx, `INSERT INTO api_token (id, user_id, name, token_hash, read_only, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, t.ID, t.UserID, t.Name, t.Hash, t.ReadOnly, s.d.stamp(t.CreatedAt), s.d.stamp(t.ExpiresAt)); err != nil {
			return err
		}
		e.Detail = fmt.Sprintf("#%d %s", t.ID, e.Detail)
		return s.audit(ctx, tx, e)
	})
	if err != nil {
		return fmt.Errorf("create token: %w", err)
	}
	return nil
}

// Tokens lists the tokens of a user, newest first.
func (s *Store) Tokens(ctx context.Context, userID int64) ([]weijian.APIToken, error) {
	rows, err := s.query(ctx, "SELECT "+tokenCols+" FROM api_token WHERE user_id = ? ORDER BY created_at DESC, id DESC", userID)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	var out []weijian.APIToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

var errNoToken = weijian.NotFound(weijian.T("令牌", "token"))

// TokenByHash returns the token whose hash is hash.
func (s *Store) TokenByHash(ctx context.Context, hash string) (*weijian.APIToken, error) {
	t, err := scanToken(s.queryRow(ctx, "SELECT "+tokenCols+" FROM api_token WHERE token_hash = ?", hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoToken
	}
	if err != nil {
		return nil, fmt.Errorf("read token: %w", err)
	}
	return &t, nil
}

// RevokeToken deletes a token of the user and records e.
func (s *Store) RevokeToken(ctx context.Context, userID, id int64, e weijian.AuditEntry) error {
	return s.inTx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, "DELETE FROM api_token WHERE id = ? AND user_id = ?", id, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNoToken
		}
		return s.audit(ctx, tx, e)
	})
}

// TouchToken records a use of a token, and e with it when not nil.
func (s *Store) TouchToken(ctx context.Context, id int64, at time.Time, e *weijian.AuditEntry) error {
	return s.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, "UPDATE api_token SET last_used_at = ? WHERE id = ?", s.d.stamp(at), id); err != nil {
			return err
		}
		if e == nil {
			return nil
		}
		return s.audit(ctx, tx, *e)
	})
}

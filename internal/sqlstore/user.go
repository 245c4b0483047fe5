package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/weijian-health/weijian"
)

const userCols = "id, username, display_name, phone, active, password_hash, created_at, last_login_at"

func scanUser(row interface{ Scan(...any) error }) (*weijian.User, error) {
	u := new(weijian.User)
	err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Phone, &u.Active, &u.PasswordHash,
		timeCol{&u.CreatedAt}, timeCol{&u.LastLoginAt})
	return u, err
}

// CreateUser stores a new user with its grants and sets u.ID.
func (s *Store) CreateUser(ctx context.Context, u *weijian.User) error {
	now := s.now()
	err := s.inTx(ctx, func(tx *Tx) error {
		ids, err := s.d.reserveIDs(ctx, tx, "app_user", 1)
		if err != nil {
			return err
		}
		u.ID, u.CreatedAt = ids[0], now
		if _, err := tx.Exec(ctx, `INSERT INTO app_user (id, username, display_name, phone, active, password_hash,
			created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, u.ID, u.Username, u.DisplayName, u.Phone,
			u.Active, u.PasswordHash, s.d.stamp(now), s.d.stamp(now)); err != nil {
			if isUniqueViolation(err) {
				return weijian.E(weijian.KindConflict, weijian.T("用户名 "+u.Username+" 已存在", "username "+u.Username+" already exists"))
			}
			return err
		}
		return s.setGrants(ctx, tx, u.ID, u.Grants)
	})
	if err != nil {
		return fmt.Errorf("create user %s: %w", u.Username, err)
	}
	return nil
}

// UserByName returns the user with username (case-insensitive).
func (s *Store) UserByName(ctx context.Context, username string) (*weijian.User, error) {
	return s.oneUser(ctx, "lower(username) = ?", strings.ToLower(username))
}

// UserByID returns the user with id.
func (s *Store) UserByID(ctx context.Context, id int64) (*weijian.User, error) {
	return s.oneUser(ctx, "id = ?", id)
}

func (s *Store) oneUser(ctx context.Context, cond string, arg any) (*weijian.User, error) {
	u, err := scanUser(s.queryRow(ctx, "SELECT "+userCols+" FROM app_user WHERE "+cond, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, weijian.NotFound(weijian.T("用户", "user"))
	}
	if err != nil {
		return nil, fmt.Errorf("read user: %w", err)
	}
	if err := s.loadGrants(ctx, []*weijian.User{u}); err != nil {
		return nil, err
	}
	return u, nil
}

// manageableUsers is a subquery of the ids of the users a scoped
// administrator manages: those with at least one grant, all of them on
// units inside the scope. A user who also holds a grant elsewhere (or over
// the whole tree) belongs to a wider administrator, and is not shown.
func manageableUsers(sc weijian.Scope) (string, []any) {
	cond, args := scopeCond(sc, false)
	return `SELECT g.user_id FROM user_grant g GROUP BY g.user_id HAVING count(*) = (
		SELECT count(*) FROM user_grant h JOIN org_unit u ON u.id = h.org_unit_id
		WHERE h.user_id = g.user_id AND ` + cond + ")", args
}

// ListUsers lists users by username. With a restricted scope it lists the
// users the scope's administrator manages (manageableUsers).
func (s *Store) ListUsers(ctx context.Context, sc weijian.Scope, f weijian.UserFilter) ([]*weijian.User, error) {
	var where []string
	var args []any
	if !sc.All() {
		users, uargs := manageableUsers(sc)
		where = append(where, "id IN ("+users+")")
		args = append(args, uargs...)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		where = append(where, "(lower(username) LIKE ?"+likeEsc+" OR lower(display_name) LIKE ?"+likeEsc+")")
		like := "%" + strings.ToLower(likeEscape(q)) + "%"
		args = append(args, like, like)
	}
	if f.Role != "" {
		where = append(where, "id IN (SELECT user_id FROM user_grant WHERE role = ?)")
		args = append(args, string(f.Role))
	}
	if f.Active != nil {
		where = append(where, "active = ?")
		args = append(args, *f.Active)
	}
	q := "SELECT " + userCols + " FROM app_user"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := s.query(ctx, q+" ORDER BY username", args...)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []*weijian.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, s.loadGrants(ctx, out)
}

// loadGrants fills in the grants of users, with their org units.
func (s *Store) loadGrants(ctx context.Context, users []*weijian.User) error {
	if len(users) == 0 {
		return nil
	}
	byID := make(map[int64]*weijian.User, len(users))
	ids := make([]int64, len(users))
	for i, u := range users {
		byID[u.ID], ids[i] = u, u.ID
		u.Grants = nil
	}
	rows, err := s.query(ctx, `SELECT g.user_id, g.role, u.code, u.name, u.path FROM user_grant g
		LEFT JOIN org_unit u ON u.id = g.org_unit_id WHERE g.user_id IN (`+idList(ids)+`) ORDER BY g.id`)
	if err != nil {
		return fmt.Errorf("read grants: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var uid int64
		var g weijian.Grant
		var role string
		if err := rows.Scan(&uid, &role, strCol{&g.OrgUnitCode}, strCol{&g.OrgUnitName}, strCol{&g.OrgUnitPath}); err != nil {
			return err
		}
		g.Role = weijian.Role(role)
		byID[uid].Grants = append(byID[uid].Grants, g)
	}
	return rows.Err()
}

// UpdateUser saves the display name, phone and active flag.
func (s *Store) UpdateUser(ctx context.Context, u *weijian.User) error {
	return s.updateUser(ctx, u.ID, "display_name = ?, phone = ?, active = ?", u.DisplayName, u.Phone, u.Active)
}

// SetPassword replaces the user's password hash.
func (s *Store) SetPassword(ctx context.Context, userID int64, hash string) error {
	return s.updateUser(ctx, userID, "password_hash = ?", hash)
}

// RecordLogin notes a successful login.
func (s *Store) RecordLogin(ctx context.Context, userID int64, at time.Time) error {
	return s.updateUser(ctx, userID, "last_login_at = ?", s.d.stamp(at))
}

func (s *Store) updateUser(ctx context.Context, id int64, set string, args ...any) error {
	args = append(args, s.d.stamp(s.now()), id)
	res, err := s.exec(ctx, "UPDATE app_user SET "+set+", updated_at = ? WHERE id = ?", args...)
	if err != nil {
		return fmt.Errorf("update user #%d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return weijian.NotFound(weijian.T("用户", "user"))
	}
	return nil
}

// SetGrants replaces the user's grants.
func (s *Store) SetGrants(ctx context.Context, userID int64, grants []weijian.Grant) error {
	return s.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM user_grant WHERE user_id = ?", userID); err != nil {
			return err
		}
		return s.setGrants(ctx, tx, userID, grants)
	})
}

func (s *Store) setGrants(ctx context.Context, tx *Tx, userID int64, grants []weijian.Grant) error {
	for _, g := range grants {
		if _, ok := weijian.LookupRole(g.Role); !ok {
			return weijian.Invalid(weijian.T("未知的角色："+string(g.Role), "unknown role: "+string(g.Role)))
		}
		var unitID int64
		if g.OrgUnitCode != "" {
			err := tx.QueryRow(ctx, "SELECT id FROM org_unit WHERE code = ? AND valid_to IS NULL", g.OrgUnitCode).Scan(&unitID)
			if errors.Is(err, sql.ErrNoRows) {
				return unitNotFound(g.OrgUnitCode)
			} else if err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, "INSERT INTO user_grant (user_id, role, org_unit_id) VALUES (?, ?, ?)",
			userID, string(g.Role), nullID(unitID)); err != nil {
			return fmt.Errorf("grant %s: %w", g.Role, err)
		}
	}
	return nil
}

// CountUsers returns the number of accounts.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.queryRow(ctx, "SELECT count(*) FROM app_user").Scan(&n)
	return n, err
}

// Throttle returns the login-failure record of username (zero if none).
func (s *Store) Throttle(ctx context.Context, username string) (weijian.LoginThrottle, error) {
	t := weijian.LoginThrottle{Username: strings.ToLower(username)}
	err := s.queryRow(ctx, "SELECT failures, first_at, locked_until FROM login_throttle WHERE username = ?",
		t.Username).Scan(&t.Failures, timeCol{&t.FirstAt}, timeCol{&t.LockedUntil})
	if errors.Is(err, sql.ErrNoRows) {
		return t, nil
	}
	return t, err
}

// RecordLoginFailure counts a failure in one atomic upsert, so that
// parallel wrong passwords cannot overwrite each other's counts.
func (s *Store) RecordLoginFailure(ctx context.Context, username string, now time.Time, window time.Duration) (weijian.LoginThrottle, error) {
	t := weijian.LoginThrottle{Username: strings.ToLower(username)}
	stale := s.d.stamp(now.Add(-window))
	err := s.queryRow(ctx, `INSERT INTO login_throttle (username, failures, first_at, locked_until) VALUES (?, 1, ?, NULL)
		ON CONFLICT (username) DO UPDATE SET
			failures = CASE WHEN login_throttle.first_at < ? THEN 1 ELSE login_throttle.failures + 1 END,
			first_at = CASE WHEN login_throttle.first_at < ? THEN excluded.first_at ELSE login_throttle.first_at END
		RETURNING failures, first_at, locked_until`, t.Username, s.d.stamp(now), stale, stale).
		Scan(&t.Failures, timeCol{&t.FirstAt}, timeCol{&t.LockedUntil})
	if err != nil {
		return t, fmt.Errorf("record login failure: %w", err)
	}
	return t, nil
}

// LockLogin locks a login name until the given time.
func (s *Store) LockLogin(ctx context.Context, username string, until time.Time) error {
	_, err := s.exec(ctx, "UPDATE login_throttle SET failures = 0, locked_until = ? WHERE username = ?",
		s.d.stamp(until), strings.ToLower(username))
	return err
}

// DeleteStaleThrottles removes records that no longer lock or count.
func (s *Store) DeleteStaleThrottles(ctx context.Context, before time.Time) (int, error) {
	res, err := s.exec(ctx, "DELETE FROM login_throttle WHERE first_at < ? AND (locked_until IS NULL OR locked_until < ?)",
		s.d.stamp(before), s.d.stamp(before))
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// ClearThrottle forgets the failures of username.
func (s *Store) ClearThrottle(ctx context.Context, username string) error {
	_, err := s.exec(ctx, "DELETE FROM login_throttle WHERE username = ?", strings.ToLower(username))
	return err
}

package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/weijian-health/weijian"
)

const userCols = "id, username, display_name, phone, active, password_hash, created_at, last_login_at, must_change_password"

func scanUser(row interface{ Scan(...any) error }) (*weijian.User, error) {
	u := new(weijian.User)
	err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Phone, &u.Active, &u.PasswordHash,
		timeCol{&u.CreatedAt}, timeCol{&u.LastLoginAt}, &u.MustChangePassword)
	return u, err
}

// CreateUser stores a new user with its grants and sets u.ID; the audit
// entries are written in the same transaction.
func (s *Store) CreateUser(ctx context.Context, u *weijian.User, audit ...weijian.AuditEntry) error {
	now := s.now()
	err := s.changeUsers(ctx, audit, func(tx *Tx) error {
		ids, err := s.d.reserveIDs(ctx, tx, "app_user", 1)
		if err != nil {
			return err
		}
		u.ID, u.CreatedAt = ids[0], now
		if _, err := tx.Exec(ctx, `INSERT INTO app_user (id, username, display_name, phone, active, password_hash,
			created_at, updated_at, must_change_password) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, u.ID, u.Username, u.DisplayName, u.Phone,
			u.Active, u.PasswordHash, s.d.stamp(now), s.d.stamp(now), u.MustChangePassword); err != nil {
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

// usersWithin is a subquery of the ids of the users inside a restricted
// scope: those with at least one grant, all of them on units inside it. A
// scoped administrator reads the audit entries by and about them.
func usersWithin(sc weijian.Scope) (string, []any) {
	cond, args := scopeCond(sc, false)
	return `SELECT g.user_id FROM user_grant g GROUP BY g.user_id HAVING count(*) = (
		SELECT count(*) FROM user_grant h JOIN org_unit u ON u.id = h.org_unit_id
		WHERE h.user_id = g.user_id AND ` + cond + ")", args
}

// manageableUsers is a subquery of the ids of the users an administrator
// of scope sc manages: users of lower standing or narrower scope. Every
// grant of such a user lies inside the scope (a user who also holds a
// grant elsewhere belongs to a wider administrator), and a grant that
// manages users lies strictly inside it: an administrator never manages a
// peer (an administrator of the same units) nor itself. With ScopeAll the
// only condition is the second: no user-management grant over the whole
// tree. web.canManage is the same rule in Go.
func manageableUsers(sc weijian.Scope) (string, []any) {
	roles, rargs := manageRoles()
	if sc.All() {
		return `SELECT a.id FROM app_user a WHERE NOT EXISTS (SELECT 1 FROM user_grant h
			WHERE h.user_id = a.id AND h.org_unit_id IS NULL AND h.role IN (` + roles + "))", rargs
	}
	cond, args := scopeCond(sc, false)
	strict := []string{"1=0"}
	var sargs []any
	for _, p := range sc.Paths() {
		lo, hi := weijian.PathRange(p)
		strict = append(strict, "(u.path > ? AND u.path < ?)")
		sargs = append(sargs, lo, hi)
	}
	q := `SELECT g.user_id FROM user_grant g GROUP BY g.user_id HAVING count(*) = (
		SELECT count(*) FROM user_grant h JOIN org_unit u ON u.id = h.org_unit_id
		WHERE h.user_id = g.user_id AND ` + cond + ` AND (h.role NOT IN (` + roles + `) OR ` + strings.Join(strict, " OR ") + "))"
	return q, append(append(args, rargs...), sargs...)
}

// manageRoles is a list of placeholders and the roles that may manage users.
func manageRoles() (string, []any) {
	var marks []string
	var args []any
	for _, ri := range weijian.Roles {
		if slices.Contains(ri.Perms, weijian.PermManageUsers) {
			marks, args = append(marks, "?"), append(args, string(ri.Role))
		}
	}
	return strings.Join(marks, ", "), args
}

// ListUsers lists users by username: the users an administrator of scope
// sc manages (manageableUsers).
func (s *Store) ListUsers(ctx context.Context, sc weijian.Scope, f weijian.UserFilter) ([]*weijian.User, error) {
	users, args := manageableUsers(sc)
	where := []string{"id IN (" + users + ")"}
	if f.Everyone {
		where, args = []string{"1=1"}, nil
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

// UpdateUser saves the display name, phone and active flag, with the
// audit entries, refusing to deactivate the last active administrator.
func (s *Store) UpdateUser(ctx context.Context, u *weijian.User, audit ...weijian.AuditEntry) error {
	return s.changeUsers(ctx, audit, func(tx *Tx) error {
		if err := s.updateUser(ctx, tx, u.ID, "display_name = ?, phone = ?, active = ?", u.DisplayName, u.Phone, u.Active); err != nil {
			return err
		}
		if u.Active {
			return nil
		}
		_, err := tx.Exec(ctx, "DELETE FROM user_session WHERE user_id = ?", u.ID)
		return err
	})
}

// SetPassword stores a new password hash, ends the account's sessions,
// clears its login locks and records p.Audit, in one transaction.
func (s *Store) SetPassword(ctx context.Context, p weijian.PasswordChange) error {
	return s.changeUsers(ctx, []weijian.AuditEntry{p.Audit}, func(tx *Tx) error {
		if err := s.updateUser(ctx, tx, p.UserID, "password_hash = ?, must_change_password = ?", p.Hash, p.MustChange); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM user_session WHERE user_id = ?", p.UserID); err != nil {
			return err
		}
		return clearLoginLimits(ctx, tx, p.Username)
	})
}

// RehashPassword replaces the hash of the same password by a stronger one.
func (s *Store) RehashPassword(ctx context.Context, userID int64, hash string) error {
	return s.inTx(ctx, func(tx *Tx) error { return s.updateUser(ctx, tx, userID, "password_hash = ?", hash) })
}

// RecordLogin notes a successful login.
func (s *Store) RecordLogin(ctx context.Context, userID int64, at time.Time) error {
	return s.inTx(ctx, func(tx *Tx) error { return s.updateUser(ctx, tx, userID, "last_login_at = ?", s.d.stamp(at)) })
}

func (s *Store) updateUser(ctx context.Context, tx *Tx, id int64, set string, args ...any) error {
	args = append(args, s.d.stamp(s.now()), id)
	res, err := tx.Exec(ctx, "UPDATE app_user SET "+set+", updated_at = ? WHERE id = ?", args...)
	if err != nil {
		return fmt.Errorf("update user #%d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return weijian.NotFound(weijian.T("用户", "user"))
	}
	return nil
}

// SetGrants replaces the user's grants, with the audit entries, refusing
// a change that leaves no active administrator.
func (s *Store) SetGrants(ctx context.Context, userID int64, grants []weijian.Grant, audit ...weijian.AuditEntry) error {
	return s.changeUsers(ctx, audit, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM user_grant WHERE user_id = ?", userID); err != nil {
			return err
		}
		return s.setGrants(ctx, tx, userID, grants)
	})
}

// errLastAdmin refuses a change that would leave nobody to manage users.
var errLastAdmin = weijian.E(weijian.KindConflict, weijian.T(
	"不能执行：此操作后将没有任何启用的管理员（请先为另一位用户授予管理员角色）",
	"refused: no active administrator would remain (grant the administrator role to another user first)"))

// changeUsers runs change and writes the audit entries in one transaction,
// refusing (errLastAdmin) a change after which no active user holds an
// administrator role, or none holds one over the whole tree, where one did
// before. On PostgreSQL the user tables are locked first so that two such
// changes cannot each see the other's administrator remain; SQLite write
// transactions are serialised anyway.
func (s *Store) changeUsers(ctx context.Context, audit []weijian.AuditEntry, change func(*Tx) error) error {
	return s.inTx(ctx, func(tx *Tx) error {
		if s.d.lockUsers != "" {
			if _, err := tx.Exec(ctx, s.d.lockUsers); err != nil {
				return err
			}
		}
		wholeBefore, anyBefore, err := adminCounts(ctx, tx)
		if err != nil {
			return err
		}
		if err := change(tx); err != nil {
			return err
		}
		wholeAfter, anyAfter, err := adminCounts(ctx, tx)
		if err != nil {
			return err
		}
		if (wholeBefore > 0 && wholeAfter == 0) || (anyBefore > 0 && anyAfter == 0) {
			return errLastAdmin
		}
		for _, e := range audit {
			if err := s.audit(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
}

// adminCounts counts the active users with a user-management role over
// the whole tree, and with one anywhere.
func adminCounts(ctx context.Context, tx *Tx) (whole, anywhere int, err error) {
	roles, args := manageRoles()
	err = tx.QueryRow(ctx, `SELECT count(DISTINCT CASE WHEN g.org_unit_id IS NULL THEN a.id END), count(DISTINCT a.id)
		FROM app_user a JOIN user_grant g ON g.user_id = a.id WHERE a.active = ? AND g.role IN (`+roles+")",
		append([]any{true}, args...)...).Scan(&whole, &anywhere)
	return whole, anywhere, err
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

// Throttle returns the login-failure record of key (zero if none).
func (s *Store) Throttle(ctx context.Context, key string) (weijian.LoginThrottle, error) {
	t := weijian.LoginThrottle{Key: strings.ToLower(key)}
	err := s.queryRow(ctx, "SELECT failures, first_at, locked_until FROM login_throttle WHERE key = ?",
		t.Key).Scan(&t.Failures, timeCol{&t.FirstAt}, timeCol{&t.LockedUntil})
	if errors.Is(err, sql.ErrNoRows) {
		return t, nil
	}
	return t, err
}

// RecordLoginFailure counts a failure in one atomic upsert, so that
// parallel wrong passwords cannot overwrite each other's counts.
func (s *Store) RecordLoginFailure(ctx context.Context, key string, now time.Time, window time.Duration) (weijian.LoginThrottle, error) {
	t := weijian.LoginThrottle{Key: strings.ToLower(key)}
	stale := s.d.stamp(now.Add(-window))
	err := s.queryRow(ctx, `INSERT INTO login_throttle (key, failures, first_at, locked_until) VALUES (?, 1, ?, NULL)
		ON CONFLICT (key) DO UPDATE SET
			failures = CASE WHEN login_throttle.first_at < ? THEN 1 ELSE login_throttle.failures + 1 END,
			first_at = CASE WHEN login_throttle.first_at < ? THEN excluded.first_at ELSE login_throttle.first_at END
		RETURNING failures, first_at, locked_until`, t.Key, s.d.stamp(now), stale, stale).
		Scan(&t.Failures, timeCol{&t.FirstAt}, timeCol{&t.LockedUntil})
	if err != nil {
		return t, fmt.Errorf("record login failure: %w", err)
	}
	return t, nil
}

// LockLogin locks a key until the given time.
func (s *Store) LockLogin(ctx context.Context, key string, until time.Time) error {
	_, err := s.exec(ctx, "UPDATE login_throttle SET failures = 0, locked_until = ? WHERE key = ?",
		s.d.stamp(until), strings.ToLower(key))
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

// ClearThrottle forgets the failures of key.
func (s *Store) ClearThrottle(ctx context.Context, key string) error {
	_, err := s.exec(ctx, "DELETE FROM login_throttle WHERE key = ?", strings.ToLower(key))
	return err
}

// Unlock clears the locks of a login name from every address and records e.
func (s *Store) Unlock(ctx context.Context, username string, e weijian.AuditEntry) error {
	return s.inTx(ctx, func(tx *Tx) error {
		if err := clearLoginLimits(ctx, tx, username); err != nil {
			return err
		}
		return s.audit(ctx, tx, e)
	})
}

// LockedUntil returns the latest lock of a name: of the name itself or of
// the name from one address.
func (s *Store) LockedUntil(ctx context.Context, username string) (time.Time, error) {
	n := strings.ToLower(username)
	var t time.Time
	err := s.queryRow(ctx, "SELECT max(locked_until) FROM login_throttle WHERE key = ? OR (key >= ? AND key < ?)",
		n, n+"@", n+"A").Scan(timeCol{&t})
	return t, err
}

// clearLoginLimits deletes the records of a name: the name itself and the
// name from each address ("name@address"; "@" is not part of a username,
// and "A" follows "@" in byte order).
func clearLoginLimits(ctx context.Context, tx *Tx, username string) error {
	n := strings.ToLower(username)
	_, err := tx.Exec(ctx, "DELETE FROM login_throttle WHERE key = ? OR (key >= ? AND key < ?)", n, n+"@", n+"A")
	return err
}

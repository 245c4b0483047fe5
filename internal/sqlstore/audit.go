package sqlstore

import (
	"context"
	"strings"

	"github.com/weijian-health/weijian"
)

// audit writes an entry in tx (so it commits with the change it records).
func (s *Store) audit(ctx context.Context, tx *Tx, e weijian.AuditEntry) error {
	if e.At.IsZero() {
		e.At = s.now()
	}
	_, err := tx.Exec(ctx, `INSERT INTO audit_log (at, user_id, actor, action, target, detail, ip)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, s.d.stamp(e.At), nullID(e.UserID), e.Actor, e.Action, e.Target, e.Detail, e.IP)
	return err
}

// Audit records an entry on its own.
func (s *Store) Audit(ctx context.Context, e weijian.AuditEntry) error {
	return s.inTx(ctx, func(tx *Tx) error { return s.audit(ctx, tx, e) })
}

// auditScope is the condition keeping the entries a scoped caller may
// read: those by, or about, users it manages (see manageableUsers).
func auditScope(sc weijian.Scope) (string, []any) {
	if sc.All() {
		return "1=1", nil
	}
	users, args := manageableUsers(sc)
	return "(user_id IN (" + users + ") OR target IN (SELECT username FROM app_user WHERE id IN (" + users + ")))",
		append(args, args...)
}

// AuditLog returns the latest entries matching f, newest first.
func (s *Store) AuditLog(ctx context.Context, sc weijian.Scope, f weijian.AuditFilter) ([]weijian.AuditEntry, error) {
	limit := f.Limit
	if limit <= 0 || limit > 10000 {
		limit = 200
	}
	where, args := auditScope(sc)
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + strings.ToLower(likeEscape(q)) + "%"
		where += " AND (lower(actor) LIKE ?" + likeEsc + " OR lower(target) LIKE ?" + likeEsc +
			" OR lower(detail) LIKE ?" + likeEsc + " OR ip LIKE ?" + likeEsc + ")"
		args = append(args, like, like, like, like)
	}
	if f.Action != "" {
		where += " AND action = ?"
		args = append(args, f.Action)
	}
	rows, err := s.query(ctx, `SELECT at, user_id, actor, action, target, detail, ip FROM audit_log WHERE `+where+`
		ORDER BY at DESC, id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []weijian.AuditEntry
	for rows.Next() {
		var e weijian.AuditEntry
		if err := rows.Scan(timeCol{&e.At}, idCol{&e.UserID}, &e.Actor, &e.Action, &e.Target, &e.Detail, &e.IP); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// AuditActions returns the actions that occur in the caller's entries.
func (s *Store) AuditActions(ctx context.Context, sc weijian.Scope) ([]string, error) {
	where, args := auditScope(sc)
	rows, err := s.query(ctx, "SELECT DISTINCT action FROM audit_log WHERE "+where+" ORDER BY action", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

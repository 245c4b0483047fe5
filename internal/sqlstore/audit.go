package sqlstore

import (
	"context"

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

// AuditLog returns the latest entries, newest first: with a restricted
// scope, those of the users granted roles inside it.
func (s *Store) AuditLog(ctx context.Context, sc weijian.Scope, limit int) ([]weijian.AuditEntry, error) {
	if limit <= 0 || limit > 10000 {
		limit = 200
	}
	where, args := "", []any{}
	if !sc.All() {
		cond, cargs := scopeCond(sc, false)
		where = `WHERE user_id IN (SELECT g.user_id FROM user_grant g JOIN org_unit u ON u.id = g.org_unit_id WHERE ` + cond + ")"
		args = cargs
	}
	rows, err := s.query(ctx, `SELECT at, user_id, actor, action, target, detail, ip FROM audit_log `+where+`
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

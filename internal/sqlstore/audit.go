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
	_, err := tx.Exec(ctx, `INSERT INTO audit_log (at, user_id, actor, action, target, detail, ip, unit_path)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, s.d.stamp(e.At), nullID(e.UserID), e.Actor, e.Action, e.Target, e.Detail, e.IP, e.UnitPath)
	return err
}

// Audit records an entry on its own.
func (s *Store) Audit(ctx context.Context, e weijian.AuditEntry) error {
	return s.inTx(ctx, func(tx *Tx) error { return s.audit(ctx, tx, e) })
}

// auditScope is the condition keeping the entries a scoped caller may
// read: those by, or about, users inside its scope (usersWithin, peers
// included: an administrator sees what the others of its county did),
// failed logins under their names included, and those about a unit inside
// the scope or above it (imports).
func auditScope(sc weijian.Scope) (string, []any) {
	if sc.All() {
		return "1=1", nil
	}
	users, args := usersWithin(sc)
	units, uargs := scopeCond(sc, false)
	units = strings.ReplaceAll(units, "u.path", "unit_path")
	// An import over a wider subtree (the province's file) concerns the
	// scope too: its path is an ancestor of a scope root.
	var above []string
	for _, p := range sc.Paths() {
		for i := 1; i < len(p)-1; i++ {
			if p[i] == '/' {
				above = append(above, "?")
				uargs = append(uargs, p[:i+1])
			}
		}
	}
	if len(above) > 0 {
		units = "(" + units + " OR unit_path IN (" + strings.Join(above, ", ") + "))"
	}
	return "(user_id IN (" + users + ") OR target IN (SELECT username FROM app_user WHERE id IN (" + users + ")) OR " + units + ")",
		append(append(args, args...), uargs...)
}

// auditPage is the most entries AuditLog returns at once; an export reads
// every entry by paging with a cursor.
const auditPage = 10000

// AuditLog returns the latest entries matching f, newest first, older than
// f.Before when it is set.
func (s *Store) AuditLog(ctx context.Context, sc weijian.Scope, f weijian.AuditFilter) ([]weijian.AuditEntry, error) {
	limit := f.Limit
	if limit <= 0 || limit > auditPage {
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
	if c := f.Before; c != nil {
		where += " AND (at < ? OR (at = ? AND id < ?))"
		args = append(args, s.d.stamp(c.At), s.d.stamp(c.At), c.ID)
	}
	rows, err := s.query(ctx, `SELECT id, at, user_id, actor, action, target, detail, ip, unit_path FROM audit_log WHERE `+where+`
		ORDER BY at DESC, id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []weijian.AuditEntry
	for rows.Next() {
		var e weijian.AuditEntry
		if err := rows.Scan(&e.ID, timeCol{&e.At}, idCol{&e.UserID}, &e.Actor, &e.Action, &e.Target, &e.Detail, &e.IP, &e.UnitPath); err != nil {
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

// auditImport writes the audit entry of an import in its transaction,
// bound to the deepest unit whose subtree holds every unit the file names
// (read after the import's writes), so that the administrators of that
// subtree see it.
func (s *Store) auditImport(ctx context.Context, tx *Tx, codes []string, e weijian.AuditEntry) error {
	units, err := s.unitsByCodes(ctx, tx.tx, codes)
	if err != nil {
		return err
	}
	var paths []string
	for _, u := range units {
		paths = append(paths, u.Path)
	}
	e.UnitPath = commonPath(paths)
	return s.audit(ctx, tx, e)
}

// commonPath is the longest path that is an ancestor-or-self of every
// path ("" for none, or when they share no root).
func commonPath(paths []string) string {
	if len(paths) == 0 {
		return ""
	}
	p := paths[0]
	for _, q := range paths[1:] {
		for !strings.HasPrefix(q, p) {
			i := strings.LastIndex(strings.TrimSuffix(p, "/"), "/")
			if i < 0 {
				return ""
			}
			p = p[:i+1]
		}
	}
	if p == "/" {
		return ""
	}
	return p
}

// orgRowCodes are the codes of the units an org-unit file writes.
func orgRowCodes(rows []weijian.OrgUnitRow) []string {
	codes := make([]string, len(rows))
	for i, r := range rows {
		codes[i] = r.Code
	}
	return codes
}

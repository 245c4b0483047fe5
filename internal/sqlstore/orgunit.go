package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/weijian-health/weijian"
)

const unitCols = `u.id, u.code, u.name, u.level, u.facility_type, u.uscc, u.parent_id, u.path,
	u.depth, u.pinyin, u.valid_from, u.valid_to, u.replaced_by`

// unitsCounted runs "SELECT unitCols, child count FROM org_unit u " +
// tail, for lists a user browses (subtree dumps leave the count out). The
// count is of the current children the scope lets the caller see, the
// units Children lists: a county's count must not tell a township user
// how many other townships there are.
func (s *Store) unitsCounted(ctx context.Context, sc weijian.Scope, tail string, args ...any) ([]*weijian.OrgUnit, error) {
	count := "(SELECT count(*) FROM org_unit c WHERE c.parent_id = u.id AND c.valid_to IS NULL)"
	var countArgs []any
	if !sc.All() {
		var cond string
		cond, countArgs = scopeCondAs("c", sc, true)
		count = "(SELECT count(*) FROM org_unit c WHERE c.parent_id = u.id AND c.valid_to IS NULL AND " + cond + ")"
	}
	return s.units(ctx, true, "SELECT "+unitCols+", "+count+" FROM org_unit u "+tail, append(countArgs, args...)...)
}

func scanUnit(rows interface{ Scan(...any) error }, withCount bool) (*weijian.OrgUnit, error) {
	u := new(weijian.OrgUnit)
	dest := []any{&u.ID, &u.Code, &u.Name, &u.Level, strCol{&u.FacilityType}, strCol{&u.USCC},
		idCol{&u.ParentID}, &u.Path, &u.Depth, &u.Pinyin, timeCol{&u.ValidFrom}, timeCol{&u.ValidTo},
		idCol{&u.ReplacedBy}}
	if withCount {
		dest = append(dest, &u.ChildCount)
	}
	if err := rows.Scan(dest...); err != nil {
		return nil, err
	}
	return u, nil
}

// querier is what both the pool and a transaction offer for reading.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Store) units(ctx context.Context, withCount bool, query string, args ...any) ([]*weijian.OrgUnit, error) {
	return s.unitsQ(ctx, s.db, withCount, query, args...)
}

// unitsQ runs a unit query through q (the pool or a transaction).
func (s *Store) unitsQ(ctx context.Context, q querier, withCount bool, query string, args ...any) ([]*weijian.OrgUnit, error) {
	rows, err := q.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*weijian.OrgUnit
	for rows.Next() {
		u, err := scanUnit(rows, withCount)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// scopeCond is the SQL condition (on the org_unit alias u) that keeps rows
// the scope covers; with ancestors, also the units above the scope roots.
func scopeCond(sc weijian.Scope, ancestors bool) (string, []any) {
	return scopeCondAs("u", sc, ancestors)
}

// scopeCondAs is scopeCond on the org_unit alias a.
func scopeCondAs(a string, sc weijian.Scope, ancestors bool) (string, []any) {
	if sc.All() {
		return "1=1", nil
	}
	if sc.Empty() {
		return "1=0", nil
	}
	var parts []string
	var args []any
	var ids []string
	for _, p := range sc.Paths() {
		lo, hi := weijian.PathRange(p)
		parts = append(parts, "("+a+".path >= ? AND "+a+".path < ?)")
		args = append(args, lo, hi)
		if ancestors {
			for _, id := range weijian.PathIDs(p) {
				ids = append(ids, fmt.Sprint(id))
			}
		}
	}
	if len(ids) > 0 {
		parts = append(parts, a+".id IN ("+strings.Join(ids, ",")+")")
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

// Levels returns the org-unit levels, top first.
func (s *Store) Levels(ctx context.Context) ([]weijian.Level, error) {
	rows, err := s.query(ctx, "SELECT key, rank, name_zh, name_en FROM org_level ORDER BY rank")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []weijian.Level
	for rows.Next() {
		var l weijian.Level
		if err := rows.Scan(&l.Key, &l.Rank, &l.Name.ZH, &l.Name.EN); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// FacilityTypes returns the facility types in display order.
func (s *Store) FacilityTypes(ctx context.Context) ([]weijian.FacilityType, error) {
	rows, err := s.query(ctx, "SELECT key, name_zh, name_en FROM facility_type ORDER BY sort, key")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []weijian.FacilityType
	for rows.Next() {
		var f weijian.FacilityType
		if err := rows.Scan(&f.Key, &f.Name.ZH, &f.Name.EN); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

func unitNotFound(code string) error {
	return weijian.NotFound(weijian.T("机构或区划 "+code, "org unit "+code))
}

// OrgUnit returns the current unit with code, or the most recently closed
// one when no current unit has it.
func (s *Store) OrgUnit(ctx context.Context, sc weijian.Scope, code string) (*weijian.OrgUnit, error) {
	cond, args := scopeCond(sc, true)
	us, err := s.unitsCounted(ctx, sc, "WHERE u.code = ? AND "+cond+
		" ORDER BY u.valid_to IS NULL DESC, u.valid_to DESC", append([]any{code}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("org unit %s: %w", code, err)
	}
	if len(us) == 0 {
		return nil, unitNotFound(code)
	}
	return us[0], nil
}

// OrgUnitByID returns the unit with id.
func (s *Store) OrgUnitByID(ctx context.Context, sc weijian.Scope, id int64) (*weijian.OrgUnit, error) {
	cond, args := scopeCond(sc, true)
	us, err := s.unitsCounted(ctx, sc, "WHERE u.id = ? AND "+cond,
		append([]any{id}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("org unit #%d: %w", id, err)
	}
	if len(us) == 0 {
		return nil, unitNotFound(fmt.Sprintf("#%d", id))
	}
	return us[0], nil
}

// Roots returns the top units the caller sees: the current roots of the
// tree that lie in or above its scope.
func (s *Store) Roots(ctx context.Context, sc weijian.Scope) ([]*weijian.OrgUnit, error) {
	cond, args := scopeCond(sc, true)
	return s.unitsCounted(ctx, sc, "WHERE u.parent_id IS NULL AND u.valid_to IS NULL AND "+
		cond+" ORDER BY u.code", args...)
}

// Children returns the current children of the unit with code, areas
// first, then facilities, each by code.
func (s *Store) Children(ctx context.Context, sc weijian.Scope, code string) ([]*weijian.OrgUnit, error) {
	parent, err := s.OrgUnit(ctx, sc, code)
	if err != nil {
		return nil, err
	}
	cond, args := scopeCond(sc, true)
	return s.unitsCounted(ctx, sc, "WHERE u.parent_id = ? AND u.valid_to IS NULL AND "+
		cond+" ORDER BY u.level = 'facility', u.code", append([]any{parent.ID}, args...)...)
}

// Ancestors returns the units above the unit with code, root first.
func (s *Store) Ancestors(ctx context.Context, sc weijian.Scope, code string) ([]*weijian.OrgUnit, error) {
	u, err := s.OrgUnit(ctx, sc, code)
	if err != nil {
		return nil, err
	}
	ids := u.AncestorIDs()
	if len(ids) == 0 {
		return nil, nil
	}
	us, err := s.unitsCounted(ctx, sc, "WHERE u.id IN ("+idList(ids)+") ORDER BY u.depth")
	if err != nil {
		return nil, err
	}
	// Ancestors of a visible unit are always visible (Scope.CanSeeUnit).
	return us, nil
}

// Subtree returns the unit with code and every unit below it, in path
// order (each parent before its children).
func (s *Store) Subtree(ctx context.Context, sc weijian.Scope, code string, includeClosed bool) ([]*weijian.OrgUnit, error) {
	root, err := s.OrgUnit(ctx, sc, code)
	if err != nil {
		return nil, err
	}
	lo, hi := weijian.PathRange(root.Path)
	cond, args := scopeCond(sc, false)
	q := "SELECT " + unitCols + " FROM org_unit u WHERE u.path >= ? AND u.path < ? AND " + cond
	if !includeClosed {
		q += " AND u.valid_to IS NULL"
	}
	return s.units(ctx, false, q+" ORDER BY u.path", append([]any{lo, hi}, args...)...)
}

// SearchOrgUnits finds units by part of the name, pinyin initials or code
// prefix, within f.Under (or the scope), and returns a page of them and
// the total number that match.
func (s *Store) SearchOrgUnits(ctx context.Context, sc weijian.Scope, f weijian.OrgUnitFilter) ([]*weijian.OrgUnit, int, error) {
	where, args := scopeCond(sc, false)
	where = "WHERE " + where
	if f.Under != "" {
		root, err := s.OrgUnit(ctx, sc, f.Under)
		if err != nil {
			return nil, 0, err
		}
		lo, hi := weijian.PathRange(root.Path)
		where += " AND u.path >= ? AND u.path < ?"
		args = append(args, lo, hi)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		// lower() on both sides: LIKE is case-insensitive on SQLite but
		// not on PostgreSQL, and both fold ASCII the same way.
		lq := strings.ToLower(likeEscape(q))
		where += " AND (lower(u.name) LIKE ?" + likeEsc + " OR u.pinyin LIKE ?" + likeEsc + " OR lower(u.code) LIKE ?" + likeEsc + ")"
		args = append(args, "%"+lq+"%", lq+"%", lq+"%")
	}
	if f.Level != "" {
		where += " AND u.level = ?"
		args = append(args, f.Level)
	}
	if f.FacilityType != "" {
		where += " AND u.facility_type = ?"
		args = append(args, f.FacilityType)
	}
	if !f.IncludeClosed {
		where += " AND u.valid_to IS NULL"
	}
	var total int
	if err := s.queryRow(ctx, "SELECT count(*) FROM org_unit u "+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count org units: %w", err)
	}
	limit := f.Limit
	if limit <= 0 || limit > 10000 {
		limit = 100
	}
	us, err := s.unitsCounted(ctx, sc, where+
		" ORDER BY u.depth, u.code LIMIT ? OFFSET ?", append(args, limit, max(f.Offset, 0))...)
	return us, total, err
}

// likeEscape escapes the LIKE wildcards in user text, so that "zhang_san"
// matches only itself. The pattern must be used with the likeEsc clause:
// neither database has the same default escape character (PostgreSQL uses
// backslash, SQLite none), so every LIKE names it.
func likeEscape(s string) string {
	return likeEscaper.Replace(s)
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)

// likeEsc follows every "LIKE ?" whose pattern went through likeEscape. A
// backslash in a standard SQL string literal is a plain character on both
// databases (PostgreSQL has standard_conforming_strings on since 9.1).
const likeEsc = ` ESCAPE '\'`

// OrgUnitHistory returns the versions of the unit with code, oldest first.
func (s *Store) OrgUnitHistory(ctx context.Context, sc weijian.Scope, code string) ([]weijian.OrgUnitVersion, error) {
	u, err := s.OrgUnit(ctx, sc, code)
	if err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, `SELECT code, name, parent_id, valid_from, valid_to FROM org_unit_version
		WHERE org_unit_id = ? ORDER BY valid_from`, u.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []weijian.OrgUnitVersion
	for rows.Next() {
		var v weijian.OrgUnitVersion
		if err := rows.Scan(&v.Code, &v.Name, idCol{&v.ParentID}, timeCol{&v.ValidFrom}, timeCol{&v.ValidTo}); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func idList(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprint(id)
	}
	return strings.Join(parts, ",")
}

// unitsByCodes returns the units with the given codes, by code: the
// current unit of each code, or, for codes with none, the one closed
// last (codes are never reused, so that is the unit the code names).
func (s *Store) unitsByCodes(ctx context.Context, q querier, codes []string) (map[string]*weijian.OrgUnit, error) {
	out := make(map[string]*weijian.OrgUnit, len(codes))
	for start := 0; start < len(codes); start += 500 {
		chunk := codes[start:min(start+500, len(codes))]
		args := make([]any, len(chunk))
		for i, c := range chunk {
			args[i] = c
		}
		// Current units sort last, so they overwrite closed ones.
		us, err := s.unitsQ(ctx, q, false, "SELECT "+unitCols+" FROM org_unit u WHERE u.code IN ("+
			strings.TrimSuffix(strings.Repeat("?,", len(chunk)), ",")+") ORDER BY u.valid_to IS NULL, u.valid_to", args...)
		if err != nil {
			return nil, fmt.Errorf("load units by code: %w", err)
		}
		for _, u := range us {
			out[u.Code] = u
		}
	}
	return out, nil
}

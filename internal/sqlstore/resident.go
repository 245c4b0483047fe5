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

// personCols are the columns scanPerson reads, with the village and the
// responsible doctor joined.
const personCols = `p.county_code, p.id, p.doc_type, p.doc_number, p.doc_checked, p.name, p.sex, p.birth_date,
	p.village_id, v.code, v.name, p.village_path, p.address, p.phone, p.household, p.doctor_id,
	coalesce(d.display_name, ''), p.death_date, p.merged_into, p.source_id, p.version, p.created_at, p.updated_at`

const personFrom = ` FROM person p JOIN org_unit v ON v.id = p.village_id LEFT JOIN app_user d ON d.id = p.doctor_id`

func scanPerson(sc rowScanner) (*weijian.Person, error) {
	p := &weijian.Person{}
	var doc string
	err := sc.Scan(&p.County, &p.ID, &doc, strCol{&p.DocNumber}, &p.DocChecked, &p.Name, &p.Sex, timeCol{&p.BirthDate},
		&p.VillageID, &p.VillageCode, &p.VillageName, &p.VillagePath, &p.Address, &p.Phone, &p.Household, idCol{&p.DoctorID},
		&p.DoctorName, timeCol{&p.DeathDate}, idCol{&p.MergedInto}, strCol{&p.SourceID}, &p.Version,
		timeCol{&p.CreatedAt}, timeCol{&p.UpdatedAt})
	p.DocType = weijian.DocType(doc)
	return p, err
}

func (s *Store) persons(ctx context.Context, q string, args ...any) ([]*weijian.Person, error) {
	rows, err := s.query(ctx, q, args...)
	return collect(rows, err, scanPerson)
}

// residentScope is the condition keeping the persons (alias p) a scoped
// caller may see: the person lives in a village of the scope, or a
// facility of the scope enrolled or served them (DESIGN.md: a record is
// bound to the village and to the facility).
func residentScope(sc weijian.Scope) (string, []any) {
	if sc.All() {
		return "1=1", nil
	}
	if sc.Empty() {
		return "1=0", nil
	}
	var parts []string
	var args []any
	for _, path := range sc.Paths() {
		lo, hi := weijian.PathRange(path)
		parts = append(parts, "(p.village_path >= ? AND p.village_path < ?)",
			`EXISTS (SELECT 1 FROM service_event se WHERE se.county_code = p.county_code AND se.person_id = p.id
				AND se.org_path >= ? AND se.org_path < ?)`,
			`EXISTS (SELECT 1 FROM enrollment en WHERE en.county_code = p.county_code AND en.person_id = p.id
				AND en.org_path >= ? AND en.org_path < ?)`)
		args = append(args, lo, hi, lo, hi, lo, hi)
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

// scopeCounties returns the counties a restricted scope lies in (the first
// 6 digits of the codes of its roots at or below county level), so that a
// query names its county and Citus routes it to one shard; nil when the
// scope is unrestricted or reaches above a county.
func (s *Store) scopeCounties(ctx context.Context, sc weijian.Scope) ([]string, error) {
	if sc.All() || sc.Empty() {
		return nil, nil
	}
	var out []string
	for _, path := range sc.Paths() {
		ids := weijian.PathIDs(path)
		var code, level string
		err := s.queryRow(ctx, "SELECT code, level FROM org_unit WHERE id = ?", ids[len(ids)-1]).Scan(&code, &level)
		if err != nil {
			return nil, fmt.Errorf("scope root: %w", err)
		}
		if level == weijian.LevelProvince || level == weijian.LevelCity || len(code) < 6 {
			return nil, nil
		}
		out = append(out, code[:6])
	}
	return out, nil
}

func countyCond(counties []string) (string, []any) {
	if len(counties) == 0 {
		return "1=1", nil
	}
	args := make([]any, len(counties))
	for i, c := range counties {
		args[i] = c
	}
	return "p.county_code IN (" + strings.TrimSuffix(strings.Repeat("?,", len(counties)), ",") + ")", args
}

// errPersonNotFound is the answer for a person that does not exist or lies
// outside the caller's scope: the two are indistinguishable on purpose.
func errPersonNotFound(id int64) error {
	return weijian.NotFound(weijian.T(fmt.Sprintf("居民 #%d", id), fmt.Sprintf("resident #%d", id)))
}

// Person returns the person with id, if the caller's scope sees them.
func (s *Store) Person(ctx context.Context, sc weijian.Scope, id int64) (*weijian.Person, error) {
	cond, args := residentScope(sc)
	ps, err := s.persons(ctx, "SELECT "+personCols+personFrom+" WHERE p.id = ? AND "+cond, append([]any{id}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("person %d: %w", id, err)
	}
	if len(ps) == 0 {
		return nil, errPersonNotFound(id)
	}
	return ps[0], nil
}

// SearchPersons finds persons by ID number (or its start), phone, name or
// pinyin initials, within the caller's scope and its counties.
func (s *Store) SearchPersons(ctx context.Context, sc weijian.Scope, f weijian.PersonFilter) ([]*weijian.Person, int, error) {
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 50
	}
	counties, err := s.scopeCounties(ctx, sc)
	if err != nil {
		return nil, 0, err
	}
	where, args := countyCond(counties)
	if f.County != "" {
		where += " AND p.county_code = ?"
		args = append(args, f.County)
	}
	cond, cargs := residentScope(sc)
	where += " AND p.merged_into IS NULL AND " + cond
	args = append(args, cargs...)
	if q := strings.TrimSpace(f.Query); q != "" {
		c, a := personQuery(q)
		where += " AND " + c
		args = append(args, a...)
	}
	if f.Village != "" {
		where += " AND p.village_path >= ? AND p.village_path < ?"
		var path string
		if err := s.queryRow(ctx, "SELECT path FROM org_unit WHERE code = ? AND valid_to IS NULL", f.Village).Scan(&path); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return nil, 0, weijian.NotFound(weijian.T("区划 "+f.Village, "org unit "+f.Village))
			}
			return nil, 0, err
		}
		lo, hi := weijian.PathRange(path)
		args = append(args, lo, hi)
	}
	if f.DoctorID != 0 {
		where += " AND p.doctor_id = ?"
		args = append(args, f.DoctorID)
	}
	total := -1
	if f.WithTotal {
		if err := s.queryRow(ctx, "SELECT count(*) FROM person p WHERE "+where, args...).Scan(&total); err != nil {
			return nil, 0, err
		}
	}
	ps, err := s.persons(ctx, "SELECT "+personCols+personFrom+" WHERE "+where+
		" ORDER BY p.name, p.birth_date, p.id LIMIT ? OFFSET ?", append(args, limit, max(f.Offset, 0))...)
	return ps, total, err
}

// personQuery reads what the user typed: digits of 11 characters are a
// mobile phone; 6+ digits (with an X) the start of an ID number; ASCII
// letters pinyin initials; anything else the start of a name.
func personQuery(q string) (string, []any) {
	up := strings.ToUpper(q)
	digits := strings.Trim(up, "0123456789X") == ""
	switch {
	case digits && len(q) == 11 && up[0] == '1' && !strings.Contains(up, "X"):
		return "p.phone = ?", []any{q}
	case digits && len(q) >= 6:
		// ID-card numbers: doc_type is named so that the unique index
		// (county_code, doc_type, doc_number) serves the lookup.
		if len(up) >= 18 {
			return "p.doc_type = '01' AND p.doc_number = ?", []any{up}
		}
		return "(p.doc_type = '01' AND p.doc_number >= ? AND p.doc_number < ? OR p.phone = ?)", []any{up, up + "\x7f", q}
	case strings.Trim(strings.ToLower(q), "abcdefghijklmnopqrstuvwxyz") == "":
		lo := strings.ToLower(q)
		return "p.pinyin >= ? AND p.pinyin < ?", []any{lo, lo + "\x7f"}
	}
	return "p.name >= ? AND p.name < ?", []any{q, q + "\U0010FFFF"}
}

// personByDoc returns the person of the county with the document, if any.
func (s *Store) personByDoc(ctx context.Context, tx *Tx, county string, t weijian.DocType, number string) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, "SELECT id FROM person WHERE county_code = ? AND doc_type = ? AND doc_number = ?",
		county, string(t), number).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// villageOf resolves the village of p (by id or code) inside the caller's
// scope, and fills its code, path and the county.
func (s *Store) villageOf(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) *sql.Row
}, sc weijian.Scope, p *weijian.Person) error {
	var row *sql.Row
	if p.VillageID != 0 {
		row = q.QueryRow(ctx, "SELECT id, code, name, path, level FROM org_unit WHERE id = ?", p.VillageID)
	} else {
		row = q.QueryRow(ctx, "SELECT id, code, name, path, level FROM org_unit WHERE code = ? AND valid_to IS NULL", p.VillageCode)
	}
	var level string
	err := row.Scan(&p.VillageID, &p.VillageCode, &p.VillageName, &p.VillagePath, &level)
	if errors.Is(err, sql.ErrNoRows) || err == nil && (level != weijian.LevelVillage || !sc.Covers(p.VillagePath)) {
		return weijian.Invalid(weijian.T("现住址村（居）委会无效或不在您的管辖范围内", "the village is unknown, not a village, or outside your scope"),
			weijian.Issue{Field: weijian.FieldVillage, Value: p.VillageCode, Rule: "village",
				Msg: weijian.T("应为您管辖范围内的村（居）委会代码", "must be a village code inside your scope")})
	}
	if err != nil {
		return err
	}
	p.County = p.VillageCode[:6]
	return nil
}

// RegisterPerson stores a new person (see weijian.ResidentStore).
func (s *Store) RegisterPerson(ctx context.Context, sc weijian.Scope, a weijian.Actor, p *weijian.Person, force bool) ([]weijian.Duplicate, error) {
	if is := weijian.CheckPerson(p, s.today()); len(is) > 0 {
		return nil, weijian.Invalid(weijian.T("居民信息有误", "the resident's data are invalid"), is...)
	}
	var dups []weijian.Duplicate
	err := s.inTx(ctx, func(tx *Tx) error {
		if err := s.villageOf(ctx, tx, sc, p); err != nil {
			return err
		}
		if p.DocNumber != "" {
			id, err := s.personByDoc(ctx, tx, p.County, p.DocType, p.DocNumber)
			if err != nil {
				return err
			}
			if id != 0 {
				return duplicateDoc(p, id)
			}
		}
		if !force {
			var err error
			if dups, err = s.likelyDuplicates(ctx, tx, p); err != nil || len(dups) > 0 {
				return err
			}
		}
		ids, err := s.d.reserveIDs(ctx, tx, "person", 1)
		if err != nil {
			return err
		}
		p.ID, p.Version = ids[0], 1
		p.CreatedAt, p.UpdatedAt = s.now(), s.now()
		if err := tx.insertMany(ctx, "person", personInsertCols, [][]any{s.personRow(p)}); err != nil {
			if isUniqueViolation(err) {
				return weijian.Wrap(weijian.KindConflict, weijian.T("该居民已登记（证件号码或来源编号重复）",
					"this resident is already registered (same document or source id)"), err)
			}
			return err
		}
		return s.audit(ctx, tx, auditEntry(a, "resident.create", personTarget(p), "village="+p.VillageCode))
	})
	return dups, err
}

func duplicateDoc(p *weijian.Person, id int64) error {
	return &weijian.Error{Kind: weijian.KindConflict,
		Msg: weijian.T(fmt.Sprintf("本县已有证件号码相同的居民（#%d）", id),
			fmt.Sprintf("a resident with this document number is already registered in the county (#%d)", id)),
		Issues: []weijian.Issue{{Field: weijian.FieldIDNumber, Value: weijian.MaskDocument(p.DocType, p.DocNumber), Rule: "duplicate",
			Msg: weijian.T("证件号码已登记", "document number already registered")}}}
}

// likelyDuplicates finds persons of the county with the same name and
// birth date in the same village (a second record of one person, typically
// registered once without an ID number).
func (s *Store) likelyDuplicates(ctx context.Context, tx *Tx, p *weijian.Person) ([]weijian.Duplicate, error) {
	rows, err := tx.Query(ctx, "SELECT "+personCols+personFrom+
		` WHERE p.county_code = ? AND p.name = ? AND p.birth_date = ? AND p.village_id = ? AND p.merged_into IS NULL`,
		p.County, p.Name, dateVal(p.BirthDate), p.VillageID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []weijian.Duplicate
	for rows.Next() {
		d, err := scanPerson(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, weijian.Duplicate{Person: d, Reason: "name_birth_village"})
	}
	return out, rows.Err()
}

var personInsertCols = []string{"county_code", "id", "doc_type", "doc_number", "doc_checked", "name", "pinyin", "sex",
	"birth_date", "village_id", "village_path", "address", "phone", "household", "doctor_id", "death_date",
	"merged_into", "source_id", "version", "created_at", "updated_at"}

func (s *Store) personRow(p *weijian.Person) []any {
	return []any{p.County, p.ID, string(p.DocType), nullStr(p.DocNumber), p.DocChecked, p.Name, Initials(p.Name), p.Sex,
		dateVal(p.BirthDate), p.VillageID, p.VillagePath, p.Address, p.Phone, p.Household, nullID(p.DoctorID),
		dateVal(p.DeathDate), nullID(p.MergedInto), nullStr(p.SourceID), p.Version, s.d.stamp(p.CreatedAt), s.d.stamp(p.UpdatedAt)}
}

// UpdatePerson saves the changed fields of a person. Version must be the
// stored one (optimistic locking); the county never changes (a move to
// another county is a new registration there).
func (s *Store) UpdatePerson(ctx context.Context, sc weijian.Scope, a weijian.Actor, p *weijian.Person) error {
	old, err := s.Person(ctx, sc, p.ID)
	if err != nil {
		return err
	}
	if is := weijian.CheckPerson(p, s.today()); len(is) > 0 {
		return weijian.Invalid(weijian.T("居民信息有误", "the resident's data are invalid"), is...)
	}
	return s.inTx(ctx, func(tx *Tx) error {
		if err := s.villageOf(ctx, tx, sc, p); err != nil {
			return err
		}
		if p.County != old.County {
			return weijian.Invalid(weijian.T("迁往其他县的居民须在迁入县重新登记", "a move to another county is a new registration there"))
		}
		if old.VillagePath != p.VillagePath {
			// Every count of the person's rows moves to the new village.
			if err := tx.touchRules(ctx, old.County, nil, p.ID); err != nil {
				return err
			}
		}
		res, err := tx.Exec(ctx, `UPDATE person SET doc_type = ?, doc_number = ?, doc_checked = ?, name = ?, pinyin = ?, sex = ?,
			birth_date = ?, village_id = ?, village_path = ?, address = ?, phone = ?, household = ?, doctor_id = ?, death_date = ?,
			version = version + 1, updated_at = ? WHERE county_code = ? AND id = ? AND version = ?`,
			string(p.DocType), nullStr(p.DocNumber), p.DocChecked, p.Name, Initials(p.Name), p.Sex, dateVal(p.BirthDate),
			p.VillageID, p.VillagePath, p.Address, p.Phone, p.Household, nullID(p.DoctorID), dateVal(p.DeathDate),
			s.d.stamp(s.now()), old.County, p.ID, p.Version)
		if err != nil {
			if isUniqueViolation(err) {
				return duplicateDoc(p, 0)
			}
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return weijian.E(weijian.KindConflict, weijian.T("该居民信息已被他人修改，请刷新后重试",
				"someone else changed this resident meanwhile; reload and try again"))
		}
		if old.VillagePath != p.VillagePath {
			if _, err := tx.Exec(ctx, "UPDATE person_year SET village_path = ? WHERE county_code = ? AND person_id = ?",
				p.VillagePath, old.County, p.ID); err != nil {
				return err
			}
		}
		p.Version++
		return s.audit(ctx, tx, auditEntry(a, "resident.update", personTarget(p), changedFields(old, p)))
	})
}

// changedFields names the fields an update changed (not their values:
// the audit log itself holds no personal data).
func changedFields(old, p *weijian.Person) string {
	var ch []string
	for _, f := range []struct {
		name string
		same bool
	}{
		{"docNumber", old.DocType == p.DocType && old.DocNumber == p.DocNumber}, {"name", old.Name == p.Name},
		{"sex", old.Sex == p.Sex}, {"birthDate", old.BirthDate.Equal(p.BirthDate)}, {"village", old.VillageID == p.VillageID},
		{"address", old.Address == p.Address}, {"phone", old.Phone == p.Phone}, {"household", old.Household == p.Household},
		{"doctor", old.DoctorID == p.DoctorID}, {"deathDate", old.DeathDate.Equal(p.DeathDate)},
	} {
		if !f.same {
			ch = append(ch, f.name)
		}
	}
	return "changed=" + strings.Join(ch, ",")
}

// MergePersons folds dup into keep (see weijian.ResidentStore). Both must
// be visible to the caller and in one county.
func (s *Store) MergePersons(ctx context.Context, sc weijian.Scope, a weijian.Actor, keep, dup int64) error {
	if keep == dup {
		return weijian.Invalid(weijian.T("不能把居民与其本人合并", "cannot merge a resident with itself"))
	}
	k, err := s.Person(ctx, sc, keep)
	if err != nil {
		return err
	}
	d, err := s.Person(ctx, sc, dup)
	if err != nil {
		return err
	}
	if k.County != d.County || k.MergedInto != 0 || d.MergedInto != 0 {
		return weijian.Invalid(weijian.T("只能合并同一县内、尚未合并的两份档案", "only two unmerged records of one county can be merged"))
	}
	return s.inTx(ctx, func(tx *Tx) error {
		if err := tx.touchRules(ctx, k.County, nil, keep, dup); err != nil {
			return err
		}
		for _, q := range []string{
			"UPDATE enrollment SET person_id = ? WHERE county_code = ? AND person_id = ?",
			"UPDATE service_event SET person_id = ? WHERE county_code = ? AND person_id = ?",
		} {
			if _, err := tx.Exec(ctx, q, keep, k.County, dup); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, "DELETE FROM person_year WHERE county_code = ? AND person_id IN (?, ?)", k.County, keep, dup); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE person SET merged_into = ?, version = version + 1, updated_at = ?
			WHERE county_code = ? AND id = ?`, keep, s.d.stamp(s.now()), k.County, dup); err != nil {
			return err
		}
		if err := s.refreshYears(ctx, tx, k); err != nil {
			return err
		}
		return s.audit(ctx, tx, auditEntry(a, "resident.merge", personTarget(k), fmt.Sprintf("merged=%s/%d", d.County, d.ID)))
	})
}

// AuditResident records an entry about a resident (an unmasked view, an
// export of personal data).
func (s *Store) AuditResident(ctx context.Context, a weijian.Actor, action, target, detail string) error {
	return s.Audit(ctx, auditEntry(a, action, target, detail))
}

func auditEntry(a weijian.Actor, action, target, detail string) weijian.AuditEntry {
	return weijian.AuditEntry{UserID: a.UserID, Actor: a.Name, IP: a.IP, Action: action, Target: target, Detail: detail}
}

// personTarget names a person in the audit log by county and id (never by
// name or ID number: the log must not become a copy of personal data).
func personTarget(p *weijian.Person) string { return fmt.Sprintf("person:%s/%d", p.County, p.ID) }

// today is the store clock's date in China time, as a UTC midnight.
func (s *Store) today() time.Time {
	y, m, d := s.now().In(chinaTime).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

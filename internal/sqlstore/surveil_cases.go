package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/surveil"
)

// Case reports (传染病报告卡). A card is bound twice — to the village where
// the patient lives and to the facility that reported it — and a caller
// sees it when either lies in their scope.

const cardCols = `county_code, id, card_id, card_no, disease, subtype, case_class, acute_chronic, patient_name,
	parent_name, id_number, sex, birth_date, age_text, occupation, belongs, work_unit, phone, address_code,
	address_detail, address_unit_id, address_path, town_id, county_id, facility_code, facility_id, facility_path,
	doctor, onset_date, diagnosed_at, death_date, reported_at, remark, status, version, verified_at, verified_by,
	duplicate_of, withdraw_reason, created_at, updated_at, person_id`

var cardColList = strings.Fields(strings.ReplaceAll(cardCols, ",", " "))

func (s *Store) cardValues(r *surveil.CaseReport) []any {
	return []any{r.CountyCode, r.ID, nullStr(r.CardID), r.CardNo, r.Disease, r.Subtype, r.CaseClass, r.AcuteChronic,
		r.PatientName, r.ParentName, r.IDNumber, r.Sex, pdate(r.BirthDate), r.AgeText, r.Occupation, r.Belongs,
		r.WorkUnit, r.Phone, r.AddressCode, r.AddressDetail, r.AddressUnitID, r.AddressPath, nullID(r.TownID),
		r.CountyID, r.FacilityCode, r.FacilityID, r.FacilityPath, r.Doctor, pdate(r.OnsetDate), s.d.stamp(r.DiagnosedAt),
		pdate(r.DeathDate), s.d.stamp(r.ReportedAt), r.Remark, r.Status, r.Version, s.d.stamp(r.VerifiedAt),
		r.VerifiedBy, nullID(r.DuplicateOf), r.WithdrawReason, s.d.stamp(r.CreatedAt), s.d.stamp(r.UpdatedAt), nullID(r.PersonID)}
}

func scanCard(row rowScanner) (*surveil.CaseReport, error) {
	r := new(surveil.CaseReport)
	err := row.Scan(&r.CountyCode, &r.ID, strCol{&r.CardID}, &r.CardNo, &r.Disease, &r.Subtype, &r.CaseClass,
		&r.AcuteChronic, &r.PatientName, &r.ParentName, &r.IDNumber, &r.Sex, dateCol{&r.BirthDate}, &r.AgeText,
		&r.Occupation, &r.Belongs, &r.WorkUnit, &r.Phone, &r.AddressCode, &r.AddressDetail, &r.AddressUnitID,
		&r.AddressPath, idCol{&r.TownID}, &r.CountyID, &r.FacilityCode, &r.FacilityID, &r.FacilityPath, &r.Doctor,
		dateCol{&r.OnsetDate}, timeCol{&r.DiagnosedAt}, dateCol{&r.DeathDate}, timeCol{&r.ReportedAt}, &r.Remark,
		&r.Status, &r.Version, timeCol{&r.VerifiedAt}, &r.VerifiedBy, idCol{&r.DuplicateOf}, &r.WithdrawReason,
		timeCol{&r.CreatedAt}, timeCol{&r.UpdatedAt}, idCol{&r.PersonID})
	return r, err
}

// pdate is the stored form of a date: "2006-01-02", or NULL for the zero date.
func pdate(d period.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// dateCol scans a date column into a period.Date; NULL scans to zero.
type dateCol struct{ p *period.Date }

func (c dateCol) Scan(v any) error {
	var t time.Time
	if err := (timeCol{&t}).Scan(v); err != nil {
		return err
	}
	if t.IsZero() {
		*c.p = period.Date{}
	} else {
		*c.p = period.DateOf(t)
	}
	return nil
}

// cardScope is the condition keeping the cards a caller may see: the
// patient's address or the reporting facility in the scope.
func cardScope(sc weijian.Scope, alias string) (string, []any) {
	return pathsCond(sc, alias+".address_path", alias+".facility_path")
}

// pathsCond keeps the rows one of whose path columns lies in the scope.
func pathsCond(sc weijian.Scope, cols ...string) (string, []any) {
	if sc.All() {
		return "1=1", nil
	}
	if sc.Empty() {
		return "1=0", nil
	}
	var parts []string
	var args []any
	for _, p := range sc.Paths() {
		lo, hi := weijian.PathRange(p)
		for _, c := range cols {
			parts = append(parts, "("+c+" >= ? AND "+c+" < ?)")
			args = append(args, lo, hi)
		}
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

var errCardNotFound = weijian.NotFound(weijian.T("传染病报告卡", "case report"))

// Report returns the card with id, if the caller may see it.
func (s *Store) Report(ctx context.Context, sc weijian.Scope, id int64) (*surveil.CaseReport, error) {
	return s.reportQ(ctx, s.db, sc, id, "")
}

func (s *Store) reportQ(ctx context.Context, q querier, sc weijian.Scope, id int64, lock string) (*surveil.CaseReport, error) {
	cond, args := cardScope(sc, "c")
	r, err := scanCard(q.QueryRowContext(ctx, s.q("SELECT "+prefixCols("c", cardColList)+" FROM case_report c WHERE c.id = ? AND "+cond+lock),
		append([]any{id}, args...)...))
	if err == sql.ErrNoRows {
		return nil, errCardNotFound
	}
	return r, err
}

func prefixCols(alias string, cols []string) string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = alias + "." + c
	}
	return strings.Join(out, ", ")
}

// ListReports returns one page of the cards matching f, newest report first,
// and the number of all matches.
func (s *Store) ListReports(ctx context.Context, sc weijian.Scope, f surveil.ReportFilter) ([]*surveil.CaseReport, int, error) {
	cond, args := cardScope(sc, "c")
	where := []string{cond}
	add := func(c string, a ...any) { where = append(where, c); args = append(args, a...) }
	if f.Disease != "" {
		add("c.disease = ?", f.Disease)
	}
	if f.Status != "" {
		add("c.status = ?", f.Status)
	}
	if f.Area != "" {
		lo, hi := weijian.PathRange(f.Area)
		add("c.address_path >= ? AND c.address_path < ?", lo, hi)
	}
	if f.Facility != "" {
		add("c.facility_code = ?", f.Facility)
	}
	if !f.From.IsZero() {
		add("c.reported_at >= ?", s.d.stamp(f.From.In(surveil.China)))
	}
	if !f.To.IsZero() {
		add("c.reported_at < ?", s.d.stamp(f.To.AddDays(1).In(surveil.China)))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		add("(c.patient_name = ? OR c.card_no = ? OR c.card_id = ?)", q, q, q)
	}
	if f.Unverified {
		add("c.verified_at IS NULL AND c.status = 'active'")
	}
	if f.Duplicates {
		add("c.duplicate_of IS NOT NULL")
	}
	if f.Person != 0 {
		add("c.person_id = ?", f.Person)
	}
	if f.County != "" {
		add("c.county_code = ?", f.County)
	}
	w := strings.Join(where, " AND ")
	var total int
	if err := s.queryRow(ctx, "SELECT count(*) FROM case_report c WHERE "+w, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 || limit > 10000 {
		limit = 50
	}
	rows, err := s.query(ctx, "SELECT "+prefixCols("c", cardColList)+" FROM case_report c WHERE "+w+
		" ORDER BY c.reported_at DESC, c.id DESC LIMIT ? OFFSET ?", append(args, limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*surveil.CaseReport
	for rows.Next() {
		r, err := scanCard(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// ReportHistory returns every version of a card, oldest first.
func (s *Store) ReportHistory(ctx context.Context, sc weijian.Scope, id int64) ([]surveil.HistoryEntry, error) {
	r, err := s.Report(ctx, sc, id)
	if err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, `SELECT version, action, at, actor, reason, snapshot FROM case_report_history
		WHERE county_code = ? AND report_id = ? ORDER BY seq`, r.CountyCode, r.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []surveil.HistoryEntry
	for rows.Next() {
		var h surveil.HistoryEntry
		if err := rows.Scan(&h.Version, &h.Action, timeCol{&h.At}, &h.Actor, &h.Reason, &h.Snapshot); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// history appends a version of r to its history.
func (s *Store) history(ctx context.Context, tx *Tx, r *surveil.CaseReport, action, actor, reason string) error {
	snap, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO case_report_history (county_code, report_id, seq, version, action, at, actor, reason, snapshot)
		VALUES (?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM case_report_history WHERE county_code = ? AND report_id = ?), ?, ?, ?, ?, ?, ?)`,
		r.CountyCode, r.ID, r.CountyCode, r.ID, r.Version, action, s.d.stamp(s.now()), actor, reason, string(snap))
	return err
}

// SaveReports stores a batch of cards in one transaction (see surveil.Store).
func (s *Store) SaveReports(ctx context.Context, cards []*surveil.CaseReport, opt surveil.SaveOptions) (surveil.SaveSummary, error) {
	sum := surveil.SaveSummary{Rows: len(cards)}
	err := s.inTx(ctx, func(tx *Tx) error {
		sum = surveil.SaveSummary{Rows: len(cards)}
		return s.saveReports(ctx, tx, cards, opt, &sum)
	})
	if err != nil {
		return surveil.SaveSummary{Rows: len(cards)}, err
	}
	s.analyzeAfter(ctx, sum.Inserted, "case_report", "surveil_count")
	return sum, nil
}

func (s *Store) saveReports(ctx context.Context, tx *Tx, cards []*surveil.CaseReport, opt surveil.SaveOptions, sum *surveil.SaveSummary) error {
	stored, err := s.storedCards(ctx, tx, cards)
	if err != nil {
		return err
	}
	if err := s.linkPersons(ctx, tx, cards); err != nil {
		return err
	}
	now := s.now()
	var fresh []*surveil.CaseReport
	var issues []weijian.Issue
	counts := countDelta{}
	for i, r := range cards {
		old := stored[cardKey{r.CountyCode, r.CardID}]
		if r.CardID == "" || old == nil {
			if r.Status == "" {
				r.Status = surveil.StatusActive
			}
			r.Version, r.CreatedAt, r.UpdatedAt = 1, now, now
			fresh = append(fresh, r)
			continue
		}
		switch {
		case sameCard(old, r):
			sum.Unchanged++
			sum.IDs = append(sum.IDs, old.ID)
		case old.Status == surveil.StatusWithdrawn:
			issues = append(issues, weijian.Issue{Row: rowOf(opt, i, r), Field: "卡片ID", Value: r.CardID, Rule: "withdrawn_card",
				Msg: weijian.T("该卡已删除（退卡），不能再订正", "the card was withdrawn and cannot be corrected")})
		default:
			counts.card(old, -1)
			keepCardMeta(r, old, now)
			counts.card(r, +1)
			if err := s.updateCard(ctx, tx, r); err != nil {
				return err
			}
			action := "correct"
			if r.Status == surveil.StatusWithdrawn {
				action = "withdraw"
				sum.Withdrawn++
			} else {
				sum.Updated++
			}
			if err := s.history(ctx, tx, r, action, opt.Actor, firstNonEmpty(r.WithdrawReason, opt.Reason)); err != nil {
				return err
			}
			sum.IDs = append(sum.IDs, r.ID)
		}
	}
	if len(issues) > 0 {
		return weijian.Invalid(weijian.T("有已删除的卡片被再次订正，整批未导入", "withdrawn cards were corrected again: nothing was stored"), issues...)
	}
	if err := s.insertCards(ctx, tx, fresh, opt, sum); err != nil {
		return err
	}
	for _, r := range fresh {
		counts.card(r, +1)
	}
	return s.applyCounts(ctx, tx, counts)
}

func rowOf(opt surveil.SaveOptions, i int, r *surveil.CaseReport) int {
	if r.Row() > 0 {
		return r.Row()
	}
	return i + 2
}

func firstNonEmpty(a ...string) string {
	for _, s := range a {
		if s != "" {
			return s
		}
	}
	return ""
}

// keepCardMeta carries the stored identity, verification and history
// fields over to a correction.
func keepCardMeta(r, old *surveil.CaseReport, now time.Time) {
	r.ID, r.Version, r.CreatedAt, r.UpdatedAt = old.ID, old.Version+1, old.CreatedAt, now
	if r.VerifiedAt.IsZero() {
		r.VerifiedAt, r.VerifiedBy = old.VerifiedAt, old.VerifiedBy
	}
	if r.Status == "" {
		r.Status = surveil.StatusActive
	}
	r.DuplicateOf = old.DuplicateOf
}

// sameCard compares the fields a file carries.
func sameCard(a, b *surveil.CaseReport) bool {
	x, y := *a, *b
	for _, c := range []*surveil.CaseReport{&x, &y} {
		c.ID, c.Version, c.CreatedAt, c.UpdatedAt, c.DuplicateOf, c.PersonID = 0, 0, time.Time{}, time.Time{}, 0, 0
		c.AddressLevel, c.Line, c.FacilityName, c.FacilityArea = "", 0, "", ""
		c.DiagnosedAt, c.ReportedAt, c.VerifiedAt = c.DiagnosedAt.UTC(), c.ReportedAt.UTC(), c.VerifiedAt.UTC()
		if c.Status == "" {
			c.Status = surveil.StatusActive
		}
	}
	if y.VerifiedAt.IsZero() {
		y.VerifiedAt, y.VerifiedBy = x.VerifiedAt, x.VerifiedBy
	}
	return x == y
}

type cardKey struct{ county, cardID string }

// storedCards reads the stored cards with the batch's 卡片IDs.
func (s *Store) storedCards(ctx context.Context, tx *Tx, cards []*surveil.CaseReport) (map[cardKey]*surveil.CaseReport, error) {
	byCounty := map[string][]any{}
	for _, r := range cards {
		if r.CardID != "" {
			byCounty[r.CountyCode] = append(byCounty[r.CountyCode], r.CardID)
		}
	}
	out := map[cardKey]*surveil.CaseReport{}
	for county, ids := range byCounty {
		for start := 0; start < len(ids); start += 500 {
			chunk := ids[start:min(start+500, len(ids))]
			rows, err := tx.Query(ctx, "SELECT "+cardCols+" FROM case_report WHERE county_code = ? AND card_id IN ("+
				placeholders(len(chunk))+")", append([]any{county}, chunk...)...)
			if err != nil {
				return nil, err
			}
			for rows.Next() {
				r, err := scanCard(rows)
				if err != nil {
					rows.Close()
					return nil, err
				}
				out[cardKey{r.CountyCode, r.CardID}] = r
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?,", n), ",") }

func (s *Store) updateCard(ctx context.Context, tx *Tx, r *surveil.CaseReport) error {
	vals := s.cardValues(r)
	sets := make([]string, 0, len(cardColList))
	args := make([]any, 0, len(vals)+2)
	for i, c := range cardColList {
		if c == "county_code" || c == "id" {
			continue
		}
		sets = append(sets, c+" = ?")
		args = append(args, vals[i])
	}
	_, err := tx.Exec(ctx, "UPDATE case_report SET "+strings.Join(sets, ", ")+" WHERE county_code = ? AND id = ?",
		append(args, r.CountyCode, r.ID)...)
	return err
}

// insertCards inserts new cards with fresh ids, flags possible duplicates
// and writes their first history entries.
func (s *Store) insertCards(ctx context.Context, tx *Tx, fresh []*surveil.CaseReport, opt surveil.SaveOptions, sum *surveil.SaveSummary) error {
	if len(fresh) == 0 {
		return nil
	}
	ids, err := s.d.reserveIDs(ctx, tx, "case_report", len(fresh))
	if err != nil {
		return err
	}
	for i, r := range fresh {
		r.ID = ids[i]
	}
	n, err := s.flagDuplicates(ctx, tx, fresh, opt.Catalogue)
	if err != nil {
		return err
	}
	sum.Duplicates += n
	rows := make([][]any, len(fresh))
	hist := make([][]any, len(fresh))
	at := s.d.stamp(s.now())
	for i, r := range fresh {
		rows[i] = s.cardValues(r)
		snap, err := json.Marshal(r)
		if err != nil {
			return err
		}
		hist[i] = []any{r.CountyCode, r.ID, 1, 1, "create", at, opt.Actor, "", string(snap)}
		sum.IDs = append(sum.IDs, r.ID)
		if opt.Progress != nil && (i+1)%2000 == 0 {
			opt.Progress(i+1, len(fresh))
		}
	}
	if err := tx.insertMany(ctx, "case_report", cardColList, rows); err != nil {
		return err
	}
	sum.Inserted += len(fresh)
	return tx.insertMany(ctx, "case_report_history",
		[]string{"county_code", "report_id", "seq", "version", "action", "at", "actor", "reason", "snapshot"}, hist)
}

// person identifies a patient for the duplicate check: the ID number when
// there is one, else name, sex and birth date (or age text).
func person(r *surveil.CaseReport) string {
	if r.IDNumber != "" {
		return r.CountyCode + "|" + r.Disease + "|id:" + r.IDNumber
	}
	return r.CountyCode + "|" + r.Disease + "|" + r.PatientName + "|" + fmt.Sprint(r.Sex) + "|" + r.BirthDate.String() + r.AgeText
}

// flagDuplicates sets DuplicateOf on each new card that has an earlier
// active card (stored or in the batch) of the same person and disease
// within the disease's window; it returns how many it flagged.
func (s *Store) flagDuplicates(ctx context.Context, tx *Tx, fresh []*surveil.CaseReport, cat *surveil.Catalogue) (int, error) {
	if cat == nil {
		var err error
		if cat, err = surveil.LoadCatalogue(); err != nil {
			return 0, err
		}
	}
	seen := map[string][]*surveil.CaseReport{}
	byCounty := map[string]map[string]bool{}
	for _, r := range fresh {
		if byCounty[r.CountyCode] == nil {
			byCounty[r.CountyCode] = map[string]bool{}
		}
		byCounty[r.CountyCode][r.PatientName] = true
	}
	for county, names := range byCounty {
		list := make([]any, 0, len(names))
		for n := range names {
			list = append(list, n)
		}
		for start := 0; start < len(list); start += 500 {
			chunk := list[start:min(start+500, len(list))]
			rows, err := tx.Query(ctx, "SELECT "+cardCols+" FROM case_report WHERE county_code = ? AND status = 'active' AND patient_name IN ("+
				placeholders(len(chunk))+")", append([]any{county}, chunk...)...)
			if err != nil {
				return 0, err
			}
			for rows.Next() {
				r, err := scanCard(rows)
				if err != nil {
					rows.Close()
					return 0, err
				}
				seen[person(r)] = append(seen[person(r)], r)
			}
			rows.Close()
		}
	}
	order := append([]*surveil.CaseReport(nil), fresh...)
	sort.SliceStable(order, func(i, j int) bool { return order[i].OnsetDate.Before(order[j].OnsetDate) })
	n := 0
	for _, r := range order {
		if r.Status != surveil.StatusActive {
			continue
		}
		window := int(surveil.DuplicateWindow(cat.Disease(r.Disease)).Hours() / 24)
		k := person(r)
		for _, o := range seen[k] {
			d := r.OnsetDate.DaysSince(o.OnsetDate)
			if d < 0 {
				d = -d
			}
			if d <= window {
				r.DuplicateOf = o.ID
				n++
				break
			}
		}
		seen[k] = append(seen[k], r)
	}
	return n, nil
}

// CorrectReport replaces a card (订正) if it is still at r.Version.
func (s *Store) CorrectReport(ctx context.Context, sc weijian.Scope, r *surveil.CaseReport, actor, reason string) error {
	return s.inTx(ctx, func(tx *Tx) error {
		old, err := s.reportQ(ctx, tx.tx, sc, r.ID, s.forUpdate())
		if err != nil {
			return err
		}
		if err := checkChange(old, r.Version); err != nil {
			return err
		}
		if old.CountyCode != r.CountyCode {
			return weijian.Invalid(weijian.T("订正不能把现住址改到其他县区；请删除此卡，由新县区重新报告",
				"a correction cannot move the address to another county: withdraw the card and report it there"))
		}
		counts := countDelta{}
		counts.card(old, -1)
		r.CardID, r.Status = old.CardID, surveil.StatusActive
		keepCardMeta(r, old, s.now())
		if err := s.linkPersons(ctx, tx, []*surveil.CaseReport{r}); err != nil {
			return err
		}
		counts.card(r, +1)
		if err := s.updateCard(ctx, tx, r); err != nil {
			return err
		}
		if err := s.history(ctx, tx, r, "correct", actor, reason); err != nil {
			return err
		}
		return s.applyCounts(ctx, tx, counts)
	})
}

// checkChange refuses changes to a withdrawn card and to a stale version.
func checkChange(old *surveil.CaseReport, version int) error {
	if old.Status == surveil.StatusWithdrawn {
		return weijian.E(weijian.KindConflict, weijian.T("该卡已删除（退卡），不能再修改", "the card was withdrawn and cannot be changed"))
	}
	if version != 0 && version != old.Version {
		return weijian.E(weijian.KindConflict, weijian.T(
			fmt.Sprintf("该卡已被他人修改（当前第%d版），请刷新后重试", old.Version),
			fmt.Sprintf("the card was changed meanwhile (now version %d): reload and try again", old.Version)))
	}
	return nil
}

// forUpdate locks the row read on PostgreSQL (SQLite's write transaction
// already holds the database lock).
func (s *Store) forUpdate() string {
	if s.d.name == "postgres" {
		return " FOR UPDATE"
	}
	return ""
}

// WithdrawReport withdraws a card (删除/退卡); the counts drop it.
func (s *Store) WithdrawReport(ctx context.Context, sc weijian.Scope, id int64, actor, reason string) error {
	if strings.TrimSpace(reason) == "" {
		return weijian.Invalid(weijian.T("请填写删除原因", "give the reason for the withdrawal"),
			weijian.Issue{Field: "reason", Rule: "required", Msg: weijian.T("请填写删除原因", "give the reason for the withdrawal")})
	}
	return s.inTx(ctx, func(tx *Tx) error {
		old, err := s.reportQ(ctx, tx.tx, sc, id, s.forUpdate())
		if err != nil {
			return err
		}
		if err := checkChange(old, 0); err != nil {
			return err
		}
		counts := countDelta{}
		counts.card(old, -1)
		old.Status, old.WithdrawReason, old.Version, old.UpdatedAt = surveil.StatusWithdrawn, reason, old.Version+1, s.now()
		if _, err := tx.Exec(ctx, `UPDATE case_report SET status = ?, withdraw_reason = ?, version = ?, updated_at = ?
			WHERE county_code = ? AND id = ?`, old.Status, reason, old.Version, s.d.stamp(old.UpdatedAt), old.CountyCode, old.ID); err != nil {
			return err
		}
		if err := s.history(ctx, tx, old, "withdraw", actor, reason); err != nil {
			return err
		}
		return s.applyCounts(ctx, tx, counts)
	})
}

// VerifyReport records the county CDC's verification (审核) of a card.
func (s *Store) VerifyReport(ctx context.Context, sc weijian.Scope, id int64, actor string) error {
	return s.inTx(ctx, func(tx *Tx) error {
		old, err := s.reportQ(ctx, tx.tx, sc, id, s.forUpdate())
		if err != nil {
			return err
		}
		if err := checkChange(old, 0); err != nil {
			return err
		}
		if !old.VerifiedAt.IsZero() {
			return weijian.E(weijian.KindConflict, weijian.T("该卡已审核", "the card is already verified"))
		}
		old.VerifiedAt, old.VerifiedBy, old.UpdatedAt = s.now(), actor, s.now()
		if _, err := tx.Exec(ctx, `UPDATE case_report SET verified_at = ?, verified_by = ?, updated_at = ? WHERE county_code = ? AND id = ?`,
			s.d.stamp(old.VerifiedAt), actor, s.d.stamp(old.UpdatedAt), old.CountyCode, old.ID); err != nil {
			return err
		}
		return s.history(ctx, tx, old, "verify", actor, "")
	})
}

// TaggedCards returns a county's active cards whose remark starts with
// prefix (the cases of known outbreaks, for the specificity evaluation).
func (s *Store) TaggedCards(ctx context.Context, county, prefix string) ([]*surveil.CaseReport, error) {
	rows, err := s.query(ctx, "SELECT "+cardCols+" FROM case_report WHERE county_code = ? AND status = 'active' AND substr(remark, 1, ?) = ?",
		county, len([]rune(prefix)), prefix)
	return collect(rows, err, scanCard)
}

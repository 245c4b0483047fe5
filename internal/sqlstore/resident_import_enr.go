package sqlstore

import (
	"context"
	"fmt"

	"github.com/weijian-health/weijian"
)

// ImportEnrollments enrolls many persons in one transaction, each row
// checked as Enroll does (the person in the scope, a serving unit in the
// scope, one open enrollment per programme, the programme's eligibility
// and attributes); a source id already stored is recognised and skipped.
func (s *Store) ImportEnrollments(ctx context.Context, sc weijian.Scope, a weijian.Actor, rows []weijian.EnrollmentRow,
	opt weijian.ResidentImportOptions) (weijian.ResidentImportReport, error) {
	rep := weijian.ResidentImportReport{Rows: len(rows)}
	var chk importCheck
	counties, err := s.scopeCounties(ctx, sc)
	if err != nil {
		return rep, err
	}
	err = s.inTx(ctx, func(tx *Tx) error {
		docs, orgCodes, sources := importKeys(len(rows), func(i int) (*string, string, string) {
			return &rows[i].DocNumber, rows[i].Enrollment.OrgCode, rows[i].Enrollment.SourceID
		})
		lk, err := s.importLookups(ctx, tx, sc, counties, "enrollment", docs, orgCodes, sources)
		if err != nil {
			return err
		}
		people, units, enrs := lk.people, lk.units, lk.enrs
		var fresh []*weijian.Enrollment
		open := map[string]int{} // person/programme enrolled earlier in the file
		for i := range rows {
			r := &rows[i]
			p, e := people[r.DocNumber], &r.Enrollment
			if p == nil {
				chk.add(i, r.Line, weijian.FieldIDNumber, weijian.MaskDocument(r.DocType, r.DocNumber), "person",
					weijian.T("未找到该居民（或不在您的管辖范围内）", "resident not found (or outside your scope)"))
				continue
			}
			if _, ok := lk.known[p.County+"\x00"+e.SourceID]; ok && e.SourceID != "" {
				rep.Existing++
				continue
			}
			u, ok := units[e.OrgCode]
			if e.OrgCode == "" || !ok || !sc.Covers(u.path) {
				chk.add(i, r.Line, "org_unit", e.OrgCode, "scope", weijian.T("登记机构代码无效或不在您的管辖范围内",
					"the enrolling unit is unknown or outside your scope"))
				continue
			}
			e.PersonID, e.County, e.OrgUnitID, e.OrgPath = p.ID, p.County, u.id, u.path
			key := fmt.Sprintf("%d/%s", p.ID, e.Programme)
			line, again := open[key]
			is := s.enrollmentIssues(p, e, enrs[p.ID][e.Programme], line, again)
			for _, x := range is {
				chk.add(i, r.Line, x.Field, x.Value, x.Rule, x.Msg)
			}
			if len(is) == 0 {
				open[key] = r.Line
				fresh = append(fresh, e)
			}
		}
		if err := chk.verdict(&rep, opt, weijian.T("项目登记", "the enrollments")); err != nil || opt.DryRun {
			return err
		}
		ids, err := s.d.reserveIDs(ctx, tx, "enrollment", len(fresh))
		if err != nil {
			return err
		}
		out := make([][]any, len(fresh))
		now := s.now()
		for k, e := range fresh {
			e.ID, e.CreatedAt = ids[k], now
			out[k] = s.enrollmentRow(e, a.UserID)
		}
		if err := tx.touchMany(ctx, byPersonID(people), enrollmentKeys(fresh)); err != nil {
			return err
		}
		if err := tx.insertMany(ctx, "enrollment", enrollmentInsertCols, out); err != nil {
			return err
		}
		if err := s.enrollmentYears(ctx, tx, people, enrs, fresh); err != nil {
			return err
		}
		rep.Inserted = len(fresh)
		return s.audit(ctx, tx, auditEntry(a, "enrollment.import", "enrollments", fmt.Sprintf("rows=%d inserted=%d existing=%d rejected=%d",
			rep.Rows, rep.Inserted, rep.Existing, rep.Rejected)))
	})
	return rep, err
}

// enrollmentIssues checks one imported enrollment: its date against the
// person's life, no open enrollment in the programme stored (stored) or
// earlier in the file (again, at line), then the programme's rules.
func (s *Store) enrollmentIssues(p *weijian.Person, e *weijian.Enrollment, stored []*weijian.Enrollment, line int, again bool) []weijian.Issue {
	is := s.checkDates(p, e.EnrolledOn, nil)
	for _, o := range stored {
		if o.EndedOn.IsZero() {
			is = append(is, weijian.Issue{Field: "programme", Value: e.Programme, Rule: "enrolled",
				Msg: weijian.T("该居民已在此项目中登记", "the resident is already enrolled in this programme")})
		}
	}
	if again {
		is = append(is, weijian.Issue{Field: "programme", Value: e.Programme, Rule: "enrolled",
			Msg: weijian.T(fmt.Sprintf("与第%d行重复登记", line), fmt.Sprintf("enrolled already in row %d", line))})
	}
	if s.rules != nil && len(is) == 0 {
		is = append(is, s.rules.CheckEnrollment(p, e, s.today())...)
	}
	return is
}

// enrollmentYears recomputes the year statuses of the person-programmes
// the new enrollments touch, once each, from their enrollments (the
// stored ones in enrs, to which the new ones are added) and stored events.
func (s *Store) enrollmentYears(ctx context.Context, tx *Tx, people map[string]*weijian.Person,
	enrs map[int64]map[string][]*weijian.Enrollment, fresh []*weijian.Enrollment) error {
	touched := map[personProg]bool{}
	var keys []personProg
	for _, e := range fresh {
		k := personProg{e.PersonID, e.Programme}
		if enrs[k.person] == nil {
			enrs[k.person] = map[string][]*weijian.Enrollment{}
		}
		if !touched[k] {
			touched[k] = true
			keys = append(keys, k)
		}
		enrs[k.person][k.prog] = append(enrs[k.person][k.prog], e)
	}
	byID := byPersonID(people)
	evs, err := priorEvents(ctx, tx, byID, keys)
	if err != nil {
		return err
	}
	return s.replaceYears(ctx, tx, byID, keys, func(k personProg) []*weijian.Enrollment { return enrs[k.person][k.prog] }, evs)
}

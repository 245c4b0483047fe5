package sqlstore_test

import (
	"strings"
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/ident"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

// residentClock is the day the resident tests run on.
var residentClock = time.Date(2024, 6, 15, 10, 0, 0, 0, time.UTC)

var tester = weijian.Actor{UserID: 0, Name: "tester", IP: "127.0.0.1"}

// The test county: 海安市 with its towns and villages.
const (
	village1 = "320685100001" // 中坝社区居委会, 海安镇
	village2 = "320685101001" // 东城社区居委会, 城东镇
	town1    = "320685100000"
	town2    = "320685101000"
)

func residentStore(t *testing.T, fn func(t *testing.T, s *sqlstore.Store)) {
	sqltest.Each(t, sqltest.Options{Now: func() time.Time { return residentClock }}, func(t *testing.T, s *sqlstore.Store) {
		importFile(t, s, "jiangsu_nantong_haian_320685_2021.csv")
		fn(t, s)
	})
}

func idNumber(t *testing.T, birth string, seq int) string {
	t.Helper()
	d, err := period.ParseDate(birth)
	if err != nil {
		t.Fatal(err)
	}
	id, err := ident.GenerateIDNumber("320685", d, seq)
	if err != nil {
		t.Fatal(err)
	}
	return id.String()
}

func register(t *testing.T, s *sqlstore.Store, name, birth string, seq int, village string) *weijian.Person {
	t.Helper()
	p := &weijian.Person{DocType: weijian.DocIDCard, DocNumber: idNumber(t, birth, seq), Name: name,
		VillageCode: village, Phone: "13800001234", Address: "3组12号"}
	if dups, err := s.RegisterPerson(ctx, all, tester, p, false); err != nil || len(dups) > 0 {
		t.Fatalf("register %s: %v %v", name, dups, err)
	}
	return p
}

func scopeOf(t *testing.T, s *sqlstore.Store, code string) weijian.Scope {
	t.Helper()
	u, err := s.OrgUnit(ctx, all, code)
	if err != nil {
		t.Fatal(err)
	}
	return weijian.ScopeOf(u.Path)
}

func unitID(t *testing.T, s *sqlstore.Store, code string) int64 {
	t.Helper()
	u, err := s.OrgUnit(ctx, all, code)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func fieldRules(err error) string {
	var rules []string
	for _, is := range weijian.ErrorIssues(err) {
		rules = append(rules, is.Field+":"+is.Rule)
	}
	return strings.Join(rules, ",")
}

func TestRegisterAndFindPerson(t *testing.T) {
	residentStore(t, func(t *testing.T, s *sqlstore.Store) {
		p := register(t, s, "张三丰", "1950-03-04", 11, village1)
		if p.County != "320685" || p.Sex != 1 || p.BirthDate.Format(time.DateOnly) != "1950-03-04" || !p.DocChecked {
			t.Fatalf("registered %+v: want county 320685, male, born 1950-03-04, checked", p)
		}
		for _, q := range []string{p.DocNumber, p.DocNumber[:10], "张三", "zsf", "13800001234"} {
			found, _, err := s.SearchPersons(ctx, all, weijian.PersonFilter{Query: q})
			if err != nil {
				t.Fatal(err)
			}
			if len(found) != 1 || found[0].ID != p.ID || found[0].VillageName != "中坝社区居委会" {
				t.Errorf("search %q found %v, want 张三丰", q, found)
			}
		}
		// A township user of another town neither finds nor opens the person.
		other := scopeOf(t, s, town2)
		if found, _, err := s.SearchPersons(ctx, other, weijian.PersonFilter{Query: "张三丰"}); err != nil || len(found) != 0 {
			t.Errorf("other town finds %v (%v), want nothing", found, err)
		}
		_, err := s.Person(ctx, other, p.ID)
		if weijian.ErrorKind(err) != weijian.KindNotFound {
			t.Errorf("other town opens the person: %v, want not found", err)
		}
		_, err = s.Person(ctx, other, 999999)
		if weijian.ErrorMessage(err, "en") == weijian.ErrorMessage(nil, "en") || strings.Contains(weijian.ErrorMessage(err, "en"), "scope") {
			t.Errorf("not-found message %q hints at scope", weijian.ErrorMessage(err, "en"))
		}
	})
}

func TestRegisterRejectsBadInput(t *testing.T) {
	residentStore(t, func(t *testing.T, s *sqlstore.Store) {
		good := idNumber(t, "1960-01-01", 12)
		bad := good[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", good[17])+1)%11])
		cases := []struct {
			name string
			p    weijian.Person
			want string
		}{
			{"checksum", weijian.Person{DocNumber: bad, Name: "李四", VillageCode: village1}, "idNumber:checksum"},
			{"future birth", weijian.Person{DocType: weijian.DocPassport, DocNumber: "E1234567", Name: "李四", Sex: 2,
				BirthDate: residentClock.AddDate(0, 0, 2), VillageCode: village1}, "birthDate:future"},
			{"sex mismatch", weijian.Person{DocNumber: good, Name: "李四", Sex: 1, VillageCode: village1}, "sex:id_mismatch"},
			{"no name", weijian.Person{DocNumber: good, VillageCode: village1}, "name:required"},
			{"phone", weijian.Person{DocNumber: good, Name: "李四", Phone: "12ab", VillageCode: village1}, "phone:format"},
			{"doc type", weijian.Person{DocType: "42", DocNumber: "x", Name: "李四", BirthDate: day("1960-01-01"), VillageCode: village1}, "docType:code"},
		}
		for _, c := range cases {
			_, err := s.RegisterPerson(ctx, all, tester, &c.p, false)
			if got := fieldRules(err); weijian.ErrorKind(err) != weijian.KindInvalid || !strings.Contains(got, c.want) {
				t.Errorf("%s: got %v (%s), want %s", c.name, err, got, c.want)
			}
		}
		// A village outside the caller's scope is refused.
		p := weijian.Person{DocNumber: good, Name: "李四", VillageCode: village2}
		if _, err := s.RegisterPerson(ctx, scopeOf(t, s, town1), tester, &p, false); weijian.ErrorKind(err) != weijian.KindInvalid {
			t.Errorf("register outside scope: %v, want invalid", err)
		}
		// Another document type is stored unchecked.
		pp := weijian.Person{DocType: weijian.DocPassport, DocNumber: "E1234567", Name: "Anna", Sex: 2, BirthDate: day("1990-05-05"), VillageCode: village1}
		if _, err := s.RegisterPerson(ctx, all, tester, &pp, false); err != nil || pp.DocChecked {
			t.Errorf("passport: %v, checked %v; want stored unchecked", err, pp.DocChecked)
		}
	})
}

func TestDuplicatesAndMerge(t *testing.T) {
	residentStore(t, func(t *testing.T, s *sqlstore.Store) {
		a := register(t, s, "王五", "1970-07-07", 21, village1)
		again := &weijian.Person{DocNumber: a.DocNumber, Name: "王五", VillageCode: village1}
		if _, err := s.RegisterPerson(ctx, all, tester, again, false); weijian.ErrorKind(err) != weijian.KindConflict {
			t.Fatalf("same ID number: %v, want conflict", err)
		}
		// Same name, birth date and village without an ID number: a likely duplicate.
		b := &weijian.Person{Name: "王五", Sex: 1, BirthDate: day("1970-07-07"), VillageCode: village1}
		dups, err := s.RegisterPerson(ctx, all, tester, b, false)
		if err != nil || len(dups) != 1 || dups[0].Person.ID != a.ID || dups[0].Reason != "name_birth_village" {
			t.Fatalf("likely duplicate: %v %v", dups, err)
		}
		if b.ID != 0 {
			t.Fatal("a likely duplicate was stored without force")
		}
		if _, err := s.RegisterPerson(ctx, all, tester, b, true); err != nil || b.ID == 0 {
			t.Fatalf("forced registration: %v", err)
		}
		town := unitID(t, s, town1)
		ev := &weijian.Event{PersonID: b.ID, Programme: "elderly", Stage: "check", Date: day("2024-03-01"), OrgUnitID: town}
		if err := s.RecordEvent(ctx, all, tester, ev); err != nil {
			t.Fatal(err)
		}
		if err := s.MergePersons(ctx, all, tester, a.ID, b.ID); err != nil {
			t.Fatal(err)
		}
		tl, err := s.Timeline(ctx, all, a.ID)
		if err != nil || len(tl) != 1 || tl[0].Event == nil || tl[0].Event.ID != ev.ID {
			t.Fatalf("timeline after merge: %v %v, want the moved event", tl, err)
		}
		years, err := s.PersonYears(ctx, all, a.ID)
		if err != nil || len(years) != 1 || years[0].Events != 1 {
			t.Errorf("years after merge: %+v %v", years, err)
		}
		found, _, _ := s.SearchPersons(ctx, all, weijian.PersonFilter{Query: "王五"})
		if len(found) != 1 {
			t.Errorf("search after merge finds %d, want the kept record only", len(found))
		}
		log, err := s.AuditLog(ctx, all, weijian.AuditFilter{Action: "resident.merge"})
		if err != nil || len(log) != 1 || !strings.Contains(log[0].Detail, "merged=") {
			t.Errorf("merge audit: %v %v", log, err)
		}
	})
}

func TestEventsHistoryAndYears(t *testing.T) {
	residentStore(t, func(t *testing.T, s *sqlstore.Store) {
		p := register(t, s, "赵六", "1955-02-02", 31, village1)
		town := unitID(t, s, town1)
		if err := s.Enroll(ctx, all, tester, &weijian.Enrollment{PersonID: p.ID, Programme: "hypertension",
			EnrolledOn: day("2023-01-10"), OrgUnitID: town}); err != nil {
			t.Fatal(err)
		}
		if err := s.Enroll(ctx, all, tester, &weijian.Enrollment{PersonID: p.ID, Programme: "hypertension",
			EnrolledOn: day("2023-02-10"), OrgUnitID: town}); weijian.ErrorKind(err) != weijian.KindInvalid {
			t.Errorf("second open enrollment: %v, want invalid", err)
		}
		bad := []struct {
			date time.Time
			rule string
		}{{day("2022-12-01"), "date:before_enrollment"}, {residentClock.AddDate(0, 0, 3), "date:future"}}
		for _, b := range bad {
			err := s.RecordEvent(ctx, all, tester, &weijian.Event{PersonID: p.ID, Programme: "hypertension", Stage: "followup",
				Date: b.date, OrgUnitID: town})
			if !strings.Contains(fieldRules(err), b.rule) {
				t.Errorf("event on %s: %v, want %s", b.date.Format(time.DateOnly), err, b.rule)
			}
		}
		var ids []int64
		for _, d := range []string{"2024-01-15", "2024-04-15"} {
			e := &weijian.Event{PersonID: p.ID, Programme: "hypertension", Stage: "followup", Date: day(d), OrgUnitID: town,
				Values: map[string]any{"sbp": 150, "dbp": 92}, SourceID: "HIS-" + d}
			if err := s.RecordEvent(ctx, all, tester, e); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, e.ID)
		}
		resent := &weijian.Event{PersonID: p.ID, Programme: "hypertension", Stage: "followup", Date: day("2024-01-15"),
			OrgUnitID: town, SourceID: "HIS-2024-01-15"}
		if err := s.RecordEvent(ctx, all, tester, resent); weijian.ErrorKind(err) != weijian.KindConflict {
			t.Errorf("resent event: %v, want recognised as stored", err)
		}
		years, _ := s.PersonYears(ctx, all, p.ID)
		if len(years) != 2 || years[0].Year != 2024 || years[0].Events != 2 || years[0].LastDate != day("2024-04-15") {
			t.Fatalf("years: %+v", years)
		}
		e, err := s.Event(ctx, all, ids[1])
		if err != nil {
			t.Fatal(err)
		}
		e.Date, e.Values = day("2024-05-01"), map[string]any{"sbp": 130, "dbp": 80}
		if err := s.EditEvent(ctx, all, tester, e); err != nil {
			t.Fatal(err)
		}
		if err := s.VoidEvent(ctx, all, tester, ids[0], ""); weijian.ErrorKind(err) != weijian.KindInvalid {
			t.Errorf("void without reason: %v", err)
		}
		if err := s.VoidEvent(ctx, all, tester, ids[0], "录入错误"); err != nil {
			t.Fatal(err)
		}
		hist, err := s.EventHistory(ctx, all, ids[1])
		if err != nil || len(hist) != 2 || hist[0].Action != "create" || hist[1].Action != "edit" || hist[1].Values["sbp"] != float64(130) {
			t.Errorf("history: %+v %v", hist, err)
		}
		years, _ = s.PersonYears(ctx, all, p.ID)
		if years[0].Events != 1 || years[0].LastDate != day("2024-05-01") {
			t.Errorf("year after edit and void: %+v, want 1 event on 2024-05-01", years[0])
		}
		// A user of the other town cannot record for this person, and learns nothing.
		err = s.RecordEvent(ctx, scopeOf(t, s, town2), tester, &weijian.Event{PersonID: p.ID, Programme: "hypertension",
			Stage: "followup", Date: day("2024-06-01"), OrgUnitID: unitID(t, s, town2)})
		if weijian.ErrorKind(err) != weijian.KindNotFound {
			t.Errorf("record outside scope: %v, want not found", err)
		}
	})
}

func TestWorkListShrinks(t *testing.T) {
	residentStore(t, func(t *testing.T, s *sqlstore.Store) {
		town := unitID(t, s, town1)
		var ps []*weijian.Person
		for i, name := range []string{"甲一", "乙二", "丙三"} {
			p := register(t, s, name, "1950-01-0"+string(rune('1'+i)), 41+2*i, village1)
			if err := s.Enroll(ctx, all, tester, &weijian.Enrollment{PersonID: p.ID, Programme: "hypertension",
				EnrolledOn: day("2023-01-10"), OrgUnitID: town}); err != nil {
				t.Fatal(err)
			}
			ps = append(ps, p)
		}
		// One followed up last quarter, one this quarter.
		for i, d := range []string{"2024-03-01", "2024-05-20"} {
			if err := s.RecordEvent(ctx, all, tester, &weijian.Event{PersonID: ps[i].ID, Programme: "hypertension",
				Stage: "followup", Date: day(d), OrgUnitID: town}); err != nil {
				t.Fatal(err)
			}
		}
		sc := scopeOf(t, s, village1)
		items, total, err := s.WorkList(ctx, sc, weijian.WorkFilter{List: "hypertension_quarter"})
		if err != nil {
			t.Fatal(err)
		}
		if total != 2 || len(items) != 2 || items[0].Person.ID != ps[2].ID || items[1].Person.ID != ps[0].ID {
			t.Fatalf("work list: total %d, %v; want 丙三 (never) then 甲一 (March)", total, items)
		}
		if items[1].Due != day("2024-05-30") || items[1].DaysOverdue != 16 {
			t.Errorf("甲一 due %v, %d days overdue; want 2024-05-30, 16", items[1].Due, items[1].DaysOverdue)
		}
		if err := s.RecordEvent(ctx, sc, tester, &weijian.Event{PersonID: ps[2].ID, Programme: "hypertension",
			Stage: "followup", Date: day("2024-06-14"), OrgUnitID: unitID(t, s, village1)}); err != nil {
			t.Fatal(err)
		}
		if _, total, _ = s.WorkList(ctx, sc, weijian.WorkFilter{List: "hypertension_quarter"}); total != 1 {
			t.Errorf("after a follow-up the list has %d, want 1", total)
		}
		if _, total, _ = s.WorkList(ctx, scopeOf(t, s, town2), weijian.WorkFilter{List: "hypertension_quarter"}); total != 0 {
			t.Errorf("other town's list has %d, want 0", total)
		}
		// All three are 65+ without this year's check.
		if _, total, _ = s.WorkList(ctx, sc, weijian.WorkFilter{List: "elderly_year"}); total != 3 {
			t.Errorf("elderly list has %d, want 3", total)
		}
	})
}

// A patient whose last follow-up was last year is on this quarter's list
// with that follow-up as the last service, due 90 days after it — not as
// never served.
func TestWorkListLastServiceLastYear(t *testing.T) {
	residentStore(t, func(t *testing.T, s *sqlstore.Store) {
		town := unitID(t, s, town1)
		p := register(t, s, "丁四", "1951-02-03", 47, village1)
		if err := s.Enroll(ctx, all, tester, &weijian.Enrollment{PersonID: p.ID, Programme: "hypertension",
			EnrolledOn: day("2023-01-10"), OrgUnitID: town}); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordEvent(ctx, all, tester, &weijian.Event{PersonID: p.ID, Programme: "hypertension",
			Stage: "followup", Date: day("2023-11-20"), OrgUnitID: town}); err != nil {
			t.Fatal(err)
		}
		items, total, err := s.WorkList(ctx, scopeOf(t, s, village1), weijian.WorkFilter{List: "hypertension_quarter"})
		if err != nil {
			t.Fatal(err)
		}
		if total != 1 || len(items) != 1 || items[0].Person.ID != p.ID {
			t.Fatalf("work list: total %d, %v; want 丁四", total, items)
		}
		// As of 2024-06-15 (residentClock): due 2024-02-18, 118 days ago.
		if it := items[0]; it.LastDate != day("2023-11-20") || it.Due != day("2024-02-18") || it.DaysOverdue != 118 {
			t.Errorf("丁四: last %v, due %v, %d days overdue; want 2023-11-20, 2024-02-18, 118", it.LastDate, it.Due, it.DaysOverdue)
		}
	})
}

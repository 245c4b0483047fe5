package sqlstore_test

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/sqlstore"
)

func personRow(t *testing.T, line int, name, birth string, seq int, source string) weijian.PersonRow {
	return weijian.PersonRow{Line: line, Person: weijian.Person{DocNumber: idNumber(t, birth, seq), Name: name,
		VillageCode: village1, SourceID: source}}
}

// A file with one bad row is refused whole; with ValidOnly the good rows
// go in; a second run recognises them by source id; an event file is
// idempotent too, refuses a person outside the scope like an unknown one,
// and keeps the year statuses.
func TestImportPersonsAndEvents(t *testing.T) {
	residentStore(t, func(t *testing.T, s *sqlstore.Store) {
		good := personRow(t, 2, "周一", "1950-05-05", 51, "R1")
		dup := personRow(t, 3, "周二", "1950-05-05", 51, "R2") // same ID number as row 2
		bad := personRow(t, 4, "周三", "1950-05-06", 53, "R3")
		bad.Person.DocNumber = bad.Person.DocNumber[:17] + "Y"
		rows := []weijian.PersonRow{good, dup, bad}
		rep, err := s.ImportPersons(ctx, all, tester, rows, weijian.ResidentImportOptions{})
		if weijian.ErrorKind(err) != weijian.KindInvalid || rep.Inserted != 0 || len(weijian.ErrorIssues(err)) != 2 {
			t.Fatalf("all or nothing: %+v %v", rep, err)
		}
		if found, _, _ := s.SearchPersons(ctx, all, weijian.PersonFilter{Query: "周"}); len(found) != 0 {
			t.Fatalf("a refused file left %d persons", len(found))
		}
		rows = []weijian.PersonRow{personRow(t, 2, "周一", "1950-05-05", 51, "R1"), personRow(t, 3, "周二", "1950-05-05", 51, "R2"), bad}
		rep, err = s.ImportPersons(ctx, all, tester, rows, weijian.ResidentImportOptions{ValidOnly: true})
		if err != nil || rep.Inserted != 1 || rep.Rejected != 2 {
			t.Fatalf("valid only: %+v %v", rep, err)
		}
		rep, err = s.ImportPersons(ctx, all, tester, []weijian.PersonRow{personRow(t, 2, "周一", "1950-05-05", 51, "R1")}, weijian.ResidentImportOptions{})
		if err != nil || rep.Inserted != 0 || rep.Existing != 1 {
			t.Fatalf("re-import: %+v %v", rep, err)
		}
		doc := idNumber(t, "1950-05-05", 51)
		ev := func(line int, date, source string) weijian.EventRow {
			return weijian.EventRow{Line: line, DocNumber: doc, Event: weijian.Event{Programme: "elderly", Stage: "annual_check",
				Date: day(date), OrgCode: town1, SourceID: source, Values: map[string]any{"sbp": int64(130)}}}
		}
		evs := []weijian.EventRow{ev(2, "2023-05-01", "E1"), ev(3, "2024-05-01", "E2")}
		rep, err = s.ImportEvents(ctx, all, tester, evs, weijian.ResidentImportOptions{})
		if err != nil || rep.Inserted != 2 {
			t.Fatalf("events: %+v %v", rep, err)
		}
		rep, err = s.ImportEvents(ctx, all, tester, []weijian.EventRow{ev(2, "2023-05-01", "E1"), ev(3, "2024-05-01", "E2")}, weijian.ResidentImportOptions{})
		if err != nil || rep.Inserted != 0 || rep.Existing != 2 {
			t.Fatalf("events again: %+v %v", rep, err)
		}
		found, _, _ := s.SearchPersons(ctx, all, weijian.PersonFilter{Query: doc})
		years, _ := s.PersonYears(ctx, all, found[0].ID)
		if len(years) != 2 || years[0].Events != 1 {
			t.Errorf("years after import: %+v", years)
		}
		// Outside the scope: refused as "not found", whole file.
		other := scopeOf(t, s, town2)
		e3 := ev(2, "2024-06-01", "E3")
		e3.Event.OrgCode = town2
		_, err = s.ImportEvents(ctx, other, tester, []weijian.EventRow{e3}, weijian.ResidentImportOptions{})
		if is := weijian.ErrorIssues(err); len(is) != 1 || is[0].Rule != "person" || strings.Contains(is[0].Msg.EN, "scope") && !strings.Contains(is[0].Msg.EN, "not found") {
			t.Errorf("outside scope: %v", err)
		}
		// An event dated in the future is refused with its row.
		e4 := ev(7, "2099-01-01", "E4")
		_, err = s.ImportEvents(ctx, all, tester, []weijian.EventRow{e4}, weijian.ResidentImportOptions{})
		if is := weijian.ErrorIssues(err); len(is) != 1 || is[0].Row != 7 || is[0].Rule != "future" {
			t.Errorf("future event: %v", err)
		}
	})
}

// Enrollments import like events: checked, idempotent by source id, one
// open enrollment per programme even within the file.
func TestImportEnrollments(t *testing.T) {
	residentStore(t, func(t *testing.T, s *sqlstore.Store) {
		p := register(t, s, "郑一", "1955-05-05", 91, village1)
		row := func(line int, date, source string) weijian.EnrollmentRow {
			return weijian.EnrollmentRow{Line: line, DocNumber: p.DocNumber, Enrollment: weijian.Enrollment{Programme: "hypertension",
				EnrolledOn: day(date), OrgCode: town1, SourceID: source}}
		}
		_, err := s.ImportEnrollments(ctx, all, tester, []weijian.EnrollmentRow{row(2, "2023-01-01", "N1"), row(3, "2023-02-01", "N2")}, weijian.ResidentImportOptions{})
		if is := weijian.ErrorIssues(err); len(is) != 1 || is[0].Row != 3 || is[0].Rule != "enrolled" {
			t.Fatalf("twice in one file: %v", err)
		}
		rep, err := s.ImportEnrollments(ctx, all, tester, []weijian.EnrollmentRow{row(2, "2023-01-01", "N1")}, weijian.ResidentImportOptions{})
		if err != nil || rep.Inserted != 1 {
			t.Fatalf("import: %+v %v", rep, err)
		}
		rep, err = s.ImportEnrollments(ctx, all, tester, []weijian.EnrollmentRow{row(2, "2023-01-01", "N1")}, weijian.ResidentImportOptions{})
		if err != nil || rep.Existing != 1 || rep.Inserted != 0 {
			t.Fatalf("again: %+v %v", rep, err)
		}
		if _, total, _ := s.WorkList(ctx, all, weijian.WorkFilter{List: "hypertension_quarter"}); total != 1 {
			t.Errorf("the imported patient is not on the work list (%d)", total)
		}
	})
}

// A larger file (2,500 rows) reports its bad rows in row order, each
// with its rule, whatever the kind of problem — an unknown person (found
// by the look-ups), an event in the future (by the checks), a source id
// twice in the file — and stores the good rows with ValidOnly.
func TestImportEventsLargeFileReport(t *testing.T) {
	residentStore(t, func(t *testing.T, s *sqlstore.Store) {
		p := register(t, s, "吴大", "1948-02-03", 31, village1)
		var rows []weijian.EventRow
		want := map[int]string{}
		for i := range 2500 {
			line := i + 2
			r := weijian.EventRow{Line: line, DocNumber: p.DocNumber, Event: weijian.Event{Programme: "elderly", Stage: "annual_check",
				Date: day("2020-01-01").AddDate(0, 0, i%1500), OrgCode: town1, SourceID: "L" + strconv.Itoa(i), Values: map[string]any{"sbp": int64(130)}}}
			switch {
			case i%700 == 5:
				r.DocNumber = idNumber(t, "1960-01-01", 99)
				want[line] = "person"
			case i%700 == 6:
				r.Event.Date = day("2099-01-01")
				want[line] = "future"
			case i%700 == 7:
				r.Event.SourceID = "L0"
				want[line] = "duplicate"
			}
			rows = append(rows, r)
		}
		rep, err := s.ImportEvents(ctx, all, tester, rows, weijian.ResidentImportOptions{ValidOnly: true})
		if err != nil || rep.Rejected != len(want) || rep.Inserted != 2500-len(want) {
			t.Fatalf("report: %+v %v", rep, err)
		}
		last := 0
		for _, is := range rep.Issues {
			if is.Row <= last || want[is.Row] != is.Rule {
				t.Errorf("issue %+v (after row %d), want rule %q", is, last, want[is.Row])
			}
			last = is.Row
		}
		if len(rep.Issues) != len(want) {
			t.Errorf("%d issues, want %d: %+v", len(rep.Issues), len(want), rep.Issues)
		}
	})
}

// A refused row far into a file (after the COPY on PostgreSQL has sent
// rows to the server) still refuses the whole file: nothing is stored,
// no year status changes, and the rows after it are checked too (both
// problems reported). The corrected file then stores every row, with the
// year statuses of all of them.
func TestImportEventsRefusedMidStream(t *testing.T) {
	residentStore(t, func(t *testing.T, s *sqlstore.Store) {
		p := register(t, s, "吴二", "1948-02-03", 33, village1)
		before, err := s.PersonYears(ctx, all, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		var rows []weijian.EventRow
		for i := range 3000 {
			rows = append(rows, weijian.EventRow{Line: i + 2, DocNumber: p.DocNumber, Event: weijian.Event{Programme: "elderly",
				Stage: "annual_check", Date: day("2020-01-01").AddDate(0, 0, i%1500), OrgCode: town1, SourceID: "M" + strconv.Itoa(i),
				Values: map[string]any{"sbp": int64(130)}}})
		}
		rows[2000].Event.Date = day("2099-01-01")
		rows[2900].Event.OrgCode = "999999999999"
		rep, err := s.ImportEvents(ctx, all, tester, rows, weijian.ResidentImportOptions{})
		is := weijian.ErrorIssues(err)
		if weijian.ErrorKind(err) != weijian.KindInvalid || rep.Inserted != 0 || rep.Rejected != 2 || len(is) != 2 ||
			is[0].Row != 2002 || is[0].Rule != "future" || is[1].Row != 2902 || is[1].Rule != "scope" {
			t.Fatalf("refused file: %+v %v %+v", rep, err, is)
		}
		after, err := s.PersonYears(ctx, all, p.ID)
		if err != nil || !reflect.DeepEqual(after, before) {
			t.Fatalf("a refused file changed the year statuses: %+v, was %+v (%v)", after, before, err)
		}
		rows[2000].Event.Date, rows[2900].Event.OrgCode = day("2021-06-01"), town1
		if rep, err = s.ImportEvents(ctx, all, tester, rows, weijian.ResidentImportOptions{}); err != nil || rep.Inserted != 3000 {
			t.Fatalf("corrected file: %+v %v", rep, err)
		}
		years, err := s.PersonYears(ctx, all, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		events := 0
		for _, y := range years {
			events += y.Events
		}
		if events != 3000 {
			t.Errorf("the year statuses count %d events, want 3000: %+v", events, years)
		}
		if rep, err = s.ImportEvents(ctx, all, tester, rows, weijian.ResidentImportOptions{}); err != nil || rep.Existing != 3000 || rep.Inserted != 0 {
			t.Errorf("re-sent file: %+v %v", rep, err)
		}
	})
}

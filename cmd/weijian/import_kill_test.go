package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/ident"
	periodpkg "github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/sqlstore"
)

// killChildEnv carries the command line of the import that
// TestImportKill9 runs in a child process (this test binary) and kills.
const killChildEnv = "WEIJIAN_KILL9_CHILD_ARGS"

// TestImportKill9Child is the child's side: it runs `weijian import
// events …` and is killed by its parent mid-way. Without the variable it
// does nothing (it is not a test of its own).
func TestImportKill9Child(t *testing.T) {
	args := os.Getenv(killChildEnv)
	if args == "" {
		return
	}
	e := &cmdEnv{getenv: os.Getenv, stdout: os.Stdout, stderr: os.Stderr, stdin: strings.NewReader("")}
	if err := run(context.Background(), e, strings.Split(args, "\x1f")); err != nil {
		fmt.Fprintln(os.Stderr, "import:", err)
		os.Exit(1)
	}
}

// A large event import killed with SIGKILL while it writes leaves the
// database as it was (the file is one transaction: no partial batch, no
// year statuses of events that are not there), and running the import
// again stores every event once; a third run recognises them all.
func TestImportKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("imports a large file three times")
	}
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			dir := t.TempDir()
			dsn := filepath.Join(dir, "kill.db")
			if db == "postgres" {
				dsn = createSchema(t)
			}
			const persons, events = 4000, 40000
			file := killFixture(t, dsn, dir, persons, events)
			before := killCounts(t, dsn)
			killImportMidway(t, dsn, file)
			if after := killCounts(t, dsn); after != before {
				t.Fatalf("after kill -9: %+v, want the state before the import %+v", after, before)
			}
			env := map[string]string{"WEIJIAN_LOG_LEVEL": "warn"}
			out, errOut, err := runCmd(t, env, "", "import", "events", "--db", dsn, file)
			if err != nil || !strings.Contains(out, fmt.Sprintf("inserted %d, already stored 0", events)) {
				t.Fatalf("re-run: %v\n%s\n%s", err, out, errOut)
			}
			c := killCounts(t, dsn)
			if c.events != events || c.sources != events || c.years == before.years {
				t.Fatalf("after the re-run: %+v, want %d events with distinct source ids and new year statuses", c, events)
			}
			out, errOut, err = runCmd(t, env, "", "import", "events", "--db", dsn, file)
			if err != nil || !strings.Contains(out, fmt.Sprintf("inserted 0, already stored %d", events)) {
				t.Fatalf("third run: %v\n%s\n%s", err, out, errOut)
			}
			if again := killCounts(t, dsn); again != c {
				t.Fatalf("third run changed the database: %+v, was %+v", again, c)
			}
		})
	}
}

// killImportMidway starts the import in a child process, waits until it
// reports its first written part (the transaction is open and holds
// rows), and kills it with SIGKILL.
func killImportMidway(t *testing.T, dsn, file string) {
	cmd := exec.Command(os.Args[0], "-test.run", "^TestImportKill9Child$", "-test.count", "1")
	cmd.Env = append(os.Environ(), killChildEnv+"="+strings.Join([]string{"import", "events", "--db", dsn, file}, "\x1f"),
		"WEIJIAN_LOG_LEVEL=warn")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stderr)
	sc.Split(splitProgress)
	var seen []string
	for sc.Scan() {
		line := sc.Text()
		seen = append(seen, line)
		if strings.HasPrefix(strings.TrimSpace(line), "写入 writing") {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the import was not killed mid-way (%v); it printed:\n%s", err, strings.Join(seen, "\n"))
	}
}

// splitProgress splits the child's stderr at newlines and at the carriage
// returns of the progress line.
func splitProgress(data []byte, atEOF bool) (int, []byte, error) {
	for i, c := range data {
		if c == '\n' || c == '\r' {
			return i + 1, data[:i], nil
		}
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}

var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

type killState struct{ events, sources, years int }

// killCounts reads the events, their distinct source ids and the year
// statuses, through a fresh connection.
func killCounts(t *testing.T, dsn string) killState {
	s, err := sqlstore.Open(context.Background(), dsn, sqlstore.Options{NoMigrate: true, Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var c killState
	err = s.DB().QueryRow(`SELECT (SELECT count(*) FROM service_event), (SELECT count(DISTINCT source_id) FROM service_event),
		(SELECT count(*) FROM person_year)`).Scan(&c.events, &c.sources, &c.years)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// killFixture stores a town with one village and persons enrolled in
// hypertension, and writes an event file of hypertension follow-ups for
// them (Chinese headers, as exports have them).
func killFixture(t *testing.T, dsn, dir string, persons, events int) string {
	ctx := context.Background()
	s, err := sqlstore.Open(ctx, dsn, sqlstore.Options{Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	units := []weijian.OrgUnitRow{{Code: "320000000000", Name: "江苏省", Level: "province"},
		{Code: "320600000000", Name: "南通市", Level: "city", ParentCode: "320000000000"},
		{Code: "320685000000", Name: "海安市", Level: "county", ParentCode: "320600000000"},
		{Code: "320685100000", Name: "海安镇", Level: "town", ParentCode: "320685000000"},
		{Code: "320685100001", Name: "中坝社区居委会", Level: "village", ParentCode: "320685100000"}}
	if _, err := s.ImportOrgUnits(ctx, weijian.ScopeAll(), units, weijian.ImportOptions{ValidFrom: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	hs := make([]weijian.History, persons)
	docs := make([]string, persons)
	for i := range hs {
		birth := time.Date(1940+i%30, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)
		id, err := ident.GenerateIDNumber("320685", periodpkg.DateOf(birth), (i/420)*2+1)
		if err != nil {
			t.Fatal(err)
		}
		docs[i] = id.String()
		hs[i] = weijian.History{Person: &weijian.Person{DocType: weijian.DocIDCard, DocNumber: docs[i], DocChecked: true,
			Name: "测试" + strconv.Itoa(i), Sex: 1, BirthDate: birth, VillageCode: "320685100001"},
			Enrollments: []*weijian.Enrollment{{Programme: "hypertension", EnrolledOn: time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC),
				OrgCode: "320685100000", Values: map[string]any{"diagnosis_date": "2014-12-01"}}}}
	}
	if err := s.LoadResidents(ctx, hs); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "events.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write([]string{"身份证号", "项目", "服务", "服务日期", "机构代码", "来源编号", "method", "sbp", "dbp", "drug_compliance", "followup_class"})
	for i := range events {
		d := time.Date(2021+i%5, time.Month(1+3*(i/persons%4)), 1+i%28, 0, 0, 0, 0, time.UTC)
		w.Write([]string{docs[i%persons], "hypertension", "followup", d.Format("2006-01-02"), "320685100000", "K" + strconv.Itoa(i),
			"1", strconv.Itoa(120 + i%40), strconv.Itoa(70 + i%15), "1", "1"})
	}
	w.Flush()
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

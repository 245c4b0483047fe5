package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/tabular"
)

// runCmd runs the command line with a test environment and returns
// stdout, stderr and the error.
func runCmd(t *testing.T, env map[string]string, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &cmdEnv{getenv: func(k string) string { return env[k] }, stdout: &out, stderr: &errb, stdin: strings.NewReader(stdin)}
	err := run(context.Background(), e, args)
	return out.String(), errb.String(), err
}

// The county file saved as a workbook imports the same as the CSV.
func TestImportXLSX(t *testing.T) {
	dir := t.TempDir()
	f, err := os.Open("testdata/haian.csv")
	if err != nil {
		t.Fatal(err)
	}
	tb, err := tabular.Read("haian.csv", f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	rows := make([][]any, len(tb.Rows))
	for i, r := range tb.Rows {
		rows[i] = []any{r.Get(0), r.Get(1), r.Get(2), r.Get(3)}
	}
	xlsx := filepath.Join(dir, "海安.xlsx")
	w, _ := os.Create(xlsx)
	if err := tabular.WriteXLSX(w, "区划", []string{"代码", "名称", "级别", "上级代码"}, rows); err != nil {
		t.Fatal(err)
	}
	w.Close()
	env := map[string]string{"WEIJIAN_DB": filepath.Join(dir, "w.db"), "WEIJIAN_LOG_LEVEL": "warn"}
	out, errOut, err := runCmd(t, env, "", "import", "orgunits", "--create", xlsx)
	if err != nil || !strings.Contains(out, "inserted 253") {
		t.Errorf("xlsx import: %v\n%s%s", err, out, errOut)
	}
}

func TestHelpAndUnknownCommand(t *testing.T) {
	out, _, err := runCmd(t, nil, "", "--help")
	if err != nil || !strings.Contains(out, "weijian demo") || !strings.Contains(out, "import") {
		t.Errorf("help: %v\n%s", err, out)
	}
	if _, _, err := runCmd(t, nil, "", "frobnicate"); exitCode(err) != 2 {
		t.Errorf("unknown command: exit %d, want 2", exitCode(err))
	}
	// import -h is help, not a complaint about a missing FILE.
	for _, args := range [][]string{{"import", "-h"}, {"import", "population", "--help"}} {
		_, errOut, err := runCmd(t, nil, "", args...)
		if exitCode(err) != 0 || !strings.Contains(errOut, "--create") || strings.Contains(errOut+fmt.Sprint(err), "needs") {
			t.Errorf("%v: exit %d, %v\n%s", args, exitCode(err), err, errOut)
		}
	}
	if out, _, err := runCmd(t, nil, "", "version"); err != nil || !strings.HasPrefix(out, "weijian ") {
		t.Errorf("version: %q %v", out, err)
	}
}

// The operator's path: migrate, import the county (GBK file from Excel),
// import it again (nothing changes), reject a bad file naming its rows,
// import population, add a user, back up.
func TestOperatorCommands(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"WEIJIAN_DB": filepath.Join(dir, "w.db"), "WEIJIAN_LOG_LEVEL": "warn"}
	must := func(stdin string, args ...string) string {
		t.Helper()
		out, errOut, err := runCmd(t, env, stdin, args...)
		if err != nil {
			t.Fatalf("weijian %s: %v\n%s", strings.Join(args, " "), err, errOut)
		}
		return out
	}
	if out := must("", "migrate"); !strings.Contains(out, "applied migrations") {
		t.Errorf("migrate: %s", out)
	}
	if out := must("", "import", "orgunits", "--valid-from", "2021-01-01", "testdata/haian_gbk.csv"); !strings.Contains(out, "inserted 253") {
		t.Errorf("import: %s", out)
	}
	if out := must("", "import", "orgunits", "testdata/haian.csv"); !strings.Contains(out, "unchanged 253") {
		t.Errorf("re-import: %s", out)
	}
	_, _, err := runCmd(t, env, "", "import", "orgunits", "testdata/bad_orgunits.csv")
	msg := formatError(err)
	for _, want := range []string{"第3行", "代码重复", "第4行", "12位", "第5行", "不匹配", "第6行", "上级单位不存在", "第7行", "未知的级别", "未写入任何数据"} {
		if !strings.Contains(msg, want) {
			t.Errorf("bad file: message lacks %q:\n%s", want, msg)
		}
	}
	if out := must("", "import", "population", "testdata/population.csv"); !strings.Contains(out, "inserted 4") {
		t.Errorf("population: %s", out)
	}
	if _, _, err := runCmd(t, env, "short\n", "user", "add", "admin", "--role", "county_admin", "--scope", "320685", "--password-stdin"); err == nil {
		t.Error("a weak password was accepted")
	}
	if out := must("Strong#pass1\n", "user", "add", "admin", "--role", "county_admin", "--scope", "320685", "--password-stdin"); !strings.Contains(out, "county_admin@320685000000") {
		t.Errorf("user add: %s", out)
	}
	if out := must("", "user", "add", "cdc", "--grant", "cdc_staff@320685"); !strings.Contains(out, "initial password: ") {
		t.Errorf("generated password not shown: %s", out)
	}
	if out := must("", "user", "list"); !strings.Contains(out, "admin") || !strings.Contains(out, "cdc_staff") {
		t.Errorf("user list: %s", out)
	}
	if out := must("", "backup", filepath.Join(dir, "copy.db")); !strings.Contains(out, "backup written") {
		t.Errorf("backup: %s", out)
	}
	if _, _, err := runCmd(t, env, "", "backup", filepath.Join(dir, "copy.db")); exitCode(err) != 2 {
		t.Errorf("backup over an existing file: %v", err)
	}
}

// Flags may follow the file; an unreadable *_FILE secret stops the
// command instead of falling back to a default database.
func TestFlagsAfterArgsAndSecretFiles(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.db")
	out, errOut, err := runCmd(t, map[string]string{"WEIJIAN_LOG_LEVEL": "warn"}, "", "import", "orgunits", "testdata/haian.csv", "--db", db, "--create")
	if err != nil || !strings.Contains(out, "inserted 253") {
		t.Errorf("flags after FILE: %v %s%s", err, out, errOut)
	}
	_, _, err = runCmd(t, map[string]string{"WEIJIAN_DB_FILE": filepath.Join(dir, "missing")}, "", "migrate")
	if err == nil || !strings.Contains(err.Error(), "WEIJIAN_DB_FILE") {
		t.Errorf("unreadable WEIJIAN_DB_FILE: %v", err)
	}
	if _, err := os.Stat("weijian.db"); err == nil {
		t.Error("a default weijian.db was created")
	}
	secret := filepath.Join(dir, "dsn")
	os.WriteFile(secret, []byte(db+"\n"), 0o600)
	if out, _, err := runCmd(t, map[string]string{"WEIJIAN_DB_FILE": secret}, "", "migrate"); err != nil || !strings.Contains(out, "up to date") {
		t.Errorf("DSN from file: %v %s", err, out)
	}
	if _, _, err := runCmd(t, map[string]string{"WEIJIAN_DB": db}, "", "user", "add", "bad name<x>", "--role", "county_admin"); weijian.ErrorKind(err) != weijian.KindInvalid {
		t.Errorf("bad username: %v", err)
	}
}

func TestRedact(t *testing.T) {
	checkCases(t, "redact", redact, map[string]string{
		"postgres://u:secret@h/db":                "postgres://u:xxxxx@h/db",
		"postgres://u@h/db?password=secret&x=1":   "postgres://u@h/db?password=%2A%2A%2A&x=1",
		"host=h user=u password=secret dbname=db": "host=h user=u password=*** dbname=db",
		"host=h password='se cret' dbname=db":     "host=h password=*** dbname=db",
		"/var/lib/weijian/weijian.db":             "/var/lib/weijian/weijian.db",
	})
}

// checkCases checks f(in) == want for each case.
func checkCases(t *testing.T, name string, f func(string) string, cases map[string]string) {
	t.Helper()
	for in, want := range cases {
		if got := f(in); got != want {
			t.Errorf("%s(%q) = %q, want %q", name, in, got, want)
		}
	}
}

// A mistyped --db stops every command that cannot create a database, with
// a message saying what to do, and leaves no file behind; migrate, demo
// and import --create may create one.
func TestMissingDatabaseIsNotCreated(t *testing.T) {
	dir := t.TempDir()
	typo := filepath.Join(dir, "typo.db")
	env := map[string]string{"WEIJIAN_LOG_LEVEL": "warn"}
	for _, args := range [][]string{
		{"backup", "--db", typo, filepath.Join(dir, "b.db")},
		{"user", "list", "--db", typo},
		{"user", "add", "x", "--role", "county_admin", "--db", typo},
		{"serve", "--db", typo, "--addr", "127.0.0.1:0"},
		{"import", "orgunits", "--db", typo, "testdata/haian.csv"},
		{"import", "population", "--dry-run", "--db", typo, "testdata/population.csv"},
	} {
		_, _, err := runCmd(t, env, "", args...)
		msg := formatError(err)
		if weijian.ErrorKind(err) != weijian.KindNotFound || !strings.Contains(msg, "不存在") ||
			!strings.Contains(msg, "weijian migrate --db "+typo) || !strings.Contains(msg, "--create") {
			t.Errorf("weijian %s: err %v, want not found with what to do:\n%s", strings.Join(args, " "), err, msg)
		}
		if _, err := os.Stat(typo); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("weijian %s created %s", strings.Join(args, " "), typo)
		}
		if _, err := os.Stat(filepath.Join(dir, "b.db")); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("weijian %s wrote a backup of nothing", strings.Join(args, " "))
		}
	}
	// An existing file that is not a Weijian database is refused too.
	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o600)
	if _, _, err := runCmd(t, env, "", "user", "list", "--db", empty); !strings.Contains(formatError(err), "没有卫健的数据表") {
		t.Errorf("empty file: %v", err)
	}
	// The commands that may create one.
	for name, args := range map[string][]string{
		"migrate.db": {"migrate"},
		"import.db":  {"import", "orgunits", "--create", "testdata/haian.csv"},
		"demo.db":    {"demo", "--no-serve", "--county", "340272"},
	} {
		db := filepath.Join(dir, name)
		if out, errOut, err := runCmd(t, env, "", append(args, "--db", db)...); err != nil {
			t.Errorf("weijian %s: %v\n%s%s", strings.Join(args, " "), err, out, errOut)
		}
		if _, err := os.Stat(db); err != nil {
			t.Errorf("weijian %s did not create %s", strings.Join(args, " "), name)
		}
	}
}

// A dry run previews what the import then does, and creates no file.
func TestImportDryRun(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "new.db")
	env := map[string]string{"WEIJIAN_DB": db, "WEIJIAN_LOG_LEVEL": "warn"}
	out, errOut, err := runCmd(t, env, "", "import", "orgunits", "--dry-run", "--create", "testdata/haian.csv")
	if err != nil || !strings.Contains(out, "导入将新增 253") || !strings.Contains(out, "would insert 253") {
		t.Errorf("dry run into a new database: %v\n%s%s", err, out, errOut)
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("the dry run created the database file")
	}
	if out, errOut, err := runCmd(t, env, "", "import", "orgunits", "--create", "testdata/haian.csv"); err != nil {
		t.Fatalf("import: %v\n%s%s", err, out, errOut)
	}
	for _, want := range []string{"would insert 4, update 0, close 0, leave 0 unchanged", "inserted 4", "would insert 0, update 0, close 0, leave 4 unchanged"} {
		dry := strings.HasPrefix(want, "would")
		args := []string{"import", "population", "testdata/population.csv"}
		if dry {
			args = append(args, "--dry-run")
		}
		if out, errOut, err := runCmd(t, env, "", args...); err != nil || !strings.Contains(out, want) {
			t.Errorf("weijian %s: %v, want %q\n%s%s", strings.Join(args, " "), err, want, out, errOut)
		}
	}
}

// Every kind of problem in a file is reported in one pass: malformed
// cells beside problems found against the database.
func TestImportReportsEverythingAtOnce(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"WEIJIAN_DB": filepath.Join(dir, "w.db"), "WEIJIAN_LOG_LEVEL": "warn"}
	mustRun(t, env, "import", "orgunits", "--create", "testdata/haian.csv")
	files := map[string]string{
		"pop.csv":   "unit_code,year,sex,count\n999999999999,2024,1,5\n320685100201,2024,1,五\n",
		"units.csv": "code,name,level,parent_code,valid_from\n320685100299,新村,village,320685100000,昨天\n320685999001,某村,village,320685999000,\n",
	}
	for name, text := range files {
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(text), 0o600)
		kind := map[string]string{"pop.csv": "population", "units.csv": "orgunits"}[name]
		_, _, err := runCmd(t, env, "", "import", kind, path)
		var rules []string
		for _, is := range weijian.ErrorIssues(err) {
			rules = append(rules, fmt.Sprintf("%d:%s", is.Row, is.Rule))
		}
		want := map[string]string{"pop.csv": "2:unknown_unit 3:not_integer", "units.csv": "2:bad_date 3:unknown_parent"}[name]
		if got := strings.Join(rules, " "); got != want {
			t.Errorf("%s: issues %q, want %q\n%s", name, got, want, formatError(err))
		}
	}
}

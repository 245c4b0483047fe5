package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/auth"
	"github.com/weijian-health/weijian/internal/demo"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

const demoPassword = "Haian-Demo-2026"

// runDemoCmd runs the command line like runCmd, for tests and benchmarks.
func runDemoCmd(tb testing.TB, env map[string]string, args ...string) (string, string, error) {
	tb.Helper()
	var out, errb bytes.Buffer
	e := &cmdEnv{getenv: func(k string) string { return env[k] }, stdout: &out, stderr: &errb, stdin: strings.NewReader("")}
	err := run(context.Background(), e, args)
	return out.String(), errb.String(), err
}

func demoEnv(dir string) map[string]string {
	return map[string]string{"WEIJIAN_DEMO_PASSWORD": demoPassword, "WEIJIAN_LOG_LEVEL": "warn", "WEIJIAN_DEMO_SCALE": "0.005",
		"WEIJIAN_DB": filepath.Join(dir, "real.db")} // the demo must not touch it
}

// A newcomer's first command, without serving: the default file in the
// current directory, the county, its census population, the accounts; a
// second run opens it without regenerating; --reset starts over.
func TestDemoNoServe(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	env := demoEnv(dir)
	out, errOut, err := runDemoCmd(t, env, "demo", "--no-serve")
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, errOut)
	}
	for _, want := range []string{"江苏省南通市海安市", "乡镇（街道） 11", "村（社区） 239", "874,334", "434,264", "440,070",
		"村卫生室 136", "admin", "township", "(env)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out+errOut, demoPassword) {
		t.Error("the output repeats WEIJIAN_DEMO_PASSWORD")
	}
	if !strings.Contains(errOut, "人口 2020年 population 2020") || !strings.Contains(errOut, "(100%)") {
		t.Errorf("no progress lines on stderr:\n%s", errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "real.db")); err == nil {
		t.Error("demo wrote to the WEIJIAN_DB database")
	}
	checkDemoDB(t, filepath.Join(dir, demoDB))

	// Run again with another WEIJIAN_DEMO_PASSWORD: it is applied, and said so.
	env["WEIJIAN_DEMO_PASSWORD"] = "Haian-Again-2027"
	out, _, err = runDemoCmd(t, env, "demo", "--no-serve")
	if err != nil || !strings.Contains(out, "已有演示县") || !strings.Contains(out, "is now the password of: admin, analyst, cdc, township, village, hospital") {
		t.Errorf("second run with a new password: %v\n%s", err, out)
	}
	checkPassword(t, filepath.Join(dir, demoDB), "Haian-Again-2027")
	// Without it, the hint to reset a password works for a go run user
	// (this test binary, like go run's, lives in a go-build folder).
	delete(env, "WEIJIAN_DEMO_PASSWORD")
	out, _, err = runDemoCmd(t, env, "demo", "--no-serve")
	if err != nil || !strings.Contains(out, "go run ./cmd/weijian user passwd admin --db "+demoDB) {
		t.Errorf("second run: %v\n%s", err, out)
	}
	out, errOut, err = runDemoCmd(t, env, "demo", "--no-serve", "--reset", "--county", "340272")
	if err != nil || !strings.Contains(out, "三山经济开发区") || !strings.Contains(errOut, "已删除") {
		t.Errorf("--reset: %v\n%s%s", err, out, errOut)
	}
}

func checkDemoDB(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, path, sqlstore.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, err := st.Population(ctx, weijian.ScopeAll(), weijian.PopulationQuery{UnitCode: "320685000000", Year: 2020})
	if err != nil || p.Total != 874334 || p.Male != 434264 {
		t.Errorf("2020 population: %+v %v", p, err)
	}
	st.Close()
	checkPassword(t, path, demoPassword)
}

// checkPassword checks that every demo user's password is pw.
func checkPassword(t *testing.T, path, pw string) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, path, sqlstore.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, name := range demo.Usernames() {
		u, err := st.UserByName(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if ok, _ := auth.VerifyPassword(u.PasswordHash, pw); !ok {
			t.Errorf("%s's password is not %s", name, pw)
		}
	}
}

func TestSelfCommand(t *testing.T) {
	checkCases(t, "selfCommand", selfCommand, map[string]string{
		"/tmp/go-build1234/b001/exe/weijian": "go run ./cmd/weijian",
		"./weijian":                          "./weijian",
		"/usr/local/bin/weijian":             "weijian",
		"weijian":                            "weijian",
	})
}

func TestDemoErrors(t *testing.T) {
	dir := t.TempDir()
	env := demoEnv(dir)
	db := filepath.Join(dir, "d.db")
	for _, tt := range []struct {
		env  map[string]string
		args []string
		code int
		want string
	}{
		{map[string]string{"WEIJIAN_DEMO_PASSWORD": "short"}, []string{"--db", db}, 1, "WEIJIAN_DEMO_PASSWORD"},
		{env, []string{"--db", db, "--county", "110101"}, 2, "unknown --county"},
		{env, []string{"--db", "postgres://u@127.0.0.1:1/x", "--reset"}, 2, "--reset"},
		{env, []string{"--db", db, "extra"}, 2, "no arguments"},
		{env, []string{"--db", db, "--scale", "11"}, 2, "between 0 and 10"},
		{env, []string{"--db", db, "--scale", "-1"}, 2, "between 0 and 10"},
	} {
		_, _, err := runDemoCmd(t, tt.env, append([]string{"demo", "--no-serve"}, tt.args...)...)
		if exitCode(err) != tt.code || !strings.Contains(formatError(err), tt.want) {
			t.Errorf("demo %v: exit %d, %v; want exit %d mentioning %q", tt.args, exitCode(err), err, tt.code, tt.want)
		}
	}
}

func TestDemoPostgres(t *testing.T) {
	dsn := createSchema(t)
	out, errOut, err := runDemoCmd(t, demoEnv(t.TempDir()), "demo", "--no-serve", "--db", dsn)
	if err != nil || !strings.Contains(out, "874,334") {
		t.Fatalf("demo on PostgreSQL: %v\n%s%s", err, out, errOut)
	}
}

// createSchema makes a fresh schema on the test server and returns a DSN
// that uses it (skipping without a server).
func createSchema(t testing.TB) string {
	t.Helper()
	dsn := sqltest.PostgresDSN(t)
	schema := fmt.Sprintf("demo_%d", time.Now().UnixNano())
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if db, err := sql.Open("pgx", dsn); err == nil {
			db.Exec("DROP SCHEMA " + schema + " CASCADE")
			db.Close()
		}
	})
	return sqltest.WithSearchPath(dsn, schema)
}

// syncBuffer is a bytes.Buffer safe for a command running in a goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var runningURL = regexp.MustCompile(`Weijian is running: (http://\S+/)`)

// startDemo runs `weijian demo` on a free port until ctx ends, and waits
// until /healthz answers; it returns the base URL and a channel with the
// command's result.
func startDemo(t testing.TB, ctx context.Context, env map[string]string, args ...string) (string, <-chan error) {
	t.Helper()
	var out, errb syncBuffer
	e := &cmdEnv{getenv: func(k string) string { return env[k] }, stdout: &out, stderr: &errb, stdin: strings.NewReader("")}
	done := make(chan error, 1)
	go func() { done <- run(ctx, e, append([]string{"demo", "--addr", "127.0.0.1:0"}, args...)) }()
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("demo ended before serving: %v\n%s%s", err, out.String(), errb.String())
		default:
		}
		m := runningURL.FindStringSubmatch(errb.String())
		if m == nil {
			continue
		}
		if resp, err := http.Get(m[1] + "healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return m[1], done
			}
		}
	}
	t.Fatalf("demo did not serve:\n%s%s", out.String(), errb.String())
	return "", nil
}

// From nothing to serving: /healthz answers, and the command ends cleanly
// when its context does.
func TestDemoServes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := t.TempDir()
	url, done := startDemo(t, ctx, demoEnv(dir), "--db", filepath.Join(dir, "d.db"))
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Errorf("url %s", url)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("demo after shutdown: %v", err)
	}
}

func TestThousandsAndPadding(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 874334: "874,334", -4418060: "-4,418,060"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %s", n, got)
		}
	}
	if got := padLeft("合计", 6); got != "  合计" {
		t.Errorf("padLeft = %q", got)
	}
	if got := demoURL(Config{Addr: "0.0.0.0:8080"}); got != "http://127.0.0.1:8080/" {
		t.Errorf("demoURL = %s", got)
	}
}

// benchDemoEnv is demoEnv at the scale WEIJIAN_BENCH_DEMO_SCALE, when set
// (the whole county is 1).
func benchDemoEnv(dir string) map[string]string {
	env := demoEnv(dir)
	if v := os.Getenv("WEIJIAN_BENCH_DEMO_SCALE"); v != "" {
		env["WEIJIAN_DEMO_SCALE"] = v
	}
	return env
}

// Benchmarks of `weijian demo` from nothing: BenchmarkDemoSQLite and
// BenchmarkDemoPostgres generate a fresh database and exit (--no-serve);
// BenchmarkDemoToServing runs until /healthz answers. Figures are in
// BENCHMARKS.md.
func BenchmarkDemoSQLite(b *testing.B) {
	dir := b.TempDir()
	env := benchDemoEnv(dir)
	for i := 0; b.Loop(); i++ {
		if _, errOut, err := runDemoCmd(b, env, "demo", "--no-serve", "--db", filepath.Join(dir, fmt.Sprintf("d%d.db", i))); err != nil {
			b.Fatalf("%v\n%s", err, errOut)
		}
	}
}

func BenchmarkDemoPostgres(b *testing.B) {
	env := benchDemoEnv(b.TempDir())
	for b.Loop() {
		b.StopTimer()
		dsn := createSchema(b)
		b.StartTimer()
		if _, errOut, err := runDemoCmd(b, env, "demo", "--no-serve", "--db", dsn); err != nil {
			b.Fatalf("%v\n%s", err, errOut)
		}
	}
}

func BenchmarkDemoToServing(b *testing.B) {
	dir := b.TempDir()
	env := demoEnv(dir)
	for i := 0; b.Loop(); i++ {
		ctx, cancel := context.WithCancel(context.Background())
		_, done := startDemo(b, ctx, env, "--db", filepath.Join(dir, fmt.Sprintf("s%d.db", i)))
		b.StopTimer()
		cancel()
		<-done
		b.StartTimer()
	}
}

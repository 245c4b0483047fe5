package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/auth"
	"github.com/weijian-health/weijian/internal/demo"
	"github.com/weijian-health/weijian/internal/sqlstore"
)

// demoDB is the demo's database file. The demo ignores WEIJIAN_DB so that
// it never writes a demo county into a real database by accident.
const demoDB = "weijian-demo.db"

const demoHelp = `创建（或打开）演示数据库并启动服务：真实区划（默认 江苏省南通市海安市 320685：11个乡镇、239个村和社区）、
卫生机构、2020年七普及之后每年的分村、分性别、分单岁年龄常住人口，以及每种角色一个用户。
用户密码随机生成，只在创建时显示一次；设置 WEIJIAN_DEMO_PASSWORD 则所有演示用户都用该密码（自动化测试用）。
Create (or open) a demo database and serve it: a real county's divisions (default 320685 海安市),
health facilities, the resident population by village, sex and single year of age for the 2020
census and every year since, and one user per role. Passwords are random and printed once;
with WEIJIAN_DEMO_PASSWORD set every demo user gets that password instead.

  weijian demo                          # 生成并启动 generate (first run) and serve
  weijian demo --no-serve               # 只生成 generate only
  weijian demo --reset                  # 删除演示库重新生成 delete the demo file and start over
  weijian demo --county 442000          # 中山市 (also 430422 衡南县, 340272 三山经开区)
  weijian demo --db postgres://user@host/db
  weijian demo --scale 0.1              # 只生成十分之一的居民 residents for a tenth of the population
  weijian demo --scale 5 --no-serve     # 放大5倍的县（人口和居民均×5），仅供性能测量 a county 5 times the size, for measuring`

func runDemo(ctx context.Context, env *cmdEnv, args []string) error {
	var cfg Config
	var county string
	var noServe, reset bool
	var scale float64
	fs := flagSet(env, "demo", "demo [flags]", demoHelp)
	dbFlags(fs, env, &cfg, demoDB)
	serveFlags(fs, env, &cfg)
	cfg.DB, fs.Lookup("db").DefValue = demoDB, demoDB
	cfg.Create = true
	fs.Lookup("db").Usage = "database: a SQLite file, or postgres://user:pass@host:5432/db (WEIJIAN_DB is not used by demo)"
	fs.StringVar(&county, "county", demo.DefaultCounty, "demo county: "+strings.Join(demo.Counties(), ", "))
	fs.BoolVar(&noServe, "no-serve", false, "generate (or check) the demo database and exit")
	fs.BoolVar(&reset, "reset", false, "delete the demo SQLite file first and generate afresh")
	fs.Float64Var(&scale, "scale", demoScale(env), fmt.Sprintf("share of the population generated as residents with services (0–1); above 1 (up to %d), a county that many times the size, population and residents alike, for measuring (WEIJIAN_DEMO_SCALE)", demo.MaxScale))
	pos, err := parse(env, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError("demo takes no arguments, got %q", pos[0])
	}
	if scale < 0 || scale > demo.MaxScale {
		return usageError("--scale %g: must be between 0 and %d", scale, demo.MaxScale)
	}
	if demo.CountyName(county) == "" {
		return usageError("unknown --county %q: use one of %s", county, strings.Join(demo.Counties(), ", "))
	}
	log, err := cfg.logger(env.stderr)
	if err != nil {
		return err
	}
	if reset {
		if err := removeSQLite(env, cfg.DB); err != nil {
			return err
		}
	}
	store, err := cfg.openStore(ctx, log)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := prepareDemo(ctx, env, cfg.DB, store, county, scale, log); err != nil {
		return err
	}
	if noServe {
		return nil
	}
	fmt.Fprintf(env.stdout, "\n浏览器打开 Open %s 并以 admin 登录 (log in as admin)\n", demoURL(cfg))
	return serveStore(ctx, env, cfg, store, log)
}

// prepareDemo generates the county unless the database already holds it;
// then WEIJIAN_DEMO_PASSWORD, when set, is given to the existing demo
// users (it would otherwise be ignored without a word).
func prepareDemo(ctx context.Context, env *cmdEnv, db string, store *sqlstore.Store, county string, scale float64, log *slog.Logger) error {
	password := env.getenv("WEIJIAN_DEMO_PASSWORD")
	present, err := demo.Present(ctx, store, county)
	if err != nil {
		return err
	}
	if !present {
		fmt.Fprintf(env.stderr, "生成演示县 Generating the demo county %s (%s) in %s …\n", demo.CountyName(county), county, redact(db))
		restore := generationGC(env.getenv("GOGC"))
		sum, err := demo.Generate(ctx, store, demo.Options{County: county, Password: password, Progress: demoProgress(env.stderr), Scale: scale})
		restore()
		if err == nil {
			printDemoSummary(env.stdout, sum)
			printResidentSummary(env.stdout, sum.Residents)
			printCredentials(env.stdout, sum.Users, password != "")
			return nil
		}
		if !errors.Is(err, demo.ErrExists) {
			return err
		}
	}
	printPresent(env.stdout, db, county, password != "")
	if password == "" {
		return nil
	}
	return applyDemoPassword(ctx, env, store, password, log)
}

// generationGC lets the heap grow to five times what is live (GOGC=400)
// while the demo is generated, unless GOGC is set: the generation keeps
// little alive but allocates a great deal (rows, encoded values), and with
// the default GOGC=100 the collector took about a tenth of the demo's CPU.
// A soft limit of 4 GiB makes it collect harder before the heap gets
// large. The returned func restores the settings for the server that
// follows.
func generationGC(gogc string) (restore func()) {
	if gogc != "" {
		return func() {}
	}
	pct := debug.SetGCPercent(400)
	limit := debug.SetMemoryLimit(4 << 30)
	return func() {
		debug.SetGCPercent(pct)
		debug.SetMemoryLimit(limit)
	}
}

// applyDemoPassword sets password on every demo user there is.
func applyDemoPassword(ctx context.Context, env *cmdEnv, store *sqlstore.Store, password string, log *slog.Logger) error {
	svc := auth.New(store, auth.DefaultConfig(), nil, log)
	var done []string
	for _, name := range demo.Usernames() {
		u, err := store.UserByName(ctx, name)
		if weijian.ErrorKind(err) == weijian.KindNotFound {
			continue
		} else if err != nil {
			return err
		}
		if err := svc.SetPassword(ctx, u, password, false, cliAudit(weijian.ActionUserPassword, name, "WEIJIAN_DEMO_PASSWORD")); err != nil {
			return weijian.Wrap(weijian.KindInvalid, weijian.T(
				"WEIJIAN_DEMO_PASSWORD 未能设为用户 "+name+" 的密码："+weijian.ErrorMessage(err, "zh"),
				"WEIJIAN_DEMO_PASSWORD could not be set for user "+name+": "+weijian.ErrorMessage(err, "en")), err)
		}
		done = append(done, name)
	}
	fmt.Fprintf(env.stdout, "已将 WEIJIAN_DEMO_PASSWORD 设为这些演示用户的密码 / WEIJIAN_DEMO_PASSWORD is now the password of: %s\n",
		strings.Join(done, ", "))
	return nil
}

func printPresent(w io.Writer, db, county string, envPassword bool) {
	fmt.Fprintf(w, `数据库 %[1]s 中已有演示县 %[2]s（%[3]s），不再重新生成。
The database %[1]s already holds the demo county %[3]s; it is not generated again.
`, redact(db), demo.CountyName(county), county)
	if !envPassword {
		self := selfCommand(os.Args[0])
		fmt.Fprintf(w, `密码只在创建时显示过一次；如已遗忘，可重设：%[2]s user passwd admin --db %[1]s
Passwords were shown only when it was created; reset one with: %[2]s user passwd admin --db %[1]s
（或设置 WEIJIAN_DEMO_PASSWORD 后再运行 demo / or run demo again with WEIJIAN_DEMO_PASSWORD set）
`, redact(db), self)
	}
	fmt.Fprintf(w, "从头再来 To start over: %s demo --reset\n", selfCommand(os.Args[0]))
}

// selfCommand is how the user runs this program, for hints: "go run
// ./cmd/weijian" under go run (whose binary lives in a go-build temporary
// folder), the path typed for a binary run by path (./weijian), else
// "weijian".
func selfCommand(argv0 string) string {
	switch {
	case strings.Contains(filepath.ToSlash(argv0), "/go-build"):
		return "go run ./cmd/weijian"
	case strings.ContainsRune(argv0, filepath.Separator) && !filepath.IsAbs(argv0):
		return argv0
	}
	return "weijian"
}

// demoProgress prints one line per step: what, how many, how far.
func demoProgress(w io.Writer) func(demo.Progress) {
	return func(p demo.Progress) {
		pct := 100
		if p.Total > 0 {
			pct = p.Done * 100 / p.Total
		}
		fmt.Fprintf(w, "  %s %s: %s/%s (%d%%)\n", p.Step.ZH, p.Step.EN, thousands(int64(p.Done)), thousands(int64(p.Total)), pct)
	}
}

// removeSQLite deletes a SQLite database file and its WAL companions.
func removeSQLite(env *cmdEnv, db string) error {
	if sqlstore.IsPostgres(db) {
		return usageError("--reset only deletes a SQLite file; to start over on PostgreSQL, drop and recreate the database yourself")
	}
	path := sqlstore.SQLitePath(db)
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("reset: %w", err)
		}
	}
	fmt.Fprintf(env.stderr, "已删除 Deleted %s\n", path)
	return nil
}

// demoURL is the address to open in a browser.
func demoURL(cfg Config) string {
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return "http://" + cfg.Addr + "/"
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	scheme := "http"
	if cfg.TLSCert != "" {
		scheme = "https"
	}
	return scheme + "://" + net.JoinHostPort(host, port) + "/"
}

// thousands writes n with comma separators: 874,334.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		return "-" + s
	}
	return s
}

// countList writes "省 1 · 市 1 · …".
func countList(cs []demo.Count) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = fmt.Sprintf("%s %s", c.Name.ZH, thousands(int64(c.N)))
	}
	return strings.Join(parts, " · ")
}

func printDemoSummary(w io.Writer, s demo.Summary) {
	fmt.Fprintf(w, "\n已生成演示县 %s（%s），用时 %.1f 秒 / Demo county generated in %.1f s\n",
		s.FullName, s.County, s.Elapsed.Seconds(), s.Elapsed.Seconds())
	fmt.Fprintf(w, "数据依据 Figures: %s\n  %s\n", s.Note.ZH, s.Note.EN)
	if s.Scale > 1 {
		fmt.Fprintf(w, "规模 Scale ×%g：%s的%g倍，人口数和居民均按此放大，比率不变；仅供性能测量，不是真实的县 / %g times %s, population figures and residents alike, every rate unchanged: for measuring, not a real county\n",
			s.Scale, s.CountyName, s.Scale, s.Scale, s.CountyName)
	}
	var areas, fac []demo.Count
	nFac := 0
	for _, c := range s.Units {
		if c.Key == weijian.LevelFacility {
			continue
		}
		areas = append(areas, c)
	}
	for _, c := range s.Facilities {
		fac = append(fac, c)
		nFac += c.N
	}
	fmt.Fprintf(w, "区划 Areas: %s\n", countList(areas))
	fmt.Fprintf(w, "机构 Facilities (%d): %s\n", nFac, countList(fac))
	fmt.Fprintf(w, "常住人口 Resident population（每年11月1日；2020年为七普 / at 1 November, 2020 = census）:\n")
	fmt.Fprintf(w, "  %s %s %s %s %s %s %s\n", padRight("年份", 6), padLeft("合计", 10), padLeft("男", 10), padLeft("女", 10),
		padLeft("出生", 8), padLeft("死亡", 8), padLeft("净迁入", 8))
	fmt.Fprintf(w, "  %-6s %10s %10s %10s %8s %8s %8s\n", "year", "total", "male", "female", "births", "deaths", "moved")
	for i, y := range s.Years {
		b, d, m := thousands(y.Births), thousands(y.Deaths), thousands(y.Moved)
		if i == 0 {
			b, d, m = "–", "–", "–"
		}
		fmt.Fprintf(w, "  %-6d %10s %10s %10s %8s %8s %8s\n", y.Year, thousands(y.Total), thousands(y.Male), thousands(y.Female), b, d, m)
	}
	fmt.Fprintf(w, "  人口数据 %s 行（村/社区 × 性别 × 单岁年龄0–99、100+ × 年份）/ population rows (village × sex × age 0–99, 100+ × year)\n",
		thousands(int64(s.PopulationRows)))
	if sv := s.Surveillance; sv != nil {
		fmt.Fprintf(w, "传染病监测 Surveillance: 报告卡 %s 张（含注入暴发 %d 起）· 症状监测 %s 行 · 零报告 %s · 预警信号 %d（%.1f 秒）\n",
			thousands(int64(sv.Cards)), sv.Outbreaks, thousands(int64(sv.SeriesRows)), thousands(int64(sv.ZeroReports)), sv.Signals, sv.Elapsed.Seconds())
	}
	fmt.Fprintf(w, "  报表数据 %s 个数值（%d 年，8 套报表）/ aggregate data values (%d years, 8 data sets)\n",
		thousands(int64(s.DataValues)), demo.DataValueYears, demo.DataValueYears)
	fmt.Fprintf(w, "  任务数/目标值 %s 条（县级设定，按人口分解到乡镇、村；%.1f 秒）/ targets set at the county and allocated to towns and villages\n",
		thousands(int64(s.Targets)), s.TargetsElapsed.Seconds())
}

func printCredentials(w io.Writer, users []demo.Credential, fixed bool) {
	if fixed {
		fmt.Fprintln(w, "\n演示账号 Demo accounts（密码均为 WEIJIAN_DEMO_PASSWORD / every password is WEIJIAN_DEMO_PASSWORD）:")
	} else {
		fmt.Fprintln(w, "\n演示账号 Demo accounts — 密码只显示这一次，请立即保存 / passwords are shown only this once, save them now:")
	}
	fmt.Fprintf(w, "  %s %s %s\n", padRight("用户名", 10), padRight("密码", 16), "姓名｜角色｜范围")
	fmt.Fprintf(w, "  %-10s %-16s %s\n", "username", "password", "name | role | scope")
	for _, u := range users {
		pw := u.Password
		switch {
		case u.Existed:
			pw = "(已存在 exists)"
		case fixed:
			pw = "(env)"
		}
		role := string(u.Role)
		if ri, ok := weijian.LookupRole(u.Role); ok {
			role = ri.Name.ZH + " " + role
		}
		fmt.Fprintf(w, "  %s %s %s｜%s｜%s\n", padRight(u.Username, 10), padRight(pw, 16), u.DisplayName, role, u.UnitName)
	}
}

// displayWidth counts the terminal columns of s: two for a CJK character.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x2E80 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

func padRight(s string, width int) string {
	return s + strings.Repeat(" ", max(0, width-displayWidth(s)))
}

func padLeft(s string, width int) string {
	return strings.Repeat(" ", max(0, width-displayWidth(s))) + s
}

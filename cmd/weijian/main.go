// Command weijian is the Weijian county health data platform: one binary
// that serves the web application and runs its operations (migrations,
// imports, users, backups, the demo, detection).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"sort"
	"strings"
	"syscall"

	"github.com/weijian-health/weijian"
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *cmdEnv, args []string) error
}

// cmdEnv is what every command gets: the environment, read once, and the
// output streams.
type cmdEnv struct {
	getenv func(string) string
	stdout io.Writer
	stderr io.Writer
	stdin  io.Reader
	err    error // an unreadable NAME_FILE variable, reported by parse
}

var commands = []command{
	{"serve", "运行 Web 服务 / run the web server", runServe},
	{"demo", "创建或打开演示库（海安市）并启动服务 / create or open the demo county and serve it", runDemo},
	{"migrate", "升级数据库结构 / apply database migrations", runMigrate},
	{"import", "导入区划机构或人口：import orgunits|population FILE", runImport},
	{"export", "导出报表数据（DHIS2 格式）：export datavalues --dataset … --pe … --ou …", runExport},
	{"user", "用户管理：user add|passwd|roles|list|unlock|disable|enable|token-create|tokens|token-revoke", runUser},
	{"backup", "在线备份数据库到文件 / consistent online copy of the database", runBackup},
	{"detect", "对病例数序列运行预警算法 / run an aberration-detection method on a series", runDetectCmd},
	{"analytics", "计算指标（CSV）：analytics --indicator … --ou … --pe … [--as-of D] [--children|--level L]", runAnalytics},
	{"report", "撰写工作总结：report TEMPLATE --ou CODE --pe PERIOD -o FILE / write a work summary from live data", runReport},
	{"check", "核查报告中的数字：check report FILE / check the figures in a report", runCheck},
	{"signals", "传染病预警：signals run [--day D | --from D --to D] / run early-warning detection", runSignals},
	{"version", "显示版本 / print the version", runVersion},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := &cmdEnv{getenv: os.Getenv, stdout: os.Stdout, stderr: os.Stderr, stdin: os.Stdin}
	err := profiled(os.Getenv("WEIJIAN_CPUPROFILE"), func() error { return run(ctx, env, os.Args[1:]) })
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, formatError(err))
		}
		os.Exit(exitCode(err))
	}
}

// profiled runs f, writing a CPU profile of it to path when path is set
// (WEIJIAN_CPUPROFILE, for measuring a whole command such as the demo:
// go tool pprof bin/weijian FILE).
func profiled(path string, f func() error) error {
	if path == "" {
		return f()
	}
	out, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("WEIJIAN_CPUPROFILE: %w", err)
	}
	if err := pprof.StartCPUProfile(out); err != nil {
		out.Close()
		return fmt.Errorf("WEIJIAN_CPUPROFILE: %w", err)
	}
	err = f()
	pprof.StopCPUProfile()
	if cerr := out.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("WEIJIAN_CPUPROFILE: %w", cerr)
	}
	return err
}

func run(ctx context.Context, env *cmdEnv, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(env.stdout)
		if len(args) == 0 {
			return flag.ErrHelp
		}
		return nil
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(ctx, env, args[1:])
		}
	}
	usage(env.stderr)
	return usageError("unknown command %q", args[0])
}

func usage(w io.Writer) {
	fmt.Fprint(w, `weijian — 卫健：县域卫生健康数据平台 / county health data platform

用法 Usage:
  weijian <command> [flags]

命令 Commands:
`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
快速开始 Quick start:
  weijian demo                       # 演示县（海安市）, open http://127.0.0.1:8080
  weijian user add admin --role county_admin
  weijian serve --db weijian.db

数据库 Database: --db FILE (SQLite, default weijian.db) or --db postgres://user@host/db
环境变量 Environment: WEIJIAN_DB, WEIJIAN_ADDR, WEIJIAN_LOG_LEVEL, WEIJIAN_LOG_FORMAT
  (WEIJIAN_DB_FILE reads the DSN from a file, for secrets)

"weijian <command> -h" shows the flags of a command.
`)
}

// usageErr is a mistake in the command line.
type usageErr struct{ msg string }

func (e *usageErr) Error() string { return e.msg }

func usageError(format string, a ...any) error { return &usageErr{fmt.Sprintf(format, a...)} }

func exitCode(err error) int {
	var ue *usageErr
	var ec interface{ ExitCode() int }
	switch {
	case errors.As(err, &ec):
		return ec.ExitCode()
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		return 2
	}
	return 1
}

// formatError renders an error for the terminal: the user message in
// Chinese and English, each row/field issue on its own line.
func formatError(err error) string {
	var ue *usageErr
	if errors.As(err, &ue) {
		return "weijian: " + ue.msg + "\n(run \"weijian --help\" for usage)"
	}
	var e *weijian.Error
	if !errors.As(err, &e) {
		return "weijian: " + err.Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "错误：%s\nerror: %s\n", e.Msg.In("zh"), e.Msg.In("en"))
	issues := append([]weijian.Issue(nil), e.Issues...)
	sort.SliceStable(issues, func(i, j int) bool { return issues[i].Row < issues[j].Row })
	for _, is := range issues {
		fmt.Fprintf(&b, "  - %s\n", is.String("zh"))
	}
	if e.Err != nil && e.Kind == weijian.KindInternal {
		fmt.Fprintf(&b, "cause: %v\n", e.Err)
	}
	return strings.TrimRight(b.String(), "\n")
}

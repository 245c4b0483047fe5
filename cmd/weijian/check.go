package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/report/check"
)

const checkHelp = `核查报告中的数字：比率与所述人数是否相符（含截断/四舍五入）、分项与总数、不可能超过 100% 的比率、
残留占位符（xxxx、x月x日）、不规范日期（截至20241120日）、重复段落、繁简混用。
Check the figures in a report: rates against the stated counts (with truncation and rounding),
parts against totals, impossible rates, placeholders, malformed dates, repeated paragraphs and
mixed traditional/simplified characters.

  weijian check report FILE        FILE: .txt, .md (UTF-8 or GBK, 繁体 too) or .docx

退出码 Exit code: 0 无错误 no errors, 1 发现错误 errors found, 2 用法或输入错误 usage or input failure.
加 --db 时，报告中写明的比率与数据库中的实时指标值比对（按指标名称或别名匹配，--ou 为报告所述机构代码，
--period 为期间，如 2024 或 2024-10-31；不写时取文中的日期）。
With --db, stated rates are compared with live indicator values from the database (matched by
indicator name or alias; --ou is the org-unit code the report is about, --period e.g. 2024 or
2024-10-31, else the date in the text).

  weijian check report --db county.db --ou 320685000000 --period 2024 FILE`

// exitErr carries the exit code of a command that fails in a way of its
// own ("weijian check": 1 for errors found, 2 for bad input).
type exitErr struct {
	code int
	err  error
}

func (e *exitErr) Error() string { return e.err.Error() }
func (e *exitErr) Unwrap() error { return e.err }
func (e *exitErr) ExitCode() int { return e.code }

func runCheck(ctx context.Context, env *cmdEnv, args []string) error {
	var format, lang, db, ou, pe string
	fs := flagSet(env, "check", "check report [flags] FILE", checkHelp)
	fs.StringVar(&format, "format", "text", "output: text or json")
	fs.StringVar(&lang, "lang", "zh", "language of the messages: zh or en")
	fs.StringVar(&db, "db", "", "database to compare stated rates with live values (a SQLite file or postgres://…); default: none")
	fs.StringVar(&ou, "ou", "", "with --db: the org-unit code the report is about")
	fs.StringVar(&pe, "period", "", "with --db: the period the report is about (2024, 2024-10-31); default: dates in the text")
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		fs.Usage()
		return flag.ErrHelp
	}
	if len(args) == 0 || args[0] != "report" {
		fs.Usage()
		return usageError("check needs a kind: weijian check report FILE")
	}
	pos, err := parse(env, fs, args[1:])
	if err != nil {
		return err
	}
	switch {
	case len(pos) != 1:
		return usageError("check report needs exactly one FILE")
	case format != "text" && format != "json":
		return usageError("bad --format %q: use text or json", format)
	case lang != "zh" && lang != "en":
		return usageError("bad --lang %q: use zh or en", lang)
	}
	in, err := readReport(pos[0])
	if err != nil {
		return &exitErr{2, err}
	}
	c, err := check.New()
	if err != nil {
		return err
	}
	opt := check.Options{OrgUnit: ou, Period: pe}
	if db != "" {
		res, closeDB, err := liveResolver(ctx, env, db, ou)
		if err != nil {
			return err
		}
		defer closeDB()
		opt.Resolver = res
	}
	res, err := c.Check(ctx, in.Text, opt)
	if err != nil {
		return err
	}
	if format == "json" {
		err = writeCheckJSON(env.stdout, pos[0], in, res, lang)
	} else {
		err = writeCheckText(env.stdout, pos[0], in, res, lang)
	}
	if err != nil {
		return err
	}
	if n := res.Count(check.Error); n > 0 {
		return &exitErr{1, weijian.E(weijian.KindInvalid,
			weijian.T(fmt.Sprintf("报告中发现 %d 个错误", n), fmt.Sprintf("errors found in the report: %d", n)))}
	}
	return nil
}

// liveResolver opens the database and returns the indicator engine's
// check.Resolver over it (the whole database in scope: the command runs
// with the database's own rights), and the function that closes it.
func liveResolver(ctx context.Context, env *cmdEnv, db, ou string) (check.Resolver, func(), error) {
	cfg := Config{DB: db, LogLevel: "warn", LogFormat: "text"}
	store, _, err := cfg.open(ctx, env)
	if err != nil {
		return nil, nil, err
	}
	eng, err := indicator.NewBuiltinEngine(store)
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	return &indicator.CheckResolver{Eval: eng, Scope: weijian.ScopeAll(), OrgUnit: ou}, func() { store.Close() }, nil
}

// readReport reads and decodes a report file, refusing one over
// check.MaxInput before reading it.
func readReport(path string) (*check.Input, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, weijian.Wrap(weijian.KindInvalid, weijian.T("无法打开文件 "+path, "cannot open the file "+path), err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > check.MaxInput {
		return nil, check.TooLarge(st.Size())
	}
	b, err := io.ReadAll(io.LimitReader(f, check.MaxInput+1))
	if err != nil {
		return nil, weijian.Wrap(weijian.KindInvalid, weijian.T("无法读取文件 "+path, "cannot read the file "+path), err)
	}
	return check.Decode(b, filepath.Base(path))
}

func writeCheckText(w io.Writer, name string, in *check.Input, res *check.Result, lang string) error {
	zh := lang != "en"
	for _, f := range res.Findings {
		fmt.Fprintf(w, "%s:%d:%d: %s [%s] %s\n", name, f.Pos.Line, f.Pos.Column, f.Severity.Label(lang), f.Rule, f.Msg.In(lang))
		if f.Fix != (weijian.Text{}) {
			fmt.Fprintf(w, "    %s%s\n", pick(zh, "建议：", "fix: "), f.Fix.In(lang))
		}
	}
	e, wn, n := res.Count(check.Error), res.Count(check.Warning), res.Count(check.Note)
	if zh {
		fmt.Fprintf(w, "%s（%s）：%d 个数字；错误 %d 个，警告 %d 个，提示 %d 个。\n", name, in.Encoding, len(res.Figures), e, wn, n)
	} else {
		fmt.Fprintf(w, "%s (%s): %d figures; %d errors, %d warnings, %d notes.\n", name, in.Encoding, len(res.Figures), e, wn, n)
	}
	_, err := fmt.Fprintln(w, res.LiveNote().In(lang))
	return err
}

func pick(zh bool, a, b string) string {
	if zh {
		return a
	}
	return b
}

func writeCheckJSON(w io.Writer, name string, in *check.Input, res *check.Result, lang string) error {
	v := res.View(in, lang)
	v.File = name
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

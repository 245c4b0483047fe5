package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/weijian-health/weijian"
	pdate "github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/surveil"
	"github.com/weijian-health/weijian/internal/tabular"
)

// newSurveil builds the surveillance service over store: the embedded
// catalogue is loaded and checked first, so a broken one stops start-up
// with its file and line.
func newSurveil(cfg Config, store *sqlstore.Store, log *slog.Logger) (*surveil.Service, error) {
	cat, err := surveil.LoadCatalogue()
	if err != nil {
		return nil, err
	}
	if _, err := time.Parse("15:04", cfg.DetectAt); cfg.DetectAt != "" && err != nil {
		return nil, usageError("bad --detect-at %q: write HH:MM, e.g. 06:00", cfg.DetectAt)
	}
	return surveil.New(store, cat, surveil.Config{RunAt: cfg.DetectAt, WebhookURL: cfg.Webhook}, log, nil,
		surveil.HTTPPoster{}), nil
}

// importSurveil imports case reports or syndromic series.
func importSurveil(ctx context.Context, env *cmdEnv, cfg Config, kind, path string, opt weijian.ImportOptions) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	tb, err := tabular.Read(filepath.Base(path), f)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stderr, "读取 %s：%d 行数据（%s）\n", path, len(tb.Rows), tb.Encoding)
	store, log, err := cfg.open(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()
	sv, err := newSurveil(cfg, store, log)
	if err != nil {
		return err
	}
	start := time.Now()
	if kind == "series" {
		n, err := sv.ImportSeries(ctx, weijian.ScopeAll(), tb)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "症状监测数据导入完成：%d 行，变化 %d 行（用时 %.1f 秒）\nsyndromic series imported: %d rows, %d changed (%.1fs)\n",
			len(tb.Rows), n, time.Since(start).Seconds(), len(tb.Rows), n, time.Since(start).Seconds())
		return nil
	}
	res, err := sv.Import(ctx, weijian.ScopeAll(), tb, opt.Actor, opt.DryRun, progressPrinter(env, "写入 writing"))
	if res != nil {
		fmt.Fprintf(env.stderr, "识别的文件格式 Layout: %s / %s\n", res.Layout.Name.ZH, res.Layout.Name.EN)
		if len(res.Ignored) > 0 {
			fmt.Fprintf(env.stderr, "未使用的列 Columns not used: %v\n", res.Ignored)
		}
	}
	if err != nil {
		return err
	}
	s := res.Summary
	fmt.Fprintf(env.stdout, "%s：共 %d 行，新增 %d，订正 %d，删除 %d，未变 %d，疑似重卡 %d，新预警信号 %d（用时 %.1f 秒）\n",
		map[bool]string{true: "检查通过（未写入，--dry-run）", false: "导入完成"}[opt.DryRun],
		s.Rows, s.Inserted, s.Updated, s.Withdrawn, s.Unchanged, s.Duplicates, len(res.Signals), time.Since(start).Seconds())
	fmt.Fprintf(env.stdout, "rows %d: inserted %d, corrected %d, withdrawn %d, unchanged %d, possible duplicates %d, new signals %d\n",
		s.Rows, s.Inserted, s.Updated, s.Withdrawn, s.Unchanged, s.Duplicates, len(res.Signals))
	return nil
}

const signalsHelp = `运行传染病预警计算（平时由 weijian serve 每天定时运行，并在每张单病例预警病种的报告卡提交时立即运行）。
Run early-warning detection (weijian serve runs it daily and on every card of a single-case disease).

  weijian signals run                    # 今天 today
  weijian signals run --day 2026-12-01
  weijian signals run --from 2026-01-01 --to 2026-12-31   # 回溯 backfill, day by day
  weijian signals evaluate [--county 320685] [--day D]    # 各方法对已知暴发的灵敏度、误报、发现时间
                                                          # each method's sensitivity, false alarms, delay

历史数据不足的序列不会告警，会列出原因。Series with too little history raise no alarm; they are listed.`

func runSignals(ctx context.Context, env *cmdEnv, args []string) error {
	var cfg Config
	var day, from, to string
	fs := flagSet(env, "signals", "signals run [flags]", signalsHelp)
	dbFlags(fs, env, &cfg, "weijian.db")
	fs.StringVar(&day, "day", "", "the day to judge (default today, China time)")
	fs.StringVar(&from, "from", "", "backfill: first day")
	fs.StringVar(&to, "to", "", "backfill: last day")
	var county string
	fs.StringVar(&county, "county", "320685", "evaluate: the 6-digit county")
	if len(args) == 0 || args[0] != "run" && args[0] != "evaluate" {
		fs.Usage()
		return usageError("signals needs the subcommand run or evaluate")
	}
	if args[0] == "evaluate" {
		return evaluateSignals(ctx, env, &cfg, fs, args[1:], &county, &day)
	}
	if _, err := parse(env, fs, args[1:]); err != nil {
		return err
	}
	first, last, err := signalDays(day, from, to)
	if err != nil {
		return err
	}
	store, log, err := cfg.open(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()
	sv, err := newSurveil(cfg, store, log)
	if err != nil {
		return err
	}
	start := time.Now()
	var sums []surveil.RunSummary
	if first == last {
		sum, err := sv.RunDay(ctx, first)
		if err != nil {
			return err
		}
		sums = append(sums, sum)
	} else {
		counties, err := store.SurveilCounties(ctx)
		if err != nil {
			return err
		}
		for _, c := range counties {
			sum, err := sv.Backfill(ctx, c, first, last, progressPrinter(env, "回溯 backfill "+c))
			if err != nil {
				return err
			}
			sums = append(sums, sum)
		}
	}
	total, skipped := 0, 0
	for _, sum := range sums {
		total += len(sum.Signals)
		skipped += len(sum.Skips)
		for _, g := range sum.Signals {
			fmt.Fprintf(env.stdout, "%s  信号 signal #%d  %s  area %d  %s  observed %g  threshold %g\n", g.WindowTo, g.ID,
				sv.ItemName(g.Item).ZH, g.AreaID, g.Method, g.Observed, g.Threshold)
		}
		printSkips(env, sv, sum.Skips)
	}
	fmt.Fprintf(env.stdout, "完成 done: %s – %s, %d new signals, %d series not judged on the last day (%.2fs)\n",
		first, last, total, skipped, time.Since(start).Seconds())
	return nil
}

func signalDays(day, from, to string) (pdate.Date, pdate.Date, error) {
	parse := func(s string) (pdate.Date, error) {
		if s == "" {
			return pdate.DateOf(time.Now().In(surveil.China)), nil
		}
		d, err := pdate.ParseDate(s)
		if err != nil {
			return d, usageError("bad date %q: write yyyy-mm-dd", s)
		}
		return d, nil
	}
	if day != "" && (from != "" || to != "") {
		return pdate.Date{}, pdate.Date{}, usageError("give --day or --from/--to, not both")
	}
	if from == "" && to == "" {
		d, err := parse(day)
		return d, d, err
	}
	f, err := parse(from)
	if err != nil {
		return f, f, err
	}
	t, err := parse(to)
	if err == nil && t.Before(f) {
		err = usageError("--to %s is before --from %s", t, f)
	}
	return f, t, err
}

func printSkips(env *cmdEnv, sv *surveil.Service, skips []surveil.Skip) {
	seen := map[string]int{}
	for _, s := range skips {
		seen[sv.ItemName(s.Item).ZH+"："+s.Reason.ZH]++
	}
	for k, n := range seen {
		fmt.Fprintf(env.stdout, "  未判断 not judged (%d areas) %s\n", n, k)
	}
}

// evaluateSignals prints the method evaluation (see surveil.Evaluate) as
// a Markdown table.
func evaluateSignals(ctx context.Context, env *cmdEnv, cfg *Config, fs interface{ Parse([]string) error }, args []string, county, day *string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	d, _, err := signalDays(*day, "", "")
	if err != nil {
		return err
	}
	store, log, err := cfg.open(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()
	sv, err := newSurveil(*cfg, store, log)
	if err != nil {
		return err
	}
	start := time.Now()
	ev, err := sv.Evaluate(ctx, *county, d)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "Evaluation %s – %s, %d township series (%.1fs)\n\n", ev.From, ev.To, ev.Series, time.Since(start).Seconds())
	for _, de := range ev.Diseases {
		fmt.Fprintf(env.stdout, "%s (%s): %d known outbreaks; catalogue: %s\n\n", sv.ItemName(de.Disease).ZH, de.Disease, len(de.Outbreaks), de.Current)
		fmt.Fprintln(env.stdout, "| method | detected | false signals | per 10 series-years | median delay (days) | |")
		fmt.Fprintln(env.stdout, "|---|---|---|---|---|---|")
		for _, s := range de.Scores {
			rec := ""
			if s.Recommended {
				rec = "recommended"
			}
			fmt.Fprintf(env.stdout, "| %s | %d/%d | %d | %.1f | %.0f | %s |\n", s.Label, s.Detected, s.Outbreaks, s.FalseSignals, s.FalsePer10, s.MedianDelay, rec)
		}
		fmt.Fprintln(env.stdout)
	}
	return nil
}

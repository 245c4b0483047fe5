package main

import (
	"context"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/analytics"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/ingest"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/tabular"
)

const analyticsHelp = `按指标、机构、期间计算指标值，并给出任务数、完成率、序时进度、排名、同比、环比，输出 CSV（机器可读的列名与数字）。
Compute indicators for org units and periods from live data, with targets, completion, pace,
rank, year-on-year and period-on-period bases, printed as CSV (machine column names, numbers).

  weijian analytics --indicator htn_standard_rate,two_cancer_screened --ou 320685000000 --children --pe 2024 --as-of 2024-06-30
  weijian analytics --indicator htn_managed --ou 320685000000 --level village --pe 2024Q1,2024Q2

--pe: 2024, 2024H1, 2024Q2, 2024-06, 2024W23, 2024-06-30 (default: the year of --as-of)
--as-of: periods are cut at this date (year to date) and pace is as of it (default: today)
--pace: days (default), months, or 12 comma-separated monthly weights
--disagg: sex, age, or a category of the indicator's data elements (type, mode …): one row per option,
with the columns option and option_name after pe; an indicator that has no such dimension is an error.
Age takes bands of its own, 按自定年龄组: --disagg age:0-6,7-17,18-64,65- ("65-" is 65 and over;
ascending, not overlapping, gaps allowed); a band that cuts a stored population or data-set band
(0-6 of 5-year bands) is refused, never estimated
Columns: indicator,indicator_name,unit,ou,ou_name,pe,numerator,denominator,value,raw,target,completion,
pace,pace_gap,pace_flag (ahead|on|behind),rank,yoy,mom,coverage,no_data`

func runAnalytics(ctx context.Context, env *cmdEnv, args []string) error {
	var cfg Config
	var ind, ou, pe, asOf, level, pace, lang, disagg string
	var children bool
	fs := flagSet(env, "analytics", "analytics --indicator CODES --ou CODE [--children | --level L] [--pe PERIODS] [--as-of DATE] [--disagg DIM]", analyticsHelp)
	dbFlags(fs, env, &cfg, "weijian.db")
	fs.StringVar(&ind, "indicator", "", "indicator codes, comma-separated")
	fs.StringVar(&ou, "ou", "", "org-unit code")
	fs.BoolVar(&children, "children", false, "the unit and its child areas")
	fs.StringVar(&level, "level", "", "every unit at this level below --ou (town, village …)")
	fs.StringVar(&pe, "pe", "", "periods, comma-separated")
	fs.StringVar(&asOf, "as-of", "", "as-of date YYYY-MM-DD (default today)")
	fs.StringVar(&pace, "pace", "", "pace convention: days, months or 12 monthly weights")
	fs.StringVar(&disagg, "disagg", "", "disaggregate by sex, age (age:0-6,7-17,65- for bands of your own) or a data-element category")
	fs.StringVar(&lang, "lang", "zh", "language of the indicator and unit names: zh or en")
	pos, err := parse(env, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError("analytics takes no arguments, got %q", pos[0])
	}
	if ind == "" || ou == "" {
		fs.Usage()
		return usageError("analytics needs --indicator and --ou")
	}
	if children && level != "" {
		return usageError("--children and --level exclude each other")
	}
	req := analytics.Request{Indicators: splitComma(ind), OrgUnit: ou, Periods: splitComma(pe), AsOf: asOf, Pace: pace, Lang: lang, OUMode: analytics.OUSelf,
		Disagg: disagg}
	switch {
	case children:
		req.OUMode = analytics.OUChildren
	case level != "":
		req.OUMode, req.Level = analytics.OULevel, level
	}
	store, _, err := cfg.open(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()
	svc, err := analytics.NewLive(store)
	if err != nil {
		return err
	}
	resp, err := svc.Query(ctx, weijian.ScopeAll(), req)
	if err != nil {
		return err
	}
	header, rows := resp.Table("")
	return tabular.WriteCSVPlain(env.stdout, header, rows)
}

// splitComma splits a comma-separated flag value.
func splitComma(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })
}

// importTargets imports a targets file all or nothing: indicators named
// by code or name, checked against the library, with the file's cell
// problems in the same list as the store's.
func importTargets(ctx context.Context, store *sqlstore.Store, tb *tabular.Table, opt weijian.ImportOptions) (weijian.ImportSummary, error) {
	rows, err := ingest.Targets(tb)
	if opt.Issues, err = ingest.CellIssues(err); err != nil {
		return weijian.ImportSummary{}, err
	}
	lib, err := indicator.Builtin()
	if err != nil {
		return weijian.ImportSummary{}, err
	}
	opt.Issues = append(opt.Issues, analytics.ResolveIndicators(lib, rows)...)
	return store.SetTargets(ctx, weijian.ScopeAll(), opt.Actor, rows, opt)
}

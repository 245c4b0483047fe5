package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/ingest"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/tabular"
)

const importHelp = `导入区划/机构或人口数据（CSV 或 XLSX；CSV 可为 UTF-8 或 Excel 导出的 GBK）。
整个文件要么全部导入，要么（有任何错误时）一行也不写入；重复导入同一文件不会产生重复数据。
Import org units or population from CSV (UTF-8 or GBK) or XLSX. A file is imported whole or not
at all; importing the same file again changes nothing.

  weijian import orgunits FILE     columns: code,name,level,parent_code[,type,uscc,valid_from,valid_to,successor_code]
                                   level: province/city/county/town/village/facility (或 省/市/县/乡镇/村/机构)
  weijian import population FILE   columns: unit_code,year,sex,age,count  (sex 1男 2女 0合计; age 0-4, 85+, 3 …)
                                   or wide: unit_code,year,age,male,female
                                   男、女、合计 rows may stand side by side: each 合计 must equal the sum of its parts
  weijian import persons FILE      居民 residents (CSV/XLSX/JSON): 身份证号,姓名,性别,出生日期,现住址(村居代码),详细地址,联系电话,户号,来源编号
  weijian import enrollments FILE  项目登记 enrollments: 身份证号,项目,日期,机构代码,来源编号, then one column per attribute
  weijian import events FILE       服务记录 services: 身份证号,项目,服务,日期,机构代码,来源编号, then one column per data element (its code)
                                   --valid-only imports the valid rows; --report FILE.xlsx writes the row report
  weijian import cases FILE        传染病报告卡：国家传染病报告信息系统下载的文件原样导入（2016/2019/2025版，GBK）
                                   case reports: the national system's download as it comes; idempotent by 卡片ID
  weijian import series FILE       症状监测序列 syndromic series: source,area_code,date,count
                                   (source: fever_clinic, antipyretic_sales, antidiarrhoeal_sales, school_absence)
  weijian import targets FILE      任务数/目标值 targets: 指标,机构代码,年度,目标值 (or indicator,unit_code,year,value)
                                   指标 is the indicator's code or name; 目标值 may be 10000, 4.83万 or 90%

数据库 Database: 导入只写入已有的数据库；首次导入到新文件时加 --create（或先运行 weijian migrate）。
  An import writes into an existing database; add --create for the first import into a new file
  (or run weijian migrate first). --dry-run counts what the import would add, change and leave
  unchanged, and writes nothing (with --create and no database yet, it checks against an empty one).

  weijian import orgunits --create --db county.db divisions.csv
  weijian import population --dry-run --db county.db population.xlsx

  weijian import datavalues --mapping FILE FILE   DHIS2 dataValueSets JSON (see import datavalues -h)`

func runImport(ctx context.Context, env *cmdEnv, args []string) error {
	if len(args) > 0 && args[0] == "datavalues" {
		return runImportDataValues(ctx, env, args[1:])
	}
	var cfg Config
	var validFrom string
	var dryRun bool
	var rf residentImportFlags
	fs := flagSet(env, "import", "import orgunits|population|persons|enrollments|events|cases|series|targets [flags] FILE", importHelp)
	dbFlags(fs, env, &cfg, "weijian.db")
	fs.StringVar(&validFrom, "valid-from", "", "date new names and codes take effect, e.g. 2021-01-01 (default today)")
	fs.BoolVar(&dryRun, "dry-run", false, "check the file and report what the import would do; write nothing")
	fs.BoolVar(&cfg.Create, "create", false, "create the database if it does not exist yet (the first import into a new file); without it a missing --db is an error")
	fs.BoolVar(&rf.validOnly, "valid-only", false, "persons/events: import the valid rows and report the others (default: all or nothing)")
	fs.StringVar(&rf.report, "report", "", "persons/events: write the row report (row, field, value, rule) to this XLSX file")
	pos, err := parse(env, fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		fs.Usage()
		return usageError("import needs a kind (orgunits, population, persons, enrollments, events, cases, series or targets) and a FILE")
	}
	kind := pos[0]
	switch kind {
	case "orgunits", "population", "persons", "enrollments", "events", "cases", "series", "targets":
	default:
		return usageError("unknown import kind %q: use orgunits, population, persons, enrollments, events, cases, series or targets", kind)
	}
	if len(pos) != 2 {
		return usageError("import %s needs exactly one FILE", kind)
	}
	if kind == "persons" || kind == "enrollments" || kind == "events" {
		return importResidents(ctx, env, cfg, kind, pos[1], rf, dryRun)
	}
	opt := weijian.ImportOptions{DryRun: dryRun, Actor: "cli:" + os.Getenv("USER")}
	if validFrom != "" {
		t, err := time.Parse(time.DateOnly, validFrom)
		if err != nil {
			return usageError("bad --valid-from %q: write a date like 2021-01-01", validFrom)
		}
		opt.ValidFrom = t
	}
	return importFile(ctx, env, cfg, kind, pos[1], opt)
}

func importFile(ctx context.Context, env *cmdEnv, cfg Config, kind, path string, opt weijian.ImportOptions) error {
	if kind == "cases" || kind == "series" {
		return importSurveil(ctx, env, cfg, kind, path, opt)
	}
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
	if opt.DryRun && cfg.Create && !sqlstore.IsPostgres(cfg.DB) {
		// A dry run writes nothing, not even the new file: check the
		// rows against an empty scratch database instead.
		if _, err := os.Stat(sqlstore.SQLitePath(cfg.DB)); errors.Is(err, os.ErrNotExist) {
			dir, err := os.MkdirTemp("", "weijian-dry-run")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			cfg.DB = filepath.Join(dir, "empty.db")
		}
	}
	store, _, err := cfg.open(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()
	opt.Progress = progressPrinter(env, "写入 writing")
	start := time.Now()
	var sum weijian.ImportSummary
	switch kind {
	case "targets":
		if sum, err = importTargets(ctx, store, tb, opt); err != nil {
			return err
		}
	case "orgunits":
		rows, err := ingest.OrgUnits(tb)
		if opt.Issues, err = ingest.CellIssues(err); err != nil {
			return err
		}
		sum, err = store.ImportOrgUnits(ctx, weijian.ScopeAll(), rows, opt)
		if err != nil {
			return err
		}
	default:
		rows, err := ingest.Population(tb)
		if opt.Issues, err = ingest.CellIssues(err); err != nil {
			return err
		}
		sum, err = store.ImportPopulation(ctx, weijian.ScopeAll(), rows, opt)
		if err != nil {
			return err
		}
	}
	printSummary(env, sum, opt.DryRun, time.Since(start))
	return nil
}

func printSummary(env *cmdEnv, s weijian.ImportSummary, dry bool, d time.Duration) {
	if s.Checked > 0 {
		defer fmt.Fprintf(env.stdout, "其中 %d 行合计已与分项核对相符，不另存 / %s checked against the sum of their parts, not stored again\n",
			s.Checked, weijian.Plural(s.Checked, "total row", "total rows"))
	}
	if dry {
		fmt.Fprintf(env.stdout, "检查通过（--dry-run，未写入）：共 %d 行，导入将新增 %d，更新 %d，停用 %d，未变 %d（用时 %.1f 秒）\n",
			s.Rows, s.Inserted, s.Updated, s.Closed, s.Unchanged, d.Seconds())
		fmt.Fprintf(env.stdout, "dry run, nothing written: rows %d: would insert %d, update %d, close %d, leave %d unchanged (%.1fs)\n",
			s.Rows, s.Inserted, s.Updated, s.Closed, s.Unchanged, d.Seconds())
		return
	}
	fmt.Fprintf(env.stdout, "导入完成：共 %d 行，新增 %d，更新 %d，停用 %d，未变 %d（用时 %.1f 秒）\n",
		s.Rows, s.Inserted, s.Updated, s.Closed, s.Unchanged, d.Seconds())
	fmt.Fprintf(env.stdout, "rows %d: inserted %d, updated %d, closed %d, unchanged %d (%.1fs)\n",
		s.Rows, s.Inserted, s.Updated, s.Closed, s.Unchanged, d.Seconds())
}

// progressPrinter returns a callback that rewrites one progress line on
// stderr.
func progressPrinter(env *cmdEnv, label string) func(done, total int) {
	return func(done, total int) {
		pct := 100
		if total > 0 {
			pct = done * 100 / total
		}
		fmt.Fprintf(env.stderr, "\r%s %d/%d (%d%%)", label, done, total, pct)
		if done >= total {
			fmt.Fprintln(env.stderr)
		}
	}
}

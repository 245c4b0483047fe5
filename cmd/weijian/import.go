package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/ingest"
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
  weijian import cases FILE        传染病报告卡：国家传染病报告信息系统下载的文件原样导入（2016/2019/2025版，GBK）
                                   case reports: the national system's download as it comes; idempotent by 卡片ID
  weijian import series FILE       症状监测序列 syndromic series: source,area_code,date,count
                                   (source: fever_clinic, antipyretic_sales, antidiarrhoeal_sales, school_absence)`

func runImport(ctx context.Context, env *cmdEnv, args []string) error {
	var cfg Config
	var validFrom string
	var dryRun bool
	fs := flagSet(env, "import", "import orgunits|population [flags] FILE", importHelp)
	dbFlags(fs, env, &cfg, "weijian.db")
	fs.StringVar(&validFrom, "valid-from", "", "date new names and codes take effect, e.g. 2021-01-01 (default today)")
	fs.BoolVar(&dryRun, "dry-run", false, "check the file and report, write nothing")
	if len(args) == 0 {
		fs.Usage()
		return usageError("import needs a kind (orgunits or population) and a FILE")
	}
	kind := args[0]
	pos, err := parse(env, fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("import %s needs exactly one FILE", kind)
	}
	opt := weijian.ImportOptions{DryRun: dryRun, Actor: "cli:" + os.Getenv("USER")}
	if validFrom != "" {
		t, err := time.Parse(time.DateOnly, validFrom)
		if err != nil {
			return usageError("bad --valid-from %q: write a date like 2021-01-01", validFrom)
		}
		opt.ValidFrom = t
	}
	return importFile(ctx, env, cfg, kind, pos[0], opt)
}

func importFile(ctx context.Context, env *cmdEnv, cfg Config, kind, path string, opt weijian.ImportOptions) error {
	if kind == "cases" || kind == "series" {
		return importSurveil(ctx, env, cfg, kind, path, opt)
	}
	if kind != "orgunits" && kind != "population" {
		return usageError("unknown import kind %q: use orgunits, population, cases or series", kind)
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
	store, _, err := cfg.open(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()
	opt.Progress = progressPrinter(env, "写入 writing")
	start := time.Now()
	var sum weijian.ImportSummary
	if kind == "orgunits" {
		rows, err := ingest.OrgUnits(tb)
		if err != nil {
			return err
		}
		sum, err = store.ImportOrgUnits(ctx, weijian.ScopeAll(), rows, opt)
		if err != nil {
			return err
		}
	} else {
		rows, err := ingest.Population(tb)
		if err != nil {
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
	verb := "导入完成"
	if dry {
		verb = "检查通过（未写入，--dry-run）"
	}
	fmt.Fprintf(env.stdout, "%s：共 %d 行，新增 %d，更新 %d，停用 %d，未变 %d（用时 %.1f 秒）\n",
		verb, s.Rows, s.Inserted, s.Updated, s.Closed, s.Unchanged, d.Seconds())
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

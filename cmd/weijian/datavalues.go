package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/dataset"
	"github.com/weijian-health/weijian/internal/dhis2"
	periodpkg "github.com/weijian-health/weijian/internal/period"
)

const dataValuesHelp = `导入 DHIS2 dataValueSets JSON 格式的报表数据，按映射文件（YAML）把 DHIS2 标识
（数据元、分类组合、机构 uid）对应到本系统的报表指标项、分类组合和机构代码。
整个文件要么全部导入，要么（有任何错误时）一条也不写入，错误指明 dataValues 中的序号、字段和规则；
重复导入同一文件不会改变任何数据。
Import aggregate data values from a DHIS2 dataValueSets JSON file, translating DHIS2 uids with a
mapping file. All or nothing; errors name the index in dataValues, the field and the rule; a
re-sent file changes nothing.

  weijian import datavalues --mapping dhis2-mapping.yaml --db county.db values.json

映射文件 Mapping file:
  dataElements:          [{uid: fbfJHSPpUQD, dataset: jiankang, element: lectures}]
  categoryOptionCombos:  [{uid: HllvX50cXC0, combo: ""}, {uid: V6L425pT3A0, combo: "sex=F;age=65+"}]
  orgUnits:              [{uid: DiszpKrYNg8, code: "320685100000"}]`

const exportHelp = `导出报表数据为 DHIS2 dataValueSets JSON（按映射文件换成 DHIS2 uid）。
Export aggregate data values as DHIS2 dataValueSets JSON, with DHIS2 uids from a mapping file.

  weijian export datavalues --mapping m.yaml --dataset jiankang --pe 202401,202402 --ou 320685100000 [--children] [-o out.json]

--pe takes DHIS2 periods (202401, 2024Q1, 2024) or ours (2024-01); --ou an org-unit code;
--children adds the values of every unit below it.`

// loadMapping reads the built-in data sets and a mapping file.
func loadMapping(path string) (*dataset.Catalog, *dhis2.Mapping, error) {
	cat, err := dataset.Builtin()
	if err != nil {
		return nil, nil, err
	}
	if path == "" {
		return nil, nil, usageError("--mapping FILE is required (DHIS2 uid ↔ element, combo, org unit)")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	m, err := dhis2.ParseMapping(filepath.Base(path), b, cat)
	return cat, m, err
}

func runImportDataValues(ctx context.Context, env *cmdEnv, args []string) error {
	var cfg Config
	var mapping string
	fs := flagSet(env, "import datavalues", "import datavalues --mapping FILE [flags] FILE", dataValuesHelp)
	dbFlags(fs, env, &cfg, "weijian.db")
	fs.StringVar(&mapping, "mapping", "", "mapping file (YAML): DHIS2 uids ↔ our elements, option combos and org units")
	pos, err := parse(env, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return usageError("import datavalues needs exactly one FILE")
	}
	cat, m, err := loadMapping(mapping)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(pos[0])
	if err != nil {
		return err
	}
	vs, err := dhis2.Decode(b)
	if err != nil {
		return err
	}
	vals, err := m.Import(vs, cat)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stderr, "读取 %s：%d 个数值\n", pos[0], len(vals))
	store, _, err := cfg.open(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()
	start := time.Now()
	sum, err := store.SaveDataValues(ctx, weijian.ScopeAll(), "cli:"+os.Getenv("USER"), vals)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "导入完成：共 %d 个数值，新增 %d，更新 %d，删除 %d，未变 %d（用时 %.1f 秒）\n",
		sum.Rows, sum.Inserted, sum.Updated, sum.Closed, sum.Unchanged, time.Since(start).Seconds())
	fmt.Fprintf(env.stdout, "values %d: inserted %d, updated %d, deleted %d, unchanged %d\n",
		sum.Rows, sum.Inserted, sum.Updated, sum.Closed, sum.Unchanged)
	return nil
}

func runExport(ctx context.Context, env *cmdEnv, args []string) error {
	if len(args) == 0 || args[0] != "datavalues" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(env.stderr, exportHelp)
			return nil
		}
		return usageError("export needs a kind: export datavalues …")
	}
	var cfg Config
	var mapping, sets, pes, ou, outPath string
	var children bool
	fs := flagSet(env, "export datavalues", "export datavalues --mapping FILE --dataset CODE --pe PERIODS --ou CODE [flags]", exportHelp)
	dbFlags(fs, env, &cfg, "weijian.db")
	fs.StringVar(&mapping, "mapping", "", "mapping file (YAML): DHIS2 uids ↔ our elements, option combos and org units")
	fs.StringVar(&sets, "dataset", "", "data set codes, comma-separated (e.g. jiankang,tuoyu)")
	fs.StringVar(&pes, "pe", "", "periods, comma-separated: 202401, 2024Q1, 2024 (or 2024-01)")
	fs.StringVar(&ou, "ou", "", "org-unit code")
	fs.BoolVar(&children, "children", false, "include the units below --ou")
	fs.StringVar(&outPath, "o", "", "write to FILE instead of standard output")
	pos, err := parse(env, fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) > 0 || sets == "" || pes == "" || ou == "" {
		fs.Usage()
		return usageError("export datavalues needs --dataset, --pe and --ou")
	}
	cat, m, err := loadMapping(mapping)
	if err != nil {
		return err
	}
	periods, err := exportPeriods(pes)
	if err != nil {
		return err
	}
	store, _, err := cfg.open(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()
	unit, err := store.OrgUnit(ctx, weijian.ScopeAll(), ou)
	if err != nil {
		return err
	}
	sc := weijian.ScopeOf(unit.Path)
	var units []string
	if !children {
		units = []string{ou}
	}
	var vals []weijian.DataValue
	for _, ds := range strings.Split(sets, ",") {
		ds = strings.TrimSpace(ds)
		if cat.Get(ds) == nil {
			return usageError("no data set %q", ds)
		}
		v, err := store.DataValues(ctx, sc, weijian.DataValueFilter{DataSet: ds, Periods: periods, UnitCodes: units})
		if err != nil {
			return err
		}
		vals = append(vals, v...)
	}
	vs, err := m.Export(vals)
	if err != nil {
		return err
	}
	if err := writeJSON(env, outPath, vs); err != nil {
		return err
	}
	fmt.Fprintf(env.stderr, "导出 %d 个数值 / exported %d values\n", len(vs.DataValues), len(vs.DataValues))
	return nil
}

// exportPeriods parses --pe: DHIS2 period ids (202401, 2024Q1) or ours.
func exportPeriods(pes string) ([]string, error) {
	var periods []string
	for _, p := range strings.Split(pes, ",") {
		pp, err := dhis2.ToPeriod(strings.TrimSpace(p))
		if err != nil {
			if pp, err = periodpkg.Parse(strings.TrimSpace(p)); err != nil {
				return nil, usageError("bad --pe %q: %v", p, err)
			}
		}
		periods = append(periods, periodpkg.Format(pp))
	}
	return periods, nil
}

// writeJSON writes v, indented, to the file at path (reporting a failed
// close: the disk may be full) or to standard output.
func writeJSON(env *cmdEnv, path string, v any) error {
	encode := func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	if path == "" {
		return encode(env.stdout)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := encode(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

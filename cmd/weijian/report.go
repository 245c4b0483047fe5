package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/analytics"
	"github.com/weijian-health/weijian/internal/dataset"
	"github.com/weijian-health/weijian/internal/indicator"
	periodpkg "github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/report"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/surveil"
	"github.com/weijian-health/weijian/internal/web"
)

const reportHelp = `用实时数据撰写工作总结：每个数字来自指标分析（任务数、完成率、序时进度、同比环比），
存在问题一节按数据草拟。Write a work summary from live data.

  weijian report TEMPLATE --ou CODE --pe PERIOD [--as-of DATE] -o FILE

TEMPLATE 内置模板 built-in: half_year_summary（半年工作总结）, annual_summary（年度工作总结和
  下年度工作计划）, phc_quarterly（基本公共卫生服务项目季度报告）, epidemic_monthly（传染病疫情月报）;
  或模板文件 or a template file (.md, see internal/report/doc.go for the functions).
--pe 期间 period: 2024H1 (or 2024S1, 2024年上半年), 2024, 2024Q2, 2024-06 (or 202406)
-o  输出文件 output, format by extension: .md, .html, .docx, .xlsx (the tables); default: Markdown to stdout
--list 列出内置模板 list the built-in templates`

func runReport(ctx context.Context, env *cmdEnv, args []string) error {
	var cfg Config
	var ou, pe, asOf, out string
	var list bool
	fs := flagSet(env, "report", "report TEMPLATE --ou CODE --pe PERIOD [flags]", reportHelp)
	dbFlags(fs, env, &cfg, "weijian.db")
	fs.StringVar(&ou, "ou", "", "org-unit code")
	fs.StringVar(&pe, "pe", "", "period: 2024H1, 2024, 2024Q2, 2024-06")
	fs.StringVar(&asOf, "as-of", "", "cut the figures at this date, YYYY-MM-DD (default: the period's end, or today)")
	fs.StringVar(&out, "o", "", "output file: .md, .html, .docx or .xlsx (default: Markdown to standard output)")
	fs.BoolVar(&list, "list", false, "list the built-in templates")
	pos, err := parse(env, fs, reorder(args))
	if err != nil {
		return err
	}
	if list {
		lib, err := indicator.Builtin()
		if err != nil {
			return err
		}
		return listTemplates(env, lib)
	}
	if len(pos) != 1 || ou == "" || pe == "" {
		fs.Usage()
		return usageError("report needs a TEMPLATE, --ou and --pe")
	}
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(out)), ".")
	if out == "" {
		format = "md"
	}
	if !report.KnownFormat(format) {
		return usageError("bad -o %q: the extension must be .md, .html, .docx or .xlsx", out)
	}
	store, _, err := cfg.open(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()
	w, err := newReportWiring(store, nil)
	if err != nil {
		return err
	}
	tm, err := report.Load(pos[0], w.lib)
	if err != nil {
		return err
	}
	doc, err := w.render(ctx, weijian.ScopeAll(), tm, report.Params{OrgUnit: ou, Period: pe, AsOf: asOf})
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := doc.Write(&b, format); err != nil {
		return err
	}
	if out == "" {
		_, err = env.stdout.Write(b.Bytes())
		return err
	}
	if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(env.stderr, "已写入 %s：%s（%d 个数字）/ wrote %s\n", out, doc.Title, len(doc.Figures), out)
	return nil
}

// reorder moves the TEMPLATE argument after the flags, so that
// "report half_year_summary --ou …" parses as the help shows it.
func reorder(args []string) []string {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return append(append([]string{}, args[1:]...), args[0])
	}
	return args
}

func listTemplates(env *cmdEnv, lib *indicator.Library) error {
	list, err := report.Builtins(lib)
	if err != nil {
		return err
	}
	for _, t := range list {
		fmt.Fprintf(env.stdout, "%-18s %s — %s\n", t.Name, t.Title, t.Description)
	}
	return nil
}

// reportWiring holds what a report reads: the analytics service over the
// indicator engine, the surveillance catalogue and the data sets.
type reportWiring struct {
	store    *sqlstore.Store
	lib      *indicator.Library
	svc      *analytics.Service
	diseases *surveil.Catalogue
	sets     []*dataset.DataSet
	now      func() time.Time
}

// newReportWiring wires the reports over svc (nil: the built-in engine
// over store).
func newReportWiring(store *sqlstore.Store, svc *analytics.Service) (*reportWiring, error) {
	var err error
	if svc == nil {
		if svc, err = analytics.NewLive(store); err != nil {
			return nil, err
		}
	}
	sets, err := dataset.Builtin()
	if err != nil {
		return nil, err
	}
	diseases, err := surveil.LoadCatalogue()
	if err != nil {
		return nil, err
	}
	return &reportWiring{store: store, lib: svc.Eval.Library(), svc: svc, diseases: diseases, sets: sets.All(), now: time.Now}, nil
}

// sources are the live inputs of a report within sc.
func (w *reportWiring) sources(sc weijian.Scope) report.Sources {
	live := &report.Live{Store: w.store, Scope: sc, Diseases: w.diseases, DataSets: w.sets, Now: w.now}
	return report.Sources{Figures: report.LiveFigures{Lib: w.lib, Query: w.svc.Query, Scope: sc}, Surveillance: live, Quality: live}
}

// render names the unit and renders tm for p within sc, with today in
// China as the default cut-off.
func (w *reportWiring) render(ctx context.Context, sc weijian.Scope, tm *report.Template, p report.Params) (*report.Document, error) {
	u, err := w.store.OrgUnit(ctx, sc, p.OrgUnit)
	if err != nil {
		return nil, err
	}
	p.OUName = u.Name
	p.Today = periodpkg.DateOf(w.now().In(chinaTime))
	return tm.Render(ctx, w.sources(sc), p)
}

// webReports wires the report page: the built-in templates over the
// indicator engine and analytics service of store.
func webReports(store *sqlstore.Store, svc *analytics.Service) (*web.Reports, error) {
	w, err := newReportWiring(store, svc)
	if err != nil {
		return nil, err
	}
	list, err := report.Builtins(w.lib)
	if err != nil {
		return nil, err
	}
	return &web.Reports{Templates: list, Sources: w.sources}, nil
}

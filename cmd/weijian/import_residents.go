package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/ingest"
	"github.com/weijian-health/weijian/internal/tabular"
)

// residentImportFlags are the flags of `import persons|events`.
type residentImportFlags struct {
	validOnly bool
	report    string // write the row report (XLSX) here
}

// importResidents imports a resident or event file (CSV UTF-8/GBK, XLSX
// or JSON) in one transaction: all or nothing unless --valid-only; a row
// whose source id is stored is recognised and skipped, so a re-run (also
// after a kill -9, which leaves nothing half-written) adds nothing twice.
func importResidents(ctx context.Context, env *cmdEnv, cfg Config, kind, path string, f residentImportFlags, dry bool) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	tb, err := ingest.ReadAny(filepath.Base(path), file)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stderr, "读取 %s：%d 行数据（%s）\n", path, len(tb.Rows), tb.Encoding)
	store, _, err := cfg.open(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()
	opt := weijian.ResidentImportOptions{ValidOnly: f.validOnly, DryRun: dry, Progress: progressPrinter(env, "写入 writing")}
	actor := weijian.Actor{Name: "cli:" + os.Getenv("USER")}
	start := time.Now()
	var rep weijian.ResidentImportReport
	switch kind {
	case "persons":
		rows, err := ingest.Persons(tb)
		if err != nil {
			return writeReport(env, f.report, weijian.ErrorIssues(err), err)
		}
		rep, err = store.ImportPersons(ctx, weijian.ScopeAll(), actor, rows, opt)
		if err != nil {
			return writeReport(env, f.report, weijian.ErrorIssues(err), err)
		}
	case "enrollments":
		rows, err := ingest.Enrollments(tb)
		if err != nil {
			return writeReport(env, f.report, weijian.ErrorIssues(err), err)
		}
		rep, err = store.ImportEnrollments(ctx, weijian.ScopeAll(), actor, rows, opt)
		if err != nil {
			return writeReport(env, f.report, weijian.ErrorIssues(err), err)
		}
	default:
		rows, err := ingest.Events(tb)
		if err != nil {
			return writeReport(env, f.report, weijian.ErrorIssues(err), err)
		}
		rep, err = store.ImportEvents(ctx, weijian.ScopeAll(), actor, rows, opt)
		if err != nil {
			return writeReport(env, f.report, weijian.ErrorIssues(err), err)
		}
	}
	d := time.Since(start)
	fmt.Fprintf(env.stdout, "导入完成：共 %d 行，新增 %d，已存在（来源编号相同，未重复导入）%d，拒绝 %d（用时 %.1f 秒）\n",
		rep.Rows, rep.Inserted, rep.Existing, rep.Rejected, d.Seconds())
	fmt.Fprintf(env.stdout, "rows %d: inserted %d, already stored %d, rejected %d (%.1fs)\n", rep.Rows, rep.Inserted, rep.Existing, rep.Rejected, d.Seconds())
	for _, is := range rep.Issues {
		fmt.Fprintln(env.stdout, "  "+is.String("zh"))
	}
	return writeReport(env, f.report, rep.Issues, nil)
}

// writeReport writes the row report (row, field, value, rule, message) as
// XLSX when asked, then returns err.
func writeReport(env *cmdEnv, path string, issues []weijian.Issue, err error) error {
	if path == "" || len(issues) == 0 {
		return err
	}
	var b bytes.Buffer
	if werr := tabular.WriteXLSX(&b, "导入报告", ReportHeader, ReportRows(issues)); werr != nil {
		return werr
	}
	if werr := os.WriteFile(path, b.Bytes(), 0o644); werr != nil {
		return werr
	}
	fmt.Fprintf(env.stderr, "行报告已写入 row report written to %s\n", path)
	return err
}

// ReportHeader and ReportRows lay out an import's row report.
var ReportHeader = []string{"行 row", "字段 field", "值 value", "规则 rule", "说明 message"}

func ReportRows(issues []weijian.Issue) [][]any {
	out := make([][]any, len(issues))
	for i, is := range issues {
		out[i] = []any{is.Row, is.Field, is.Value, is.Rule, is.Msg.ZH}
	}
	return out
}

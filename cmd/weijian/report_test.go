package main

import (
	"archive/zip"
	"bytes"
	"context"
	"flag"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/report"
	"github.com/weijian-health/weijian/internal/report/check"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/xuri/excelize/v2"
)

var (
	reportDemoOnce sync.Once
	reportDemoDB   string
	reportDemoErr  error
)

// reportDemo generates a small demo county (0.5% of the residents with
// their services, the case reports and data-set reports) once for the
// report tests and benchmarks.
func reportDemo(tb testing.TB) string {
	tb.Helper()
	reportDemoOnce.Do(func() {
		dir, err := os.MkdirTemp("", "weijian-report-demo-")
		if err != nil {
			reportDemoErr = err
			return
		}
		reportDemoDB = filepath.Join(dir, "demo.db")
		_, errOut, err := runDemoCmd(tb, demoEnv(dir), "demo", "--no-serve", "--db", reportDemoDB)
		if err != nil {
			reportDemoErr = err
			tb.Log(errOut)
		}
	})
	if reportDemoErr != nil {
		tb.Fatal(reportDemoErr)
	}
	return reportDemoDB
}

// The built-in templates write real text from the demo county: figures
// with their counts, tables by town, cases by disease, drafted problems.
func TestReportOnDemo(t *testing.T) {
	db := reportDemo(t)
	env := map[string]string{"WEIJIAN_LOG_LEVEL": "warn"}
	for _, tc := range []struct {
		args []string
		want []*regexp.Regexp
	}{
		{[]string{"half_year_summary", "--pe", "2025H1"}, []*regexp.Regexp{
			regexp.MustCompile(`^# 海安市2025年上半年卫生健康工作总结`),
			regexp.MustCompile(`截至2025年6月30日，老年人健康管理率\d+\.\d\d%（\d+/\d+）`),
			regexp.MustCompile(`高血压患者规范管理率\d+\.\d\d%（\d+/\d+），目标值\d+%，完成率\d+\.\d\d%，较去年同期(提高|下降)[\d.]+个百分点`),
			regexp.MustCompile(`高血压患者健康管理完成\d+人，任务数\d+人，完成率\d+\.\d\d%，(超|慢于)序时进度[\d.]+个百分点`),
			regexp.MustCompile(`\| 城东镇 \| \d+ \| \d+ \| \d+\.\d\d \|`),
			regexp.MustCompile(`共报告法定传染病\d+种\d+例，居前5位的依次为`),
			regexp.MustCompile(`## 二、存在问题\n\n1\.`),
		}},
		{[]string{"annual_summary", "--pe", "2025"}, []*regexp.Regexp{
			regexp.MustCompile(`# 海安市2025年卫生健康工作总结和2026年工作计划`),
			regexp.MustCompile(`\| 手足口病 \| 丙类 \| \d+ \|`),
		}},
		{[]string{"phc_quarterly", "--pe", "2025Q2"}, []*regexp.Regexp{regexp.MustCompile(`- 2型糖尿病患者规范管理率\d+\.\d\d%`)}},
		{[]string{"epidemic_monthly", "--pe", "202506"}, []*regexp.Regexp{regexp.MustCompile(`较上期(增加|减少)\d+例`)}},
	} {
		args := append([]string{"report"}, tc.args...)
		args = append(args, "--db", db, "--ou", "320685000000")
		out, errOut, err := runCmd(t, env, "", args...)
		if err != nil {
			t.Fatalf("%v: %v\n%s", tc.args, err, errOut)
		}
		for _, re := range tc.want {
			if !re.MatchString(out) {
				t.Errorf("%s: no match for %s in\n%s", tc.args[0], re, out)
			}
		}
		for _, line := range strings.Split(out, "\n") {
			if strings.Contains(line, "暂无数据") && !strings.HasPrefix(line, "|") {
				t.Errorf("%s: the county has data for every figure (a small town may have no patient at this scale): %s", tc.args[0], line)
			}
		}
	}
}

// Each output format by the extension of -o.
func TestReportFormats(t *testing.T) {
	db := reportDemo(t)
	dir := t.TempDir()
	env := map[string]string{"WEIJIAN_LOG_LEVEL": "warn"}
	for _, ext := range []string{"md", "html", "docx", "xlsx"} {
		out := filepath.Join(dir, "r."+ext)
		if _, errOut, err := runCmd(t, env, "", "report", "annual_summary", "--db", db, "--ou", "320685000000", "--pe", "2025", "-o", out); err != nil {
			t.Fatalf("%s: %v\n%s", ext, err, errOut)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		switch ext {
		case "html":
			if !bytes.Contains(b, []byte(`<a class="fig"`)) || !bytes.Contains(b, []byte(`href="/dashboard?asOf=2025-12-31&amp;ind=htn_standard_rate&amp;unit=320685000000"`)) {
				t.Errorf("the HTML has no figure links")
			}
		case "docx":
			if _, err := zip.NewReader(bytes.NewReader(b), int64(len(b))); err != nil {
				t.Errorf("the DOCX is not a zip: %v", err)
			}
		case "xlsx":
			x, err := excelize.OpenReader(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if n := len(x.GetSheetList()); n != 6 {
				t.Errorf("%d sheets, want 5 tables and the figures", n)
			}
			x.Close()
		}
	}
}

func TestReportErrors(t *testing.T) {
	db := reportDemo(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.md")
	if err := os.WriteFile(bad, []byte("# 标题\n\n{{value \"no_such\"}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"WEIJIAN_LOG_LEVEL": "warn"}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"report", "nope", "--db", db, "--ou", "320685000000", "--pe", "2025"}, "没有名为 nope 的报告模板"},
		{[]string{"report", bad, "--db", db, "--ou", "320685000000", "--pe", "2025"}, "bad.md:3:9: 未知的指标：no_such"},
		{[]string{"report", "half_year_summary", "--db", db, "--ou", "320685000000", "--pe", "2025"}, "按半年编写"},
		{[]string{"report", "half_year_summary", "--db", db, "--ou", "999", "--pe", "2025H1"}, "999"},
		{[]string{"report", "half_year_summary", "--db", db, "--ou", "320685000000", "--pe", "2025H1", "-o", "x.pdf"}, "extension"},
		{[]string{"report", "half_year_summary", "--db", db}, "needs a TEMPLATE, --ou and --pe"},
	} {
		_, errOut, err := runCmd(t, env, "", tc.args...)
		if err == nil {
			t.Errorf("%v: no error", tc.args)
			continue
		}
		if msg := formatError(err) + errOut; !strings.Contains(msg, tc.want) {
			t.Errorf("%v: %s, want %q", tc.args, msg, tc.want)
		}
	}
}

var reportBenchDB = flag.String("report-db", "", "demo database for BenchmarkAnnualReportDemo (default: a small generated demo county)")

// The annual summary of the demo county, all sections, to DOCX: the goal
// is ≤ 3 s. Every iteration computes every figure afresh (the engine,
// analytics, cases, signals, data-set completeness) and writes the DOCX.
// go test ./cmd/weijian -run '^$' -bench AnnualReportDemo -report-db /path/to/full-demo.db
func BenchmarkAnnualReportDemo(b *testing.B) {
	db := *reportBenchDB
	if db == "" {
		db = reportDemo(b)
	}
	ctx := context.Background()
	store, err := sqlstore.Open(ctx, db, sqlstore.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), NoCreate: true})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	w, err := newReportWiring(store, nil)
	if err != nil {
		b.Fatal(err)
	}
	tm, err := report.Load("annual_summary", w.lib)
	if err != nil {
		b.Fatal(err)
	}
	figures := 0
	cpu0 := cpuTime()
	for b.Loop() {
		doc, err := w.render(ctx, weijian.ScopeAll(), tm, report.Params{OrgUnit: "320685000000", Period: "2025"})
		if err != nil {
			b.Fatal(err)
		}
		if err := doc.WriteDOCX(io.Discard); err != nil {
			b.Fatal(err)
		}
		figures = len(doc.Figures)
	}
	b.ReportMetric(float64(figures), "figures")
	// The CPU time of the process per report: on a shared machine the
	// wall time per op counts the waits for a core as well.
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
}

// cpuTime is the user and system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestMain removes the report tests' demo county after the run.
func TestMain(m *testing.M) {
	code := m.Run()
	if reportDemoDB != "" {
		os.RemoveAll(filepath.Dir(reportDemoDB))
	}
	os.Exit(code)
}

// What the report writes, the checker finds consistent: every rate
// against its counts, every part against its total.
func TestReportPassesTheChecker(t *testing.T) {
	db := reportDemo(t)
	out, errOut, err := runCmd(t, map[string]string{"WEIJIAN_LOG_LEVEL": "warn"}, "", "report", "half_year_summary", "--db", db, "--ou", "320685000000", "--pe", "2025H1")
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	c, err := check.New()
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Check(context.Background(), out, check.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Figures) < 200 {
		t.Errorf("the checker read %d figures", len(res.Figures))
	}
	for _, f := range res.Findings {
		if f.Severity == check.Error || f.Severity == check.Warning {
			t.Errorf("%d:%d %s %s", f.Pos.Line, f.Pos.Column, f.Rule, f.Msg.In("zh"))
		}
	}
}

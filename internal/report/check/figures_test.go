package check

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// The real reports and their checked list of figures live in the shared
// folder beside the clone: ../../../../shared/data/reports from this
// package, or $WEIJIAN_REPORTS. If it is missing the test fails, so that
// CI (which has shared/ beside the clone) cannot pass without it.
func reportsDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("WEIJIAN_REPORTS")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "..", "shared", "data", "reports")
	}
	if _, err := os.Stat(filepath.Join(dir, "FIGURES.csv")); err != nil {
		t.Fatalf("the real reports are missing (%v): put the shared folder beside the clone or set WEIJIAN_REPORTS", err)
	}
	return dir
}

var (
	testCheckerOnce sync.Once
	testChecker     *Checker
	testCheckerErr  error
)

// newTestChecker builds the checker once for all tests (the OpenCC
// dictionaries take a while to load).
func newTestChecker(t testing.TB) *Checker {
	t.Helper()
	testCheckerOnce.Do(func() { testChecker, testCheckerErr = New() })
	if testCheckerErr != nil {
		t.Fatal(testCheckerErr)
	}
	return testChecker
}

// figureRow is one row of FIGURES.csv.
type figureRow struct {
	source, quote, kind, unit, consistent, note string
	line                                        int
	value, num, den, target, stated             string
	computed                                    string
}

func readFigures(t testing.TB, dir string) []figureRow {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "FIGURES.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	var rows []figureRow
	for _, r := range recs[1:] {
		line, _ := strconv.Atoi(r[col["line"]])
		rows = append(rows, figureRow{source: r[col["source"]], line: line, quote: r[col["quote"]], kind: r[col["kind"]],
			value: r[col["value"]], unit: r[col["unit"]], num: r[col["numerator"]], den: r[col["denominator"]],
			target: r[col["target"]], stated: r[col["stated_rate"]], computed: r[col["computed_rate"]],
			consistent: r[col["consistent"]], note: r[col["note"]]})
	}
	if len(rows) != 295 {
		t.Fatalf("FIGURES.csv has %d rows, want 295", len(rows))
	}
	return rows
}

// checkReports checks the four texts.
func checkReports(t testing.TB, dir string) map[string]*Result {
	t.Helper()
	c := newTestChecker(t)
	out := map[string]*Result{}
	files, _ := filepath.Glob(filepath.Join(dir, "0*.txt"))
	if len(files) != 4 {
		t.Fatalf("want the 4 reports in %s, found %d", dir, len(files))
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		in, err := Decode(b, filepath.Base(p))
		if err != nil {
			t.Fatal(err)
		}
		res, err := c.Check(context.Background(), in.Text, Options{})
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(p)] = res
	}
	return out
}

// figureAt finds the figure of res on line with value as written.
func figureAt(res *Result, line int, value string, kind FigureKind) *Figure {
	for i := range res.Figures {
		f := &res.Figures[i]
		if f.Pos.Line == line && f.Kind == kind && numEqual(f, value) {
			return f
		}
	}
	return nil
}

func numEqual(f *Figure, value string) bool {
	v, err := strconv.ParseFloat(value, 64)
	return err == nil && (f.Value == v || strings.ReplaceAll(f.Written, ",", "") == value)
}

func findingsOn(res *Result, f *Figure) []Finding {
	var out []Finding
	for _, fd := range res.Findings {
		if fd.start <= f.start && f.end <= fd.end || f.start <= fd.start && fd.end <= f.end {
			out = append(out, fd)
		}
	}
	return out
}

func dumpResult(t *testing.T, name string, res *Result) {
	for _, f := range res.Findings {
		t.Logf("%s:%d:%d %s %s %s | fix %s", name, f.Pos.Line, f.Pos.Column, f.Severity, f.Rule, f.Msg.ZH, f.Fix.ZH)
	}
}

func TestRealReportsDump(t *testing.T) {
	dir := reportsDir(t)
	res := checkReports(t, dir)
	for name, r := range res {
		dumpResult(t, name, r)
		for _, f := range r.Figures {
			if f.Kind == KindRate {
				t.Logf("%s:%d rate %s%s name=%q check=%+v", name, f.Pos.Line, f.Written, f.Unit, f.Label, *f.Check)
			}
		}
	}
}

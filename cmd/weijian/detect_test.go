package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/detect"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func runDetectOut(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := runDetect(args, &out, &errOut)
	return out.String(), err
}

// TestDetectCSVHandComputed runs EARS C1 (baseline 3, α = 0.001, so
// z = qnorm(0.999) = 3.090232306) on testdata/detect_weekly.csv (a Chinese
// header, one NA). Bounds U = mean + z·sd of the 3 previous weeks:
//
//	2024W04 (10): 2 4 6   → 4 + z·2               = 10.180465 → no alarm
//	2024W05 (4):  4 6 10  → 6.6667 + z·3.0550505  = 16.107482 → no alarm
//	2024W06 (NA): 6 10 4  → 16.107482, alarm NA
//	2024W07..09:  an NA in the reference → bound NA, alarm NA
//	2024W10 (12): 3 0 4   → 2.3333 + z·2.0816660  = 8.766165  → ALARM
func TestDetectCSVHandComputed(t *testing.T) {
	out, err := runDetectOut(t, "--method", "earsC1", "--baseline", "3", "--format", "csv", "testdata/detect_weekly.csv")
	if err != nil {
		t.Fatal(err)
	}
	want := `period,count,upper_bound,alarm
2024W04,10,10.180464612335626,0
2024W05,4,16.107482305341303,0
2024W06,NA,16.107482305341303,NA
2024W07,3,NA,NA
2024W08,0,NA,NA
2024W09,4,NA,NA
2024W10,12,8.766164855534686,1
`
	if diff := cmp.Diff(csvCells(want), csvCells(out), approxCells); diff != "" {
		t.Errorf("csv output (-want +got):\n%s", diff)
	}

	out, err = runDetectOut(t, "--method=earsC1", "--baseline=3", "--range", "2024W09:2024W10", "testdata/detect_weekly.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"2024W09", "2024W10", "8.77", "ALARM", "2 periods evaluated, 1 alarm\n", "评估 2 个时段，报警 1 次"} {
		if !strings.Contains(out, s) {
			t.Errorf("table output lacks %q:\n%s", s, out)
		}
	}
}

// csvCells splits CSV text into cells, numbers parsed (NaN for others).
func csvCells(text string) [][]any {
	var out [][]any
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		var row []any
		for _, c := range strings.Split(line, ",") {
			if f, err := strconv.ParseFloat(c, 64); err == nil {
				row = append(row, f)
			} else {
				row = append(row, c)
			}
		}
		out = append(out, row)
	}
	return out
}

// approxCells compares numbers to 1e-12 relative: the hand values are
// exact decimals, the program's last digit depends on summation order.
var approxCells = cmpopts.EquateApprox(1e-12, 0)

func TestDetectJSON(t *testing.T) {
	out, err := runDetectOut(t, "--method", "cidarsFixed", "--range", "last:2", "--format", "json", "testdata/detect_weekly.csv")
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Method string
		Freq   int
		Points []detectRow
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v in\n%s", err, out)
	}
	if got.Method != "cidarsFixed" || got.Freq != 52 || len(got.Points) != 2 {
		t.Fatalf("got %+v", got)
	}
	last := got.Points[1]
	if last.Period != "2024W10" || *last.Count != 12 || *last.UpperBound != 1 || !*last.Alarm {
		t.Errorf("last point %+v", last)
	}
}

// TestDetectGBKDaily writes a GBK-encoded daily CSV, as Excel saves it in
// China, and runs the fixed threshold: the two days with a case alarm.
func TestDetectGBKDaily(t *testing.T) {
	text := "日期,病例数\n2024/2/27,0\n2024/2/28,1\n2024/2/29,0\n2024/3/1,\n2024/3/2,2\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "cholera.csv")
	if err := os.WriteFile(path, []byte(gbk), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := runDetectOut(t, "--method", "cidarsFixed", "--format", "csv", path)
	if err != nil {
		t.Fatal(err)
	}
	want := "period,count,upper_bound,alarm\n2024-02-27,0,1,0\n2024-02-28,1,1,1\n2024-02-29,0,1,0\n2024-03-01,NA,1,NA\n2024-03-02,2,1,1\n"
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestDetectXLSX generates a workbook with excelize: month labels as text
// in one file, real date cells in another.
func TestDetectXLSX(t *testing.T) {
	dir := t.TempDir()
	months := filepath.Join(dir, "months.xlsx")
	writeXLSX(t, months, func(f *excelize.File) {
		f.SetSheetRow("Sheet1", "A1", &[]any{"月份", "病例数"})
		for i := range 30 {
			f.SetSheetRow("Sheet1", "A"+strconv.Itoa(i+2), &[]any{time.Date(2022, time.Month(1+i), 1, 0, 0, 0, 0, time.UTC).Format("2006-01"), i % 4})
		}
	})
	out, err := runDetectOut(t, "--method", "bayes", "--b", "1", "--w", "2", "--range", "last:3", "--format", "csv", months)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "period,count,upper_bound,alarm\n2024-04,") || strings.Count(out, "\n") != 4 {
		t.Errorf("output:\n%s", out)
	}

	dates := filepath.Join(dir, "dates.xlsx")
	writeXLSX(t, dates, func(f *excelize.File) {
		for i := range 5 {
			f.SetSheetRow("Sheet1", "A"+strconv.Itoa(i+1), &[]any{time.Date(2024, 12, 30+i, 0, 0, 0, 0, time.UTC), i})
		}
	})
	out, err = runDetectOut(t, "--method", "cidarsFixed", "--threshold", "3", "--format", "csv", dates)
	if err != nil {
		t.Fatal(err)
	}
	want := "period,count,upper_bound,alarm\n2024-12-30,0,3,0\n2024-12-31,1,3,0\n2025-01-01,2,3,0\n2025-01-02,3,3,1\n2025-01-03,4,3,1\n"
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("date cells (-want +got):\n%s", diff)
	}
}

func writeXLSX(t *testing.T, path string, fill func(*excelize.File)) {
	t.Helper()
	f := excelize.NewFile()
	fill(f)
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// TestDetectInputErrors checks that each broken rule is named with its row.
func TestDetectInputErrors(t *testing.T) {
	tests := []struct {
		name, csv string
		want      []weijian.Issue // Row and Rule only
	}{
		{"negative and non-integer", "period,count\n2024W01,3\n2024W02,-1\n2024W03,2.5\n2024W04,x\n",
			[]weijian.Issue{{Row: 3, Rule: "negative"}, {Row: 4, Rule: "not_integer"}, {Row: 5, Rule: "not_a_number"}}},
		{"gap", "2024W01,3\n2024W02,1\n2024W05,1\n",
			[]weijian.Issue{{Row: 3, Rule: "gap"}}},
		{"bad count and gap together", "2024W01,3\n2024W02,-1\n2024W04,1\n",
			[]weijian.Issue{{Row: 2, Rule: "negative"}, {Row: 3, Rule: "gap"}}},
		{"unsorted and duplicate", "period,count\n2024-01,3\n2024-03,1\n2024-02,1\n2024-02,1\n",
			[]weijian.Issue{{Row: 3, Rule: "gap"}, {Row: 4, Rule: "unsorted"}, {Row: 5, Rule: "duplicate"}}},
		{"bad and mixed periods", "2024W01,3\n2024W99,1\n2024-01-08,1\n",
			[]weijian.Issue{{Row: 2, Rule: "bad_period"}, {Row: 3, Rule: "mixed_format"}}},
		{"ISO year with 53 weeks is not a gap", "2020W52,1\n2020W53,1\n2021W01,x\n",
			[]weijian.Issue{{Row: 3, Rule: "not_a_number"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "in.csv")
			if err := os.WriteFile(path, []byte(tt.csv), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := runDetectOut(t, "--method", "earsC1", path)
			if weijian.ErrorKind(err) != weijian.KindInvalid {
				t.Fatalf("err = %v, want an invalid-input error", err)
			}
			var got []weijian.Issue
			for _, is := range weijian.ErrorIssues(err) {
				got = append(got, weijian.Issue{Row: is.Row, Rule: is.Rule})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("issues (-want +got):\n%s\n(error: %v)", diff, err)
			}
		})
	}
}

func TestDetectUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"testdata/detect_weekly.csv"}, // no method
		{"--method", "earsC1"},         // no file
		{"--method", "earsC1", "--format", "xml", "testdata/detect_weekly.csv"},
		{"--method", "earsC1", "--freq", "12", "testdata/detect_weekly.csv"}, // weeks are 52
		{"--method", "earsC1", "--range", "2023W01:2024W02", "testdata/detect_weekly.csv"},
		{"--method", "earsC1", "--baseline"},
	} {
		_, err := runDetectOut(t, args...)
		var ue *usageErr
		if !errors.As(err, &ue) {
			t.Errorf("%q: err = %v, want a usage error", args, err)
		}
	}
	// Method errors name the method and the parameter.
	_, err := runDetectOut(t, "--method", "earsC1", "--bogus", "1", "testdata/detect_weekly.csv")
	if err == nil || !strings.Contains(err.Error(), `unknown parameter "bogus"`) {
		t.Errorf("unknown parameter: err = %v", err)
	}
	_, err = runDetectOut(t, "--method", "farringtonClassic", "testdata/detect_weekly.csv")
	if err == nil || !strings.Contains(err.Error(), `unknown method "farringtonClassic"`) {
		t.Errorf("unknown method: err = %v", err)
	}
}

func TestDetectHelp(t *testing.T) {
	out, err := runDetectOut(t, "--help")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range detect.Methods() {
		if !strings.Contains(out, "\n  "+m.Name+" — ") {
			t.Errorf("help lacks method %s", m.Name)
		}
	}
}

// --method twice, as the help shows for earsC, runs earsC with that
// method parameter (either order), the same as the method named alone.
func TestDetectEarsCMethodTwice(t *testing.T) {
	want, err := runDetectOut(t, "--method", "earsC2", "--format", "csv", "testdata/detect_weekly.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--method", "earsC", "--method", "C2"}, {"--method=C2", "--method=earsC"}} {
		got, err := runDetectOut(t, append(args, "--format", "csv", "testdata/detect_weekly.csv")...)
		if err != nil || got != want {
			t.Errorf("%v: %v\n%s\nwant\n%s", args, err, got, want)
		}
	}
	if _, err := runDetectOut(t, "--method", "earsC1", "--method", "cusum", "testdata/detect_weekly.csv"); exitCode(err) != 2 {
		t.Errorf("two detection methods: %v, want a usage error", err)
	}
}

// glrnb's bound column holds its GLR statistic and is named for it; with
// ret = cases it holds the count that would alarm, an upper bound.
func TestDetectGLRColumn(t *testing.T) {
	for ret, col := range map[string]string{"value": "glr_statistic", "cases": "upper_bound"} {
		for _, format := range []string{"csv", "json", "table"} {
			out, err := runDetectOut(t, "--method", "glrnb", "--ret", ret, "--range", "last:4", "--format", format, "testdata/detect_weekly.csv")
			other := map[string]string{"glr_statistic": "upper_bound", "upper_bound": "glr_statistic"}[col]
			if err != nil || !strings.Contains(out, col) || strings.Contains(out, other) {
				t.Errorf("ret %s, %s: %v, want column %s only:\n%s", ret, format, err, col, out)
			}
		}
	}
}

// A series too short for the method gets a message in Chinese and
// English that says what to do, without R's wording.
func TestDetectShortSeries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "short.csv")
	os.WriteFile(path, []byte("period,count\n2024W01,1\n2024W02,2\n2024W03,0\n"), 0o600)
	for _, method := range []string{"farringtonFlexible", "earsC1", "bayes"} {
		_, err := runDetectOut(t, "--method", method, "--range", "1:3", path)
		zh, en := weijian.ErrorMessage(err, "zh"), weijian.ErrorMessage(err, "en")
		if weijian.ErrorKind(err) != weijian.KindInvalid || !strings.Contains(zh, "序列太短") || !strings.Contains(zh, "--range") ||
			!strings.Contains(en, "too short") || strings.Contains(zh+en, "R:") {
			t.Errorf("%s: %v\nzh: %s\nen: %s", method, err, zh, en)
		}
	}
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weijian-health/weijian/internal/report/check"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// sharedReport is a real report from the shared folder beside the clone;
// the test fails if it is missing (CI has it).
func sharedReport(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "data", "reports", name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("the shared reports are missing: %v", err)
	}
	return p
}

func TestCheckReport(t *testing.T) {
	// The real report with the 全部 mismatch: exit 1, the finding printed.
	out, _, err := runCmd(t, nil, "", "check", "report", sharedReport(t, "000_6df6edabab3eeb7c.txt"))
	if codeOf(err) != 1 || !strings.Contains(out, ":32:56: 错误 [total.all]") || !strings.Contains(out, "建议：可写作 55.27%") ||
		!strings.Contains(out, "未与实时指标值比对") {
		t.Errorf("000: exit %d (%v)\n%s", codeOf(err), err, out)
	}
	// A report with warnings only: exit 0; English messages.
	out, _, err = runCmd(t, nil, "", "check", "report", "--lang", "en", sharedReport(t, "001_d9b8678219b8fe24.txt"))
	if codeOf(err) != 0 || !strings.Contains(out, "warning [date.malformed] malformed date") {
		t.Errorf("001: exit %d (%v)\n%s", codeOf(err), err, out)
	}
	// JSON, for a traditional report.
	out, _, err = runCmd(t, nil, "", "check", "report", "--format", "json", sharedReport(t, "002_b6418ea8e6ecdeae.txt"))
	var got struct {
		check.View
		Figures []struct {
			Kind string `json:"kind"`
		} `json:"figures"`
	}
	if codeOf(err) != 0 || json.Unmarshal([]byte(out), &got) != nil {
		t.Fatalf("002 json: exit %d (%v)\n%s", codeOf(err), err, out)
	}
	if len(got.Figures) != 84 || got.Figures[0].Kind == "" {
		t.Errorf("002 json: %d figures", len(got.Figures))
	}
	if !got.Converted || got.Live || got.Summary["errors"] != 0 || got.Summary["notes"] != 2 || len(got.Findings) != 9 {
		t.Errorf("002 json: %+v", got.Summary)
	}
	for _, f := range got.Findings {
		if f.Rule == "rate.truncated" && (f.Line != 10 || f.Quote != "102.6%" || f.Fix != "可写作 102.67%") {
			t.Errorf("truncated note %+v", f)
		}
	}
}

func TestCheckReportInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	gbk, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte("产妇数1462人，产前筛查1401人，筛查率96.83%。"))
	big := filepath.Join(dir, "big.txt")
	f, _ := os.Create(big)
	f.Truncate(100 << 20) // 100 MB, sparse
	f.Close()
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"gbk with a mismatch", []string{write("gbk.txt", gbk)}, 1, "改为 95.83%"},
		{"docx that is not a zip", []string{write("a.docx", []byte("plain text, not a zip"))}, 2, "不是有效的 DOCX"},
		{"empty file", []string{write("empty.txt", nil)}, 2, "文件为空"},
		{"binary junk", []string{write("junk.txt", []byte("\x00\x01\x02\xff\xfe\x00junk"))}, 2, "不是文本"},
		{"100 MB file", []string{big}, 2, "文件过大（100.0 MB）"},
		{"missing file", []string{filepath.Join(dir, "nope.txt")}, 2, "无法打开文件"},
		{"bad format", []string{"--format", "xml", big}, 2, "bad --format"},
		{"no file", nil, 2, "exactly one FILE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := runCmd(t, nil, "", append([]string{"check", "report"}, tc.args...)...)
			if codeOf(err) != tc.code {
				t.Errorf("exit %d, want %d (%v)", codeOf(err), tc.code, err)
			}
			if msg := out; !strings.Contains(msg, tc.want) && (err == nil || !strings.Contains(formatError(err), tc.want)) {
				t.Errorf("want %q in the output or error:\n%s\n%v", tc.want, out, err)
			}
		})
	}
	if _, errOut, err := runCmd(t, nil, "", "check", "-h"); codeOf(err) != 0 || !strings.Contains(errOut, "weijian check report FILE") {
		t.Errorf("check -h: exit %d\n%s", codeOf(err), errOut)
	}
	if _, _, err := runCmd(t, nil, "", "check", "letter", "x"); codeOf(err) != 2 {
		t.Errorf("unknown kind: exit %d, want 2", codeOf(err))
	}
}

// codeOf is the exit code of a command that returned err (main exits 0
// on nil without asking exitCode).
func codeOf(err error) int {
	if err == nil {
		return 0
	}
	return exitCode(err)
}

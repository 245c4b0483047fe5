package check

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCheck runs the extractor and every rule on arbitrary text: no
// panic, every figure and finding lies inside the text, and positions
// agree with byte offsets.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		"任务数4380人，已完成筛查4497人，完成率102.6%。",
		"截至20241120日，x月x日，2月30日，1-3月份，共15人，其中3人、4人。",
		"4.83万人，1,234人，12,34人，近35135人，180余名，1.19/万，2.76‰，10/10万",
		"衡南縣衛生健康局工作總結，產前篩查1401人(shù)，占4.21%",
		"１２３４人％‰%%%..1.2.3", "全部完成,共签约186人", "第", "0.0%", "99999999999999999999999%",
	} {
		f.Add(s)
	}
	c, err := New()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		res, err := c.Check(context.Background(), s, Options{})
		if err != nil {
			t.Fatal(err)
		}
		n := len([]rune(s))
		for _, fig := range res.Figures {
			if a, b := fig.Span(); a < 0 || b > n || a >= b {
				t.Fatalf("figure span [%d,%d) outside %d runes", a, b, n)
			}
		}
		for _, fd := range res.Findings {
			a, b := fd.Span()
			if a < 0 || b > n || a > b || fd.Pos.Offset > fd.End.Offset || fd.End.Offset > len(s) {
				t.Fatalf("finding %s span [%d,%d) outside the text", fd.Rule, a, b)
			}
			if !strings.HasPrefix(s[fd.Pos.Offset:], fd.Quote) {
				t.Fatalf("finding %s: quote %q not at offset %d", fd.Rule, fd.Quote, fd.Pos.Offset)
			}
		}
	})
}

// A pathological line — thousands of counts and rates with no sentence
// end — is checked in bounded time.
func TestPathologicalLine(t *testing.T) {
	text := strings.Repeat("共1234人，其中12人，占5.5%，", 2000)
	res, err := newTestChecker(t).Check(context.Background(), text, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Figures) != 6000 {
		t.Errorf("%d figures, want 6000", len(res.Figures))
	}
}

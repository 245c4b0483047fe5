package report

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// Template mistakes are reported at load time with the line and column.
func TestTemplateErrors(t *testing.T) {
	lib := testLibrary()
	for _, tc := range []struct{ name, src, want string }{
		{"unknown indicator", "# 标题\n\n高血压{{value \"htn_standard_rate\"}}，糖尿病{{rate \"no_such_code\"}}。\n", "x.md:3:44: unknown indicator: no_such_code"},
		{"unknown function", "# 标题\n\n{{.AsOf}}，{{valeu \"htn_managed\"}}\n", `x.md:3:13: function "valeu" not defined`},
		{"code not a constant", "{{value .OrgUnit}}\n", "x.md:1:9: the indicator code of value must be a quoted string"},
		{"code missing", "\n{{pace}}\n", "x.md:2:3: pace needs an indicator code"},
		{"unclosed action", "# 标题\n\n{{value \"htn_managed\"\n", "x.md:4: unclosed action"},
		{"header with a bad type", "---\nperiods: [fortnight]\n---\n# x\n", "x.md:1: unknown period type: fortnight"},
		{"header unclosed", "---\ntitle: x\n", "x.md:1: the template header has no closing ---"},
		{"line numbers count the header", "---\ntitle: 测试\n---\n# 标题\n{{worst \"nope\"}}\n", "x.md:5:9: unknown indicator: nope"},
	} {
		_, err := Parse("x.md", tc.src, lib)
		var te *Error
		if !errors.As(err, &te) {
			t.Errorf("%s: error %v is not a template error", tc.name, err)
			continue
		}
		if got := te.String("en"); !strings.HasPrefix(got, tc.want) {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
}

func TestTemplateErrorInChinese(t *testing.T) {
	_, err := Parse("x.md", "{{frobnicate}}", testLibrary())
	var te *Error
	if !errors.As(err, &te) || te.String("zh") != "x.md:1:3: 未知的函数 frobnicate（可用的函数见模板说明）" {
		t.Errorf("got %v", err)
	}
}

// An error while rendering (a bad argument) names its place too.
func TestRenderErrorHasPlace(t *testing.T) {
	tm, err := Parse("x.md", "# 标题\n\n{{cndate \"2024-6-31\"}}\n", testLibrary())
	if err != nil {
		t.Fatal(err)
	}
	src, _ := fixedSources()
	_, err = tm.Render(context.Background(), src, Params{OrgUnit: "320621", Period: "2024H1"})
	var te *Error
	if !errors.As(err, &te) || te.Line != 3 || te.Col == 0 || !strings.Contains(te.String("en"), "not a date") {
		t.Errorf("got %v", err)
	}
}

// A figure with no data, or a zero denominator, says 暂无数据 — in the
// value, the counts, the target sentence and the tables.
func TestNoData(t *testing.T) {
	src := "{{value \"elderly_management_rate\"}}|{{rate \"elderly_management_rate\"}}|{{summary \"elderly_management_rate\"}}|{{pace \"elderly_management_rate\"}}|{{yoy \"elderly_management_rate\"}}|{{num \"vacc_bcg_rate\"}}|{{best \"vacc_bcg_rate\"}}\n"
	tm, err := Parse("x.md", src, testLibrary())
	if err != nil {
		t.Fatal(err)
	}
	s, _ := fixedSources()
	d, err := tm.Render(context.Background(), s, Params{OrgUnit: "320621", Period: "2024H1"})
	if err != nil {
		t.Fatal(err)
	}
	got := plain(d.Blocks[0].Text)
	want := "暂无数据|暂无数据|老年人健康管理率暂无数据|序时进度暂无数据|暂无数据|暂无数据|暂无分单位数据"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestPhrases(t *testing.T) {
	rate := rateCell("x", "o", 4497, 5080, f(85), f(86.42))
	for _, tc := range []struct{ got, want string }{
		{changeText(&rate, "%", rate.YoY, "较去年同期", ""), "较去年同期提高2.1个百分点"},
		{changeText(&rate, "%", f(88.52), "较上期", ""), "较上期持平"},
		{changeText(&rate, "%", f(90), "较上期", ""), "较上期下降1.48个百分点"},
		{changeText(&rate, "‰", f(80), "较上期", ""), "较上期提高8.52个千分点"},
		{changeText(&rate, "/10万", f(80), "较上期", ""), "较上期上升8.52/10万，增长10.65%"},
		{changeText(&rate, "count", nil, "较上期", "暂无上期数据"), "暂无上期数据"},
		{paceText(&analytics0), "暂无任务数，不计序时进度"},
		{paceText(ptr(countCell("x", "o", 10082, 20000, nil))), "超序时进度0.68个百分点"},
		{paceText(ptr(countCell("x", "o", 3000, 8000, nil))), "慢于序时进度12.23个百分点"},
		{targetText(ptr(countCell("x", "o", 10082, 20000, nil)), "count", "人"), "任务数20000人"},
		{targetText(&rate, "%", ""), "目标值85%"},
		{completionText(&rate), "完成率104.15%"},
		{num2(3.2), "3.2"}, {num2(-0.001), "0"}, {fixed2(88.5), "88.50"}, {fixed2(102.675), "102.68"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

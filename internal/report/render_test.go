package report

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/weijian-health/weijian/internal/indicator"
)

// zeroRate finds a rate printed as 0 (where the data are missing, the
// report must say 暂无数据).
var zeroRate = regexp.MustCompile(`(^|[^0-9.])0(\.00)?%`)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func renderBuiltin(t testing.TB, name, pe string) (*Document, *fixedFigures) {
	t.Helper()
	src, x := fixedSources()
	list, err := Builtins(x.lib)
	if err != nil {
		t.Fatal(err)
	}
	tm := Find(list, name)
	if tm == nil {
		t.Fatalf("no built-in template %s", name)
	}
	d, err := tm.Render(context.Background(), src, Params{OrgUnit: "320621", OUName: "海安市", Period: pe})
	if err != nil {
		t.Fatal(err)
	}
	return d, x
}

func markdown(t testing.TB, d *Document) string {
	var b bytes.Buffer
	if err := d.WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestBuiltinsParse(t *testing.T) {
	list, err := Builtins(testLibrary())
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, tm := range list {
		titles = append(titles, tm.Title)
	}
	want := []string{"年度工作总结和下年度工作计划", "传染病疫情月报", "半年工作总结", "基本公共卫生服务项目季度报告"}
	if diff := cmp.Diff(want, titles); diff != "" {
		t.Errorf("built-in templates (-want +got):\n%s", diff)
	}
}

// The half-year summary reads like the real ones: counts with targets,
// 完成率, pace, 同比, 截至, tables by town, best and worst units, the
// drafted problems; no figure is printed as 0% where there are no data.
func TestHalfYearSummary(t *testing.T) {
	d, x := renderBuiltin(t, "half_year_summary", "2024H1")
	md := markdown(t, d)
	for _, want := range []string{
		"# 海安市2024年上半年卫生健康工作总结",
		"截至2024年6月30日，老年人健康管理率暂无数据",
		"完成10082人，任务数20000人，完成率50.41%",
		"高血压患者规范管理率88.52%（4497/5080），目标值85%，完成率104.15%，较去年同期提高2.1个百分点",
		"严重精神障碍患者规范管理率95.00%（3800/4000），目标值80%，完成率118.75%，较去年同期下降1.1个百分点",
		"| 城东镇 | 1900 | 2000 | 95.00 | 85 | 111.76 |",
		"| 海安市 | 4497 | 5080 | 88.52 | 85 | 104.15 |",
		"居前的是城东镇（完成率111.76%），相对靠后的是李堡镇（完成率91.91%）",
		"共报告法定传染病3种61例，居前3位的依次为手足口病40例、肺结核12例、其它感染性腹泻病9例",
		"共产生传染病预警信号5条，已响应5条，其中在规定时限内响应4条（及时响应率80.00%）",
		"托育服务情况月报报告率94.44%、及时率83.33%",
		"全市高血压患者健康管理完成10082人，任务数20000人，完成率50.41%，超序时进度0.68个百分点",
		"1.2型糖尿病患者管理人数3000，完成率37.50%，慢于序时进度12.23个百分点，其中李堡镇（完成率24.00%）、曲塘镇（完成率36.00%）相对滞后，需加快推进。",
		"2.2型糖尿病患者规范管理率80.00%，低于目标值85%（完成率94.12%），需加强管理。",
		"数据报送不够及时完整。托育服务情况月报应报18份、已报17份、按时报告15份（报告率94.44%，及时率83.33%），李堡镇卫生院尚有报表未报。",
		"预警信号响应不够及时",
	} {
		wantIn(t, "the summary", md, want)
	}
	if zeroRate.MatchString(md) || strings.Contains(md, "NaN") {
		t.Errorf("a figure without data is printed as a number:\n%s", md)
	}
	if n := len(x.requests); n != 3 || len(x.requests[2].Indicators) != 1 || len(x.requests[1].Indicators) != 26 {
		t.Errorf("%d grid requests, want 3 (by town for the tables, with the county; the county for the rest; by town for the one lagging indicator not in a table): %+v", n, x.requests)
	}
	if r := x.requests[0]; r.OUMode != "children" || r.Periods[0] != "2024" || r.AsOf != "2024-06-30" {
		t.Errorf("the figures are asked for %v as of %s, want 2024 as of 2024-06-30", r.Periods, r.AsOf)
	}
	golden(t, "half_year_summary.md", md)
}

func wantIn(t *testing.T, what, text, want string) {
	t.Helper()
	if !strings.Contains(text, want) {
		t.Errorf("%s lacks %q", what, want)
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", name, diff)
	}
}

func TestEveryBuiltinRenders(t *testing.T) {
	for name, pe := range map[string]string{"annual_summary": "2024", "phc_quarterly": "2024Q2", "epidemic_monthly": "2024-06", "half_year_summary": "2024H1"} {
		d, _ := renderBuiltin(t, name, pe)
		if d.Title == "" || len(d.Blocks) < 5 {
			t.Errorf("%s: title %q, %d blocks", name, d.Title, len(d.Blocks))
		}
		if md := markdown(t, d); strings.Contains(md, "\uE000") || strings.Contains(md, "<no value>") {
			t.Errorf("%s: markers or missing values left:\n%s", name, md)
		}
	}
}

func TestEpidemicMonthly(t *testing.T) {
	d, _ := renderBuiltin(t, "epidemic_monthly", "2024-06")
	md := markdown(t, d)
	for _, want := range []string{
		"# 海安市2024年6月法定传染病疫情分析",
		"较上期持平；较去年同期减少40例，下降39.60%",
		"| 手足口病 | 丙类 | 40 | 40 | 80 |",
		"| 合计 |  | 61 | 61 | 101 |",
	} {
		wantIn(t, "the monthly report", md, want)
	}
}

// A period of the wrong type or an as-of date outside it is refused.
func TestRenderRefusesBadPeriods(t *testing.T) {
	src, x := fixedSources()
	list, _ := Builtins(x.lib)
	tm := Find(list, "半年工作总结")
	for _, p := range []Params{
		{OrgUnit: "320621", Period: "2024Q2"},
		{OrgUnit: "320621", Period: "2024S9"},
		{OrgUnit: "320621", Period: "2024S2", AsOf: "2024-03-01"},
		{OrgUnit: "320621", Period: "2024H1", AsOf: "2024-13-01"},
	} {
		if _, err := tm.Render(context.Background(), src, p); err == nil {
			t.Errorf("%+v: no error", p)
		}
	}
}

// The as-of date defaults to today inside the period, and cuts figures.
func TestAsOfDefaultsToToday(t *testing.T) {
	src, x := fixedSources()
	list, _ := Builtins(x.lib)
	d, err := Find(list, "half_year_summary").Render(context.Background(), src, Params{OrgUnit: "320621", Period: "2024H1", Today: mustDate("2024-05-20")})
	if err != nil {
		t.Fatal(err)
	}
	if d.AsOf != "2024-05-20" || x.requests[0].AsOf != "2024-05-20" {
		t.Errorf("as of %s (asked %s), want 2024-05-20", d.AsOf, x.requests[0].AsOf)
	}
	if md := markdown(t, d); !strings.Contains(md, "截至2024年5月20日") {
		t.Errorf("no 截至 date in\n%s", md)
	}
}

// The built-in templates name indicators of the real library.
func TestBuiltinsParseAgainstTheLibrary(t *testing.T) {
	lib, err := indicator.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Builtins(lib); err != nil {
		t.Fatal(err)
	}
}

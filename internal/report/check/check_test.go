package check

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// got is a finding reduced to what the table tests compare.
type got struct {
	Rule     string
	Severity string
	Line     int
	Col      int
	Quote    string
	Fix      string
}

func run(t *testing.T, text string) []got {
	t.Helper()
	res, err := newTestChecker(t).Check(context.Background(), text, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out []got
	for _, f := range res.Findings {
		out = append(out, got{f.Rule, f.Severity.String(), f.Pos.Line, f.Pos.Column, f.Quote, f.Fix.ZH})
	}
	return out
}

func TestRules(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []got
	}{
		{"truncated rate is a note giving the rounded value",
			"新生儿先心病筛查任务数4380人，已完成筛查4497人，完成率102.6%。",
			[]got{{"rate.truncated", "note", 1, 32, "102.6%", "可写作 102.67%"}}},
		{"a rounded rate is fine", "产妇数1462人，产前筛查1401人，筛查率95.83%。", nil},
		{"a real mismatch is an error with the right value",
			"产妇数1462人，产前筛查1401人，筛查率96.83%。",
			[]got{{"rate.mismatch", "error", 1, 23, "96.83%", "改为 95.83%"}}},
		{"off by one in the last digit is a warning",
			"产妇数1462人，产前筛查1401人，筛查率95.84%。",
			[]got{{"rate.rounding", "warning", 1, 23, "95.84%", "改为 95.83%"}}},
		{"a share (占) is of the nearest larger count",
			"产前筛查1401人，筛出高风险孕妇59人，占5.21%。",
			[]got{{"rate.mismatch", "error", 1, 23, "5.21%", "改为 4.21%"}}},
		{"a completion rate may exceed 100%", "任务数180个，新增托位数185个，完成率102.78%。", nil},
		{"a named base is believed however far off",
			"全年任务数1000人，已完成500人，完成率95%。",
			[]got{{"rate.mismatch", "error", 1, 23, "95%", "改为 50.00%"}}},
		{"a base guessed by position is not, when far off",
			"辖区常住人口874334人，高血压患者管理12000人，管理率70%。", nil},
		{"a positive rate may not",
			"筛查阳性率103.5%。",
			[]got{{"rate.over100", "error", 1, 6, "103.5%", "核对分子和分母"}}},
		{"a rate without counts is not checked", "高血压规范管理率达88.51%，糖尿病规范管理率达87.56%。", nil},
		{"分别 leaves the pairing open", "完成涂氟数3365人次、窝沟封闭数852人，目标任务分别完成为219.77%、118.17%。", nil},
		{"parts over the total",
			"工作人员共15人，其中管理人员3人，医务人员5人，保安8人（每班4人）。",
			[]got{{"total.parts", "error", 1, 6, "15人", "核对总数（分项合计 16人）"}}},
		{"parts within the total", "工作人员共15人，其中管理人员3人，医务人员4人，保安8人（12小时一班，每班4人）。", nil},
		{"a 全部 claim against its count",
			"192名老人由各卫生院全部完成签约，共签约186人。",
			[]got{{"total.all", "error", 1, 22, "186人", "核对人数：全部应为 192名，或删去“全部”"}}},
		{"placeholders",
			"截至x月x日，全县完成筛查xxxx人，XX镇完成率100%。Excel 表格 xlsx 不算。",
			[]got{{"placeholder", "error", 1, 3, "x月x日", "填入实际数字或日期"},
				{"placeholder", "error", 1, 14, "xxxx", "填入实际数字或日期"},
				{"placeholder", "error", 1, 20, "XX", "填入实际数字或日期"}}},
		{"a compact date",
			"截至20241120日，已建成一所健康学校。",
			[]got{{"date.malformed", "warning", 1, 3, "20241120日", "改为“2024年11月20日”"}}},
		{"no such date",
			"2023年2月29日召开会议，13月5日检查。",
			[]got{{"date.invalid", "error", 1, 1, "2023年2月29日", "核对月份和日期"},
				{"date.invalid", "error", 1, 16, "13月5日", "核对月份和日期"}}},
		{"2月29日 in a leap year", "2024年2月29日召开会议。", nil},
		{"截至 without a month", "截止11开发区孕产妇系统管理率为94.6%。",
			[]got{{"date.incomplete", "warning", 1, 3, "11", "补全为“11月”或完整日期"}}},
		{"a duplicated paragraph",
			"一是全面筑牢疫情防线，严格落实各项防控措施，确保不发生规模性疫情。\n二是加强培训。\n一是全面筑牢疫情防线，严格落实各项防控措施，确保不发生规模性疫情。",
			[]got{{"duplicate.paragraph", "warning", 3, 1, "一是全面筑牢疫情防线，严格落实各项防控措施，确保不发生规模性疫情。", "删除重复的段落"}}},
		{"a 同比 change is not a rate", "门诊人次同比增长112.5%，较去年提高2.1个百分点。", nil},
		{"ordinals and list numbers are not figures", "1.第36个爱国卫生月，COVID-19，HPV2。", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, run(t, tc.text)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTraditional(t *testing.T) {
	// A traditional text is converted and checked: the mismatch is found.
	trad := "衡南縣新生兒先天性心臟病免費篩查任務數4380人，已完成篩查4497人，完成率103.6%。"
	res, err := newTestChecker(t).Check(context.Background(), trad, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Converted {
		t.Error("a traditional text should be converted")
	}
	rules := map[string]string{}
	for _, f := range res.Findings {
		rules[f.Rule] = f.Quote
	}
	if diff := cmp.Diff(map[string]string{"script.traditional": "縣", "rate.mismatch": "103.6%"}, rules); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	// A simplified text with a few traditional characters is mixed.
	mixed := "海安市卫生健康委员会上半年工作總結：全市完成筛查1401人，医疗機構运行平稳，各项工作有序推进。"
	var m []string
	for _, g := range run(t, mixed) {
		if g.Rule == "script.mixed" {
			m = append(m, g.Quote+" "+g.Fix)
		}
	}
	if diff := cmp.Diff([]string{"總 改为“总”", "結 改为“结”", "機 改为“机”", "構 改为“构”"}, m); diff != "" {
		t.Errorf("mixed-script findings (-want +got):\n%s", diff)
	}
}

func TestPositions(t *testing.T) {
	text := "第一行\r\n产妇数1462人，产前筛查1401人，筛查率96.83%。"
	in, err := Decode([]byte(text), "a.txt")
	if err != nil {
		t.Fatal(err)
	}
	res, err := newTestChecker(t).Check(context.Background(), in.Text, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 {
		t.Fatalf("findings: %+v", res.Findings)
	}
	f := res.Findings[0]
	want := Position{Line: 2, Column: 23, Offset: strings.Index(in.Text, "96.83")}
	if f.Pos != want || in.Text[f.Pos.Offset:f.End.Offset] != "96.83%" {
		t.Errorf("position %+v (end %+v), want %+v spanning 96.83%%", f.Pos, f.End, want)
	}
}

// fakeLive is a Resolver over a fixed table: a test double of the
// indicator engine, which does not exist yet.
type fakeLive map[Query]Live

func (f fakeLive) Resolve(_ context.Context, q Query) (Live, bool, error) {
	v, ok := f[q]
	return v, ok, nil
}

func TestLive(t *testing.T) {
	text := "截至2021年6月30日，产前筛查率95.83%，新生儿听力筛查率99.73%。"
	live := fakeLive{
		{Indicator: "产前筛查率", Unit: "%", OrgUnit: "海安市", Period: "2021-06-30"}:    {Value: 95.8276, Numerator: 1401, Denominator: 1462},
		{Indicator: "新生儿听力筛查率", Unit: "%", OrgUnit: "海安市", Period: "2021-06-30"}: {Value: 98.5, Numerator: 1461, Denominator: 1483},
	}
	res, err := newTestChecker(t).Check(context.Background(), text, Options{Resolver: live, OrgUnit: "海安市"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Live || len(res.Findings) != 1 || res.Findings[0].Rule != "live.mismatch" || res.Findings[0].Quote != "99.73%" ||
		res.Findings[0].Fix.ZH != "改为 98.50%，或注明口径与日期" {
		t.Errorf("findings %+v", res.Findings)
	}
}

// Sentences of the genre that are not in the four real texts, all
// consistent or without a stated base: the checker must stay silent.
func TestNoFalseAlarms(t *testing.T) {
	text := strings.Join([]string{
		"全市65岁以上老年人健康管理12.3万人，管理率72.5%，较去年同期提高2.1个百分点。",
		"全年共报告法定传染病15种1234例，报告发病率141.2/10万，较去年同期下降8.5%。",
		"家庭医生签约服务覆盖45.6万人，重点人群签约率达75.2%。",
		"全市共有医疗卫生机构486家，其中医院15家、基层医疗卫生机构460家、专业公共卫生机构11家。",
		"截至2024年6月30日，累计接种HPV疫苗1.2万剂次，首剂接种率约85%。",
		"完成农村户厕改造任务3000户，实际完成3120户，完成率104%。",
		"投入资金1.5亿元，其中中央资金8000万元，省级资金5000万元。",
		"孕产妇死亡率为0，婴儿死亡率2.76‰，5岁以下儿童死亡率3.1‰。",
		"开展培训12场次，培训医务人员860人次，考核合格率100%。",
		"严重精神障碍患者在册983人，规范管理率99.9%，面访率95%。",
		"1-6月份门诊量同比增长12.6%，住院人次环比下降3.2%。",
		"二级以上公立医院占比达57%，全市共建成村卫生室186所。",
	}, "\n")
	if got := run(t, text); len(got) != 0 {
		t.Errorf("findings on consistent text: %+v", got)
	}
}

// Inconsistent sentences of the genre, not in the four real texts: each
// is found, with the right fix.
func TestUnseenMismatches(t *testing.T) {
	for _, tc := range []struct{ text, rule, quote, fix string }{
		{"完成农村户厕改造任务3000户，实际完成3120户，完成率108%。", "rate.mismatch", "108%", "改为 104.00%"},
		{"应签约老年人5000人，已签约4600人，签约率93%。", "rate.mismatch", "93%", "改为 92.00%"},
		{"筛查孕妇1200人，检出阳性36人，阳性率3.2%。", "rate.mismatch", "3.2%", "改为 3.00%"},
		{"全市共有医疗卫生机构486家，其中医院15家、基层医疗卫生机构470家、专业公共卫生机构11家。", "total.parts", "486家", "核对总数（分项合计 496家）"},
		{"开展培训12场次，培训医务人员860人次，考核合格率103%。", "rate.over100", "103%", "核对分子和分母"},
		{"截至2024年9月31日，全县完成筛查2万人。", "date.invalid", "2024年9月31日", "核对月份和日期"},
	} {
		got := run(t, tc.text)
		found := false
		for _, g := range got {
			if g.Rule == tc.rule && g.Quote == tc.quote && g.Fix == tc.fix && g.Severity == "error" {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: want %s at %q fixed %q, got %+v", tc.text, tc.rule, tc.quote, tc.fix, got)
		}
	}
}

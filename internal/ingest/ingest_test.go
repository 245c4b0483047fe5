package ingest

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/tabular"
)

func table(t *testing.T, text string) *tabular.Table {
	t.Helper()
	tb, err := tabular.Read("t.csv", strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func rules(err error) string {
	var out []string
	for _, is := range weijian.ErrorIssues(err) {
		out = append(out, is.Rule)
	}
	return strings.Join(out, ",")
}

func TestOrgUnitsChineseHeadersAndAliases(t *testing.T) {
	text := "区划代码,名称,级别,上级代码,机构类型,统一社会信用代码,启用日期,备注\n" +
		"320685,海安市,县级市,320600,,,2021/1/1,县级市\n" +
		"HA-1,海安市人民医院,医疗机构,320685,县级综合医院,12320685mb1234567x,,\n"
	rows, err := OrgUnits(table(t, text))
	if err != nil {
		t.Fatal(err)
	}
	want := []weijian.OrgUnitRow{
		{Line: 2, Code: "320685000000", Name: "海安市", Level: "county", ParentCode: "320600000000",
			ValidFrom: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)},
		{Line: 3, Code: "HA-1", Name: "海安市人民医院", Level: "facility", ParentCode: "320685000000",
			FacilityType: "county_hospital", USCC: "12320685MB1234567X"},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

func TestHeaderProblems(t *testing.T) {
	for name, tc := range map[string]struct{ text, rules string }{
		"misspelt column":  {"code,name,level,parent_code,停用时间\n1,a,village,2,2024-01-01\n", "unknown_column"},
		"duplicate column": {"code,name,level,parent_code,名称\n1,a,village,2,b\n", "duplicate_column"},
		"missing column":   {"code,name,parent_code\n1,a,2\n", "missing_column"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := OrgUnits(table(t, tc.text))
			if got := rules(err); got != tc.rules {
				t.Errorf("rules %q, want %q (%v)", got, tc.rules, err)
			}
		})
	}
}

func TestDates(t *testing.T) {
	for in, want := range map[string]string{
		"2024-01-31": "2024-01-31", "2024/1/31": "2024-01-31", "2024年1月31日": "2024-01-31",
		"20240131": "2024-01-31", "2024.1.31": "2024-01-31",
	} {
		got, ok := parseDate(in, false)
		if !ok || got.Format(time.DateOnly) != want {
			t.Errorf("parseDate(%q) = %v %v, want %s", in, got, ok, want)
		}
	}
	// 45322 is 2024-01-31 as an Excel serial day, read raw from a workbook.
	if got, ok := parseDate("45322", true); !ok || got.Format(time.DateOnly) != "2024-01-31" {
		t.Errorf("serial 45322 = %v %v", got, ok)
	}
	for _, bad := range []string{"2021", "45322", "2024-13-01", "昨天"} {
		if _, ok := parseDate(bad, false); ok {
			t.Errorf("parseDate(%q) from a CSV accepted", bad)
		}
	}
	if _, ok := parseDate("2021", true); ok {
		t.Error("a bare year in a workbook was taken for a serial day (1905-07-13)")
	}
}

func TestPopulationShapes(t *testing.T) {
	long := "unit_code,year,sex,age,count\n320685100201,2024,男,0-4,\"1,200\"\n320685100201,2024,2,85+,30\n"
	rows, err := Population(table(t, long))
	if err != nil {
		t.Fatal(err)
	}
	want := []weijian.PopulationRow{
		{Line: 2, AgeText: "0-4", UnitCode: "320685100201", Year: 2024, Sex: 1, Age: weijian.AgeBand{From: 0, To: 5}, Count: 1200},
		{Line: 3, AgeText: "85+", UnitCode: "320685100201", Year: 2024, Sex: 2, Age: weijian.AgeBand{From: 85, To: weijian.AgeOpen}, Count: 30},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("long (-want +got):\n%s", diff)
	}
	wide := "代码,年份,年龄组,男,女\n320685,2020,合计,434264,440070\n"
	rows, err = Population(table(t, wide))
	if err != nil || len(rows) != 2 || rows[0].Count != 434264 || rows[1].Sex != 2 || rows[0].Age != weijian.AllAges {
		t.Errorf("wide: %+v %v", rows, err)
	}
	totals := "unit_code,year,count\n320685,2020,874334\n"
	rows, err = Population(table(t, totals))
	if err != nil || len(rows) != 1 || rows[0].Sex != 0 || rows[0].Age != weijian.AllAges {
		t.Errorf("totals only: %+v %v", rows, err)
	}
}

func TestPopulationBadCells(t *testing.T) {
	text := "unit_code,year,sex,age,count\n" +
		"320685100201,2024,,0-4,10\n" + // empty sex
		"320685100201,2024,1,,10\n" + // empty age
		"320685100201,2024,3,0-4,10\n" + // unknown sex
		"320685100201,二〇二四,1,0-4,10\n" + // year not a number
		"320685100201,2024,1,0-4,-5\n" + // negative
		"320685100201,2024,1,0-4,2.5\n" // fraction
	_, err := Population(table(t, text))
	want := "required,required,bad_sex,not_integer,negative,not_integer"
	if got := rules(err); got != want {
		t.Errorf("rules %q, want %q", got, want)
	}
	for _, is := range weijian.ErrorIssues(err) {
		if is.Row < 2 || is.Field == "" {
			t.Errorf("issue without row or field: %+v", is)
		}
	}
}

func TestLongValuesAreClipped(t *testing.T) {
	text := "unit_code,year,sex,count\n320685100201," + strings.Repeat("9", 5000) + ",1,1\n"
	_, err := Population(table(t, text))
	is := weijian.ErrorIssues(err)
	if len(is) != 1 || len([]rune(is[0].Value)) > 101 {
		t.Errorf("issues %v: want one, with the value clipped", len(is))
	}
}

package analytics

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

// A disaggregated grid over the real engine on both databases: 健康教育
// 人次 (jiankang.participants, by sex and age) reported by 甲一村 in
// January 2024 (men 18–64 30, women 65+ 25) and 乙一村 in February (women
// 0–17 10). By sex, 2024: 海安市 男 30, 女 25 + 10 = 35; 甲镇 男 30, 女 25;
// 乙镇 女 10 and no men reported (no data); 丙镇 nothing. One cell per
// option, named in the response, in the CSV and the Excel columns; the
// women ranked 甲镇 (25) before 乙镇 (10). An indicator that has no such
// dimension is refused with its code and the dimension.
func TestQueryDisaggregated(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		fixture(t, s)
		if _, err := s.SaveDataValues(ctx, weijian.ScopeAll(), "test", []weijian.DataValue{
			{DataSet: "jiankang", Element: "participants", UnitCode: vilA1, Period: "2024-01", Combo: "sex=M;age=18-64", Value: "30"},
			{DataSet: "jiankang", Element: "participants", UnitCode: vilA1, Period: "2024-01", Combo: "sex=F;age=65+", Value: "25"},
			{DataSet: "jiankang", Element: "participants", UnitCode: vilB1, Period: "2024-02", Combo: "sex=F;age=0-17", Value: "10"},
		}); err != nil {
			t.Fatal(err)
		}
		svc, err := NewLive(s)
		if err != nil {
			t.Fatal(err)
		}
		req := Request{Indicators: []string{"health_education_participants"}, OrgUnit: county, OUMode: OUChildren,
			Periods: []string{"2024"}, AsOf: "2024-12-31", Disagg: "sex"}
		resp, err := svc.Query(ctx, weijian.ScopeAll(), req)
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Cells) != 4*2 || resp.Disagg != "sex" || resp.Options["M"] != "男" || resp.Options["F"] != "女" {
			t.Fatalf("%d cells, disagg %q, options %v; want 8 cells by 男/女", len(resp.Cells), resp.Disagg, resp.Options)
		}
		cells := map[string]Cell{}
		for _, c := range resp.Cells {
			cells[c.OrgUnit+"|"+c.Option] = c
		}
		for key, want := range map[string]float64{county + "|M": 30, county + "|F": 35, townA + "|M": 30, townA + "|F": 25, townB + "|F": 10} {
			near(t, key, cells[key].Raw, want)
		}
		if c := cells[townB+"|M"]; !c.NoData || cells[townC+"|F"].NoData != true {
			t.Errorf("乙镇 男 %+v, 丙镇 女 %+v: want no data", c, cells[townC+"|F"])
		}
		if a, b := cells[townA+"|F"], cells[townB+"|F"]; a.Rank != 1 || b.Rank != 2 {
			t.Errorf("women ranked 甲镇 %d, 乙镇 %d; want 1, 2", a.Rank, b.Rank)
		}
		header, rows := resp.Table("")
		if i := slices.Index(header, "option"); i != 6 || header[7] != "option_name" {
			t.Fatalf("CSV header %v: want option and option_name after pe", header)
		}
		if got := fmt.Sprintf("%v %v %v", rows[1][6], rows[1][7], rows[1][8]); got != "F 女 35" {
			t.Errorf("second CSV row %v: want F 女 35 (the county's women)", rows[1])
		}
		if zh, _ := resp.Table("zh"); zh[6] != "分组代码" || zh[7] != "分组" {
			t.Errorf("Excel header %v", zh)
		}
		req.Indicators, req.Disagg = []string{"health_lectures"}, "sex"
		_, err = svc.Query(ctx, weijian.ScopeAll(), req)
		is := weijian.ErrorIssues(err)
		if weijian.ErrorKind(err) != weijian.KindInvalid || len(is) != 1 || is[0].Field != "disagg" ||
			!strings.Contains(weijian.ErrorMessage(err, "en"), "health_lectures") || !strings.Contains(weijian.ErrorMessage(err, "en"), "sex") {
			t.Errorf("health_lectures by sex: %v (%+v), want invalid disagg naming both", err, is)
		}
	})
}

package indicator_test

import (
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/period"
)

// Health centres and a county hospital for the data sets that facilities
// report (健康教育 by township health centres, 培训 and 安全生产 by
// hospitals and health centres too).
const (
	hcA = "HC-A" // 海安镇卫生院
	hcB = "HC-B" // 城东镇卫生院
	hos = "CH"   // 海安市人民医院
)

func addFacilities(t *testing.T, f *fixture) {
	t.Helper()
	rows := []weijian.OrgUnitRow{
		{Code: hcA, Name: "海安镇卫生院", Level: "facility", ParentCode: townA, FacilityType: "township_hc"},
		{Code: hcB, Name: "城东镇卫生院", Level: "facility", ParentCode: townB, FacilityType: "township_hc"},
		{Code: hos, Name: "海安市人民医院", Level: "facility", ParentCode: county, FacilityType: "county_hospital"},
	}
	if _, err := f.st.ImportOrgUnits(ctx, all, rows, weijian.ImportOptions{ValidFrom: day("2015-01-01")}); err != nil {
		t.Fatal(err)
	}
}

// done registers a report of set by unit for period, completed on the
// date given (10:00 in China).
func done(set, unit, pe, on string, zero bool) weijian.Completion {
	return weijian.Completion{DataSet: set, UnitCode: unit, Period: pe, ZeroReport: zero, CompletedBy: "test",
		CompletedAt: day(on).Add(2 * time.Hour)}
}

func loadReports(t *testing.T, f *fixture) {
	t.Helper()
	addFacilities(t, f)
	cs := []weijian.Completion{
		// 托育 (quarterly, towns, due the 10th day after the quarter)
		done("tuoyu", townA, "2024Q1", "2024-04-05", false), done("tuoyu", townA, "2024Q2", "2024-07-20", false),
		done("tuoyu", townA, "2024Q3", "2024-10-08", true), done("tuoyu", townB, "2024Q1", "2024-04-10", false),
		// 爱国卫生 (monthly, towns, due the 5th)
		done("aiguo", townA, "2024-01", "2024-02-05", false), done("aiguo", townB, "2024-01", "2024-02-06", false),
		// 卫生监督 (monthly, county)
		done("jiandu", county, "2024-01", "2024-02-03", false), done("jiandu", county, "2024-02", "2024-03-09", false),
		done("jiandu", county, "2024-03", "2024-04-05", true),
		done("geli", county, "2024-01", "2024-02-01", true), done("touzi", county, "2024-01", "2024-02-01", false),
		// 健康教育 (monthly, township health centres)
		done("jiankang", hcA, "2024-01", "2024-02-02", false), done("jiankang", hcB, "2024-01", "2024-02-07", false),
		// 培训 (monthly, hospitals and health centres)
		done("peixun", hos, "2024-01", "2024-02-04", false),
	}
	if err := f.st.ImportCompletions(ctx, all, cs); err != nil {
		t.Fatal(err)
	}
	f.eng.Now = func() time.Time { return day("2025-06-01") }
}

// Completeness and timeliness, 2024 (everything due by the engine's
// today, 2025-06-01):
//
//	托育 (2 towns × 4 quarters = 8 expected at 海安市): 海安镇 Q1 on time
//	  (5 Apr ≤ 10 Apr), Q2 late (20 Jul), Q3 a zero report on time; 城东镇
//	  Q1 on 10 Apr, the due day → 4/8 = 50%, on time 3/8 = 37.5%;
//	  海安镇 3/4 = 75%, 2/4 = 50%; 城东镇 1/4 = 25%, 1/4 = 25%;
//	  2024Q1 at 海安市: 2/2 = 100%, on time 2/2; March: no whole quarter.
//	爱国卫生 (2 towns × 12 = 24): Jan 海安镇 on 5 Feb (due), 城东镇 6 Feb
//	  (late) → 2/24 = 8.33%, on time 1/24 = 4.17%; January alone 2/2, 1/2 = 50%.
//	卫生监督 (the county × 12): Jan on time, Feb late, Mar a zero report on
//	  time → 3/12 = 25%, on time 2/12 = 16.67%; 海安镇 reports nothing of it:
//	  0 expected → no data.
//	隔离点, 有效投资: Jan on time → 1/12 = 8.33% both.
//	健康教育 (2 health centres × 12 = 24): 海安镇卫生院 Jan on time,
//	  城东镇卫生院 late → 2/24 = 8.33%, 1/24 = 4.17%; 海安镇 1/12 = 8.33% both;
//	  城东镇 1/12 = 8.33%, on time 0/12 = 0%.
//	培训 (hospital + 2 health centres × 12 = 36): the hospital's Jan on time
//	  → 1/36 = 2.78% both.
//	安全生产 (36 expected): nothing → 0/36 = 0% both.
func TestReportingRates(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		loadReports(t, f)
		y := year(2024)
		q1, _ := period.New(period.Quarter, 2024, 1)
		jan, _ := period.New(period.Month, 2024, 1)
		march, _ := period.New(period.Month, 2024, 3)
		type c struct {
			code, unit string
			span       period.Span
			num, den   float64
			value      float64
		}
		for _, w := range []c{
			{"report_rate_tuoyu", county, y, 4, 8, 50}, {"report_timely_tuoyu", county, y, 3, 8, 37.5},
			{"report_rate_tuoyu", townA, y, 3, 4, 75}, {"report_timely_tuoyu", townA, y, 2, 4, 50},
			{"report_rate_tuoyu", townB, y, 1, 4, 25}, {"report_timely_tuoyu", townB, y, 1, 4, 25},
			{"report_rate_tuoyu", county, q1.Span(), 2, 2, 100}, {"report_timely_tuoyu", county, q1.Span(), 2, 2, 100},
			{"report_rate_aiguo", county, y, 2, 24, 8.33}, {"report_timely_aiguo", county, y, 1, 24, 4.17},
			{"report_rate_aiguo", county, jan.Span(), 2, 2, 100}, {"report_timely_aiguo", county, jan.Span(), 1, 2, 50},
			{"report_rate_jiandu", county, y, 3, 12, 25}, {"report_timely_jiandu", county, y, 2, 12, 16.67},
			{"report_rate_geli", county, y, 1, 12, 8.33}, {"report_timely_geli", county, y, 1, 12, 8.33},
			{"report_rate_touzi", county, y, 1, 12, 8.33}, {"report_timely_touzi", county, y, 1, 12, 8.33},
			{"report_rate_jiankang", county, y, 2, 24, 8.33}, {"report_timely_jiankang", county, y, 1, 24, 4.17},
			{"report_rate_jiankang", townA, y, 1, 12, 8.33}, {"report_timely_jiankang", townA, y, 1, 12, 8.33},
			{"report_rate_jiankang", townB, y, 1, 12, 8.33}, {"report_timely_jiankang", townB, y, 0, 12, 0},
			{"report_rate_peixun", county, y, 1, 36, 2.78}, {"report_timely_peixun", county, y, 1, 36, 2.78},
			{"report_rate_anquan", county, y, 0, 36, 0}, {"report_timely_anquan", county, y, 0, 36, 0},
		} {
			want(t, f.eval(t, w.code, w.unit, w.span), w.code+" "+w.unit+" "+w.span.String(), w.num, w.den, w.value)
		}
		if r := f.eval(t, "report_rate_tuoyu", county, march.Span()); !r.NoData {
			t.Errorf("托育 in March (no whole quarter) = %+v, want no data", r)
		}
		if r := f.eval(t, "report_rate_jiandu", townA, y); !r.NoData {
			t.Errorf("卫生监督 at 海安镇 (reports nothing) = %+v, want no data", r)
		}
	})
}

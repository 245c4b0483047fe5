package analytics

import (
	"strings"
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/programme"
	"github.com/weijian-health/weijian/internal/rules"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

// Five hypertension patients of 2024, by hand (规范管理 = four quarterly
// follow-ups; one follow-up is not):
//
//	P1 甲一村 man   born 1950-03-01 (74)               4 follow-ups, 规范
//	P2 甲一村 woman born 1970-03-01 (54)               1
//	P3 甲二村 woman born 1958-08-01 (66)               4, 规范
//	P4 乙一村 man   born 1985-05-01 (39)               4, 规范
//	P5 丙一村 man   born 1959-12-31 (65 on 31 December, 64 before) 1
//
// 规范管理率 2024 at 海安市: 3/5. By sex: 男 P1 P4 P5 → 2/3; 女 P2 P3 → 1/2.
// By age on 31 December: 35–64 P2 P4 → 1/2; 65+ P1 P3 P5 → 2/3; 0–14 and
// 15–34 nobody (no data). By age:0-39,40-64,65-: 0–39 P4 1/1; 40–64 P2 0/1;
// 65+ 2/3. As of 30 June P5 is 64: 35–64 P2 P4 P5 → 1/3, 65+ P1 P3 → 2/2.
func loadPatients(t *testing.T, s *sqlstore.Store) {
	t.Helper()
	day := func(x string) time.Time { d, _ := time.Parse(time.DateOnly, x); return d }
	patient := func(name, village string, sex int, born string, visits int) weijian.History {
		h := weijian.History{Person: &weijian.Person{County: "320685", DocType: weijian.DocHousehold, Name: name, Sex: sex,
			BirthDate: day(born), VillageCode: village},
			Enrollments: []*weijian.Enrollment{{Programme: "hypertension", EnrolledOn: day("2020-01-05"), OrgCode: village,
				Values: map[string]any{"diagnosis_date": "2019-12-01"}}}}
		for _, d := range []string{"2024-02-01", "2024-05-01", "2024-08-01", "2024-11-01"}[:visits] {
			h.Events = append(h.Events, &weijian.Event{Programme: "hypertension", Stage: "followup", Date: day(d), OrgCode: village,
				Values: map[string]any{"sbp": 130, "dbp": 80, "bp_controlled": true, "method": "1"}})
		}
		return h
	}
	if err := s.LoadResidents(ctx, []weijian.History{
		patient("王一", vilA1, weijian.SexMale, "1950-03-01", 4), patient("李二", vilA1, weijian.SexFemale, "1970-03-01", 1),
		patient("张三", vilA2, weijian.SexFemale, "1958-08-01", 4), patient("赵四", vilB1, weijian.SexMale, "1985-05-01", 4),
		patient("钱五", vilC1, weijian.SexMale, "1959-12-31", 1),
	}); err != nil {
		t.Fatal(err)
	}
}

func eachWithPatients(t *testing.T, fn func(t *testing.T, s *sqlstore.Store, svc *Service)) {
	progs, err := programme.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	sqltest.Each(t, sqltest.Options{Rules: rules.New(progs)}, func(t *testing.T, s *sqlstore.Store) {
		fixture(t, s)
		loadPatients(t, s)
		svc, err := NewLive(s)
		if err != nil {
			t.Fatal(err)
		}
		fn(t, s, svc)
	})
}

// Every option's persons are the option's figure: as many in the
// numerator and the denominator as it counts, 未达标 the difference, none
// of another sex or age band (age on the span's last day), and the
// options' lists together the total's — for sex, the default age bands
// and bands of the request, at the county and each town, for the year
// and for the year cut at 30 June.
func TestPersonsPerOptionAddUp(t *testing.T) {
	eachWithPatients(t, func(t *testing.T, s *sqlstore.Store, svc *Service) {
		for _, asOf := range []string{"2024-12-31", "2024-06-30"} {
			for _, spec := range []string{"sex", "age", "age:0-39,40-64,65-"} {
				req := Request{Indicators: []string{"htn_standard_rate"}, OrgUnit: county, OUMode: OUChildren, Periods: []string{"2024"}, AsOf: asOf}
				total, err := svc.Query(ctx, weijian.ScopeAll(), req)
				if err != nil {
					t.Fatal(err)
				}
				req.Disagg = spec
				resp, err := svc.Query(ctx, weijian.ScopeAll(), req)
				if err != nil {
					t.Fatalf("%s: %v", spec, err)
				}
				listed := map[string]map[string]int{} // unit → side → persons
				for _, c := range resp.Cells {
					if listed[c.OrgUnit] == nil {
						listed[c.OrgUnit] = map[string]int{}
					}
					for _, side := range []string{SideNum, SideDen, SideGap} {
						l, err := svc.Persons(ctx, weijian.ScopeAll(), weijian.ScopeAll(), PersonsRequest{Indicator: c.Indicator, OrgUnit: c.OrgUnit,
							Period: c.Period, AsOf: asOf, Side: side, Disagg: spec, Option: c.Option})
						if err != nil {
							t.Fatalf("%s %s at %s: %v", spec, c.Option, c.OrgUnit, err)
						}
						num, den := val(c.Numerator), val(c.Denominator)
						if want := map[string]float64{SideNum: num, SideDen: den, SideGap: den - num}[side]; float64(len(l.Rows)) != want {
							t.Errorf("%s %s=%s at %s as of %s: %d persons (%s), the cell counts %v", spec, l.Dim, c.Option, c.OrgUnit, asOf, len(l.Rows), side, want)
						}
						listed[c.OrgUnit][side] += len(l.Rows)
						for _, row := range l.Rows {
							p, err := s.Person(ctx, weijian.ScopeAll(), row.PersonID)
							if err != nil {
								t.Fatal(err)
							}
							if !ofOption(p, l.Dim, c.Option, l.Span.End) {
								t.Errorf("%s=%s at %s as of %s lists %s (sex %d, born %s)", l.Dim, c.Option, c.OrgUnit, asOf, p.Name, p.Sex, p.BirthDate.Format(time.DateOnly))
							}
						}
					}
				}
				for _, c := range total.Cells {
					num, den := val(c.Numerator), val(c.Denominator)
					if got := listed[c.OrgUnit]; float64(got[SideNum]) != num || float64(got[SideDen]) != den {
						t.Errorf("%s at %s as of %s: the options list %v, the total counts %v/%v", spec, c.OrgUnit, asOf, got, num, den)
					}
				}
			}
		}
	})
}

// The figures the lists above are checked against, by hand (see
// loadPatients), and the refusals of the persons list.
func TestPersonsFiguresAndRefusals(t *testing.T) {
	eachWithPatients(t, func(t *testing.T, s *sqlstore.Store, svc *Service) {
		figures := func(spec, asOf string) map[string]string {
			resp, err := svc.Query(ctx, weijian.ScopeAll(), Request{Indicators: []string{"htn_standard_rate"}, OrgUnit: county,
				Periods: []string{"2024"}, AsOf: asOf, Disagg: spec})
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]string{}
			for _, c := range resp.Cells {
				out[c.Option] = "no data"
				if !c.NoData {
					out[c.Option] = FormatValue(val(c.Numerator), indicator.Count) + "/" + FormatValue(val(c.Denominator), indicator.Count)
				}
			}
			return out
		}
		for _, c := range []struct {
			spec, asOf string
			want       map[string]string
		}{
			{"sex", "2024-12-31", map[string]string{"M": "2/3", "F": "1/2"}},
			{"age", "2024-12-31", map[string]string{"0-14": "no data", "15-34": "no data", "35-64": "1/2", "65+": "2/3"}},
			{"age", "2024-06-30", map[string]string{"0-14": "no data", "15-34": "no data", "35-64": "1/3", "65+": "2/2"}},
			{"age:0-39,40-64,65-", "2024-12-31", map[string]string{"0-39": "1/1", "40-64": "0/1", "65+": "2/3"}},
		} {
			if got := figures(c.spec, c.asOf); !mapsEqual(got, c.want) {
				t.Errorf("%s as of %s: %v, want %v", c.spec, c.asOf, got, c.want)
			}
		}
		l, err := svc.Persons(ctx, weijian.ScopeAll(), weijian.ScopeAll(), PersonsRequest{Indicator: "htn_standard_rate", OrgUnit: county,
			AsOf: "2024-12-31", Disagg: "age:0-39,40-64,65-", Option: "65+", Lang: "zh"})
		if err != nil || l.Option.Name.ZH != "65岁及以上" || l.Period != "2024" || len(l.Rows) != 2 {
			t.Errorf("65+ numerator: %+v, %v; want P1 and P3, named 65岁及以上", l, err)
		}
		// Any band is an option of age, as a request writes it.
		if l, err := svc.Persons(ctx, weijian.ScopeAll(), weijian.ScopeAll(), PersonsRequest{Indicator: "htn_standard_rate", OrgUnit: county,
			AsOf: "2024-12-31", Side: SideDen, Disagg: "age", Option: "60-"}); err != nil || len(l.Rows) != 3 || l.Option.Code != "60+" {
			t.Errorf("age 60- denominator: %+v, %v; want P1, P3, P5", l, err)
		}
		for _, c := range []struct {
			req   PersonsRequest
			field string
		}{
			{PersonsRequest{Indicator: "htn_standard_rate", OrgUnit: county, Disagg: "sex", Option: "X"}, "option"},
			{PersonsRequest{Indicator: "htn_standard_rate", OrgUnit: county, Option: "M"}, "option"},
			{PersonsRequest{Indicator: "htn_standard_rate", OrgUnit: county, Disagg: "type", Option: "public"}, "disagg"},
			{PersonsRequest{Indicator: "htn_standard_rate", OrgUnit: county, Disagg: "age:7-17,0-6", Option: "0-6"}, "disagg"},
			{PersonsRequest{Indicator: "htn_standard_rate", OrgUnit: county, Side: "all"}, "side"},
			{PersonsRequest{Indicator: "health_lectures", OrgUnit: county}, "ind"},
			{PersonsRequest{Indicator: "htn_standard_rate", OrgUnit: "999999999999"}, "ou"},
			{PersonsRequest{Indicator: "htn_standard_rate", OrgUnit: county, Period: "2024,2023"}, "pe"},
		} {
			_, err := svc.Persons(ctx, weijian.ScopeAll(), weijian.ScopeAll(), c.req)
			if is := weijian.ErrorIssues(err); weijian.ErrorKind(err) != weijian.KindInvalid || len(is) != 1 || is[0].Field != c.field {
				t.Errorf("%+v: %v (%+v), want invalid %s", c.req, err, is, c.field)
			}
		}
	})
}

// Age bands of the request in a grid, and the rules they must keep: the
// response names the bands and their options; a list out of order,
// overlapping or unreadable is a 400 of disagg naming the rule; a band
// that cuts the stored population (35–39 of the test county's 35–64) is
// refused, never estimated.
func TestQueryRequestedBands(t *testing.T) {
	eachWithPatients(t, func(t *testing.T, s *sqlstore.Store, svc *Service) {
		req := Request{Indicators: []string{"htn_standard_rate"}, OrgUnit: county, Periods: []string{"2024"}, AsOf: "2024-12-31",
			Disagg: "age:0-39, 40-64，65-"}
		resp, err := svc.Query(ctx, weijian.ScopeAll(), req)
		if err != nil {
			t.Fatal(err)
		}
		if resp.Disagg != "age" || resp.Bands != "0-39,40-64,65+" || resp.Options["0-39"] != "0–39岁" || resp.Options["65+"] != "65岁及以上" || len(resp.Cells) != 3 {
			t.Errorf("response: disagg %q bands %q options %v, %d cells", resp.Disagg, resp.Bands, resp.Options, len(resp.Cells))
		}
		for spec, rule := range map[string][2]string{
			"age:40-64,0-39":  {"从小到大", "ascending"},
			"age:0-40,40-":    {"不得重叠", "overlap"},
			"age:0-6,x":       {"无法识别", "not understood"},
			"sex:M":           {"只有年龄", "only age"},
			"age:":            {"至少", "at least one"},
			"age:0-14,15-34,": {"无法识别", "not understood"},
		} {
			req.Disagg = spec
			_, err := svc.Query(ctx, weijian.ScopeAll(), req)
			is := weijian.ErrorIssues(err)
			if weijian.ErrorKind(err) != weijian.KindInvalid || len(is) != 1 || is[0].Field != "disagg" ||
				!strings.Contains(weijian.ErrorMessage(err, "zh"), rule[0]) || !strings.Contains(weijian.ErrorMessage(err, "en"), rule[1]) {
				t.Errorf("%s: %v (%+v), want a 400 of disagg saying %q / %q", spec, err, is, rule[0], rule[1])
			}
		}
		req.Indicators, req.Disagg = []string{"htn_management_rate"}, "age:0-39,40-64,65-"
		_, err = svc.Query(ctx, weijian.ScopeAll(), req)
		is := weijian.ErrorIssues(err)
		if weijian.ErrorKind(err) != weijian.KindInvalid || len(is) != 1 || is[0].Field != "disagg" || is[0].Rule != "age_band_cut" ||
			!strings.Contains(weijian.ErrorMessage(err, "zh"), "35–64岁") || !strings.Contains(weijian.ErrorMessage(err, "en"), "parameter disagg") {
			t.Errorf("a band that cuts the stored 35-64: %v (%+v), want refused naming it", err, is)
		}
		// Bands on the stored bounds divide the population exactly: 65+
		// of 管理率 (of estimated patients) = 3 managed / (300 × 0.1502).
		req.Disagg = "age:35-64,65-"
		resp, err = svc.Query(ctx, weijian.ScopeAll(), req)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range resp.Cells {
			den := map[string]float64{"35-64": 2 * (60 + 40 + 50 + 30) * 0.1502, "65+": 2 * (40 + 30 + 50 + 30) * 0.1502}[c.Option]
			num := map[string]float64{"35-64": 2, "65+": 3}[c.Option]
			if c.NoData || val(c.Numerator) != num || !closeTo(val(c.Denominator), den) {
				t.Errorf("管理率 %s: %+v, want %v/%v", c.Option, c, num, den)
			}
		}
	})
}

func val(x *float64) float64 {
	if x == nil {
		return 0
	}
	return *x
}

func closeTo(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// ofOption reports whether p is of the option: their sex, or their age in
// completed years on day within the band.
func ofOption(p *weijian.Person, dim, opt string, day period.Date) bool {
	switch dim {
	case "sex":
		return map[string]int{"M": weijian.SexMale, "F": weijian.SexFemale}[opt] == p.Sex
	case "age":
		b, err := weijian.ParseAgeBand(opt)
		born := period.DateOf(p.BirthDate)
		age := day.Year - born.Year
		if day.Month < born.Month || day.Month == born.Month && day.Day < born.Day {
			age--
		}
		return err == nil && age >= b.From && age < b.To
	}
	return false
}

package indicator_test

import (
	"strings"
	"testing"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
)

// evalBy computes one indicator at one unit for one option of a
// disaggregation, by the engine and by the baseline, which must agree.
func (f *fixture) evalBy(t *testing.T, code, unit string, span period.Span, dim, opt string) indicator.Result {
	t.Helper()
	c := indicator.Cell{Indicator: code, OrgUnit: unit, Span: span, Disagg: indicator.Disagg{Dim: dim, Option: opt}}
	r, err := f.eng.Eval(ctx, all, c)
	if err != nil {
		t.Fatalf("%s at %s by %s=%s: %v", code, unit, dim, opt, err)
	}
	b, err := indicator.NewBaselineEngine(f.lib, f.st, f.src).Eval(ctx, all, c)
	if err != nil {
		t.Fatal(err)
	}
	if r.NoData != b.NoData || r.Numerator != b.Numerator || r.Denominator != b.Denominator {
		t.Errorf("%s at %s by %s=%s: engine %+v, baseline %+v", code, unit, dim, opt, r, b)
	}
	return r
}

func options(t *testing.T, f *fixture, code, dim string) []string {
	t.Helper()
	opts, err := f.eng.Options(code, dim, period.NewDate(2024, 1, 1))
	if err != nil {
		t.Fatalf("options of %s by %s: %v", code, dim, err)
	}
	var out []string
	for _, o := range opts {
		out = append(out, o.Code)
	}
	return out
}

// Programme indicators by sex and age band (the age on the span's last
// day, 31 December 2024), from the hypertension patients of
// loadHypertension:
//
//	规范管理率 海安市 by sex: men P1 (74, 规范) and P3 (64, 规范) → 2/2 = 100%;
//	  women P2 (54, not) and P4 (69, 规范) → 1/2 = 50%
//	  海安镇: men 2/2 = 100%; women P2 alone → 0/1 = 0%
//	by age: 35–64 P2, P3 → 1/2 = 50%; 65+ P1, P4 → 2/2 = 100%;
//	  0–14 and 15–34 manage nobody → no data (denominator 0)
func TestDisaggregateProgramme(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		loadHypertension(t, f)
		y := year(2024)
		if got := strings.Join(options(t, f, "htn_standard_rate", "sex"), ","); got != "M,F" {
			t.Errorf("sex options = %s, want M,F", got)
		}
		if got := strings.Join(options(t, f, "htn_standard_rate", "age"), ","); got != "0-14,15-34,35-64,65+" {
			t.Errorf("age options = %s", got)
		}
		want(t, f.evalBy(t, "htn_standard_rate", county, y, "sex", "M"), "海安市 男", 2, 2, 100)
		want(t, f.evalBy(t, "htn_standard_rate", county, y, "sex", "F"), "海安市 女", 1, 2, 50)
		want(t, f.evalBy(t, "htn_standard_rate", townA, y, "sex", "M"), "海安镇 男", 2, 2, 100)
		want(t, f.evalBy(t, "htn_standard_rate", townA, y, "sex", "F"), "海安镇 女", 0, 1, 0)
		want(t, f.evalBy(t, "htn_standard_rate", county, y, "age", "35-64"), "海安市 35–64岁", 1, 2, 50)
		want(t, f.evalBy(t, "htn_standard_rate", county, y, "age", "65+"), "海安市 65岁及以上", 2, 2, 100)
		if r := f.evalBy(t, "htn_standard_rate", county, y, "age", "15-34"); !r.NoData {
			t.Errorf("15–34 = %+v, want no data (nobody managed)", r)
		}
		// The total is unchanged beside its options.
		want(t, f.eval(t, "htn_standard_rate", county, y), "海安市", 3, 4, 75)
		// The persons behind the women's denominator: P2 and P4.
		ps, err := f.eng.Persons(ctx, all, indicator.Cell{Indicator: "htn_standard_rate", OrgUnit: county, Span: y,
			Disagg: indicator.Disagg{Dim: "sex", Option: "F"}}, false, 10)
		if err != nil || len(ps) != 2 || ps[0].Village != vilA1 || ps[1].Village != vilB1 {
			t.Errorf("women in the denominator: %+v, %v; want P2 (甲村) and P4 (丙村)", ps, err)
		}
	})
}

// Population by sex and age band, and events by the person's sex: 老年人
// 健康管理率 2024 (P1, a man of 74 in 甲村, had the annual check):
//
//	men 65+: 45 + 20 + 40 = 105 → 1/105 = 0.952% → 0.95
//	women 65+: 55 + 30 + 40 = 125 → 0/125 = 0%
//	age 65+: 1/230 = 0.43%; age 35–64: pop{age=65+} ∩ 35–64 is empty → no data
func TestDisaggregatePopulation(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		loadPopulation(t, f)
		f.load(t, person{village: vilA1, sex: 1, born: "1950-03-01", enr: map[string]string{"elderly": "2021-01-01"},
			events: []event{{"elderly", "annual_check", "2024-04-01", nil}}},
			person{village: vilB1, sex: 2, born: "1955-03-01", enr: map[string]string{"elderly": "2021-01-01"}})
		y := year(2024)
		want(t, f.evalBy(t, "elderly_management_rate", county, y, "sex", "M"), "老年人健康管理率 男", 1, 105, 0.95)
		want(t, f.evalBy(t, "elderly_management_rate", county, y, "sex", "F"), "老年人健康管理率 女", 0, 125, 0)
		want(t, f.evalBy(t, "elderly_management_rate", county, y, "age", "65+"), "老年人健康管理率 65+", 1, 230, 0.43)
		if r := f.evalBy(t, "elderly_management_rate", county, y, "age", "35-64"); !r.NoData {
			t.Errorf("35–64 = %+v, want no data (no one of 65+ is 35–64)", r)
		}
	})
}

// Data-element indicators by their elements' categories:
//
//	健康教育人次 海安镇 2024-01 (sex × age): M 18–64 30, F 65+ 25 → by sex M 30,
//	  F 25; by age 18–64 30, 65+ 25, 0–17 nothing reported → no data
//	培训人次 (mode): offline 100, online 250
//	每千人口托位数 (type) 海安镇 2024Q4: public 80, private 40 over the whole
//	  population 1450 → 80/1450 × 1000 = 55.17‰, 40/1450 × 1000 = 27.59‰
//
// and the dimensions that cannot divide an indicator are refused, naming
// it and the dimension.
func TestDisaggregateDataElements(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		loadPopulation(t, f)
		f.values(t,
			dv("jiankang", townA, "participants", "2024-01", "sex=M;age=18-64", "30"), dv("jiankang", townA, "participants", "2024-01", "sex=F;age=65+", "25"),
			dv("peixun", county, "attendance", "2024-01", "mode=offline", "100"), dv("peixun", county, "attendance", "2024-01", "mode=online", "250"),
			dv("tuoyu", townA, "places", "2024Q4", "type=public", "80"), dv("tuoyu", townA, "places", "2024Q4", "type=private", "40"))
		y := year(2024)
		if got := strings.Join(options(t, f, "health_education_participants", "age"), ","); got != "0-17,18-64,65+" {
			t.Errorf("age options of 健康教育人次 = %s, want the data set's 0-17,18-64,65+", got)
		}
		for _, c := range []struct {
			code, dim, opt string
			n              float64
		}{
			{"health_education_participants", "sex", "M", 30}, {"health_education_participants", "sex", "F", 25},
			{"health_education_participants", "age", "18-64", 30}, {"health_education_participants", "age", "65+", 25},
			{"training_attendance", "mode", "offline", 100}, {"training_attendance", "mode", "online", 250},
		} {
			if r := f.evalBy(t, c.code, county, y, c.dim, c.opt); r.NoData || r.Value != c.n {
				t.Errorf("%s %s=%s = %+v, want %v", c.code, c.dim, c.opt, r, c.n)
			}
		}
		if r := f.evalBy(t, "health_education_participants", county, y, "age", "0-17"); !r.NoData {
			t.Errorf("0–17 = %+v, want no data (nothing reported)", r)
		}
		want(t, f.evalBy(t, "childcare_places_per_1000", townA, y, "type", "public"), "托位 公办", 80, 1450, 55.17)
		want(t, f.evalBy(t, "childcare_places_per_1000", townA, y, "type", "private"), "托位 民办", 40, 1450, 27.59)
		for _, c := range [][2]string{{"hazard_rectification_rate", "sex"}, {"htn_standard_rate", "type"},
			{"childcare_places_per_1000", "sex"}, {"report_rate_tuoyu", "sex"}} {
			_, err := f.eng.Options(c[0], c[1], period.NewDate(2024, 1, 1))
			if weijian.ErrorKind(err) != weijian.KindInvalid || !strings.Contains(err.Error(), c[0]) || !strings.Contains(err.Error(), c[1]) {
				t.Errorf("%s by %s: %v, want invalid naming both", c[0], c[1], err)
			}
		}
	})
}

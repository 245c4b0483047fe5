package indicator_test

import (
	"strings"
	"testing"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
)

// The age bands of a request: "a-b" both ages included, "a-" or "a+" and
// over, "a" one year; ascending, not overlapping, gaps allowed; a bad
// list is refused naming the rule in Chinese and English.
func TestParseAgeBands(t *testing.T) {
	for in, want := range map[string]string{
		"0-6,7-17,18-64,65-": "0-6,7-17,18-64,65+",
		" 0-6 ， 65+ ":        "0-6,65+", // a Chinese comma, spaces, a gap
		"0,1-6":              "0,1-6",
		"0-":                 "0+",
	} {
		got, err := indicator.ParseAgeBands(in)
		if err != nil || indicator.BandsSpec(got) != want {
			t.Errorf("ParseAgeBands(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	for in, rule := range map[string][2]string{
		"":                             {"至少写一个年龄组", "at least one band"},
		"7-17,0-6":                     {"从小到大", "ascending"},
		"0-6,6-17":                     {"不得重叠", "must not overlap"},
		"0-6,65-,70-":                  {"不得重叠", "must not overlap"}, // only the last band may be open
		"0-6,,7-":                      {"无法识别", "not understood"},
		"0-6,合计":                       {"无法识别", "not understood"},
		"a-b":                          {"无法识别", "not understood"},
		"6-0":                          {"无法识别", "not understood"},
		strings.Repeat("1,", 21) + "2": {"最多 20 个", "at most 20"},
	} {
		_, err := indicator.ParseAgeBands(in)
		is := weijian.ErrorIssues(err)
		if weijian.ErrorKind(err) != weijian.KindInvalid || len(is) != 1 || is[0].Field != "disagg" ||
			!strings.Contains(weijian.ErrorMessage(err, "zh"), rule[0]) || !strings.Contains(weijian.ErrorMessage(err, "en"), rule[1]) {
			t.Errorf("ParseAgeBands(%q): %v (%+v); want invalid saying %q / %q", in, err, is, rule[0], rule[1])
		}
	}
	if _, _, err := indicator.ParseDim("sex:M"); weijian.ErrorKind(err) != weijian.KindInvalid {
		t.Errorf("sex:M: %v, want invalid (only age takes bands)", err)
	}
	if dim, bands, err := indicator.ParseDim("age"); dim != "age" || bands != nil || err != nil {
		t.Errorf(`ParseDim("age") = %q, %v, %v`, dim, bands, err)
	}
}

// Age bands named by the request, worked by hand:
//
//	规范管理率 by age:0-59,60-69,70- (age on 31 December 2024), from the
//	  hypertension patients: 0–59 P2 (54, not regular) → 0/1 = 0%;
//	  60–69 P3 (64) and P4 (69), both regular → 2/2; 70+ P1 (74) → 1/1;
//	  at 海安镇 60–69 is P3 alone → 1/1.
//	0～6岁儿童健康管理率 (pop{age=0-6}) by age:0,1-6,7-: a boy born
//	  2024-03-02 (0) and a girl born 2021-06-01 (3) each had a check;
//	  the population of age 0 is 9 + 5 + 6 = 20, of 1–6 58 + 29 + 38 =
//	  125 → 0: 1/20 = 5%; 1–6: 1/125 = 0.8%; 7+ holds no one of the
//	  denominator → no data.
//	by age:0-2,3-: 0–2 cuts the stored band 1–6 → refused, never
//	  estimated; 健康教育人次 (reported 0-17, 18-64, 65+) by age:0-6,7-
//	  likewise, when the options are asked; by age:0-17,18-: 18+ is
//	  18–64 and 65+ summed, 30 + 25 = 55.
func TestDisaggregateRequestedBands(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		loadHypertension(t, f)
		loadPopulation(t, f)
		f.load(t, person{village: vilA1, sex: 1, born: "2024-03-02", events: []event{ev("child_health", "check", "2024-05-02")}},
			person{village: vilB1, sex: 2, born: "2021-06-01", events: []event{ev("child_health", "check", "2024-06-01")}})
		f.values(t, dv("jiankang", townA, "participants", "2024-01", "sex=M;age=18-64", "30"),
			dv("jiankang", townA, "participants", "2024-01", "sex=F;age=65+", "25"))
		y := year(2024)
		if got := strings.Join(options(t, f, "htn_standard_rate", "age:0-59,60-69,70-"), ","); got != "0-59,60-69,70+" {
			t.Errorf("options = %s, want 0-59,60-69,70+", got)
		}
		want(t, f.evalBy(t, "htn_standard_rate", county, y, "age", "0-59"), "规范管理率 0–59岁", 0, 1, 0)
		want(t, f.evalBy(t, "htn_standard_rate", county, y, "age", "60-69"), "规范管理率 60–69岁", 2, 2, 100)
		want(t, f.evalBy(t, "htn_standard_rate", county, y, "age", "70+"), "规范管理率 70岁及以上", 1, 1, 100)
		want(t, f.evalBy(t, "htn_standard_rate", townA, y, "age", "60-69"), "海安镇 60–69岁", 1, 1, 100)

		want(t, f.evalBy(t, "child_health_management_rate", county, y, "age", "0"), "儿童健康管理率 0岁", 1, 20, 5)
		want(t, f.evalBy(t, "child_health_management_rate", county, y, "age", "1-6"), "儿童健康管理率 1–6岁", 1, 125, 0.8)
		if r := f.evalBy(t, "child_health_management_rate", county, y, "age", "7+"); !r.NoData {
			t.Errorf("7+ = %+v, want no data (no child of 0–6 is 7 or over)", r)
		}
		c := indicator.Cell{Indicator: "child_health_management_rate", OrgUnit: county, Span: y, Disagg: indicator.Disagg{Dim: "age", Option: "0-2"}}
		for _, eng := range []*indicator.Engine{f.eng, indicator.NewBaselineEngine(f.lib, f.st, f.src)} {
			_, err := eng.Eval(ctx, all, c)
			is := weijian.ErrorIssues(err)
			if weijian.ErrorKind(err) != weijian.KindInvalid || len(is) != 1 || is[0].Rule != "age_band_cut" ||
				!strings.Contains(weijian.ErrorMessage(err, "zh"), "0–2岁") || !strings.Contains(weijian.ErrorMessage(err, "zh"), "1–6岁") ||
				!strings.Contains(weijian.ErrorMessage(err, "en"), "cuts the band 1-6") {
				t.Errorf("0–2 of a population stored as 1–6: %v (%+v), want refused naming both bands", err, is)
			}
		}
		if _, err := f.eng.Options("health_education_participants", "age:0-6,7-", period.NewDate(2024, 1, 1)); weijian.ErrorKind(err) != weijian.KindInvalid ||
			!strings.Contains(weijian.ErrorMessage(err, "en"), "cuts the band 0-17") {
			t.Errorf("健康教育人次 by age:0-6,7-: %v, want refused (0-6 cuts the reported 0-17)", err)
		}
		if got := strings.Join(options(t, f, "health_education_participants", "age:0-17,18-"), ","); got != "0-17,18+" {
			t.Errorf("options = %s", got)
		}
		if r := f.evalBy(t, "health_education_participants", county, y, "age", "18+"); r.NoData || r.Value != 55 {
			t.Errorf("健康教育人次 18+ = %+v, want 30 + 25 = 55", r)
		}
	})
}

// The persons behind each option of a disaggregation are exactly those
// its numerator and denominator count: the lists' lengths are the
// option's counts, each person has the option's sex or age (on the
// span's last day), and the options' lists together are the total's.
func TestPersonsPerOption(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ps := loadHypertension(t, f)
		byID := map[int64]*weijian.Person{}
		for _, p := range ps {
			byID[p.ID] = p
		}
		y := year(2024)
		for _, spec := range []string{"sex", "age", "age:0-59,60-69,70-"} {
			opts, err := f.eng.Options("htn_standard_rate", spec, y.Start)
			if err != nil {
				t.Fatal(err)
			}
			dim, _, _ := indicator.ParseDim(spec)
			for _, unit := range []string{county, townA, townB} {
				seen := map[bool]int{}
				for _, o := range opts {
					c := indicator.Cell{Indicator: "htn_standard_rate", OrgUnit: unit, Span: y, Disagg: indicator.Disagg{Dim: dim, Option: o.Code}}
					r := f.evalBy(t, "htn_standard_rate", unit, y, dim, o.Code)
					for _, num := range []bool{true, false} {
						rows, err := f.eng.Persons(ctx, all, c, num, 100)
						if err != nil {
							t.Fatal(err)
						}
						if n := map[bool]float64{true: r.Numerator, false: r.Denominator}[num]; float64(len(rows)) != n {
							t.Errorf("%s %s=%s at %s (numerator %v): %d persons, the figure counts %v", spec, dim, o.Code, unit, num, len(rows), n)
						}
						seen[num] += len(rows)
						for _, row := range rows {
							p := byID[row.PersonID]
							if p == nil || !inOption(p, dim, o.Code, y.End) {
								t.Errorf("%s=%s lists %+v (%+v), who is not of the option", dim, o.Code, row, p)
							}
						}
					}
				}
				total := f.eval(t, "htn_standard_rate", unit, y)
				if float64(seen[true]) != total.Numerator || float64(seen[false]) != total.Denominator {
					t.Errorf("%s at %s: the options list %d/%d persons, the total counts %v/%v", spec, unit, seen[true], seen[false], total.Numerator, total.Denominator)
				}
			}
		}
		c := indicator.Cell{Indicator: "htn_standard_rate", OrgUnit: county, Span: y, Disagg: indicator.Disagg{Dim: "sex", Option: "X"}}
		if _, err := f.eng.Persons(ctx, all, c, true, 10); weijian.ErrorKind(err) != weijian.KindInvalid {
			t.Errorf("sex=X: %v, want invalid", err)
		}
		c.Disagg = indicator.Disagg{Dim: "type", Option: "public"}
		if _, err := f.eng.Persons(ctx, all, c, true, 10); weijian.ErrorKind(err) != weijian.KindInvalid {
			t.Errorf("a programme indicator by type: %v, want invalid", err)
		}
		c.Disagg = indicator.Disagg{Dim: "age", Option: "70-"} // a band as a request writes it
		if rows, err := f.eng.Persons(ctx, all, c, true, 10); err != nil || len(rows) != 1 || rows[0].PersonID != ps[0].ID {
			t.Errorf("age 70-: %+v, %v; want P1", rows, err)
		}
	})
}

// inOption reports whether p is of the option: their sex, or their age
// in completed years on day within the band.
func inOption(p *weijian.Person, dim, opt string, day period.Date) bool {
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

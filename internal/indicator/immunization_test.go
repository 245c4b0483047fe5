package indicator_test

import (
	"testing"

	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
)

func dose(date, vaccine string, n int) event {
	return ev("vaccination", "dose", date, "vaccine", vaccine, "dose", n)
}

// Vaccination 2024 (births cohort = population aged 0: 海安市 20, 海安镇 14):
//
//	infants in 甲村: 8 with HepB 1 + BCG, 5 of them DTaP 1 and MMR 1; one HepB 2
//	infants in 丙村: 3 with HepB 1, 2 with BCG
//	doses: 8×2 + 5×2 + 1 + 3 + 2 = 32
//
// HepB 1: 11/20 = 55%; BCG: 10/20 = 50%; DTaP 1: 5/20 = 25%; MMR 1: 5/20 = 25%;
// 海安镇 HepB 1: 8/14 = 57.14%.
func TestVaccination(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		loadPopulation(t, f)
		var ps []person
		for i := 0; i < 8; i++ {
			p := person{village: vilA1, sex: 1, born: "2024-01-05", events: []event{dose("2024-01-05", "HepB", 1), dose("2024-01-06", "BCG", 1)}}
			if i < 5 {
				p.events = append(p.events, dose("2024-04-05", "DTaP", 1), dose("2024-09-05", "MMR", 1))
			}
			if i == 0 {
				p.events = append(p.events, dose("2024-02-05", "HepB", 2))
			}
			ps = append(ps, p)
		}
		for i := 0; i < 3; i++ {
			p := person{village: vilB1, sex: 2, born: "2024-03-05", events: []event{dose("2024-03-05", "HepB", 1)}}
			if i < 2 {
				p.events = append(p.events, dose("2024-03-06", "BCG", 1))
			}
			ps = append(ps, p)
		}
		f.load(t, ps...)
		y := year(2024)
		if r := f.eval(t, "vacc_doses", county, y); r.Value != 32 {
			t.Errorf("接种剂次 = %+v, want 32", r)
		}
		want(t, f.eval(t, "vacc_hepb1_rate", county, y), "乙肝疫苗第1剂接种率", 11, 20, 55)
		want(t, f.eval(t, "vacc_bcg_rate", county, y), "卡介苗接种率", 10, 20, 50)
		want(t, f.eval(t, "vacc_dtap1_rate", county, y), "百白破第1剂接种率", 5, 20, 25)
		want(t, f.eval(t, "vacc_mmr1_rate", county, y), "麻腮风第1剂接种率", 5, 20, 25)
		want(t, f.eval(t, "vacc_hepb1_rate", townA, y), "乙肝疫苗第1剂接种率 海安镇", 8, 14, 57.14)
		// By month and quarter (counted once for the year, by month):
		// January 16, February 1, March 3 + 2 = 5, April 5 (DTaP).
		for _, c := range []struct {
			unit string
			typ  period.Type
			n    int
			want float64
		}{{county, period.Month, 3, 5}, {county, period.Month, 4, 5}, {county, period.Quarter, 1, 22}, {townA, period.Quarter, 1, 17},
			{townB, period.Month, 3, 5}, {townB, period.Month, 1, 0}} {
			p, _ := period.New(c.typ, 2024, c.n)
			if r := f.eval(t, "vacc_doses", c.unit, p.Span()); r.Value != c.want {
				t.Errorf("接种剂次 %s %s = %+v, want %v", c.unit, p, r, c.want)
			}
		}
	})
}

// HPV first doses over a multi-year series, each year by the 口径 in
// force at its start (versions 2020-01-01 local pilots, 2025-11-10 the
// national programme):
//
//	2024 (pilot 口径): first doses of HPV2, HPV4 or HPV9: 3 (HPV2, HPV4, HPV9) of girls 13–14 (23) = 13.04%
//	2026 (national 口径): first doses of HPV2 only: 2 (the HPV9 one does not count) of girls 13 (11) = 18.18%
//
// The same population is stored for 2026 as for 2024.
func TestVersionsPerYear(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		loadPopulation(t, f)
		f.population(t, 2026, map[string][][2]int64{
			vilA1: {{5, 4}, {30, 28}, {35, 33}, {6, 5}, {6, 6}, {120, 130}, {198, 244}, {45, 55}},
			vilA2: {{2, 3}, {15, 14}, {16, 15}, {3, 2}, {3, 3}, {60, 70}, {101, 143}, {20, 30}},
			vilB1: {{3, 3}, {20, 18}, {22, 20}, {4, 4}, {4, 3}, {90, 95}, {157, 177}, {40, 40}},
		})
		girl := func(evs ...event) person { return person{village: vilA1, sex: 2, born: "2011-12-01", events: evs} }
		f.load(t,
			girl(dose("2024-05-01", "HPV2", 1), dose("2024-11-01", "HPV2", 2)), girl(dose("2024-05-01", "HPV4", 1)), girl(dose("2024-05-01", "HPV9", 1)),
			girl(dose("2026-03-01", "HPV2", 1)), girl(dose("2026-04-01", "HPV2", 1)), girl(dose("2026-04-01", "HPV9", 1)))
		r24 := f.eval(t, "hpv_first_dose_rate", county, year(2024))
		want(t, r24, "HPV首针 2024", 3, 23, 13.04)
		r26 := f.eval(t, "hpv_first_dose_rate", county, year(2026))
		want(t, r26, "HPV首针 2026", 2, 11, 18.18)
		if r24.Version.String() != "2020-01-01" || r26.Version.String() != "2025-11-10" {
			t.Errorf("口径 used: 2024 %s, 2026 %s", r24.Version, r26.Version)
		}
		// One EvalMany over the series gives the same figures.
		rs, err := f.eng.EvalMany(ctx, all, []indicator.Cell{{Indicator: "hpv_first_dose_rate", OrgUnit: county, Span: year(2024)},
			{Indicator: "hpv_first_dose_rate", OrgUnit: county, Span: year(2025)}, {Indicator: "hpv_first_dose_rate", OrgUnit: county, Span: year(2026)}})
		if err != nil {
			t.Fatal(err)
		}
		want(t, rs[0], "series 2024", 3, 23, 13.04)
		if !rs[1].NoData {
			t.Errorf("2025 (no population, no doses) = %+v, want no data", rs[1])
		}
		want(t, rs[2], "series 2026", 2, 11, 18.18)
	})
}

package indicator_test

import (
	"testing"
)

func ev(prog, stage, date string, kv ...any) event {
	vals := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		vals[kv[i].(string)] = kv[i+1]
	}
	return event{prog, stage, date, vals}
}

// Maternal care 2024: five women delivered, 5 live births in all.
//
//	W1 (甲村) early registration, first visit, 4 later visits, delivery 1 live birth, postpartum visit, 42-day check → 系统管理
//	W2 (甲村) early registration, first visit, 3 later visits, twins (2), postpartum visit, 42-day check
//	W3 (乙村) late registration, first visit, 4 later visits, 1 live birth, postpartum visit
//	W4 (丙村) early registration, first visit, 4 later visits, 1 live birth, no postpartum visit
//	W5 (丙村) early registration, stillbirth (0 live births), postpartum visit
//	W6 (丙村) early registration, first visit only: still pregnant (no delivery in 2024) → counts nowhere
//
// 活产数 = 1 + 2 + 1 + 1 + 0: 4 women with ≥1, 1 with ≥2, 0 with ≥3 → 4 + 1 + 0 = 5.
// 早孕建册率 = delivered and early: W1 W2 W4 W5 = 4 / 5 = 80% (the stillbirth
// counts in the numerator, not in the live births: the official formula).
// 产后访视率 = delivered and visited: W1 W2 W3 W5 = 4 / 5 = 80%.
// 孕产妇系统管理率 = W1 only (W2 has 4 checks in all) = 1 / 5 = 20%.
// 海安镇: live births 1 + 2 + 1 = 4; 早孕建册 W1 W2 = 2/4 = 50%.
func TestMaternal(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		visits := func(n int) []event {
			out := []event{ev("maternal", "first_visit", "2024-01-20")}
			for i := 0; i < n; i++ {
				out = append(out, ev("maternal", "prenatal_visit", "2024-0"+string(rune('2'+i))+"-15"))
			}
			return out
		}
		woman := func(village string, early bool, checks, births int, pp, d42 bool) person {
			p := person{village: village, sex: 2, born: "1995-05-05", enr: map[string]string{"maternal": "2024-01-15"},
				enrVals: map[string]map[string]any{"maternal": {"early_registration": early}}, events: visits(checks)}
			p.events = append(p.events, ev("maternal", "delivery", "2024-08-01", "live_births", births))
			if pp {
				p.events = append(p.events, ev("maternal", "postpartum_visit", "2024-08-10"))
			}
			if d42 {
				p.events = append(p.events, ev("maternal", "postpartum_42d", "2024-09-12"))
			}
			return p
		}
		w5 := woman(vilB1, true, 0, 0, true, false)
		w5.events = w5.events[1:] // no first visit either
		f.load(t,
			woman(vilA1, true, 4, 1, true, true), woman(vilA1, true, 3, 2, true, true),
			woman(vilA2, false, 4, 1, true, false), woman(vilB1, true, 4, 1, false, false), w5,
			person{village: vilB1, sex: 2, born: "1996-01-01", enr: map[string]string{"maternal": "2024-09-01"},
				enrVals: map[string]map[string]any{"maternal": {"early_registration": true}}, events: []event{ev("maternal", "first_visit", "2024-09-20")}})
		y := year(2024)
		if r := f.eval(t, "live_births", county, y); r.Value != 5 {
			t.Errorf("活产数 = %+v, want 5", r)
		}
		want(t, f.eval(t, "early_registration_rate", county, y), "早孕建册率", 4, 5, 80)
		want(t, f.eval(t, "postpartum_visit_rate", county, y), "产后访视率", 4, 5, 80)
		want(t, f.eval(t, "maternal_system_rate", county, y), "孕产妇系统管理率", 1, 5, 20)
		want(t, f.eval(t, "early_registration_rate", townA, y), "早孕建册率 海安镇", 2, 4, 50)
	})
}

// Prenatal screening and diagnosis 2024, against 6 live births (the
// maternal records of TestMaternal are not loaded here: 4 women deliver
// 1 child each plus one with twins → 4 + 1 = 5 women, 6 live births):
//
//	screened 5 women: 1 high risk, 2 intermediate (one of them also high on T18 → high, not intermediate)
//	→ 产前筛查率 5/6 = 83.33%; 高风险 2/5 = 40% (the T18-high one counts); 临界 1/5 = 20%
//	prenatal diagnosis: 2 women → 2/6 = 33.33%
func TestPrenatal(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		births := []int{1, 1, 1, 1, 2}
		var ps []person
		for i, b := range births {
			ps = append(ps, person{village: vilA1, sex: 2, born: "1994-01-01", enr: map[string]string{"maternal": "2024-01-10"},
				events: []event{ev("maternal", "delivery", "2024-09-0"+string(rune('1'+i)), "live_births", b)}})
		}
		scr := func(t21, t18 string) event {
			return ev("prenatal_screening", "screening", "2024-04-01", "method", "1", "t21", t21, "t18", t18,
				"high_risk", t21 == "3" || t18 == "3")
		}
		ps[0].events = append(ps[0].events, scr("3", "1"))
		ps[1].events = append(ps[1].events, scr("2", "3"))
		ps[2].events = append(ps[2].events, scr("2", "1"))
		ps[3].events = append(ps[3].events, scr("1", "1"))
		ps[4].events = append(ps[4].events, scr("1", "1"))
		ps[0].events = append(ps[0].events, ev("prenatal_diagnosis", "diagnosis", "2024-05-01", "method", "1"))
		ps[1].events = append(ps[1].events, ev("prenatal_diagnosis", "diagnosis", "2024-05-02", "method", "1"))
		f.load(t, ps...)
		y := year(2024)
		want(t, f.eval(t, "prenatal_screening_rate", county, y), "产前筛查率", 5, 6, 83.33)
		want(t, f.eval(t, "prenatal_high_risk_rate", county, y), "高风险率", 2, 5, 40)
		want(t, f.eval(t, "prenatal_borderline_rate", county, y), "临界风险率", 1, 5, 20)
		want(t, f.eval(t, "prenatal_diagnosis_rate", county, y), "产前诊断率", 2, 6, 33.33)
	})
}

// Newborn screening 2024: 4 mothers, 4 live births; the newborns:
//
//	N1 metabolic screen negative; hearing passed; CHD screen negative; newborn visit; check at 2 months
//	N2 metabolic positive; hearing failed; CHD positive, echo, CHD confirmed; newborn visit
//	N3 metabolic negative; hearing passed; CHD positive, echo, no CHD
//	N4 not screened at all; CHD positive, no echo yet
//
// 疾病筛查率 3/4 = 75%; 阳性率 1/3 = 33.33%; 听力筛查率 3/4 = 75%;
// 初筛未通过率 1/3 = 33.33%; 先心病筛查率 (N1 N2 N3 N4) 4/4 = 100%;
// 阳性率 3/4 = 75%; 超声检查率 2/3 = 66.67%; 确诊率 1/2 = 50%;
// 新生儿访视率 2/4 = 50%; 0–6岁儿童健康管理率: N1 checked + 2 older
// children checked = 3 / 145 = 2.069% → 2.07.
func TestNewborn(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		loadPopulation(t, f)
		var ps []person
		for i := 0; i < 4; i++ {
			ps = append(ps, person{village: vilA1, sex: 2, born: "1994-01-01", enr: map[string]string{"maternal": "2024-01-10"},
				events: []event{ev("maternal", "delivery", "2024-03-0"+string(rune('1'+i)), "live_births", 1)}})
		}
		baby := func(evs ...event) person { return person{village: vilA2, sex: 1, born: "2024-03-02", events: evs} }
		ps = append(ps,
			baby(ev("newborn_disease_screening", "result", "2024-03-06", "positive", false), ev("newborn_hearing", "initial", "2024-03-04", "passed", true),
				ev("newborn_chd", "screen", "2024-03-03", "positive", false), ev("child_health", "newborn_visit", "2024-03-12"),
				ev("child_health", "check", "2024-05-02")),
			baby(ev("newborn_disease_screening", "result", "2024-03-06", "positive", true), ev("newborn_hearing", "initial", "2024-03-04", "passed", false),
				ev("newborn_chd", "screen", "2024-03-03", "positive", true), ev("newborn_chd", "diagnosis", "2024-03-20", "chd", true),
				ev("child_health", "newborn_visit", "2024-03-12")),
			baby(ev("newborn_disease_screening", "result", "2024-03-06", "positive", false), ev("newborn_hearing", "initial", "2024-03-04", "passed", true),
				ev("newborn_chd", "screen", "2024-03-03", "positive", true), ev("newborn_chd", "diagnosis", "2024-03-20", "chd", false)),
			baby(ev("newborn_chd", "screen", "2024-03-03", "positive", true)),
			person{village: vilB1, sex: 2, born: "2021-06-01", events: []event{ev("child_health", "check", "2024-06-01")}},
			person{village: vilB1, sex: 1, born: "2019-06-01", events: []event{ev("child_health", "check", "2024-07-01")}})
		f.load(t, ps...)
		y := year(2024)
		want(t, f.eval(t, "newborn_disease_screening_rate", county, y), "新生儿疾病筛查率", 3, 4, 75)
		want(t, f.eval(t, "newborn_disease_positive_rate", county, y), "新生儿疾病筛查阳性率", 1, 3, 33.33)
		want(t, f.eval(t, "newborn_hearing_screening_rate", county, y), "听力筛查率", 3, 4, 75)
		want(t, f.eval(t, "newborn_hearing_refer_rate", county, y), "听力初筛未通过率", 1, 3, 33.33)
		want(t, f.eval(t, "newborn_chd_screening_rate", county, y), "先心病筛查率", 4, 4, 100)
		want(t, f.eval(t, "newborn_chd_positive_rate", county, y), "先心病筛查阳性率", 3, 4, 75)
		want(t, f.eval(t, "newborn_chd_echo_rate", county, y), "超声心动图检查率", 2, 3, 66.67)
		want(t, f.eval(t, "newborn_chd_confirmed_rate", county, y), "先心病确诊率", 1, 2, 50)
		want(t, f.eval(t, "newborn_visit_rate", county, y), "新生儿访视率", 2, 4, 50)
		want(t, f.eval(t, "child_health_management_rate", county, y), "0～6岁儿童健康管理率", 3, 145, 2.07)
	})
}

// 两癌 2024: 4 women screened for cervical cancer (1 positive), 3 for
// breast cancer (2 positive), one woman only for breast.
//
//	宫颈癌筛查人数 4; 乳腺癌筛查人数 3; 宫颈癌初筛异常率 1/4 = 25%;
//	乳腺癌初筛异常率 2/3 = 66.67%; 适龄妇女宫颈癌筛查率 4 / 564 = 0.7092% → 0.71
func TestTwoCancers(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		loadPopulation(t, f)
		cx := func(pos bool) event { return ev("cervical_screening", "screening", "2024-05-01", "positive", pos) }
		br := func(pos bool) event { return ev("breast_screening", "screening", "2024-05-01", "positive", pos) }
		woman := func(evs ...event) person { return person{village: vilA1, sex: 2, born: "1975-01-01", events: evs} }
		f.load(t, woman(cx(true), br(true)), woman(cx(false), br(true)), woman(cx(false)), woman(cx(false)), woman(br(false)))
		y := year(2024)
		if r := f.eval(t, "cervical_screened", county, y); r.Value != 4 {
			t.Errorf("宫颈癌筛查人数 = %+v, want 4", r)
		}
		if r := f.eval(t, "breast_screened", county, y); r.Value != 3 {
			t.Errorf("乳腺癌筛查人数 = %+v, want 3", r)
		}
		want(t, f.eval(t, "cervical_positive_rate", county, y), "宫颈癌初筛异常率", 1, 4, 25)
		want(t, f.eval(t, "breast_positive_rate", county, y), "乳腺癌初筛异常率", 2, 3, 66.67)
		want(t, f.eval(t, "cervical_screening_coverage", county, y), "宫颈癌筛查率", 4, 564, 0.71)
	})
}

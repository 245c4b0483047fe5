package indicator_test

import (
	"slices"
	"testing"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/report/check"
)

func htnVisit(date string, sbp, dbp int, controlled bool) event {
	return event{"hypertension", "followup", date, map[string]any{"sbp": sbp, "dbp": dbp, "bp_controlled": controlled}}
}

// Hypertension in 2024, by hand:
//
//	甲村 P1 (74) enrolled 2020, 4 follow-ups, last 145/85 (65+: <150/90) → regular, controlled
//	甲村 P2 (54) enrolled 2020, 2 follow-ups, last 150/95                → neither
//	乙村 P3 (64) enrolled 2024-07-02: needs ⌈4 × 183/366⌉ = 2; has 2, last 145/85 (<65: needs <140) → regular only
//	丙村 P4 (69) enrolled 2019, 4 follow-ups, last 138/88                → regular, controlled
//
// 海安镇: managed 3 (P1 P2 P3); 规范 2 → 2/3 = 66.67%; 控制 1 → 1/3 = 33.33%
// 城东镇: managed 1; 规范 1/1 = 100%; 控制 1/1 = 100%
// 海安市: managed 4; 规范 3/4 = 75%; 控制 2/4 = 50%
func loadHypertension(t *testing.T, f *fixture) []*weijian.Person {
	four := func(sbp, dbp int, ok bool) []event {
		return []event{htnVisit("2024-02-01", 130, 80, true), htnVisit("2024-05-01", 130, 80, true),
			htnVisit("2024-08-01", 130, 80, true), htnVisit("2024-11-01", sbp, dbp, ok)}
	}
	return f.load(t,
		person{village: vilA1, sex: 1, born: "1950-03-01", enr: map[string]string{"hypertension": "2020-01-01"}, events: four(145, 85, true)},
		person{village: vilA1, sex: 2, born: "1970-03-01", enr: map[string]string{"hypertension": "2020-01-01"},
			events: []event{htnVisit("2024-03-01", 130, 80, true), htnVisit("2024-09-01", 150, 95, false)}},
		person{village: vilA2, sex: 1, born: "1960-03-01", enr: map[string]string{"hypertension": "2024-07-02"},
			events: []event{htnVisit("2024-08-01", 130, 80, true), htnVisit("2024-11-01", 145, 85, false)}},
		person{village: vilB1, sex: 2, born: "1955-03-01", enr: map[string]string{"hypertension": "2019-01-01"}, events: four(138, 88, true)},
	)
}

func TestHypertension(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		loadHypertension(t, f)
		y := year(2024)
		want(t, f.eval(t, "htn_standard_rate", townA, y), "规范管理率 海安镇", 2, 3, 66.67)
		want(t, f.eval(t, "htn_standard_rate", townB, y), "规范管理率 城东镇", 1, 1, 100)
		want(t, f.eval(t, "htn_standard_rate", county, y), "规范管理率 海安市", 3, 4, 75)
		want(t, f.eval(t, "htn_control_rate", townA, y), "控制率 海安镇", 1, 3, 33.33)
		want(t, f.eval(t, "htn_control_rate", county, y), "控制率 海安市", 2, 4, 50)
		if r := f.eval(t, "htn_managed", county, y); r.Value != 4 || r.HasDen {
			t.Errorf("管理人数 = %+v, want 4", r)
		}
		// 2023: nothing recorded at all → no data, never 0%.
		if r := f.eval(t, "htn_standard_rate", county, year(2023)); !r.NoData || r.Why == "" {
			t.Errorf("2023 without records = %+v, want no data with a reason", r)
		}
	})
}

// 高血压患者健康管理率 (2011 口径) 2024 at 海安市: 4 managed ÷ (1250 aged
// 35+ × 15.02%) = 4 ÷ 187.75 = 2.1305% → 2.13.
func TestHypertensionOfEstimate(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		loadPopulation(t, f)
		loadHypertension(t, f)
		want(t, f.eval(t, "htn_management_rate", county, year(2024)), "高血压患者健康管理率", 4, 187.75, 2.13)
	})
}

func dmVisit(date string, glucose float64) event {
	return event{"diabetes", "followup", date, map[string]any{"fasting_glucose": glucose, "glucose_controlled": glucose < 7}}
}

// Diabetes 2024:
//
//	D1 (甲村) 4 follow-ups, last glucose 6.5 → regular, controlled
//	D2 (乙村) 4 follow-ups, last 7.8        → regular only
//	D3 (丙村) 1 follow-up, last 6.0         → controlled only (规范 needs 4)
//
// 海安市: managed 3; 规范 2/3 = 66.67%; 控制 2/3 = 66.67%;
// 管理率 3 ÷ (1250 × 4.02% = 50.25) = 5.9701% → 5.97.
// 海安镇: managed 2; 规范 2/2 = 100%; 控制 1/2 = 50%.
func TestDiabetes(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		loadPopulation(t, f)
		four := func(last float64) []event {
			return []event{dmVisit("2024-01-10", 6.1), dmVisit("2024-04-10", 6.2), dmVisit("2024-07-10", 6.3), dmVisit("2024-10-10", last)}
		}
		enr := map[string]string{"diabetes": "2018-05-01"}
		f.load(t,
			person{village: vilA1, sex: 1, born: "1958-01-01", enr: enr, events: four(6.5)},
			person{village: vilA2, sex: 2, born: "1962-01-01", enr: enr, events: four(7.8)},
			person{village: vilB1, sex: 1, born: "1949-01-01", enr: enr, events: []event{dmVisit("2024-06-01", 6.0)}})
		y := year(2024)
		if r := f.eval(t, "dm_managed", county, y); r.Value != 3 {
			t.Errorf("糖尿病管理人数 = %+v, want 3", r)
		}
		want(t, f.eval(t, "dm_standard_rate", county, y), "糖尿病规范管理率 海安市", 2, 3, 66.67)
		want(t, f.eval(t, "dm_control_rate", county, y), "血糖控制率 海安市", 2, 3, 66.67)
		want(t, f.eval(t, "dm_management_rate", county, y), "糖尿病管理率 海安市", 3, 50.25, 5.97)
		want(t, f.eval(t, "dm_standard_rate", townA, y), "糖尿病规范管理率 海安镇", 2, 2, 100)
		want(t, f.eval(t, "dm_control_rate", townA, y), "血糖控制率 海安镇", 1, 2, 50)
	})
}

func smdVisit(date, class string, stable, drugs, regular bool) event {
	return event{"mental_disorder", "followup", date, map[string]any{"followup_class": class, "stable": stable,
		"taking_drugs": drugs, "regular_drugs": regular}}
}

// Severe mental disorders 2024, 4 registered patients:
//
//	S1 4 follow-ups Feb May Aug Nov (gaps ≤ 3 months), last stable, drugs as prescribed → 规范, 在管, 稳定, 服药, 规律
//	S2 4 follow-ups Jan Feb Mar Nov (Mar→Nov > 3 months), last unstable, drugs irregular → 在管, 服药
//	S3 1 follow-up, class 4 (lost: 失访), no drugs → none
//	S4 registered, no follow-up in 2024 but enrolled (a row through enrollment in 2024) → none
//
// 在册 4; 规范管理率 1/4 = 25%; 管理率 2/4 = 50%; 服药率 2/4 = 50%;
// 规律服药率 1/4 = 25%; 稳定率 1/4 = 25%.
func TestSevereMentalDisorders(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		enr := map[string]string{"mental_disorder": "2015-03-01"}
		f.load(t,
			person{village: vilA1, sex: 1, born: "1980-01-01", enr: enr, events: []event{
				smdVisit("2024-02-01", "1", true, true, true), smdVisit("2024-05-01", "1", true, true, true),
				smdVisit("2024-08-01", "1", true, true, true), smdVisit("2024-11-01", "1", true, true, true)}},
			person{village: vilA2, sex: 2, born: "1975-01-01", enr: enr, events: []event{
				smdVisit("2024-01-05", "1", true, true, true), smdVisit("2024-02-05", "1", true, true, true),
				smdVisit("2024-03-05", "2", true, true, false), smdVisit("2024-11-05", "2", false, true, false)}},
			person{village: vilB1, sex: 1, born: "1990-01-01", enr: enr, events: []event{smdVisit("2024-06-01", "4", false, false, false)}},
			person{village: vilB1, sex: 2, born: "1985-01-01", enr: map[string]string{"mental_disorder": "2024-01-15"}})
		y := year(2024)
		if r := f.eval(t, "smd_registered", county, y); r.Value != 4 {
			t.Errorf("在册患者数 = %+v, want 4", r)
		}
		want(t, f.eval(t, "smd_standard_rate", county, y), "规范管理率", 1, 4, 25)
		want(t, f.eval(t, "smd_management_rate", county, y), "管理率", 2, 4, 50)
		want(t, f.eval(t, "smd_medication_rate", county, y), "服药率", 2, 4, 50)
		want(t, f.eval(t, "smd_regular_medication_rate", county, y), "规律服药率", 1, 4, 25)
		want(t, f.eval(t, "smd_stable_rate", county, y), "稳定率", 1, 4, 25)
	})
}

// 老年人中医药健康管理率 2024: two of the 65+ had TCM guidance (甲村, 丙村),
// one had only the annual check: 2 / 230 = 0.8696% → 0.87; 城东镇 1/80 = 1.25%.
func TestElderlyTCM(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		loadPopulation(t, f)
		enr := map[string]string{"elderly": "2021-01-01"}
		f.load(t,
			person{village: vilA1, sex: 1, born: "1950-03-01", enr: enr, events: []event{{"elderly", "tcm", "2024-04-01", nil}}},
			person{village: vilB1, sex: 2, born: "1952-03-01", enr: enr, events: []event{{"elderly", "tcm", "2024-06-01", nil}}},
			person{village: vilA2, sex: 2, born: "1944-03-01", enr: enr, events: []event{{"elderly", "annual_check", "2024-05-01", nil}}})
		want(t, f.eval(t, "elderly_tcm_rate", county, year(2024)), "老年人中医药健康管理率 海安市", 2, 230, 0.87)
		want(t, f.eval(t, "elderly_tcm_rate", townB, year(2024)), "老年人中医药健康管理率 城东镇", 1, 80, 1.25)
	})
}

// Family doctors 2024: 4 residents signed; one (key group) ended the
// contract in 2024. In force: 3 of 2150 residents = 0.1395% → 0.14;
// key-group residents in force: 1 (the other key-group resident ended).
func TestFamilyDoctor(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		loadPopulation(t, f)
		enr := map[string]string{"family_doctor": "2024-01-10"}
		key := map[string]map[string]any{"family_doctor": {"key_group": true}}
		f.load(t,
			person{village: vilA1, sex: 1, born: "1950-03-01", enr: enr, enrVals: key},
			person{village: vilA1, sex: 2, born: "1952-03-01", enr: enr, enrVals: key, events: []event{{"family_doctor", "termination", "2024-09-01", nil}}},
			person{village: vilA2, sex: 2, born: "1990-03-01", enr: enr},
			person{village: vilB1, sex: 2, born: "1985-03-01", enr: enr})
		want(t, f.eval(t, "family_doctor_signing_rate", county, year(2024)), "签约率", 3, 2150, 0.14)
		if r := f.eval(t, "family_doctor_key_signed", county, year(2024)); r.Value != 1 {
			t.Errorf("重点人群签约人数 = %+v, want 1", r)
		}
	})
}

// The persons behind 海安镇's 规范管理率 2024: P1 and P3 in the numerator,
// P1 P2 P3 in the denominator; 城东镇's only patient is P4. Through I{…},
// 管理率's numerator lists the managed.
func TestPersonsBehindAFigure(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ps := loadHypertension(t, f)
		ids := func(code, unit string, numerator bool) []int64 {
			rows, err := f.eng.Persons(ctx, all, indicator.Cell{Indicator: code, OrgUnit: unit, Span: year(2024)}, numerator, 0)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, r := range rows {
				out = append(out, r.PersonID)
				if r.Village == "" || r.Facts["regular"] == "" {
					t.Errorf("person %d: village %q facts %v", r.PersonID, r.Village, r.Facts)
				}
			}
			return out
		}
		same := func(what string, got []int64, want ...*weijian.Person) {
			var w []int64
			for _, p := range want {
				w = append(w, p.ID)
			}
			slices.Sort(got)
			slices.Sort(w)
			if !slices.Equal(got, w) {
				t.Errorf("%s: persons %v, want %v", what, got, w)
			}
		}
		same("numerator 海安镇", ids("htn_standard_rate", townA, true), ps[0], ps[2])
		same("denominator 海安镇", ids("htn_standard_rate", townA, false), ps[0], ps[1], ps[2])
		same("denominator 城东镇", ids("htn_standard_rate", townB, false), ps[3])
		same("管理率 numerator via I{}", ids("htn_management_rate", county, true), ps...)
		rows, err := f.eng.Persons(ctx, all, indicator.Cell{Indicator: "htn_standard_rate", OrgUnit: county, Span: year(2024)}, false, 2)
		if err != nil || len(rows) != 2 {
			t.Errorf("limit 2: %d rows, %v", len(rows), err)
		}
	})
}

// The report checker's live values: a stated 高血压规范管理率 for 海安镇
// in 2024 is compared with 2/3 = 66.67%; unknown names, other units and
// unreadable periods are not answered.
func TestCheckResolver(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		loadHypertension(t, f)
		cr := &indicator.CheckResolver{Eval: f.eng, Scope: all, OrgUnit: county}
		v, ok, err := cr.Resolve(ctx, check.Query{Indicator: "高血压规范管理率", Unit: "%", OrgUnit: townA, Period: "2024"})
		if err != nil || !ok || v.Numerator != 2 || v.Denominator != 3 || round2(v.Value) != 66.67 {
			t.Errorf("高血压规范管理率 海安镇 2024 = %+v %v %v, want 2/3", v, ok, err)
		}
		// the county by default; 截至 a date reads the year to that day
		v, ok, _ = cr.Resolve(ctx, check.Query{Indicator: "血压控制率", Unit: "%", Period: "2024-12-31"})
		if !ok || v.Numerator != 2 || v.Denominator != 4 {
			t.Errorf("血压控制率 海安市 = %+v %v, want 2/4", v, ok)
		}
		for _, q := range []check.Query{{Indicator: "不存在的率", Unit: "%", Period: "2024"},
			{Indicator: "高血压规范管理率", Unit: "‰", Period: "2024"}, {Indicator: "高血压规范管理率", Unit: "%", Period: "--06"},
			{Indicator: "规范管理率", Unit: "%", Period: "2024"}} {
			if _, ok, err := cr.Resolve(ctx, q); ok || err != nil {
				t.Errorf("%+v answered (%v)", q, err)
			}
		}
		// A stated figure that differs from the live value is flagged.
		c, err := check.New()
		if err != nil {
			t.Fatal(err)
		}
		res, err := c.Check(ctx, "2024年，全市高血压规范管理率达90.00%。", check.Options{Resolver: cr, OrgUnit: county, Period: "2024"})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, fd := range res.Findings {
			found = found || fd.Rule == "live.mismatch"
		}
		if !found {
			t.Errorf("90.00%% against a live 75%%: no live.mismatch finding in %+v", res.Findings)
		}
	})
}

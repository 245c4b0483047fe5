package indicator_test

import (
	"testing"
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
func loadHypertension(t *testing.T, f *fixture) {
	four := func(sbp, dbp int, ok bool) []event {
		return []event{htnVisit("2024-02-01", 130, 80, true), htnVisit("2024-05-01", 130, 80, true),
			htnVisit("2024-08-01", 130, 80, true), htnVisit("2024-11-01", sbp, dbp, ok)}
	}
	f.load(t,
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

package indicator_test

import (
	"testing"

	"github.com/weijian-health/weijian"
)

const vilB2 = "320685101202" // 乙村 after it moved to 城东镇

// 乙村 moves from 海安镇 to 城东镇 on 2025-01-01: its code changes (a
// village code lies under its town's), so the old unit closes with the
// new one as successor, and its patient P3 is moved to the new village
// (which rewrites the village of all his year rows). P3 (规范 in 2024 and
// 2025) counts under 海安镇 in 2024 and under 城东镇 in 2025 — the tree as
// it stood in each year — and under 海安市 both years.
//
//	2024: 海安镇 managed 3 (P1 P2 P3), 规范 2 → 66.67%; 城东镇 1/1 = 100%
//	2025: P1 and a resident of the new 乙村 have 4 follow-ups each, nobody else
//	      is served: 海安镇 1/1 (P1) = 100%; 城东镇 1/1 = 100%; 海安市 2/2 = 100%
func TestVillageMovedCountsWhereItWas(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		p3id := loadHypertension(t, f)[2].ID
		for _, row := range []weijian.OrgUnitRow{
			{Code: vilB2, Name: "乙村", Level: "village", ParentCode: townB},
			{Code: vilA2, Name: "乙村", Level: "village", ParentCode: townA, ValidTo: day("2025-01-01"), SuccessorCode: vilB2},
		} {
			if _, err := f.st.ImportOrgUnits(ctx, all, []weijian.OrgUnitRow{row}, weijian.ImportOptions{ValidFrom: day("2025-01-01")}); err != nil {
				t.Fatal(err)
			}
		}
		four := func(y string) []event {
			return []event{htnVisit(y+"-02-01", 130, 80, true), htnVisit(y+"-05-01", 130, 80, true),
				htnVisit(y+"-08-01", 130, 80, true), htnVisit(y+"-11-01", 130, 80, true)}
		}
		// 2025: P1 (甲村) is served again, and a resident of the new 乙村.
		// Then P3 (no 2025 services) moves to the new 乙村.
		f.load(t, person{village: vilA1, sex: 1, born: "1950-03-01", enr: map[string]string{"hypertension": "2025-01-01"}, events: four("2025")},
			person{village: vilB2, sex: 1, born: "1960-03-01", enr: map[string]string{"hypertension": "2025-01-01"}, events: four("2025")})
		p3, err := f.st.Person(ctx, all, p3id)
		if err != nil {
			t.Fatal(err)
		}
		p3.VillageCode = vilB2
		if err := f.st.UpdatePerson(ctx, all, weijian.Actor{Name: "test"}, p3); err != nil {
			t.Fatal(err)
		}
		want(t, f.eval(t, "htn_standard_rate", townA, year(2024)), "海安镇 2024", 2, 3, 66.67)
		want(t, f.eval(t, "htn_standard_rate", townB, year(2024)), "城东镇 2024", 1, 1, 100)
		want(t, f.eval(t, "htn_standard_rate", townA, year(2025)), "海安镇 2025", 1, 1, 100)
		want(t, f.eval(t, "htn_standard_rate", townB, year(2025)), "城东镇 2025", 1, 1, 100)
		want(t, f.eval(t, "htn_standard_rate", county, year(2025)), "海安市 2025", 2, 2, 100)
		want(t, f.eval(t, "htn_standard_rate", county, year(2024)), "海安市 2024", 3, 4, 75)
	})
}

// The engine keeps the org-unit tree between calls and reads it again
// after an org-unit import: 乙村 (P3, 规范, under 海安镇) closes on
// 2024-01-01 with a successor under 城东镇, so in 2024 P3 counts under
// 城东镇 — 海安镇 2/3 before the import, 1/2 (P1 of P1 P2) after; 城东镇
// 1/1 (P4) before, 2/2 after.
func TestTreeReadAgainAfterImport(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		loadHypertension(t, f)
		want(t, f.eval(t, "htn_standard_rate", townA, year(2024)), "海安镇 before", 2, 3, 66.67)
		want(t, f.eval(t, "htn_standard_rate", townB, year(2024)), "城东镇 before", 1, 1, 100)
		for _, row := range []weijian.OrgUnitRow{
			{Code: vilB2, Name: "乙村", Level: "village", ParentCode: townB},
			{Code: vilA2, Name: "乙村", Level: "village", ParentCode: townA, ValidTo: day("2024-01-01"), SuccessorCode: vilB2},
		} {
			if _, err := f.st.ImportOrgUnits(ctx, all, []weijian.OrgUnitRow{row}, weijian.ImportOptions{ValidFrom: day("2024-01-01")}); err != nil {
				t.Fatal(err)
			}
		}
		want(t, f.eval(t, "htn_standard_rate", townA, year(2024)), "海安镇 after", 1, 2, 50)
		want(t, f.eval(t, "htn_standard_rate", townB, year(2024)), "城东镇 after", 2, 2, 100)
	})
}

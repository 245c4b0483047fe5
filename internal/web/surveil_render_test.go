package web

import (
	"time"

	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/surveil"
)

// surveilSamples fills every surveillance page for TestTemplatesRender.
func surveilSamples(base basePage) map[string]any {
	now := time.Now()
	card := &surveil.CaseReport{ID: 7, CardID: "123", Disease: "tb", Subtype: "pos", CaseClass: "确诊病例", PatientName: "王", ParentName: "王父",
		Sex: 1, BirthDate: period.NewDate(2020, 1, 1), Occupation: "散居儿童", AddressCode: "320685102201", FacilityCode: "F",
		OnsetDate: period.NewDate(2026, 1, 1), DiagnosedAt: now, ReportedAt: now, VerifiedAt: now, Status: surveil.StatusWithdrawn,
		DuplicateOf: 3, WithdrawReason: "重卡", Remark: "r", Version: 2}
	row := caseRow{CaseReport: card, DiseaseName: "肺结核", SubtypeName: "阳性", AddressName: "南庄村", FacilityName: "医院", IDMasked: "3206**1234", Timely: true}
	sig := &surveil.Signal{ID: 9, Item: "cholera", AreaName: "海安市", AreaCode: "320685000000", Method: "cidarsFixed", Params: "{}", Fixed: true,
		WindowFrom: period.NewDate(2026, 1, 1), WindowTo: period.NewDate(2026, 1, 2), Observed: 2, Threshold: 1, Merged: 1,
		Status: surveil.SignalSuspected, CreatedAt: now, RespondedAt: now, RespondedBy: "cdc", JudgedAt: now, JudgedBy: "cdc", Result: "r", Note: "n"}
	srow := signalRow{Signal: sig, ItemName: "霍乱", StatusName: "疑似事件", Kind: "固定阈值", ResponseTime: "5 分钟", InTime: true, Unread: true}
	opts := []option{{"a", "A", true}, {"b", "B", false}}
	fe := formError{Message: "错", Issues: []string{"x"}}
	links := exportLinks{"/x?format=xlsx", "/x?format=csv"}
	pg := pager{Page: 1, Pages: 2, Total: 60, From: 1, To: 50, Next: "/n"}
	eval := &surveil.Evaluation{From: period.NewDate(2025, 1, 1), To: period.NewDate(2026, 1, 1), Series: 11,
		Diseases: []surveil.DiseaseEval{{Disease: "hfmd", Outbreaks: []surveil.Outbreak{{ID: "1"}}, Current: "cidarsMPM",
			Scores: []surveil.MethodScore{{Label: "earsC1", Detected: 1, Outbreaks: 1, FalsePer10: 2.5, Recommended: true}}}}}
	return map[string]any{
		"sv_cases":       &casesPage{basePage: base, Filter: caseFilter{Diseases: opts, Status: "active", Unverified: true}, Rows: []caseRow{row}, Pager: pg, Export: links, CanManage: true, Facilities: opts, Today: "2026-12-07"},
		"sv_case":        &casePage{basePage: base, Card: row, History: []surveil.HistoryEntry{{Version: 1, Action: "create", At: now, Actor: "a"}}, CanManage: true, Limit: 24, Error: fe},
		"sv_case_form":   &caseFormPage{basePage: base, Form: caseForm{ID: 1, Disease: "tb", Sex: "1"}, Diseases: opts, Subtypes: opts, Classes: surveil.CaseClasses, Occupations: surveil.Occupations, Belongs: surveil.Belongs, Facilities: opts, Error: fe, Edit: true},
		"sv_import":      &caseImportPage{basePage: base, Result: &surveil.ImportResult{Layout: surveil.Layout2019, Summary: surveil.SaveSummary{Rows: 3, Inserted: 3}, Ignored: []string{"x"}, Signals: []*surveil.Signal{sig}}, Error: fe},
		"sv_signals":     &signalsPage{basePage: base, Filter: signalFilter{Items: opts, Status: "open"}, Rows: []signalRow{srow}, Pager: pg, Export: links, Summary: timeliness{Total: 2, Responded: 1, Median: "1 小时"}, Skips: []skipRow{{"霍乱", "海安市", "历史数据不足"}}, Unread: 1},
		"sv_signal":      &signalPage{basePage: base, Sig: srow, Events: []surveil.SignalEvent{{At: now, Actor: "system", Action: "created"}}, Actions: opts, Chart: "{}", Note: "n", Error: fe},
		"sv_curve":       &curvePage{basePage: base, Item: "hfmd", Items: opts, Areas: opts, Chart: "{}", Note: "n", Weeks: []weekRow{{"2026-W01", 3, 2, 1}}, Export: links},
		"sv_compliance":  &compliancePage{basePage: base, From: "2026-01-01", To: "2026-01-31", Rows: []complianceRow{{FacilityStat: surveil.FacilityStat{Code: "F", Name: "医院", Cards: 3, ReportTimely: 2, Days: 31, ZeroDays: 20, DaysWithCard: 3}, Covered: 23}}, Export: links},
		"sv_specificity": &specificityPage{basePage: base, Eval: eval, Names: map[string]string{"hfmd": "手足口病"}, Export: links},
	}
}

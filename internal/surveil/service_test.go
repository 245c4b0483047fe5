package surveil_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/ingest"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
	"github.com/weijian-health/weijian/internal/surveil"
	"github.com/weijian-health/weijian/internal/tabular"
	"golang.org/x/text/encoding/simplifiedchinese"
)

var ctx = context.Background()

const tree = `code,name,level,parent_code,type
320000000000,江苏省,province,,
320600000000,南通市,city,320000000000,
320685000000,海安市,county,320600000000,
320685001000,城东镇,town,320685000000,
320685001201,东村村,village,320685001000,
320685001202,西村村,village,320685001000,
320685102000,曲塘镇,town,320685000000,
320685102201,南庄村,village,320685102000,
320685000000-ZH01,海安市人民医院,facility,320685000000,county_hospital
320685000000-JK01,海安市疾病预防控制中心,facility,320685000000,cdc
320685102000-WS01,曲塘镇中心卫生院,facility,320685102000,township_hc
`

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

type env struct {
	st  *sqlstore.Store
	sv  *surveil.Service
	clk *clock
	cdc *weijian.User
}

func setup(t *testing.T, fn func(t *testing.T, e *env)) {
	clk := &clock{}
	sqltest.Each(t, sqltest.Options{Now: clk.Now}, func(t *testing.T, st *sqlstore.Store) {
		clk.Set(time.Date(2026, 12, 7, 9, 0, 0, 0, surveil.China))
		tb, err := tabular.Read("t.csv", strings.NewReader(tree))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := ingest.OrgUnits(tb)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.ImportOrgUnits(ctx, weijian.ScopeAll(), rows, weijian.ImportOptions{ValidFrom: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
			t.Fatal(err)
		}
		cdc := &weijian.User{Username: "cdc", DisplayName: "疾控", Active: true, PasswordHash: "x",
			Grants: []weijian.Grant{{Role: weijian.RoleCDCStaff, OrgUnitCode: "320685000000"}}}
		if err := st.CreateUser(ctx, cdc); err != nil {
			t.Fatal(err)
		}
		if cdc, err = st.UserByName(ctx, "cdc"); err != nil {
			t.Fatal(err)
		}
		cat, err := surveil.LoadCatalogue()
		if err != nil {
			t.Fatal(err)
		}
		sv := surveil.New(st, cat, surveil.Config{}, slog.New(slog.NewTextHandler(io.Discard, nil)), clk.Now, nil)
		fn(t, &env{st: st, sv: sv, clk: clk, cdc: cdc})
	})
}

func card(disease string) *surveil.CaseReport {
	return &surveil.CaseReport{Disease: disease, CaseClass: "确诊病例", PatientName: "王小明", Sex: 1,
		BirthDate: period.NewDate(1980, 3, 4), Occupation: "农民", Belongs: "本县区", AddressCode: "320685102201",
		FacilityCode: "320685000000-ZH01", OnsetDate: period.NewDate(2026, 12, 6),
		DiagnosedAt: time.Date(2026, 12, 7, 8, 0, 0, 0, surveil.China)}
}

func issueRules(err error) map[string]string {
	out := map[string]string{}
	for _, is := range weijian.ErrorIssues(err) {
		out[is.Field] += is.Rule + " "
	}
	return out
}

// A cholera card raises a fixed-threshold signal at once; the card shows in
// the counts by onset and report date at county and township level; the
// CDC user gets it in the inbox and takes it through the workflow.
func TestCholeraCardRaisesSignal(t *testing.T) {
	setup(t, func(t *testing.T, e *env) {
		hosp := mustScope(t, e, "320685000000-ZH01")
		r, sigs, err := e.sv.Submit(ctx, hosp, card("cholera"), "hospital")
		if err != nil {
			t.Fatal(err)
		}
		if len(sigs) != 2 || sigs[0].Item != "cholera" || !sigs[0].Fixed || sigs[0].Observed != 1 || sigs[0].AreaID == sigs[1].AreaID {
			t.Fatalf("signals = %+v, want fixed cholera signals for the county and the township", sigs)
		}
		counts, err := e.st.Counts(ctx, "320685", surveil.BasisReport, [][2]period.Date{{period.NewDate(2026, 12, 1), period.NewDate(2026, 12, 31)}})
		if err != nil {
			t.Fatal(err)
		}
		town := unit(t, e, "320685102000")
		county := unit(t, e, "320685000000")
		if counts[surveil.SeriesKey{"cholera", town.ID}][period.NewDate(2026, 12, 7)] != 1 ||
			counts[surveil.SeriesKey{"cholera", county.ID}][period.NewDate(2026, 12, 7)] != 1 {
			t.Errorf("report-date counts = %v", counts)
		}
		onset, _ := e.st.Counts(ctx, "320685", surveil.BasisOnset, [][2]period.Date{{period.NewDate(2026, 12, 1), period.NewDate(2026, 12, 31)}})
		if onset[surveil.SeriesKey{"cholera", county.ID}][period.NewDate(2026, 12, 6)] != 1 {
			t.Errorf("onset counts = %v", onset)
		}
		// The same detection again neither duplicates the signal nor notifies twice.
		again, _, err := e.sv.Detect(ctx, "320685", period.NewDate(2026, 12, 7), true)
		if err != nil || len(again) != 0 {
			t.Fatalf("second detection: %v new signals, err %v", len(again), err)
		}
		inbox, err := e.st.Notifications(ctx, e.cdc.ID, true)
		if err != nil || len(inbox) != 2 { // county and township signals
			t.Fatalf("inbox = %v (%v), want the county and township signals", inbox, err)
		}
		// A second case the same day merges into the signals.
		c2 := card("cholera")
		c2.PatientName, c2.BirthDate = "李四", period.NewDate(1970, 1, 1)
		if _, sigs, err = e.sv.Submit(ctx, hosp, c2, "hospital"); err != nil || len(sigs) != 0 {
			t.Fatalf("second card: %d new signals, err %v", len(sigs), err)
		}
		list, n, err := e.st.Signals(ctx, weijian.ScopeAll(), surveil.SignalFilter{Item: "cholera"})
		if err != nil || n != 2 || list[0].Observed != 2 || list[0].Merged != 1 {
			t.Fatalf("signals after merge: n=%d %+v err %v", n, list, err)
		}
		// Workflow with who and when.
		cdcScope := e.cdc.ScopeFor(weijian.PermSurveillance)
		id := list[0].ID
		if _, err := e.st.ApplySignal(ctx, cdcScope, id, surveil.ActExclude, "cdc", ""); weijian.ErrorKind(err) != weijian.KindConflict {
			t.Errorf("exclude before respond: err = %v, want conflict", err)
		}
		e.clk.Set(e.clk.Now().Add(40 * time.Minute))
		g, err := e.st.ApplySignal(ctx, cdcScope, id, surveil.ActRespond, "cdc", "已电话核实")
		if err != nil || !g.RespondedInTime() || g.ResponseTime() != 40*time.Minute {
			t.Fatalf("respond: %+v %v", g, err)
		}
		if g, err = e.st.ApplySignal(ctx, cdcScope, id, surveil.ActSuspect, "cdc", ""); err != nil || g.Status != surveil.SignalSuspected {
			t.Fatalf("suspect: %+v %v", g, err)
		}
		if _, err = e.st.ApplySignal(ctx, cdcScope, id, surveil.ActResult, "cdc", ""); weijian.ErrorKind(err) != weijian.KindInvalid {
			t.Errorf("empty result: err = %v", err)
		}
		if g, err = e.st.ApplySignal(ctx, cdcScope, id, surveil.ActResult, "cdc", "确认为聚集性疫情，已处置"); err != nil || g.Status != surveil.SignalClosed {
			t.Fatalf("result: %+v %v", g, err)
		}
		ev, err := e.st.SignalEvents(ctx, cdcScope, id)
		if err != nil || len(ev) != 5 || ev[1].Action != "merged" || ev[4].Actor != "cdc" {
			t.Errorf("events = %+v (%v)", ev, err)
		}
		// The hospital sees its cards (by facility), the township centre of the patient's village too (by address).
		town102 := weijian.ScopeOf(town.Path)
		if _, err := e.st.Report(ctx, town102, r.ID); err != nil {
			t.Errorf("township by address: %v", err)
		}
		other := weijian.ScopeOf(unit(t, e, "320685001000").Path)
		if _, err := e.st.Report(ctx, other, r.ID); weijian.ErrorKind(err) != weijian.KindNotFound {
			t.Errorf("another township sees the card: %v", err)
		}
	})
}

func unit(t *testing.T, e *env, code string) *weijian.OrgUnit {
	t.Helper()
	u, err := e.st.OrgUnit(ctx, weijian.ScopeAll(), code)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func mustScope(t *testing.T, e *env, code string) weijian.Scope {
	return weijian.ScopeOf(unit(t, e, code).Path)
}

// Bad cards are refused with the field and rule, and nothing is stored.
func TestCardValidation(t *testing.T) {
	setup(t, func(t *testing.T, e *env) {
		all := weijian.ScopeAll()
		cases := []struct {
			name  string
			edit  func(r *surveil.CaseReport)
			field string
			rule  string
		}{
			{"unknown disease", func(r *surveil.CaseReport) { r.Disease = "flu2" }, "disease", "unknown_disease"},
			{"subtype required", func(r *surveil.CaseReport) { r.Disease = "tb" }, "subtype", "subtype_required"},
			{"unknown subtype", func(r *surveil.CaseReport) { r.Disease, r.Subtype = "tb", "x" }, "subtype", "unknown_subtype"},
			{"onset after diagnosis", func(r *surveil.CaseReport) { r.OnsetDate = period.NewDate(2026, 12, 8) }, "onsetDate", "onset_after_diagnosis"},
			{"diagnosis after report", func(r *surveil.CaseReport) { r.ReportedAt = r.DiagnosedAt.Add(-time.Hour) }, "diagnosedAt", "diagnosis_after_report"},
			{"future", func(r *surveil.CaseReport) {
				r.OnsetDate, r.DiagnosedAt = period.NewDate(2027, 1, 1), time.Date(2027, 1, 2, 0, 0, 0, 0, surveil.China)
				r.ReportedAt = r.DiagnosedAt
			}, "onsetDate", "future_date"},
			{"child without parent", func(r *surveil.CaseReport) { r.BirthDate, r.Occupation = period.NewDate(2020, 1, 1), "散居儿童" }, "parentName", "parent_required"},
			{"child occupation", func(r *surveil.CaseReport) { r.BirthDate, r.ParentName = period.NewDate(2020, 1, 1), "王父" }, "occupation", "child_occupation"},
			{"town address", func(r *surveil.CaseReport) { r.AddressCode = "320685102000" }, "addressCode", "address_village"},
			{"unknown address", func(r *surveil.CaseReport) { r.AddressCode = "320685999999" }, "addressCode", "unknown_address"},
			{"facility outside scope", func(r *surveil.CaseReport) { r.FacilityCode = "nope" }, "facilityCode", "unknown_facility"},
			{"no name", func(r *surveil.CaseReport) { r.PatientName = "" }, "patientName", "required"},
		}
		for _, c := range cases {
			r := card("other_diarrhoea")
			r.ReportedAt = e.clk.Now()
			c.edit(r)
			_, _, err := e.sv.Submit(ctx, all, r, "t")
			if got := issueRules(err)[c.field]; !strings.Contains(got, c.rule+" ") {
				t.Errorf("%s: rules %v (err %v), want %s=%s", c.name, issueRules(err), err, c.field, c.rule)
			}
		}
		if _, n, _ := e.st.ListReports(ctx, all, surveil.ReportFilter{}); n != 0 {
			t.Errorf("%d cards stored after refusals", n)
		}
	})
}

// Corrections and withdrawals keep history and move the counts; a
// withdrawn card cannot be corrected; verification records when and who;
// the same person's second card is flagged, not dropped.
func TestCorrectWithdrawVerifyDuplicate(t *testing.T) {
	setup(t, func(t *testing.T, e *env) {
		all := weijian.ScopeAll()
		r, _, err := e.sv.Submit(ctx, all, card("other_diarrhoea"), "doc")
		if err != nil {
			t.Fatal(err)
		}
		dup, _, err := e.sv.Submit(ctx, all, card("other_diarrhoea"), "doc")
		if err != nil {
			t.Fatal(err)
		}
		if dup.DuplicateOf != r.ID {
			t.Errorf("duplicate_of = %d, want %d", dup.DuplicateOf, r.ID)
		}
		fix := *r
		fix.Disease, fix.Version = "dysentery", 1
		if _, err := e.sv.Correct(ctx, all, &fix, "cdc", "实验室确诊为菌痢"); err != nil {
			t.Fatal(err)
		}
		stale := *r
		stale.Version = 1
		if _, err := e.sv.Correct(ctx, all, &stale, "cdc", "again"); weijian.ErrorKind(err) != weijian.KindConflict {
			t.Errorf("stale correction: %v", err)
		}
		county := unit(t, e, "320685000000")
		c, _ := e.st.Counts(ctx, "320685", surveil.BasisOnset, [][2]period.Date{{period.NewDate(2026, 12, 6), period.NewDate(2026, 12, 6)}})
		if c[surveil.SeriesKey{"dysentery", county.ID}][period.NewDate(2026, 12, 6)] != 1 || c[surveil.SeriesKey{"other_diarrhoea", county.ID}][period.NewDate(2026, 12, 6)] != 1 {
			t.Errorf("counts after correction: %v", c)
		}
		e.clk.Set(e.clk.Now().Add(3 * time.Hour))
		if err := e.st.VerifyReport(ctx, all, r.ID, "cdc"); err != nil {
			t.Fatal(err)
		}
		got, _ := e.st.Report(ctx, all, r.ID)
		if got.VerifiedBy != "cdc" || !got.VerifiedAt.Equal(e.clk.Now()) || !got.VerifyTimely(e.sv.Catalogue()) {
			t.Errorf("verified = %q at %v", got.VerifiedBy, got.VerifiedAt)
		}
		if err := e.st.WithdrawReport(ctx, all, r.ID, "cdc", ""); weijian.ErrorKind(err) != weijian.KindInvalid {
			t.Errorf("withdraw without reason: %v", err)
		}
		if err := e.st.WithdrawReport(ctx, all, r.ID, "cdc", "重卡"); err != nil {
			t.Fatal(err)
		}
		again := *got
		if _, err := e.sv.Correct(ctx, all, &again, "cdc", "x"); weijian.ErrorKind(err) != weijian.KindConflict {
			t.Errorf("correcting a withdrawn card: %v", err)
		}
		c, _ = e.st.Counts(ctx, "320685", surveil.BasisOnset, [][2]period.Date{{period.NewDate(2026, 12, 6), period.NewDate(2026, 12, 6)}})
		if c[surveil.SeriesKey{"dysentery", county.ID}][period.NewDate(2026, 12, 6)] != 0 {
			t.Errorf("withdrawn card still counted: %v", c)
		}
		h, err := e.st.ReportHistory(ctx, all, r.ID)
		if err != nil || len(h) != 4 || h[1].Action != "correct" || h[1].Reason != "实验室确诊为菌痢" || h[3].Action != "withdraw" {
			t.Errorf("history = %+v (%v)", h, err)
		}
	})
}

const nationalHeader2019 = "卡片ID,卡片编号,卡片状态,患者姓名,患儿家长姓名,有效证件号,性别,出生日期,年龄,患者工作单位,联系电话,病人属于,现住地址国标,现住详细地址,人群分类,病例分类,病例分类2,发病日期,诊断时间,死亡日期,疾病名称,订正前病种,填卡医生,医生填卡日期,报告单位地区编码,报告单位,单位类型,报告卡录入时间,录卡用户,录卡用户所属单位,县区审核时间,地市审核时间,省市审核时间,审核状态,订正报告时间,订正终审时间,终审死亡时间,订正用户,订正用户所属单位,删除时间,删除用户,删除用户所属单位,删除原因,备注,实验室结果\n"

func nationalRow(id, name, disease, addr, detail, onset, diag, rep string) string {
	return fmt.Sprintf("'%s,32068500%s,原始卡,%s,.,.,男,1985-05-01,41岁,.,.,本县区,%s,%s,农民,确诊病例,.,%s,%s,.,%s,.,张医生,%s,320685000,海安市人民医院,综合医院,%s,u1,.,%s,.,.,已终审卡,.,.,.,.,.,.,.,.,.,.,.\n",
		id, id, name, addr, detail, onset, diag, disease, onset, rep, rep)
}

func gbk(t *testing.T, s string) []byte {
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The national download is taken as it comes: GBK, blank lines before the
// header, "." for empty, an apostrophe before 卡片ID, minute times, a
// 9-digit address code resolved to the village named in the detailed
// address. A re-sent file changes nothing; a bad row stores nothing.
func TestImportNationalFile(t *testing.T) {
	setup(t, func(t *testing.T, e *env) {
		all := weijian.ScopeAll()
		body := "\n\n" + nationalHeader2019 +
			nationalRow("1001", "张三", "乙肝", "320685102", "曲塘镇南庄村3组", "2026-11-02", "2026-11-03 10:20", "2026-11-03 15:01") +
			nationalRow("1002", "李四", "肺结核（病原学阳性）", "320685", "城东镇西村村", "2026-11-04", "2026-11-05 09:00", "2026-11-06 12:00") +
			nationalRow("1003", "赵五", "其它感染性腹泻病", "32068500", ".", "2026-11-04", "2026-11-05 09:00", "2026-11-05 12:00")
		tb, err := tabular.Read("export.csv", strings.NewReader(string(gbk(t, body))))
		if err != nil {
			t.Fatal(err)
		}
		res, err := e.sv.Import(ctx, all, tb, "cdc", false, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Layout != surveil.Layout2019 || res.Summary.Inserted != 3 || len(res.Ignored) != 0 {
			t.Fatalf("import = %+v", res)
		}
		list, _, _ := e.st.ListReports(ctx, all, surveil.ReportFilter{})
		byCard := map[string]*surveil.CaseReport{}
		for _, r := range list {
			byCard[r.CardID] = r
		}
		if r := byCard["1001"]; r == nil || r.AddressCode != "320685102201" || r.Disease != "hepatitis" || r.Subtype != "b" ||
			r.DiagnosedAt.In(surveil.China).Format("2006-01-02 15:04") != "2026-11-03 10:20" || r.VerifiedAt.IsZero() || r.ReportTimely(e.sv.Catalogue()) != true {
			t.Errorf("card 1001 = %+v", r)
		}
		if r := byCard["1002"]; r == nil || r.AddressCode != "320685001202" || r.Subtype != "pos" || r.ReportTimely(e.sv.Catalogue()) {
			t.Errorf("card 1002 = %+v (27 h late, not timely)", r)
		}
		if r := byCard["1003"]; r == nil || r.AddressCode != "320685000000" || r.TownID != 0 {
			t.Errorf("card 1003 (county-only address) = %+v", r)
		}
		again, err := e.sv.Import(ctx, all, tb, "cdc", false, nil)
		if err != nil || again.Summary.Inserted != 0 || again.Summary.Unchanged != 3 {
			t.Fatalf("re-import = %+v, %v", again, err)
		}
		// One bad row (unknown disease) and one withdrawn-then-corrected card: nothing stored.
		bad := nationalHeader2019 + nationalRow("2001", "钱六", "手足口病", "320685102", ".", "2026-11-04", "2026-11-05 09:00", "2026-11-05 12:00") +
			nationalRow("2002", "孙七", "感冒", "320685102", ".", "2026-11-04", "2026-11-05 09:00", "2026-11-05 12:00") +
			nationalRow("2003", "周八", "手足口病", "320685102", ".", "2026-11-06", "2026-11-05 09:00", "2026-11-05 12:00")
		tb2, _ := tabular.Read("bad.csv", strings.NewReader(bad))
		_, err = e.sv.Import(ctx, all, tb2, "cdc", false, nil)
		is := weijian.ErrorIssues(err)
		if len(is) < 2 || is[0].Row != 3 || is[0].Field != "疾病名称" {
			t.Errorf("bad file issues = %+v (%v)", is, err)
		}
		if _, n, _ := e.st.ListReports(ctx, all, surveil.ReportFilter{}); n != 3 {
			t.Errorf("%d cards after a refused file, want 3", n)
		}
		if err := e.st.WithdrawReport(ctx, all, byCard["1003"].ID, "cdc", "重卡"); err != nil {
			t.Fatal(err)
		}
		changed := nationalHeader2019 + nationalRow("1003", "赵五", "细菌性痢疾", "32068500", ".", "2026-11-04", "2026-11-05 09:00", "2026-11-05 12:00")
		tb3, _ := tabular.Read("c.csv", strings.NewReader(changed))
		if _, err := e.sv.Import(ctx, all, tb3, "cdc", false, nil); len(weijian.ErrorIssues(err)) != 1 || weijian.ErrorIssues(err)[0].Rule != "withdrawn_card" {
			t.Errorf("correcting a withdrawn card by import: %v", err)
		}
		// The 2016 and 2025 layouts are recognised by their columns.
		old := strings.Replace(strings.Replace(nationalHeader2019, "患儿家长姓名,", "", 1), "有效证件号,", "", 1)
		old = strings.Replace(old, "人群分类", "职业", 1)
		tb4, _ := tabular.Read("o.csv", strings.NewReader(old+"'9,1,原始卡,甲,男,1980-01-01,46岁,.,.,本县区,320685102201,.,农民,确诊病例,.,2026-11-04,2026-11-05 09:00,.,手足口病,.,.,.,320685000,海安市人民医院,.,2026-11-05 12:00,.,.,.,.,.,.,.,.,.,.,.,.,.,.,.,.,.\n"))
		if res, err := e.sv.Import(ctx, all, tb4, "cdc", true, nil); err != nil || res.Layout != surveil.Layout2016 {
			t.Errorf("2016 layout: %+v %v", res, err)
		}
	})
}

// Detection with too little history says so instead of alarming; a run
// that overlaps another does nothing; a repeated day adds nothing; new
// signals reach the webhook once, across a restart of the service.
func TestRunDayHistoryLockWebhook(t *testing.T) {
	setup(t, func(t *testing.T, e *env) {
		all := weijian.ScopeAll()
		r := card("other_diarrhoea")
		if _, _, err := e.sv.Submit(ctx, all, r, "doc"); err != nil {
			t.Fatal(err)
		}
		day := period.NewDate(2026, 12, 7)
		sum, err := e.sv.RunDay(ctx, day)
		if err != nil {
			t.Fatal(err)
		}
		if len(sum.Signals) != 0 || len(sum.Skips) == 0 || !strings.Contains(sum.Skips[0].Reason.ZH, "历史数据不足") {
			t.Fatalf("run with one day of history: %d signals, skips %v", len(sum.Signals), sum.Skips)
		}
		// Another process holds the lock: this run does nothing.
		if ok, err := e.st.AcquireLock(ctx, "surveil.detect", "other", time.Hour); !ok || err != nil {
			t.Fatal(ok, err)
		}
		if _, err := e.sv.RunDay(ctx, day); err != surveil.ErrBusy {
			t.Errorf("overlapping run: %v", err)
		}
		e.st.ReleaseLock(ctx, "surveil.detect", "other")

		// Webhook: a cholera signal is posted once, even with a new service (a restart).
		var got atomic.Int32
		var fail atomic.Bool
		fail.Store(true)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if fail.Load() {
				w.WriteHeader(http.StatusBadGateway)
				return
			}
			b, _ := io.ReadAll(r.Body)
			if !strings.Contains(string(b), `"item":"cholera"`) || r.Header.Get("Idempotency-Key") == "" {
				t.Errorf("webhook body %s", b)
			}
			got.Add(1)
		}))
		defer srv.Close()
		cfg := surveil.Config{WebhookURL: srv.URL}
		sv := surveil.New(e.st, e.sv.Catalogue(), cfg, nil, e.clk.Now, surveil.HTTPPoster{Client: srv.Client()})
		if _, sigs, err := sv.Submit(ctx, all, card("cholera"), "doc"); err != nil || len(sigs) != 2 {
			t.Fatal(len(sigs), err)
		}
		if n, err := sv.Deliver(ctx); n != 0 || err != nil {
			t.Fatalf("delivery to a failing receiver: %d %v", n, err)
		}
		fail.Store(false)
		restarted := surveil.New(e.st, e.sv.Catalogue(), cfg, nil, e.clk.Now, surveil.HTTPPoster{Client: srv.Client()})
		if n, err := restarted.Deliver(ctx); n != 2 || err != nil {
			t.Fatalf("delivered %d (%v), want 2", n, err)
		}
		if n, _ := restarted.Deliver(ctx); n != 0 || got.Load() != 2 {
			t.Errorf("re-delivery: %d more, %d received", n, got.Load())
		}
	})
}

// Detection run out of order (a backfill of earlier days after later days
// ran) merges into the overlapping signal that reaches furthest and never
// stores two signals ending on the same day. Before the fix the merge
// picked the newest signal and collided on the unique window end.
func TestOutOfOrderMerge(t *testing.T) {
	setup(t, func(t *testing.T, e *env) {
		area := unit(t, e, "320685000000")
		cand := func(from, to int) surveil.Candidate {
			return surveil.Candidate{CountyCode: "320685", Item: "hfmd", AreaID: area.ID, AreaPath: area.Path, Method: "cidarsMPM",
				Params: "{}", WindowFrom: period.NewDate(2026, 11, from), WindowTo: period.NewDate(2026, 11, to), Observed: 5, Threshold: 2}
		}
		// The daily run made a signal ending on the 20th; a backfill then
		// judges the 10th (new signal, higher id) and the 14th–20th.
		for _, c := range []surveil.Candidate{cand(14, 20), cand(4, 10), cand(8, 14), cand(14, 20)} {
			if _, err := e.st.SaveCandidates(ctx, []surveil.Candidate{c}, surveil.NotifyOptions{}); err != nil {
				t.Fatalf("%v–%v: %v", c.WindowFrom, c.WindowTo, err)
			}
		}
		list, n, err := e.st.Signals(ctx, weijian.ScopeAll(), surveil.SignalFilter{})
		if err != nil || n != 2 {
			t.Fatalf("signals = %d (%v), want 2", n, err)
		}
		ends := map[string]bool{}
		for _, g := range list {
			if ends[g.WindowTo.String()] {
				t.Errorf("two signals end on %s", g.WindowTo)
			}
			ends[g.WindowTo.String()] = true
		}
	})
}

// A backfill (one read, dense arrays) judges every day exactly as the
// daily run (its own read of the few ranges it needs) does.
func TestBackfillEqualsDailyRuns(t *testing.T) {
	setup(t, func(t *testing.T, e *env) {
		county := unit(t, e, "320685000000")
		town := unit(t, e, "320685102000")
		var rows []surveil.CountRow
		first := period.NewDate(2026, 8, 1)
		for i := range 120 {
			d := first.AddDays(i)
			n := 5 + (i*7)%4
			if i >= 100 && i < 104 {
				n += 25 // an outbreak
			}
			if i == 60 {
				continue // a gap
			}
			rows = append(rows, surveil.CountRow{Item: "fever_clinic", AreaID: town.ID, Day: d, N: n},
				surveil.CountRow{Item: "fever_clinic", AreaID: county.ID, Day: d, N: 2 * n})
		}
		if _, err := e.st.SetCounts(ctx, "320685", rows); err != nil {
			t.Fatal(err)
		}
		from, to := first.AddDays(60), first.AddDays(119)
		all, err := e.st.Counts(ctx, "320685", surveil.BasisDay, [][2]period.Date{{first.AddDays(-100), to}})
		if err != nil {
			t.Fatal(err)
		}
		isDay := map[surveil.SeriesKey]bool{}
		for k := range all {
			isDay[k] = true
		}
		dense := surveil.Densify(all, isDay, first.AddDays(-100), to)
		alarms := 0
		for d := from; !d.After(to); d = d.AddDays(1) {
			job, err := e.sv.Job(ctx, "320685", d, false)
			if err != nil {
				t.Fatal(err)
			}
			want, wantSkips := job.Run()
			job.Dense, job.DenseStart = dense, first.AddDays(-100)
			got, gotSkips := job.Run()
			if fmt.Sprint(got) != fmt.Sprint(want) || len(gotSkips) != len(wantSkips) {
				t.Fatalf("%s: dense %v (%d skips), sparse %v (%d skips)", d, got, len(gotSkips), want, len(wantSkips))
			}
			alarms += len(got)
		}
		if alarms == 0 {
			t.Fatal("the injected rise raised no alarm")
		}
		sum, err := e.sv.Backfill(ctx, "320685", from, to, nil)
		if err != nil || len(sum.Signals) == 0 {
			t.Fatalf("backfill: %d signals, %v", len(sum.Signals), err)
		}
	})
}

// Syndromic series: bad rows are refused with row and field, nothing is
// stored; a re-sent file changes nothing.
func TestImportSeries(t *testing.T) {
	setup(t, func(t *testing.T, e *env) {
		all := weijian.ScopeAll()
		read := func(s string) *tabular.Table {
			tb, err := tabular.Read("s.csv", strings.NewReader(s))
			if err != nil {
				t.Fatal(err)
			}
			return tb
		}
		bad := "source,area_code,date,count\nfever_clinic,320685102000,2026-12-01,5\nflu_app,320685102000,2026-12-01,5\n" +
			"fever_clinic,320685102201,2026-12-01,5\nfever_clinic,320685102000,2026-13-01,5\nfever_clinic,320685102000,2026-12-02,-1\n" +
			"fever_clinic,320685102000,2026-12-01,7\nfever_clinic,320685102000,2027-01-01,1\n"
		_, err := e.sv.ImportSeries(ctx, all, read(bad))
		got := map[string]bool{}
		for _, is := range weijian.ErrorIssues(err) {
			got[fmt.Sprintf("%d:%s", is.Row, is.Field)] = true
		}
		for _, want := range []string{"3:source", "4:area_code", "5:date", "6:count", "7:date", "8:date"} {
			if !got[want] {
				t.Errorf("missing issue %s in %v", want, weijian.ErrorIssues(err))
			}
		}
		town := unit(t, e, "320685102000")
		good := "数据源,地区代码,日期,数量\nfever_clinic,320685102000,2026-12-01,5\nschool_absence,320685102000,2026-12-01,12\n"
		for i := range 2 {
			if _, err := e.sv.ImportSeries(ctx, all, read(good)); err != nil {
				t.Fatalf("import %d: %v", i, err)
			}
		}
		c, _ := e.st.Counts(ctx, "320685", surveil.BasisDay, [][2]period.Date{{period.NewDate(2026, 12, 1), period.NewDate(2026, 12, 1)}})
		if c[surveil.SeriesKey{"fever_clinic", town.ID}][period.NewDate(2026, 12, 1)] != 5 || len(c) != 2 {
			t.Errorf("counts = %v", c)
		}
	})
}

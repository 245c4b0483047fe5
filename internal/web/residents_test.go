package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/ident"
	"github.com/weijian-health/weijian/internal/period"
)

func testIDNumber(t *testing.T, seq int) string {
	id, err := ident.GenerateIDNumber("320685", period.Date{Year: 1950, Month: time.March, Day: 4}, seq)
	if err != nil {
		t.Fatal(err)
	}
	return id.String()
}

// A township user registers a resident through the API; everyone sees the
// resident masked; showing the identity needs the permission, and is
// audited with the user's id; a user outside the scope gets a plain 404.
func TestResidentAPIMaskingAndScope(t *testing.T) {
	e := newEnv(t)
	town := e.login(t, "town")
	doc := testIDNumber(t, 11)
	var got residentOut
	st := town.api("POST", "/api/v1/residents", map[string]any{"docNumber": doc, "name": "张三丰", "village": codeZhongba,
		"phone": "13800001234", "address": "3组12号"}, &got)
	if st != http.StatusCreated || got.ID == 0 || !got.Masked || got.Name != "张**" || got.Phone != "138****1234" ||
		got.DocNumber != "320685********0011"[:6]+strings.Repeat("*", 8)+doc[14:] || got.Address != "****" {
		t.Fatalf("register: %d %+v", st, got)
	}
	var again apiErr
	if st := town.api("POST", "/api/v1/residents", map[string]any{"docNumber": doc, "name": "张三丰", "village": codeZhongba}, &again); st != http.StatusConflict {
		t.Errorf("same ID again: %d %+v, want 409", st, again)
	}
	var bad apiErr
	st = town.api("POST", "/api/v1/residents", map[string]any{"docNumber": doc[:17] + "0", "name": "李四", "village": codeZhongba}, &bad)
	if st != http.StatusBadRequest || len(bad.Error.Issues) == 0 || bad.Error.Issues[0].Field != weijian.FieldIDNumber {
		t.Errorf("bad checksum: %d %+v", st, bad)
	}
	var list struct {
		Total     int           `json:"total"`
		Residents []residentOut `json:"residents"`
	}
	if st := town.api("GET", "/api/v1/residents?q=zsf", nil, &list); st != 200 || list.Total != 1 || list.Residents[0].Name != "张**" {
		t.Fatalf("search: %d %+v", st, list)
	}
	var shown residentOut
	if st := town.api("GET", fmt.Sprintf("/api/v1/residents/%d?unmask=1", got.ID), nil, &shown); st != 200 || shown.Masked ||
		shown.Name != "张三丰" || shown.DocNumber != doc || shown.Phone != "13800001234" {
		t.Fatalf("unmask: %d %+v", st, shown)
	}
	log, err := e.store.AuditLog(ctx, weijian.ScopeAll(), weijian.AuditFilter{Action: "resident.unmask"})
	if err != nil || len(log) != 1 || log[0].UserID != e.seed.users["town"] {
		t.Errorf("unmask audit: %+v %v", log, err)
	}
	// The hospital reporter has no resident permission at all.
	rep := e.login(t, "reporter")
	if st := rep.api("GET", fmt.Sprintf("/api/v1/residents/%d", got.ID), nil, nil); st != http.StatusForbidden {
		t.Errorf("reporter: %d, want 403", st)
	}
	// The page shows the person masked, and the timeline after a follow-up.
	var ev eventOut
	st = town.api("POST", fmt.Sprintf("/api/v1/residents/%d/events", got.ID), map[string]any{"programme": "hypertension",
		"stage": "followup", "date": "2024-01-15", "values": map[string]any{"sbp": 150, "dbp": 92}, "sourceId": "S1"}, &ev)
	if st != http.StatusCreated || ev.ID == 0 {
		t.Fatalf("record: %d %+v", st, ev)
	}
	if st := town.api("POST", fmt.Sprintf("/api/v1/residents/%d/events", got.ID), map[string]any{"programme": "hypertension",
		"stage": "followup", "date": "2024-01-15", "sourceId": "S1"}, nil); st != http.StatusConflict {
		t.Errorf("resent event: %d, want 409", st)
	}
	res, body := town.get(fmt.Sprintf("/residents/%d", got.ID))
	wantStatus(t, res, body, 200)
	wantContains(t, body, "张**", "138****1234", "2024-01-15", "sbp 150")
	if strings.Contains(body, "张三丰") || strings.Contains(body, doc) {
		t.Error("the page shows the identity unmasked by default")
	}
	res, body = town.get(fmt.Sprintf("/residents/%d?show=1", got.ID))
	wantStatus(t, res, body, 200)
	wantContains(t, body, "张三丰", doc)
}

// A resident registered in 城东镇 is invisible to 海安镇: 404 with the same
// message as an id that does not exist.
func TestResidentOutsideScope(t *testing.T) {
	e := newEnv(t)
	admin := e.login(t, "admin")
	var got residentOut
	if st := admin.api("POST", "/api/v1/residents", map[string]any{"docNumber": testIDNumber(t, 21), "name": "王五",
		"village": "320685101001"}, &got); st != http.StatusCreated {
		t.Fatalf("register: %d", st)
	}
	town := e.login(t, "town")
	var a, b apiErr
	sa := town.api("GET", fmt.Sprintf("/api/v1/residents/%d", got.ID), nil, &a)
	sb := town.api("GET", "/api/v1/residents/99999999", nil, &b)
	if sa != http.StatusNotFound || sb != http.StatusNotFound || strings.Contains(a.Error.Message, "王") ||
		strings.Replace(a.Error.Message, fmt.Sprint(got.ID), "X", 1) != strings.Replace(b.Error.Message, "99999999", "X", 1) {
		t.Errorf("outside scope: %d %q; missing: %d %q", sa, a.Error.Message, sb, b.Error.Message)
	}
}

func all() weijian.Scope { return weijian.ScopeAll() }

func personFilter(q string) weijian.PersonFilter { return weijian.PersonFilter{Query: q} }

// The village of a search and the unit of a work list may be typed as a
// name — exact, or the beginning of one (中坝社区 for 中坝社区居委会) — as
// well as a code; one that matches nothing, or several, is said on the
// page above the form, with what to type, not on an error page.
func TestResidentUnitByName(t *testing.T) {
	e := newEnv(t)
	town := e.login(t, "town")
	if st := town.api("POST", "/api/v1/residents", map[string]any{"docNumber": testIDNumber(t, 21), "name": "张三丰",
		"village": codeZhongba}, nil); st != http.StatusCreated {
		t.Fatalf("register: %d", st)
	}
	for _, v := range []string{codeZhongba, "中坝社区居委会", "中坝社区"} {
		res, body := town.get("/residents?village=" + url.QueryEscape(v))
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "张**", "中坝社区居委会")
		res, body = town.get("/worklists?list=hypertension_quarter&unit=" + url.QueryEscape(v))
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, `data-count="0"`)
	}
	// Nobody found is said of residents (it said 没有符合条件的单位, of units).
	res, body := town.get("/residents?q=zzzz")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, `data-testid="resident-none">没有符合条件的居民`)
	res, body = town.get("/residents?village=" + url.QueryEscape("无此村"))
	wantStatus(t, res, body, http.StatusUnprocessableEntity)
	wantContains(t, body, `class="flash error"`, "未找到“无此村”", "请输入村（居）委会或乡镇的名称，或12位区划代码", `value="无此村"`)
	res, body = town.get("/worklists?list=hypertension_quarter&unit=" + url.QueryEscape("无此村"))
	wantStatus(t, res, body, http.StatusUnprocessableEntity)
	wantContains(t, body, `class="flash error"`, "未找到“无此村”", `value="无此村"`, "高血压患者本季度未随访")
	if strings.Contains(body, `data-testid="work-count"`) {
		t.Error("a unit not found still shows an empty list under the message")
	}
	// 海安镇's villages whose names begin with 中: several, listed with their codes.
	res, body = town.get("/residents?village=" + url.QueryEscape("中"))
	wantStatus(t, res, body, http.StatusUnprocessableEntity)
	wantContains(t, body, "可指多个单位：", "中坝社区居委会（"+codeZhongba+"）", "请输入其中一个的代码")
}

package web

import (
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/tabular"
)

// Exports page through every matching unit, however many pages; the home
// page counts facilities by type without a cap.
func TestExportsAndCountsAreComplete(t *testing.T) {
	e := newEnv(t)
	defer func(n int) { exportPageSize = n }(exportPageSize)
	exportPageSize = 3

	var rows []weijian.OrgUnitRow
	for i := range 5 {
		rows = append(rows, weijian.OrgUnitRow{Code: fmt.Sprintf("320685100000-FW%02d", i+10), Name: fmt.Sprintf("海安镇第%d服务站", i+1),
			Level: weijian.LevelFacility, ParentCode: codeHaianZhen, FacilityType: "community_station"})
	}
	opt := weijian.ImportOptions{ValidFrom: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC), Actor: "test"}
	if _, err := e.store.ImportOrgUnits(ctx, weijian.ScopeAll(), rows, opt); err != nil {
		t.Fatal(err)
	}
	c := e.login(t, "admin")
	for query, want := range map[string]int{"level=facility": 9, "level=village": e.seed.villages,
		"level=facility&under=" + codeHaianZhen: 7, "level=facility&type=cdc": 1} {
		res, body := c.get("/orgunits/export?format=csv&" + query)
		wantStatus(t, res, body, http.StatusOK)
		tb, err := tabular.Read("x.csv", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, r := range tb.Rows {
			seen[r.Get(0)] = true
		}
		if len(tb.Rows) != want || len(seen) != want {
			t.Errorf("export %s: %d rows, %d codes, want %d", query, len(tb.Rows), len(seen), want)
		}
	}
	res, body := c.get("/")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, `level=facility&amp;type=community_station&amp;under=`+codeHaian+`">社区卫生服务站</a></td><td>6</td>`,
		`<tfoot><tr><th>合计</th><th>9</th>`)
}

// Times are shown in China Standard Time, whatever the server's zone.
func TestTimesInChinaStandardTime(t *testing.T) {
	at := time.Date(2024, 3, 1, 16, 5, 0, 0, time.UTC)
	for _, in := range []time.Time{at, at.In(time.FixedZone("EST", -5*3600)), at.Local()} {
		if got := formatDateTime(in); got != "2024-03-02 00:05" {
			t.Errorf("formatDateTime(%v) = %q", in, got)
		}
	}
	if got := formatDateTime(time.Time{}); got != "" {
		t.Errorf("zero time: %q", got)
	}

	e := newEnv(t)
	if err := e.store.Audit(ctx, weijian.AuditEntry{At: at, Actor: "tzcheck", Action: "login", IP: "192.0.2.1"}); err != nil {
		t.Fatal(err)
	}
	c := e.login(t, "admin")
	res, body := c.get("/audit?q=tzcheck")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "2024-03-02 00:05")
	res, body = c.get("/audit/export?format=csv&q=tzcheck")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "2024-03-02 00:05")
	// 20:00 UTC on New Year's Eve is already New Year's Day in China.
	e.srv.now = func() time.Time { return time.Date(2024, 12, 31, 20, 0, 0, 0, time.UTC) }
	res, body = c.get("/users/export")
	wantStatus(t, res, body, http.StatusOK)
	if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, "20250101") {
		t.Errorf("export file name %q, want the date in China", cd)
	}
}

// The audit page says when it shows only the newest entries; the export
// holds more of them.
func TestAuditTruncationNotice(t *testing.T) {
	e := newEnv(t)
	c := e.login(t, "admin")
	res, body := c.get("/audit")
	wantStatus(t, res, body, http.StatusOK)
	if strings.Contains(body, `data-testid="audit-truncated"`) {
		t.Errorf("a short audit log says it is truncated")
	}
	for i := range auditShown + 5 {
		if err := e.store.Audit(ctx, weijian.AuditEntry{Actor: "bulk", Action: "login", IP: fmt.Sprint("192.0.2.", i%250)}); err != nil {
			t.Fatal(err)
		}
	}
	res, body = c.get("/audit?q=bulk")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, `data-testid="audit-truncated">本页显示最新的 1000 条`)
	older := regexp.MustCompile(`href="(/audit\?[^"]+)" data-testid="audit-older"`).FindStringSubmatch(body)
	if older == nil {
		t.Fatal("no link to the older entries")
	}
	res, body = c.get(html.UnescapeString(older[1]))
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "共 5 条")
	// The export reads the whole log, page by page (here 7 entries a page).
	defer func(n int) { auditExportPage = n }(auditExportPage)
	auditExportPage = 7
	res, body = c.get("/audit/export?format=csv&q=bulk")
	wantStatus(t, res, body, http.StatusOK)
	tb, err := tabular.Read("audit.csv", strings.NewReader(body))
	if err != nil || len(tb.Rows) != auditShown+5 {
		t.Errorf("audit export: %v, %d rows, want %d", err, len(tb.Rows), auditShown+5)
	}
}

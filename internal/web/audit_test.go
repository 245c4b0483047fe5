package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/weijian-health/weijian/internal/tabular"
)

// The county administrator's audit page names people, roles and units,
// shows failed logins against its users and the imports of its county,
// and exports the same (issue 12 item 13).
func TestAuditPageReadable(t *testing.T) {
	e := newEnv(t)
	h := e.login(t, "hadmin")
	in := map[string]any{"username": "zhangdf", "displayName": "张德福",
		"grants": []map[string]string{{"role": "village_doctor", "orgUnit": codeZhongba}}}
	if st := h.api("POST", "/api/v1/users", in, nil); st != http.StatusCreated {
		t.Fatalf("create: %d", st)
	}
	stranger := e.client(t)
	res, _ := stranger.post("/login", url.Values{"username": {"town"}, "password": {"guess-guess-1"}})
	wantStatus(t, res, "", http.StatusUnauthorized)

	res, body := h.get("/audit")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "村医（中坝社区居委会）", "张德福（zhangdf）", "海安管理员（hadmin）", // a creation, by name
		"<td>登录失败</td><td>海安镇卫生院（town）</td>", // a failed login against its user
		"<td>导入人口</td>", "行数 ") // the seed's imports
	if strings.Contains(body, "village_doctor@") {
		t.Errorf("the audit page shows raw grants")
	}
	res, body = h.get("/audit/export?format=csv")
	wantStatus(t, res, body, http.StatusOK)
	tb, err := tabular.Read("audit.csv", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, row := range tb.Rows {
		found = found || (row.Get(2) == "创建用户" && row.Get(4) == "村医（中坝社区居委会）")
	}
	if !found {
		t.Errorf("the export lacks the readable creation:\n%s", body)
	}
}

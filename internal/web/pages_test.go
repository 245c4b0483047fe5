package web

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/weijian-health/weijian/internal/tabular"
)

func TestHomePage(t *testing.T) {
	e := newEnv(t)
	c := e.login(t, "admin")
	res, body := c.get("/")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "海安市", "2024年", formatInt(e.seed.total2024), "乡镇（街道）", ">11<", ">239<",
		"疾病预防控制中心", "data-option=", "即将上线", "传染病监测预警", "用户管理")
	res, body = c.get("/?year=2023")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "2023年")
}

func TestOrgUnitPages(t *testing.T) {
	e := newEnv(t)
	c := e.login(t, "admin")
	res, body := c.get("/orgunits")
	wantStatus(t, res, body, http.StatusOK)
	// The tree is open down to the county, whose towns are listed; the
	// towns load their villages when opened.
	wantContains(t, body, "江苏省", "南通市", "曲塘镇", `hx-get="/orgunits/`+codeHaianZhen+`/tree"`)

	res, body = c.get("/orgunits?q=haz")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "海安镇")
	res, body = c.get("/orgunits?level=facility&type=cdc")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "海安市疾病预防控制中心", "第 1–1 条，共 1 条")

	res, body = c.get("/orgunits/" + codeHaianZhen + "/tree")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "中坝社区居委会", "海安镇卫生院")
	if strings.Contains(body, "<html") {
		t.Errorf("the tree fragment is a whole page")
	}

	res, body = c.get("/orgunits/" + codeHaianZhen)
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "海安市</a>", "320685100000", "haz", "2021-01-01", "中坝社区居委会", "人口金字塔",
		"数据核对：本单位登记人口 "+formatInt(e.seed.haianZhen)+" 与下级单位合计 "+formatInt(e.seed.haianBelow))
	res, body = c.get("/orgunits/" + codeHaianZhen + "?q=zbs")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "中坝社区居委会", ">1 / 59<")

	res, body = c.get("/population?unit=海安镇&year=2023")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "2023年", "85岁及以上", "各下级单位人口")
	res, body = c.get("/population?unit=nowhere")
	wantStatus(t, res, body, http.StatusNotFound)
	wantContains(t, body, "未找到")
}

func TestExports(t *testing.T) {
	e := newEnv(t)
	c := e.login(t, "admin")
	for path, want := range map[string][]string{
		"/orgunits/" + codeHaian + "/children/export?format=xlsx": {"代码", "名称", "级别", "上级代码", "机构类型", "统一社会信用代码", "启用日期", "上级名称", "下级数", "常住人口"},
		"/orgunits/export?level=town":                             {"代码", "名称", "级别", "上级代码", "机构类型"},
		"/population/export?unit=" + codeHaianZhen:                {"代码", "名称", "年份", "性别", "年龄组", "人数"},
		"/users/export": {"用户名", "姓名", "电话", "角色与范围", "状态"},
		"/audit/export": {"时间", "操作人", "操作"},
	} {
		res, body := c.get(path)
		wantStatus(t, res, body, http.StatusOK)
		if ct := res.Header.Get("Content-Type"); !strings.Contains(ct, "spreadsheetml") {
			t.Errorf("%s: Content-Type %q", path, ct)
		}
		if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, ".xlsx") {
			t.Errorf("%s: Content-Disposition %q", path, cd)
		}
		tb, err := tabular.Read("export.xlsx", bytes.NewReader([]byte(body)))
		if err != nil {
			t.Fatalf("%s: not a readable XLSX: %v", path, err)
		}
		for i, h := range want {
			if i >= len(tb.Header) || tb.Header[i] != h {
				t.Errorf("%s: header %v, want %v", path, tb.Header, want)
				break
			}
		}
	}
	res, body := c.get("/orgunits/" + codeHaian + "/children/export?format=xlsx&level=town")
	wantStatus(t, res, body, http.StatusOK)
	tb, _ := tabular.Read("x.xlsx", strings.NewReader(body))
	if len(tb.Rows) != 11 || tb.Rows[0].Get(1) != "海安镇" || tb.Rows[0].Get(9) != formatIntPlain(e.seed.haianZhen) || tb.Rows[0].Get(3) != codeHaian {
		t.Errorf("towns export: %d rows, first %v", len(tb.Rows), tb.Rows[0].Cells)
	}
	res, body = c.get("/orgunits/export?level=town&format=csv")
	wantStatus(t, res, body, http.StatusOK)
	tb, err := tabular.Read("x.csv", strings.NewReader(body))
	if err != nil || !strings.HasPrefix(body, "\xef\xbb\xbf") || len(tb.Rows) != 11 || tb.Header[0] != "代码" {
		t.Errorf("CSV export: %v %+v", err, tb)
	}
	res, body = c.get("/orgunits/export?format=pdf")
	wantStatus(t, res, body, http.StatusBadRequest)
}

func formatIntPlain(n int64) string { return strings.ReplaceAll(formatInt(n), ",", "") }

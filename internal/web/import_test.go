package web

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/weijian-health/weijian"
)

// uploadImport posts a file to the import preview as a browser form does.
func (c *client) uploadImport(kind, name string, data []byte) (*http.Response, string) {
	c.t.Helper()
	return c.upload("/import/preview", name, data, url.Values{"kind": {kind}})
}

var hashField = regexp.MustCompile(`name="hash" value="([0-9a-f]{64})"`)

// The web import checks the upload, lists every problem by row, field and
// rule, writes nothing until confirmed, and then applies exactly the
// previewed file in one transaction (issue 12, item 9).
func TestWebImportOrgUnits(t *testing.T) {
	e := newEnv(t)
	c := e.login(t, "admin")
	res, body := c.get("/import")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "上传并检查", `value="orgunits"`, `value="population"`)

	// Two problems, one of each kind: both listed; nothing written.
	bad := "code,name,level,parent_code\n" +
		"320685100901,新村甲,village,320685100000\n" +
		"320685100902,新村乙,village,999999999999\n" +
		"320685100903,新村丙,hamlet,320685100000\n"
	res, body = c.uploadImport("orgunits", "bad.csv", []byte(bad))
	wantStatus(t, res, body, http.StatusUnprocessableEntity)
	wantContains(t, body, `data-testid="import-problems"`, "<td class=\"r\">3</td>", "parent_code", "999999999999",
		"<td class=\"r\">4</td>", "hamlet", "未写入任何数据")
	if strings.Contains(body, "import-confirm") {
		t.Error("a file with problems offers the confirm")
	}
	if _, err := e.store.OrgUnit(ctx, weijian.ScopeAll(), "320685100901"); weijian.ErrorKind(err) != weijian.KindNotFound {
		t.Errorf("the good row of a bad file was written: %v", err)
	}

	// A good file: the preview counts, writes nothing; the confirm imports.
	good := "code,name,level,parent_code\n320685100901,新村甲,village,320685100000\n320685100902,新村乙,village,320685100000\n"
	res, body = c.uploadImport("orgunits", "good.csv", []byte(good))
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, `data-testid="import-preview"`, "good.csv", "<td>2</td>", "确认导入")
	m := hashField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no hash in the preview:\n%.2000s", body)
	}
	if _, err := e.store.OrgUnit(ctx, weijian.ScopeAll(), "320685100901"); weijian.ErrorKind(err) != weijian.KindNotFound {
		t.Errorf("the preview wrote: %v", err)
	}
	// Another user cannot confirm this upload, nor can a made-up hash.
	for _, try := range []struct {
		c    *client
		hash string
	}{{e.login(t, "hadmin"), m[1]}, {c, strings.Repeat("0", 64)}} {
		res, body = try.c.post("/import/confirm", url.Values{"hash": {try.hash}})
		wantStatus(t, res, body, http.StatusNotFound)
		wantContains(t, body, "请重新上传")
	}
	res, body = c.post("/import/confirm", url.Values{"hash": {m[1]}})
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, `data-testid="import-done"`, "已导入 good.csv")
	u, err := e.store.OrgUnit(ctx, weijian.ScopeAll(), "320685100902")
	if err != nil || u.Name != "新村乙" {
		t.Fatalf("after the confirm: %+v %v", u, err)
	}
	// The confirm is used up: sending it again does not import twice.
	res, body = c.post("/import/confirm", url.Values{"hash": {m[1]}})
	wantStatus(t, res, body, http.StatusNotFound)
}

// Population through the web import, a too-large file, and the roles that
// may not import (issue 12, item 9).
func TestWebImportPopulationAndLimits(t *testing.T) {
	e := newEnv(t)
	c := e.login(t, "hadmin")
	pop := "unit_code,year,sex,age,count\n" + codeZhongba + ",2030,1,total,700\n" + codeZhongba + ",2030,2,total,650\n"
	res, body := c.uploadImport("population", "pop.csv", []byte(pop))
	wantStatus(t, res, body, http.StatusOK)
	m := hashField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no preview:\n%.2000s", body)
	}
	res, body = c.post("/import/confirm", url.Values{"hash": {m[1]}})
	wantStatus(t, res, body, http.StatusOK)
	p, err := e.store.Population(ctx, weijian.ScopeAll(), weijian.PopulationQuery{UnitCode: codeZhongba, Year: 2030})
	if err != nil || p.Total != 1350 {
		t.Errorf("imported population: %+v %v", p, err)
	}

	big := bytes.Repeat([]byte("x"), uploadMax+1)
	res, body = c.uploadImport("population", "big.csv", big)
	wantStatus(t, res, body, http.StatusBadRequest)
	wantContains(t, body, "文件太大", "20 MB")

	town := e.login(t, "town") // targets.edit only: the import offers targets alone
	res, body = town.get("/import")
	wantStatus(t, res, body, http.StatusOK)
	if !strings.Contains(body, `value="targets"`) || strings.Contains(body, `value="population"`) {
		t.Errorf("a township user's import page offers other kinds than targets:\n%.2000s", body)
	}
	res, body = town.uploadImport("population", "pop.csv", []byte(pop))
	wantStatus(t, res, body, http.StatusForbidden)
}

package web

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/weijian-health/weijian/internal/tabular"
)

// uploadResidents streams a file to the resident import page.
func (c *client) uploadResidents(kind, name string, body io.Reader, validOnly bool) (*http.Response, string) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		mw.WriteField("kind", kind)
		if validOnly {
			mw.WriteField("valid_only", "1")
		}
		fw, _ := mw.CreateFormFile("file", name)
		io.Copy(fw, body)
		mw.Close()
		pw.Close()
	}()
	req, _ := http.NewRequest("POST", c.base+"/residents/import", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

// The import page: a valid CSV goes in and a re-sent one is recognised;
// a bad row stops the file and is reported at its row; a truncated XLSX
// and a 200 MB upload are refused with a reason.
func TestResidentImportPage(t *testing.T) {
	e := newEnv(t)
	town := e.login(t, "town")
	good, bad := testIDNumber(t, 61), testIDNumber(t, 63)
	bad = bad[:17] + map[bool]string{true: "0", false: "1"}[bad[17] != '0']
	csv := "身份证号,姓名,性别,现住址,联系电话,来源编号\n" + good + ",孙一,1," + codeZhongba + ",13900000001,A1\n"
	res, body := town.uploadResidents("persons", "p.csv", strings.NewReader(csv), false)
	wantStatus(t, res, body, 200)
	wantContains(t, body, "共 1 行：新增 1，已存在 0，拒绝 0")
	res, body = town.uploadResidents("persons", "p.csv", strings.NewReader(csv), false)
	wantContains(t, body, "共 1 行：新增 0，已存在 1，拒绝 0")
	res, body = town.uploadResidents("persons", "p.csv", strings.NewReader(csv+bad+",孙二,1,"+codeZhongba+",,A2\n"), false)
	wantStatus(t, res, body, 200)
	wantContains(t, body, "未写入任何数据", "<td>3</td>", "checksum")

	var x bytes.Buffer
	if err := tabular.WriteXLSX(&x, "s", []string{"身份证号", "姓名"}, [][]any{{good, "孙一"}}); err != nil {
		t.Fatal(err)
	}
	res, body = town.uploadResidents("persons", "p.xlsx", bytes.NewReader(x.Bytes()[:x.Len()/2]), false)
	wantContains(t, body, "无法读取文件")

	huge := io.MultiReader(strings.NewReader("身份证号,姓名,现住址\n"), io.LimitReader(zeros{}, 200<<20))
	res, body = town.uploadResidents("persons", "big.csv", huge, false)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "100MB") {
		t.Errorf("200 MB upload: %d %.300s", res.StatusCode, body)
	}
	if n, _, _ := e.store.SearchPersons(ctx, all(), personFilter("孙")); len(n) != 1 {
		t.Errorf("after the imports %d residents named 孙, want 1", len(n))
	}
	_ = fmt.Sprint
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '0'
	}
	return len(p), nil
}

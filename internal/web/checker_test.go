package web

import (
	"archive/zip"
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/weijian-health/weijian/internal/tabular"
	"golang.org/x/text/encoding/simplifiedchinese"
)

const inconsistent = "上半年，我市辖区产妇数1462人，产前筛查1401人，筛查率96.83%。\n新生儿先心病筛查任务数4380人，已完成筛查4497人，完成率102.6%。"

// upload posts a multipart form with a file (and the other fields).
func (c *client) upload(path, name string, content []byte, fields url.Values) (*http.Response, string) {
	c.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.base+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func TestCheckerPage(t *testing.T) {
	e := newEnv(t)
	// Every logged-in user may check a report; a visitor is sent to log in.
	if res, _ := e.client(t).get("/check"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous GET /check: %d, want a redirect to the login page", res.StatusCode)
	}
	c := e.login(t, "town")
	res, body := c.get("/check")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, `action="/check"`, `enctype="multipart/form-data"`, "报告数字核查", `href="/check" class="active"`)

	// Pasted text: the inconsistent rate is marked as an error in place,
	// with the fix; the truncated one as a note.
	res, body = c.post("/check", url.Values{"text": {inconsistent}})
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, `<mark class="sev-error" data-tip="1. 筛查率与所述人数不符：写为 96.83%，而 1401/1462 = 95.8276%" aria-label="1. 筛查率与所述人数不符：写为 96.83%，而 1401/1462 = 95.8276%" id="m1">96.83%</mark>`,
		`<mark class="sev-note"`, ">102.6%</mark>", "改为 95.83%", "可写作 102.67%", `id="f1"`, `href="#m1"`,
		"错误 1", "提示 1", "未与系统实时指标值比对")

	// Every figure says what the checker made of it; a consistent rate
	// says it was verified, and with which counts.
	res, body = c.post("/check", url.Values{"text": {"产妇数1462人，产前筛查1401人，筛查率95.83%。"}})
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, `<span class="fig" data-tip="比率 · %：已核对 1401/1462 = 95.8276%">95.83%</span>`,
		`<span class="fig" data-tip="数量 · 人">1462人</span>`, "未发现问题")

	// The list filter keeps the marks but lists one severity.
	res, body = c.post("/check", url.Values{"text": {inconsistent}, "sev": {"note"}})
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "显示 1 条问题", "可写作 102.67%", `class="sev-error"`)
	if strings.Contains(body, "改为 95.83%") {
		t.Error("the note filter lists an error")
	}

	// Uploads: a GBK text file and a DOCX.
	gbk, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(inconsistent))
	res, body = c.upload("/check", "总结.txt", gbk, nil)
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "总结.txt", "编码 GBK", ">96.83%</mark>")
	res, body = c.upload("/check", "总结.docx", docxOf(t, strings.Split(inconsistent, "\n")...), nil)
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "编码 DOCX", ">96.83%</mark>")
}

func TestCheckerBadInput(t *testing.T) {
	e := newEnv(t)
	c := e.login(t, "town")
	for _, tc := range []struct {
		name    string
		file    string
		content []byte
		want    string
	}{
		{"docx that is not a zip", "a.docx", []byte("not a zip at all"), "不是有效的 DOCX"},
		{"empty file", "a.txt", nil, "文件为空"},
		{"binary junk", "a.bin", []byte("\x00\x01\x02\x03\xff\xfe junk \x00"), "不是文本"},
		{"over the limit", "big.txt", bytes.Repeat([]byte("报告"), 21<<20/6), "文件过大"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := c.upload("/check", tc.file, tc.content, nil)
			wantStatus(t, res, body, http.StatusBadRequest)
			wantContains(t, body, `role="alert"`, tc.want)
		})
	}
	res, body := c.post("/check", url.Values{"text": {"  "}})
	wantStatus(t, res, body, http.StatusBadRequest)
	wantContains(t, body, "请粘贴报告文字或上传文件")
}

func TestCheckerExport(t *testing.T) {
	e := newEnv(t)
	c := e.login(t, "town")
	res, body := c.post("/check/export?format=xlsx", url.Values{"text": {inconsistent}})
	wantStatus(t, res, body, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); !strings.Contains(ct, "spreadsheetml") {
		t.Fatalf("content type %q", ct)
	}
	tb, err := tabular.Read("check.xlsx", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(tb.Rows) != 2 || tb.Header[0] != "序号" || tb.Rows[0].Get(1) != "错误" || tb.Rows[0].Get(2) != "1" ||
		tb.Rows[0].Get(6) != "96.83%" || tb.Rows[0].Get(8) != "改为 95.83%" || tb.Rows[1].Get(5) != "rate.truncated" {
		t.Errorf("export: %v %+v", tb.Header, tb.Rows)
	}
	res, body = c.post("/check/export?format=csv", url.Values{"text": {inconsistent}})
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "rate.mismatch", "改为 95.83%")
}

// docxOf builds a minimal DOCX with one paragraph per line.
func docxOf(t *testing.T, paras ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("word/document.xml")
	var x strings.Builder
	x.WriteString(`<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	for _, p := range paras {
		x.WriteString("<w:p><w:r><w:t>" + p + "</w:t></w:r></w:p>")
	}
	x.WriteString("</w:body></w:document>")
	w.Write([]byte(x.String()))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestCheckerAPI(t *testing.T) {
	e := newEnv(t)
	c := e.login(t, "town")
	var got struct {
		Live     bool           `json:"live"`
		Summary  map[string]int `json:"summary"`
		Findings []struct {
			Rule, Severity, Quote, Message, Fix string
			Line, Column, Offset                int
		} `json:"findings"`
	}
	if st := c.api("POST", "/api/v1/check?lang=en", map[string]string{"text": inconsistent}, &got); st != http.StatusOK {
		t.Fatalf("status %d", st)
	}
	if got.Live || got.Summary["errors"] != 1 || got.Summary["notes"] != 1 || len(got.Findings) != 2 {
		t.Fatalf("%+v", got)
	}
	f := got.Findings[0]
	if f.Rule != "rate.mismatch" || f.Severity != "error" || f.Line != 1 || f.Column != 31 ||
		f.Offset != strings.Index(inconsistent, "96.83%") || f.Fix != "write 95.83%" || !strings.HasPrefix(f.Message, "筛查率 does not match") {
		t.Errorf("finding %+v", f)
	}
	var e400 apiErr
	if st := c.api("POST", "/api/v1/check", map[string]string{"text": ""}, &e400); st != http.StatusBadRequest || e400.Error.Kind != "invalid" {
		t.Errorf("empty text: %d %+v", st, e400)
	}
	if st := e.client(t).api("POST", "/api/v1/check", map[string]string{"text": inconsistent}, nil); st != http.StatusUnauthorized {
		t.Errorf("anonymous: %d", st)
	}
}

// A 100 MB upload is refused after reading the first 20 MB, with a clear
// message; the body is generated as it is read, and the request goes to
// the handler directly (a real client may see the connection close
// before it has sent everything).
func TestChecker100MBUpload(t *testing.T) {
	e := newEnv(t)
	c := e.login(t, "town")
	u, _ := url.Parse(e.ts.URL)
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	var sent int64
	go func() {
		fw, _ := mw.CreateFormFile("file", "huge.txt")
		chunk := bytes.Repeat([]byte("完成率100%。"), 1<<16)
		for sent < 100<<20 {
			n, err := fw.Write(chunk)
			sent += int64(n)
			if err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		mw.Close()
		pw.Close()
	}()
	req := httptest.NewRequest(http.MethodPost, "/check", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for _, ck := range c.c.Jar.Cookies(u) {
		req.AddCookie(ck)
	}
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	pr.CloseWithError(io.ErrClosedPipe) // stop the writer
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "文件过大") {
		t.Errorf("100 MB upload: %d\n%.500s", rec.Code, rec.Body.String())
	}
}

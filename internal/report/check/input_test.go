package check

import (
	"archive/zip"
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/weijian-health/weijian"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func docx(t *testing.T, body string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body + `</w:body></w:document>`))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestDecode(t *testing.T) {
	text := "任务数4380人，已完成筛查4497人，完成率102.6%。"
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	doc := docx(t, `<w:p><w:r><w:t>任务数4380人，</w:t></w:r><w:r><w:t xml:space="preserve">已完成筛查4497人，完成率102.6%。</w:t></w:r></w:p><w:p><w:r><w:t>第二段</w:t></w:r></w:p>`)
	for _, tc := range []struct {
		name, file string
		in         []byte
		text, enc  string
	}{
		{"utf-8", "a.txt", []byte(text), text, "UTF-8"},
		{"utf-8 with BOM and CRLF", "a.md", []byte("\ufeff" + text + "\r\n第二行"), text + "\n第二行", "UTF-8"},
		{"gbk", "a.txt", gbk, text, "GBK"},
		{"utf-16", "a.txt", []byte{0xFF, 0xFE, 0x7E, 0x76, '\n', 0}, "百\n", "UTF-16"},
		{"docx", "report.docx", doc, text + "\n第二段", "DOCX"},
		{"docx by signature", "upload", doc, text + "\n第二段", "DOCX"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, err := Decode(tc.in, tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if in.Text != tc.text || in.Encoding != tc.enc {
				t.Errorf("got %q (%s), want %q (%s)", in.Text, in.Encoding, tc.text, tc.enc)
			}
		})
	}
}

func TestDecodeBadInput(t *testing.T) {
	junk := make([]byte, 4096)
	for i := range junk {
		junk[i] = byte(i*7919 + i>>3)
	}
	big := bytes.Repeat([]byte("报告"), MaxInput/6+1)
	for _, tc := range []struct {
		name, file string
		in         []byte
		want       string // part of the Chinese message
	}{
		{"empty", "a.txt", nil, "文件为空"},
		{"blank", "a.txt", []byte(" \n\t\r\n"), "文件为空"},
		{"docx that is not a zip", "report.docx", []byte("这不是一个压缩包"), "不是有效的 DOCX"},
		{"docx without a body", "report.docx", func() []byte {
			var b bytes.Buffer
			zw := zip.NewWriter(&b)
			zw.Create("word/styles.xml")
			zw.Close()
			return b.Bytes()
		}(), "缺少正文"},
		{"docx with broken xml", "report.docx", docx(t, `<w:p><w:t>半截`), "不是有效的 XML"},
		{"old word", "report.doc", []byte{0xD0, 0xCF, 0x11, 0xE0, 1, 2, 3}, "旧版 Word"},
		{"binary junk", "a.txt", junk, "不是文本"},
		{"nul bytes", "a.txt", []byte("完成率\x00\x00\x00100%"), "不是文本"},
		{"too large", "a.txt", big, "文件过大"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, err := Decode(tc.in, tc.file)
			if err == nil {
				t.Fatalf("no error; decoded %d characters as %s", len(in.Text), in.Encoding)
			}
			if weijian.ErrorKind(err) != weijian.KindInvalid || !strings.Contains(weijian.ErrorMessage(err, "zh"), tc.want) {
				t.Errorf("error %v (kind %v), want an invalid-input error saying %q", err, weijian.ErrorKind(err), tc.want)
			}
			if weijian.ErrorMessage(err, "en") == weijian.ErrorMessage(err, "zh") {
				t.Errorf("no English message: %v", err)
			}
		})
	}
	if err := TooLarge(100 << 20); !errors.Is(err, ErrTooLarge) || !strings.Contains(weijian.ErrorMessage(err, "zh"), "100.0 MB") {
		t.Errorf("TooLarge(100 MB) = %v", err)
	}
}

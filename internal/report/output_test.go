package report

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Every indicator figure of the HTML links to the records behind it and
// carries its analytics query.
func TestHTMLLinksEveryFigure(t *testing.T) {
	d, _ := renderBuiltin(t, "half_year_summary", "2024H1")
	h := d.HTML()
	for _, want := range []string{
		`<a class="fig" data-fig="`,
		`href="/dashboard?asOf=2024-06-30&amp;ind=htn_standard_rate&amp;unit=320621"`,
		`data-api="/api/v1/analytics?asOf=2024-06-30&amp;ind=htn_standard_rate&amp;ou=320621&amp;pe=2024"`,
		`href="/dashboard?asOf=2024-06-30&amp;ind=htn_standard_rate&amp;unit=320621001"`,
		`data-records="/dashboard/persons?asOf=2024-06-30&amp;ind=htn_standard_rate&amp;side=num&amp;unit=320621"`,
		`<table class="report-table">`, `<caption>表1 2024年上半年各单位高血压患者规范管理情况</caption>`,
		`<summary>数据来源（分析查询）</summary>`,
	} {
		if !strings.Contains(h, want) {
			t.Errorf("the HTML lacks %s", want)
		}
	}
	anchors := strings.Count(h, `<a class="fig"`)
	linked := 0
	for _, f := range d.Figures {
		if f.Indicator != "" {
			linked++
		}
	}
	if anchors != linked || linked < 40 {
		t.Errorf("%d figure links for %d indicator figures", anchors, linked)
	}
	if strings.Contains(h, "\uE000") || strings.Contains(h, "<script") {
		t.Error("markers or script in the HTML")
	}
}

func TestXLSXAppendix(t *testing.T) {
	d, _ := renderBuiltin(t, "annual_summary", "2024")
	var b bytes.Buffer
	if err := d.WriteXLSX(&b); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	sheets := x.GetSheetList()
	if len(sheets) != len(d.Tables())+1 || sheets[len(sheets)-1] != "数字来源" {
		t.Fatalf("sheets %v for %d tables", sheets, len(d.Tables()))
	}
	if !strings.HasPrefix(sheets[1], "表2 2024年各单位高血压患者规范管理情况") {
		t.Errorf("second sheet %q", sheets[1])
	}
	rows, _ := x.GetRows(sheets[1])
	if len(rows) != 5 || rows[0][0] != "单位" || rows[4][0] != "海安市" {
		t.Fatalf("rows of %s: %v", sheets[1], rows)
	}
	typ, _ := x.GetCellType(sheets[1], "B5")
	if v, _ := x.GetCellValue(sheets[1], "B5"); v != "4497" || typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("B5 = %q (%v): want the number 4497", v, typ)
	}
}

// docxText reads the document part of a DOCX and checks it is well-formed
// XML.
func docxText(t *testing.T, b []byte) string {
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var doc string
	for _, f := range z.File {
		r, _ := f.Open()
		body, _ := io.ReadAll(r)
		r.Close()
		dec := xml.NewDecoder(bytes.NewReader(body))
		for {
			if _, err := dec.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("%s is not well-formed XML: %v", f.Name, err)
			}
		}
		if f.Name == "word/document.xml" {
			doc = string(body)
		}
	}
	return doc
}

func TestDOCXParts(t *testing.T) {
	d, _ := renderBuiltin(t, "half_year_summary", "2024H1")
	var b bytes.Buffer
	if err := d.WriteDOCX(&b); err != nil {
		t.Fatal(err)
	}
	doc := docxText(t, b.Bytes())
	for _, want := range []string{`<w:pStyle w:val="Title"/>`, `<w:pStyle w:val="Heading1"/>`, `<w:pStyle w:val="Heading2"/>`,
		`<w:tbl>`, `w:w="11906" w:h="16838"`, "完成10082人，任务数20000人，完成率50.41%"} {
		if !strings.Contains(doc, want) {
			t.Errorf("document.xml lacks %s", want)
		}
	}
}

// The DOCX opens in LibreOffice: converted to PDF it has the pages, the
// headings and the figures. Set WEIJIAN_REQUIRE_SOFFICE=1 (scripts/check
// does) to fail instead of skipping where soffice is missing. The PDF and
// a PNG of page 1 are kept in $WEIJIAN_REPORT_OUT when it is set.
func TestDOCXConvertsWithLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("WEIJIAN_REQUIRE_SOFFICE") != "" {
			t.Fatal("soffice (LibreOffice) is required: apt-get install libreoffice-writer-nogui poppler-utils")
		}
		t.Skip("soffice not installed (apt-get install libreoffice-writer-nogui poppler-utils)")
	}
	dir := t.TempDir()
	d, _ := renderBuiltin(t, "half_year_summary", "2024H1")
	var b bytes.Buffer
	if err := d.WriteDOCX(&b); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "summary.docx")
	if err := os.WriteFile(in, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(soffice, "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--convert-to", "pdf", "--outdir", dir, in)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	pdf := filepath.Join(dir, "summary.pdf")
	info := pdfInfo(t, pdf)
	pages, _ := strconv.Atoi(regexp.MustCompile(`Pages:\s+(\d+)`).FindStringSubmatch(info)[1])
	if pages < 3 || pages > 8 {
		t.Errorf("%d pages, want 3–8 for the half-year summary", pages)
	}
	if !strings.Contains(info, "595.") || !strings.Contains(info, "841.") {
		t.Errorf("the page is not A4:\n%s", info)
	}
	text := runTool(t, "pdftotext", "-layout", pdf, "-")
	flat := strings.Join(strings.Fields(text), "")
	for _, want := range []string{"海安市2024年上半年卫生健康工作总结", "一、上半年工作开展情况", "（二）慢性病患者健康管理持续加强",
		"二、存在问题", "完成10082人，任务数20000人，完成率50.41%", "截至2024年6月30日", "城东镇", "—1—"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the PDF text lacks %s", want)
		}
	}
	if out := os.Getenv("WEIJIAN_REPORT_OUT"); out != "" {
		_ = os.MkdirAll(out, 0o755)
		runTool(t, "pdftoppm", "-png", "-r", "60", pdf, filepath.Join(out, "half-year"))
		_ = os.WriteFile(filepath.Join(out, "half-year.pdf"), mustRead(t, pdf), 0o644)
		_ = os.WriteFile(filepath.Join(out, "half-year.docx"), b.Bytes(), 0o644)
	}
}

func pdfInfo(t *testing.T, pdf string) string { return runTool(t, "pdfinfo", pdf) }

func runTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("%s is missing (apt-get install poppler-utils)", name)
	}
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return string(out)
}

func mustRead(t *testing.T, path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

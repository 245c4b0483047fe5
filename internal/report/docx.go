package report

import (
	"archive/zip"
	"encoding/xml"
	"io"
	"strings"
	"time"
)

// WriteDOCX writes the report as a Word document in the layout of Chinese
// government documents (GB/T 9704): A4 with margins 37/35/28/26 mm; the
// title in 宋体 二号 bold, centred; first-level headings (一、) in 黑体,
// second-level ones (（一）) in 楷体, third-level in bold 仿宋; body text in
// 仿宋_GB2312 三号 (falling back to 仿宋), 28 pt lines, indented two
// characters; tables with borders in 宋体; page numbers "— 1 —" in the
// footer. The numbering of sections is the text's own (一、（一）1.), as
// such documents write it. It is plain WordprocessingML that Word, WPS and
// LibreOffice open.
func (d *Document) WriteDOCX(w io.Writer) error {
	z := zip.NewWriter(w)
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", contentTypes},
		{"_rels/.rels", rootRels},
		{"docProps/core.xml", coreXML(d.Title, time.Now().UTC())},
		{"docProps/app.xml", appXML},
		{"word/_rels/document.xml.rels", docRels},
		{"word/styles.xml", stylesXML},
		{"word/settings.xml", settingsXML},
		{"word/fontTable.xml", fontTableXML},
		{"word/footer1.xml", footerXML},
		{"word/document.xml", d.documentXML()},
	}
	for _, p := range parts {
		f, err := z.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			return err
		}
		if _, err := io.WriteString(f, p.body); err != nil {
			return err
		}
	}
	return z.Close()
}

func (d *Document) documentXML() string {
	var b strings.Builder
	b.WriteString(xml.Header + `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>`)
	for i := range d.Blocks {
		bl := &d.Blocks[i]
		switch bl.Kind {
		case Heading:
			style := [...]string{"Title", "Title", "Heading1", "Heading2", "Heading3"}[min(bl.Level, 4)]
			para(&b, style, plain(bl.Text))
		case Table:
			docxTable(&b, bl)
		default:
			para(&b, "", plain(bl.Text))
		}
	}
	b.WriteString(`<w:sectPr><w:footerReference w:type="default" r:id="rIdFooter1"/>` +
		`<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/>` +
		`<w:docGrid w:type="lines" w:linePitch="579"/></w:sectPr></w:body></w:document>`)
	return b.String()
}

// para writes one paragraph of style (empty: the body style).
func para(b *strings.Builder, style, text string) {
	b.WriteString("<w:p>")
	if style != "" {
		b.WriteString(`<w:pPr><w:pStyle w:val="` + style + `"/></w:pPr>`)
	}
	if text != "" {
		b.WriteString(`<w:r><w:t xml:space="preserve">` + xmlText(text) + `</w:t></w:r>`)
	}
	b.WriteString("</w:p>")
}

func docxTable(b *strings.Builder, bl *Block) {
	if bl.Caption != "" {
		para(b, "Caption", bl.Caption)
	}
	b.WriteString(`<w:tbl><w:tblPr><w:tblStyle w:val="ReportTable"/><w:tblW w:w="5000" w:type="pct"/><w:jc w:val="center"/></w:tblPr><w:tblGrid>`)
	for range bl.Head {
		b.WriteString(`<w:gridCol/>`)
	}
	b.WriteString(`</w:tblGrid>`)
	row := func(cells [][]Inline, head bool) {
		b.WriteString("<w:tr>")
		if head {
			b.WriteString(`<w:trPr><w:tblHeader/></w:trPr>`)
		}
		for _, c := range cells {
			b.WriteString(`<w:tc><w:tcPr><w:vAlign w:val="center"/></w:tcPr>`)
			style := "TableText"
			if head {
				style = "TableHead"
			}
			para(b, style, plain(c))
			b.WriteString("</w:tc>")
		}
		b.WriteString("</w:tr>")
	}
	row(bl.Head, true)
	for _, r := range bl.Rows {
		row(r, false)
	}
	b.WriteString("</w:tbl>")
	para(b, "TableText", "")
}

// xmlText escapes s for XML, dropping the characters XML 1.0 forbids.
func xmlText(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r != 0xFFFE && r != 0xFFFF) {
			return r
		}
		return -1
	}, s)
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func coreXML(title string, t time.Time) string {
	return xml.Header + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:title>` + xmlText(title) + `</dc:title><dc:creator>Weijian</dc:creator>` +
		`<dcterms:created xsi:type="dcterms:W3CDTF">` + t.Format(time.RFC3339) + `</dcterms:created></cp:coreProperties>`
}

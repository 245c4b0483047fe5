package report

import (
	"fmt"
	"html"
	"io"
	"strconv"
	"strings"
)

// WriteMarkdown writes the report as Markdown (figures as plain text).
func (d *Document) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	for i, bl := range d.Blocks {
		if i > 0 {
			b.WriteString("\n")
		}
		switch bl.Kind {
		case Heading:
			b.WriteString(strings.Repeat("#", bl.Level) + " " + plain(bl.Text) + "\n")
		case Item:
			b.WriteString("- " + plain(bl.Text) + "\n")
		case Table:
			if bl.Caption != "" {
				b.WriteString(bl.Caption + "\n\n")
			}
			var head []string
			for _, c := range bl.Head {
				head = append(head, plain(c))
			}
			var rows [][]string
			for _, r := range bl.Rows {
				var row []string
				for _, c := range r {
					row = append(row, plain(c))
				}
				rows = append(rows, row)
			}
			b.WriteString(strings.TrimSpace(mdTable(head, rows)) + "\n")
		default:
			b.WriteString(plain(bl.Text) + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// HTML returns the report as an HTML fragment (an <article>) in which
// every figure links to the records behind it (the indicator page for the
// unit and period) and carries its analytics query (data-api, and the
// sources list at the end).
func (d *Document) HTML() string {
	var b strings.Builder
	b.WriteString(`<article class="report" data-testid="report-preview">` + "\n")
	for _, bl := range d.Blocks {
		switch bl.Kind {
		case Heading:
			tag := "h" + string(rune('0'+min(bl.Level+1, 6)))
			b.WriteString("<" + tag + ">" + htmlInline(bl.Text) + "</" + tag + ">\n")
		case Item:
			b.WriteString("<p class=\"item\">" + htmlInline(bl.Text) + "</p>\n")
		case Table:
			htmlTable(&b, &bl)
		default:
			b.WriteString("<p>" + htmlInline(bl.Text) + "</p>\n")
		}
	}
	htmlSources(&b, d.Figures)
	b.WriteString("</article>\n")
	return b.String()
}

func htmlTable(b *strings.Builder, bl *Block) {
	b.WriteString("<table class=\"report-table\">\n")
	if bl.Caption != "" {
		b.WriteString("<caption>" + html.EscapeString(bl.Caption) + "</caption>\n")
	}
	b.WriteString("<thead><tr>")
	for _, c := range bl.Head {
		b.WriteString("<th>" + htmlInline(c) + "</th>")
	}
	b.WriteString("</tr></thead>\n<tbody>\n")
	for _, r := range bl.Rows {
		b.WriteString("<tr>")
		for _, c := range r {
			b.WriteString("<td>" + htmlInline(c) + "</td>")
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody>\n</table>\n")
}

func htmlInline(in []Inline) string {
	var b strings.Builder
	for _, x := range in {
		f := x.Fig
		switch {
		case f == nil:
			b.WriteString(html.EscapeString(x.Text))
		case f.Indicator == "":
			b.WriteString(`<span class="fig" data-fig="` + strconv.Itoa(f.ID) + `">` + html.EscapeString(x.Text) + `</span>`)
		default:
			title := f.Indicator + " · " + f.OrgUnit + " · " + f.Period
			if f.Note != "" {
				title += " · " + f.Note
			}
			b.WriteString(`<a class="fig" data-fig="` + strconv.Itoa(f.ID) + `" href="` + html.EscapeString(f.DrillURL()) + `" data-api="` +
				html.EscapeString(f.APIURL()) + `"`)
			if rec := f.RecordsURL(); rec != "" {
				b.WriteString(` data-records="` + html.EscapeString(rec) + `"`)
			}
			b.WriteString(` title="` + html.EscapeString(title) + `">` + html.EscapeString(x.Text) + `</a>`)
		}
	}
	return b.String()
}

// htmlSources lists the analytics query of every indicator figure.
func htmlSources(b *strings.Builder, figs []*Figure) {
	seen := map[string]bool{}
	var items []string
	for _, f := range figs {
		u := f.APIURL()
		if u == "" || seen[u] {
			continue
		}
		seen[u] = true
		item := `<li><a href="` + html.EscapeString(u) + `">` + html.EscapeString(f.Indicator+" · "+f.OrgUnit+" · "+f.Period) + `</a>`
		if rec := f.RecordsURL(); rec != "" {
			item += ` · <a href="` + html.EscapeString(rec) + `">明细</a>`
		}
		items = append(items, item+`</li>`)
	}
	if len(items) == 0 {
		return
	}
	b.WriteString("<details class=\"report-sources\"><summary>数据来源（分析查询）</summary>\n<ul>\n" + strings.Join(items, "\n") + "\n</ul>\n</details>\n")
}

// Formats are the outputs a report is written in, by file extension.
var Formats = []string{"md", "html", "docx", "xlsx"}

// KnownFormat tells whether format is one of Formats.
func KnownFormat(format string) bool {
	for _, f := range Formats {
		if f == format {
			return true
		}
	}
	return false
}

// Write writes the report in format (md, html, docx or xlsx). HTML is a
// whole page around the fragment HTML returns.
func (d *Document) Write(w io.Writer, format string) error {
	switch format {
	case "md":
		return d.WriteMarkdown(w)
	case "docx":
		return d.WriteDOCX(w)
	case "xlsx":
		return d.WriteXLSX(w)
	case "html":
		_, err := io.WriteString(w, "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>"+html.EscapeString(d.Title)+
			"</title><style>body{max-width:46em;margin:2em auto;font-family:serif;line-height:1.8}table{border-collapse:collapse}td,th{border:1px solid #888;padding:.2em .5em}a.fig{color:inherit;text-decoration:underline dotted}</style></head><body>\n"+
			d.HTML()+"</body></html>\n")
		return err
	}
	return fmt.Errorf("unknown report format %q", format)
}

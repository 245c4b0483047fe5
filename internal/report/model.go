package report

import (
	"net/url"
	"strings"
)

// Document is a rendered report: the blocks of its text, with every live
// figure kept apart so each output can link it (HTML), number it (XLSX)
// or print it plainly (Markdown, DOCX).
type Document struct {
	Title    string // the first level-1 heading
	Template string // template name
	OrgUnit  string // org unit code
	OUName   string
	Period   string // period id
	AsOf     string // YYYY-MM-DD
	Blocks   []Block
	Figures  []*Figure
}

// BlockKind is the kind of a block of text.
type BlockKind uint8

// The blocks a report is made of.
const (
	Para    BlockKind = iota
	Heading           // Level 1 (the title) to 4
	Table
	Item // a list item ("- " in Markdown)
)

// Block is one paragraph, heading, list item or table.
type Block struct {
	Kind    BlockKind
	Level   int      // of a heading
	Text    []Inline // of a paragraph, heading or item
	Caption string   // of a table
	Head    [][]Inline
	Rows    [][][]Inline
}

// Inline is a run of text, either plain or one live figure.
type Inline struct {
	Text string
	Fig  *Figure // nil for plain text
}

// Figure is one live figure printed in a report: what it shows and the
// query it came from.
type Figure struct {
	ID        int
	Indicator string
	OrgUnit   string
	Period    string
	AsOf      string
	Kind      string   // value, numerator, denominator, target, completion, pace, yoy, mom, count
	Raw       *float64 // the number behind it, for the spreadsheet
	Text      string
	Note      string // the tooltip: counts, why no data
	Persons   bool   // the indicator counts persons of a programme: the records open
}

// APIURL is the analytics query that answers the figure.
func (f *Figure) APIURL() string {
	if f.Indicator == "" {
		return ""
	}
	q := url.Values{}
	q.Set("ind", f.Indicator)
	q.Set("ou", f.OrgUnit)
	q.Set("pe", f.Period)
	if f.AsOf != "" {
		q.Set("asOf", f.AsOf)
	}
	return "/api/v1/analytics?" + q.Encode()
}

// DrillURL is the dashboard of the figure's unit focused on its
// indicator, from which the units below and the records behind it open
// (the dashboard counts the year to the as-of date).
func (f *Figure) DrillURL() string {
	if f.Indicator == "" {
		return ""
	}
	q := url.Values{"unit": {f.OrgUnit}, "ind": {f.Indicator}}
	if f.AsOf != "" {
		q.Set("asOf", f.AsOf)
	}
	return "/dashboard?" + q.Encode()
}

// RecordsURL lists the persons counted in the figure's numerator, for an
// indicator that counts persons of a programme; "" otherwise.
func (f *Figure) RecordsURL() string {
	if !f.Persons {
		return ""
	}
	q := url.Values{"unit": {f.OrgUnit}, "ind": {f.Indicator}, "side": {"num"}}
	if f.AsOf != "" {
		q.Set("asOf", f.AsOf)
	}
	return "/dashboard/persons?" + q.Encode()
}

// plain joins the text of inlines.
func plain(in []Inline) string {
	var b strings.Builder
	for _, x := range in {
		b.WriteString(x.Text)
	}
	return b.String()
}

// Tables returns the tables of the document.
func (d *Document) Tables() []*Block {
	var out []*Block
	for i := range d.Blocks {
		if d.Blocks[i].Kind == Table {
			out = append(out, &d.Blocks[i])
		}
	}
	return out
}

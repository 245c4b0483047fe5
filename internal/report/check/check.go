// Package check is the report checker (报告数字核查): it finds every figure
// in a work summary written by hand — counts with units, rates, 截至 dates,
// 同比/环比 changes, targets — and checks them against each other: a stated
// rate against the counts stated beside it (with the rounding and the
// truncation Chinese reports use), parts against their total, rates above
// 100% where that is impossible, leftover placeholders, malformed dates,
// duplicated paragraphs and mixed traditional and simplified characters.
//
// The checker needs nothing but text. Comparing a stated figure with the
// live value of its indicator needs a Resolver (live.go); none exists until
// the indicator engine does, and the checker then says so instead of
// pretending to have compared.
package check

import (
	"context"
	"sort"

	"github.com/weijian-health/weijian"
)

// Severity grades a finding.
type Severity int

const (
	Note    Severity = iota // worth knowing, not wrong (a truncated rate, a converted text)
	Warning                 // probably wrong; a person should look
	Error                   // wrong: a figure contradicts the text or the calendar
)

var severityNames = [...]string{"note", "warning", "error"}

func (s Severity) String() string { return severityNames[s] }

// Label is the severity in lang ("zh" or "en").
func (s Severity) Label(lang string) string {
	return [...]weijian.Text{
		weijian.T("提示", "note"), weijian.T("警告", "warning"), weijian.T("错误", "error"),
	}[s].In(lang)
}

// MarshalText writes the severity by name in JSON.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Position is a place in the checked text: 1-based line and column (the
// column counts characters, not bytes) and the 0-based byte offset in the
// text as decoded to UTF-8. For a DOCX, a line is a paragraph of the
// document.
type Position struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Offset int `json:"offset"`
}

// Finding is one problem (or remark) about the text.
type Finding struct {
	Rule     string       `json:"rule"`
	Severity Severity     `json:"severity"`
	Pos      Position     `json:"position"`
	End      Position     `json:"end"`   // just after the span the finding is about
	Quote    string       `json:"quote"` // the text of the span, as written
	Msg      weijian.Text `json:"message"`
	Fix      weijian.Text `json:"fix"` // the suggested correction; empty when there is none to suggest

	start, end int // rune indexes in the text, for sorting and highlighting
}

// Span returns the rune range [start, end) of the finding in Result.Text.
func (f Finding) Span() (start, end int) { return f.start, f.end }

// Result is what Check returns.
type Result struct {
	Text      string    `json:"-"` // the text checked, as decoded (before any conversion)
	Encoding  string    `json:"encoding,omitempty"`
	Converted bool      `json:"converted"` // traditional characters were converted to simplified for checking
	Live      bool      `json:"live"`      // figures were compared with live values through a Resolver
	Figures   []Figure  `json:"figures"`
	Findings  []Finding `json:"findings"`
}

// Count returns the number of findings of severity s.
func (r *Result) Count(s Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// Options tune a check.
type Options struct {
	// Resolver, if not nil, gives live values of indicators; each stated
	// rate that names an indicator is compared with it.
	Resolver Resolver
	// OrgUnit and Period are what the report is about, for the Resolver;
	// when empty, Period is taken from the text (its first 截至 date or
	// the year in its title).
	OrgUnit, Period string
}

// Checker checks texts. It holds the traditional→simplified converter,
// which is costly to build: make one and reuse it (it is safe for
// concurrent use).
type Checker struct {
	conv *converter
}

// New returns a Checker.
func New() (*Checker, error) {
	c, err := newConverter()
	if err != nil {
		return nil, err
	}
	return &Checker{conv: c}, nil
}

// Check checks text and returns its figures and findings, sorted by
// position. It fails only when the Resolver fails or ctx ends.
func (c *Checker) Check(ctx context.Context, text string, opt Options) (*Result, error) {
	d := c.newDoc(text)
	res := &Result{Text: text, Converted: d.converted}
	res.Figures = extract(d)
	var fs []Finding
	fs = append(fs, d.scriptFindings()...)
	fs = append(fs, placeholders(d)...)
	fs = append(fs, dateFindings(d, res.Figures)...)
	fs = append(fs, duplicates(d)...)
	fs = append(fs, rateFindings(d, res.Figures)...)
	fs = append(fs, totalFindings(d, res.Figures)...)
	if opt.Resolver != nil {
		live, err := liveFindings(ctx, d, res.Figures, opt)
		if err != nil {
			return nil, err
		}
		fs = append(fs, live...)
		res.Live = true
	}
	for i := range fs {
		fs[i].Pos, fs[i].End = d.pos(fs[i].start), d.pos(fs[i].end)
		fs[i].Quote = string(d.orig[fs[i].start:fs[i].end])
	}
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].start != fs[j].start {
			return fs[i].start < fs[j].start
		}
		return fs[i].Severity > fs[j].Severity
	})
	res.Findings = fs
	return res, nil
}

// finding builds a finding over runes [start, end) of the text.
func finding(rule string, sev Severity, start, end int, msg, fix weijian.Text) Finding {
	return Finding{Rule: rule, Severity: sev, Msg: msg, Fix: fix, start: start, end: end}
}

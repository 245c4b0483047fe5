package report

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// A figure is carried through the template's text output between private
// use characters: figOpen ID figMid TEXT figClose. Parsing the output
// takes them out again into Inline.Fig.
const (
	figOpen  = '\uE000'
	figMid   = '\uE001'
	figClose = '\uE002'
)

// mark wraps a figure's text in its markers.
func mark(f *Figure) string {
	return string(figOpen) + strconv.Itoa(f.ID) + string(figMid) + f.Text + string(figClose)
}

// parseMarkdown reads the subset of Markdown that templates write —
// headings (# to ####), paragraphs (lines joined), "- " items, pipe tables
// (a caption is a short paragraph starting with 表 just before) and
// <!-- comments --> (dropped) — into blocks.
func parseMarkdown(src string, figs []*Figure) []Block {
	p := &mdParser{figs: figs}
	inComment := false
	for _, line := range strings.Split(src, "\n") {
		t := strings.TrimSpace(line)
		if inComment || strings.HasPrefix(t, "<!--") {
			inComment = !strings.Contains(t, "-->")
			continue
		}
		p.line(t)
	}
	p.flush()
	return p.blocks
}

type mdParser struct {
	figs   []*Figure
	blocks []Block
	para   []string
	table  []string
}

func (p *mdParser) line(t string) {
	switch {
	case t == "":
		p.flush()
	case strings.HasPrefix(t, "|"):
		if len(p.para) > 0 {
			p.flushPara()
		}
		p.table = append(p.table, t)
	case headingLevel(t) > 0:
		p.flush()
		n := headingLevel(t)
		p.blocks = append(p.blocks, Block{Kind: Heading, Level: n, Text: p.inline(strings.TrimSpace(t[n:]))})
	case strings.HasPrefix(t, "- "):
		p.flush()
		p.blocks = append(p.blocks, Block{Kind: Item, Text: p.inline(strings.TrimSpace(t[2:]))})
	default:
		if len(p.table) > 0 {
			p.flushTable()
		}
		p.para = append(p.para, t)
	}
}

func headingLevel(t string) int {
	n := 0
	for n < len(t) && t[n] == '#' {
		n++
	}
	if n == 0 || n > 4 || n >= len(t) || t[n] != ' ' {
		return 0
	}
	return n
}

func (p *mdParser) flush() {
	p.flushPara()
	p.flushTable()
}

func (p *mdParser) flushPara() {
	if len(p.para) == 0 {
		return
	}
	p.blocks = append(p.blocks, Block{Kind: Para, Text: p.inline(joinLines(p.para))})
	p.para = nil
}

// joinLines joins the lines of a paragraph: with nothing between Chinese
// text, with a space between two Latin words.
func joinLines(lines []string) string {
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			prev, _ := utf8.DecodeLastRuneInString(lines[i-1])
			next, _ := utf8.DecodeRuneInString(l)
			if prev < 0x2E80 && next < 0x2E80 {
				b.WriteByte(' ')
			}
		}
		b.WriteString(l)
	}
	return b.String()
}

func (p *mdParser) flushTable() {
	if len(p.table) == 0 {
		return
	}
	b := Block{Kind: Table}
	if n := len(p.blocks); n > 0 && p.blocks[n-1].Kind == Para {
		if c := plain(p.blocks[n-1].Text); strings.HasPrefix(c, "表") && utf8.RuneCountInString(c) <= 60 {
			b.Caption = c
			p.blocks = p.blocks[:n-1]
		}
	}
	for i, row := range p.table {
		if i == 1 && isSeparator(row) {
			continue
		}
		cells := p.cells(row)
		if i == 0 {
			b.Head = append(b.Head, cells...)
		} else {
			b.Rows = append(b.Rows, cells)
		}
	}
	p.blocks = append(p.blocks, b)
	p.table = nil
}

func isSeparator(row string) bool {
	return strings.Trim(row, "|-: ") == "" && strings.Contains(row, "-")
}

func (p *mdParser) cells(row string) [][]Inline {
	row = strings.TrimSuffix(strings.TrimPrefix(row, "|"), "|")
	var out [][]Inline
	for _, c := range strings.Split(row, "|") {
		out = append(out, p.inline(strings.TrimSpace(c)))
	}
	return out
}

// inline splits text into plain runs and figures.
func (p *mdParser) inline(s string) []Inline {
	var out []Inline
	for s != "" {
		i := strings.IndexRune(s, figOpen)
		if i < 0 {
			out = append(out, Inline{Text: s})
			break
		}
		if i > 0 {
			out = append(out, Inline{Text: s[:i]})
		}
		s = s[i+len(string(figOpen)):]
		m := strings.IndexRune(s, figMid)
		e := strings.IndexRune(s, figClose)
		if m < 0 || e < m {
			out = append(out, Inline{Text: s}) // a broken marker: keep the text
			break
		}
		id, err := strconv.Atoi(s[:m])
		text := s[m+len(string(figMid)) : e]
		if err == nil && id >= 0 && id < len(p.figs) {
			out = append(out, Inline{Text: text, Fig: p.figs[id]})
		} else {
			out = append(out, Inline{Text: text})
		}
		s = s[e+len(string(figClose)):]
	}
	return out
}

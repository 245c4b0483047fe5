package check

import (
	"sort"
	"unicode/utf8"
)

// doc is a text prepared for checking: its runes as written (orig) and
// converted to simplified characters (text, same length, so that a rune
// index is a position in both), with line, paragraph and sentence bounds.
type doc struct {
	orig, text []rune
	byteOff    []int  // byteOff[i] is the byte offset of rune i in the original (len+1 entries)
	lineStart  []int  // rune index where each line starts
	sentEnd    []int  // sorted rune indexes just after each sentence end
	converted  bool   // some characters were converted
	trad       []int  // rune indexes of traditional characters (converted)
	simpOnly   []int  // rune indexes of characters that exist only in simplified form
	tradForm   []rune // the traditional form of each of simpOnly
}

func (c *Checker) newDoc(s string) *doc {
	d := &doc{orig: []rune(s)}
	d.byteOff = make([]int, 0, len(d.orig)+1)
	off := 0
	for _, r := range d.orig {
		d.byteOff = append(d.byteOff, off)
		off += utf8.RuneLen(r)
	}
	d.byteOff = append(d.byteOff, off)
	d.text, d.trad, d.simpOnly, d.tradForm = c.conv.toSimplified(d.orig)
	d.converted = len(d.trad) > 0
	d.lineStart = []int{0}
	for i, r := range d.orig {
		if r == '\n' {
			d.lineStart = append(d.lineStart, i+1)
		}
		if isSentenceEnd(r) {
			d.sentEnd = append(d.sentEnd, i+1)
		}
	}
	d.sentEnd = append(d.sentEnd, len(d.orig))
	return d
}

func isSentenceEnd(r rune) bool {
	switch r {
	case '。', '！', '？', '；', ';', '!', '?', '\n':
		return true
	}
	return false
}

func isClauseEnd(r rune) bool {
	switch r {
	case '，', ',', '、', '：', ':':
		return true
	}
	return isSentenceEnd(r)
}

// pos converts a rune index to a Position.
func (d *doc) pos(i int) Position {
	line := sort.Search(len(d.lineStart), func(k int) bool { return d.lineStart[k] > i }) - 1
	return Position{Line: line + 1, Column: i - d.lineStart[line] + 1, Offset: d.byteOff[i]}
}

// line returns the 0-based line of rune index i.
func (d *doc) line(i int) int {
	return sort.Search(len(d.lineStart), func(k int) bool { return d.lineStart[k] > i }) - 1
}

// lineBounds returns the rune range of line l (without its newline).
func (d *doc) lineBounds(l int) (int, int) {
	end := len(d.orig)
	if l+1 < len(d.lineStart) {
		end = d.lineStart[l+1] - 1
	}
	return d.lineStart[l], end
}

// sentence returns the rune range of the sentence holding rune index i.
func (d *doc) sentence(i int) (int, int) {
	k := sort.Search(len(d.sentEnd), func(k int) bool { return d.sentEnd[k] > i })
	start := 0
	if k > 0 {
		start = d.sentEnd[k-1]
	}
	end := len(d.orig)
	if k < len(d.sentEnd) {
		end = d.sentEnd[k]
	}
	return start, end
}

// maxContext bounds how far back a rule looks within a sentence: real
// sentences are far shorter, and a text without sentence ends must not
// make the rules quadratic.
const maxContext = 300

// sentenceStart is the start of the sentence holding i, at most
// maxContext runes back.
func (d *doc) sentenceStart(i int) int {
	s, _ := d.sentence(i)
	return max(s, i-maxContext)
}

// str returns the converted text of runes [a, b), clamped.
func (d *doc) str(a, b int) string {
	a, b = max(a, 0), min(b, len(d.text))
	if a >= b {
		return ""
	}
	return string(d.text[a:b])
}

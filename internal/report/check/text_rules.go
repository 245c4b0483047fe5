package check

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/weijian-health/weijian"
)

// placeholders finds template leftovers: xxxx, XX, ××, x月x日, x人, 某某.
func placeholders(d *doc) []Finding {
	var out []Finding
	t := d.text
	for i := 0; i < len(t); i++ {
		if !isPlaceholderRune(t[i]) || i > 0 && isLatin(t[i-1]) && !isPlaceholderRune(t[i-1]) {
			continue
		}
		j := i
		for j < len(t) && isPlaceholderRune(t[j]) {
			j++
		}
		if j < len(t) && isLatin(t[j]) {
			i = j
			continue // part of a word (xlsx, Excel)
		}
		// A lone x is a placeholder only where a number belongs: x月, x人, x%.
		lone := j-i == 1
		if lone && (j >= len(t) || !strings.ContainsRune("年月日号人名例个家次%％项场户元", t[j])) {
			i = j
			continue
		}
		// Extend over a date made of placeholders: x月x日.
		end := j
		for end < len(t) && strings.ContainsRune("年月日号", t[end]) {
			end++
			if end < len(t) && isPlaceholderRune(t[end]) {
				for end < len(t) && isPlaceholderRune(t[end]) {
					end++
				}
			}
		}
		out = append(out, placeholderFinding(i, end, string(d.orig[i:end])))
		i = end - 1
	}
	for k := 0; k+1 < len(t); k++ {
		if t[k] == '某' && t[k+1] == '某' {
			out = append(out, placeholderFinding(k, k+2, "某某"))
			k++
		}
	}
	return out
}

func placeholderFinding(i, j int, q string) Finding {
	return finding("placeholder", Error, i, j,
		weijian.T("残留占位符“"+q+"”", "placeholder left in the text: “"+q+"”"),
		weijian.T("填入实际数字或日期", "fill in the real figure or date"))
}

func isPlaceholderRune(r rune) bool {
	return r == 'x' || r == 'X' || r == '×' || r == 'ｘ' || r == 'Ｘ'
}

// minDupRunes is the length below which a repeated paragraph or sentence
// is not reported (headings and short phrases repeat legitimately).
const minDupRunes = 30

// duplicates finds paragraphs, and long sentences, that repeat an earlier
// one (compared without spaces and punctuation).
func duplicates(d *doc) []Finding {
	var out []Finding
	seen := map[string]int{} // normalised text → rune index of its first occurrence
	for l := range d.lineStart {
		a, b := d.lineBounds(l)
		key := normalise(d.text[a:b])
		if len([]rune(key)) < minDupRunes {
			continue
		}
		if first, ok := seen[key]; ok {
			out = append(out, dupFinding(d, "duplicate.paragraph", a, b, first, weijian.T("段落", "paragraph")))
			continue
		}
		seen[key] = a
		// Sentences repeated inside or across paragraphs.
		for s := a; s < b; {
			_, e := d.sentence(s)
			e = min(e, b)
			k := "s:" + normalise(d.text[s:e])
			if len([]rune(k)) >= minDupRunes+2 {
				if first, ok := seen[k]; ok {
					out = append(out, dupFinding(d, "duplicate.sentence", s, e, first, weijian.T("句子", "sentence")))
				} else {
					seen[k] = s
				}
			}
			if e <= s {
				break
			}
			s = e
		}
	}
	return out
}

func dupFinding(d *doc, rule string, a, b, first int, what weijian.Text) Finding {
	p := d.pos(first)
	return finding(rule, Warning, a, b,
		weijian.T(fmt.Sprintf("%s与第 %d 行第 %d 列处重复", what.ZH, p.Line, p.Column),
			fmt.Sprintf("this %s repeats the one at line %d, column %d", what.EN, p.Line, p.Column)),
		weijian.T("删除重复的"+what.ZH, "delete the repeated "+what.EN))
}

func normalise(rs []rune) string {
	var b strings.Builder
	for _, r := range rs {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

package check

import (
	"fmt"
	"sync"

	"github.com/longbridgeapp/opencc"
	"github.com/weijian-health/weijian"
)

// converter converts traditional characters to simplified with OpenCC's
// t2s tables (phrase-aware), and finds the characters that are written
// only in simplified form (those s2t changes), to tell a traditional text
// from a mixed one. The Taiwan standard (s2tw) is used for the latter so
// that variants both scripts use (群/羣) do not count as simplified.
type converter struct {
	t2s, s2t *opencc.OpenCC
	mu       sync.Mutex
	simp     map[rune]rune // cache: rune → its s2tw form
}

func newConverter() (*converter, error) {
	t2s, err := opencc.New("t2s")
	if err != nil {
		return nil, fmt.Errorf("opencc t2s: %w", err)
	}
	s2t, err := opencc.New("s2tw")
	if err != nil {
		return nil, fmt.Errorf("opencc s2tw: %w", err)
	}
	return &converter{t2s: t2s, s2t: s2t, simp: map[rune]rune{}}, nil
}

// toSimplified converts rs line by line and returns the converted runes
// (always as many as rs), the indexes of the runes that were traditional,
// and those of the runes that exist only in simplified form.
func (c *converter) toSimplified(rs []rune) (out []rune, trad, simpOnly []int, tradForm []rune) {
	out = make([]rune, len(rs))
	copy(out, rs)
	start := 0
	for i := 0; i <= len(rs); i++ {
		if i < len(rs) && rs[i] != '\n' {
			continue
		}
		c.convertLine(rs[start:i], out[start:i])
		start = i + 1
	}
	for i, r := range rs {
		switch {
		case out[i] != r:
			trad = append(trad, i)
		case r >= 0x4e00:
			if t := c.traditional(r); t != r {
				simpOnly, tradForm = append(simpOnly, i), append(tradForm, t)
			}
		}
	}
	return out, trad, simpOnly, tradForm
}

// convertLine writes the conversion of line into out. A phrase conversion
// that changes the number of characters (rare) falls back to converting
// the line character by character, so that positions stay put.
func (c *converter) convertLine(line, out []rune) {
	if !hasHan(line) {
		return
	}
	s, err := c.t2s.Convert(string(line))
	if err == nil {
		if rs := []rune(s); len(rs) == len(line) {
			copy(out, rs)
			return
		}
	}
	for i, r := range line {
		if s, err := c.t2s.Convert(string(r)); err == nil {
			if rs := []rune(s); len(rs) == 1 {
				out[i] = rs[0]
			}
		}
	}
}

func hasHan(rs []rune) bool {
	for _, r := range rs {
		if r >= 0x3400 {
			return true
		}
	}
	return false
}

// traditional returns the traditional form of r by s2tw, or r: when it
// differs, r is a simplified form (国, 卫, 检) a traditional text would
// not use.
func (c *converter) traditional(r rune) rune {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.simp[r]
	if !ok {
		v = r
		if s, err := c.s2t.Convert(string(r)); err == nil {
			if rs := []rune(s); len(rs) == 1 {
				v = rs[0]
			}
		}
		c.simp[r] = v
	}
	return v
}

// scriptFindings reports a traditional text (converted for checking: a
// note) and a text that mixes both scripts (a warning at each character of
// the minority script, up to a few).
func (d *doc) scriptFindings() []Finding {
	nt, ns := len(d.trad), len(d.simpOnly)
	if nt == 0 {
		return nil
	}
	var out []Finding
	if nt >= ns {
		out = append(out, finding("script.traditional", Note, d.trad[0], d.trad[0]+1,
			weijian.T(fmt.Sprintf("正文为繁体字（%d 个繁体字），已按 OpenCC t2s 转为简体后核查", nt),
				fmt.Sprintf("the text is in traditional characters (%d); it was converted to simplified (OpenCC t2s) for checking", nt)),
			weijian.Text{}))
	}
	minority, kind := d.simpOnly, weijian.T("简体字", "simplified character")
	if nt < ns {
		minority, kind = d.trad, weijian.T("繁体字", "traditional character")
	}
	const shown = 5 // the first few places; the message gives the count
	for k, i := range minority {
		if k == shown {
			break
		}
		want := d.text[i]
		if nt >= ns {
			want = d.tradForm[k]
		}
		out = append(out, finding("script.mixed", Warning, i, i+1,
			weijian.T(fmt.Sprintf("繁简混用：“%c”为%s（全文繁体 %d 个、简体 %d 个，列出前 %d 处）", d.orig[i], kind.ZH, nt, ns, min(shown, len(minority))),
				fmt.Sprintf("mixed scripts: “%c” is a %s (%d traditional and %d simplified-only characters; the first %d shown)", d.orig[i], kind.EN, nt, ns, min(shown, len(minority)))),
			weijian.T(fmt.Sprintf("改为“%c”", want), fmt.Sprintf("write “%c”", want))))
	}
	return out
}

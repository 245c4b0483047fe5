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
	simp     map[rune]bool // cache: rune → changed by s2t
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
	return &converter{t2s: t2s, s2t: s2t, simp: map[rune]bool{}}, nil
}

// toSimplified converts rs line by line and returns the converted runes
// (always as many as rs), the indexes of the runes that were traditional,
// and those of the runes that exist only in simplified form.
func (c *converter) toSimplified(rs []rune) (out []rune, trad, simpOnly []int) {
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
		case r >= 0x4e00 && c.simplifiedOnly(r):
			simpOnly = append(simpOnly, i)
		}
	}
	return out, trad, simpOnly
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

// simplifiedOnly reports whether s2tw changes r on its own: r is a
// simplified form (国, 卫, 检) that a traditional text would not use.
func (c *converter) simplifiedOnly(r rune) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.simp[r]
	if !ok {
		s, err := c.s2t.Convert(string(r))
		v = err == nil && s != string(r)
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
	// A handful of odd characters in a long text is mixing; so is any
	// amount when both scripts are well represented.
	const shown = 5
	if len(minority) == 0 {
		return out
	}
	for k, i := range minority {
		if k == shown {
			break
		}
		fix := weijian.Text{}
		if nt < ns {
			fix = weijian.T("改为“"+string(d.text[i])+"”", "write “"+string(d.text[i])+"”")
		}
		out = append(out, finding("script.mixed", Warning, i, i+1,
			weijian.T(fmt.Sprintf("繁简混用：此处为%s（全文繁体 %d 个、简体 %d 个）", kind.ZH, nt, ns),
				fmt.Sprintf("mixed scripts: a %s here (%d traditional and %d simplified-only characters in the text)", kind.EN, nt, ns)),
			fix))
	}
	return out
}

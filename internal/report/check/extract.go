package check

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"

	"github.com/weijian-health/weijian"
)

// FigureKind classifies a figure.
type FigureKind int

const (
	KindCount  FigureKind = iota // a number of people, things or events (人, 例, 个, 家, 人次 …)
	KindTarget                   // a count stated as a task or target (任务数, 目标)
	KindRate                     // a rate or share (%, ‰, /10万)
	KindChange                   // a change (同比增长 5%, 提高2.1个百分点)
	KindMoney                    // an amount of money (元, 万元, 亿元)
	KindDate                     // a date or a date part (2024年, 7月11日, 6月底)
	KindOther                    // a duration, a ratio, a number whose unit was lost
)

var kindNames = [...]string{"count", "target", "rate", "change", "money", "date", "other"}

func (k FigureKind) String() string { return kindNames[k] }

// MarshalText writes the kind by name in JSON.
func (k FigureKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Figure is one number in the text, with its unit and context.
type Figure struct {
	Kind     FigureKind `json:"kind"`
	Value    float64    `json:"value"`    // the number, with 万/亿 applied
	Written  string     `json:"written"`  // the number as written ("102.6", "4.83")
	Decimals int        `json:"decimals"` // digits after the decimal point as written
	Unit     string     `json:"unit"`     // "人", "%", "‰", "/10万", "个百分点", "万元" …
	Label    string     `json:"label"`    // the clause text before the number ("筛查率", "产妇数")
	Approx   bool       `json:"approx"`   // 余, 多, 近, 约, 左右
	InParens bool       `json:"in_parens"`
	Pos      Position   `json:"position"`
	Check    *RateCheck `json:"check,omitempty"` // for a rate: what the checker made of it
	Date     *Date      `json:"date,omitempty"`  // for a date

	start, end int // rune range of number and unit
	numEnd     int // rune index just after the digits
}

// Span returns the rune range of the figure (number and unit).
func (f Figure) Span() (int, int) { return f.start, f.end }

// factor is what a rate's quotient is multiplied by.
func (f Figure) factor() float64 {
	switch f.Unit {
	case "‰":
		return 1e3
	case "‱":
		return 1e4
	case "/10万":
		return 1e5
	}
	return 100
}

// units are the count, money and time units recognised after a number,
// longest first where one is a prefix of another.
var units = []string{
	"个百分点", "个月", "平方米", "人次", "剂次", "场次", "户次", "批次", "万元", "亿元", "小时", "周岁",
	"公里", "万人", "/10万", "/十万", "/万", "%", "％", "‰", "‱",
	"人", "名", "例", "个", "家", "所", "间", "项", "次", "场", "户", "张", "台", "件", "份", "元",
	"岁", "天", "周", "床", "支", "批", "期", "篇", "条", "座", "处", "位", "组", "套", "剂", "册",
	"对", "辆", "种", "类", "起", "轮", "亩", "米", "吨", "年", "月", "日",
}

// moneyUnits and timeUnits classify a unit; unitAlias normalises one.
var (
	unitAlias  = map[string]string{"％": "%", "/十万": "/10万"}
	moneyUnits = map[string]bool{"元": true, "万元": true, "亿元": true}
	timeUnits  = map[string]bool{"小时": true, "天": true, "周": true, "岁": true, "周岁": true, "年": true, "个月": true}
)

// extract finds every figure in d.
func extract(d *doc) []Figure {
	var out []Figure
	paren := 0
	t := d.text
	for i := 0; i < len(t); i++ {
		switch t[i] {
		case '(', '（':
			paren++
		case ')', '）':
			paren = max(paren-1, 0)
		case '\n':
			paren = 0
		}
		if !isDigit(t[i]) {
			continue
		}
		f, next := d.figureAt(i)
		if f != nil {
			f.InParens = paren > 0
			f.Pos = d.pos(f.start)
			out = append(out, *f)
		}
		i = next - 1
	}
	return out
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' || r >= '０' && r <= '９' }

func digitVal(r rune) rune {
	if r >= '０' && r <= '９' {
		return r - '０' + '0'
	}
	return r
}

// figureAt reads the figure whose number starts at rune i; it returns nil
// for numbers that are not figures (ordinals, list numbers, codes) and
// the index after what it consumed.
func (d *doc) figureAt(i int) (*Figure, int) {
	t := d.text
	written, j := readNumber(t, i)
	if i > 0 && (isLatin(t[i-1]) || t[i-1] == '第' || t[i-1] == '.' || t[i-1] == '-' && i > 1 && isLatin(t[i-2])) {
		return nil, j // part of a code or an ordinal: HPV2, COVID-19, 第36个
	}
	if j < len(t) && isLatin(t[j]) {
		return nil, j
	}
	if date, end := d.dateAt(i, written, j); date != nil {
		return date, end
	}
	// A list number: "1." or "1、" at the start of a line or clause.
	if j < len(t) && (t[j] == '、' || t[j] == '.' && (j+1 >= len(t) || !isDigit(t[j+1]))) {
		return nil, j + 1
	}
	v, _ := strconv.ParseFloat(strings.ReplaceAll(written, ",", ""), 64)
	f := &Figure{Written: written, Value: v, start: i, numEnd: j}
	if dot := strings.IndexByte(written, '.'); dot >= 0 {
		f.Decimals = len(written) - dot - 1
	}
	k := j
	if k < len(t) && (t[k] == '余' || t[k] == '多') {
		f.Approx, k = true, k+1
	}
	if k < len(t) && (t[k] == '万' || t[k] == '亿') && !hasPrefix(t[k:], "万元") && !hasPrefix(t[k:], "亿元") && !hasPrefix(t[k:], "万人") {
		if t[k] == '万' {
			f.Value *= 1e4
		} else {
			f.Value *= 1e8
		}
		k++
	}
	if k < len(t) && (t[k] == '余' || t[k] == '多') {
		f.Approx, k = true, k+1
	}
	for _, u := range units {
		if hasPrefix(t[k:], u) {
			f.Unit, k = u, k+len([]rune(u))
			break
		}
	}
	f.end = k
	f.Label = d.label(i)
	d.classify(f)
	return f, max(k, j)
}

// readNumber reads digits, thousands separators and a decimal part.
func readNumber(t []rune, i int) (string, int) {
	var b strings.Builder
	j := i
	for j < len(t) {
		r := t[j]
		switch {
		case isDigit(r):
			b.WriteRune(digitVal(r))
		case r == '.' && j+1 < len(t) && isDigit(t[j+1]) && !strings.Contains(b.String(), "."):
			b.WriteRune('.')
		case r == ',' && thousands(t, j, b.String()):
			b.WriteRune(',')
		default:
			return b.String(), j
		}
		j++
	}
	return b.String(), j
}

// thousands reports whether the comma at j separates thousands: one to
// three digits before the first comma, exactly three after, then no digit.
func thousands(t []rune, j int, sofar string) bool {
	if strings.Contains(sofar, ".") {
		return false
	}
	if !strings.Contains(sofar, ",") && len(sofar) > 3 {
		return false
	}
	if j+4 > len(t) || !isDigit(t[j+1]) || !isDigit(t[j+2]) || !isDigit(t[j+3]) {
		return false
	}
	return j+4 == len(t) || !isDigit(t[j+4])
}

func isLatin(r rune) bool { return r < 0x80 && unicode.IsLetter(r) || r >= 'Ａ' && r <= 'ｚ' }

func hasPrefix(t []rune, p string) bool {
	i := 0
	for _, r := range p {
		if i >= len(t) || t[i] != r {
			return false
		}
		i++
	}
	return true
}

// label is the clause text before rune i: back to a clause separator, an
// opening bracket or the previous number, at most 16 characters. A
// pinyin annotation such as (shù), which some pages put after a
// character, is left out.
func (d *doc) label(i int) string {
	t := d.text
	var rs []rune
	for a := i; a > 0 && len(rs) < 16; a-- {
		r := t[a-1]
		if r == ')' || r == '）' {
			if o := pinyinOpen(t, a-1); o >= 0 {
				a = o + 1
				continue
			}
		}
		if isClauseEnd(r) || isDigit(r) || r == '(' || r == '（' || r == ')' || r == '）' || r == '%' || r == '‰' {
			break
		}
		rs = append(rs, r)
	}
	for l, r := 0, len(rs)-1; l < r; l, r = l+1, r-1 {
		rs[l], rs[r] = rs[r], rs[l]
	}
	return strings.TrimSpace(string(rs))
}

// pinyinOpen returns the index of the "(" that opens a pinyin annotation
// closed at c, or -1: only letters, at most 8 of them, none Chinese.
func pinyinOpen(t []rune, c int) int {
	for o := c - 1; o >= 0 && c-o <= 9; o-- {
		switch r := t[o]; {
		case r == '(' || r == '（':
			if o == c-1 {
				return -1
			}
			return o
		case !unicode.IsLetter(r) || r >= 0x2E80:
			return -1
		}
	}
	return -1
}

// isDue reports whether a label names what is due (应完成, 应接种): a
// target, unlike 相应, 供应, 应急.
func isDue(label string) bool {
	rs := []rune(label)
	for k, r := range rs {
		if r != '应' {
			continue
		}
		if k > 0 && strings.ContainsRune("相供响适对反效答", rs[k-1]) {
			continue
		}
		if k+1 < len(rs) && strings.ContainsRune("急用对该当", rs[k+1]) {
			continue
		}
		if k+1 < len(rs) {
			return true
		}
	}
	return false
}

// after is the text after rune k up to the end of its clause, at most n runes.
func (d *doc) after(k, n int) string {
	t := d.text
	b := k
	for b < len(t) && b-k < n && !isClauseEnd(t[b]) {
		b++
	}
	return string(t[k:b])
}

var (
	changeWords = []string{"增长", "提高", "下降", "降低", "减少", "增加", "上升", "同比", "环比", "增幅", "降幅", "上涨", "回落", "高出", "低于", "超序时进度", "慢于"}
	targetWords = []string{"任务", "目标", "计划", "力争", "确保"}
	approxPre   = []string{"近", "约", "超", "逾", "超过", "大约", "将近"}
)

// classify sets the kind of f from its unit and label.
func (d *doc) classify(f *Figure) {
	lab := f.Label
	tail := lastRunes(lab, 6)
	for _, p := range approxPre {
		// 约 and 近 count only as words of their own: not 签约, 附近.
		if before, ok := strings.CutSuffix(lab, p); ok && (len([]rune(p)) > 1 || before == "" || strings.ContainsRune("达为有共计是了在", lastRune(before))) {
			f.Approx = true
		}
	}
	if strings.HasPrefix(d.after(f.end, 4), "左右") {
		f.Approx = true
	}
	switch {
	case f.Unit == "个百分点":
		f.Kind = KindChange
	case f.Unit == "%" || f.Unit == "％" || f.Unit == "‰" || f.Unit == "‱" || f.Unit == "/10万" || f.Unit == "/十万":
		if n, ok := unitAlias[f.Unit]; ok {
			f.Unit = n
		}
		f.Kind = KindRate
		if containsAny(tail, changeWords) {
			f.Kind = KindChange
		}
	case moneyUnits[f.Unit]:
		f.Kind = KindMoney
	case f.Unit == "" || f.Unit == "/万" || f.Unit == "万人" || timeUnits[f.Unit] || f.Unit == "月" || f.Unit == "日":
		f.Kind = KindOther
	case containsAny(lab, targetWords) || isDue(lab):
		f.Kind = KindTarget
	default:
		f.Kind = KindCount
	}
	if f.Kind == KindCount && containsAny(tail, changeWords[:7]) && strings.Contains(lab, "比") {
		f.Kind = KindChange // 较去年同期增加12人
	}
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

func lastRune(s string) rune {
	rs := []rune(s)
	if len(rs) == 0 {
		return 0
	}
	return rs[len(rs)-1]
}

func lastRunes(s string, n int) string {
	rs := []rune(s)
	if len(rs) > n {
		rs = rs[len(rs)-n:]
	}
	return string(rs)
}

// roundHalfUp rounds x to k decimals, half away from zero, with a guard
// against binary representation (102.665 is 102.67, as a person computes).
func roundHalfUp(x float64, k int) float64 {
	p := math.Pow(10, float64(k))
	return math.Floor(x*p+0.5+1e-9) / p
}

// truncate cuts x to k decimals.
func truncate(x float64, k int) float64 {
	p := math.Pow(10, float64(k))
	return math.Floor(x*p+1e-9) / p
}

// Describe says in lang what the checker made of the figure: its kind
// and unit, and for a rate how it was checked.
func (f Figure) Describe(lang string) string {
	kinds := map[FigureKind]weijian.Text{
		KindCount: weijian.T("数量", "count"), KindTarget: weijian.T("任务/目标", "target"), KindRate: weijian.T("比率", "rate"),
		KindChange: weijian.T("增减", "change"), KindMoney: weijian.T("金额", "amount"), KindDate: weijian.T("日期", "date"),
		KindOther: weijian.T("其他数字", "other number"),
	}
	s := kinds[f.Kind].In(lang)
	if f.Unit != "" && f.Kind != KindDate {
		s += " · " + f.Unit
	}
	if f.Approx {
		s += weijian.T("（约数）", " (approximate)").In(lang)
	}
	c := f.Check
	if c == nil {
		return s
	}
	q := fmt.Sprintf("%s/%s = %s%s", fmtNum(c.Numerator, -1), fmtNum(c.Denominator, -1), fmtNum(c.Exact, 4), f.Unit)
	switch c.Status {
	case RateVerified:
		s += weijian.T("：已核对 ", ": verified, ").In(lang) + q
	case RateTruncated:
		s += weijian.T("：截断所得 ", ": truncated, ").In(lang) + q
	case RateMismatch, RateRounding:
		s += weijian.T("：与人数不符 ", ": does not match, ").In(lang) + q
	default:
		s += weijian.T("：文中未给出可核对的人数", ": no stated counts to check it against").In(lang)
	}
	return s
}

package check

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/weijian-health/weijian"
)

// RateCheck is what the checker made of a stated rate.
type RateCheck struct {
	Status      string  `json:"status"`                // verified, truncated, mismatch, rounding, over100, unchecked
	Name        string  `json:"name,omitempty"`        // the rate's name as written (筛查率, 占)
	Numerator   float64 `json:"numerator,omitempty"`   // the counts it was checked with
	Denominator float64 `json:"denominator,omitempty"` //
	Exact       float64 `json:"exact,omitempty"`       // numerator / denominator × factor
}

// Rate check statuses.
const (
	RateVerified  = "verified"  // some stated counts give the rate, rounded half-up
	RateTruncated = "truncated" // they give it only when truncated (a note)
	RateMismatch  = "mismatch"  // the counts it refers to give another rate (an error)
	RateRounding  = "rounding"  // off by one in the last digit (a warning)
	RateUnchecked = "unchecked" // no stated counts to check it against
)

// unitFamily groups units that may be divided by one another.
var unitFamily = map[string]string{
	"人": "person", "名": "person", "例": "person", "位": "person",
	"人次": "visit", "剂次": "dose", "剂": "dose",
	"个": "thing", "家": "thing", "所": "thing", "间": "thing", "处": "thing", "座": "thing", "项": "thing",
	"户": "household", "户次": "household", "场": "event", "场次": "event", "次": "event",
}

func family(u string) string {
	if f, ok := unitFamily[u]; ok {
		return f
	}
	return u
}

// impossibleAbove100 are rate names that cannot exceed 100%: shares of a
// population or of those examined. 完成率, 覆盖率 and 筛查率 against a task
// may exceed it and are not here.
var impossibleAbove100 = []string{
	"阳性率", "知晓率", "检出率", "患病率", "发病率", "死亡率", "病死率", "治愈率", "合格率", "达标率",
	"管理率", "服药率", "控制率", "签约率", "满意度", "满意率", "及时率", "完整率", "准确率", "报告率",
	"随访率", "建档率", "使用率", "占比", "比例", "确诊率", "转诊率", "复查率", "诊断率",
}

// rateFindings checks every stated rate against the counts stated with it.
func rateFindings(d *doc, figs []Figure) []Finding {
	var out []Finding
	for i := range figs {
		f := &figs[i]
		if f.Kind != KindRate {
			continue
		}
		rc := &RateCheck{Status: RateUnchecked, Name: rateName(f.Label)}
		f.Check = rc
		if fd, ok := over100(f, rc.Name); ok {
			out = append(out, fd)
		}
		if f.Approx {
			continue
		}
		cands := candidates(d, figs, i)
		if n, dn, trunc, ok := findPair(f, cands); ok {
			rc.Numerator, rc.Denominator = n.Value, dn.Value
			rc.Exact = n.Value / dn.Value * f.factor()
			rc.Status = RateVerified
			if trunc {
				rc.Status = RateTruncated
				out = append(out, truncatedNote(f, rc))
			}
			continue
		}
		n, dn, named := intendedPair(d, f, rc.Name, cands)
		if n == nil || dn == nil || n.Approx || dn.Approx {
			continue
		}
		q := n.Value / dn.Value * f.factor()
		if !named && math.Abs(q-f.Value) > max(maxGuessGap, f.Value*0.2) {
			continue // a base guessed from its position, far from the stated rate: likely the wrong base
		}
		rc.Numerator, rc.Denominator, rc.Exact = n.Value, dn.Value, q
		out = append(out, mismatch(f, rc))
	}
	return out
}

// rateName is the name of a rate from its label: 筛查率, 首针接种率, 占.
func rateName(label string) string {
	s := label
	for _, suf := range []string{"达到", "为", "达", "是", "约", "了", "的", "在", "仅", "已"} {
		s = strings.TrimSuffix(s, suf)
	}
	rs := []rune(s)
	for k := len(rs) - 1; k >= 0; k-- {
		if rs[k] == '率' || rs[k] == '占' || rs[k] == '比' || rs[k] == '度' {
			start := k
			for start > 0 && k-start < 8 && !strings.ContainsRune("，,、；;。的和及与其中", rs[start-1]) {
				start--
			}
			return string(rs[start : k+1])
		}
	}
	return ""
}

func over100(f *Figure, name string) (Finding, bool) {
	limit := 100.0
	if f.Unit == "‰" {
		limit = 1000
	}
	if f.Unit != "%" && f.Unit != "‰" || f.Value <= limit || !containsAny(name, impossibleAbove100) {
		return Finding{}, false
	}
	return finding("rate.over100", Error, f.start, f.end,
		weijian.T(fmt.Sprintf("%s不可能超过%s：写为 %s%s", name, fmtNum(limit, 0)+f.Unit, f.Written, f.Unit),
			fmt.Sprintf("%s cannot exceed %s%s: stated %s%s", name, fmtNum(limit, 0), f.Unit, f.Written, f.Unit)),
		weijian.T("核对分子和分母", "check the numerator and the denominator")), true
}

// candidates are the counts a rate may be computed from: those before it
// in its line (paragraph) and those after it in its sentence.
func candidates(d *doc, figs []Figure, ri int) []*Figure {
	r := &figs[ri]
	ls, _ := d.lineBounds(d.line(r.start))
	_, se := d.sentence(r.start)
	var before, after []*Figure
	for k := ri - 1; k >= 0 && figs[k].start >= ls && len(before) < maxCandidates; k-- {
		if c := &figs[k]; c.Kind == KindCount || c.Kind == KindTarget {
			before = append(before, c)
		}
	}
	for k := ri + 1; k < len(figs) && figs[k].start < se && len(after) < maxCandidates/4; k++ {
		if c := &figs[k]; c.Kind == KindCount || c.Kind == KindTarget {
			after = append(after, c)
		}
	}
	out := make([]*Figure, 0, len(before)+len(after))
	for k := len(before) - 1; k >= 0; k-- {
		out = append(out, before[k])
	}
	return append(out, after...)
}

// maxCandidates bounds the counts before a rate that it is checked
// against (a paragraph of a real report holds a few dozen), so that the
// pair search stays quadratic in a bounded number.
const maxCandidates = 40

// matches reports whether the quotient q gives the stated rate when
// rounded half-up (or, when not, when truncated) to the stated decimals.
func matches(f *Figure, q float64) (ok, trunc bool) {
	if roundHalfUp(q, f.Decimals) == f.Value {
		return true, false
	}
	return truncate(q, f.Decimals) == f.Value, true
}

// findPair looks for a numerator and a denominator among cands that give
// the stated rate; a pair that rounds to it wins over one that truncates.
// Counts nearer the rate are tried first (numerator, then denominator),
// so that with few decimals (100%) the counts next to the rate win over
// a coincidence further away.
func findPair(f *Figure, cands []*Figure) (n, dn *Figure, trunc, ok bool) {
	byDist := append([]*Figure(nil), cands...)
	sort.SliceStable(byDist, func(i, j int) bool { return dist(f, byDist[i]) < dist(f, byDist[j]) })
	var tn, td *Figure
	for _, a := range byDist {
		for _, b := range byDist {
			if a == b || b.Value == 0 || moneyUnits[a.Unit] != moneyUnits[b.Unit] {
				continue
			}
			m, t := matches(f, a.Value/b.Value*f.factor())
			if t && f.Decimals == 0 {
				continue // truncating to a whole percent fits too many pairs
			}
			if m && !t {
				return a, b, false, true
			}
			if m && tn == nil {
				tn, td = a, b
			}
		}
	}
	return tn, td, tn != nil, tn != nil
}

func dist(f, c *Figure) int {
	if c.start < f.start {
		return f.start - c.end
	}
	return c.start - f.end
}

func truncatedNote(f *Figure, rc *RateCheck) Finding {
	exact := fmtNum(rc.Exact, 4)
	k2 := max(f.Decimals, 2)
	r2 := fmtNum(roundHalfUp(rc.Exact, k2), k2)
	rk := fmtNum(roundHalfUp(rc.Exact, f.Decimals), f.Decimals)
	zh := fmt.Sprintf("%s%s%s 系截断所得：%s/%s = %s%s，四舍五入为 %s%s", rc.Name, f.Written, f.Unit,
		fmtNum(rc.Numerator, -1), fmtNum(rc.Denominator, -1), exact, f.Unit, rk, f.Unit)
	en := fmt.Sprintf("%s %s%s is truncated: %s/%s = %s%s, rounded %s%s", rc.Name, f.Written, f.Unit,
		fmtNum(rc.Numerator, -1), fmtNum(rc.Denominator, -1), exact, f.Unit, rk, f.Unit)
	if k2 != f.Decimals {
		zh += fmt.Sprintf("（保留两位为 %s%s）", r2, f.Unit)
		en += fmt.Sprintf(" (%s%s to two decimals)", r2, f.Unit)
	}
	return finding("rate.truncated", Note, f.start, f.end, weijian.T(zh, en),
		weijian.T("可写作 "+r2+f.Unit, "may be written "+r2+f.Unit))
}

func mismatch(f *Figure, rc *RateCheck) Finding {
	want := fmtNum(roundHalfUp(rc.Exact, max(f.Decimals, 2)), max(f.Decimals, 2))
	sev, rule := Error, "rate.mismatch"
	rc.Status = RateMismatch
	if f.Decimals > 0 && math.Abs(roundHalfUp(rc.Exact, f.Decimals)-f.Value) <= math.Pow(10, -float64(f.Decimals))*1.0001 {
		sev, rule, rc.Status = Warning, "rate.rounding", RateRounding
	}
	n, dn := fmtNum(rc.Numerator, -1), fmtNum(rc.Denominator, -1)
	return finding(rule, sev, f.start, f.end,
		weijian.T(fmt.Sprintf("%s与所述人数不符：写为 %s%s，而 %s/%s = %s%s", orName(rc.Name, "比率"), f.Written, f.Unit, n, dn, fmtNum(rc.Exact, 4), f.Unit),
			fmt.Sprintf("%s does not match the stated counts: written %s%s, but %s/%s = %s%s", orName(rc.Name, "rate"), f.Written, f.Unit, n, dn, fmtNum(rc.Exact, 4), f.Unit)),
		weijian.T("改为 "+want+f.Unit, "write "+want+f.Unit))
}

func orName(name, def string) string {
	if name == "" {
		return def
	}
	return name
}

// fmtNum formats x with k decimals; k < 0 formats it as short as exact.
func fmtNum(x float64, k int) string {
	if k < 0 {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return strconv.FormatFloat(x, 'f', k, 64)
}

// maxGuessGap is how far (in points of the rate's unit) a rate may lie
// from the quotient of a guessed base before the checker stops believing
// the guess: "常住人口874334人，管理12000人，管理率70%" names no base, and
// 1.37% says the population is not it.
const maxGuessGap = 10

// intendedPair finds the counts a rate refers to when no pair gives it:
// the numerator is the nearest count before the rate whose label shares
// the rate's stem (筛查 for 筛查率), or the count just before it; the
// denominator is a base named as such (产妇数, 任务数, 按…计算), or for a
// share (占) the nearest larger count before the numerator. nil when the
// text does not say clearly enough. named reports a base the text names
// as one (任务, 目标, 应…, 按…计算), as against one found by position.
func intendedPair(d *doc, f *Figure, name string, cands []*Figure) (n, dn *Figure, named bool) {
	ss := d.sentenceStart(f.start)
	if strings.Contains(d.str(ss, f.start), "分别") {
		return nil, nil, false // "分别为 a%、b%": which count goes with which rate is not said
	}
	n = numerator(d, f, name, cands, ss)
	if n == nil {
		return nil, nil, false
	}
	if share := strings.HasSuffix(name, "占") || strings.HasSuffix(name, "占比") || strings.HasSuffix(name, "比例"); share {
		for k := len(cands) - 1; k >= 0; k-- {
			c := cands[k]
			if c.start < n.start && c.start >= ss && family(c.Unit) == family(n.Unit) && c.Value > n.Value {
				return n, c, false
			}
		}
		return n, nil, false
	}
	dn, named = denominator(d, f, name, n, cands, ss)
	return n, dn, named
}

func numerator(d *doc, f *Figure, name string, cands []*Figure, ss int) *Figure {
	stem := []rune(strings.TrimSuffix(name, "率"))
	if len(stem) >= 2 && strings.HasSuffix(name, "率") {
		s2 := string(stem[len(stem)-2:])
		for k := len(cands) - 1; k >= 0; k-- {
			c := cands[k]
			if c.start < f.start && c.start >= ss && c.Kind == KindCount && strings.Contains(c.Label, s2) {
				return c
			}
		}
	}
	for k := len(cands) - 1; k >= 0; k-- {
		c := cands[k]
		if c.start >= f.start {
			continue
		}
		if c.Kind == KindCount && c.start >= ss && f.start-c.end <= 12 && !strings.ContainsAny(d.str(c.end, f.start), "0123456789%") {
			return c
		}
		break
	}
	return nil
}

// denominator picks the base of a rate: first a strong cue (任务, 目标,
// 按…计算) in the sentence, then a label ending in 数 in the sentence,
// then one in the paragraph.
func denominator(d *doc, f *Figure, name string, n *Figure, cands []*Figure, ss int) (*Figure, bool) {
	capped := containsAny(name, impossibleAbove100) || !containsAny(name, []string{"完成", "覆盖", "筛查", "进度"})
	ok := func(c *Figure) bool {
		return c != n && c.Value > 0 && family(c.Unit) == family(n.Unit) && (!capped || c.Value >= n.Value)
	}
	strong := func(c *Figure) bool {
		return c.Kind == KindTarget || strings.HasPrefix(d.after(c.end, 4), "计算")
	}
	weak := func(c *Figure) bool {
		return strings.HasSuffix(c.Label, "数") && !strings.Contains(c.Label, "完成")
	}
	// 申请18523个，审批18260个，审批率…: the count just before the
	// numerator, when the rate cannot exceed 100%.
	adjacent := func(c *Figure) bool {
		return capped && c.end <= n.start && n.start-c.end <= 12 && !strings.ContainsAny(d.str(c.end, n.start), "0123456789%")
	}
	for _, pass := range []struct {
		cue       func(*Figure) bool
		inSentece bool
	}{{strong, true}, {weak, true}, {adjacent, true}, {strong, false}, {weak, false}} {
		for _, c := range nearestFirst(f, cands) {
			if c.start > f.start && !strong(c) || pass.inSentece && c.start < ss {
				continue
			}
			if ok(c) && pass.cue(c) {
				return c, strong(c)
			}
		}
	}
	return nil, false
}

// nearestFirst orders cands: those before f from the nearest back, then
// those after it from the nearest on.
func nearestFirst(f *Figure, cands []*Figure) []*Figure {
	var out []*Figure
	for k := len(cands) - 1; k >= 0; k-- {
		if cands[k].start < f.start {
			out = append(out, cands[k])
		}
	}
	for _, c := range cands {
		if c.start > f.start {
			out = append(out, c)
		}
	}
	return out
}

package check

import (
	"fmt"
	"strings"

	"github.com/weijian-health/weijian"
)

// totalFindings checks parts against their total ("共15人，其中管理人员3人，
// 医务人员4人，保安8人": parts may fall short of the total — a list need
// not be complete — but never exceed it) and a claim of 全部 against the
// count it covers ("192名老人…全部完成签约，共签约186人").
func totalFindings(d *doc, figs []Figure) []Finding {
	var out []Finding
	for i := range figs {
		if fd, ok := partsOver(d, figs, i); ok {
			out = append(out, fd)
		}
		if fd, ok := allClaim(d, figs, i); ok {
			out = append(out, fd)
		}
	}
	return out
}

// notTotal are words with 共 or 合 that do not announce a total.
var notTotal = strings.NewReplacer("公共", "", "共同", "", "共享", "", "共建", "", "共产", "", "共青", "", "共性", "", "共识", "")

// isTotalLabel reports whether a label announces a total: 共, 共计,
// 合计, 总计 — not 公共 or 共同.
func isTotalLabel(label string) bool {
	l := notTotal.Replace(label)
	return strings.Contains(l, "共") || strings.Contains(l, "合计") || strings.Contains(l, "总计")
}

func isCount(f *Figure) bool { return (f.Kind == KindCount || f.Kind == KindTarget) && f.Unit != "" }

// partsOver checks the parts listed after 其中 following figure i.
func partsOver(d *doc, figs []Figure, i int) (Finding, bool) {
	t := &figs[i]
	if !isCount(t) || t.InParens || t.Approx {
		return Finding{}, false
	}
	_, se := d.sentence(t.start)
	rest := d.after(t.end, 3)
	if !strings.HasPrefix(strings.TrimLeft(rest, "，,"), "其中") && !strings.HasPrefix(d.str(t.end, t.end+3), ",其中") && !strings.HasPrefix(d.str(t.end, t.end+3), "，其中") {
		return Finding{}, false
	}
	var sum float64
	var parts []string
	last := t.end
	for k := i + 1; k < len(figs) && figs[k].start < se; k++ {
		p := &figs[k]
		if p.Kind == KindRate || p.Kind == KindChange {
			break // a rate ends the breakdown
		}
		if p.InParens || p.Unit != t.Unit || !isCount(p) {
			continue
		}
		if isTotalLabel(p.Label) || strings.Contains(p.Label, "其中") && len(parts) > 0 {
			break // a new total, or a breakdown of a part
		}
		if p.Approx {
			return Finding{}, false
		}
		sum += p.Value
		parts = append(parts, fmtNum(p.Value, -1))
		last = p.end
	}
	if len(parts) < 2 || sum <= t.Value {
		return Finding{}, false
	}
	expr := strings.Join(parts, "+")
	return finding("total.parts", Error, t.start, t.end,
		weijian.T(fmt.Sprintf("分项之和超过总数：%s = %s%s，而总数为 %s%s", expr, fmtNum(sum, -1), t.Unit, t.Written, t.Unit),
			fmt.Sprintf("the parts exceed the total: %s = %s %s, but the total is %s", expr, fmtNum(sum, -1), t.Unit, t.Written)),
		weijian.T("核对总数（分项合计 "+fmtNum(sum, -1)+t.Unit+"）", "check the total (the parts add up to "+fmtNum(sum, -1)+")")), last > 0
}

// allClaim checks a count stated with 共 after a 全部/均 claim against the
// count the claim covers, earlier in the sentence.
func allClaim(d *doc, figs []Figure, i int) (Finding, bool) {
	y := &figs[i]
	if !isCount(y) || !isTotalLabel(y.Label) || y.Approx {
		return Finding{}, false
	}
	ss := d.sentenceStart(y.start)
	before := d.str(ss, y.start)
	claim := strings.LastIndex(before, "全部")
	if claim < 0 {
		return Finding{}, false
	}
	claimAt := ss + len([]rune(before[:claim]))
	for k := i - 1; k >= 0 && figs[k].start >= ss; k-- {
		n := &figs[k]
		if n.start > claimAt || !isCount(n) || family(n.Unit) != family(y.Unit) {
			continue
		}
		if n.Approx || n.Value == y.Value {
			return Finding{}, false
		}
		pct := fmtNum(roundHalfUp(y.Value/n.Value*100, 2), 2)
		return finding("total.all", Error, y.start, y.end,
			weijian.T(fmt.Sprintf("称“全部”完成，但%s%s与前述 %s%s 不符（%s/%s = %s%%）", y.Written, y.Unit, n.Written, n.Unit, y.Written, n.Written, pct),
				fmt.Sprintf("the text says all (全部), but %s %s does not match the %s %s stated before (%s/%s = %s%%)", y.Written, y.Unit, n.Written, n.Unit, y.Written, n.Written, pct)),
			weijian.T(fmt.Sprintf("核对人数：全部应为 %s%s，或删去“全部”", n.Written, n.Unit), fmt.Sprintf("check the count: all would be %s, or drop 全部", n.Written))), true
	}
	return Finding{}, false
}

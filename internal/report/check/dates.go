package check

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/weijian-health/weijian"
)

// Date is a date as written: year, month and day, each 0 when absent.
// Compact is set for a date written as digits only (20241120日).
type Date struct {
	Year    int  `json:"year,omitempty"`
	Month   int  `json:"month,omitempty"`
	Day     int  `json:"day,omitempty"`
	Compact bool `json:"compact,omitempty"`
	AsOf    bool `json:"as_of,omitempty"` // preceded by 截至/截止/至
}

// dateAt reads a date whose first number (written, ending at j) starts at
// rune i: 2024年, 2024年10月30日, 7月11日, 6月底, 1-3月, 20241120日.
func (d *doc) dateAt(i int, written string, j int) (*Figure, int) {
	t := d.text
	n, err := strconv.Atoi(written)
	if err != nil || j >= len(t) {
		return nil, j
	}
	dt := &Date{}
	k := j
	switch {
	case t[k] == '年' && len(written) == 4 && n >= 1900 && n <= 2100:
		dt.Year, k = n, k+1
		if k < len(t) && t[k] == '度' {
			k++
		}
		if m, e, ok := numBefore(t, k, '月'); ok {
			dt.Month, k = m, e
			k = d.dayPart(dt, k)
		}
	case t[k] == '日' && len(written) == 8:
		dt.Compact, k = true, k+1
		dt.Year, _ = strconv.Atoi(written[:4])
		dt.Month, _ = strconv.Atoi(written[4:6])
		dt.Day, _ = strconv.Atoi(written[6:])
	case t[k] == '月' && len(written) <= 2 && !hasPrefix(t[max(i-1, 0):], "个月"):
		dt.Month, k = n, k+1
		if k < len(t) && t[k] == '份' {
			k++
		}
		k = d.dayPart(dt, k)
	case (t[k] == '-' || t[k] == '—' || t[k] == '~' || t[k] == '至') && len(written) <= 2:
		if m, e, ok := numBefore(t, k+1, '月'); ok && n >= 1 && n <= 12 {
			dt.Month, k = m, e // a month range: 1-3月; the first month is n
		} else {
			return nil, j
		}
	default:
		return nil, j
	}
	lab := d.label(i)
	dt.AsOf = strings.HasSuffix(lab, "截至") || strings.HasSuffix(lab, "截止") || strings.HasSuffix(lab, "至")
	f := &Figure{Kind: KindDate, Written: written, Value: float64(n), Date: dt, Label: lab, start: i, numEnd: j, end: k}
	return f, k
}

// numBefore reads "digits unit" at k: the number and the index after unit.
func numBefore(t []rune, k int, unit rune) (int, int, bool) {
	if k >= len(t) || !isDigit(t[k]) {
		return 0, k, false
	}
	w, e := readNumber(t, k)
	if e >= len(t) || t[e] != unit || strings.ContainsAny(w, ".,") {
		return 0, k, false
	}
	n, _ := strconv.Atoi(w)
	return n, e + 1, true
}

// dayPart reads the day after a month: 11日, 11号, or 底/初/中旬/末.
func (d *doc) dayPart(dt *Date, k int) int {
	t := d.text
	if n, e, ok := numBefore(t, k, '日'); ok {
		dt.Day = n
		return e
	}
	if n, e, ok := numBefore(t, k, '号'); ok {
		dt.Day = n
		return e
	}
	for _, w := range []string{"底", "末", "初", "中旬", "上旬", "下旬"} {
		if hasPrefix(t[k:], w) {
			return k + len([]rune(w))
		}
	}
	return k
}

// valid reports whether the month and day exist (in the year, when
// written; 2月29日 without a year is accepted).
func (dt *Date) valid() bool {
	if dt.Month == 0 && dt.Day == 0 {
		return true
	}
	if dt.Month < 1 || dt.Month > 12 {
		return false
	}
	if dt.Day == 0 {
		return true
	}
	y := dt.Year
	if y == 0 {
		y = 2024 // a leap year: 2月29日 may be right
	}
	last := time.Date(y, time.Month(dt.Month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return dt.Day >= 1 && dt.Day <= last
}

func (dt *Date) chinese() string {
	var b strings.Builder
	if dt.Year > 0 {
		fmt.Fprintf(&b, "%d年", dt.Year)
	}
	if dt.Month > 0 {
		fmt.Fprintf(&b, "%d月", dt.Month)
	}
	if dt.Day > 0 {
		fmt.Fprintf(&b, "%d日", dt.Day)
	}
	return b.String()
}

// dateFindings checks dates: written as bare digits (20241120日), not in
// the calendar (2月30日, 13月), or a 截至 with no date after it (截止11).
func dateFindings(d *doc, figs []Figure) []Finding {
	var out []Finding
	for _, f := range figs {
		switch {
		case f.Kind == KindDate && f.Date.Compact:
			fix := weijian.Text{}
			if f.Date.valid() {
				fix = weijian.T("改为“"+f.Date.chinese()+"”", "write “"+f.Date.chinese()+"”")
			}
			out = append(out, finding("date.malformed", Warning, f.start, f.end,
				weijian.T("日期格式不规范：“"+f.Written+"日”应写作“年月日”", "malformed date: “"+f.Written+"日” should be written as 年月日"), fix))
		case f.Kind == KindDate && !f.Date.valid():
			out = append(out, finding("date.invalid", Error, f.start, f.end,
				weijian.T("日期不存在："+f.Date.chinese(), "no such date: "+f.Date.chinese()),
				weijian.T("核对月份和日期", "check the month and day")))
		case f.Kind != KindDate && f.Unit == "" && (strings.HasSuffix(f.Label, "截至") || strings.HasSuffix(f.Label, "截止")):
			out = append(out, finding("date.incomplete", Warning, f.start, f.end,
				weijian.T("“截至”后的日期不完整："+f.Label+f.Written, "incomplete date after 截至: "+f.Label+f.Written),
				weijian.T("补全为“"+f.Written+"月”或完整日期", "complete it, e.g. “"+f.Written+"月”")))
		}
	}
	return out
}

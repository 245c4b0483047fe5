package period

import (
	"fmt"
	"strings"
	"time"
)

// The language tags of labels. "en" and its regional forms (such as
// "en-GB") give English; any other tag gives Chinese, the platform's
// default.
const (
	LangZH = "zh"
	LangEN = "en"
)

// zhQuarters are the Chinese numerals of quarters 1–4.
var zhQuarters = [...]string{"一", "二", "三", "四"}

// isEnglish reports whether lang asks for English labels: "en", "EN",
// "en-GB", "en_US" and so on.
func isEnglish(lang string) bool {
	l := strings.ToLower(lang)
	return l == LangEN || strings.HasPrefix(l, "en-") || strings.HasPrefix(l, "en_")
}

// Label returns the human label of p in lang ("zh" or "en"):
//
//	year      2024年          2024
//	half-year 2024年上半年    H1 2024
//	quarter   2024年第二季度  Q2 2024
//	month     2024年6月       June 2024
//	week      2024年第23周    Week 23, 2024
//	day       2024年6月30日   30 June 2024
//
// The year of a week is its ISO year. The zero Period gives "".
func (p Period) Label(lang string) string {
	if p.IsZero() {
		return ""
	}
	if isEnglish(lang) {
		return p.labelEN()
	}
	return p.labelZH()
}

func (p Period) labelZH() string {
	y, i := p.Year(), p.Index()
	switch p.typ {
	case Day:
		return p.start.Label(LangZH)
	case Week:
		return fmt.Sprintf("%d年第%d周", y, i)
	case Month:
		return fmt.Sprintf("%d年%d月", y, i)
	case Quarter:
		return fmt.Sprintf("%d年第%s季度", y, zhQuarters[i-1])
	case HalfYear:
		return fmt.Sprintf("%d年%s半年", y, [...]string{"上", "下"}[i-1])
	}
	return fmt.Sprintf("%d年", y)
}

func (p Period) labelEN() string {
	y, i := p.Year(), p.Index()
	switch p.typ {
	case Day:
		return p.start.Label(LangEN)
	case Week:
		return fmt.Sprintf("Week %d, %d", i, y)
	case Month:
		return fmt.Sprintf("%s %d", time.Month(i), y)
	case Quarter:
		return fmt.Sprintf("Q%d %d", i, y)
	case HalfYear:
		return fmt.Sprintf("H%d %d", i, y)
	}
	return fmt.Sprint(y)
}

// Label returns d as "2024年6月30日" (zh) or "30 June 2024" (en).
func (d Date) Label(lang string) string {
	if isEnglish(lang) {
		return fmt.Sprintf("%d %s %d", d.Day, d.Month, d.Year)
	}
	return fmt.Sprintf("%d年%d月%d日", d.Year, int(d.Month), d.Day)
}

// AsOfLabel returns the cut-off label of a report: "截至2024年6月30日" (zh)
// or "as of 30 June 2024" (en).
func AsOfLabel(d Date, lang string) string {
	if isEnglish(lang) {
		return "as of " + d.Label(lang)
	}
	return "截至" + d.Label(lang)
}

// parseChinese reads the Chinese forms (see Parse); it returns a reason on
// failure.
func parseChinese(s string) (Period, string) {
	ys, rest, _ := strings.Cut(s, "年")
	if len(ys) != 4 {
		return Period{}, fmt.Sprintf("%q before 年 is not a four-digit year", ys)
	}
	year, _, reason := splitYear(ys)
	if reason != "" {
		return Period{}, reason
	}
	return parseAfterYear(year, rest)
}

// parseAfterYear reads what follows "2024年".
func parseAfterYear(year int, rest string) (Period, string) {
	switch {
	case rest == "":
		return build(Year, year, "1")
	case rest == "上半年":
		return build(HalfYear, year, "1")
	case rest == "下半年":
		return build(HalfYear, year, "2")
	case strings.HasSuffix(rest, "季度"):
		return parseZHQuarter(year, strings.TrimSuffix(rest, "季度"))
	case strings.HasPrefix(rest, "第") && strings.HasSuffix(rest, "周"):
		return build(Week, year, strings.TrimSuffix(strings.TrimPrefix(rest, "第"), "周"))
	case strings.HasSuffix(rest, "月") && len(rest) <= len("12月"):
		return build(Month, year, strings.TrimSuffix(rest, "月"))
	case strings.HasSuffix(rest, "日"):
		return parseZHDay(year, strings.TrimSuffix(rest, "日"))
	}
	return Period{}, fmt.Sprintf("%q after 年 is not 上半年, 下半年, 第N季度, N月, 第N周 or N月N日", rest)
}

// parseZHQuarter reads "第二", "第2", "二" or "2" (the text before 季度).
func parseZHQuarter(year int, q string) (Period, string) {
	q = strings.TrimPrefix(q, "第")
	for i, zh := range zhQuarters {
		if q == zh {
			return build(Quarter, year, fmt.Sprint(i+1))
		}
	}
	if len(q) != 1 {
		return Period{}, fmt.Sprintf("quarter %q is not 一, 二, 三, 四 or 1–4", q)
	}
	return build(Quarter, year, q)
}

// parseZHDay reads "6月30" (the text before 日).
func parseZHDay(year int, md string) (Period, string) {
	ms, ds, ok := strings.Cut(md, "月")
	m, okM := digits(ms)
	d, okD := digits(ds)
	if !ok || !okM || !okD || len(ms) > 2 || len(ds) > 2 {
		return Period{}, fmt.Sprintf("%q is not N月N日", md+"日")
	}
	date, reason := checkDate(year, m, d)
	return Of(Day, date), reason
}

package web

import (
	"encoding/json"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/weijian-health/weijian"
)

// funcs are the template functions, bound to one language.
func (res *resources) funcs(lang string) template.FuncMap {
	return template.FuncMap{
		"t":         func(key string, args ...any) string { return res.cat.T(lang, key, args...) },
		"lang":      func() string { return lang },
		"asset":     res.assets.URL,
		"num":       formatInt,
		"pct":       percent,
		"date":      formatDate,
		"datetime":  formatDateTime,
		"json":      toJSON,
		"text":      func(t weijian.Text) string { return t.In(lang) },
		"role":      func(r weijian.Role) string { return roleName(r, lang) },
		"add":       func(a, b int) int { return a + b },
		"sub":       func(a, b int) int { return a - b },
		"action":    func(a string) string { return res.cat.action(lang, a) },
		"can":       func(u *weijian.User, perm string) bool { return u != nil && u.Can(weijian.Permission(perm)) },
		"int64":     func(n int) int64 { return int64(n) },
		"list":      func(a ...string) []string { return a },
		"hasPrefix": strings.HasPrefix,
		"ratio":     ratioText,
	}
}

// formatInt writes a count with thousands separators: 874,334.
func formatInt(v any) string {
	var n int64
	switch x := v.(type) {
	case int:
		n = int64(x)
	case int64:
		n = x
	default:
		return fmt.Sprint(v)
	}
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		return "-" + s
	}
	return s
}

// percent formats a/b as a percentage with one decimal; "–" when b is 0.
func percent(a, b int64) string {
	if b == 0 {
		return "–"
	}
	return strconv.FormatFloat(float64(a)*100/float64(b), 'f', 1, 64) + "%"
}

// formatDate shows a calendar date (a validity date, stored as midnight
// UTC) as it is, without converting it to another zone.
func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// chinaTime is the zone every time is shown in: China Standard Time
// (UTC+8, no daylight saving), where the users are, whatever the zone of
// the server (UTC in a container).
var chinaTime = time.FixedZone("CST", 8*3600)

// formatDateTime shows an instant to the minute, in China Standard Time.
func formatDateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(chinaTime).Format("2006-01-02 15:04")
}

func toJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

func roleName(r weijian.Role, lang string) string {
	if ri, ok := weijian.LookupRole(r); ok {
		return ri.Name.In(lang)
	}
	return string(r)
}

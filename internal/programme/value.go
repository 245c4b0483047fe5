package programme

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/weijian-health/weijian/internal/period"
)

// Normalized values: int fields hold int64, number fields float64, text
// fields string, date fields period.Date, bool fields bool, option fields
// the code as a string (or []string when several may be chosen). An
// unanswered field is absent from the map.
//
// Input may come from JSON (float64, string, bool, []any), from a
// spreadsheet (strings for everything) or from Go code (int, int64,
// period.Date, time.Time, []string).

// parse converts raw to the field's type; blank input is (nil, "").
// A failure returns a rule and a message.
func (fd *Field) parse(raw any) (any, *FieldError) {
	if isBlank(raw) {
		return nil, nil
	}
	var v any
	var ok bool
	switch fd.Type {
	case Int:
		v, ok = parseInt(raw)
	case Number:
		v, ok = parseFloat(raw)
	case Text:
		v, ok = parseText(raw)
	case Date:
		v, ok = parseDate(raw)
	case Bool:
		v, ok = parseBool(raw)
	case Options:
		return fd.parseOptions(raw)
	}
	if !ok {
		e := fieldErr(fd.Code, raw, "type", fd.Label.ZH+"应为"+typeZH[fd.Type], fd.labelEN()+" must be "+typeEN[fd.Type])
		return nil, &e
	}
	return v, nil
}

var typeZH = map[Type]string{Int: "整数", Number: "数字", Text: "文本", Date: "日期（YYYY-MM-DD）", Bool: "是/否", Options: "代码表中的代码"}
var typeEN = map[Type]string{Int: "a whole number", Number: "a number", Text: "text", Date: "a date (YYYY-MM-DD)", Bool: "yes/no", Options: "a code of its code table"}

func (fd *Field) labelEN() string {
	if fd.Label.EN != "" {
		return fd.Label.EN
	}
	return fd.Code
}

func isBlank(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(v) == ""
	case []any:
		return len(v) == 0
	case []string:
		return len(v) == 0
	}
	return false
}

func parseInt(raw any) (int64, bool) {
	f, ok := parseFloat(raw)
	if !ok || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int64(f), true
}

func parseFloat(raw any) (float64, bool) {
	var f float64
	switch v := raw.(type) {
	case float64:
		f = v
	case float32:
		f = float64(v)
	case int:
		f = float64(v)
	case int64:
		f = float64(v)
	case json.Number:
		x, err := v.Float64()
		if err != nil {
			return 0, false
		}
		f = x
	case string:
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return 0, false
		}
		f = x
	default:
		return 0, false
	}
	return f, !math.IsNaN(f) && !math.IsInf(f, 0)
}

func parseText(raw any) (string, bool) {
	switch v := raw.(type) {
	case string:
		return strings.TrimSpace(v), true
	case float64, int, int64, json.Number:
		f, _ := parseFloat(v)
		return strconv.FormatFloat(f, 'f', -1, 64), true
	}
	return "", false
}

// parseDate accepts 2024-06-30, 2024/6/30, 2024.6.30, 20240630 and
// 2024年6月30日, as real exports write them.
func parseDate(raw any) (period.Date, bool) {
	switch v := raw.(type) {
	case period.Date:
		return v, v.IsValid()
	case time.Time:
		return period.DateOf(v), true
	case string:
		return parseDateText(strings.TrimSpace(v))
	}
	return period.Date{}, false
}

func parseDateText(s string) (period.Date, bool) {
	if d, err := period.ParseDate(s); err == nil {
		return d, true
	}
	if len(s) == 8 && !strings.ContainsAny(s, "-/.") {
		s = s[:4] + "-" + s[4:6] + "-" + s[6:]
	}
	s = strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-").Replace(s)
	if t := strings.Index(s, " "); t > 0 { // a time of day after the date
		s = s[:t]
	}
	parts := strings.Split(s, "-")
	if len(parts) != 3 {
		return period.Date{}, false
	}
	var n [3]int
	for i, p := range parts {
		x, err := strconv.Atoi(p)
		if err != nil {
			return period.Date{}, false
		}
		n[i] = x
	}
	d := period.Date{Year: n[0], Month: time.Month(n[1]), Day: n[2]}
	return d, d.Year >= 1 && d.IsValid()
}

func parseBool(raw any) (bool, bool) {
	switch v := raw.(type) {
	case bool:
		return v, true
	case float64:
		return v == 1, v == 0 || v == 1
	case int:
		return v == 1, v == 0 || v == 1
	case string:
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true", "1", "yes", "y", "是", "有", "t":
			return true, true
		case "false", "0", "no", "n", "否", "无", "f":
			return false, true
		}
	}
	return false, false
}

// parseOptions accepts a code, a label (Chinese or English) or, for a
// multiple-choice field, a list or a text of codes separated by , ; 、 or |.
func (fd *Field) parseOptions(raw any) (any, *FieldError) {
	switch raw.(type) {
	case []any, []string:
	default:
		if !fd.Multiple { // one choice, the common case: no list to make
			code, ok := fd.optionCode(raw)
			if !ok {
				e := fieldErr(fd.Code, raw, "option", fd.Label.ZH+"的代码不在代码表「"+fd.OptionSet.Name.ZH+"」中",
					fd.labelEN()+": the code is not in the code table "+fd.OptionSet.Code)
				return nil, &e
			}
			return code, nil
		}
	}
	var items []any
	switch v := raw.(type) {
	case []any:
		items = v
	case []string:
		for _, s := range v {
			items = append(items, s)
		}
	case string:
		if fd.Multiple {
			for _, s := range strings.FieldsFunc(v, func(r rune) bool { return strings.ContainsRune(",;、|，；", r) }) {
				items = append(items, s)
			}
		} else {
			items = []any{v}
		}
	default:
		items = []any{v}
	}
	if !fd.Multiple && len(items) != 1 {
		e := fieldErr(fd.Code, raw, "type", fd.Label.ZH+"只能选择一项", fd.labelEN()+" takes one choice")
		return nil, &e
	}
	var codes []string
	for _, it := range items {
		code, ok := fd.optionCode(it)
		if !ok {
			e := fieldErr(fd.Code, it, "option", fd.Label.ZH+"的代码不在代码表「"+fd.OptionSet.Name.ZH+"」中",
				fd.labelEN()+": the code is not in the code table "+fd.OptionSet.Code)
			return nil, &e
		}
		if !slices.Contains(codes, code) {
			codes = append(codes, code)
		}
	}
	if fd.Multiple {
		return codes, nil
	}
	return codes[0], nil
}

func (fd *Field) optionCode(raw any) (string, bool) {
	var s string
	switch v := raw.(type) {
	case string:
		s = strings.TrimSpace(v)
	case float64, int, int64, json.Number:
		s, _ = parseText(v)
	default:
		return "", false
	}
	if fd.OptionSet == nil {
		return "", false
	}
	if _, ok := fd.OptionSet.Lookup(s); ok {
		return s, true
	}
	for _, o := range fd.OptionSet.Options {
		if s == o.Label.ZH || o.Label.EN != "" && strings.EqualFold(s, o.Label.EN) {
			return o.Code, true
		}
	}
	return "", false
}

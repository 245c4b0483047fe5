package dataset

import (
	"strconv"
	"strings"

	"github.com/weijian-health/weijian"
)

// CheckValue checks one reported value of the element and returns it in
// canonical form ("12", "3.5"): a number of the element's type inside its
// range. The problem, if any, is an issue with a rule key and a message.
func (e *Element) CheckValue(s string) (string, *weijian.Issue) {
	s = strings.TrimSpace(s)
	bad := func(rule string, msg weijian.Text) (string, *weijian.Issue) {
		return "", &weijian.Issue{Field: "value", Value: s, Rule: rule, Msg: msg}
	}
	if s == "" {
		return bad("required", weijian.T("请填写数值", "a value is required"))
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != f {
		return bad("number", weijian.T("不是数字", "not a number"))
	}
	if e.Type == "int" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return bad("int", weijian.T("须为整数", "must be a whole number"))
		}
		s = strconv.FormatInt(n, 10)
	} else {
		s = strconv.FormatFloat(f, 'f', -1, 64)
	}
	if e.Min != nil && f < *e.Min {
		return bad("min", weijian.T("不得小于 "+fmtNum(*e.Min), "must be at least "+fmtNum(*e.Min)))
	}
	if e.Max != nil && f > *e.Max {
		return bad("max", weijian.T("不得大于 "+fmtNum(*e.Max), "must be at most "+fmtNum(*e.Max)))
	}
	return s, nil
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

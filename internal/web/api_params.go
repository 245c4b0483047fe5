package web

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/weijian-health/weijian"
)

// page is a validated ?limit=&offset= pair.
type page struct{ limit, offset int }

// pageParams reads ?limit= (1 to maxLimit; def when absent) and ?offset=
// (0 or more). Anything else is refused, naming the parameter and the
// rule, rather than silently replaced by a default.
func pageParams(q url.Values, def, maxLimit int) (page, error) {
	p := page{limit: def}
	var err error
	if v := q.Get("limit"); v != "" {
		if p.limit, err = intParam("limit", v, 1, maxLimit); err != nil {
			return p, err
		}
	}
	if v := q.Get("offset"); v != "" {
		if p.offset, err = intParam("offset", v, 0, 1<<31-1); err != nil {
			return p, err
		}
	}
	return p, nil
}

// intParam parses a whole number between lo and hi.
func intParam(name, v string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < lo || n > hi {
		return 0, weijian.Invalid(weijian.T(
			fmt.Sprintf("参数 %s 无效：%q，应为 %d 至 %d 之间的整数", name, v, lo, hi),
			fmt.Sprintf("parameter %s is invalid: %q; it must be a whole number from %d to %d", name, v, lo, hi)),
			weijian.Issue{Field: name, Value: weijian.Clip(v), Rule: "range"})
	}
	return n, nil
}

// slice returns the page of items and the number of all items.
func pageOf[T any](items []T, p page) ([]T, int) {
	total := len(items)
	from := min(p.offset, total)
	return items[from:min(from+p.limit, total)], total
}

// checkLevelType refuses a level or facility type that does not exist
// (a typo would otherwise match nothing and look like an empty answer).
func checkLevelType(n *names, level, typ string) error {
	if _, ok := n.level[level]; level != "" && !ok {
		return weijian.Invalid(weijian.T("参数 level 无效："+level+"，应为 "+strings.Join(n.levelKeys(), "、")+" 之一",
			"parameter level is invalid: "+level+"; it must be one of "+strings.Join(n.levelKeys(), ", ")),
			weijian.Issue{Field: "level", Value: weijian.Clip(level), Rule: "unknown_level"})
	}
	if _, ok := n.ftype[typ]; typ != "" && !ok {
		return weijian.Invalid(weijian.T("参数 type 无效："+typ+"（未知的机构类型，见 /api/v1/facility-types）",
			"parameter type is invalid: "+typ+" (unknown facility type; see /api/v1/facility-types)"),
			weijian.Issue{Field: "type", Value: weijian.Clip(typ), Rule: "unknown_type"})
	}
	return nil
}

// levelKeys lists the level keys, top first.
func (n *names) levelKeys() []string {
	out := make([]string, len(n.levels))
	for i, l := range n.levels {
		out[i] = l.Key
	}
	return out
}

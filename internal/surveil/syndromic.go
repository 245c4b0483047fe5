package surveil

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/tabular"
)

// Syndromic series (多点触发): daily counts from fever clinics, pharmacies
// and schools per county or township, run through the same detection and
// signals as the case reports. A day missing from a series is unknown,
// not zero: detection sees it as missing.

// ImportSeries validates and stores a file of syndromic counts (columns
// source, area_code, date, count — or 数据源, 地区代码, 日期, 数量), in one
// transaction per county; a re-sent file changes nothing.
func (sv *Service) ImportSeries(ctx context.Context, sc weijian.Scope, t *tabular.Table) (int, error) {
	col := func(names ...string) int { return t.Col(names...) }
	ci := []int{col("source", "数据源"), col("area_code", "地区代码"), col("date", "日期"), col("count", "数量")}
	for i, name := range []string{"source/数据源", "area_code/地区代码", "date/日期", "count/数量"} {
		if ci[i] < 0 {
			return 0, weijian.Invalid(weijian.T("缺少列 "+name+"（应为：数据源,地区代码,日期,数量）", "missing column "+name+" (want source,area_code,date,count)"))
		}
	}
	areas := map[string]*Area{}
	byCounty := map[string][]CountRow{}
	seen := map[string]int{}
	var issues []weijian.Issue
	bad := func(line int, field, value, zh, en string) {
		issues = append(issues, weijian.Issue{Row: line, Field: field, Value: weijian.Clip(value), Rule: "series", Msg: weijian.T(zh, en)})
	}
	today := period.DateOf(sv.now().In(China))
	for _, row := range t.Rows {
		src, code, ds, ns := row.Get(ci[0]), row.Get(ci[1]), row.Get(ci[2]), row.Get(ci[3])
		if sv.cat.Source(src) == nil {
			bad(row.Line, "source", src, "未知数据源", "unknown source")
		}
		a, err := sv.seriesArea(ctx, sc, code, areas)
		if err != nil {
			return 0, err
		}
		if a == nil {
			bad(row.Line, "area_code", code, "地区代码应为范围内的县或乡镇", "the area must be a county or township in your scope")
		}
		var d period.Date
		if err := parseDateInto(&d, ds); err != nil || d.IsZero() {
			bad(row.Line, "date", ds, "日期无效（yyyy-mm-dd）", "not a date (yyyy-mm-dd)")
		} else if d.After(today) {
			bad(row.Line, "date", ds, "日期在未来", "the date is in the future")
		}
		n, err := strconv.Atoi(ns)
		if err != nil || n < 0 || n > math.MaxInt32 {
			bad(row.Line, "count", ns, "数量应为非负整数", "the count is a non-negative whole number")
		}
		key := src + "|" + code + "|" + ds
		if first, dup := seen[key]; dup {
			bad(row.Line, "date", ds, fmt.Sprintf("与第%d行重复（同一数据源、地区、日期）", first), fmt.Sprintf("repeats row %d (same source, area and date)", first))
		}
		seen[key] = row.Line
		if a != nil && len(issues) == 0 {
			byCounty[code[:6]] = append(byCounty[code[:6]], CountRow{Line: row.Line, Item: src, AreaID: a.ID, Day: d, N: n})
		}
	}
	if len(issues) > 0 {
		return 0, weijian.Invalid(weijian.T(fmt.Sprintf("文件中有 %d 处错误，未导入", len(issues)),
			fmt.Sprintf("the file has %d problems; nothing was imported", len(issues))), issues...)
	}
	changed := 0
	for county, rows := range byCounty {
		n, err := sv.store.SetCounts(ctx, county, rows)
		if err != nil {
			return changed, err
		}
		changed += n
	}
	return changed, nil
}

// seriesArea resolves a county or township code in scope.
func (sv *Service) seriesArea(ctx context.Context, sc weijian.Scope, code string, cache map[string]*Area) (*Area, error) {
	if a, ok := cache[code]; ok {
		return a, nil
	}
	var out *Area
	if len(code) == 12 && strings.Trim(code, "0123456789") == "" {
		areas, err := sv.Areas(ctx, code[:6])
		if err != nil && weijian.ErrorKind(err) != weijian.KindNotFound {
			return nil, err
		}
		for i, a := range areas {
			if a.Code == code && sc.Covers(a.Path) {
				out = &areas[i]
			}
		}
	}
	cache[code] = out
	return out, nil
}

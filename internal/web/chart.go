package web

import "slices"

// ECharts options are built here, in Go, as JSON-ready maps; app.js reads
// them from a data-option attribute and draws them. No script is inline.

// fontStack is the font family of chart text, Chinese fonts first.
const fontStack = `"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","Noto Sans SC",sans-serif`

const (
	colorMale   = "#3b73b9"
	colorFemale = "#d9607a"
	colorMain   = "#2f7d6d"
)

type chartOption map[string]any

func baseOption() chartOption {
	return chartOption{
		"textStyle": map[string]any{"fontFamily": fontStack, "fontSize": 12},
		// right: room for the value label at the end of the longest bar
		// ("275,206"), which containLabel does not count.
		"grid":      map[string]any{"left": 8, "right": 60, "top": 16, "bottom": 8, "containLabel": true},
		"tooltip":   map[string]any{"trigger": "axis", "axisPointer": map[string]any{"type": "shadow"}},
		"animation": false,
	}
}

// barOption is a horizontal bar chart of values by name, largest on top.
func barOption(series string, labels []string, values []int64) chartOption {
	idx := make([]int, len(labels))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp64(values[a], values[b]) })
	ls, vs := make([]string, len(idx)), make([]int64, len(idx))
	for i, j := range idx {
		ls[i], vs[i] = labels[j], values[j]
	}
	o := baseOption()
	o["xAxis"] = map[string]any{"type": "value", "splitLine": map[string]any{"lineStyle": map[string]any{"color": "#eee"}}}
	o["yAxis"] = map[string]any{"type": "category", "data": ls, "axisTick": map[string]any{"show": false}}
	o["series"] = []any{map[string]any{"name": series, "type": "bar", "data": vs, "barMaxWidth": 18,
		"itemStyle": map[string]any{"color": colorMain},
		"label":     map[string]any{"show": true, "position": "right", "fontSize": 11}}}
	return o
}

// pyramidOption is a population pyramid: males to the left (drawn as
// negative values; app.js shows them without the sign), females to the
// right, the youngest band at the bottom.
func pyramidOption(maleName, femaleName string, bands []string, male, female []int64) chartOption {
	neg := make([]int64, len(male))
	var top int64
	for i, m := range male {
		neg[i] = -m
		top = max(top, m, female[i])
	}
	lim := niceCeil(top) // the same scale on both sides
	o := baseOption()
	o["weijianAbs"] = true
	o["legend"] = map[string]any{"data": []string{maleName, femaleName}, "top": 0}
	o["grid"] = map[string]any{"left": 8, "right": 30, "top": 30, "bottom": 8, "containLabel": true}
	o["xAxis"] = map[string]any{"type": "value", "min": -lim, "max": lim, "interval": float64(lim) / 2,
		"splitLine": map[string]any{"lineStyle": map[string]any{"color": "#eee"}}}
	o["yAxis"] = map[string]any{"type": "category", "data": bands, "axisTick": map[string]any{"show": false}}
	o["series"] = []any{
		map[string]any{"name": maleName, "type": "bar", "stack": "pop", "data": neg, "itemStyle": map[string]any{"color": colorMale}, "barCategoryGap": "15%"},
		map[string]any{"name": femaleName, "type": "bar", "stack": "pop", "data": female, "itemStyle": map[string]any{"color": colorFemale}},
	}
	return o
}

func cmp64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// niceCeil rounds n up to 1, 2, 2.5 or 5 times a power of ten (at least 1).
func niceCeil(n int64) int64 {
	for mag := int64(1); ; mag *= 10 {
		for _, f := range []int64{10, 20, 25, 50} {
			if v := f * mag / 10; v >= n && v > 0 {
				return v
			}
		}
	}
}

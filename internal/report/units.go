package report

import (
	"sort"
	"strconv"
	"strings"

	"github.com/weijian-health/weijian/internal/analytics"
	"github.com/weijian-health/weijian/internal/indicator"
)

// tableRows returns the units of a table: those below, then the unit
// itself as the total row.
func (r *run) tableRows(codes []string) ([]string, error) {
	for _, code := range codes {
		if _, err := r.cell(code, r.p.OrgUnit); err != nil {
			return nil, err
		}
	}
	if err := r.ensureChildren(codes); err != nil {
		return nil, err
	}
	return append(append([]string{}, r.children...), r.p.OrgUnit), nil
}

// ensureChildren asks, in one grid, for the units below of the codes not
// asked for yet.
func (r *run) ensureChildren(codes []string) error {
	var missing []string
	for _, c := range codes {
		if !r.kids[c] {
			missing = addCode(missing, c)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	for _, c := range missing {
		r.kids[c] = true
	}
	return r.grid(missing, analytics.OUChildren)
}

func mdRow(cells []string) string { return "| " + strings.Join(cells, " | ") + " |\n" }

func mdTable(head []string, rows [][]string) string {
	var b strings.Builder
	b.WriteString("\n" + mdRow(head))
	sep := make([]string, len(head))
	for i := range sep {
		sep[i] = "---"
	}
	b.WriteString(mdRow(sep))
	for _, row := range rows {
		b.WriteString(mdRow(row))
	}
	return b.String() + "\n"
}

// table writes the values of codes by unit.
func (r *run) table(codes ...string) (string, error) {
	units, err := r.tableRows(codes)
	if err != nil {
		return "", err
	}
	head := []string{"单位"}
	for _, code := range codes {
		d := r.t.lib.Get(code)
		head = append(head, d.Name.ZH+unitLabel(d.Unit))
	}
	var rows [][]string
	for _, ou := range units {
		row := []string{r.ouName(ou)}
		for _, code := range codes {
			c, _ := r.cell(code, ou)
			row = append(row, r.fig(c, "value", bareValue(c, r.t.lib.Get(code).Unit), rawOf(c)))
		}
		rows = append(rows, row)
	}
	return mdTable(head, rows), nil
}

// bareValue is a value in a table whose heading names the unit.
func bareValue(c *analytics.Cell, u indicator.Unit) string {
	return strings.TrimSuffix(valueText(c, u), suffix(u))
}

func unitLabel(u indicator.Unit) string {
	if s := suffix(u); s != "" {
		return "（" + s + "）"
	}
	return ""
}

// detail writes one indicator by unit with its counts, target, 完成率,
// pace and rank; columns no unit has are left out.
func (r *run) detail(code string) (string, error) {
	units, err := r.tableRows([]string{code})
	if err != nil {
		return "", err
	}
	d := r.t.lib.Get(code)
	cols := []struct {
		head string
		has  func(c *analytics.Cell) bool
		cell func(c *analytics.Cell) string
	}{
		{"分子", func(c *analytics.Cell) bool { return c.Numerator != nil && c.Denominator != nil }, func(c *analytics.Cell) string { return r.countFig(c, c.Numerator, "numerator") }},
		{"分母", func(c *analytics.Cell) bool { return c.Denominator != nil }, func(c *analytics.Cell) string { return r.countFig(c, c.Denominator, "denominator") }},
		{d.Name.ZH + unitLabel(d.Unit), func(*analytics.Cell) bool { return true }, func(c *analytics.Cell) string { return r.fig(c, "value", bareValue(c, d.Unit), rawOf(c)) }},
		{"任务数/目标值", func(c *analytics.Cell) bool { return c.Target != nil }, func(c *analytics.Cell) string { return r.fig(c, "target", targetNumber(c), c.Target) }},
		{"完成率（%）", func(c *analytics.Cell) bool { return c.Target != nil }, func(c *analytics.Cell) string {
			return r.fig(c, "completion", pct(c.Completion, c.NoData), c.Completion)
		}},
		{"序时进度（%）", func(c *analytics.Cell) bool { return c.Pace != nil && cumulative(d.Unit) }, func(c *analytics.Cell) string { return r.fig(c, "pace", pct(c.Pace, false), c.Pace) }},
		{"排名", func(c *analytics.Cell) bool { return c.Rank > 0 && c.OrgUnit != r.p.OrgUnit }, func(c *analytics.Cell) string { return rankText(c, r.p.OrgUnit) }},
	}
	head := []string{"单位"}
	var keep []int
	for i, col := range cols {
		for _, ou := range units {
			if c, _ := r.cell(code, ou); col.has(c) {
				keep = append(keep, i)
				head = append(head, col.head)
				break
			}
		}
	}
	var rows [][]string
	for _, ou := range units {
		c, _ := r.cell(code, ou)
		row := []string{r.ouName(ou)}
		for _, i := range keep {
			row = append(row, cols[i].cell(c))
		}
		rows = append(rows, row)
	}
	return mdTable(head, rows), nil
}

func (r *run) countFig(c *analytics.Cell, x *float64, kind string) string {
	if c.NoData || x == nil {
		return r.fig(c, kind, "—", nil)
	}
	return r.fig(c, kind, num2(*x), x)
}

func targetNumber(c *analytics.Cell) string {
	if c.Target == nil {
		return "—"
	}
	return num2(*c.Target)
}

func pct(x *float64, noData bool) string {
	if x == nil || noData {
		return "—"
	}
	return fixed2(*x)
}

func rankText(c *analytics.Cell, self string) string {
	if c.Rank <= 0 || c.OrgUnit == self {
		return "—"
	}
	return strconv.Itoa(c.Rank)
}

// ranked returns the units below with data for code, best first.
func (r *run) ranked(code string) ([]*analytics.Cell, error) {
	if _, err := r.tableRows([]string{code}); err != nil {
		return nil, err
	}
	d := r.t.lib.Get(code)
	var cs []*analytics.Cell
	for _, ou := range r.children {
		if c, _ := r.cell(code, ou); !c.NoData && c.Raw != nil {
			cs = append(cs, c)
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return better(cs[i], cs[j], d.Higher) })
	return cs, nil
}

// better orders two units: by 完成率 when both have a target, else by
// value in the indicator's direction.
func better(a, b *analytics.Cell, higher bool) bool {
	if a.Completion != nil && b.Completion != nil {
		return *a.Completion > *b.Completion
	}
	if higher {
		return *a.Raw > *b.Raw
	}
	return *a.Raw < *b.Raw
}

func (r *run) best(code string, n ...int) (string, error)  { return r.ends(code, false, n) }
func (r *run) worst(code string, n ...int) (string, error) { return r.ends(code, true, n) }

// ends names the first (or last) n units, "城东镇（95.20%）、曲塘镇（94.10%）".
func (r *run) ends(code string, worst bool, n []int) (string, error) {
	cs, err := r.ranked(code)
	if err != nil {
		return "", err
	}
	if len(cs) == 0 {
		return "暂无分单位数据", nil
	}
	k := 3
	if len(n) > 0 && n[0] > 0 {
		k = n[0]
	}
	k = min(k, max(1, len(cs)/2)) // the best and the worst never overlap
	var parts []string
	for i := 0; i < k; i++ {
		c := cs[i]
		if worst {
			c = cs[len(cs)-1-i]
		}
		parts = append(parts, r.unitFig(c))
	}
	return strings.Join(parts, "、"), nil
}

// unitFig names a unit with its figure: 完成率 when it has a target, else
// its value — "李堡镇（完成率91.91%）".
func (r *run) unitFig(c *analytics.Cell) string {
	if c.Completion != nil && !c.NoData {
		return r.ouName(c.OrgUnit) + "（" + r.fig(c, "completion", completionText(c), c.Completion) + "）"
	}
	return r.ouName(c.OrgUnit) + "（" + r.fig(c, "value", valueText(c, r.t.lib.Get(c.Indicator).Unit), rawOf(c)) + "）"
}

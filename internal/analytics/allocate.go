package analytics

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/expr"
	"github.com/weijian-health/weijian/internal/indicator"
)

// Allocation hands a unit's annual target down the tree (分解任务).
//
// By population (Method weijian.TargetByPopulation), each child gets the
// parent's target × its share of the population base: the stored
// population of the year (or, when the year has none yet, of the latest
// of the three years before it) of the base's sex and age band. A count
// is split by the largest-remainder method in whole units (an amount in
// hundredths), so the children sum exactly to the parent; a rate's 目标值
// is not split but given to every child as it is.
//
// By hand (Method weijian.TargetByHand), Values gives every child's
// target; for a count or an amount they must sum to the parent's, else
// nothing is stored and the error names the units and the difference.
type Allocation struct {
	Indicator string
	OrgUnit   string // the parent
	Year      int
	Method    string
	// Value, when set, is stored as the parent's target first (entered at
	// the county and allocated in one step); otherwise the stored target
	// of the parent is allocated.
	Value *float64
	// Values are the children's targets by unit code (by hand).
	Values map[string]float64
	// Base is the population base (by population); nil: PopBase of the
	// indicator.
	Base *PopBase
	// Depth is how many levels down to allocate (by population): 1 (or 0)
	// the children, 2 the children and theirs (county → towns → villages).
	Depth int
}

// PopBase is the part of the population a target is shared by: a sex
// (0 both) and an age band.
type PopBase struct {
	Sex int
	Age weijian.AgeBand
}

// String writes the base as the API takes it: "F 35-64", "all".
func (b PopBase) String() string {
	sex := map[int]string{weijian.SexMale: "M ", weijian.SexFemale: "F "}[b.Sex]
	if b.Age == weijian.AllAges && sex == "" {
		return "all"
	}
	return sex + b.Age.String()
}

// BaseOf is the population base of an indicator: the filters of the first
// pop{…} of its denominator (or, failing that, of its numerator) in its
// latest 口径 — pop{sex=F; age=35-64} for a screening of women aged 35–64
// — and the whole population when it has none.
func BaseOf(d *indicator.Def) PopBase {
	base := PopBase{Age: weijian.AllAges}
	if len(d.Versions) == 0 {
		return base
	}
	v := d.Versions[len(d.Versions)-1]
	for _, src := range []string{v.Denominator, v.Numerator} {
		n, err := expr.Parse(src)
		if src == "" || err != nil {
			continue
		}
		for _, r := range expr.Refs(n) {
			if r.Kind != expr.RefPopulation {
				continue
			}
			for _, f := range r.Filters {
				applyFilter(&base, f.Dim, strings.Join(f.Values, ","))
			}
			return base
		}
	}
	return base
}

// ParseBase reads "F 35-64", "女 35-64", "65+", "all".
func ParseBase(s string) (PopBase, error) {
	base := PopBase{Age: weijian.AllAges}
	for _, f := range strings.Fields(s) {
		switch strings.ToUpper(f) {
		case "F", "女":
			base.Sex = weijian.SexFemale
		case "M", "男":
			base.Sex = weijian.SexMale
		case "ALL", "合计":
		default:
			band, err := weijian.ParseAgeBand(f)
			if err != nil {
				return base, badParam("base", s, weijian.T("人口基数写作 F 35-64、65+ 或 all", "write the base as F 35-64, 65+ or all"))
			}
			base.Age = band
		}
	}
	return base, nil
}

func applyFilter(b *PopBase, dim, val string) {
	switch dim {
	case "sex":
		switch strings.ToUpper(val) {
		case "F", "2", "女":
			b.Sex = weijian.SexFemale
		case "M", "1", "男":
			b.Sex = weijian.SexMale
		}
	case "age":
		if band, err := weijian.ParseAgeBand(val); err == nil {
			b.Age = band
		}
	}
}

// divisible reports whether an indicator's targets add up down the tree
// (a count or an amount) rather than hold at every level (a rate).
func divisible(d *indicator.Def) bool { return Cumulative(d.Unit) }

// Allocate allocates one target (see Allocation) and stores the result;
// sc is where the caller may set targets: the parent must lie in it.
func (s *Service) Allocate(ctx context.Context, sc weijian.Scope, actor string, a Allocation) ([]weijian.Target, error) {
	return s.AllocateAll(ctx, sc, actor, []Allocation{a})
}

// AllocateAll allocates several targets and stores every result in one
// batch, all or nothing. Population figures are read once per unit and
// year for the whole batch.
func (s *Service) AllocateAll(ctx context.Context, sc weijian.Scope, actor string, as []Allocation) ([]weijian.Target, error) {
	al := &allocator{s: s, sc: sc, pops: map[popKey]*popTree{}}
	var rows []weijian.Target
	for _, a := range as {
		got, err := al.allocate(ctx, a)
		if err != nil {
			return nil, err
		}
		rows = append(rows, got...)
	}
	if _, err := s.Store.SetTargets(ctx, sc, actor, rows, weijian.ImportOptions{Actor: actor}); err != nil {
		return nil, err
	}
	return rows, nil
}

// allocator computes allocations, caching population by root and year.
type allocator struct {
	s    *Service
	sc   weijian.Scope
	pops map[popKey]*popTree
}

func (al *allocator) allocate(ctx context.Context, a Allocation) ([]weijian.Target, error) {
	d := al.s.Eval.Library().Get(a.Indicator)
	if d == nil {
		return nil, badParam("indicator", a.Indicator, weijian.T("指标库中没有指标 "+a.Indicator, "no indicator "+a.Indicator+" in the library"))
	}
	parent, err := al.s.Store.OrgUnit(ctx, al.sc, a.OrgUnit)
	if err != nil {
		return nil, err
	}
	if !al.sc.Covers(parent.Path) {
		return nil, weijian.E(weijian.KindForbidden, weijian.T("您不能为 "+parent.Name+" 分解任务", "you may not allocate the targets of "+parent.Name))
	}
	var rows []weijian.Target
	value := 0.0
	if a.Value != nil {
		value = *a.Value
		rows = append(rows, weijian.Target{Indicator: d.Code, UnitCode: parent.Code, Year: a.Year, Value: value, Method: weijian.TargetEntered})
	} else if value, err = al.stored(ctx, d.Code, parent, a.Year); err != nil {
		return nil, err
	}
	switch a.Method {
	case weijian.TargetByHand:
		kids, err := al.children(ctx, parent)
		if err != nil {
			return nil, err
		}
		got, err := byHand(d, parent, value, kids, a)
		return append(rows, got...), err
	case weijian.TargetByPopulation, "":
		base := BaseOf(d)
		if a.Base != nil {
			base = *a.Base
		}
		got, err := al.byPopulation(ctx, d, parent, value, a.Year, base, max(a.Depth, 1))
		return append(rows, got...), err
	}
	return nil, badParam("method", a.Method, weijian.T("分解方式应为 population（按人口）或 hand（手工）", "method must be population or hand"))
}

// stored reads the parent's stored target.
func (al *allocator) stored(ctx context.Context, code string, parent *weijian.OrgUnit, year int) (float64, error) {
	ts, err := al.s.Store.Targets(ctx, al.sc, weijian.TargetFilter{Indicators: []string{code}, UnitCodes: []string{parent.Code}, Year: year})
	if err != nil {
		return 0, err
	}
	if len(ts) == 0 {
		return 0, weijian.Invalid(weijian.T(
			fmt.Sprintf("%s 尚无 %d 年 %s 的任务数，请先设置再分解", parent.Name, year, code),
			fmt.Sprintf("%s has no %d target for %s: set it before allocating", parent.Name, year, code)))
	}
	return ts[0].Value, nil
}

// children are the areas directly under the parent.
func (al *allocator) children(ctx context.Context, parent *weijian.OrgUnit) ([]*weijian.OrgUnit, error) {
	kids, err := al.s.Store.Children(ctx, al.sc, parent.Code)
	if err != nil {
		return nil, err
	}
	kids = areas(kids)
	if len(kids) == 0 {
		return nil, weijian.Invalid(weijian.T(parent.Name+" 没有下级单位，无法分解", parent.Name+" has no units below it to allocate to"))
	}
	return kids, nil
}

// byHand checks the children's targets given by hand.
func byHand(d *indicator.Def, parent *weijian.OrgUnit, value float64, kids []*weijian.OrgUnit, a Allocation) ([]weijian.Target, error) {
	known := map[string]bool{}
	var rows []weijian.Target
	var missing []string
	sum := 0.0
	for _, k := range kids {
		known[k.Code] = true
		v, ok := a.Values[k.Code]
		if !ok {
			missing = append(missing, k.Name+"("+k.Code+")")
			continue
		}
		sum += v
		rows = append(rows, weijian.Target{Indicator: d.Code, UnitCode: k.Code, Year: a.Year, Value: v, Method: weijian.TargetByHand})
	}
	var stray []string
	for code := range a.Values {
		if !known[code] {
			stray = append(stray, code)
		}
	}
	sort.Strings(stray)
	switch {
	case len(stray) > 0:
		return nil, weijian.Invalid(weijian.T(
			fmt.Sprintf("这些单位不是 %s 的下级：%s", parent.Name, strings.Join(stray, "、")),
			fmt.Sprintf("not directly under %s: %s", parent.Name, strings.Join(stray, ", "))))
	case len(missing) > 0:
		return nil, weijian.Invalid(weijian.T(
			fmt.Sprintf("缺少这些下级单位的任务数：%s", strings.Join(missing, "、")),
			fmt.Sprintf("no target given for: %s", strings.Join(missing, ", "))))
	}
	if diff := expr.RoundHalfUp(sum-value, 2); divisible(d) && diff != 0 {
		return nil, weijian.Invalid(weijian.T(
			fmt.Sprintf("%d个下级单位（%s）的任务数合计 %s，与 %s(%s) 的任务数 %s 相差 %s", len(kids), unitList(kids, "、"),
				num(sum), parent.Name, parent.Code, num(value), signed(diff)),
			fmt.Sprintf("the %d units under %s (%s) sum to %s, not its target %s: a difference of %s", len(kids), parent.Name,
				unitList(kids, ", "), num(sum), num(value), signed(diff))),
			weijian.Issue{Field: "values", Value: num(diff), Rule: "sum", Msg: weijian.T("下级合计与上级不等", "children do not sum to the parent")})
	}
	return rows, nil
}

func unitList(us []*weijian.OrgUnit, sep string) string {
	var names []string
	for _, u := range us {
		names = append(names, u.Name)
	}
	return strings.Join(names, sep)
}

func num(x float64) string { return FormatValue(x, indicator.Count) }

func signed(x float64) string {
	if x > 0 {
		return "+" + num(x)
	}
	return num(x)
}

// Split divides total among weights by the largest-remainder method in
// steps of unit (1 for persons, 0.01 for an amount): each share is the
// floor of its quota, and the steps left over go to the largest
// remainders (ties to the earlier weight), so the shares sum to total
// exactly. All-zero weights share equally.
func Split(total float64, weights []float64, unit float64) []float64 {
	out := make([]float64, len(weights))
	if len(weights) == 0 {
		return out
	}
	steps := int64(math.Round(total / unit))
	w := append([]float64(nil), weights...)
	sum := 0.0
	for _, x := range w {
		sum += x
	}
	if sum <= 0 {
		for i := range w {
			w[i] = 1
		}
		sum = float64(len(w))
	}
	type rem struct {
		i int
		r float64
	}
	rems := make([]rem, len(w))
	var given int64
	n := make([]int64, len(w))
	for i, x := range w {
		q := float64(steps) * x / sum
		n[i] = int64(math.Floor(q))
		given += n[i]
		rems[i] = rem{i, q - math.Floor(q)}
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].r > rems[b].r })
	for k := int64(0); k < steps-given; k++ {
		n[rems[k%int64(len(rems))].i]++
	}
	for i := range n {
		out[i] = expr.RoundHalfUp(float64(n[i])*unit, 2)
	}
	return out
}

// byPopulation splits value among the parent's children by their share of
// the base, depth levels down.
func (al *allocator) byPopulation(ctx context.Context, d *indicator.Def, parent *weijian.OrgUnit, value float64, year int, base PopBase, depth int) ([]weijian.Target, error) {
	tree, err := al.tree(ctx, parent, year)
	if err != nil {
		return nil, err
	}
	return al.split(ctx, d, tree, parent, value, year, base, depth)
}

func (al *allocator) split(ctx context.Context, d *indicator.Def, tree *popTree, parent *weijian.OrgUnit, value float64, year int, base PopBase, depth int) ([]weijian.Target, error) {
	kids, err := al.children(ctx, parent)
	if err != nil {
		return nil, err
	}
	shares := make([]float64, len(kids))
	if divisible(d) {
		weights := make([]float64, len(kids))
		total := 0.0
		for i, k := range kids {
			weights[i] = tree.weight(k.Code, base)
			total += weights[i]
		}
		if total <= 0 {
			return nil, weijian.Invalid(weijian.T(
				fmt.Sprintf("%s 下级单位 %d 年（及之前三年）没有%s人口数据，无法按人口分解", parent.Name, year, base),
				fmt.Sprintf("the units under %s have no population (%s) for %d or the three years before: cannot allocate by population", parent.Name, base, year)))
		}
		step := 1.0
		if d.Unit == indicator.Amount {
			step = 0.01
		}
		shares = Split(value, weights, step)
	} else {
		for i := range shares {
			shares[i] = value
		}
	}
	var rows []weijian.Target
	for i, k := range kids {
		rows = append(rows, weijian.Target{Indicator: d.Code, UnitCode: k.Code, Year: year, Value: shares[i], Method: weijian.TargetByPopulation})
		if depth > 1 && k.ChildCount > 0 {
			below, err := al.split(ctx, d, tree, k, shares[i], year, base, depth-1)
			if err != nil && weijian.ErrorKind(err) != weijian.KindInvalid {
				return nil, err
			}
			rows = append(rows, below...) // a unit with no areas or no population below keeps its share
		}
	}
	return rows, nil
}

// popKey names a population tree: a root and a target year.
type popKey struct {
	root string
	year int
}

// popTree is the stored population of a subtree in one year, by unit.
type popTree struct {
	kids map[string][]string // unit code → child area codes
	rows map[string][]weijian.PopulationRow
	memo map[string]float64
}

// tree reads the population under root for the target year, or the
// latest of the three years before it that has any.
func (al *allocator) tree(ctx context.Context, root *weijian.OrgUnit, year int) (*popTree, error) {
	if t, ok := al.pops[popKey{root.Code, year}]; ok {
		return t, nil
	}
	units, err := al.s.Store.Subtree(ctx, al.sc, root.Code, false)
	if err != nil {
		return nil, err
	}
	t := &popTree{kids: map[string][]string{}, rows: map[string][]weijian.PopulationRow{}, memo: map[string]float64{}}
	byID := map[int64]string{}
	for _, u := range units {
		byID[u.ID] = u.Code
	}
	for _, u := range units {
		if p, ok := byID[u.ParentID]; ok && !u.IsFacility() {
			t.kids[p] = append(t.kids[p], u.Code)
		}
	}
	for y := year; y >= year-3 && len(t.rows) == 0; y-- {
		rows, err := al.s.Store.PopulationRows(ctx, al.sc, root.Code, y)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			t.rows[r.UnitCode] = append(t.rows[r.UnitCode], r)
		}
	}
	al.pops[popKey{root.Code, year}] = t
	return t, nil
}

// weight is a unit's population in the base: its own figures when it has
// any (as the population roll-up does), else the sum of its children's.
func (t *popTree) weight(code string, base PopBase) float64 {
	key := code + "|" + base.String()
	if w, ok := t.memo[key]; ok {
		return w
	}
	w := 0.0
	if rows := t.rows[code]; len(rows) > 0 {
		for _, r := range rows {
			w += float64(r.Count) * sexShare(r.Sex, base.Sex) * ageShare(r.Age, base.Age)
		}
	} else {
		for _, k := range t.kids[code] {
			w += t.weight(k, base)
		}
	}
	t.memo[key] = w
	return w
}

// sexShare is the part of a row of sex have that counts for sex want (a
// row of both sexes counts half for one).
func sexShare(have, want int) float64 {
	switch {
	case want == 0 || have == want:
		return 1
	case have == 0:
		return 0.5
	}
	return 0
}

// ageShare is the part of a row's age band inside the base band, assuming
// ages spread evenly in the row's band (an open band taken to 100).
func ageShare(have, want weijian.AgeBand) float64 {
	if want.Contains(have) {
		return 1
	}
	to := func(b weijian.AgeBand) int {
		if b.To >= weijian.AgeOpen {
			return max(100, b.From+1)
		}
		return b.To
	}
	lo, hi := max(have.From, want.From), min(to(have), to(want))
	if hi <= lo {
		return 0
	}
	return float64(hi-lo) / float64(to(have)-have.From)
}

// ResolveIndicators gives each target the code of its indicator, which
// a file may name by code, by its Chinese or English name or by an
// alias, and returns an issue for each row naming none; the store checks
// units, scope and values.
func ResolveIndicators(lib *indicator.Library, rows []weijian.Target) []weijian.Issue {
	names := map[string]string{}
	for _, d := range lib.All() {
		for _, n := range append([]string{d.Name.ZH, d.Name.EN}, d.Aliases...) {
			if n != "" {
				names[n] = d.Code
			}
		}
	}
	var issues []weijian.Issue
	for i, t := range rows {
		name := strings.TrimSpace(t.Indicator)
		if name == "" || lib.Get(name) != nil {
			rows[i].Indicator = name
			continue
		}
		if code, ok := names[name]; ok {
			rows[i].Indicator = code
			continue
		}
		row := t.Line
		if row == 0 {
			row = i + 1
		}
		if len(issues) < weijian.MaxIssues {
			issues = append(issues, weijian.Issue{Row: row, Field: "indicator", Value: weijian.Clip(name), Rule: "indicator",
				Msg: weijian.T("指标库中没有该指标（请写指标代码或名称）", "no such indicator in the library (give its code or name)")})
		}
	}
	return issues
}

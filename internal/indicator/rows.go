package indicator

import (
	"fmt"
	"strings"
	"sync"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/expr"
	"github.com/weijian-health/weijian/internal/period"
)

// rowQuery builds the store query of persons(source, rule) or
// events(source, rule) over span.
func (r *run) rowQuery(function, source string, rule expr.Node, span period.Span, opt Disagg) (RowQuery, error) {
	q := RowQuery{Function: function, Programme: source, Counties: r.tree.counties, From: span.Start, To: span.End, Rule: rule}
	if err := q.Person.set(opt); err != nil {
		return q, err
	}
	if function == "events" {
		q.Programme, q.Stage, _ = strings.Cut(source, ".")
	}
	types, err := rowFields(r.e.src.Programmes, function, source)
	if err != nil {
		return q, err
	}
	q.Fields = map[string]FieldKind{}
	for _, f := range expr.Fields(rule) {
		t, ok := types[f]
		if !ok {
			return q, fmt.Errorf("%s(%q): no field %q", function, source, f)
		}
		q.Fields[f] = map[expr.Type]FieldKind{expr.TNumber: FieldNumber, expr.TBool: FieldBool, expr.TString: FieldString}[t]
	}
	return q, nil
}

// rowsLeaf binds persons(source, rule) or events(source, rule)
// (function): the first ask for a span counts the rule for every unit of
// the run in one query (see readRows), rolled up the tree as it stood on
// the span's first day into a count per asked unit.
func (b binder) rowsLeaf(function, source string, rule expr.Node) expr.Fn[at] {
	r, opt := b.r, b.opt
	type spanCounts struct {
		none   *expr.Value // nothing recorded in the span
		counts []int64     // by unit index
	}
	var spans []*spanCounts
	return func(a at) (expr.Value, error) {
		sc := get(spans, a.s)
		if sc == nil {
			span := r.spans[a.s]
			key := r.rowsKey(function, source, rule, span, opt)
			pcs, err := r.rawCounts(key, function, source, rule, span, opt)
			if err != nil {
				return expr.Value{}, err
			}
			sc = &spanCounts{}
			if len(pcs) == 0 && !r.anyRecords(function, source, span) {
				none := expr.NoData(fmt.Sprintf("%s 在 %s 没有任何记录 (no records in the period)", source, span))
				sc.none = &none
			} else {
				rolled := rolledKey{key, span.Start}
				if sc.counts = r.rows[rolled]; sc.counts == nil {
					sc.counts = r.rollUp(pcs, span.Start)
					r.rows[rolled] = sc.counts
				}
			}
			spans = set(spans, a.s, sc)
		}
		if sc.none != nil {
			return *sc.none, nil
		}
		return expr.Num(float64(sc.counts[a.u])), nil
	}
}

// rawCounts is the count of a rule over span per village, read once per
// key.
func (r *run) rawCounts(key rawKey, function, source string, rule expr.Node, span period.Span, opt Disagg) ([]PathCount, error) {
	if pcs, ok := r.raw[key]; ok {
		return pcs, nil
	}
	pcs, err := r.readRows(key, function, source, rule, span, opt)
	if err != nil {
		return nil, err
	}
	r.raw[key] = pcs
	return pcs, nil
}

// readRows counts a rule over span. events(…) over whole months of one
// year are counted for the whole year by month, once, and the span's
// months summed from that: the 12 months of a grid ask one query. A span
// inside one year that covers a whole month or more but starts or ends
// inside a month (a year to date) adds to those months the days at its
// edges, each counted by a query of its own.
func (r *run) readRows(key rawKey, function, source string, rule expr.Node, span period.Span, opt Disagg) ([]PathCount, error) {
	live := func(span period.Span) ([]PathCount, error) {
		rq, err := r.rowQuery(function, source, rule, span, opt)
		if err != nil {
			return nil, err
		}
		return r.e.store.CountRows(r.ctx, rq)
	}
	s, e := span.Start, span.End
	if function != "events" || s.Year != e.Year || e.Before(s) {
		return live(span)
	}
	first, last := s.Month, e.Month
	var edges []period.Span
	if s.Day != 1 {
		first++
		edges = append(edges, period.Span{Start: s, End: period.NewDate(s.Year, s.Month+1, 1).AddDays(-1)})
	}
	if e.AddDays(1).Day != 1 {
		last--
		edges = append(edges, period.Span{Start: period.NewDate(e.Year, e.Month, 1), End: e})
	}
	if first > last {
		return live(span) // no whole month inside
	}
	year := rawKey{call: key.call, from: period.NewDate(s.Year, 1, 1), to: period.NewDate(s.Year, 12, 31)}
	months, ok := r.monthly[year]
	if !ok {
		rq, err := r.rowQuery(function, source, rule, period.Span{Start: year.from, End: year.to}, opt)
		if err != nil {
			return nil, err
		}
		rq.ByMonth = true
		if months, err = r.e.store.CountRows(r.ctx, rq); err != nil {
			return nil, err
		}
		r.monthly[year] = months
	}
	byPath := map[string]int64{}
	var out []PathCount
	add := func(pc PathCount) {
		if _, seen := byPath[pc.Path]; !seen {
			out = append(out, PathCount{Path: pc.Path})
		}
		byPath[pc.Path] += pc.N
	}
	for _, pc := range months {
		if pc.Month >= int(first) && pc.Month <= int(last) {
			add(pc)
		}
	}
	for _, edge := range edges {
		pcs, err := live(edge)
		if err != nil {
			return nil, err
		}
		for _, pc := range pcs {
			add(pc)
		}
	}
	for i := range out {
		out[i].N = byPath[out[i].Path]
	}
	return out, nil
}

// rawKey names what a count depends on: persons(…) reads the status rows
// of whole years (every month of a year asks the same query), events(…)
// the days of the span.
type rawKey struct {
	call     string // function(source, rule)
	from, to period.Date
}

type rolledKey struct {
	rawKey
	day period.Date
}

func (r *run) rowsKey(function, source string, rule expr.Node, span period.Span, opt Disagg) rawKey {
	k := rawKey{call: function + "(" + source + ", " + r.text(rule) + ")" + opt.suffix(), from: span.Start, to: span.End}
	if function == "persons" {
		k.from, k.to = period.NewDate(span.Start.Year, 1, 1), period.NewDate(span.End.Year, 12, 31)
	}
	return k
}

// text is n as source (expr.Node.String), printed once per run.
func (r *run) text(n expr.Node) string {
	t, ok := r.texts[n]
	if !ok {
		t = n.String()
		r.texts[n] = t
	}
	return t
}

// trueRule is the rule of anyRecords.
var trueRule = &expr.Bool{Value: true}

// anyRecords reports whether the programme (or stage) has any row in the
// counties over span, so that "none met the rule" (0) is told apart from
// "nothing recorded" (no data).
func (r *run) anyRecords(function, source string, span period.Span) bool {
	pcs, err := r.rawCounts(r.rowsKey(function, source, trueRule, span, Disagg{}), function, source, trueRule, span, Disagg{})
	if err != nil {
		return true // the error surfaces on the real query; do not hide data
	}
	return len(pcs) > 0
}

// rollUp adds each village's count to the asked units above it in the
// tree as it stood on day: a count per unit index.
func (r *run) rollUp(pcs []PathCount, day period.Date) []int64 {
	out := make([]int64, len(r.list))
	for _, pc := range pcs {
		ids, ok := r.paths[pc.Path]
		if !ok {
			ids = weijian.PathIDs(pc.Path)
			r.paths[pc.Path] = ids
		}
		if len(ids) == 0 {
			continue
		}
		for _, id := range r.tree.chain(ids[len(ids)-1], day, ids) {
			if i, ok := r.byID[id]; ok {
				out[i] += pc.N
			}
		}
	}
	return out
}

// tree is the org units of the run's counties with their parent spells
// and successions.
type tree struct {
	byID     map[int64]*TreeUnit
	byCode   map[string]int64  // the open unit of a code, else the last closed one
	pred     map[int64][]int64 // unit → the closed units it replaced
	counties []string
	mu       sync.Mutex // guards chains: a kept tree is shared by concurrent runs
	chains   map[chainKey][]int64
}

type chainKey struct {
	id  int64
	day period.Date
}

func newTree(units []TreeUnit, counties []string) *tree {
	t := &tree{byID: map[int64]*TreeUnit{}, byCode: map[string]int64{}, pred: map[int64][]int64{}, counties: counties,
		chains: map[chainKey][]int64{}}
	for i := range units {
		u := &units[i]
		t.byID[u.ID] = u
		if old := t.byID[t.byCode[u.Code]]; old == nil || !old.ValidTo.IsZero() {
			t.byCode[u.Code] = u.ID
		}
		if u.ReplacedBy != 0 {
			t.pred[u.ReplacedBy] = append(t.pred[u.ReplacedBy], u.ID)
		}
	}
	return t
}

// parentAt is the parent of unit u on day: the stored version in force
// then, else the current parent.
func (t *tree) parentAt(u *TreeUnit, day period.Date) int64 {
	for _, sp := range u.Parents {
		if !sp.From.After(day) && (sp.To.IsZero() || day.Before(sp.To)) {
			return sp.ParentID
		}
	}
	return u.ParentID
}

// standIn is the unit that stood for u on day: its successor once it had
// closed, its one predecessor before it opened (a village re-coded under
// another town is the old village before the change), else u.
func (t *tree) standIn(u *TreeUnit, day period.Date) *TreeUnit {
	switch {
	case !u.ValidTo.IsZero() && !day.Before(u.ValidTo) && u.ReplacedBy != 0 && t.byID[u.ReplacedBy] != nil:
		return t.byID[u.ReplacedBy]
	case day.Before(u.ValidFrom) && len(t.pred[u.ID]) == 1:
		return t.byID[t.pred[u.ID][0]]
	}
	return u
}

// chain lists id, the unit standing for it on day and their ancestors on
// day; a unit outside the loaded tree keeps the ancestors of its stored
// path.
func (t *tree) chain(id int64, day period.Date, stored []int64) []int64 {
	k := chainKey{id, day}
	t.mu.Lock()
	defer t.mu.Unlock()
	if c, ok := t.chains[k]; ok {
		return c
	}
	c := stored
	if u := t.byID[id]; u != nil {
		c = []int64{id}
		for n := 0; u != nil && n < 64; n++ {
			if s := t.standIn(u, day); s != u {
				u = s
				c = append(c, u.ID)
				continue
			}
			p := t.parentAt(u, day)
			if p == 0 {
				break
			}
			c = append(c, p)
			u = t.byID[p]
		}
	}
	t.chains[k] = c
	return c
}

// countyScope is the scope of the loaded counties.
func (t *tree) countyScope() weijian.Scope {
	var paths []string
	for _, u := range t.byID {
		if u.Level == weijian.LevelCounty {
			paths = append(paths, u.Path)
		}
	}
	if len(paths) == 0 {
		return weijian.ScopeAll()
	}
	return weijian.ScopeOf(paths...)
}

// countyCodes are the codes of the loaded county units.
func (t *tree) countyCodes() []string {
	var out []string
	for _, u := range t.byID {
		if u.Level == weijian.LevelCounty {
			out = append(out, u.Code)
		}
	}
	return out
}

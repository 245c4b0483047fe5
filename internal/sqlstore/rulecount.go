package sqlstore

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/expr"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
)

// Rule counts (docs/design.md, "Rule counts"): the first whole-year
// persons(…) or events(…)-by-month query of a rule in a county counts it
// with the live SQL into rule_count and marks it (rule_mark, which also
// registers what the rule means); from then on every write of the rows it
// counts corrects the kept counts in its own transaction — the counts of
// the persons it touches are subtracted before the write and added after
// it, by the same SQL restricted to those persons — so the kept figure is
// always the live one. Big imports drop a county's counts instead, and
// the next read counts afresh.

// ruleDef is a rule as registered: what one live row query counts.
type ruleDef struct {
	key                        string
	function, programme, stage string
	rule                       string // the rule's expression text
	fields                     string // JSON of the field kinds
}

// ruleDefOf registers the rule of q.
func ruleDefOf(q indicator.RowQuery) (ruleDef, error) {
	text := "true"
	if q.Rule != nil {
		text = q.Rule.String()
	}
	fields, err := json.Marshal(q.Fields) // keys sorted
	if err != nil {
		return ruleDef{}, err
	}
	d := ruleDef{function: q.Function, programme: q.Programme, stage: q.Stage, rule: text, fields: string(fields)}
	h := sha256.Sum256([]byte(strings.Join([]string{d.function, d.programme, d.stage, d.rule, d.fields}, "\x00")))
	d.key = hex.EncodeToString(h[:16])
	return d, nil
}

// query is the row query of d over the years from–to of a county: the
// rule parsed back from its text, so that a writer recounts exactly what
// the read counted.
func (d ruleDef) query(county string, from, to int) (indicator.RowQuery, error) {
	rule, err := expr.Parse(d.rule)
	if err != nil {
		return indicator.RowQuery{}, fmt.Errorf("registered rule %s: %w", d.key, err)
	}
	var fields map[string]indicator.FieldKind
	if err := json.Unmarshal([]byte(d.fields), &fields); err != nil {
		return indicator.RowQuery{}, fmt.Errorf("registered rule %s: %w", d.key, err)
	}
	return indicator.RowQuery{Function: d.function, Programme: d.programme, Stage: d.stage, Counties: []string{county},
		From: period.NewDate(from, 1, 1), To: period.NewDate(to, 12, 31), Rule: rule, Fields: fields}, nil
}

// keptCountable reports whether q is answered from rule_count: persons(…)
// over one whole year, events(…) by month over one whole year.
func keptCountable(q indicator.RowQuery) bool {
	if !q.Person.IsZero() {
		return false // a disaggregated cell: the kept counts are of everyone
	}
	switch q.Function {
	case "persons":
		return q.From.Year == q.To.Year
	case "events":
		return q.ByMonth && q.From == period.NewDate(q.From.Year, 1, 1) && q.To == period.NewDate(q.From.Year, 12, 31)
	}
	return false
}

// monthOf and yearOf are the SQL month and year of an event date.
func (s *Store) monthOf(col string) string {
	if s.d.name == "sqlite" {
		return "CAST(substr(" + col + ", 6, 2) AS INTEGER)" // "2006-01-02" text
	}
	return "CAST(EXTRACT(MONTH FROM " + col + ") AS INTEGER)"
}

func (s *Store) yearOf(col string) string {
	if s.d.name == "sqlite" {
		return "CAST(substr(" + col + ", 1, 4) AS INTEGER)"
	}
	return "CAST(EXTRACT(YEAR FROM " + col + ") AS INTEGER)"
}

// countKept answers a keptCountable query from rule_count, counting the
// rule first in each county where it is not kept yet. The marks and the
// counts are read by one statement (one snapshot), so a drop between
// them cannot pass for zero.
func (s *Store) countKept(ctx context.Context, q indicator.RowQuery) ([]indicator.PathCount, error) {
	d, err := ruleDefOf(q)
	if err != nil {
		return nil, err
	}
	year := q.From.Year
	marks := strings.TrimSuffix(strings.Repeat("?,", len(q.Counties)), ",")
	args := []any{d.key, year}
	for _, c := range q.Counties {
		args = append(args, c)
	}
	type row struct {
		county string
		pc     indicator.PathCount
	}
	for try := 0; ; try++ {
		rows, err := queryAll(ctx, storeQ{s}, func(r rowScanner) (row, error) {
			var x row
			return x, r.Scan(&x.county, &x.pc.Path, &x.pc.Month, &x.pc.N)
		}, "SELECT county_code, '', -1, 0 FROM rule_mark WHERE rule_key = ? AND year = ? AND county_code IN ("+marks+
			") UNION ALL SELECT county_code, village_path, month, n FROM rule_count WHERE rule_key = ? AND year = ? AND county_code IN ("+
			marks+") AND n <> 0", append(slices.Clone(args), args...)...)
		if err != nil {
			return nil, err
		}
		kept := map[string]bool{}
		var out []indicator.PathCount
		for _, x := range rows {
			if x.pc.Month == -1 {
				kept[x.county] = true
			} else {
				out = append(out, x.pc)
			}
		}
		var missing []string
		for _, c := range q.Counties {
			if !kept[c] {
				missing = append(missing, c)
			}
		}
		if len(missing) == 0 {
			return out, nil
		}
		if try == 1 {
			return nil, fmt.Errorf("rule counts of %s dropped while read", strings.Join(missing, ", "))
		}
		for _, c := range missing {
			if err := s.countRule(ctx, c, d, year); err != nil {
				return nil, fmt.Errorf("count %s(%s) in %s, %d: %w", d.function, d.rule, c, year, err)
			}
		}
	}
}

// countRule counts rule d over a year of a county with the live query,
// stores the counts and marks them kept, in one transaction that holds
// the county's rule lock exclusively: no write is between its count and
// its commit (see lockRules).
func (s *Store) countRule(ctx context.Context, county string, d ruleDef, year int) error {
	q, err := d.query(county, year, year)
	if err != nil {
		return err
	}
	from, conds, args, rule, err := s.rowParts(q)
	if err != nil {
		return err
	}
	if rule != "" {
		conds = append(conds, rule)
	}
	cc, month, group := "y.county_code", "0", "y.county_code, y.village_path"
	if q.Function == "events" {
		cc = "e.county_code"
		month = s.monthOf("e.event_date")
		group = cc + ", " + month + ", y.village_path"
	}
	ins := "INSERT INTO rule_count (county_code, rule_key, year, month, village_path, n) SELECT " + cc +
		", CAST(? AS TEXT), CAST(? AS INTEGER), " + month + ", y.village_path, count(*) FROM " + from +
		" WHERE " + strings.Join(conds, " AND ") + " GROUP BY " + group
	return s.inTx(ctx, func(tx *Tx) error {
		if err := tx.lockRules(ctx, county, true); err != nil {
			return err
		}
		var one int
		switch err := tx.QueryRow(ctx, "SELECT 1 FROM rule_mark WHERE county_code = ? AND rule_key = ? AND year = ?",
			county, d.key, year).Scan(&one); {
		case err == nil:
			return nil // counted meanwhile
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM rule_count WHERE county_code = ? AND rule_key = ? AND year = ?", county, d.key, year); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, ins, append([]any{d.key, year}, args...)...); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO rule_mark (county_code, rule_key, year, function, programme, stage, rule, fields)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, county, d.key, year, d.function, d.programme, d.stage, d.rule, d.fields)
		return err
	})
}

// lockRules takes the county's rule lock on PostgreSQL: shared by the
// writers that keep the counts (for their whole transaction, taken before
// they read the marks and before they write), exclusive for a count or a
// drop. A count therefore waits for the writers that may have missed its
// mark, and a writer that starts after it sees its mark. SQLite needs
// none: its write transactions run one at a time.
func (t *Tx) lockRules(ctx context.Context, county string, exclusive bool) error {
	if t.s.d.name == "sqlite" {
		return nil
	}
	mode := " FOR SHARE"
	if exclusive {
		mode = " FOR UPDATE"
	}
	for range 2 {
		var c string
		err := t.QueryRow(ctx, "SELECT county_code FROM rule_lock WHERE county_code = ?"+mode, county).Scan(&c)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err := t.Exec(ctx, "INSERT INTO rule_lock (county_code) VALUES (?) ON CONFLICT DO NOTHING", county); err != nil {
			return err
		}
	}
	return fmt.Errorf("rule lock of county %s not found", county)
}

// ruleTx is what a write transaction keeps of the rule counts it corrects.
type ruleTx struct {
	counties map[string]*countyRules
}

// countyRules is the kept rules of a county as a write transaction saw
// them under the shared lock, the person-programmes it counted before
// writing them, and the corrections so far.
type countyRules struct {
	marks []ruleMark
	done  map[personProg]bool
	order []personProg
	delta map[ruleCell]int64
}

// ruleMark is a registered rule and the years kept of it.
type ruleMark struct {
	def   ruleDef
	sql   string // the rule's SQL condition
	years map[int]bool
}

type ruleCell struct {
	key         string
	year, month int
	path        string
}

// keptRules loads (once per transaction and county, under the shared
// rule lock) the rules kept in a county.
func (t *Tx) keptRules(ctx context.Context, county string) (*countyRules, error) {
	if t.rules == nil {
		t.rules = &ruleTx{counties: map[string]*countyRules{}}
	}
	if cr, ok := t.rules.counties[county]; ok {
		return cr, nil
	}
	if err := t.lockRules(ctx, county, false); err != nil {
		return nil, err
	}
	type row struct {
		def  ruleDef
		year int
	}
	rows, err := queryAll(ctx, t, func(r rowScanner) (row, error) {
		var x row
		return x, r.Scan(&x.def.key, &x.year, &x.def.function, &x.def.programme, &x.def.stage, &x.def.rule, &x.def.fields)
	}, "SELECT rule_key, year, function, programme, stage, rule, fields FROM rule_mark WHERE county_code = ? ORDER BY rule_key", county)
	if err != nil {
		return nil, err
	}
	cr := &countyRules{done: map[personProg]bool{}, delta: map[ruleCell]int64{}}
	for _, x := range rows {
		if n := len(cr.marks); n > 0 && cr.marks[n-1].def.key == x.def.key {
			cr.marks[n-1].years[x.year] = true
			continue
		}
		cond, err := t.s.ruleSQL(county, x.def)
		if err != nil {
			return nil, err
		}
		cr.marks = append(cr.marks, ruleMark{def: x.def, sql: cond, years: map[int]bool{x.year: true}})
	}
	t.rules.counties[county] = cr
	return cr, nil
}

// ruleSQL is the SQL condition of a registered rule, compiled once per
// Store (the key names the rule's text and field kinds).
func (s *Store) ruleSQL(county string, d ruleDef) (string, error) {
	if c, ok := s.ruleConds.Load(d.key); ok {
		return c.(string), nil
	}
	q, err := d.query(county, 2000, 2000)
	if err != nil {
		return "", err
	}
	_, _, _, cond, err := s.rowParts(q)
	if err != nil {
		return "", err
	}
	if cond == "" {
		cond = "1 = 1"
	}
	s.ruleConds.Store(d.key, cond)
	return cond, nil
}

// touchRules is called by a write before it changes the rows of persons
// (their person_year rows, events, village) in programmes (nil: every
// programme): it subtracts what those rows count now from the kept
// counts, and the commit adds what they count then (flushRules). The
// persons are locked first on PostgreSQL, so that what is subtracted is
// what the commit replaces.
func (t *Tx) touchRules(ctx context.Context, county string, programmes []string, persons ...int64) error {
	cr, err := t.keptRules(ctx, county)
	if err != nil || len(cr.marks) == 0 {
		return err
	}
	if programmes == nil {
		for _, m := range cr.marks {
			if !slices.Contains(programmes, m.def.programme) {
				programmes = append(programmes, m.def.programme)
			}
		}
	}
	var fresh []personProg
	for _, id := range persons {
		for _, prog := range programmes {
			if k := (personProg{id, prog}); !cr.done[k] {
				cr.done[k] = true
				cr.order = append(cr.order, k)
				fresh = append(fresh, k)
			}
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	if t.s.d.name != "sqlite" {
		ids := make([]string, 0, len(persons))
		for _, id := range slices.Sorted(slices.Values(persons)) {
			ids = append(ids, strconv.FormatInt(id, 10))
		}
		err := inChunks(slices.Compact(ids), func(chunk []any, marks string) error {
			_, err := t.Exec(ctx, "SELECT id FROM person WHERE county_code = ? AND id IN ("+marks+") ORDER BY id FOR UPDATE",
				append([]any{county}, chunk...)...)
			return err
		})
		if err != nil {
			return err
		}
	}
	return t.countPersons(ctx, county, cr, fresh, -1)
}

// touchMany is touchRules for an import's person-programmes; above
// dropAbove of them in a county it drops the county's kept counts
// instead (recounting them is cheaper than correcting them one by one).
func (t *Tx) touchMany(ctx context.Context, people map[int64]*weijian.Person, keys []personProg) error {
	byCounty := map[string][]personProg{}
	for _, k := range keys {
		if p := people[k.person]; p != nil {
			byCounty[p.County] = append(byCounty[p.County], k)
		}
	}
	for county, ks := range byCounty {
		if len(ks) > dropAbove {
			if err := t.dropRules(ctx, county); err != nil {
				return err
			}
			continue
		}
		byProg := map[string][]int64{}
		var progs []string
		for _, k := range ks {
			if _, ok := byProg[k.prog]; !ok {
				progs = append(progs, k.prog)
			}
			byProg[k.prog] = append(byProg[k.prog], k.person)
		}
		for _, prog := range progs {
			if err := t.touchRules(ctx, county, []string{prog}, byProg[prog]...); err != nil {
				return err
			}
		}
	}
	return nil
}

// dropAbove is how many person-programmes an import corrects the kept
// counts for, one by one, before it drops them.
const dropAbove = 2000

// dropLoaded drops the kept counts of the counties of a bulk load.
func (t *Tx) dropLoaded(ctx context.Context, hs []weijian.History) error {
	seen := map[string]bool{}
	for _, h := range hs {
		c := h.Person.County
		if c == "" && len(h.Person.VillageCode) >= 6 {
			c = h.Person.VillageCode[:6]
		}
		if !seen[c] {
			seen[c] = true
			if err := t.dropRules(ctx, c); err != nil {
				return err
			}
		}
	}
	return nil
}

// enrollmentKeys lists the person-programmes of enrollments, each once.
func enrollmentKeys(es []*weijian.Enrollment) []personProg {
	return personProgs(es, func(e *weijian.Enrollment) personProg { return personProg{e.PersonID, e.Programme} })
}

// dropRules forgets the kept counts of a county (a bulk load or a big
// import): the next read counts them afresh.
func (t *Tx) dropRules(ctx context.Context, county string) error {
	if err := t.lockRules(ctx, county, true); err != nil {
		return err
	}
	for _, q := range []string{"DELETE FROM rule_count WHERE county_code = ?", "DELETE FROM rule_mark WHERE county_code = ?"} {
		if _, err := t.Exec(ctx, q, county); err != nil {
			return err
		}
	}
	if t.rules == nil {
		t.rules = &ruleTx{counties: map[string]*countyRules{}}
	}
	t.rules.counties[county] = &countyRules{done: map[personProg]bool{}, delta: map[ruleCell]int64{}}
	return nil
}

// countPersons adds sign × what the kept rules count of the rows of the
// person-programmes keys to the transaction's corrections: one query per
// programme (and stage) for all its rules, each a SUM of its condition.
func (t *Tx) countPersons(ctx context.Context, county string, cr *countyRules, keys []personProg, sign int64) error {
	byProg := map[string][]string{}
	var progs []string
	for _, k := range keys {
		if _, ok := byProg[k.prog]; !ok {
			progs = append(progs, k.prog)
		}
		byProg[k.prog] = append(byProg[k.prog], strconv.FormatInt(k.person, 10))
	}
	type group struct{ function, stage string }
	for _, prog := range progs {
		groups := map[group][]*ruleMark{}
		var order []group
		for i := range cr.marks {
			m := &cr.marks[i]
			if m.def.programme != prog {
				continue
			}
			g := group{m.def.function, m.def.stage}
			if _, ok := groups[g]; !ok {
				order = append(order, g)
			}
			groups[g] = append(groups[g], m)
		}
		for _, g := range order {
			err := inChunks(byProg[prog], func(chunk []any, marks string) error {
				return t.countGroup(ctx, county, prog, g.function, g.stage, groups[g], chunk, marks, cr, sign)
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// countGroup counts the rules ms (one function, programme and stage) over
// the rows of the persons in chunk, by year, month and village.
func (t *Tx) countGroup(ctx context.Context, county, prog, function, stage string, ms []*ruleMark, chunk []any, marks string,
	cr *countyRules, sign int64) error {
	lo, hi := 0, 0
	for _, m := range ms {
		for y := range m.years {
			if lo == 0 || y < lo {
				lo = y
			}
			hi = max(hi, y)
		}
	}
	q := indicator.RowQuery{Function: function, Programme: prog, Stage: stage, Counties: []string{county},
		From: period.NewDate(lo, 1, 1), To: period.NewDate(hi, 12, 31)}
	from, conds, args, _, err := t.s.rowParts(q)
	if err != nil {
		return err
	}
	year, month, who := "y.year", "0", "y.person_id"
	if function == "events" {
		year, month, who = t.s.yearOf("e.event_date"), t.s.monthOf("e.event_date"), "e.person_id"
	}
	conds = append(conds, who+" IN ("+marks+")")
	sums := make([]string, len(ms))
	for i, m := range ms {
		sums[i] = "SUM(CASE WHEN " + m.sql + " THEN 1 ELSE 0 END)"
	}
	group := year + ", y.village_path"
	if function == "events" {
		group = year + ", " + month + ", y.village_path"
	}
	rows, err := t.Query(ctx, "SELECT "+year+", "+month+", y.village_path, "+strings.Join(sums, ", ")+" FROM "+from+
		" WHERE "+strings.Join(conds, " AND ")+" GROUP BY "+group, append(args, chunk...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	ns := make([]int64, len(ms))
	dest := make([]any, 3+len(ms))
	var k ruleCell
	dest[0], dest[1], dest[2] = &k.year, &k.month, &k.path
	for i := range ns {
		dest[3+i] = &ns[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		for i, m := range ms {
			if ns[i] != 0 && m.years[k.year] {
				cr.delta[ruleCell{m.def.key, k.year, k.month, k.path}] += sign * ns[i]
			}
		}
	}
	return rows.Err()
}

// flushRules adds, before the commit, what the touched persons' rows
// count now and writes the corrections to rule_count.
func (t *Tx) flushRules(ctx context.Context) error {
	if t.rules == nil {
		return nil
	}
	for _, county := range slices.Sorted(maps.Keys(t.rules.counties)) {
		cr := t.rules.counties[county]
		if len(cr.order) == 0 {
			continue
		}
		if err := t.countPersons(ctx, county, cr, cr.order, 1); err != nil {
			return err
		}
		keys := make([]ruleCell, 0, len(cr.delta))
		for k, n := range cr.delta {
			if n != 0 {
				keys = append(keys, k)
			}
		}
		slices.SortFunc(keys, func(a, b ruleCell) int {
			return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.year, b.year), cmp.Compare(a.month, b.month), cmp.Compare(a.path, b.path))
		})
		for _, k := range keys {
			if _, err := t.Exec(ctx, `INSERT INTO rule_count (county_code, rule_key, year, month, village_path, n) VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT (county_code, rule_key, year, month, village_path) DO UPDATE SET n = rule_count.n + excluded.n`,
				county, k.key, k.year, k.month, k.path, cr.delta[k]); err != nil {
				return err
			}
		}
		cr.order, cr.done, cr.delta = nil, map[personProg]bool{}, map[ruleCell]int64{}
	}
	return nil
}

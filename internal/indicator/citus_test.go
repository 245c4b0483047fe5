package indicator_test

import (
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/rules"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

// On a real Citus cluster (scripts/citus.sh), every query the engine
// reads one county's figures with — persons(…) and events(…) counts
// (disaggregated by sex and age too), their drill-down lists, data
// values, population, the org-unit tree, reporting units and completions
// — is served from one shard: the test records every read query of a
// grid of every built-in indicator × the county's units × a year and a
// month, by the batched engine and the baseline, and checks the plan of
// each that reads a Citus table (EXPLAIN shows "Task Count: 1": the
// distributed tables routed by county_code, the reference tables read
// on one node). It walks whatever queries the engine
// sends, so a new table or query is covered when the engine uses it.
func TestCitusEngineQueriesOneShard(t *testing.T) {
	var mu sync.Mutex
	type read struct {
		query string
		args  []any
	}
	seen := map[string]read{}
	record := func(q string, args []any) {
		mu.Lock()
		defer mu.Unlock()
		seen[q] = read{q, args}
	}
	st := sqltest.Citus(t, sqltest.Options{Rules: rules.New(testSources(t).Programmes), OnRead: record})
	f := newFixture(t, st)
	loadPopulation(t, f)
	loadHypertension(t, f)
	loadReports(t, f)
	f.load(t, person{village: vilA1, sex: 1, born: "1950-03-01", enr: map[string]string{"elderly": "2021-01-01"},
		events: []event{{"elderly", "annual_check", "2024-04-01", nil}}})
	f.values(t, dv("tuoyu", townA, "places", "2024Q4", "type=public", "80"), dv("jiankang", townA, "participants", "2024-01", "sex=F;age=65+", "25"))

	mu.Lock()
	seen = map[string]read{} // the loading above is not the engine's
	mu.Unlock()
	march, _ := period.New(period.Month, 2024, 3)
	var cells []indicator.Cell
	for _, d := range f.lib.All() {
		for _, u := range []string{county, townA, vilA1} {
			for _, span := range []period.Span{year(2024), march.Span()} {
				cells = append(cells, indicator.Cell{Indicator: d.Code, OrgUnit: u, Span: span})
			}
		}
	}
	for _, o := range []indicator.Disagg{{Dim: "sex", Option: "F"}, {Dim: "age", Option: "65+"}} {
		for _, code := range []string{"htn_standard_rate", "elderly_management_rate"} {
			cells = append(cells, indicator.Cell{Indicator: code, OrgUnit: county, Span: year(2024), Disagg: o})
		}
	}
	for _, eng := range []*indicator.Engine{f.eng, indicator.NewBaselineEngine(f.lib, f.st, f.src)} {
		if _, err := eng.EvalMany(ctx, all, cells); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []indicator.Cell{{Indicator: "htn_standard_rate", OrgUnit: townA, Span: year(2024)},
		{Indicator: "elderly_management_rate", OrgUnit: county, Span: year(2024)}} {
		if _, err := f.eng.Persons(ctx, all, c, true, 10); err != nil {
			t.Fatal(err)
		}
	}

	db := st.DB()
	var distributed []string // and reference tables
	rows, err := db.QueryContext(ctx, `SELECT c.relname FROM pg_dist_partition p JOIN pg_class c ON c.oid = p.logicalrelid
		WHERE c.relnamespace = current_schema()::regnamespace`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		distributed = append(distributed, name)
	}
	rows.Close()
	tableRe := regexp.MustCompile(`(?i)\b(?:FROM|JOIN)\s+(` + strings.Join(distributed, "|") + `)\b`)
	kinds := map[string]int{}
	for _, r := range seen {
		var tables []string
		for _, m := range tableRe.FindAllStringSubmatch(r.query, -1) {
			tables = append(tables, m[1])
		}
		if len(tables) == 0 {
			continue
		}
		sort.Strings(tables)
		kinds[strings.Join(slicesCompact(tables), "+")]++
		sqltest.ExplainOneShard(t, db, r.query, r.args...)
	}
	for _, k := range []string{"person_year", "person+person_year", "person+service_event", "data_value+org_unit", "population"} {
		if !hasKind(kinds, k) {
			t.Errorf("query kinds read %v: want %s among them (persons(…) counts, their sex/age filter, events(…), data values, population)", kinds, k)
		}
	}
	t.Logf("%d distinct read queries, by the Citus tables they read: %v", len(seen), kinds)
}

func hasKind(kinds map[string]int, k string) bool {
	for have := range kinds {
		if have == k || strings.Contains("+"+have+"+", "+"+k+"+") {
			return true
		}
	}
	return false
}

func slicesCompact(xs []string) []string {
	var out []string
	for i, x := range xs {
		if i == 0 || x != xs[i-1] {
			out = append(out, x)
		}
	}
	return out
}

package sqlstore_test

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

// Both dialects have the same migrations, numbered 1, 2, 3 … without gaps.
func TestMigrationNumbers(t *testing.T) {
	lite, err := sqlstore.Migrations("sqlite")
	if err != nil {
		t.Fatal(err)
	}
	pg, err := sqlstore.Migrations("postgres")
	if err != nil {
		t.Fatal(err)
	}
	names := func(ms []sqlstore.Migration) []string {
		var out []string
		for i, m := range ms {
			if m.Version != i+1 {
				t.Errorf("migration %d_%s: want number %d (numbers must be unique and dense)", m.Version, m.Name, i+1)
			}
			out = append(out, m.Name)
		}
		return out
	}
	if diff := cmp.Diff(names(lite), names(pg)); diff != "" {
		t.Errorf("sqlite and postgres migrations differ (-sqlite +postgres):\n%s", diff)
	}
}

// Both dialects end in the same schema: the same tables with the same
// columns, nullability, primary keys, foreign keys, unique constraints and
// indexes and CHECK constraints, recorded in testdata/schema.golden
// (regenerate it with go test ./internal/sqlstore -run TestSchemaMatchesGolden -update).
func TestSchemaMatchesGolden(t *testing.T) {
	golden, err := os.ReadFile("testdata/schema.golden")
	if err != nil {
		t.Fatal(err)
	}
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		got, err := s.SchemaSummary(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if *update && s.Dialect() == "sqlite" {
			os.WriteFile("testdata/schema.golden", []byte(got), 0o644)
			return
		}
		if diff := cmp.Diff(string(golden), got); diff != "" {
			t.Errorf("%s schema differs from testdata/schema.golden (-want +got):\n%s", s.Dialect(), diff)
		}
	})
}

// Migrating twice is a no-op.
func TestMigrateIdempotent(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		st, err := s.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Applied) != 0 || st.Current != st.Latest {
			t.Errorf("second migrate: %+v, want nothing applied and current = latest", st)
		}
	})
}

// The PostgreSQL migrations follow CITUS.md.
func TestCitusRules(t *testing.T) {
	ms, err := sqlstore.Migrations("postgres")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		for _, p := range citusProblems(m.SQL) {
			t.Errorf("migration %04d_%s: %s", m.Version, m.Name, p)
		}
	}
	for _, p := range distributionProblems(ms) {
		t.Error(p)
	}
}

// The distribution checker finds a table never distributed, a per-county
// table made a reference table, and a foreign key added before the call.
func TestDistributionChecker(t *testing.T) {
	ms := []sqlstore.Migration{{Version: 7, Name: "bad", SQL: `CREATE TABLE a (
    id bigint PRIMARY KEY
);
CREATE TABLE person (
    county_code text NOT NULL,
    id bigint NOT NULL,
    PRIMARY KEY (county_code, id)
);
ALTER TABLE person ADD CONSTRAINT person_a FOREIGN KEY (id) REFERENCES a (id);
SELECT weijian_distribute('person');
CREATE TABLE visit (
    county_code text NOT NULL,
    id bigint NOT NULL,
    PRIMARY KEY (county_code, id)
);
ALTER TABLE visit ADD CONSTRAINT visit_a FOREIGN KEY (id) REFERENCES a (id);
SELECT weijian_distribute('visit', 'county_code');`}}
	got := strings.Join(distributionProblems(ms), "\n")
	for _, want := range []string{"a is never passed to weijian_distribute", "person has county_code", "visit: a foreign key is added before"} {
		if !strings.Contains(got, want) {
			t.Errorf("checker missed %q in:\n%s", want, got)
		}
	}
	good := []sqlstore.Migration{{Version: 7, Name: "good", SQL: `CREATE TABLE visit (
    county_code text NOT NULL,
    id bigint NOT NULL,
    PRIMARY KEY (county_code, id)
);
SELECT weijian_distribute('visit', 'county_code');
ALTER TABLE visit ADD CONSTRAINT visit_a FOREIGN KEY (id) REFERENCES a (id);`}}
	if p := distributionProblems(good); len(p) != 0 {
		t.Errorf("checker flags a good migration: %q", p)
	}
}

var (
	distributeRe = regexp.MustCompile(`(?i)weijian_distribute\(\s*'(\w+)'\s*(?:,\s*'(\w+)')?\s*\)`)
	fkAlterRe    = regexp.MustCompile(`(?is)ALTER TABLE\s+(\w+)\s+ADD CONSTRAINT\s+\w+\s+FOREIGN KEY`)
)

// distributionProblems checks CITUS.md rules 1 and 4 across the migrations:
// every table is passed to weijian_distribute — a table with county_code
// as weijian_distribute('t', 'county_code') in the migration that creates
// it, before any foreign key is added to it; any other table as a
// reference table, in that migration or a later one.
func distributionProblems(ms []sqlstore.Migration) []string {
	var out []string
	type table struct {
		migration string
		county    bool
	}
	tables := map[string]table{}
	var order []string
	calls := map[string]string{} // table → distribution column ("" = reference)
	for _, m := range ms {
		name := fmt.Sprintf("migration %04d_%s", m.Version, m.Name)
		for _, c := range createRe.FindAllStringSubmatch(m.SQL, -1) {
			tables[c[1]] = table{name, countyRe.MatchString(c[2])}
			order = append(order, c[1])
		}
		for _, c := range distributeRe.FindAllStringSubmatchIndex(m.SQL, -1) {
			tbl, col := m.SQL[c[2]:c[3]], ""
			if c[4] >= 0 {
				col = m.SQL[c[4]:c[5]]
			}
			calls[tbl] = col
			if tables[tbl].county && col == "county_code" {
				for _, fk := range fkAlterRe.FindAllStringSubmatchIndex(m.SQL, -1) {
					if m.SQL[fk[2]:fk[3]] == tbl && fk[0] < c[0] {
						out = append(out, fmt.Sprintf("%s: %s: a foreign key is added before weijian_distribute (rule 4)", name, tbl))
					}
				}
			}
		}
	}
	for _, tbl := range order {
		info := tables[tbl]
		col, ok := calls[tbl]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s: table %s is never passed to weijian_distribute (rule 1)", info.migration, tbl))
		case info.county && col != "county_code":
			out = append(out, fmt.Sprintf("%s: table %s has county_code: distribute it with weijian_distribute('%s', 'county_code') (rule 1)", info.migration, tbl, tbl))
		case !info.county && col != "":
			out = append(out, fmt.Sprintf("%s: table %s has no county_code but is distributed by %s", info.migration, tbl, col))
		}
	}
	return out
}

// The checker itself finds each broken rule.
func TestCitusChecker(t *testing.T) {
	bad := `CREATE TABLE person (
    id          bigint PRIMARY KEY,
    county_code varchar(6),
    village_id  bigint REFERENCES org_unit (id),
    UNIQUE (id_number)
);
CREATE TRIGGER t AFTER INSERT ON person FOR EACH ROW EXECUTE FUNCTION f();`
	got := citusProblems(bad)
	for _, want := range []string{"rule 1", "rule 2", "rule 4", "rule 10"} {
		found := false
		for _, p := range got {
			found = found || strings.Contains(p, want)
		}
		if !found {
			t.Errorf("checker missed %s in %q", want, got)
		}
	}
	good := `CREATE TABLE person (
    county_code text NOT NULL,
    id          bigint NOT NULL,
    PRIMARY KEY (county_code, id)
);`
	if p := citusProblems(good); len(p) != 0 {
		t.Errorf("checker flags a good table: %q", p)
	}
	guarded := `DO $plain$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        RETURN;
    END IF;
    CREATE TRIGGER t AFTER INSERT ON person FOR EACH STATEMENT EXECUTE FUNCTION f();
END
$plain$;`
	if p := citusProblems(guarded); len(p) != 0 {
		t.Errorf("checker flags a trigger made on plain PostgreSQL only: %q", p)
	}
	if p := citusProblems(strings.Replace(guarded, "RETURN;", "NULL;", 1)); len(p) != 1 || !strings.Contains(p[0], "rule 10") {
		t.Errorf("checker misses a trigger in a block that does not return on Citus: %q", p)
	}
}

var (
	createRe  = regexp.MustCompile(`(?is)CREATE TABLE\s+(\w+)\s*\((.*?)\n\);`)
	triggerRe = regexp.MustCompile(`(?i)CREATE\s+(OR REPLACE\s+)?TRIGGER`)
	// plainOnly is a block that runs on plain PostgreSQL only: it returns
	// first when the citus extension is there (migration 0016).
	plainOnly = regexp.MustCompile(`(?is)DO \$plain\$\s*BEGIN\s*IF EXISTS \(SELECT 1 FROM pg_extension WHERE extname = 'citus'\) THEN\s*RETURN;\s*END IF;.*?\$plain\$;`)
	countyRe  = regexp.MustCompile(`(?m)^\s*county_code\s`)
	countyOK  = regexp.MustCompile(`(?m)^\s*county_code\s+text\s+NOT NULL`)
	keyRe     = regexp.MustCompile(`(?i)(PRIMARY KEY|UNIQUE)\s*\(([^)]*)\)`)
	inlinePK  = regexp.MustCompile(`(?im)^\s*\w+\s+[^,]*\bPRIMARY KEY\b`)
)

// citusProblems lists the CITUS.md rules a migration breaks: a table with
// county_code is distributed, so county_code is text NOT NULL (rule 1), its
// primary key and unique constraints include county_code (rule 2), it has
// no inline foreign keys (rule 4: add them with ALTER TABLE after
// distributing); and no migration creates a trigger (rule 10) but in a
// block that runs on plain PostgreSQL only (plainOnly).
func citusProblems(sql string) []string {
	var out []string
	if triggerRe.MatchString(plainOnly.ReplaceAllString(sql, "")) {
		out = append(out, "creates a trigger (rule 10)")
	}
	for _, c := range createRe.FindAllStringSubmatch(sql, -1) {
		table, body := c[1], c[2]
		if !countyRe.MatchString(body) {
			continue
		}
		if !countyOK.MatchString(body) {
			out = append(out, table+".county_code must be text NOT NULL (rule 1)")
		}
		if inlinePK.MatchString(body) {
			out = append(out, table+" has a one-column primary key: use PRIMARY KEY (county_code, id) (rule 2)")
		}
		for _, k := range keyRe.FindAllStringSubmatch(body, -1) {
			if !strings.Contains(k[2], "county_code") {
				out = append(out, table+" "+k[1]+" ("+k[2]+") must include county_code (rule 2)")
			}
		}
		if strings.Contains(strings.ToUpper(body), "REFERENCES") {
			out = append(out, table+" declares a foreign key inline: add it with ALTER TABLE after distributing (rule 4)")
		}
	}
	return out
}

// Two processes starting on a new database at once apply each migration
// once and both succeed.
func TestConcurrentMigrate(t *testing.T) {
	path := t.TempDir() + "/race.db"
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			s, err := sqlstore.Open(ctx, path, sqltest.Options{})
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Errorf("concurrent open: %v", err)
		}
	}
}

// The schema summary sees foreign keys (with their ON DELETE), unique
// constraints and indexes (with their predicate) and CHECK constraints,
// the same way on both databases: a table created alike in both gives the
// same lines, and dropping a unique index removes its line.
func TestSchemaSummarySeesConstraints(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, s *sqlstore.Store) {
		db := s.DB()
		if _, err := db.ExecContext(ctx, `CREATE TABLE probe (
			a integer NOT NULL REFERENCES org_unit (id) ON DELETE CASCADE,
			b integer CHECK (b > 0),
			c text,
			UNIQUE (a, b),
			CHECK (c <> '' OR b < a)
		)`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `CREATE UNIQUE INDEX probe_c ON probe (lower(c)) WHERE b IS NOT NULL`); err != nil {
			t.Fatal(err)
		}
		got, err := s.SchemaSummary(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, l := range strings.Split(got, "\n") {
			if strings.HasPrefix(l, "probe ") {
				lines = append(lines, l)
			}
		}
		want := []string{
			"probe CHECK (a,b,c)",
			"probe CHECK (b)",
			"probe FK (a) -> org_unit (id) ON DELETE CASCADE",
			"probe UNIQUE (a,b)",
			"probe UNIQUE (lower(c)) WHERE b is not null",
		}
		if diff := cmp.Diff(want, lines); diff != "" {
			t.Errorf("%s: constraint lines (-want +got):\n%s", s.Dialect(), diff)
		}
		if _, err := db.ExecContext(ctx, "DROP INDEX org_unit_path"); err != nil {
			t.Fatal(err)
		}
		after, _ := s.SchemaSummary(ctx)
		if !strings.Contains(got, "org_unit UNIQUE (path)\n") || strings.Contains(after, "org_unit UNIQUE (path)") {
			t.Errorf("%s: dropping the unique index on org_unit.path does not show", s.Dialect())
		}
	})
}

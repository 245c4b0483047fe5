package sqlstore

import (
	"reflect"
	"testing"
)

// Migrations reach PostgreSQL one statement at a time, split at the
// semicolons that end statements only.
func TestSplitStatements(t *testing.T) {
	script := `-- a comment; with a semicolon
CREATE TABLE a (x text DEFAULT 'a;b', "we;ird" int);
/* block; comment */ INSERT INTO a VALUES ('it''s; fine', 1);
CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $fn$ BEGIN PERFORM 1; END $fn$;
DO $$ BEGIN RAISE NOTICE 'x;y'; END $$;
SELECT $1;
-- trailing comment only
`
	want := []string{
		`CREATE TABLE a (x text DEFAULT 'a;b', "we;ird" int)`,
		`/* block; comment */ INSERT INTO a VALUES ('it''s; fine', 1)`,
		`CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $fn$ BEGIN PERFORM 1; END $fn$`,
		`DO $$ BEGIN RAISE NOTICE 'x;y'; END $$`,
		`SELECT $1`,
	}
	got := splitStatements(script)
	if len(got) > 0 {
		got[0] = got[0][len("-- a comment; with a semicolon\n"):]
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("splitStatements:\n got %q\nwant %q", got, want)
	}
}

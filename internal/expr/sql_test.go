package expr

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"
)

// A rule translated to SQL counts the same rows on SQLite and PostgreSQL
// as EvalRow does row by row, missing values included.
func TestSQLMatchesEvalRow(t *testing.T) {
	rules := []string{
		"followups >= 4 and max_gap_days <= 92 and annual_check",
		"if(age >= 65, sbp < 150, sbp < 140) and dbp < 90",
		"not (sbp >= 140 or dbp >= 90)",
		"sbp / dbp > 1.5",
		"coalesce(sbp, 0) - abs(-dbp) != 50",
		"annual_check = false or followups = 0",
		"-followups < -3 and (age + 1) * 2 >= 130",
		"sbp * 0.5 + dbp / 2 > 100.25 and age - -1 > 40",
	}
	rows := testRows()
	t.Run("sqlite", func(t *testing.T) {
		db, err := sql.Open("sqlite", ":memory:")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		db.SetMaxOpenConns(1)
		compareSQL(t, db, "INTEGER", func(q string) string { return q }, rules, rows)
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := os.Getenv("WEIJIAN_TEST_POSTGRES")
		if dsn == "" {
			if os.Getenv("WEIJIAN_REQUIRE_POSTGRES") == "1" {
				t.Fatal("WEIJIAN_TEST_POSTGRES is not set but WEIJIAN_REQUIRE_POSTGRES=1")
			}
			t.Skip("no PostgreSQL: set WEIJIAN_TEST_POSTGRES (scripts/check does)")
		}
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		db.SetMaxOpenConns(1) // one session: the temporary table lives in it
		compareSQL(t, db, "BOOLEAN", dollars, rules, rows)
	})
}

// dollars numbers the "?" placeholders $1, $2 … for PostgreSQL.
func dollars(q string) string {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

type testRow map[string]Value

// testRows are 300 deterministic rows, a tenth of the readings missing.
func testRows() []testRow {
	rng := rand.New(rand.NewPCG(1, 2))
	var out []testRow
	for range 300 {
		r := testRow{
			"followups":    Num(float64(rng.IntN(7))),
			"max_gap_days": Num(float64(60 + rng.IntN(60))),
			"annual_check": boolean(rng.IntN(3) > 0),
			"age":          Num(float64(35 + rng.IntN(55))),
			"sbp":          Num(float64(110 + rng.IntN(60))),
			"dbp":          Num(float64(60 + rng.IntN(40))),
		}
		if rng.IntN(10) == 0 {
			r["sbp"] = NoData("")
		}
		if rng.IntN(10) == 0 {
			r["dbp"] = NoData("")
		}
		out = append(out, r)
	}
	return out
}

func compareSQL(t *testing.T, db *sql.DB, boolType string, rewrite func(string) string, rules []string, rows []testRow) {
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE TEMPORARY TABLE r (followups INTEGER, max_gap_days INTEGER, annual_check "+boolType+", age INTEGER, sbp INTEGER, dbp INTEGER)"); err != nil {
		t.Fatal(err)
	}
	cols := []string{"followups", "max_gap_days", "annual_check", "age", "sbp", "dbp"}
	for _, row := range rows {
		args := make([]any, len(cols))
		for i, c := range cols {
			v := row[c]
			switch {
			case v.Null:
				args[i] = nil
			case v.Type == TBool:
				args[i] = v.Bool
			default:
				args[i] = int64(v.Num)
			}
		}
		if _, err := db.ExecContext(ctx, rewrite("INSERT INTO r VALUES (?, ?, ?, ?, ?, ?)"), args...); err != nil {
			t.Fatal(err)
		}
	}
	columns := map[string]string{}
	for _, c := range cols {
		columns[c] = c
	}
	for _, src := range rules {
		rule := mustParse(t, src)
		cond, err := SQL(rule, columns)
		if err != nil {
			t.Fatalf("SQL(%q): %v", src, err)
		}
		var got int
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM r WHERE "+cond).Scan(&got); err != nil {
			t.Fatalf("%s: %v", cond, err)
		}
		want := 0
		for _, row := range rows {
			v, err := EvalRow(rule, row)
			if err != nil {
				t.Fatal(err)
			}
			if !v.Null && v.Bool {
				want++
			}
		}
		if got != want {
			t.Errorf("%q: SQL counts %d rows, EvalRow %d\n%s", src, got, want, cond)
		}
		if want == 0 || want == len(rows) {
			t.Errorf("%q: every row or none meets the rule (%d): the case shows nothing", src, want)
		}
	}
}

// SQL refuses what has no common form, and unknown columns.
func TestSQLRefuses(t *testing.T) {
	for src, msg := range map[string]string{
		"round(sbp, 0) > 1": "no SQL form",
		"weight > 1":        `field "weight" has no column`,
		"#{births} > 1":     "cannot be part of a row rule",
	} {
		_, err := SQL(mustParse(t, src), map[string]string{"sbp": "sbp"})
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("SQL(%q) = %v, want …%s…", src, err, msg)
		}
	}
}

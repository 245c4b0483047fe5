package sqlstore_test

import (
	"database/sql"
	"testing"

	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

// On a real Citus cluster (scripts/citus.sh), the migrations apply and
// distribute as CITUS.md asks: every table with county_code is hash-
// distributed by it, all of them co-located; every other table is a
// reference table; and a query for one county is routed to one shard.
func TestCitusDistribution(t *testing.T) {
	s := sqltest.Citus(t, sqltest.Options{})
	db := s.DB()
	rows, err := db.QueryContext(ctx, `SELECT t.table_name,
		EXISTS (SELECT 1 FROM information_schema.columns c
			WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name AND c.column_name = 'county_code')
		FROM information_schema.tables t
		WHERE t.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND t.table_name <> 'schema_migration'
		ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	type table struct {
		name   string
		county bool
	}
	var tables []table
	for rows.Next() {
		var tb table
		if err := rows.Scan(&tb.name, &tb.county); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, tb)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(tables) == 0 {
		t.Fatal("no tables in the migrated schema")
	}
	colocation := map[int64][]string{}
	distributed := 0
	for _, tb := range tables {
		var method string
		var column sql.NullString
		var coloc int64
		err := db.QueryRowContext(ctx, `SELECT partmethod::text, column_to_column_name(logicalrelid, partkey), colocationid
			FROM pg_dist_partition WHERE logicalrelid = $1::regclass`, tb.name).Scan(&method, &column, &coloc)
		if err == sql.ErrNoRows {
			t.Errorf("table %s is not known to Citus (neither distributed nor a reference table)", tb.name)
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tb.name, err)
		}
		switch {
		case tb.county && (method != "h" || column.String != "county_code"):
			t.Errorf("table %s has county_code but is %s-partitioned by %q, want hash by county_code", tb.name, method, column.String)
		case !tb.county && method != "n":
			t.Errorf("table %s has no county_code but is %s-partitioned, want a reference table", tb.name, method)
		case tb.county:
			distributed++
			colocation[coloc] = append(colocation[coloc], tb.name)
			sqltest.ExplainOneShard(t, db, "SELECT count(*) FROM "+tb.name+" WHERE county_code = $1", "320685")
		}
	}
	if len(colocation) > 1 {
		t.Errorf("per-county tables fall in %d co-location groups, want one: %v", len(colocation), colocation)
	}
	t.Logf("%d tables: %d distributed by county_code, %d reference tables", len(tables), distributed, len(tables)-distributed)
}

package sqlstore_test

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/ident"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

// nationalTree builds a synthetic tree of about n units shaped like
// China's: 31 provinces, then on average 11 cities, 8.5 counties, 13.3
// towns and 16.6 villages under each (2021: ~2,850 counties, ~38,600
// towns, ~650,000 villages and communities). Codes are valid 12-digit
// division codes; names are Chinese so that pinyin initials are computed
// as for real data.
func nationalTree(n int) []weijian.OrgUnitRow {
	scale := float64(n) / 700000
	provs := ident.Provinces()[:31]
	var rows []weijian.OrgUnitRow
	line := 1
	add := func(code, name, level, parent string) {
		if len(rows) >= n {
			return
		}
		line++
		rows = append(rows, weijian.OrgUnitRow{Line: line, Code: code, Name: name, Level: level, ParentCode: parent})
	}
	towns := int(13.3*scale + 0.5)
	villages := 17
	for _, p := range provs {
		pc := p.Code + "0000000000"
		add(pc, p.Name, "province", "")
		for c := 1; c <= 11; c++ {
			cc := fmt.Sprintf("%s%02d00000000", p.Code, c)
			add(cc, fmt.Sprintf("第%d市", c), "city", pc)
			for k := 1; k <= 8+(c%2); k++ {
				kc := fmt.Sprintf("%s%02d%02d000000", p.Code, c, k)
				add(kc, fmt.Sprintf("长%d县", k), "county", cc)
				for t := 1; t <= max(1, towns); t++ {
					tc := fmt.Sprintf("%s%02d%02d%03d000", p.Code, c, k, 100+t)
					add(tc, fmt.Sprintf("新%d镇", t), "town", kc)
					for v := 1; v <= villages; v++ {
						add(fmt.Sprintf("%s%03d", tc[:9], 200+v), fmt.Sprintf("和平%d村", v), "village", tc)
					}
				}
			}
		}
	}
	return rows
}

func benchUnits() int {
	if v, err := strconv.Atoi(os.Getenv("WEIJIAN_BENCH_UNITS")); err == nil && v > 0 {
		return v
	}
	return 700000
}

// BenchmarkImportNational imports the national-size tree into an empty
// database: units/s is the figure to read. Run with -benchtime=1x.
func BenchmarkImportNational(b *testing.B) {
	rows := nationalTree(benchUnits())
	for _, db := range []string{"sqlite", "postgres"} {
		b.Run(db, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				s := openBench(b, db)
				b.StartTimer()
				start := time.Now()
				sum, err := s.ImportOrgUnits(ctx, all, rows, weijian.ImportOptions{})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(sum.Inserted)/time.Since(start).Seconds(), "units/s")
			}
		})
	}
}

func openBench(b *testing.B, db string) *sqlstore.Store {
	if db == "sqlite" {
		return sqltest.SQLite(b, sqltest.Options{})
	}
	return sqltest.Postgres(b, sqltest.Options{})
}

// BenchmarkSubtree reads the current subtree of one county (~230 units)
// and of one province (~22,000 units) from the national tree.
func BenchmarkSubtree(b *testing.B) {
	rows := nationalTree(benchUnits())
	for _, db := range []string{"sqlite", "postgres"} {
		b.Run(db, func(b *testing.B) {
			s := openBench(b, db)
			if _, err := s.ImportOrgUnits(ctx, all, rows, weijian.ImportOptions{}); err != nil {
				b.Fatal(err)
			}
			for _, tc := range []struct{ name, code string }{
				{"county", "320101000000"}, {"province", "320000000000"},
			} {
				b.Run(tc.name, func(b *testing.B) {
					var n int
					for b.Loop() {
						us, err := s.Subtree(ctx, all, tc.code, false)
						if err != nil {
							b.Fatal(err)
						}
						n = len(us)
					}
					b.ReportMetric(float64(n), "units")
				})
			}
		})
	}
}

// The synthetic tree is valid: a small one imports cleanly and has the
// shape promised.
func TestNationalTreeImports(t *testing.T) {
	rows := nationalTree(20000)
	if len(rows) != 20000 {
		t.Fatalf("%d rows, want 20000", len(rows))
	}
	s := sqltest.SQLite(t, sqltest.Options{})
	sum, err := s.ImportOrgUnits(ctx, all, rows, weijian.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Inserted != 20000 {
		t.Errorf("inserted %d", sum.Inserted)
	}
}

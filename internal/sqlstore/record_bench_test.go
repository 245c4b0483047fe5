package sqlstore_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/weijian-health/weijian"
)

// BenchmarkRecordEvent times one hypertension follow-up recorded for a
// random patient enrolled before 2025 (WEIJIAN_BENCH_DB, as BenchmarkResidentQueries):
// what a write costs, the kept rule counts of the county corrected in its
// transaction included (warm them first, e.g. with BenchmarkGrid). It
// reports the p50 and p90 in ms. The events stay in the database.
func BenchmarkRecordEvent(b *testing.B) {
	s := queryBenchStore(b)
	rows, err := s.DB().Query(`SELECT e.person_id FROM enrollment e JOIN person p ON p.county_code = e.county_code AND p.id = e.person_id
		WHERE e.programme = 'hypertension' AND e.enrolled_on < '2025-01-01' AND e.ended_on IS NULL AND p.death_date IS NULL
		AND p.merged_into IS NULL ORDER BY e.person_id`)
	if err != nil {
		b.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	if len(ids) == 0 {
		b.Fatal("no hypertension patients in 2025")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	var d []time.Duration
	for b.Loop() {
		p, err := s.Person(ctx, all, ids[rng.IntN(len(ids))])
		if err != nil {
			b.Fatal(err)
		}
		e := &weijian.Event{PersonID: p.ID, Programme: "hypertension", Stage: "followup", OrgUnitID: p.VillageID,
			Date:   time.Date(2025, time.Month(1+rng.IntN(11)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC),
			Values: map[string]any{"sbp": 132, "dbp": 84}}
		start := time.Now()
		if err := s.RecordEvent(ctx, all, weijian.Actor{Name: "bench"}, e); err != nil {
			b.Fatal(err)
		}
		d = append(d, time.Since(start))
	}
	slices.Sort(d)
	b.ReportMetric(float64(d[len(d)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(d[len(d)*9/10].Microseconds())/1000, "p90-ms")
}

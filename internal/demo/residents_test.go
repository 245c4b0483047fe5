package demo

import (
	"context"
	"testing"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/sqlstore"
	"github.com/weijian-health/weijian/internal/sqlstore/sqltest"
)

var residentNow = func() time.Time { return time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC) }

// A small demo county with residents, on both databases: the persons
// match the scaled population, every programme has services in at least
// 4 years, the rates land near their targets, the year statuses are kept,
// the village doctor has a work list, and the same seed gives the same
// residents.
func TestGenerateResidents(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, st *sqlstore.Store) {
		ctx := context.Background()
		sum, err := Generate(ctx, st, Options{Password: testPassword, Scale: 0.01, Now: residentNow})
		if err != nil {
			t.Fatal(err)
		}
		r := sum.Residents
		checkResidentCards(t, st, sum)
		last := sum.Years[len(sum.Years)-1]
		if d := float64(r.Alive) - float64(last.Total)*0.01; d > 200 || d < -200 {
			t.Errorf("%d living residents, want about 1%% of %d", r.Alive, last.Total)
		}
		if r.Dead == 0 || r.Households == 0 || r.Events < 30*r.Persons/10 {
			t.Errorf("summary %+v", r)
		}
		for _, p := range r.Programmes {
			if p.Events == 0 {
				t.Errorf("programme %s has no services", p.Code)
			}
		}
		for _, x := range r.Rates {
			got := float64(x.Num) * 100 / float64(x.Den)
			if got < x.TargetPct-8 || got > x.TargetPct+8 {
				t.Errorf("%s: %.1f%%, want near %.1f%%", x.Name.EN, got, x.TargetPct)
			}
		}
		years := map[int]bool{}
		found, _, err := st.SearchPersons(ctx, weijian.ScopeAll(), weijian.PersonFilter{Query: "王", Limit: 200})
		if err != nil || len(found) == 0 {
			t.Fatalf("search: %d, %v", len(found), err)
		}
		for _, p := range found {
			ys, err := st.PersonYears(ctx, weijian.ScopeAll(), p.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, y := range ys {
				years[y.Year] = true
			}
		}
		for y := 2022; y <= 2026; y++ {
			if !years[y] {
				t.Errorf("no services in %d", y)
			}
		}
		doctor, err := st.UserByName(ctx, "village")
		if err != nil {
			t.Fatal(err)
		}
		_, n, err := st.WorkList(ctx, weijian.ScopeAll(), weijian.WorkFilter{List: "elderly_year", DoctorID: doctor.ID, AsOf: residentNow()})
		if err != nil || n == 0 {
			t.Errorf("village doctor's elderly list: %d, %v", n, err)
		}
	})
}

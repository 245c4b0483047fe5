package demo

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/surveil"
)

// syndromicDays is how many days of syndromic series the demo keeps.
const syndromicDays = 400

// sourceBase is a syndromic source's daily mean per 100,000 residents and
// the size of its winter swing.
var sourceBase = []struct {
	code          string
	per100k, wave float64
	weekday       bool // lower at weekends (schools)
}{
	{"fever_clinic", 6, 0.8, false},
	{"antipyretic_sales", 25, 0.7, false},
	{"antidiarrhoeal_sales", 10, 0.4, false},
	{"school_absence", 18, 0.6, true},
}

// syndromic writes the daily series of every source for every township
// and the county, with the injected outbreaks' spikes.
func (g *caseGen) syndromic(ctx context.Context, st surveil.Store, county string) (int, error) {
	sv := surveil.New(st, nil, surveil.Config{}, nil, nil, nil)
	areas, err := sv.Areas(ctx, county)
	if err != nil {
		return 0, err
	}
	townPop := map[string]float64{}
	prev := 0.0
	for i, u := range g.units {
		townPop[u.Town.Row.Code] += g.cum[i] - prev
		prev = g.cum[i]
	}
	first := g.today.AddDays(-syndromicDays + 1)
	var rows []surveil.CountRow
	for _, src := range sourceBase {
		totals := map[period.Date]int{}
		for ti, tw := range g.b.tree.Towns {
			area := areaOf(areas, tw.Row.Code)
			if area == nil {
				continue
			}
			for d := first; !d.After(g.today); d = d.AddDays(1) {
				mean := src.per100k * townPop[tw.Row.Code] / 1e5 * (1 + src.wave*math.Cos(2*math.Pi*float64(d.YearDay()-20)/365))
				if src.weekday && (d.Weekday() == time.Saturday || d.Weekday() == time.Sunday) {
					mean *= 0.3
				}
				mean += g.spike(src.code, ti, d)
				n := poisson(g.rng, mean)
				rows = append(rows, surveil.CountRow{Item: src.code, AreaID: area.ID, Day: d, N: n})
				totals[d] += n
			}
		}
		for d, n := range totals {
			rows = append(rows, surveil.CountRow{Item: src.code, AreaID: areas[0].ID, Day: d, N: n})
		}
	}
	if _, err := st.SetCounts(ctx, county, rows); err != nil {
		return 0, fmt.Errorf("demo syndromic series: %w", err)
	}
	return len(rows), nil
}

// spike is the extra daily count an injected outbreak adds to a source in
// its township: about three per case, over the outbreak's days.
func (g *caseGen) spike(source string, town int, d period.Date) float64 {
	extra := 0.0
	for _, o := range demoOutbreaks {
		if o.source != source || o.town%len(g.b.tree.Towns) != town {
			continue
		}
		start := g.today.AddDays(-o.daysAgo)
		if k := d.DaysSince(start); k >= 0 && k < o.days+2 {
			extra += 3 * float64(o.size) / float64(o.days+2)
		}
	}
	return extra
}

func areaOf(areas []surveil.Area, code string) *surveil.Area {
	for i := range areas {
		if areas[i].Code == code {
			return &areas[i]
		}
	}
	return nil
}

// zeroReports records the zero reports of the last 60 days: each
// reporting facility, on a day it reported no card, files one 19 times in
// 20.
func (g *caseGen) zeroReports(ctx context.Context, st surveil.Store, cards []*surveil.CaseReport) (int, error) {
	had := map[string]bool{}
	for _, c := range cards {
		had[c.FacilityCode+"|"+period.DateOf(c.ReportedAt.In(surveil.China)).String()] = true
	}
	var rows []surveil.ZeroRow
	for _, f := range g.b.facilities {
		switch f.FacilityType {
		case "county_hospital", "tcm_hospital", "township_hc", "community_hc":
		default:
			continue
		}
		u, err := st.OrgUnit(ctx, weijian.ScopeAll(), f.Code)
		if err != nil {
			return 0, err
		}
		for d := g.today.AddDays(-60); d.Before(g.today); d = d.AddDays(1) {
			if had[f.Code+"|"+d.String()] || g.rng.IntN(20) == 0 {
				continue
			}
			at := time.Date(d.Year, d.Month, d.Day, 16, g.rng.IntN(60), 0, 0, surveil.China)
			rows = append(rows, surveil.ZeroRow{County: g.b.c.Code, FacilityID: u.ID, Day: d, At: at, Actor: "demo"})
		}
	}
	return len(rows), st.ZeroReports(ctx, rows)
}

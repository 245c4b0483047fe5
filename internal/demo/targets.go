package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/analytics"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
)

// Targets (任务数/目标值) of the demo county: set at the county for every
// targeted indicator of the library and each of the last five years, and
// allocated to the towns and villages by population share (analytics.
// Allocation, two levels down).
//
// A rate's 目标值 is the usual national or provincial figure (rateTargets).
// A count's 任务数 is set from the demo's own figure, as a county sets
// next year's task from this year's work: the year's actual figure
// divided by a completion between 92% and 104% (so that some towns end
// the year ahead and some behind), and for the current year last year's
// figure × 1.03 — which the county, on 1 December, has done some 90% of.
// Counts with no figure (no residents generated, no data set) get none,
// and years after the last year of population (Options.Through) none.

// rateTargets are the 目标值 (%, ‰) of the rates, by indicator code.
var rateTargets = map[string]float64{
	"htn_standard_rate": 65, "htn_control_rate": 60, "dm_standard_rate": 65, "dm_control_rate": 60,
	"elderly_management_rate": 70, "smd_standard_rate": 80, "smd_regular_medication_rate": 70,
	"elderly_tcm_rate": 70, "family_doctor_signing_rate": 40,
	"vacc_hepb1_rate": 95, "vacc_bcg_rate": 95, "vacc_dtap1_rate": 95, "vacc_mmr1_rate": 95, "hpv_first_dose_rate": 90,
	"early_registration_rate": 90, "postpartum_visit_rate": 90, "maternal_system_rate": 90, "prenatal_screening_rate": 95,
	"newborn_disease_screening_rate": 98, "newborn_hearing_screening_rate": 98, "newborn_chd_screening_rate": 98,
	"newborn_visit_rate": 90, "child_health_management_rate": 90, "childcare_places_per_1000": 3.5,
	"hazard_rectification_rate": 100,
}

// countBases are the population bases counts are allocated by (the
// target groups), by indicator code; other counts go by total population.
var countBases = map[string]analytics.PopBase{
	"htn_managed":       {Age: weijian.AgeBand{From: 35, To: weijian.AgeOpen}},
	"dm_managed":        {Age: weijian.AgeBand{From: 35, To: weijian.AgeOpen}},
	"cervical_screened": {Sex: weijian.SexFemale, Age: weijian.AgeBand{From: 35, To: 65}},
	"breast_screened":   {Sex: weijian.SexFemale, Age: weijian.AgeBand{From: 35, To: 65}},
}

// writeTargets sets and allocates the targets; it returns how many it
// stored.
func (b *built) writeTargets(ctx context.Context, st Store, opt Options) (int, error) {
	svc, err := analytics.NewLive(st)
	if err != nil {
		return 0, err
	}
	today := period.DateOf(opt.Now().In(chinaZone))
	first := today.Year - 4
	county := b.c.unitCode()
	counts, err := countFigures(ctx, svc.Eval, county, first, today)
	if err != nil {
		return 0, err
	}
	var as []analytics.Allocation
	for _, d := range svc.Eval.Library().All() {
		if !d.Targeted {
			continue
		}
		for y := first; y <= min(today.Year, opt.Through); y++ { // years with population to share by
			v, ok := rateTargets[d.Code], true
			if d.Unit == indicator.Count || d.Unit == indicator.Amount {
				v, ok = countTask(counts, d.Code, y, today.Year)
			} else if _, known := rateTargets[d.Code]; !known {
				ok = false
			}
			if !ok {
				continue
			}
			a := analytics.Allocation{Indicator: d.Code, OrgUnit: county, Year: y, Method: weijian.TargetByPopulation, Value: &v, Depth: 2}
			if base, ok := countBases[d.Code]; ok {
				a.Base = &base
			}
			as = append(as, a)
		}
	}
	rows, err := svc.AllocateAll(ctx, weijian.ScopeAll(), actor, as)
	if err != nil {
		return 0, fmt.Errorf("demo targets: %w", err)
	}
	return len(rows), nil
}

var chinaZone = time.FixedZone("CST", 8*3600)

// countFigures computes the county's count indicators for each year from
// first to today's (to date), in one batch.
func countFigures(ctx context.Context, ev indicator.Evaluator, county string, first int, today period.Date) (map[string]map[int]float64, error) {
	var cells []indicator.Cell
	for _, d := range ev.Library().All() {
		if !d.Targeted || (d.Unit != indicator.Count && d.Unit != indicator.Amount) {
			continue
		}
		for y := first; y <= today.Year; y++ {
			sp := period.Of(period.Year, period.NewDate(y, time.January, 1)).Span()
			if today.Before(sp.End) {
				sp.End = today
			}
			cells = append(cells, indicator.Cell{Indicator: d.Code, OrgUnit: county, Span: sp})
		}
	}
	res, err := ev.EvalMany(ctx, weijian.ScopeAll(), cells)
	if err != nil {
		return nil, err
	}
	out := map[string]map[int]float64{}
	for i, c := range cells {
		if res[i].NoData || res[i].Value <= 0 {
			continue
		}
		if out[c.Indicator] == nil {
			out[c.Indicator] = map[int]float64{}
		}
		out[c.Indicator][c.Span.Start.Year] = res[i].Value
	}
	return out, nil
}

// countTask is the 任务数 of a count in a year (see the comment at the
// top): the figure over a completion of 92–104%, varying by indicator
// and year, or last year's × 1.03 for the current year.
func countTask(counts map[string]map[int]float64, code string, year, current int) (float64, bool) {
	if year == current {
		last, ok := counts[code][year-1]
		return float64(int64(last*1.03 + 0.5)), ok
	}
	v, ok := counts[code][year]
	h := 0
	for _, r := range code {
		h = (h*31 + int(r)) % 1000
	}
	completion := 0.92 + float64((h+year*7)%13)/100
	return float64(int64(v/completion + 0.5)), ok
}

package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/period"
)

// validFrom is the date the demo's units take effect: the start of the
// census year, so that every year of population has its tree.
var validFrom = time.Date(CensusYear, 1, 1, 0, 0, 0, 0, time.UTC)

// actor names the demo in the audit log.
const actor = "demo"

// write stores the built county through the store's own imports, which
// validate every row (codes, levels, parents, credit codes, population
// cells) as they would a county's files.
func (b *built) write(ctx context.Context, st Store, opt Options) (Summary, error) {
	sum := Summary{County: b.c.Code, CountyName: b.c.Name, Note: b.c.Note, Years: b.stats, Scale: opt.Scale}
	for _, a := range b.tree.Ancestors[:len(b.tree.Ancestors)-1] {
		sum.FullName += a.Name
	}
	sum.FullName += b.c.Name
	units := append(append([]weijian.OrgUnitRow(nil), b.areas...), b.facilities...)
	step := weijian.T("区划与机构", "org units")
	opt.Progress(Progress{Step: step, Done: 0, Total: len(units)})
	if _, err := st.ImportOrgUnits(ctx, weijian.ScopeAll(), units,
		weijian.ImportOptions{ValidFrom: validFrom, Actor: actor}); err != nil {
		return sum, fmt.Errorf("demo org units: %w", err)
	}
	opt.Progress(Progress{Step: step, Done: len(units), Total: len(units)})
	totalRows := len(b.pops) * len(b.units) * 2 * ages
	done := 0
	for i := range b.pops {
		rows := b.populationRows(i)
		if _, err := st.ImportPopulation(ctx, weijian.ScopeAll(), rows, weijian.ImportOptions{Actor: actor}); err != nil {
			return sum, fmt.Errorf("demo population %d: %w", CensusYear+i, err)
		}
		done += len(rows)
		y := CensusYear + i
		opt.Progress(Progress{Step: weijian.T(fmt.Sprintf("人口 %d年", y), fmt.Sprintf("population %d", y)), Done: done, Total: totalRows})
	}
	sum.PopulationRows = totalRows
	users, err := createUsers(ctx, st, b.tree, b.facilities, opt.Password)
	if err != nil {
		return sum, err
	}
	opt.Progress(Progress{Step: weijian.T("用户", "users"), Done: len(users), Total: len(demoUsers)})
	sum.Users = users
	if err := writeResidents(ctx, st, b, opt, &sum); err != nil {
		return sum, err
	}
	if err := b.surveillance(ctx, st, opt, &sum); err != nil {
		return sum, err
	}
	if sum.DataValues, err = b.writeDataValues(ctx, st, opt); err != nil {
		return sum, err
	}
	t0 := time.Now()
	if sum.Targets, err = b.writeTargets(ctx, st, opt); err != nil {
		return sum, err
	}
	sum.TargetsElapsed = time.Since(t0)
	opt.Progress(Progress{Step: weijian.T("任务数", "targets"), Done: sum.Targets, Total: sum.Targets})
	if opt.Scale > 0 {
		step := weijian.T("指标计数（近三年）", "indicator counts (the last three years)")
		opt.Progress(Progress{Step: step, Done: 0, Total: 1})
		n, err := warmCounts(ctx, st, b.c.unitCode(), period.DateOf(opt.Now().In(chinaZone)))
		if err != nil {
			return sum, err
		}
		opt.Progress(Progress{Step: step, Done: n, Total: n})
	}
	if err := b.counts(ctx, st, &sum); err != nil {
		return sum, err
	}
	return sum, nil
}

// counts fills the unit counts of the summary, named as the store names
// its levels and facility types.
func (b *built) counts(ctx context.Context, st Store, sum *Summary) error {
	levels, err := st.Levels(ctx)
	if err != nil {
		return err
	}
	types, err := st.FacilityTypes(ctx)
	if err != nil {
		return err
	}
	byLevel, byType := map[string]int{}, map[string]int{}
	for _, r := range b.areas {
		byLevel[r.Level]++
	}
	for _, r := range b.facilities {
		byLevel[r.Level]++
		byType[r.FacilityType]++
	}
	for _, l := range levels {
		if n := byLevel[l.Key]; n > 0 {
			sum.Units = append(sum.Units, Count{l.Key, l.Name, n})
		}
	}
	for _, t := range types {
		if n := byType[t.Key]; n > 0 {
			sum.Facilities = append(sum.Facilities, Count{t.Key, t.Name, n})
		}
	}
	return nil
}

package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/dataset"
	"github.com/weijian-health/weijian/internal/period"
)

// DataValueYears is how many calendar years of aggregate data the demo
// holds: the current year to date and the two before it.
const DataValueYears = 3

// cst is the zone of completion dates and due days.
var cst = time.FixedZone("CST", 8*3600)

// aggregate is the demo's aggregate data: values and completions of the
// built-in data sets for every reporting unit, period by period.
type aggregate struct {
	values      map[string][]weijian.DataValue // by data set
	completions []weijian.Completion
}

// aggregateData generates the built-in data sets' values from January
// DataValueYears-1 years ago to the last period that has ended, scaled so
// that the county totals are of the size of the figures in the work
// summaries (FIGURES.csv): some 21 registered childcare institutions and
// 185 new places a year, 2175 rodent bait stations, 16,000 renovated
// household toilets a year, 32 cases and 17 complaints of the health
// supervision institute a year, 112 free clinics in half a year, an
// effective investment of about 16,051 万元 a year; quarantine sites (3
// sites, 198 rooms, 156 usable, as in 2021) report zero since 2023. Most
// reports are in by the due day, some late, a few missing.
func (b *built) aggregateData(cat *dataset.Catalog, now time.Time, seed uint64) *aggregate {
	r := rand.New(rand.NewPCG(seed, 15))
	today := period.DateOf(now.In(cst))
	first := today.Year - (DataValueYears - 1)
	units := append(append([]weijian.OrgUnitRow(nil), b.areas...), b.facilities...)
	a := &aggregate{values: map[string][]weijian.DataValue{}}
	for _, ds := range cat.All() {
		var reporters []weijian.OrgUnitRow
		for _, u := range units {
			if ds.ReportedBy(u.Level, u.FacilityType) {
				reporters = append(reporters, u)
			}
		}
		from := first
		if ds.Code == "geli" {
			from = 2021
		}
		for p := period.Of(ds.Period(), period.NewDate(from, 1, 1)); p.End().Before(today); p = p.Next() {
			due := ds.Due(p)
			for i, u := range reporters {
				done, ok := completion(r, due, today)
				if !ok {
					continue
				}
				c := weijian.Completion{DataSet: ds.Code, UnitCode: u.Code, Period: period.Format(p), CompletedBy: actor, CompletedAt: done}
				vals := demoValues(r, ds, p, i, len(reporters), b.size)
				if len(vals) == 0 {
					c.ZeroReport = true
				}
				for _, v := range vals {
					v.DataSet, v.UnitCode, v.Period = ds.Code, u.Code, c.Period
					a.values[ds.Code] = append(a.values[ds.Code], v)
				}
				a.completions = append(a.completions, c)
			}
		}
	}
	return a
}

// completion is when a unit reported a period due on due: mostly a few
// days before, sometimes late, rarely not at all; a period whose due day
// is still ahead is reported by about half the units so far.
func completion(r *rand.Rand, due, today period.Date) (time.Time, bool) {
	at := func(d period.Date) time.Time {
		return time.Date(d.Year, time.Month(d.Month), d.Day, 9+r.IntN(8), r.IntN(60), 0, 0, cst)
	}
	if !today.After(due) {
		if r.Float64() < 0.5 {
			return time.Time{}, false
		}
		d := due.AddDays(-r.IntN(5))
		if d.After(today) {
			d = today
		}
		return at(d), true
	}
	switch x := r.Float64(); {
	case x < 0.03:
		return time.Time{}, false
	case x < 0.12:
		return at(due.AddDays(1 + r.IntN(10))), true
	default:
		return at(due.AddDays(-r.IntN(6))), true
	}
}

// demoValues are one unit's values for a period; unit is its index among
// n reporting units (to spread a county total). Nil is a zero report.
// size is the county's size factor (Options.Scale above 1, else 1): the
// figures sized on the county's totals — childcare institutions and
// places, bait stations, toilets, supervision cases and complaints, free
// clinics, investment — grow with it, so that childcare places per 1,000
// stay put and the tasks set from them grow with the county; the work of
// one unit (inspections, lectures, trainings, quarantine sites) does not.
func demoValues(r *rand.Rand, ds *dataset.DataSet, p period.Period, unit, n int, size float64) []weijian.DataValue {
	var out []weijian.DataValue
	put := func(element, combo string, v int) {
		if v < 0 {
			v = 0
		}
		out = append(out, weijian.DataValue{Element: element, Combo: combo, Value: strconv.Itoa(v)})
	}
	around := func(mean float64) int { // Poisson-like spread, at least 0
		return int(mean + r.NormFloat64()*max(1, mean)*0.35 + 0.5)
	}
	month := int(p.Start().Month)
	sized := func(v int) int { // v × size, rounded
		if size == 1 {
			return v
		}
		return int(math.Round(float64(v) * size))
	}
	share := 1 / float64(max(1, n))
	monthsIn := float64(p.NumDays()) / 30.4
	switch ds.Code {
	case "tuoyu": // per town: ~2 institutions, growing places
		years := p.Start().Year - 2020
		pub, priv := 1+(unit%2), 1+years/3+(unit%3)/2
		put("institutions", "type=public", sized(pub))
		put("institutions", "type=private", sized(priv))
		put("registered", "type=public", sized(pub))
		put("registered", "type=private", sized(priv-r.IntN(2)))
		put("places", "type=public", sized(pub*50+years*8+p.Index()*2))
		put("places", "type=private", sized(priv*35+years*5+p.Index()))
		put("new_places", "type=public", around(185*share*0.6/4*size))
		put("new_places", "type=private", around(185*share*0.4/4*size))
	case "aiguo":
		base := 2175 * share * 0.7
		put("bait_stations", "", sized(int(base)+(p.Start().Year-2024)*12*3+month*3))
		put("toilets", "", around(16000*share/12*size))
		summer := month >= 4 && month <= 10
		put("vector_surveys", "vector=rodent", 1+r.IntN(2))
		put("vector_surveys", "vector=mosquito", map[bool]int{true: 2 + r.IntN(3), false: r.IntN(2)}[summer])
		put("vector_surveys", "vector=fly", map[bool]int{true: 1 + r.IntN(2), false: r.IntN(2)}[summer])
		put("vector_surveys", "vector=cockroach", r.IntN(2))
	case "peixun":
		off, on := r.IntN(3), r.IntN(2)
		put("sessions", "mode=offline", off)
		put("sessions", "mode=online", on)
		put("attendance", "mode=offline", off*(20+r.IntN(40)))
		put("attendance", "mode=online", on*(150+r.IntN(500)))
	case "anquan":
		hazards := r.IntN(4)
		put("inspections", "", 1+r.IntN(2))
		put("hazards", "", hazards)
		put("rectified", "", hazards-r.IntN(2))
		put("drills", "", map[bool]int{true: 1, false: 0}[r.Float64() < 0.15])
	case "jiandu":
		fields := []string{"medical", "public", "water", "school", "occupational"}
		weights := []float64{0.45, 0.25, 0.1, 0.1, 0.1}
		for i, f := range fields {
			put("cases", "field="+f, around(32.0/12*weights[i]*monthsIn*size))
		}
		put("complaints", "", around(17.0/12*size))
	case "jiankang":
		put("lectures", "", 1+r.IntN(2))
		put("free_clinics", "", around(112.0/6*share*size))
		for _, sex := range []string{"M", "F"} {
			for _, age := range []string{"0-17", "18-64", "65+"} {
				mean := map[string]float64{"0-17": 12, "18-64": 30, "65+": 25}[age]
				if sex == "F" {
					mean *= 1.2
				}
				put("participants", "sex="+sex+";age="+age, around(mean))
			}
		}
	case "geli":
		if p.Start().Year >= 2023 {
			return nil // no quarantine sites any more: a zero report
		}
		put("sites", "", 3)
		put("rooms", "", 198)
		put("usable", "", 156)
		put("occupied", "", r.IntN(90))
	case "touzi":
		total := 16051.0 / 12 * (0.6 + 0.8*r.Float64()) * size
		for kind, f := range map[string]float64{"construction": 0.7, "equipment": 0.2, "it": 0.1} {
			out = append(out, weijian.DataValue{Element: "amount", Combo: "kind=" + kind,
				Value: strconv.FormatFloat(float64(int(total*f*100))/100, 'f', -1, 64)})
		}
	}
	return out
}

// writeAggregate stores the aggregate data, one batch per data set.
func writeAggregate(ctx context.Context, st Store, a *aggregate, cat *dataset.Catalog, progress func(Progress)) (int, error) {
	step := weijian.T("报表数据", "aggregate data")
	n := 0
	for i, ds := range cat.All() {
		vals, issues := cat.CheckValues(a.values[ds.Code])
		if len(issues) > 0 {
			return n, fmt.Errorf("demo data set %s: %s", ds.Code, issues[0].String("en"))
		}
		if _, err := st.SaveDataValues(ctx, weijian.ScopeAll(), actor, vals); err != nil {
			return n, fmt.Errorf("demo data set %s: %w", ds.Code, err)
		}
		n += len(vals)
		progress(Progress{Step: step, Done: i + 1, Total: len(cat.All())})
	}
	if err := st.ImportCompletions(ctx, weijian.ScopeAll(), a.completions); err != nil {
		return n, fmt.Errorf("demo completions: %w", err)
	}
	return n, nil
}

// writeDataValues generates and stores the aggregate data.
func (b *built) writeDataValues(ctx context.Context, st Store, opt Options) (int, error) {
	cat, err := dataset.Builtin()
	if err != nil {
		return 0, err
	}
	return writeAggregate(ctx, st, b.aggregateData(cat, opt.Now(), opt.Seed), cat, opt.Progress)
}

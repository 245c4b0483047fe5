package demo

// YearStats is the county total of one year and the events that led to it
// (births, deaths and net migration in the twelve months before the
// reference date, 1 November; none for the census year).
type YearStats struct {
	Year                  int
	Total, Male, Female   int64
	Births, Deaths, Moved int64
}

// tfrTrend scales the county's 2021 total fertility rate in later years,
// following the national births (NBS: 10.62 million in 2021, 9.56 in
// 2022, 9.02 in 2023, 9.54 in 2024, the dragon year) net of the shrinking
// number of women of childbearing age; 2025 on is assumed.
var tfrTrend = map[int]float64{2021: 1, 2022: 0.91, 2023: 0.87, 2024: 0.93, 2025: 0.87, 2026: 0.85}

func trend(year int) float64 {
	if f, ok := tfrTrend[year]; ok {
		return f
	}
	if year < 2021 {
		return 1
	}
	return 0.85
}

// project runs the cohort-component projection from the census year
// through the given year, area by area: everyone ages one year, deaths
// follow the life table, births follow the age-specific fertility of the
// women in each area, and the county's net migration is spread over ages
// 20–39. All counts stay integers: each county-wide number of events is
// rounded once and apportioned over the areas by largest remainders, so
// the projection is exact, deterministic and consistent cohort by cohort.
func project(c *county, base []table, through int) ([][]table, []YearStats) {
	pops := [][]table{base}
	stats := []YearStats{countyStats(2020, base)}
	for y := 2021; y <= through; y++ {
		next, st := step(c, pops[len(pops)-1], y)
		pops = append(pops, next)
		stats = append(stats, st)
	}
	return pops, stats
}

// step moves the areas' population one year on, to year.
func step(c *county, pop []table, year int) ([]table, YearStats) {
	next := make([]table, len(pop))
	var deaths int64
	q := make([]float64, len(pop))
	for s := range 2 {
		m := mortalityOf(s)
		for a := range ages {
			for i := range pop {
				q[i] = float64(pop[i][s][a]) * m.q(a)
			}
			died := apportion(roundHalfUp(sum(q)), q)
			for i := range pop {
				d := min(died[i], pop[i][s][a])
				deaths += d
				next[i][s][min(a+1, MaxAge)] += pop[i][s][a] - d
			}
		}
	}
	births, infantDeaths := bear(c, pop, next, year)
	moved := migrate(c.Migration, next)
	st := countyStats(year, next)
	st.Births, st.Deaths, st.Moved = births, deaths+infantDeaths, moved
	return next, st
}

// bear adds the year's newborns (less those who die before the reference
// date, half a year's infant mortality) at age 0 of next.
func bear(c *county, pop, next []table, year int) (births, infantDeaths int64) {
	f := fertilityShape()
	tfr := c.TFR * trend(year)
	expected := make([]float64, len(pop))
	for i := range pop {
		for a := 15; a <= 49; a++ {
			expected[i] += tfr * f[a] * float64(pop[i][1][a])
		}
	}
	births = roundHalfUp(sum(expected))
	boys := roundHalfUp(float64(births) * sexRatioAtBirth / (1 + sexRatioAtBirth))
	for s, n := range []int64{boys, births - boys} {
		born := apportion(n, expected)
		dq := make([]float64, len(born))
		for i, b := range born {
			dq[i] = float64(b) * mortalityOf(s).q(0) / 2
		}
		died := apportion(roundHalfUp(sum(dq)), dq)
		for i := range born {
			d := min(died[i], born[i])
			next[i][s][0] = born[i] - d
			infantDeaths += d
		}
	}
	return births, infantDeaths
}

// migrate adds (or, when net is negative, removes) net migrants at ages
// 20–39, equally by sex and age, in proportion to each area's people of
// that sex and age. It returns the number actually moved.
func migrate(net int64, pop []table) int64 {
	if net == 0 {
		return 0
	}
	sign, n := int64(1), net
	if net < 0 {
		sign, n = -1, -net
	}
	cells := apportion(n, make([]float64, 40)) // 20 ages × 2 sexes, evenly
	var moved int64
	w := make([]float64, len(pop))
	for k, cnt := range cells {
		s, a := k%2, 20+k/2
		for i := range pop {
			w[i] = float64(pop[i][s][a])
		}
		for i, m := range apportion(cnt, w) {
			if sign < 0 {
				m = min(m, pop[i][s][a])
			}
			pop[i][s][a] += sign * m
			moved += sign * m
		}
	}
	return moved
}

func countyStats(year int, pop []table) YearStats {
	st := YearStats{Year: year}
	for i := range pop {
		st.Male += pop[i].sexTotal(0)
		st.Female += pop[i].sexTotal(1)
	}
	st.Total = st.Male + st.Female
	return st
}

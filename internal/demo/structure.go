package demo

import (
	"fmt"
	"math"
)

// table is a population by sex (0 male, 1 female) and age (0–99, 100+).
type table [2][ages]int64

func (t *table) total() int64 {
	var n int64
	for s := range t {
		n += t.sexTotal(s)
	}
	return n
}

func (t *table) sexTotal(s int) int64 {
	var n int64
	for _, c := range t[s] {
		n += c
	}
	return n
}

// between returns the number of people aged from ≤ age < to (to > MaxAge
// includes 100+), both sexes.
func (t *table) between(from, to int) int64 {
	var n int64
	for s := range t {
		for a := from; a < min(to, ages); a++ {
			n += t[s][a]
		}
	}
	return n
}

func (t *table) add(o *table) {
	for s := range t {
		for a := range t[s] {
			t[s][a] += o[s][a]
		}
	}
}

// nationalBirths are China's births by year, in millions, as the National
// Bureau of Statistics publishes them (中国统计年鉴, 出生人口; rounded, from
// the commonly quoted series). They give the relative size of each birth
// cohort: the famine gap of 1959–61, the boom of 1962–75, the echo of
// 1986–90, the two-child bump of 2016–17 and the fall since.
var nationalBirths = map[int]float64{
	1950: 20.23, 1951: 20.00, 1952: 21.05, 1953: 21.51, 1954: 22.60, 1955: 19.65, 1956: 19.61, 1957: 21.69,
	1958: 19.04, 1959: 16.47, 1960: 13.89, 1961: 11.88, 1962: 24.64, 1963: 29.34, 1964: 27.29, 1965: 27.04,
	1966: 25.77, 1967: 25.63, 1968: 27.57, 1969: 27.15, 1970: 27.36, 1971: 25.67, 1972: 25.66, 1973: 24.63,
	1974: 22.35, 1975: 21.02, 1976: 18.53, 1977: 17.86, 1978: 17.45, 1979: 17.27, 1980: 17.87, 1981: 20.78,
	1982: 22.37, 1983: 20.52, 1984: 20.50, 1985: 22.02, 1986: 23.84, 1987: 25.29, 1988: 24.57, 1989: 24.07,
	1990: 23.91, 1991: 22.65, 1992: 21.25, 1993: 21.32, 1994: 21.10, 1995: 20.63, 1996: 20.67, 1997: 20.38,
	1998: 19.42, 1999: 18.34, 2000: 17.71, 2001: 17.02, 2002: 16.47, 2003: 15.99, 2004: 15.93, 2005: 16.17,
	2006: 15.85, 2007: 15.94, 2008: 16.08, 2009: 15.91, 2010: 15.92, 2011: 16.04, 2012: 16.35, 2013: 16.40,
	2014: 16.87, 2015: 16.55, 2016: 17.86, 2017: 17.23, 2018: 15.23, 2019: 14.65, 2020: 12.02,
}

// cohortSize returns the relative size of the birth cohort of year y.
// Before 1950 no series is used: a flat 19 million a year, thinned by the
// harsher mortality those cohorts lived through (see cohortExcess).
func cohortSize(y int) float64 {
	if b, ok := nationalBirths[y]; ok {
		return b
	}
	return 19
}

// cohortExcess is the extra attrition of the oldest cohorts, who lived
// most of their lives under far higher mortality than the 2020 life table
// used for survival: 5% for every year of age over 60. It shapes the ages
// within 80+ (whose total share80 fixes): 海安 gets about 200 people aged
// 100 and over, as many as the centenarians its 2021 report names (192).
func cohortExcess(age int) float64 {
	return math.Exp(-0.05 * float64(max(0, age-60)))
}

// awayAtCollege thins ages 18–22: students are counted where they study.
func awayAtCollege(age int) float64 {
	if age >= 18 && age <= 22 {
		return 0.8
	}
	return 1
}

// censusStructure builds the county's 2020 population by sex and single
// year of age. Birth cohorts × survival to 2020 give the shape; a smooth
// age tilt then fits it to the county's published shares of 0–14, 15–59,
// 60–64 and 65+ (and of 80+, see share80) and to its male and female
// totals (fitShares); the
// result is rounded per sex by largest remainders, so that both totals
// are exact.
func censusStructure(c *county) (table, error) {
	male, female := c.sexTotals()
	w, err := fitShares(c, cohortShape(c), [2]float64{float64(male), float64(female)})
	if err != nil {
		return table{}, err
	}
	var t table
	copy(t[0][:], apportion(male, w[0][:]))
	copy(t[1][:], apportion(female, w[1][:]))
	return t, nil
}

// share80 is the percent of the population aged 80 and over. No county
// publishes it with the census bulletins: it is taken as 15.7% of the
// over-60s for 海安 (Nantong's ratio, 江苏省老龄办 2011) and as 13.6% elsewhere
// (China's 2020 census: 35.8 of 264 million).
func (c *county) share80() float64 {
	if c.Code == "320685" {
		return c.Share60 * 0.157
	}
	return c.Share60 * 0.136
}

// cohortShape is the relative number of people of each sex and age in
// 2020 before any local fitting.
func cohortShape(c *county) [2][ages]float64 {
	var w [2][ages]float64
	for s := range 2 {
		m := mortalityOf(s)
		share := sexRatioAtBirth / (1 + sexRatioAtBirth)
		if s == 1 {
			share = 1 - share
		}
		for a := 0; a <= 110; a++ {
			v := cohortSize(2020-a) * share * m.survival(a) * cohortExcess(a) * awayAtCollege(a) * c.youngAdults(a)
			w[s][min(a, MaxAge)] += v
		}
	}
	return w
}

// ageBlock is a published age share.
type ageBlock struct {
	from, to int
	share    float64 // percent
	knot     float64 // age where the tilt is pinned for this block
}

// fitShares tilts the shape by a factor that is smooth in age — linear in
// log between one knot per age block, flat beyond the first and last —
// and scales each sex, until every block and both sexes match their
// targets. A per-block step would leave cliffs at ages 15, 60 and 65 (a
// cohort twice the size of its neighbour); the smooth tilt spreads the
// difference the way low fertility and migration do.
func fitShares(c *county, shape [2][ages]float64, sexTarget [2]float64) ([2][ages]float64, error) {
	share80 := c.share80()
	blocks := []ageBlock{
		{0, 15, c.Share0to14, 7},
		{15, 60, 100 - c.Share0to14 - c.Share60, 37},
		{60, 65, c.Share60 - c.Share65, 62},
		{65, 80, c.Share65 - share80, 72},
		{80, ages, share80, 86},
	}
	logk := make([]float64, len(blocks))
	sexf := [2]float64{1, 1}
	var w [2][ages]float64
	for iter := 0; ; iter++ {
		for s := range 2 {
			for a := range ages {
				w[s][a] = shape[s][a] * sexf[s] * math.Exp(tilt(blocks, logk, a))
			}
		}
		worst := 0.0
		for k, b := range blocks {
			got := sum(w[0][b.from:b.to]) + sum(w[1][b.from:b.to])
			r := math.Log(b.share / 100 * float64(c.Total) / got)
			logk[k] += 0.8 * r
			worst = max(worst, math.Abs(r))
		}
		for s := range 2 {
			r := sexTarget[s] / sum(w[s][:])
			sexf[s] *= r
			worst = max(worst, math.Abs(math.Log(r)))
		}
		if worst < 1e-9 {
			return w, nil
		}
		if iter == 10000 {
			return w, fmt.Errorf("census structure of %s: the age shares cannot be fitted", c.Code)
		}
	}
}

// tilt interpolates the log factors between the blocks' knots.
func tilt(blocks []ageBlock, logk []float64, age int) float64 {
	x := float64(age)
	if x <= blocks[0].knot {
		return logk[0]
	}
	for k := 1; k < len(blocks); k++ {
		if x <= blocks[k].knot {
			f := (x - blocks[k-1].knot) / (blocks[k].knot - blocks[k-1].knot)
			return logk[k-1]*(1-f) + logk[k]*f
		}
	}
	return logk[len(logk)-1]
}

func sum(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s
}

// youngAdults is the county's net migration of young adults, as a factor
// on ages 18–40 peaking at 29: below 1 where they leave for the cities
// (海安, 衡南), above 1 where they come to work (中山).
func (c *county) youngAdults(age int) float64 {
	x := (float64(age) - 29) / 7
	return 1 + (c.YoungAdults-1)*math.Exp(-x*x)
}

package demo

import (
	"bytes"
	"encoding/csv"
	"math"
	"reflect"
	"strconv"
	"testing"
)

func buildCounty(t testing.TB, code string, through int, seed uint64) *built {
	t.Helper()
	c, err := lookupCounty(code)
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{County: code, Through: through, Seed: seed}
	opt.defaults()
	b, err := build(c, opt)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func countyTable(pop []table) table {
	var agg table
	for i := range pop {
		agg.add(&pop[i])
	}
	return agg
}

func pct(part, whole int64) float64 { return 100 * float64(part) / float64(whole) }

// The census year reproduces every published figure: the total and the
// sexes exactly, the age shares to the hundredth of a point.
func TestCensusStructureMatchesTargets(t *testing.T) {
	for _, code := range Counties() {
		c := counties[code]
		tb, err := censusStructure(c)
		if err != nil {
			t.Fatal(err)
		}
		male, female := c.sexTotals()
		if tb.total() != c.Total || tb.sexTotal(0) != male || tb.sexTotal(1) != female {
			t.Errorf("%s: total %d male %d female %d, want %d %d %d", c.Name, tb.total(), tb.sexTotal(0), tb.sexTotal(1), c.Total, male, female)
		}
		for _, b := range []struct {
			from, to int
			want     float64
		}{{0, 15, c.Share0to14}, {60, ages, c.Share60}, {65, ages, c.Share65}} {
			if got := pct(tb.between(b.from, b.to), tb.total()); math.Abs(got-b.want) > 0.01 {
				t.Errorf("%s: ages %d–%d are %.3f%%, want %.2f%%", c.Name, b.from, b.to-1, got, b.want)
			}
		}
	}
}

// 海安's oldest ages fall where the known figures do: about 16% of the over-60s
// are over 80 (Nantong 15.7% in 2011), and some 200 centenarians (the 2021
// report names 192). Age 0 reflects about 3,600 births in 2020.
func TestHaianOldAndYoung(t *testing.T) {
	tb, err := censusStructure(counties["320685"])
	if err != nil {
		t.Fatal(err)
	}
	if r := pct(tb.between(80, ages), tb.between(60, ages)); r < 14 || r > 18 {
		t.Errorf("80+ are %.1f%% of 60+, want 14–18%%", r)
	}
	if n := tb.between(100, ages); n < 100 || n > 400 {
		t.Errorf("100+: %d, want 100–400", n)
	}
	if n := tb.between(0, 1); n < 3000 || n > 4500 {
		t.Errorf("age 0: %d, want 3,000–4,500", n)
	}
	if m, f := maleMortality.lifeExpectancy(), femaleMortality.lifeExpectancy(); m < 74 || m > 80 || f < 80 || f > 86 {
		t.Errorf("life expectancy %.1f / %.1f, want 74–80 / 80–86", m, f)
	}
}

// The projection balances exactly every year (total = last total + births −
// deaths + migrants), keeps every count non-negative, and ages cohorts:
// outside the migration ages nobody appears who was not there a year before.
func TestProjectionBalances(t *testing.T) {
	b := buildCounty(t, "320685", 2026, DefaultSeed)
	if len(b.stats) != 7 || b.stats[0].Total != 874334 || b.stats[0].Male != 434264 {
		t.Fatalf("stats %+v", b.stats[0])
	}
	for y := 1; y < len(b.stats); y++ {
		prev, cur := b.stats[y-1], b.stats[y]
		if cur.Total != prev.Total+cur.Births-cur.Deaths+cur.Moved {
			t.Errorf("%d: %d ≠ %d + %d − %d + %d", cur.Year, cur.Total, prev.Total, cur.Births, cur.Deaths, cur.Moved)
		}
		for i := range b.units {
			p, n := &b.pops[y-1][i], &b.pops[y][i]
			for s := range 2 {
				for a := range ages {
					if n[s][a] < 0 {
						t.Fatalf("negative count")
					}
					if a >= 1 && a < MaxAge && (a < 20 || a > 39) && n[s][a] > p[s][a-1] {
						t.Fatalf("%d unit %s sex %d age %d: %d, more than %d a year before", cur.Year, b.units[i].Code, s, a, n[s][a], p[s][a-1])
					}
				}
			}
		}
	}
}

// 海安 reported 1,483 live births in the first half of 2021 (shared/data/
// reports 000): with the usual autumn peak, about 3,000–3,300 in the year.
// Later years follow the national fall (2022–23), the dragon-year rise
// (2024) and the fall after it. The crude death rate of a county where a
// quarter of the people are over 65 lies between 9 and 16 per thousand.
func TestHaianBirthsAndDeaths(t *testing.T) {
	b := buildCounty(t, "320685", 2026, DefaultSeed)
	byYear := map[int]YearStats{}
	for _, s := range b.stats {
		byYear[s.Year] = s
	}
	if n := byYear[2021].Births; n < 2800 || n > 3600 {
		t.Errorf("2021 births %d, want 2,800–3,600", n)
	}
	for y := 2021; y <= 2026; y++ {
		s := byYear[y]
		if s.Births < 2000 || s.Births > 3600 {
			t.Errorf("%d births %d, want 2,000–3,600", y, s.Births)
		}
		if cdr := 1000 * float64(s.Deaths) / float64(s.Total); cdr < 9 || cdr > 16 {
			t.Errorf("%d crude death rate %.1f‰, want 9–16", y, cdr)
		}
	}
	if !(byYear[2022].Births < byYear[2021].Births && byYear[2024].Births > byYear[2023].Births) {
		t.Errorf("births do not follow the national trend: %+v", b.stats)
	}
	first, last := countyTable(b.pops[0]), countyTable(b.pops[len(b.pops)-1])
	if pct(last.between(65, ages), last.total()) <= pct(first.between(65, ages), first.total()) {
		t.Errorf("the share of 65+ should rise from 2020 to 2026")
	}
}

// The other counties give births in line with their birth rates: 中山 about
// 10‰ of 4.4 million, 衡南 7–8‰ (Hunan 2021: 8.3‰, less in a county losing
// young people), 三山 about 700 (see the profile).
func TestOtherCountiesBirths(t *testing.T) {
	for _, tt := range []struct {
		code     string
		min, max int64
	}{{"442000", 35000, 60000}, {"430422", 4500, 9000}, {"340272", 500, 1000}} {
		b := buildCounty(t, tt.code, 2021, DefaultSeed)
		if n := b.stats[1].Births; n < tt.min || n > tt.max {
			t.Errorf("%s 2021 births %d, want %d–%d", tt.code, n, tt.min, tt.max)
		}
		if b.stats[0].Total != counties[tt.code].Total {
			t.Errorf("%s 2020 total %d", tt.code, b.stats[0].Total)
		}
	}
}

// The same options always give the same rows; another seed moves people
// between villages but keeps every county figure.
func TestDeterministic(t *testing.T) {
	a := buildCounty(t, "320685", 2023, DefaultSeed)
	b := buildCounty(t, "320685", 2023, DefaultSeed)
	for y := range a.pops {
		if !reflect.DeepEqual(a.populationRows(y), b.populationRows(y)) {
			t.Fatalf("year %d: two runs differ", CensusYear+y)
		}
	}
	if !reflect.DeepEqual(a.facilities, b.facilities) {
		t.Fatal("facilities differ between two runs")
	}
	z1, z2 := buildCounty(t, "442000", 2020, DefaultSeed), buildCounty(t, "442000", 2020, DefaultSeed)
	if !reflect.DeepEqual(z1.populationRows(0), z2.populationRows(0)) {
		t.Fatal("中山市: two runs differ")
	}
	c := buildCounty(t, "320685", 2020, 7)
	if reflect.DeepEqual(a.populationRows(0), c.populationRows(0)) {
		t.Error("another seed gave the same villages")
	}
	if countyTable(a.pops[0]) != countyTable(c.pops[0]) {
		t.Error("another seed changed the county table")
	}
}

// Villages differ as the heuristics say: the urban core's communities are
// larger and younger than the villages.
func TestSpreadHeuristics(t *testing.T) {
	b := buildCounty(t, "320685", 2020, DefaultSeed)
	var urban, rural table
	var nu, nr int
	for i, u := range b.units {
		switch kindOf(u) {
		case kindUrban:
			urban.add(&b.pops[0][i])
			nu++
		case kindRural:
			rural.add(&b.pops[0][i])
			nr++
		}
	}
	if urban.total()/int64(nu) <= rural.total()/int64(nr) {
		t.Errorf("urban communities average %d, villages %d", urban.total()/int64(nu), rural.total()/int64(nr))
	}
	if pct(urban.between(65, ages), urban.total()) >= pct(rural.between(65, ages), rural.total()) {
		t.Error("urban communities should be younger than villages")
	}
}

// The profiles' census figures are those of the embedded population.csv.
func TestProfilesMatchPopulationCSV(t *testing.T) {
	raw, err := dataFS.ReadFile("data/population.csv")
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, r := range recs[1:] {
		if len(r[0]) == 12 && r[3] == "2020-11-01" {
			v, _ := strconv.ParseFloat(r[5], 64)
			got[r[0][:6]+" "+r[4]] = v
		}
	}
	for code, c := range counties {
		total, ok := got[code+" resident_population_total"]
		if !ok {
			if code != "340272" {
				t.Errorf("%s: no census total in population.csv", code)
			}
			continue
		}
		if int64(total) != c.Total {
			t.Errorf("%s: total %d, population.csv %v", code, c.Total, total)
		}
		if m, ok := got[code+" male_population"]; ok && int64(m) != c.Male {
			t.Errorf("%s: male %d, population.csv %v", code, c.Male, m)
		}
		if s, ok := got[code+" age_60plus_share"]; ok && s != c.Share60 {
			t.Errorf("%s: 60+ %v, population.csv %v", code, c.Share60, s)
		}
		if s, ok := got[code+" age_0_14_share"]; ok && s != c.Share0to14 {
			t.Errorf("%s: 0–14 %v, population.csv %v", code, c.Share0to14, s)
		}
	}
}

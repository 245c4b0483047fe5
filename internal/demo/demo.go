// Package demo builds a demonstration county in a Weijian database: the
// real division tree of a county (12-digit 统计用区划代码, embedded from the
// National Bureau of Statistics lists), plausible health facilities with
// valid 统一社会信用代码, a resident population by village, sex and single
// year of age for the 2020 census and every later year up to the current
// one, and one user for each role.
//
// The population matches the county's published census figures exactly
// and follows a documented cohort-component projection afterwards; the
// same options always give the same database. README.md in this folder
// explains the sources and the method. Everything is written through the
// store interfaces of package weijian, so the imports validate the data
// exactly as they would a county's own files.
package demo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/analytics"
)

// Store is what the generator writes to.
type Store interface {
	weijian.OrgUnitStore
	weijian.PopulationStore
	weijian.UserStore
	weijian.ResidentLoader
	weijian.DataValueStore
	analytics.Backend // targets, and the indicator engine that sets them from the demo's figures
}

// DefaultSeed seeds the generator: the census reference date.
const DefaultSeed = 20201101

// CensusYear is the year of the census the population starts from.
const CensusYear = 2020

// Options tune Generate. The zero value builds 海安市 up to the current year.
type Options struct {
	County  string // 6-digit code (see Counties); default DefaultCounty
	Through int    // last year of population; default the current year
	Seed    uint64 // default DefaultSeed
	// Password, when set, is given to every demo user instead of a random
	// one (automation, browser tests); it must meet the password policy.
	Password string
	Progress func(Progress)
	Now      func() time.Time // default time.Now
	// Scale is the share of the population generated as residents with
	// their services (1: one per person; 0: no residents). Above 1 (up to
	// MaxScale) it is the size of the county instead: the population
	// figures (census totals, migration, hence every year's table, births
	// and deaths), the aggregate data's county totals and with them the
	// task numbers are Scale times the county's, and there is one resident
	// per person of that population — a county Scale times as large, with
	// every rate where the real figures put it. It is for measuring how
	// costs grow with the size of a county, not a real one.
	Scale float64
}

// MaxScale is the largest Options.Scale: a county ten times its real size.
const MaxScale = 10

// size is the factor of the population figures: Scale above 1, else 1
// (below 1 the residents are sampled and the figures stay whole).
func (o Options) size() float64 {
	if o.Scale > 1 {
		return o.Scale
	}
	return 1
}

// residentShare is the number of residents generated per person of the
// (sized) population: Scale up to 1, then 1.
func (o Options) residentShare() float64 { return min(o.Scale, 1) }

// Progress reports one step of a generation.
type Progress struct {
	Step        weijian.Text
	Done, Total int
}

// Count is a number of units of one level or facility type.
type Count struct {
	Key  string
	Name weijian.Text
	N    int
}

// Summary tells what Generate built.
type Summary struct {
	County, CountyName string
	FullName           string       // with its ancestors: 江苏省南通市海安市
	Note               weijian.Text // sources and assumptions of the figures
	Units              []Count      // org units by level, top down
	Facilities         []Count      // facilities by type
	Years              []YearStats  // population per year, census first
	PopulationRows     int
	DataValues         int // aggregate data values of the built-in data sets
	Targets            int // targets (任务数/目标值) set and allocated (targets.go)
	TargetsElapsed     time.Duration
	Users              []Credential // with the passwords, shown once
	Scale              float64      // Options.Scale; above 1 the county is that many times its real size
	Residents          ResidentSummary
	Surveillance       *SurveilSummary // case reports, series and signals (surveil.go)
	Elapsed            time.Duration
}

// ErrExists is returned (inside a KindConflict error) when the database
// already holds the finished demo county.
var ErrExists = errors.New("demo county already present")

// Present reports whether the database already holds the county (6-digit
// code) and the demo administrator: a finished demo. A county without the
// administrator is an interrupted generation, which Generate completes.
func Present(ctx context.Context, st Store, code string) (bool, error) {
	c, err := lookupCounty(code)
	if err != nil {
		return false, err
	}
	if _, err := st.OrgUnit(ctx, weijian.ScopeAll(), c.unitCode()); err != nil {
		if weijian.ErrorKind(err) == weijian.KindNotFound {
			return false, nil
		}
		return false, err
	}
	if _, err := st.UserByName(ctx, AdminUser); err != nil {
		if weijian.ErrorKind(err) == weijian.KindNotFound {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

func (o *Options) defaults() {
	if o.County == "" {
		o.County = DefaultCounty
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Through == 0 {
		o.Through = o.Now().Year()
	}
	if o.Seed == 0 {
		o.Seed = DefaultSeed
	}
	if o.Progress == nil {
		o.Progress = func(Progress) {}
	}
}

// Generate builds the demo county in st. On a database that already holds
// the finished county it changes nothing and returns an error wrapping
// ErrExists; an interrupted generation is completed (every step is an
// idempotent import).
func Generate(ctx context.Context, st Store, opt Options) (Summary, error) {
	start := time.Now()
	opt.defaults()
	c, err := lookupCounty(opt.County)
	if err != nil {
		return Summary{}, err
	}
	if err := checkOptions(opt); err != nil {
		return Summary{}, err
	}
	if ok, err := Present(ctx, st, c.Code); err != nil {
		return Summary{}, err
	} else if ok {
		return Summary{}, weijian.Wrap(weijian.KindConflict, weijian.T(
			fmt.Sprintf("数据库中已有演示县 %s（%s），未重新生成", c.Name, c.Code),
			fmt.Sprintf("the database already holds the demo county %s (%s); nothing was generated", c.Name, c.Code)), ErrExists)
	}
	b, err := build(c, opt)
	if err != nil {
		return Summary{}, err
	}
	sum, err := b.write(ctx, st, opt)
	if err != nil {
		return Summary{}, err
	}
	sum.Elapsed = time.Since(start)
	return sum, nil
}

func checkOptions(opt Options) error {
	if opt.Through < CensusYear || opt.Through > 2100 {
		return weijian.Invalid(weijian.T(
			fmt.Sprintf("人口年份截至 %d 无效：应在 %d 至 2100 之间", opt.Through, CensusYear),
			fmt.Sprintf("population through %d: must be between %d and 2100", opt.Through, CensusYear)))
	}
	if opt.Scale < 0 || opt.Scale > MaxScale || math.IsNaN(opt.Scale) {
		return weijian.Invalid(weijian.T(
			fmt.Sprintf("规模 %g 无效：应在 0 至 %d 之间", opt.Scale, MaxScale),
			fmt.Sprintf("scale %g: must be between 0 and %d", opt.Scale, MaxScale)))
	}
	if opt.Password != "" {
		return checkPassword(opt.Password)
	}
	return nil
}

// built is a county ready to write: every row computed in memory.
type built struct {
	c          *county
	tree       *tree
	areas      []weijian.OrgUnitRow
	facilities []weijian.OrgUnitRow
	units      []popUnit
	pops       [][]table // per year from CensusYear, per unit
	stats      []YearStats
	size       float64 // Options.size: 1, or the factor of an enlarged county
}

// build computes everything Generate writes. It touches no database, so
// a test can check the numbers directly.
func build(c *county, opt Options) (*built, error) {
	if f := opt.size(); f > 1 {
		c = c.enlarged(f)
	}
	t, err := loadTree(c)
	if err != nil {
		return nil, err
	}
	fac, err := facilities(c, t, rand.New(rand.NewPCG(opt.Seed, 2)))
	if err != nil {
		return nil, err
	}
	base, err := censusStructure(c)
	if err != nil {
		return nil, err
	}
	units := t.popUnits()
	weights := unitWeights(c, units, rand.New(rand.NewPCG(opt.Seed, 1)))
	pops, stats := project(c, spread(base, units, weights), opt.Through)
	b := &built{c: c, tree: t, facilities: fac, units: units, pops: pops, stats: stats, size: opt.size()}
	b.areas = append(b.areas, t.Ancestors...)
	for _, tw := range t.Towns {
		b.areas = append(b.areas, tw.Row)
		for _, v := range tw.Villages {
			b.areas = append(b.areas, v.Row)
		}
	}
	return b, nil
}

// populationRows returns the rows of one year: every unit × sex × age.
func (b *built) populationRows(yearIndex int) []weijian.PopulationRow {
	year := CensusYear + yearIndex
	rows := make([]weijian.PopulationRow, 0, len(b.units)*2*ages)
	for i, u := range b.units {
		t := &b.pops[yearIndex][i]
		for s := range 2 {
			for a := range ages {
				band := weijian.AgeBand{From: a, To: a + 1}
				if a == MaxAge {
					band.To = weijian.AgeOpen
				}
				rows = append(rows, weijian.PopulationRow{UnitCode: u.Code, Year: year, Sex: s + 1, Age: band, Count: t[s][a]})
			}
		}
	}
	return rows
}

package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/surveil"
)

// The demo's surveillance history: case reports from the census year to
// today at the rates Jiangsu reported (DOMAIN.md §12) with their seasons
// and ages, a few injected outbreaks of known start and size (their cards
// carry the remark "暴发:OBnn", the ground truth of the method evaluation),
// syndromic series with matching spikes, the facilities' zero reports, and
// the signals of the last weeks. Deterministic with the demo's seed.

// SurveilSummary tells what the surveillance step built.
type SurveilSummary struct {
	Cards, Outbreaks, SeriesRows, ZeroReports, Signals int
	Handled                                            int // signals the CDC has responded to
	OfResidents                                        int // cards of registered residents (linked to them)
	Elapsed                                            time.Duration
}

// diseaseRate is a disease's yearly incidence per 100,000 and its season.
type diseaseRate struct {
	code, subtype string
	rate          float64     // per 100,000 per year (Jiangsu 2019, scaled for 海安's old population)
	months        [12]float64 // share of the year's cases by month
	ages          [2]int      // age range of most cases; {0, 0}: adults 18–85
	childShare    float64     // share of cases within ages
}

var flat = [12]float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}

// demoRates follow DOMAIN.md §12 (2019 column); child diseases are scaled
// by 0.7 and adult ones by 1.1 for 海安's old population.
var demoRates = []diseaseRate{
	{"influenza", "", 70, [12]float64{18, 15, 11, 5, 2, 1.5, 1, 1, 1.5, 2, 5, 37}, [2]int{3, 14}, 0.5},
	{"hfmd", "", 90, [12]float64{2, 1.5, 3, 8, 15, 20, 14, 6, 7, 8, 8, 4}, [2]int{0, 5}, 0.95},
	{"other_diarrhoea", "", 33, [12]float64{13, 11, 11, 7, 6, 6, 6, 6, 6, 7, 8, 15}, [2]int{0, 5}, 0.3},
	{"scarlet", "", 5, [12]float64{5, 3, 5, 8, 15, 14, 6, 2, 4, 8, 14, 16}, [2]int{3, 9}, 0.84},
	{"mumps", "", 14, [12]float64{6, 5, 9, 13, 15, 13, 8, 5, 6, 7, 7, 6}, [2]int{4, 14}, 0.8},
	{"varicella", "", 128, [12]float64{12, 6, 6, 7, 11, 12, 5, 2, 5, 8, 12, 14}, [2]int{3, 14}, 0.75},
	{"tb", "", 34, [12]float64{9, 6, 9, 9, 9, 8.5, 8.5, 8.5, 8, 8, 8, 8.5}, [2]int{}, 0},
	{"hepatitis", "b", 18, flat, [2]int{}, 0},
	{"hepatitis", "c", 6, flat, [2]int{}, 0},
	{"syphilis", "", 38, flat, [2]int{}, 0},
	{"gonorrhea", "", 9.5, flat, [2]int{}, 0},
	{"dysentery", "bacillary", 3, [12]float64{3, 3, 4, 6, 9, 13, 16, 16, 13, 8, 5, 4}, [2]int{}, 0},
	{"aids", "", 6, flat, [2]int{}, 0},
	{"brucellosis", "", 0.2, [12]float64{6, 8, 14, 16, 14, 10, 8, 6, 5, 5, 4, 4}, [2]int{}, 0},
}

// outbreak is an injected outbreak: start (days before today), duration,
// size, and where (the town index).
type outbreak struct {
	id, disease string
	daysAgo     int
	days, size  int
	town        int
	ages        [2]int
	source      string // a syndromic source that rises with it
}

var demoOutbreaks = []outbreak{
	{"OB01", "other_diarrhoea", 620, 4, 22, 2, [2]int{7, 12}, "antidiarrhoeal_sales"},
	{"OB02", "scarlet", 520, 12, 9, 5, [2]int{4, 8}, ""},
	{"OB03", "varicella", 455, 18, 14, 3, [2]int{6, 11}, "school_absence"},
	{"OB04", "mumps", 300, 14, 11, 7, [2]int{6, 12}, ""},
	{"OB05", "hfmd", 190, 10, 18, 1, [2]int{1, 5}, ""},
	{"OB06", "other_diarrhoea", 75, 3, 26, 4, [2]int{12, 15}, "antidiarrhoeal_sales"},
	{"OB07", "hfmd", 24, 9, 15, 6, [2]int{1, 4}, ""},
	{"OB08", "influenza", 9, 7, 32, 0, [2]int{7, 12}, "school_absence"},
}

// surveilStore is what the step needs: the surveillance store.
type surveilStore interface {
	surveil.Store
}

// surveillance writes the history if st can store it (an adapter without
// surveillance is left alone).
func (b *built) surveillance(ctx context.Context, st Store, opt Options, sum *Summary) error {
	ss, ok := st.(surveilStore)
	if !ok {
		return nil
	}
	start := time.Now()
	cat, err := surveil.LoadCatalogue()
	if err != nil {
		return err
	}
	now := opt.Now()
	sv := surveil.New(ss, cat, surveil.Config{}, nil, func() time.Time { return now }, nil)
	g := &caseGen{b: b, rng: rand.New(rand.NewPCG(opt.Seed, 14)), today: period.DateOf(now.In(surveil.China)), now: now}
	g.prepare()
	cards := g.history()
	linked, err := g.residentCards(ctx, st, cards)
	if err != nil {
		return fmt.Errorf("demo case reports of residents: %w", err)
	}
	step := weijian.T("传染病报告卡", "case reports")
	opt.Progress(Progress{Step: step, Done: 0, Total: len(cards)})
	if _, err := sv.Load(ctx, weijian.ScopeAll(), cards, actor); err != nil {
		return fmt.Errorf("demo case reports: %w", err)
	}
	opt.Progress(Progress{Step: step, Done: len(cards), Total: len(cards)})
	ss2 := &SurveilSummary{Cards: len(cards), Outbreaks: len(demoOutbreaks), OfResidents: linked}
	if ss2.SeriesRows, err = g.syndromic(ctx, ss, b.c.Code); err != nil {
		return err
	}
	if ss2.ZeroReports, err = g.zeroReports(ctx, ss, cards); err != nil {
		return err
	}
	// The signals of the last three months, as the daily runs would have
	// made them, and what the CDC did with them (surveil_signals.go).
	run, err := sv.Backfill(ctx, b.c.Code, g.today.AddDays(-signalDays), g.today, nil)
	if err != nil {
		return fmt.Errorf("demo detection: %w", err)
	}
	ss2.Signals = len(run.Signals)
	if ss2.Handled, err = g.lifecycle(ctx, ss, cat, b.c.Code); err != nil {
		return err
	}
	opt.Progress(Progress{Step: weijian.T("预警信号", "signals"), Done: ss2.Signals, Total: ss2.Signals})
	ss2.Elapsed = time.Since(start)
	sum.Surveillance = ss2
	return nil
}

// caseGen draws the cards.
type caseGen struct {
	b       *built
	rng     *rand.Rand
	today   period.Date
	now     time.Time
	units   []popUnit
	cum     []float64 // cumulative population weight of units
	townIdx map[string][]int
	fac     map[string]string // town code → its health centre
	hosp    string
	seq     int
}

func (g *caseGen) prepare() {
	g.units = g.b.units
	total := 0.0
	g.townIdx = map[string][]int{}
	for i, u := range g.units {
		t := g.b.pops[0][i]
		for s := range 2 {
			for a := range ages {
				total += float64(t[s][a])
			}
		}
		g.cum = append(g.cum, total)
		g.townIdx[u.Town.Row.Code] = append(g.townIdx[u.Town.Row.Code], i)
	}
	g.fac = map[string]string{}
	for _, f := range g.b.facilities {
		switch f.FacilityType {
		case "township_hc", "community_hc":
			if g.fac[f.ParentCode] == "" {
				g.fac[f.ParentCode] = f.Code
			}
		case "county_hospital":
			if g.hosp == "" {
				g.hosp = f.Code
			}
		}
	}
}

// population is the county's resident population (census year).
func (g *caseGen) population() float64 { return g.cum[len(g.cum)-1] }

// history draws every card from 1 January of the census year to today,
// then the injected outbreaks.
func (g *caseGen) history() []*surveil.CaseReport {
	var cards []*surveil.CaseReport
	first := period.NewDate(CensusYear, time.January, 1)
	pop := g.population()
	for d := first; !d.After(g.today); d = d.AddDays(1) {
		yearFactor := 1.0
		if d.Year == 2020 || d.Year == 2021 {
			yearFactor = 0.7 // fewer infections under COVID-19 measures
		}
		for _, r := range demoRates {
			share := r.months[d.Month-1] / sum12(r.months)
			mean := r.rate * pop / 1e5 * share * 12 / 365 * yearFactor
			for range poisson(g.rng, mean) {
				cards = append(cards, g.card(r.code, r.subtype, d, g.village(-1), r.ages, r.childShare, ""))
			}
		}
	}
	towns := g.b.tree.Towns
	for _, o := range demoOutbreaks {
		start := g.today.AddDays(-o.daysAgo)
		tw := towns[o.town%len(towns)]
		for k := range o.size {
			d := start.AddDays(int(float64(o.days) * math.Sqrt(float64(k)/float64(o.size))))
			if d.After(g.today) {
				d = g.today
			}
			cards = append(cards, g.card(o.disease, "", d, g.village(indexOf(towns, tw)), o.ages, 1, surveil.OutbreakTag+o.id))
		}
	}
	return cards
}

func indexOf(towns []*town, t *town) int {
	for i, x := range towns {
		if x == t {
			return i
		}
	}
	return 0
}

func sum12(m [12]float64) float64 {
	s := 0.0
	for _, v := range m {
		s += v
	}
	return s
}

// village draws a unit by population, within town index ti (or anywhere for -1).
func (g *caseGen) village(ti int) popUnit {
	if ti >= 0 {
		idx := g.townIdx[g.b.tree.Towns[ti].Row.Code]
		return g.units[idx[g.rng.IntN(len(idx))]]
	}
	x := g.rng.Float64() * g.population()
	lo, hi := 0, len(g.cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if g.cum[mid] < x {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return g.units[lo]
}

var (
	caseSurnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
	caseGiven    = []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国文辉玉兰萍红梅鹏宇浩然子涵欣怡梓轩雨桐一诺佳怡浩宇")
)

func (g *caseGen) name() string {
	n := string(caseSurnames[g.rng.IntN(len(caseSurnames))]) + string(caseGiven[g.rng.IntN(len(caseGiven))])
	if g.rng.IntN(3) > 0 {
		n += string(caseGiven[g.rng.IntN(len(caseGiven))])
	}
	return n
}

// card draws one card of disease reported on day d by a patient of unit u.
func (g *caseGen) card(disease, subtype string, d period.Date, u popUnit, ageRange [2]int, childShare float64, remark string) *surveil.CaseReport {
	g.seq++
	age := 18 + g.rng.IntN(68)
	if ageRange != ([2]int{}) && g.rng.Float64() < childShare {
		age = ageRange[0] + g.rng.IntN(ageRange[1]-ageRange[0]+1)
	} else if ageRange != ([2]int{}) && ageRange[1] < 18 && g.rng.Float64() < 0.5 {
		age = g.rng.IntN(18)
	}
	onset := d.AddDays(-g.rng.IntN(3))
	diag := time.Date(d.Year, d.Month, d.Day, 8+g.rng.IntN(9), g.rng.IntN(60), 0, 0, surveil.China)
	rep := diag.Add(time.Duration(10+g.rng.IntN(300)) * time.Minute)
	if g.rng.IntN(40) == 0 {
		rep = diag.Add(time.Duration(25+g.rng.IntN(48)) * time.Hour) // a late report
	}
	if rep.After(g.now) {
		rep = g.now
		if diag.After(rep) {
			diag = rep
		}
	}
	birth := onset.AddDays(-age*365 - 1 - g.rng.IntN(364))
	c := &surveil.CaseReport{CardID: fmt.Sprintf("%s%08d", g.b.c.Code, g.seq), Disease: disease, Subtype: subtype, CaseClass: "临床诊断病例",
		PatientName: g.name(), Sex: 1 + g.rng.IntN(2), BirthDate: birth, Occupation: occupation(age, g.rng), Belongs: "本县区",
		AddressCode: u.Code, FacilityCode: g.fac[u.Town.Row.Code], Doctor: "值班医生", OnsetDate: onset, DiagnosedAt: diag,
		ReportedAt: rep, Remark: remark, Status: surveil.StatusActive}
	if c.FacilityCode == "" || g.rng.IntN(10) < 4 {
		c.FacilityCode = g.hosp
	}
	if g.rng.IntN(3) > 0 {
		c.CaseClass = "确诊病例"
	}
	if c.AgeAt(diag) <= 14 {
		c.ParentName = string(caseSurnames[g.rng.IntN(len(caseSurnames))]) + string(caseGiven[g.rng.IntN(len(caseGiven))])
	}
	g.subtype(c)
	if g.now.Sub(rep) > 3*time.Hour || g.rng.IntN(2) == 0 {
		v := rep.Add(time.Duration(20+g.rng.IntN(26*60)) * time.Minute)
		if v.Before(g.now) {
			c.VerifiedAt, c.VerifiedBy = v, "cdc"
		}
	}
	return c
}

func (g *caseGen) subtype(c *surveil.CaseReport) {
	pick := func(opts []string, weights []int) string {
		t := 0
		for _, w := range weights {
			t += w
		}
		x := g.rng.IntN(t)
		for i, w := range weights {
			if x < w {
				return opts[i]
			}
			x -= w
		}
		return opts[0]
	}
	switch c.Disease {
	case "tb":
		c.Subtype = pick([]string{"pos", "neg", "none", "rr"}, []int{55, 40, 4, 1})
	case "syphilis":
		c.Subtype = pick([]string{"latent", "p1", "p2", "p3", "congenital"}, []int{70, 12, 12, 5, 1})
	case "aids":
		c.Subtype = pick([]string{"hiv", "aids"}, []int{65, 35})
	case "hepatitis":
		c.AcuteChronic = pick([]string{"慢性", "急性"}, []int{85, 15})
	}
}

func occupation(age int, rng *rand.Rand) string {
	switch {
	case age < 3:
		return "散居儿童"
	case age < 7:
		if rng.IntN(5) == 0 {
			return "散居儿童"
		}
		return "幼托儿童"
	case age < 19:
		return "学生（大中小学）"
	case age >= 60:
		return []string{"农民", "离退人员", "家务及待业"}[rng.IntN(3)]
	}
	return []string{"农民", "工人", "民工", "商业服务", "干部职员", "家务及待业", "教师", "医务人员"}[rng.IntN(8)]
}

// poisson draws a Poisson count (Knuth's method; the means here are small).
func poisson(rng *rand.Rand, mean float64) int {
	if mean <= 0 {
		return 0
	}
	l, k, p := math.Exp(-mean), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

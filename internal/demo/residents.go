package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/ident"
	"github.com/weijian-health/weijian/internal/period"
)

// ResidentSummary tells what the resident step built.
type ResidentSummary struct {
	Persons, Alive, Dead, Households int
	Enrollments, Events              int
	Programmes                       []ProgrammeCount
	Rates                            []Rate
	Elapsed                          time.Duration
}

// ProgrammeCount is the size of one programme in the demo.
type ProgrammeCount struct {
	Code             string
	Persons, Events  int
	EnrolledPersons  int
	PositivePersons  int
	FollowedPositive int
}

// Rate is one generated rate next to the figure it was aimed at.
type Rate struct {
	Name      weijian.Text
	Num, Den  int
	TargetPct float64
}

// historyBatch is how many persons go to the store in one transaction.
const historyBatch = 5000

// residentGen generates the residents of the county: one person per
// person of the latest population table (scaled), the deaths of every
// year since the census, households, and each person's services.
type residentGen struct {
	b      *built
	opt    Options
	today  time.Time
	first  int // first year of services
	fac    facilityIndex
	seqs   map[string]int // ID-number sequences by address, birth date and sex
	counts map[string]*ProgrammeCount
	rates  map[string]*Rate
	sum    ResidentSummary
}

// writeResidents generates and stores the residents (none when
// opt.Scale is 0), reporting progress per batch.
func writeResidents(ctx context.Context, st Store, b *built, opt Options, sum *Summary) error {
	if opt.Scale <= 0 {
		return nil
	}
	start := time.Now()
	g := &residentGen{b: b, opt: opt, today: dateOf(opt.Now()), fac: indexFacilities(b),
		seqs: map[string]int{}, counts: map[string]*ProgrammeCount{}, rates: map[string]*Rate{}}
	g.first = g.today.Year() - 4
	// The indexes of the resident tables are built once, after the load
	// (BeginBulkLoad), and before the doctors are assigned.
	indexStep := weijian.T("建立索引", "building indexes")
	end, err := st.BeginBulkLoad(ctx, func(done, total int) {
		opt.Progress(Progress{Step: indexStep, Done: done, Total: total})
	})
	if err != nil {
		return err
	}
	if err := g.load(ctx, st, b, opt); err != nil {
		end(context.WithoutCancel(ctx))
		return err
	}
	if err := end(ctx); err != nil {
		return fmt.Errorf("demo residents: %w", err)
	}
	if err := g.assignDoctors(ctx, st, sum.Users); err != nil {
		return err
	}
	g.finish()
	g.sum.Elapsed = time.Since(start)
	sum.Residents = g.sum
	return nil
}

// load clears the county's residents and stores the generated ones,
// batch by batch.
func (g *residentGen) load(ctx context.Context, st Store, b *built, opt Options) error {
	if err := st.ClearResidents(ctx, b.c.Code); err != nil {
		return err
	}
	total := g.expected()
	step := weijian.T("居民与服务记录", "residents and services")
	opt.Progress(Progress{Step: step, Done: 0, Total: total})
	// Generation (Go) and storing (SQLite or PostgreSQL) overlap: one
	// goroutine builds the next batch while the store writes this one.
	batches := make(chan []weijian.History, 2)
	done := make(chan struct{})
	go func() {
		defer close(batches)
		var batch []weijian.History
		for i, u := range b.units {
			rng := rand.New(rand.NewPCG(opt.Seed, uint64(7000+i)))
			batch = append(batch, g.unitResidents(u, i, rng)...)
			if len(batch) >= historyBatch {
				select {
				case batches <- batch:
				case <-done:
					return
				}
				batch = nil
			}
		}
		if len(batch) > 0 {
			select {
			case batches <- batch:
			case <-done:
			}
		}
	}()
	defer close(done)
	for batch := range batches {
		if err := st.LoadResidents(ctx, batch); err != nil {
			return fmt.Errorf("demo residents: %w", err)
		}
		g.sum.Persons += len(batch)
		opt.Progress(Progress{Step: step, Done: g.sum.Persons, Total: max(total, g.sum.Persons)})
	}
	if g.sum.Persons != total {
		// expected is an estimate from the population figures; the
		// step ends at 100% of what was written.
		opt.Progress(Progress{Step: step, Done: g.sum.Persons, Total: g.sum.Persons})
	}
	return nil
}

// expected is the number of persons the generation will write.
func (g *residentGen) expected() int {
	n := 0
	last := len(g.b.pops) - 1
	for i := range g.b.units {
		n += int(math.Round(float64(g.b.pops[last][i].total()) * g.opt.residentShare()))
	}
	for _, s := range g.b.stats[1:] {
		n += int(math.Round(float64(s.Deaths) * g.opt.residentShare()))
	}
	return n
}

// assignDoctors makes the demo village doctor responsible for the
// residents of their village.
func (g *residentGen) assignDoctors(ctx context.Context, st Store, users []Credential) error {
	for _, c := range users {
		if c.Role != weijian.RoleVillageDoctor {
			continue
		}
		u, err := st.UserByName(ctx, c.Username)
		if err != nil {
			return err
		}
		if _, err := st.AssignDoctor(ctx, c.UnitCode, u.ID); err != nil {
			return err
		}
	}
	return nil
}

func dateOf(t time.Time) time.Time {
	y, m, d := t.In(time.FixedZone("CST", 8*3600)).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// unitResidents builds the persons of one unit: the living (from the
// latest population table) and the dead of each year since the census.
func (g *residentGen) unitResidents(u popUnit, i int, rng *rand.Rand) []weijian.History {
	last := len(g.b.pops) - 1
	ref := time.Date(CensusYear+last, 11, 1, 0, 0, 0, 0, time.UTC)
	t := &g.b.pops[last][i]
	var people []*weijian.Person
	for s := range 2 {
		for a := range ages {
			n := g.scaled(t[s][a], rng)
			for range n {
				birth := ref.AddDate(-a-1, 0, 1+rng.IntN(365))
				for !birth.Before(g.today) {
					birth = birth.AddDate(-1, 0, 0)
				}
				people = append(people, g.person(u, s+1, birth, rng))
			}
		}
	}
	// Deaths since the census, apportioned by the unit's share.
	share := float64(t.total()) / float64(g.b.stats[last].Total)
	for _, ys := range g.b.stats[1:] {
		n := g.scaled(int64(math.Round(float64(ys.Deaths)*share*1000))/1000, rng)
		for range n {
			death := time.Date(ys.Year, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(365))
			if !death.Before(g.today) {
				death = g.today.AddDate(0, 0, -1-rng.IntN(300))
			}
			age := 60 + int(math.Min(45, rng.ExpFloat64()*14))
			p := g.person(u, 1+rng.IntN(2), death.AddDate(-age, 0, -rng.IntN(365)), rng)
			p.DeathDate = death
			people = append(people, p)
		}
	}
	g.households(u, people, rng)
	out := make([]weijian.History, len(people))
	for k, p := range people {
		out[k] = g.services(p, u, rng)
		if p.DeathDate.IsZero() {
			g.sum.Alive++
		} else {
			g.sum.Dead++
		}
	}
	g.mothers(out, u, rng)
	return out
}

// scaled is n × the resident share (Options.residentShare: the scale, at
// most 1), rounded at random so that small units keep their expected size.
func (g *residentGen) scaled(n int64, rng *rand.Rand) int {
	x := float64(n) * g.opt.residentShare()
	k := int(x)
	if rng.Float64() < x-float64(k) {
		k++
	}
	return k
}

// person builds one resident with a valid ID number: the 海安县 code
// 320621 for people born before 2018 (海安 became a city, 320685, in
// 2018, and ID numbers never change), 320685 after.
func (g *residentGen) person(u popUnit, sex int, birth time.Time, rng *rand.Rand) *weijian.Person {
	addr := g.b.c.Code
	if g.b.c.Code == "320685" && birth.Year() < 2018 {
		addr = "320621"
	}
	key := fmt.Sprintf("%s%s%d", addr, birth.Format("20060102"), sex)
	seq := g.seqs[key]
	g.seqs[key] = seq + 1
	addr, n := idSequence(addr, g.b.c.Neighbours, seq, sex)
	id, err := ident.GenerateIDNumber(addr, period.DateOf(birth), n)
	p := &weijian.Person{DocType: weijian.DocIDCard, Name: chineseName(sex, rng), Sex: sex, BirthDate: birth,
		VillageCode: u.Code, Address: fmt.Sprintf("%d组%d号", 1+rng.IntN(12), 1+rng.IntN(80))}
	if err == nil {
		p.DocNumber, p.DocChecked = id.String(), true
	}
	if age := g.today.Year() - birth.Year(); age >= 16 && rng.Float64() < 0.9 || age < 16 && rng.Float64() < 0.3 {
		p.Phone = fmt.Sprintf("1%d%d%08d", 3+rng.IntN(7), rng.IntN(10), rng.IntN(100000000))
	}
	return p
}

// idSequence returns the address code and sequence number of the seq-th
// person (from 0) of a sex born on one day with the address code addr.
// Odd sequence numbers are men, even ones women (GB 11643), so a day has
// 500 numbers per sex; the people past them (more than 500 of one sex
// born on one day: only in an enlarged county) get the codes of the
// neighbouring counties in turn, 1,000 numbers each (500 per sex), which keeps every
// ID number unique. Past the last neighbour the code is "" and the
// person gets no ID number.
func idSequence(addr string, neighbours []string, seq, sex int) (string, int) {
	n := seq*2 + 2 - sex%2
	if n <= 999 {
		return addr, n
	}
	k := n/1000 - 1
	if k >= len(neighbours) {
		return "", 0
	}
	return neighbours[k], n % 1000
}

// households groups a unit's people into households of about 2.6
// (海安's census average), numbered within the village.
func (g *residentGen) households(u popUnit, people []*weijian.Person, rng *rand.Rand) {
	n := max(1, int(float64(len(people))/2.6))
	for _, p := range people {
		p.Household = fmt.Sprintf("%s-%04d", u.Code, 1+rng.IntN(n))
	}
	g.sum.Households += n
}

var surnames = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
	"何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董",
	"袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔",
	"钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱",
	"江", "尹", "薛", "闫", "段", "雷", "侯", "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵", "万", "钱",
	"严", "覃", "武", "戴", "莫", "孔", "向", "汤"}

var givenMale = []rune("伟强军磊洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林欢阳建国志文海东峰德福中兴荣")
var givenFemale = []rune("芳娜敏静丽艳娟霞秀玲桂英兰萍红梅琳雪倩婷颖晶慧洁丹燕莉琴云凤佳欣雨涵梦瑶晓月春")

// chineseName draws a name: a common surname and one or two given
// characters.
func chineseName(sex int, rng *rand.Rand) string {
	given := givenMale
	if sex == 2 {
		given = givenFemale
	}
	// Surnames by a rough Zipf law: 王, 李, 张 are far commoner than 汤.
	i := int(math.Min(float64(len(surnames)-1), rng.ExpFloat64()*18))
	name := surnames[i] + string(given[rng.IntN(len(given))])
	if rng.Float64() < 0.8 {
		name += string(given[rng.IntN(len(given))])
	}
	return name
}

// finish orders the summary: programmes by code, rates by name.
func (g *residentGen) finish() {
	for _, c := range g.counts {
		g.sum.Programmes = append(g.sum.Programmes, *c)
	}
	slices.SortFunc(g.sum.Programmes, func(a, b ProgrammeCount) int { return strings.Compare(a.Code, b.Code) })
	for _, r := range g.rates {
		g.sum.Rates = append(g.sum.Rates, *r)
	}
	slices.SortFunc(g.sum.Rates, func(a, b Rate) int { return strings.Compare(a.Name.ZH, b.Name.ZH) })
}

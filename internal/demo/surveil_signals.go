package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/surveil"
)

// The demo's signals have a past: each was raised when the daily run (or,
// for a fixed-threshold disease, the card) would have raised it, and the
// county CDC took most through 已响应 → 疑似事件/排除 → 现场调查结果 as
// CIDARS's counties do — most responses within the limit (2 h fixed, 24 h
// temporal), some late; most temporal signals excluded after the first
// check, a few investigated. Signals of an injected outbreak are judged
// suspected events; those of outbreaks of the last two months are still
// under investigation (open in the inbox), older ones closed with their
// field result. The last day's signals await a response.

// signalDays is how far back the demo's daily runs go.
const signalDays = 90

// demoResponders are the CDC users who answer signals.
var demoResponders = []string{"cdc"}

// recentOutbreakDays: outbreaks that started this recently are still
// under field investigation in the demo.
const recentOutbreakDays = 60

// lifecycle replays the past of every new signal of the county.
func (g *caseGen) lifecycle(ctx context.Context, st surveil.Store, cat *surveil.Catalogue, county string) (int, error) {
	sigs, _, err := st.Signals(ctx, weijian.ScopeAll(), surveil.SignalFilter{Status: surveil.SignalNew, Limit: 10000})
	if err != nil {
		return 0, err
	}
	slices.SortFunc(sigs, func(a, b *surveil.Signal) int { return int(a.ID - b.ID) })
	rng := rand.New(rand.NewPCG(uint64(g.today.Year)*1000+uint64(g.today.YearDay()), 4))
	done := 0
	for _, s := range sigs {
		if s.CountyCode != county {
			continue
		}
		created := g.raisedAt(s, rng)
		steps := g.steps(s, created, g.outbreakOf(s), cat, rng)
		if _, err := st.ReplaySignal(ctx, county, s.ID, created, steps); err != nil {
			return done, fmt.Errorf("demo signal %d: %w", s.ID, err)
		}
		if len(steps) > 0 {
			done++
		}
	}
	return done, nil
}

// raisedAt is when the signal was raised: a fixed-threshold signal during
// the working day its window ends, a temporal one by the next morning's
// daily run (06:00); never after now.
func (g *caseGen) raisedAt(s *surveil.Signal, rng *rand.Rand) time.Time {
	var t time.Time
	if s.Fixed {
		t = s.WindowTo.In(surveil.China).Add(8*time.Hour + time.Duration(rng.IntN(10*60))*time.Minute)
	} else {
		t = s.WindowTo.AddDays(1).In(surveil.China).Add(6*time.Hour + time.Duration(1+rng.IntN(3))*time.Minute)
	}
	if latest := g.now.Add(-10 * time.Minute); t.After(latest) {
		t = latest
	}
	return t
}

// outbreakOf returns the injected outbreak the signal points at (same
// item, its town or the county, window overlapping the outbreak's days and
// the week after), or nil.
func (g *caseGen) outbreakOf(s *surveil.Signal) *outbreak {
	towns := g.b.tree.Towns
	for i := range demoOutbreaks {
		o := &demoOutbreaks[i]
		if s.Item != o.disease && s.Item != o.source {
			continue
		}
		if s.AreaCode != towns[o.town%len(towns)].Row.Code && s.AreaCode != g.b.tree.County.Code {
			continue
		}
		start := g.today.AddDays(-o.daysAgo)
		if !s.WindowTo.Before(start) && !s.WindowFrom.After(start.AddDays(o.days+7)) {
			return o
		}
	}
	return nil
}

// steps are the workflow steps the signal went through before now.
func (g *caseGen) steps(s *surveil.Signal, created time.Time, o *outbreak, cat *surveil.Catalogue, rng *rand.Rand) []surveil.SignalStep {
	who := func() string { return demoResponders[rng.IntN(len(demoResponders))] }
	limit := s.ResponseLimit()
	delay := time.Duration((0.05 + 0.7*rng.Float64()) * float64(limit))
	if rng.Float64() < 0.12 { // late
		delay = time.Duration((1.1 + 2*rng.Float64()) * float64(limit))
	}
	var out []surveil.SignalStep
	t := created.Add(delay)
	add := func(action, note string, after time.Duration) bool {
		if t = t.Add(after); t.After(g.now) {
			return false
		}
		out = append(out, surveil.SignalStep{Action: action, Actor: who(), Note: note, At: t})
		return true
	}
	if !add(surveil.ActRespond, "已电话核实报告单位", 0) {
		return out
	}
	hours := func(lo, hi int) time.Duration { return time.Duration(lo*60+rng.IntN((hi-lo)*60)) * time.Minute }
	switch {
	case o != nil:
		if !add(surveil.ActSuspect, "初步核实：病例在同一地点聚集，有流行病学关联，启动现场调查", hours(1, 6)) || o.daysAgo <= recentOutbreakDays {
			return out
		}
		add(surveil.ActResult, fmt.Sprintf("现场调查：确认为%s聚集性疫情（%s），共%d例，已落实隔离、消毒和健康教育，疫情已控制",
			cat.Disease(o.disease).Name, o.id, o.size), time.Duration(o.days+7)*24*time.Hour+hours(0, 48))
	case rng.Float64() < 0.1:
		if add(surveil.ActSuspect, "初步核实：病例相对集中，需现场调查", hours(2, 24)) {
			add(surveil.ActResult, "现场调查：病例散在分布，无共同暴露，排除暴发，结案", hours(48, 120))
		}
	default:
		add(surveil.ActExclude, "初步核实：散发病例，无流行病学关联", hours(1, 30))
	}
	return out
}

package surveil

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/weijian-health/weijian/internal/detect"
	"github.com/weijian-health/weijian/internal/period"
)

// Specificity: how each method does on a county's history against known
// outbreaks — cards tagged in their remark with OutbreakTag and an id (the
// demo tags the cases of the outbreaks it injects; a county can tag the
// cases of confirmed outbreaks the same way).

// OutbreakTag starts the remark of a card that belongs to a known outbreak.
const OutbreakTag = "暴发:"

// Outbreak is a known outbreak: its cases' disease, township and report dates.
type Outbreak struct {
	ID         string
	Disease    string
	AreaID     int64
	Start, End period.Date
	Size       int
}

// Candidate methods the evaluation compares.
type evalMethod struct {
	Label    string
	Method   string
	Params   map[string]string
	MinCount float64
}

var evalMethods = []evalMethod{
	{"cidarsMPM P50", "cidarsMPM", map[string]string{"percentile": "50"}, 0},
	{"cidarsMPM P75", "cidarsMPM", map[string]string{"percentile": "75"}, 0},
	{"cidarsMPM P90", "cidarsMPM", map[string]string{"percentile": "90"}, 0},
	{"earsC1", "earsC1", nil, 0},
	{"earsC2", "earsC2", nil, 0},
	{"earsC3", "earsC3", nil, 0},
	{"bayes", "bayes", nil, 0},
	{"cidarsMPM P75 ≥3", "cidarsMPM", map[string]string{"percentile": "75"}, 3},
	{"cidarsMPM P90 ≥3", "cidarsMPM", map[string]string{"percentile": "90"}, 3},
	{"cidarsMPM P90 ≥5", "cidarsMPM", map[string]string{"percentile": "90"}, 5},
	{"earsC3 ≥3", "earsC3", nil, 3},
}

// MethodScore is one method's result on the evaluated series.
type MethodScore struct {
	Label        string
	Detected     int
	Outbreaks    int
	Sensitivity  float64 // detected / outbreaks
	FalseSignals int     // alarm runs outside every outbreak window
	SeriesYears  float64
	FalsePer10   float64 // false signals per 10 series-years
	MedianDelay  float64 // days from an outbreak's first case to its first alarm
	Recommended  bool
}

// DiseaseEval is the evaluation of one disease.
type DiseaseEval struct {
	Disease   string
	Outbreaks []Outbreak
	Scores    []MethodScore
	Current   string // the catalogue's method
}

// Evaluation is the whole table.
type Evaluation struct {
	From, To period.Date
	Series   int
	Diseases []DiseaseEval
	Note     string
}

// OutbreakStore is the part of the store the evaluation reads.
type OutbreakStore interface {
	TaggedCards(ctx context.Context, county, prefix string) ([]*CaseReport, error)
}

var evalCache sync.Map // county|day → *Evaluation

// Evaluate scores every candidate method against the county's known
// outbreaks over the last two years before day, on township series of
// report dates. The result is cached per county and day.
func (sv *Service) Evaluate(ctx context.Context, county string, day period.Date) (*Evaluation, error) {
	key := county + "|" + day.String()
	if v, ok := evalCache.Load(key); ok {
		return v.(*Evaluation), nil
	}
	os, ok := sv.store.(OutbreakStore)
	if !ok {
		return &Evaluation{Note: "store cannot list tagged cards"}, nil
	}
	cards, err := os.TaggedCards(ctx, county, OutbreakTag)
	if err != nil {
		return nil, err
	}
	outbreaks := groupOutbreaks(cards)
	areas, err := sv.Areas(ctx, county)
	if err != nil {
		return nil, err
	}
	ev := &Evaluation{From: day.AddDays(-730), To: day}
	start := ev.From.AddDays(-(3*365 + 60))
	counts, err := sv.store.Counts(ctx, county, BasisReport, [][2]period.Date{{start, day}})
	if err != nil {
		return nil, err
	}
	byDisease := map[string][]Outbreak{}
	for _, o := range outbreaks {
		if !o.Start.Before(ev.From) {
			byDisease[o.Disease] = append(byDisease[o.Disease], o)
		}
	}
	diseases := make([]string, 0, len(byDisease))
	for d := range byDisease {
		diseases = append(diseases, d)
	}
	slices.Sort(diseases)
	for _, d := range diseases {
		de := DiseaseEval{Disease: d, Outbreaks: byDisease[d]}
		if dd := sv.cat.Disease(d); dd != nil {
			de.Current = dd.Detection.Method + " " + paramsJSON(withMin(dd.Detection))
		}
		for _, m := range evalMethods {
			de.Scores = append(de.Scores, score(m, d, areas[1:], counts, start, ev.From, day, byDisease[d]))
		}
		recommend(de.Scores)
		ev.Diseases = append(ev.Diseases, de)
	}
	ev.Series = len(areas) - 1
	evalCache.Store(key, ev)
	return ev, nil
}

func groupOutbreaks(cards []*CaseReport) []Outbreak {
	by := map[string]*Outbreak{}
	for _, c := range cards {
		id := strings.TrimSpace(strings.TrimPrefix(strings.Fields(c.Remark + " ")[0], OutbreakTag))
		o := by[id]
		day := period.DateOf(c.ReportedAt.In(China))
		if o == nil {
			o = &Outbreak{ID: id, Disease: c.Disease, AreaID: c.TownID, Start: day, End: day}
			by[id] = o
		}
		if day.Before(o.Start) {
			o.Start = day
		}
		if day.After(o.End) {
			o.End = day
		}
		o.Size++
	}
	out := make([]Outbreak, 0, len(by))
	for _, o := range by {
		out = append(out, *o)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	return out
}

// score runs one method over every township series of a disease and
// compares its alarms with the outbreaks: an outbreak is detected by an
// alarm in its township from its first case to 7 days after its last;
// alarms elsewhere, merged into runs of consecutive days as signals
// merge, are false.
func score(m evalMethod, disease string, areas []Area, counts map[SeriesKey]map[period.Date]int, start, from, to period.Date, obs []Outbreak) MethodScore {
	sc := MethodScore{Label: m.Label, Outbreaks: len(obs)}
	off := from.DaysSince(start)
	var delays []float64
	for _, a := range areas {
		y := Series(counts, disease, a.ID, start, to)
		params := map[string]string{"range": fmt.Sprintf("%d:%d", off+1, len(y))}
		for k, v := range m.Params {
			params[k] = v
		}
		res, err := detect.Run(m.Method, detect.Series{Observed: y, Freq: 365}, params)
		if err != nil {
			continue
		}
		sc.SeriesYears += float64(len(res.Points)) / 365
		inWindow := func(d period.Date) int {
			for i, o := range obs {
				if o.AreaID == a.ID && !d.Before(o.Start) && !d.After(o.End.AddDays(7)) {
					return i
				}
			}
			return -1
		}
		alarmAt := func(i int) bool {
			p := res.Points[i]
			if p.Alarm != detect.Alarmed {
				return false
			}
			v := p.Observed
			if len(res.BlockCount) > 0 {
				v = res.BlockCount[i]
			}
			return v >= m.MinCount
		}
		prevAlarm := false
		for i, p := range res.Points {
			d := start.AddDays(p.Index)
			alarm := alarmAt(i)
			if alarm && inWindow(d) < 0 && !prevAlarm {
				sc.FalseSignals++
			}
			prevAlarm = alarm && inWindow(d) < 0
		}
		for _, o := range obs {
			if o.AreaID != a.ID {
				continue
			}
			for i, p := range res.Points {
				d := start.AddDays(p.Index)
				if alarmAt(i) && !d.Before(o.Start) && !d.After(o.End.AddDays(7)) {
					sc.Detected++
					delays = append(delays, float64(d.DaysSince(o.Start)))
					break
				}
			}
		}
	}
	if sc.Outbreaks > 0 {
		sc.Sensitivity = float64(sc.Detected) / float64(sc.Outbreaks)
	}
	if sc.SeriesYears > 0 {
		sc.FalsePer10 = float64(sc.FalseSignals) / sc.SeriesYears * 10
	}
	if len(delays) > 0 {
		slices.Sort(delays)
		sc.MedianDelay = delays[len(delays)/2]
	}
	return sc
}

// recommend marks the method with the best sensitivity and, among those,
// the fewest false signals (then the shortest delay).
func recommend(scores []MethodScore) {
	best := -1
	for i, s := range scores {
		if best < 0 || s.Sensitivity > scores[best].Sensitivity ||
			s.Sensitivity == scores[best].Sensitivity && (s.FalsePer10 < scores[best].FalsePer10 ||
				s.FalsePer10 == scores[best].FalsePer10 && s.MedianDelay < scores[best].MedianDelay) {
			best = i
		}
	}
	if best >= 0 {
		scores[best].Recommended = true
	}
}

package surveil

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/detect"
	"github.com/weijian-health/weijian/internal/period"
)

// Area is a unit whose series are watched: the county and its townships.
type Area struct {
	ID   int64
	Code string
	Name string
	Path string
}

// Skip is a series detection did not judge, and why (too little history,
// a method error): shown on the signal page and by the CLI, never a
// silent alarm or a crash.
type Skip struct {
	Item   string
	Area   Area
	Reason weijian.Text
}

// Job is one detection over a county's series for one day.
type Job struct {
	County    string
	Day       period.Date
	Areas     []Area
	Items     []Item
	Counts    map[SeriesKey]map[period.Date]int // from Store.Counts
	DataStart period.Date                       // the first day the county has data; zero = from the counts
	// Dense, when set (a backfill), holds every series as an array from
	// DenseStart, NA on the missing days of a syndromic series; Counts is
	// then unused.
	Dense      map[SeriesKey][]float64
	DenseStart period.Date
}

// Item is a disease or a syndromic source with its method.
type Item struct {
	Code      string
	Detection Detection
	Basis     string
}

// Items returns what a run watches: every disease with a method (on
// report dates, as CIDARS) and every syndromic source; fixedOnly keeps the
// single-case diseases.
func (c *Catalogue) Items(fixedOnly bool) []Item {
	var out []Item
	for _, d := range c.Diseases {
		if d.Detection.Method == MethodNone || fixedOnly && !d.Detection.Fixed() {
			continue
		}
		out = append(out, Item{d.Code, d.Detection, BasisReport})
	}
	if !fixedOnly {
		for _, s := range c.Syndromic {
			out = append(out, Item{s.Code, s.Detection, BasisDay})
		}
	}
	return out
}

// HistoryDays is how many days before the judged day a method needs: the
// years of baseline it asks for (cidarsMPM years, farrington/bayes b) and
// its window, with a margin. EARS needs only its baseline weeks.
func HistoryDays(d Detection) int {
	years := 0
	for _, k := range []string{"years", "b"} {
		if v, err := strconv.Atoi(d.Params[k]); err == nil {
			years = max(years, v)
		}
	}
	switch d.Method {
	case "cidarsMPM":
		if years == 0 {
			years = 3
		}
	case "farrington", "farringtonFlexible":
		if years == 0 {
			years = 3
		}
		if d.Method == "farringtonFlexible" && d.Params["b"] == "" {
			years = 5
		}
	case "cidarsFixed":
		return 0
	case "bayes", "earsC1", "earsC2", "earsC3", "earsC":
		return 7 * 8
	case "glrnb", "cusum":
		return 2 * 365
	}
	return years*365 + 5*7 + 7
}

// HistoryRanges are the day ranges (inclusive) a method reads to judge
// day: the moving percentile method only the current block and the same
// weeks of past years; the others their whole history. Reading only these
// keeps one day's detection fast.
func HistoryRanges(d Detection, day period.Date) [][2]period.Date {
	if d.Method != "cidarsMPM" {
		return [][2]period.Date{{day.AddDays(-HistoryDays(d)), day}}
	}
	years, adj := atoiOr(d.Params["years"], 3), atoiOr(d.Params["adjacent"], 2)
	block := atoiOr(d.Params["block"], 0)
	if block == 0 {
		block = 7
	}
	reach := (adj+1)*block + 1
	out := [][2]period.Date{{day.AddDays(-block - 1), day}}
	for y := 1; y <= years; y++ {
		c := day.AddDays(-365 * y)
		out = append(out, [2]period.Date{c.AddDays(-reach), c.AddDays(reach)})
	}
	return out
}

// mergeRanges sorts and joins overlapping ranges.
func mergeRanges(rs [][2]period.Date) [][2]period.Date {
	slices.SortFunc(rs, func(a, b [2]period.Date) int { return a[0].Compare(b[0]) })
	var out [][2]period.Date
	for _, r := range rs {
		if n := len(out); n > 0 && !r[0].After(out[n-1][1].AddDays(1)) {
			if r[1].After(out[n-1][1]) {
				out[n-1][1] = r[1]
			}
			continue
		}
		out = append(out, r)
	}
	return out
}

// Run judges every item × area of the job on its day. Alarms become
// candidates; series that cannot be judged are returned as skips.
func (j *Job) Run() ([]Candidate, []Skip) {
	var cands []Candidate
	var skips []Skip
	start := j.DataStart
	if start.IsZero() {
		start = j.firstDay()
	}
	for _, it := range j.Items {
		need := HistoryDays(it.Detection)
		from := j.Day.AddDays(-need)
		for _, a := range j.Areas {
			if start.IsZero() || start.After(from) {
				have := 0
				if !start.IsZero() {
					have = j.Day.DaysSince(start) + 1
				}
				skips = append(skips, Skip{it.Code, a, weijian.T(
					fmt.Sprintf("历史数据不足：%s 需要 %d 天（约 %.1f 年），现有 %d 天，未做判断", it.Detection.Method, need+1, float64(need)/365, max(have, 0)),
					fmt.Sprintf("too little history: %s needs %d days (%.1f years), there are %d; not judged", it.Detection.Method, need+1, float64(need)/365, max(have, 0)))})
				continue
			}
			c, skip := j.judge(it, a, from)
			if skip != nil {
				skips = append(skips, *skip)
			} else if c != nil {
				cands = append(cands, *c)
			}
		}
	}
	return cands, skips
}

// firstDay is the earliest day with a count in the job's data.
func (j *Job) firstDay() period.Date {
	var first period.Date
	for _, days := range j.Counts {
		for d := range days {
			if first.IsZero() || d.Before(first) {
				first = d
			}
		}
	}
	return first
}

// Series returns the daily counts of item in area over [from, to]: days
// without a count are zero.
func Series(counts map[SeriesKey]map[period.Date]int, item string, area int64, from, to period.Date) []float64 {
	n := to.DaysSince(from) + 1
	out := make([]float64, max(n, 0))
	for d, v := range counts[SeriesKey{item, area}] {
		if i := d.DaysSince(from); i >= 0 && i < n {
			out[i] = float64(v)
		}
	}
	return out
}

func (j *Job) judge(it Item, a Area, from period.Date) (*Candidate, *Skip) {
	var obs []float64
	switch {
	case j.Dense != nil:
		obs = j.denseSeries(it, a.ID, from)
	default:
		obs = Series(j.Counts, it.Code, a.ID, from, j.Day)
		if it.Basis == BasisDay {
			obs = withGaps(j.Counts, it.Code, a.ID, from, obs)
		}
	}
	if it.Basis == BasisDay {
		if detect.IsNA(obs[len(obs)-1]) {
			return nil, &Skip{it.Code, a, weijian.T("当天没有数据", "no count for the day")}
		}
	}
	params := map[string]string{"range": "last:1"}
	for k, v := range it.Detection.Params {
		params[k] = v
	}
	res, err := detect.Run(it.Detection.Method, detect.Series{Observed: obs, Freq: 365, Start: [2]int{from.Year, from.YearDay()}}, params)
	if err != nil {
		return nil, &Skip{it.Code, a, weijian.T("无法判断："+err.Error(), "not judged: "+err.Error())}
	}
	p := res.Points[len(res.Points)-1]
	if p.Alarm == detect.AlarmNA {
		return nil, &Skip{it.Code, a, weijian.T("该方法对此序列给出缺失结果（历史数据全为零或不足）", "the method gave no result for this series (all-zero or short history)")}
	}
	if p.Alarm != detect.Alarmed {
		return nil, nil
	}
	if it.Detection.MinCount > 0 && judged(res) < it.Detection.MinCount {
		return nil, nil
	}
	c := &Candidate{CountyCode: j.County, Item: it.Code, AreaID: a.ID, AreaPath: a.Path, Method: it.Detection.Method,
		Params: paramsJSON(withMin(it.Detection)), Fixed: it.Detection.Fixed(), WindowFrom: j.Day, WindowTo: j.Day,
		Observed: p.Observed, Threshold: finite(p.UpperBound)}
	if it.Detection.Method == "cidarsMPM" {
		c.WindowFrom = j.Day.AddDays(-6)
		c.Observed = res.BlockCount[len(res.BlockCount)-1]
		c.Expected = baselineMean(obs, 7, atoiOr(it.Detection.Params["years"], 3), atoiOr(it.Detection.Params["adjacent"], 2))
	} else {
		c.Expected = expectedOf(res)
	}
	return c, nil
}

// judged is the count the method compared at the last point: the block
// count of the moving percentile method, else the day's count.
func judged(res *detect.Result) float64 {
	if len(res.BlockCount) > 0 {
		return res.BlockCount[len(res.BlockCount)-1]
	}
	return res.Points[len(res.Points)-1].Observed
}

// withMin is the parameters recorded on a signal, with min_count.
func withMin(d Detection) map[string]string {
	if d.MinCount == 0 {
		return d.Params
	}
	p := map[string]string{"min_count": strconv.FormatFloat(d.MinCount, 'g', -1, 64)}
	for k, v := range d.Params {
		p[k] = v
	}
	return p
}

// baselineMean is the mean of the MPM's baseline blocks at the series' last day.
func baselineMean(y []float64, b, years, adj int) float64 {
	t := len(y) - 1
	sum, n := 0.0, 0
	for i := 1; i <= years; i++ {
		for k := -adj; k <= adj; k++ {
			end := t - i*365 + k*b
			if end-b+1 < 0 || end >= len(y) {
				continue
			}
			for _, v := range y[end-b+1 : end+1] {
				sum += v
			}
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return math.Round(sum/float64(n)*100) / 100
}

func expectedOf(res *detect.Result) float64 {
	for _, v := range [][]float64{res.Expected, res.Mu0, res.M} {
		if len(v) > 0 {
			return finite(v[len(v)-1])
		}
	}
	return 0
}

func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return math.Round(v*100) / 100
}

func atoiOr(s string, def int) int {
	if v, err := strconv.Atoi(s); err == nil {
		return v
	}
	return def
}

func paramsJSON(p map[string]string) string {
	if len(p) == 0 {
		return "{}"
	}
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b, _ := json.Marshal(p) // a map of strings always marshals; keys come out sorted
	return string(b)
}

// WebhookPayload is the JSON body posted for a new signal (an SMS gateway
// takes Text).
func WebhookPayload(g *Signal) map[string]any {
	return map[string]any{
		"event": "signal.created", "id": g.ID, "county": g.CountyCode, "item": g.Item, "areaId": g.AreaID,
		"method": g.Method, "windowFrom": g.WindowFrom.String(), "windowTo": g.WindowTo.String(),
		"observed": g.Observed, "expected": g.Expected, "threshold": g.Threshold, "fixed": g.Fixed,
		"createdAt": g.CreatedAt.UTC().Format("2006-01-02T15:04:05Z"),
		"text": fmt.Sprintf("【卫健预警】%s 至 %s %s 出现预警信号（%s，观察值 %g，阈值 %g），请在%d小时内响应。",
			g.WindowFrom, g.WindowTo, g.Item, g.Method, g.Observed, g.Threshold, int(g.ResponseLimit().Hours())),
	}
}

// denseSeries slices the job's dense series of item in area over
// [from, Day] (zeros, or NA for a syndromic source, where none is stored).
func (j *Job) denseSeries(it Item, area int64, from period.Date) []float64 {
	n := j.Day.DaysSince(from) + 1
	src := j.Dense[SeriesKey{it.Code, area}]
	off := from.DaysSince(j.DenseStart)
	if src == nil || off < 0 || off+n > len(src) {
		out := make([]float64, n)
		if it.Basis == BasisDay {
			for i := range out {
				out[i] = detect.NA
			}
		}
		if src != nil {
			for i := range out {
				if k := off + i; k >= 0 && k < len(src) {
					out[i] = src[k]
				}
			}
		}
		return out
	}
	return src[off : off+n]
}

// Densify turns counts over [start, end] into arrays; syndromic series
// (basis day) get NA on the days without a row.
func Densify(counts map[SeriesKey]map[period.Date]int, day map[SeriesKey]bool, start, end period.Date) map[SeriesKey][]float64 {
	n := end.DaysSince(start) + 1
	out := make(map[SeriesKey][]float64, len(counts))
	for k, days := range counts {
		a := make([]float64, n)
		if day[k] {
			for i := range a {
				a[i] = detect.NA
			}
		}
		for d, v := range days {
			if i := d.DaysSince(start); i >= 0 && i < n {
				a[i] = float64(v)
			}
		}
		out[k] = a
	}
	return out
}

// withGaps marks the days a syndromic series has no row as missing (NA):
// a gap is unknown, not zero.
func withGaps(counts map[SeriesKey]map[period.Date]int, item string, area int64, from period.Date, obs []float64) []float64 {
	days := counts[SeriesKey{item, area}]
	for i := range obs {
		if _, ok := days[from.AddDays(i)]; !ok {
			obs[i] = detect.NA
		}
	}
	return obs
}

package surveil

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/detect"
	"github.com/weijian-health/weijian/internal/period"
)

// Curve is an epidemic curve of one item in one area: the daily counts,
// what the item's method compared with its threshold each day, the alarms,
// and the same days a year earlier.
type Curve struct {
	Item      string
	Area      Area
	Basis     string
	Method    string
	Days      []period.Date
	Counts    []float64
	Compared  []float64 // the value the method judged: the 7-day count (MPM) or the day's count
	Threshold []float64 // NaN where the method gave none
	Alarms    []bool
	LastYear  []float64 // the compared value a year earlier
	Note      weijian.Text
}

// Curve computes the curve of item in area over [from, to] on a basis
// (onset, report, or day for a syndromic source). The threshold and
// alarms are the item's method run on report dates (as the signals are);
// on the onset basis only the counts are shown.
func (sv *Service) Curve(ctx context.Context, county, item string, area Area, basis string, from, to period.Date) (*Curve, error) {
	det, ok := sv.detection(item)
	if !ok {
		return nil, weijian.Invalid(weijian.T("未知病种或数据源："+item, "unknown disease or source: "+item))
	}
	if basis == "" {
		basis = BasisReport
		if sv.cat.Source(item) != nil {
			basis = BasisDay
		}
	}
	n := to.DaysSince(from) + 1
	if n < 1 || n > 3*366 {
		return nil, weijian.Invalid(weijian.T("日期范围应在1天到3年之间", "the period must be 1 day to 3 years"))
	}
	need := HistoryDays(det)
	start := from.AddDays(-max(need, 365+7))
	counts, err := sv.store.Counts(ctx, county, basis, [][2]period.Date{{start, to}})
	if err != nil {
		return nil, err
	}
	all := Series(counts, item, area.ID, start, to)
	off := from.DaysSince(start)
	c := &Curve{Item: item, Area: area, Basis: basis, Method: det.Method, Counts: all[off:]}
	for i := range n {
		c.Days = append(c.Days, from.AddDays(i))
	}
	block := 1
	if det.Method == "cidarsMPM" {
		block = 7
	}
	c.Compared, c.LastYear = make([]float64, n), make([]float64, n)
	for i := range n {
		c.Compared[i] = windowSum(all, off+i, block)
		c.LastYear[i] = windowSum(all, off+i-365, block)
	}
	c.Threshold, c.Alarms = make([]float64, n), make([]bool, n)
	for i := range c.Threshold {
		c.Threshold[i] = math.NaN()
	}
	if det.Method == MethodNone || basis == BasisOnset {
		c.Note = weijian.T("该病种不做预警计算（或按发病日期显示），只显示病例数", "no detection for this disease (or onset basis): counts only")
		return c, nil
	}
	return c, sv.judge(ctx, c, county, det, all, from, off)
}

// judge runs the curve's method over the whole series all (whose day off
// is the curve's first day, from) and fills in the thresholds and alarms
// of the curve's days, or a note when the history is too short.
func (sv *Service) judge(ctx context.Context, c *Curve, county string, det Detection, all []float64, from period.Date, off int) error {
	n, need := len(c.Days), HistoryDays(det)
	first, err := sv.store.FirstDay(ctx, county)
	if err != nil {
		return err
	}
	judgeFrom := max(off, need)
	if !first.IsZero() {
		judgeFrom = max(judgeFrom, first.DaysSince(from.AddDays(-off))+need)
	}
	if judgeFrom >= len(all) {
		c.Note = weijian.T(fmt.Sprintf("历史数据不足：%s 需要 %d 天历史，此期间无法计算阈值", det.Method, need),
			fmt.Sprintf("too little history: %s needs %d days, no threshold in this period", det.Method, need))
		return nil
	}
	params := map[string]string{"range": fmt.Sprintf("%d:%d", judgeFrom+1, len(all))}
	for k, v := range det.Params {
		params[k] = v
	}
	res, err := detect.Run(det.Method, detect.Series{Observed: all, Freq: 365}, params)
	if errors.Is(err, detect.ErrTooShort) {
		c.Note = weijian.T("历史数据不足，无法计算阈值："+err.Error(), "too little history for a threshold: "+err.Error())
		return nil
	}
	if err != nil {
		return err
	}
	for _, p := range res.Points {
		i := p.Index - off
		if i < 0 || i >= n {
			continue
		}
		c.Threshold[i] = p.UpperBound
		c.Alarms[i] = p.Alarm == detect.Alarmed
	}
	if judgeFrom > off {
		c.Note = weijian.T(fmt.Sprintf("%s 之前历史数据不足，未计算阈值", from.AddDays(judgeFrom-off)),
			fmt.Sprintf("too little history before %s: no threshold", from.AddDays(judgeFrom-off)))
	}
	return nil
}

// detection returns the method of a disease or source.
func (sv *Service) detection(item string) (Detection, bool) {
	if d := sv.cat.Disease(item); d != nil {
		return d.Detection, true
	}
	if s := sv.cat.Source(item); s != nil {
		return s.Detection, true
	}
	return Detection{}, false
}

// windowSum is y[end−b+1] + … + y[end], 0 outside the series.
func windowSum(y []float64, end, b int) float64 {
	sum := 0.0
	for i := end - b + 1; i <= end; i++ {
		if i >= 0 && i < len(y) {
			sum += y[i]
		}
	}
	return sum
}

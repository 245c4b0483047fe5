package check

import (
	"context"
	"fmt"
	"math"
	"strconv"

	"github.com/weijian-health/weijian"
)

// Query asks a Resolver for the live value of a stated figure.
type Query struct {
	Indicator string // the name as the text states it: 筛查率, 高血压规范管理率
	Unit      string // %, ‰, /10万, or a count unit
	OrgUnit   string // what the report is about (Options.OrgUnit), may be empty
	Period    string // Options.Period, or taken from the text: "2021-07-11" (截至), "2024"
}

// Live is a live value: the figure and, for a rate, its counts.
type Live struct {
	Value                  float64
	Numerator, Denominator float64
}

// Resolver gives the live value of an indicator for an org unit and a
// period. It returns ok=false when it does not know the indicator or has
// no data for the period (the checker then says nothing). The indicator
// engine implements it; until it exists no Resolver is wired and the
// checker compares figures only with each other.
type Resolver interface {
	Resolve(ctx context.Context, q Query) (v Live, ok bool, err error)
}

// liveFindings compares each named rate with its live value.
func liveFindings(ctx context.Context, d *doc, figs []Figure, opt Options) ([]Finding, error) {
	var out []Finding
	for i := range figs {
		f := &figs[i]
		if f.Kind != KindRate || f.Check == nil || f.Check.Name == "" {
			continue
		}
		q := Query{Indicator: f.Check.Name, Unit: f.Unit, OrgUnit: opt.OrgUnit, Period: opt.Period}
		if q.Period == "" {
			q.Period = periodBefore(figs, i)
		}
		v, ok, err := opt.Resolver.Resolve(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("live value of %s: %w", q.Indicator, err)
		}
		if !ok {
			continue
		}
		if m, _ := matches(f, v.Value); m || math.Abs(v.Value-f.Value) < 1e-9 {
			continue
		}
		live := fmtNum(roundHalfUp(v.Value, max(f.Decimals, 2)), max(f.Decimals, 2))
		out = append(out, finding("live.mismatch", Warning, f.start, f.end,
			weijian.T(fmt.Sprintf("%s写为 %s%s，系统中%s%s的实时值为 %s%s（%s/%s）", f.Check.Name, f.Written, f.Unit, q.OrgUnit, q.Period, live, f.Unit,
				fmtNum(v.Numerator, -1), fmtNum(v.Denominator, -1)),
				fmt.Sprintf("%s is written %s%s; the live value for %s %s is %s%s (%s/%s)", f.Check.Name, f.Written, f.Unit, q.OrgUnit, q.Period, live, f.Unit,
					fmtNum(v.Numerator, -1), fmtNum(v.Denominator, -1))),
			weijian.T("改为 "+live+f.Unit+"，或注明口径与日期", "write "+live+f.Unit+", or state the definition and date")))
	}
	return out, nil
}

// periodBefore is the period of the nearest date before figure i: a full
// date as YYYY-MM-DD, a month as YYYY-MM or MM, a year as YYYY.
func periodBefore(figs []Figure, i int) string {
	for k := i - 1; k >= 0; k-- {
		dt := figs[k].Date
		if dt == nil || !dt.valid() {
			continue
		}
		switch {
		case dt.Year > 0 && dt.Month > 0 && dt.Day > 0:
			return fmt.Sprintf("%04d-%02d-%02d", dt.Year, dt.Month, dt.Day)
		case dt.Year > 0 && dt.Month > 0:
			return fmt.Sprintf("%04d-%02d", dt.Year, dt.Month)
		case dt.Year > 0:
			return strconv.Itoa(dt.Year)
		case dt.Month > 0:
			return fmt.Sprintf("--%02d", dt.Month)
		}
	}
	return ""
}

// LiveNote says whether the figures were compared with live values.
func (r *Result) LiveNote() weijian.Text {
	if r.Live {
		return weijian.T("已与实时指标值比对。", "Figures were compared with live indicator values.")
	}
	return weijian.T("未与实时指标值比对（未指定数据库，命令行可加 --db），只核对了报告内部的一致性。",
		"Not compared with live indicator values (no database given; the command line takes --db): only the report's own consistency was checked.")
}

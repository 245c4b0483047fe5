package report

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/analytics"
	"github.com/weijian-health/weijian/internal/dataset"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/surveil"
)

// Query answers a grid within a scope: analytics.Service.Query.
type Query func(ctx context.Context, sc weijian.Scope, req analytics.Request) (*analytics.Response, error)

// LiveFigures reads figures from the analytics service within the
// scope of the user who asks for the report.
type LiveFigures struct {
	Lib   *indicator.Library
	Query Query
	Scope weijian.Scope
}

// Library implements Figures.
func (l LiveFigures) Library() *indicator.Library { return l.Lib }

// Grid implements Figures.
func (l LiveFigures) Grid(ctx context.Context, req analytics.Request) (*analytics.Response, error) {
	return l.Query(ctx, l.Scope, req)
}

// LiveStore is what the live surveillance and quality sources read
// (*sqlstore.Store implements it).
type LiveStore interface {
	OrgUnit(ctx context.Context, sc weijian.Scope, code string) (*weijian.OrgUnit, error)
	Subtree(ctx context.Context, sc weijian.Scope, code string, includeClosed bool) ([]*weijian.OrgUnit, error)
	Counts(ctx context.Context, county, basis string, ranges [][2]period.Date) (map[surveil.SeriesKey]map[period.Date]int, error)
	Signals(ctx context.Context, sc weijian.Scope, f surveil.SignalFilter) ([]*surveil.Signal, int, error)
	ReportingUnits(ctx context.Context, sc weijian.Scope, levels, facilityTypes []string) ([]*weijian.OrgUnit, error)
	Completions(ctx context.Context, sc weijian.Scope, dataset string, periods []string) ([]weijian.Completion, error)
}

// Live answers the surveillance and data-quality parts of a report from
// the store, within Scope.
type Live struct {
	Store     LiveStore
	Scope     weijian.Scope
	Diseases  *surveil.Catalogue
	DataSets  []*dataset.DataSet
	Now       func() time.Time
	MaxSignal int // signals read at most (default 10,000)
}

var (
	_ Surveillance = (*Live)(nil)
	_ Quality      = (*Live)(nil)
)

// Cases implements Surveillance: the case counts by report date of the
// unit's subtree.
func (l *Live) Cases(ctx context.Context, ou string, span period.Span) ([]DiseaseCount, error) {
	u, err := l.Store.OrgUnit(ctx, l.Scope, ou)
	if err != nil {
		return nil, err
	}
	if len(u.Code) < 6 {
		return nil, nil
	}
	counts, err := l.Store.Counts(ctx, u.Code[:6], surveil.BasisReport, [][2]period.Date{{span.Start, span.End}})
	if err != nil {
		return nil, err
	}
	in, err := l.areas(ctx, u)
	if err != nil {
		return nil, err
	}
	by := map[string]int{}
	for k, days := range counts {
		if in != nil && !in[k.AreaID] {
			continue
		}
		for _, n := range days {
			by[k.Item] += n
		}
	}
	var out []DiseaseCount
	for code, n := range by {
		d := DiseaseCount{Code: code, Name: code, Cases: n}
		if l.Diseases != nil {
			if dis := l.Diseases.Disease(code); dis != nil {
				d.Name, d.Class = dis.Name, classNames[dis.Class]
			} else {
				continue // a syndromic source, not a notifiable disease
			}
		}
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}

// classNames are the words of the catalogue's disease classes.
var classNames = map[string]string{"A": "甲类", "B": "乙类", "C": "丙类", "M": "其他"}

// areas is the set of org-unit ids under u, or nil for a county (every
// area of its counts).
func (l *Live) areas(ctx context.Context, u *weijian.OrgUnit) (map[int64]bool, error) {
	if u.Level == weijian.LevelCounty {
		return nil, nil
	}
	units, err := l.Store.Subtree(ctx, l.Scope, u.Code, true)
	if err != nil {
		return nil, err
	}
	in := map[int64]bool{}
	for _, x := range units {
		in[x.ID] = true
	}
	return in, nil
}

// Signals implements Surveillance.
func (l *Live) Signals(ctx context.Context, ou string, span period.Span) (*SignalSummary, error) {
	u, err := l.Store.OrgUnit(ctx, l.Scope, ou)
	if err != nil {
		return nil, err
	}
	limit := l.MaxSignal
	if limit == 0 {
		limit = 10000
	}
	sigs, _, err := l.Store.Signals(ctx, l.Scope, surveil.SignalFilter{From: span.Start, To: span.End, Limit: limit})
	if err != nil {
		return nil, err
	}
	s := &SignalSummary{}
	for _, g := range sigs {
		if !strings.HasPrefix(g.AreaPath, u.Path) {
			continue
		}
		s.Total++
		if !g.RespondedAt.IsZero() {
			s.Responded++
		}
		if g.RespondedInTime() {
			s.InTime++
		}
		switch g.Status {
		case surveil.SignalSuspected, surveil.SignalClosed:
			s.Suspected++
		case surveil.SignalExcluded:
			s.Excluded++
		}
		if g.Open() && g.Status != surveil.SignalSuspected {
			s.Open++
		}
	}
	return s, nil
}

// DataQuality implements Quality: each data set's reports of the periods
// that ended within the span, from the units below ou.
func (l *Live) DataQuality(ctx context.Context, ou string, span period.Span) ([]DataSetQuality, error) {
	u, err := l.Store.OrgUnit(ctx, l.Scope, ou)
	if err != nil {
		return nil, err
	}
	sc := weijian.ScopeOf(u.Path)
	now := time.Now()
	if l.Now != nil {
		now = l.Now()
	}
	var out []DataSetQuality
	for _, ds := range l.DataSets {
		var ps []period.Period
		var names []string
		for _, p := range span.Within(ds.Period()) {
			ps, names = append(ps, p), append(names, period.Format(p))
		}
		if len(ps) == 0 {
			continue
		}
		units, err := l.Store.ReportingUnits(ctx, sc, ds.Reporters.Levels, ds.Reporters.FacilityTypes)
		if err != nil {
			return nil, err
		}
		comps, err := l.Store.Completions(ctx, sc, ds.Code, names)
		if err != nil {
			return nil, err
		}
		out = append(out, qualityOf(ds, ds.ComputeCompleteness(units, ps, comps, now)))
	}
	return out, nil
}

// qualityOf sums a completeness table; the units missing most reports
// come first.
func qualityOf(ds *dataset.DataSet, t *dataset.Completeness) DataSetQuality {
	q := DataSetQuality{Code: ds.Code, Name: ds.Name.ZH, Expected: t.Total.Den, Reported: t.Total.Num, OnTime: t.TotalOn.Num}
	rows := append([]dataset.CompletenessRow(nil), t.Rows...)
	sort.SliceStable(rows, func(i, j int) bool {
		return rows[i].Reported.Den-rows[i].Reported.Num > rows[j].Reported.Den-rows[j].Reported.Num
	})
	for _, r := range rows {
		switch {
		case r.Reported.Num < r.Reported.Den:
			q.Missing = append(q.Missing, r.UnitName)
		case r.OnTime.Num < r.OnTime.Den:
			q.Late = append(q.Late, r.UnitName)
		}
	}
	return q
}

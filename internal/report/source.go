package report

import (
	"context"

	"github.com/weijian-health/weijian/internal/analytics"
	"github.com/weijian-health/weijian/internal/indicator"
	"github.com/weijian-health/weijian/internal/period"
)

// Figures is where templates read indicators: the library (to check codes
// and name them) and the analytics grid (values with targets, pace, 同比,
// 环比, ranks).
type Figures interface {
	Library() *indicator.Library
	Grid(ctx context.Context, req analytics.Request) (*analytics.Response, error)
}

// Surveillance answers the infectious-disease part of a report.
type Surveillance interface {
	// Cases counts the case reports of each disease in the unit over the
	// span (by report date), with the disease names.
	Cases(ctx context.Context, ou string, span period.Span) ([]DiseaseCount, error)
	// Signals summarises the early-warning signals raised in the unit over
	// the span and what became of them.
	Signals(ctx context.Context, ou string, span period.Span) (*SignalSummary, error)
}

// DiseaseCount is the number of cases of one disease.
type DiseaseCount struct {
	Code  string
	Name  string
	Class string // 甲类, 乙类, 丙类, or "" for a syndromic source
	Cases int
}

// SignalSummary counts signals by what became of them.
type SignalSummary struct {
	Total     int
	Responded int // responded at all
	InTime    int // within 2 h (fixed threshold) or 24 h (temporal)
	Suspected int // judged suspected events (incl. closed after the field result)
	Excluded  int
	Open      int // still awaiting a step
	ByItem    []DiseaseCount
}

// Quality answers the data-quality part of a report: how complete and
// timely the units' aggregate reports (data sets) were.
type Quality interface {
	DataQuality(ctx context.Context, ou string, span period.Span) ([]DataSetQuality, error)
}

// DataSetQuality is the completeness and timeliness of one data set.
type DataSetQuality struct {
	Code, Name string
	Expected   int      // reports due
	Reported   int      // of them, completed
	OnTime     int      // of them, completed by the due day
	Missing    []string // names of the units with a report missing, worst first
	Late       []string // names of the units with a late report
}

// Sources are the live inputs of a report. Figures is required; without
// Surveillance or Quality those parts of a template say there are no
// data.
type Sources struct {
	Figures      Figures
	Surveillance Surveillance
	Quality      Quality
}

// Package detect implements aberration-detection algorithms for count series
// of notifiable-disease reports: EARS C1/C2/C3, Farrington (classic and
// flexible), CUSUM, the negative-binomial/Poisson GLR-CUSUM, Bayes, and the
// two CIDARS methods (fixed threshold and moving percentile).
//
// Everything here is a pure function over a Series: no I/O, no database, no
// clock. The R package surveillance 1.20.3 is the reference implementation;
// the fixture test in this package compares every method with its output.
package detect

import (
	"errors"
	"fmt"
	"math"
)

// NA is the missing value, as R's NA: a NaN float64.
var NA = math.NaN()

// IsNA reports whether v is a missing value.
func IsNA(v float64) bool { return math.IsNaN(v) }

// Series is a univariate count series at a fixed frequency.
type Series struct {
	// Observed holds the counts; a missing count is NA (NaN).
	Observed []float64
	// Freq is the number of observations per year: 52 (weekly), 12
	// (monthly), 365 (daily) or 7 (daily with a weekly cycle).
	Freq int
	// Start is the (year, period) of Observed[0], as R's sts start.
	Start [2]int
}

// Alarm is the tri-state alarm of one evaluated point.
type Alarm int8

const (
	AlarmNA Alarm = -1 // R gave NA
	NoAlarm Alarm = 0
	Alarmed Alarm = 1
)

// Point is the outcome for one evaluated time point.
type Point struct {
	Index      int     // 0-based index into Series.Observed
	Observed   float64 // the count at Index (NA if missing)
	UpperBound float64 // NA where R gives NA
	Alarm      Alarm
}

// Result holds the evaluated points of one call, in the order of the range,
// and the intermediates a method exposes. An intermediate slice is nil when
// the method does not produce it; otherwise it is aligned with Points.
type Result struct {
	Method string
	Points []Point

	Expected    []float64 // farrington, farringtonFlexible: the model prediction
	Trend       []float64 // farrington(Flexible): 1 if the trend was kept, else 0 (NA when no result)
	PValue      []float64 // farrington: pvalue_q; farringtonFlexible: pvalue
	Score       []float64 // farringtonFlexible
	Mu0Vector   []float64 // farringtonFlexible
	PhiVector   []float64 // farringtonFlexible
	TrendVector []float64 // farringtonFlexible: the wtime coefficient when kept
	CUSUM       []float64 // cusum: the statistic S_t
	M           []float64 // cusum: the in-control mean (one value, or one per point)
	Mu0         []float64 // glrnb: in-control means over the range
	BlockCount  []float64 // cidarsMPM: the current block's count compared with the bound
	Warnings    []string  // what R would print as warnings (unique)
}

// Error kinds returned by this package; wrap them with %w and test with errors.Is.
var (
	ErrInvalidSeries  = errors.New("invalid series")
	ErrInvalidControl = errors.New("invalid control")
	ErrTooShort       = errors.New("series too short for the control")
)

func invalidControl(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidControl, fmt.Sprintf(format, a...))
}

// wrapKind returns an error of the given kind with a formatted message.
func wrapKind(kind error, format string, a ...any) error {
	return fmt.Errorf("%w: %s", kind, fmt.Sprintf(format, a...))
}

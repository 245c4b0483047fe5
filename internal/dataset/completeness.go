package dataset

import (
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/period"
)

// chinaTime is the zone in which a report's completion date is compared
// with its due day.
var chinaTime = time.FixedZone("CST", 8*3600)

// Status is the state of one unit's report for one period.
type Status string

const (
	StatusMissing Status = "missing" // not completed
	StatusOnTime  Status = "ontime"  // completed by the due day
	StatusLate    Status = "late"    // completed after the due day
)

// Cell is one unit × period of a completeness table.
type Cell struct {
	Status Status `json:"status"`
	Zero   bool   `json:"zeroReport,omitempty"`
}

// Ratio is a count of reports against those expected.
type Ratio struct {
	Num int `json:"num"`
	Den int `json:"den"`
}

// Percent is the ratio in percent, rounded half up to two decimals, and
// false when nothing was expected.
func (r Ratio) Percent() (float64, bool) {
	if r.Den == 0 {
		return 0, false
	}
	hundredths := (int64(r.Num)*20000 + int64(r.Den)) / (2 * int64(r.Den)) // exact half-up
	return float64(hundredths) / 100, true
}

// CompletenessRow is one reporting unit across the periods.
type CompletenessRow struct {
	Unit     *weijian.OrgUnit `json:"-"`
	UnitCode string           `json:"orgUnit"`
	UnitName string           `json:"name"`
	Cells    []Cell           `json:"cells"`
	Reported Ratio            `json:"reported"`
	OnTime   Ratio            `json:"onTime"`
}

// Completeness is the completeness and timeliness of a data set over
// units × periods: per unit, per period (reported / expected and on time
// / expected) and overall.
type Completeness struct {
	DataSet  string            `json:"dataSet"`
	Periods  []string          `json:"periods"`
	Rows     []CompletenessRow `json:"rows"`
	Reported []Ratio           `json:"reported"` // per period
	OnTime   []Ratio           `json:"onTime"`   // per period
	Total    Ratio             `json:"total"`
	TotalOn  Ratio             `json:"totalOnTime"`
}

// ComputeCompleteness builds the table. A period not yet due (its due day
// after today) is expected only of the units that already reported it; a
// unit expected to report is one of units (the current reporting units).
func (d *DataSet) ComputeCompleteness(units []*weijian.OrgUnit, periods []period.Period, comps []weijian.Completion, now time.Time) *Completeness {
	today := period.DateOf(now.In(chinaTime))
	byKey := map[[2]string]weijian.Completion{}
	for _, c := range comps {
		byKey[[2]string{c.UnitCode, c.Period}] = c
	}
	t := &Completeness{DataSet: d.Code, Reported: make([]Ratio, len(periods)), OnTime: make([]Ratio, len(periods))}
	for _, p := range periods {
		t.Periods = append(t.Periods, period.Format(p))
	}
	for _, u := range units {
		row := CompletenessRow{Unit: u, UnitCode: u.Code, UnitName: u.Name, Cells: make([]Cell, len(periods))}
		for i, p := range periods {
			due := d.Due(p)
			c, ok := byKey[[2]string{u.Code, t.Periods[i]}]
			cell := Cell{Status: StatusMissing}
			if ok {
				cell.Zero = c.ZeroReport
				cell.Status = StatusOnTime
				if period.DateOf(c.CompletedAt.In(chinaTime)).After(due) {
					cell.Status = StatusLate
				}
			}
			row.Cells[i] = cell
			if !ok && today.Before(due.AddDays(1)) {
				continue // not yet due: not expected yet
			}
			count(&row.Reported, &row.OnTime, cell)
			count(&t.Reported[i], &t.OnTime[i], cell)
			count(&t.Total, &t.TotalOn, cell)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func count(rep, on *Ratio, c Cell) {
	rep.Den++
	on.Den++
	if c.Status != StatusMissing {
		rep.Num++
	}
	if c.Status == StatusOnTime {
		on.Num++
	}
}

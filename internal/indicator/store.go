package indicator

import (
	"context"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/expr"
	"github.com/weijian-health/weijian/internal/period"
)

// FieldKind is the type of a row field as the store reads it from the
// JSON of a status row or an event.
type FieldKind int

// The kinds of row field.
const (
	FieldNumber FieldKind = iota
	FieldBool
	FieldString
)

// Built-in person_year fields, beside a programme's status items.
const (
	FieldEnrolled = "enrolled" // in the programme during the year (年内在管), the row's managed column
	FieldEvents   = "events"   // events of any stage in the year
)

// RowQuery asks the store for the persons (one person_year row per person
// and year) or the events that meet a rule, counted per village path.
type RowQuery struct {
	Function  string // "persons" or "events"
	Programme string
	Stage     string   // events only
	Counties  []string // county codes read (the distribution key on Citus)
	From, To  period.Date
	Rule      expr.Node            // a checked row rule; the store compiles it with expr.SQL
	Fields    map[string]FieldKind // the kinds of the fields the rule may use
	// ByMonth (events only) counts per village path and month of the
	// event date (PathCount.Month), so that the months of a year are read
	// by one query.
	ByMonth bool
	// Person keeps only the persons of one sex or age band (a
	// disaggregated cell); zero: everyone.
	Person PersonFilter
}

// PersonFilter selects persons by sex and by age band, the age in
// completed years on the query's last day (To).
type PersonFilter struct {
	Sex int             // weijian.SexMale or SexFemale; 0: both
	Age weijian.AgeBand // the zero band: every age
}

// IsZero reports whether the filter keeps everyone.
func (f PersonFilter) IsZero() bool { return f == PersonFilter{} }

// PathCount is the number of rows of one village path.
type PathCount struct {
	Path  string
	Month int // 1–12 when RowQuery.ByMonth, else 0
	N     int64
}

// RowPerson is one person a RowQuery selects, for drill-down lists.
type RowPerson struct {
	PersonID int64
	Path     string         // village path
	Values   map[string]any // the status values (persons) or the event values (events)
	Last     period.Date    // latest event of the year (persons) or the event date
}

// TreeUnit is an org unit with the parents it had over time, so that a
// figure rolls up by the tree as it stood in the period.
type TreeUnit struct {
	ID       int64
	Code     string
	Level    string
	ParentID int64 // current
	Path     string
	Parents  []ParentSpell // from org_unit_version, oldest first
	// ValidFrom and ValidTo (zero while open) bound the unit's life;
	// ReplacedBy is the unit that took over when it closed (a village
	// re-coded under another town, merged towns).
	ValidFrom, ValidTo period.Date
	ReplacedBy         int64
}

// ParentSpell is a time during which a unit hung under a parent; To is
// the first day it no longer did (zero while open).
type ParentSpell struct {
	From, To period.Date
	ParentID int64
}

// Store is what the engine reads: the org-unit tree, aggregate values
// (through dataset.Resolver), population and programme rows.
type Store interface {
	OrgUnit(ctx context.Context, sc weijian.Scope, code string) (*weijian.OrgUnit, error)
	// Completions and ReportingUnits answer the report functions
	// (reports("set") …) as the data sets' completeness view does.
	Completions(ctx context.Context, sc weijian.Scope, dataset string, periods []string) ([]weijian.Completion, error)
	ReportingUnits(ctx context.Context, sc weijian.Scope, levels, facilityTypes []string) ([]*weijian.OrgUnit, error)
	DataValues(ctx context.Context, sc weijian.Scope, f weijian.DataValueFilter) ([]weijian.DataValue, error)
	PopulationData(ctx context.Context, sc weijian.Scope, code string, year int) (*weijian.OrgUnit, []weijian.UnitPopulation, error)
	// UnitForest loads the whole county (or counties) around the units
	// with codes — every unit, closed ones too, with their parent
	// spells — and the county codes.
	UnitForest(ctx context.Context, codes []string) ([]TreeUnit, []string, error)
	CountRows(ctx context.Context, q RowQuery) ([]PathCount, error)
	// CountRowsUnder is one cell's count (the baseline engine's query).
	CountRowsUnder(ctx context.Context, q RowQuery, under string) (int64, error)
	// Population is one unit's population (the baseline engine's read).
	Population(ctx context.Context, sc weijian.Scope, q weijian.PopulationQuery) (*weijian.Population, error)
	// ListRows returns the persons (distinct) or events selected by q
	// whose village path starts with under, at most limit.
	ListRows(ctx context.Context, q RowQuery, under string, limit int) ([]RowPerson, error)
}

package weijian

import (
	"context"
	"time"
)

// DataValue is one reported figure of an aggregate data set (报表): the
// value of an element for an org unit, a period and an option combo
// ("sex=F;age=0-2", "" for none). Period is canonical (2024-01, 2024Q1,
// 2024). An empty Value in a batch deletes the stored value.
type DataValue struct {
	DataSet   string    `json:"dataSet"`
	Element   string    `json:"element"`
	UnitCode  string    `json:"orgUnit"`
	Period    string    `json:"period"`
	Combo     string    `json:"combo"`
	Value     string    `json:"value"`
	UpdatedBy string    `json:"updatedBy,omitempty"`
	UpdatedAt time.Time `json:"updatedAt,omitzero"`
}

// DataValueChange is one entry of a value's history: Old is empty when
// the value was created, New when it was deleted.
type DataValueChange struct {
	DataValue
	Old string    `json:"old"`
	New string    `json:"new"`
	By  string    `json:"by"`
	At  time.Time `json:"at"`
}

// DataValueFilter selects stored data values: one data set, and
// optionally periods and units (by code; the values of exactly those
// units). Empty lists select all within the caller's scope.
type DataValueFilter struct {
	DataSet   string
	Periods   []string
	UnitCodes []string
}

// Completion registers that a unit has finished reporting a data set for a
// period. A zero report is a completion with no values, made explicitly.
type Completion struct {
	DataSet     string    `json:"dataSet"`
	UnitCode    string    `json:"orgUnit"`
	Period      string    `json:"period"`
	ZeroReport  bool      `json:"zeroReport"`
	CompletedBy string    `json:"completedBy,omitempty"`
	CompletedAt time.Time `json:"completedAt,omitzero"`
}

// DataValueStore stores aggregate data values and completeness
// registrations; every call is bounded by the caller's scope.
type DataValueStore interface {
	SaveDataValues(ctx context.Context, sc Scope, actor string, vals []DataValue) (ImportSummary, error)
	DataValues(ctx context.Context, sc Scope, f DataValueFilter) ([]DataValue, error)
	DataValueHistory(ctx context.Context, sc Scope, dataset, unitCode, period string) ([]DataValueChange, error)
	SetCompletion(ctx context.Context, sc Scope, actor string, c Completion) error
	DeleteCompletion(ctx context.Context, sc Scope, actor, dataset, unitCode, period string) error
	Completions(ctx context.Context, sc Scope, dataset string, periods []string) ([]Completion, error)
	ReportingUnits(ctx context.Context, sc Scope, levels, facilityTypes []string) ([]*OrgUnit, error)
	ImportCompletions(ctx context.Context, sc Scope, cs []Completion) error
}

package weijian

import (
	"context"
	"time"
)

// Target is an annual target (任务数 for a count, 目标值 for a rate) of one
// indicator at one org unit. Value is in the indicator's own unit: a
// number of persons for a count, a percentage (90 for 90%) for a % rate.
type Target struct {
	Line      int       `json:"-"` // the file row, for messages
	Indicator string    `json:"indicator"`
	UnitCode  string    `json:"ou"`
	UnitName  string    `json:"ouName,omitempty"` // on read
	Year      int       `json:"year"`
	Value     float64   `json:"value"`
	Method    string    `json:"method,omitempty"` // how it was set: TargetEntered, TargetByPopulation, TargetByHand, TargetImported
	UpdatedBy string    `json:"updatedBy,omitempty"`
	UpdatedAt time.Time `json:"updatedAt,omitzero"`
}

// How a target was set.
const (
	TargetEntered      = "entered"    // typed in for the unit
	TargetImported     = "imported"   // from a file
	TargetByPopulation = "population" // allocated from the parent by population share
	TargetByHand       = "hand"       // allocated from the parent by hand (children checked to sum to it)
)

// TargetFilter selects stored targets. Empty fields select everything
// in the scope.
type TargetFilter struct {
	Indicators []string
	UnitCodes  []string
	Under      string // code of a unit: it and its subtree
	Year       int    // 0: every year
}

// TargetStore keeps targets. SetTargets writes a batch all or nothing:
// every unit must exist and lie in sc; a value equal to the stored one
// changes nothing (a re-import is a no-op); every change is audited.
type TargetStore interface {
	SetTargets(ctx context.Context, sc Scope, actor string, rows []Target, opt ImportOptions) (ImportSummary, error)
	Targets(ctx context.Context, sc Scope, f TargetFilter) ([]Target, error)
}

package surveil

import (
	"context"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/period"
)

// Series bases: which date a case counts on.
const (
	BasisOnset  = "onset"  // 发病日期
	BasisReport = "report" // 报告日期 (the China date of the online report)
	BasisDay    = "day"    // a syndromic source's own day
)

// SeriesKey names one daily series: an item in an area.
type SeriesKey struct {
	Item   string
	AreaID int64
}

// ReportFilter selects case reports for a list.
type ReportFilter struct {
	Disease    string
	Status     string      // "" any, active, withdrawn
	Area       string      // path prefix of the address ("" = the whole scope)
	Facility   string      // facility code
	From, To   period.Date // report date range (inclusive), zero = open
	Query      string      // patient name or card number
	Unverified bool
	Duplicates bool
	Person     int64  // cards linked to this resident (person id) …
	County     string // … in this county (the person's; uses the index)
	Limit      int
	Offset     int
}

// SaveSummary tells what a batch of cards did.
type SaveSummary struct {
	Rows       int     `json:"rows"`
	Inserted   int     `json:"inserted"`
	Updated    int     `json:"updated"`
	Unchanged  int     `json:"unchanged"`
	Withdrawn  int     `json:"withdrawn"`
	Duplicates int     `json:"duplicates"`
	IDs        []int64 `json:"ids,omitempty"`
}

// SaveOptions tune SaveReports.
type SaveOptions struct {
	// Catalogue gives each disease's duplicate window; nil loads the
	// embedded one.
	Catalogue *Catalogue
	Actor     string
	Reason    string // correction reason, for the history
	Progress  func(done, total int)
}

// HistoryEntry is one version of a card.
type HistoryEntry struct {
	Version  int
	Action   string // create, correct, withdraw, verify, import
	At       time.Time
	Actor    string
	Reason   string
	Snapshot string // JSON of the card as it was after the action
}

// SignalFilter selects signals.
type SignalFilter struct {
	Item     string
	Status   string      // "", open, or one state
	From, To period.Date // creation date range (China dates)
	Limit    int
	Offset   int
}

// Notification is an inbox entry of a user about a signal.
type Notification struct {
	ID        int64
	SignalID  int64
	CreatedAt time.Time
	ReadAt    time.Time
}

// Outgoing is a webhook delivery waiting in the outbox.
type Outgoing struct {
	CountyCode string
	ID         int64
	SignalID   int64
	Event      string
	Payload    string
	Attempts   int
}

// FacilityStat is a facility's reporting record over a period.
type FacilityStat struct {
	FacilityID   int64
	Code, Name   string
	Cards        int
	ReportTimely int
	Verified     int
	VerifyTimely int
	DaysWithCard int // days with at least one card
	ZeroDays     int // days with a zero report and no card
	Days         int // days in the period
}

// Store is what surveillance needs from storage (internal/sqlstore).
type Store interface {
	OrgUnit(ctx context.Context, sc weijian.Scope, code string) (*weijian.OrgUnit, error)
	OrgUnitByID(ctx context.Context, sc weijian.Scope, id int64) (*weijian.OrgUnit, error)
	Ancestors(ctx context.Context, sc weijian.Scope, code string) ([]*weijian.OrgUnit, error)
	Children(ctx context.Context, sc weijian.Scope, code string) ([]*weijian.OrgUnit, error)
	Subtree(ctx context.Context, sc weijian.Scope, code string, includeClosed bool) ([]*weijian.OrgUnit, error)

	// SaveReports stores a batch of resolved, valid cards in one
	// transaction: a card whose county and 卡片ID are stored replaces it as
	// a correction when it differs (or is unchanged), others are inserted;
	// the daily counts follow; possible duplicates are flagged.
	SaveReports(ctx context.Context, cards []*CaseReport, opt SaveOptions) (SaveSummary, error)
	Report(ctx context.Context, sc weijian.Scope, id int64) (*CaseReport, error)
	ReportHistory(ctx context.Context, sc weijian.Scope, id int64) ([]HistoryEntry, error)
	ListReports(ctx context.Context, sc weijian.Scope, f ReportFilter) ([]*CaseReport, int, error)
	// LinkPersons links a county's unlinked cards to the residents
	// registered since with their ID number; it returns how many it linked.
	LinkPersons(ctx context.Context, county string) (int, error)
	// CorrectReport replaces a stored card (订正) if its version is still
	// r.Version; WithdrawReport withdraws it (删除/退卡); VerifyReport
	// records the county CDC's verification (审核).
	CorrectReport(ctx context.Context, sc weijian.Scope, r *CaseReport, actor, reason string) error
	WithdrawReport(ctx context.Context, sc weijian.Scope, id int64, actor, reason string) error
	VerifyReport(ctx context.Context, sc weijian.Scope, id int64, actor string) error
	ZeroReport(ctx context.Context, facilityID int64, county string, day period.Date, actor string) error
	ZeroReports(ctx context.Context, rows []ZeroRow) error
	FacilityStats(ctx context.Context, sc weijian.Scope, from, to period.Date, c *Catalogue) ([]FacilityStat, error)

	// Counts returns the daily counts of a county's series on the days of
	// the ranges (each [from, to], inclusive).
	Counts(ctx context.Context, county, basis string, ranges [][2]period.Date) (map[SeriesKey]map[period.Date]int, error)
	// SetCounts replaces syndromic counts (basis day) in one transaction.
	SetCounts(ctx context.Context, county string, rows []CountRow) (int, error)

	SaveCandidates(ctx context.Context, cands []Candidate, notify NotifyOptions) ([]*Signal, error)
	Signals(ctx context.Context, sc weijian.Scope, f SignalFilter) ([]*Signal, int, error)
	Signal(ctx context.Context, sc weijian.Scope, id int64) (*Signal, error)
	SignalEvents(ctx context.Context, sc weijian.Scope, id int64) ([]SignalEvent, error)
	ApplySignal(ctx context.Context, sc weijian.Scope, id int64, action, actor, note string) (*Signal, error)
	// ReplaySignal dates a new signal's creation and applies past steps at
	// their times (the demo's history).
	ReplaySignal(ctx context.Context, county string, id int64, created time.Time, steps []SignalStep) (*Signal, error)
	Notifications(ctx context.Context, userID int64, unreadOnly bool) ([]Notification, error)
	MarkRead(ctx context.Context, userID, signalID int64) error
	PendingWebhooks(ctx context.Context, limit int) ([]Outgoing, error)
	WebhookDone(ctx context.Context, o Outgoing, err error) error

	AcquireLock(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	ReleaseLock(ctx context.Context, name, holder string) error
	RunDone(ctx context.Context, day period.Date) (bool, error)
	SurveilCounties(ctx context.Context) ([]string, error)
	FirstDay(ctx context.Context, county string) (period.Date, error)
	MarkRun(ctx context.Context, day period.Date, started time.Time, signals int) error
}

// CountRow is one day's count of a syndromic source in an area.
type CountRow struct {
	Line   int
	Item   string
	AreaID int64
	Day    period.Date
	N      int
}

// NotifyOptions say who hears about a new signal.
type NotifyOptions struct {
	Webhook bool // queue a webhook delivery
}

// ZeroRow is one facility's zero report (零报告) for a day.
type ZeroRow struct {
	County     string
	FacilityID int64
	Day        period.Date
	At         time.Time
	Actor      string
}

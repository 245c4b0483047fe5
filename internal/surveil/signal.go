package surveil

import (
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/period"
)

// Signal states: 生成 → 已响应 → 疑似事件/排除 → 现场调查结果 (DOMAIN.md §4.3).
const (
	SignalNew       = "new"       // 生成, not yet responded
	SignalResponded = "responded" // 已响应 (初步核实 under way)
	SignalSuspected = "suspected" // 疑似事件: field investigation needed
	SignalExcluded  = "excluded"  // 排除: closed
	SignalClosed    = "closed"    // 现场调查结果 written back: closed
)

// Signal actions.
const (
	ActRespond = "respond"
	ActSuspect = "suspect"
	ActExclude = "exclude"
	ActResult  = "result"
)

// Signal is one early-warning signal for an item (a disease or a
// syndromic source) in an area over a window of days, with its workflow.
type Signal struct {
	ID         int64
	CountyCode string
	Item       string // disease or source code
	AreaID     int64
	AreaPath   string
	AreaCode   string // filled on read
	AreaName   string // filled on read
	Method     string
	Params     string // JSON of the parameters used
	Fixed      bool   // fixed threshold (respond within 2 h) or temporal (24 h)
	WindowFrom period.Date
	WindowTo   period.Date
	Observed   float64
	Expected   float64
	Threshold  float64
	Merged     int // later alarms merged into this signal

	Status      string
	CreatedAt   time.Time
	RespondedAt time.Time
	RespondedBy string
	JudgedAt    time.Time
	JudgedBy    string
	ResultAt    time.Time
	ResultBy    string
	Result      string
	Note        string
	UpdatedAt   time.Time
}

// ResponseLimit is how soon a signal must be responded to: 2 hours for a
// fixed-threshold signal, 24 for a temporal one (DOMAIN.md §4.3).
func (s *Signal) ResponseLimit() time.Duration {
	if s.Fixed {
		return 2 * time.Hour
	}
	return 24 * time.Hour
}

// ResponseTime is how long the response took (0 while unanswered).
func (s *Signal) ResponseTime() time.Duration {
	if s.RespondedAt.IsZero() {
		return 0
	}
	return s.RespondedAt.Sub(s.CreatedAt)
}

// RespondedInTime reports a response within the limit.
func (s *Signal) RespondedInTime() bool {
	return !s.RespondedAt.IsZero() && s.ResponseTime() <= s.ResponseLimit()
}

// Open reports whether the signal still awaits a step.
func (s *Signal) Open() bool { return s.Status != SignalExcluded && s.Status != SignalClosed }

// Apply moves the signal through one workflow step done by actor at t.
// A step out of order is a conflict naming the state.
func (s *Signal) Apply(action, actor, note string, t time.Time) error {
	from := s.Status
	switch {
	case action == ActRespond && from == SignalNew:
		s.Status, s.RespondedAt, s.RespondedBy = SignalResponded, t, actor
	case (action == ActSuspect || action == ActExclude) && from == SignalResponded:
		s.Status, s.JudgedAt, s.JudgedBy = SignalSuspected, t, actor
		if action == ActExclude {
			s.Status = SignalExcluded
		}
	case action == ActResult && from == SignalSuspected:
		if note == "" {
			return weijian.Invalid(weijian.T("请填写现场调查结果", "write the result of the field investigation"))
		}
		s.Status, s.ResultAt, s.ResultBy, s.Result = SignalClosed, t, actor, note
	default:
		return weijian.E(weijian.KindConflict, weijian.T("信号当前状态为“"+StatusName(from).ZH+"”，不能执行“"+ActionName(action).ZH+"”",
			"the signal is "+StatusName(from).EN+": cannot "+ActionName(action).EN))
	}
	if note != "" && action != ActResult {
		s.Note = note
	}
	s.UpdatedAt = t
	return nil
}

// StatusName names a signal state.
func StatusName(st string) weijian.Text {
	switch st {
	case SignalNew:
		return weijian.T("待响应", "awaiting response")
	case SignalResponded:
		return weijian.T("已响应", "responded")
	case SignalSuspected:
		return weijian.T("疑似事件", "suspected event")
	case SignalExcluded:
		return weijian.T("已排除", "excluded")
	case SignalClosed:
		return weijian.T("已结案", "closed")
	}
	return weijian.T(st, st)
}

// ActionName names a workflow action.
func ActionName(a string) weijian.Text {
	switch a {
	case ActRespond:
		return weijian.T("响应（初步核实）", "respond")
	case ActSuspect:
		return weijian.T("判定为疑似事件", "judge a suspected event")
	case ActExclude:
		return weijian.T("排除", "exclude")
	case ActResult:
		return weijian.T("填报现场调查结果", "record the field result")
	case "created":
		return weijian.T("生成", "generated")
	case "merged":
		return weijian.T("合并新告警", "merged a new alarm")
	}
	return weijian.T(a, a)
}

// SignalEvent is one step in a signal's history.
type SignalEvent struct {
	At     time.Time
	Actor  string
	Action string
	Note   string
}

// SignalStep is one workflow step done by Actor at At.
type SignalStep struct {
	Action, Actor, Note string
	At                  time.Time
}

// Candidate is an alarm found by detection, before it is stored (as a new
// signal, or merged into one whose window overlaps).
type Candidate struct {
	CountyCode string
	Item       string
	AreaID     int64
	AreaPath   string
	Method     string
	Params     string
	Fixed      bool
	WindowFrom period.Date
	WindowTo   period.Date
	Observed   float64
	Expected   float64
	Threshold  float64
}

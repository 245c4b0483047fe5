package weijian

import (
	"context"
	"time"
)

// Permissions on residents' personal records (居民健康档案). Viewing shows
// identifiable fields masked; unmasking shows them in full and is audited.
const (
	PermViewResidents   Permission = "resident.view"
	PermUnmaskResidents Permission = "resident.unmask"
)

// DocType is an identity-document type of CV02.01.101 (身份证件类别代码).
// Only a 居民身份证 number is checked (GB 11643); the others are stored as
// given and flagged as unchecked.
type DocType string

// The CV02.01.101 codes.
const (
	DocIDCard       DocType = "01" // 居民身份证
	DocHousehold    DocType = "02" // 居民户口簿
	DocPassport     DocType = "03" // 护照
	DocOfficer      DocType = "04" // 军官证
	DocDriver       DocType = "05" // 驾驶证
	DocHKMacau      DocType = "06" // 港澳居民来往内地通行证
	DocTaiwan       DocType = "07" // 台湾居民来往内地通行证
	DocOther        DocType = "99" // 其他法定有效证件
	DocUnrecognised DocType = ""
)

// DocTypes names the CV02.01.101 codes.
var DocTypes = []struct {
	Code DocType
	Name Text
}{
	{DocIDCard, T("居民身份证", "resident ID card")},
	{DocHousehold, T("居民户口簿", "household register")},
	{DocPassport, T("护照", "passport")},
	{DocOfficer, T("军官证", "military officer card")},
	{DocDriver, T("驾驶证", "driving licence")},
	{DocHKMacau, T("港澳居民来往内地通行证", "Hong Kong/Macau travel permit")},
	{DocTaiwan, T("台湾居民来往内地通行证", "Taiwan travel permit")},
	{DocOther, T("其他法定有效证件", "other legal document")},
}

// ValidDocType reports whether d is a CV02.01.101 code.
func ValidDocType(d DocType) bool {
	for _, t := range DocTypes {
		if t.Code == d {
			return true
		}
	}
	return false
}

// Person is one resident in the master index (居民主索引). County is the
// 6-digit county code that binds every per-resident row (CITUS.md); a
// person is visible to a user whose scope covers the village where they
// live, or a facility that served them (see ResidentStore).
type Person struct {
	ID          int64
	County      string // 6-digit county code; never changes
	DocType     DocType
	DocNumber   string // 18-character ID number when DocType is 01
	DocChecked  bool   // the number passed the GB 11643 check
	Name        string
	Sex         int       // GB/T 2261.1: 1 male, 2 female, 0 unknown, 9 not stated
	BirthDate   time.Time // a date (UTC midnight)
	VillageID   int64     // the village org unit of the current address
	VillageCode string
	VillageName string
	VillagePath string
	Address     string // free text below the village (组, 号)
	Phone       string
	Household   string // household number (户号), shared by its members
	DoctorID    int64  // responsible doctor (a user), 0 when none
	DoctorName  string
	DeathDate   time.Time // zero while alive
	MergedInto  int64     // set when merged into another record
	SourceID    string    // record id in the system it came from (imports)
	Version     int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// AgeAt is the age in completed years on day d.
func (p *Person) AgeAt(d time.Time) int {
	b := p.BirthDate
	age := d.Year() - b.Year()
	if d.Month() < b.Month() || d.Month() == b.Month() && d.Day() < b.Day() {
		age--
	}
	return age
}

// Actor is who does something, for the audit log: the acting user's id
// and name, and the client address.
type Actor struct {
	UserID int64
	Name   string
	IP     string
}

// PersonFilter selects persons for a search. Query is an ID number (or
// its start), a phone number, a name, or pinyin initials of a name.
type PersonFilter struct {
	Query   string
	Village string // org-unit code: residents of that subtree
	// County, when set, keeps the residents registered in that county
	// (county_code): with Village, it lets the (county, village) index
	// serve a caller whose scope is every county.
	County    string
	DoctorID  int64
	Limit     int // default 50, at most 1000
	Offset    int
	WithTotal bool
}

// Duplicate is a likely duplicate found at registration, and why.
type Duplicate struct {
	Person *Person
	Reason string // "id_number" or "name_birth_village"
}

// Enrollment puts a person in a programme (项目登记/建档).
type Enrollment struct {
	ID         int64
	County     string
	PersonID   int64
	Programme  string
	EnrolledOn time.Time
	OrgUnitID  int64 // the facility (or unit) that enrolled
	OrgCode    string
	OrgPath    string
	Values     map[string]any // enrollment attributes
	EndedOn    time.Time
	EndReason  string
	SourceID   string
	CreatedAt  time.Time
}

// Event is one service given to a person (a follow-up, a check, a dose).
type Event struct {
	ID         int64
	County     string
	PersonID   int64
	Programme  string
	Stage      string
	Date       time.Time
	OrgUnitID  int64 // the facility that gave the service
	OrgCode    string
	OrgPath    string
	OrgName    string
	Values     map[string]any
	Voided     bool
	VoidReason string
	SourceID   string // the source system's record id (idempotent imports)
	Version    int
	CreatedBy  int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// EventVersion is one earlier state of an event (edit history).
type EventVersion struct {
	Version   int
	Values    map[string]any
	Date      time.Time
	Action    string // "create", "edit", "void"
	Reason    string
	ChangedBy string
	ChangedAt time.Time
}

// PersonYear is the kept-on-write status of one person in one programme
// and year, which indicators read instead of scanning events.
type PersonYear struct {
	County     string
	PersonID   int64
	Programme  string
	Year       int
	VillageID  int64
	Events     int            // events of the year, voided ones excluded
	LastDate   time.Time      // the latest event of the year
	Managed    bool           // enrolled (or served) in the year
	Standard   bool           // 规范管理: the year's schedule was met
	Controlled int            // latest reading on target: 1 yes, 0 no, -1 not applicable
	Status     string         // a programme's own status word
	Values     map[string]any // the programme's status items (internal/programme)
}

// TimelineItem is one entry of a person's timeline.
type TimelineItem struct {
	Enrollment *Enrollment
	Event      *Event
}

// WorkFilter selects a work list (随访提醒).
type WorkFilter struct {
	List     string    // which list: see WorkLists
	Unit     string    // org-unit code ("" = the caller's scope)
	DoctorID int64     // responsible doctor
	AsOf     time.Time // the day the list is for
	Limit    int
	Offset   int
}

// WorkItem is one person due or overdue on a work list.
type WorkItem struct {
	Person      *Person
	Programme   string
	Due         time.Time // when the service fell due
	LastDate    time.Time // last service in the programme, zero if none
	DaysOverdue int
}

// WorkList describes one kind of work list.
type WorkList struct {
	Key       string
	Programme string
	Name      Text
}

// WorkLists are the built-in work lists, most used first.
var WorkLists = []WorkList{
	{"hypertension_quarter", "hypertension", T("高血压患者本季度未随访", "hypertension: no follow-up this quarter")},
	{"diabetes_quarter", "diabetes", T("糖尿病患者本季度未随访", "diabetes: no follow-up this quarter")},
	{"elderly_year", "elderly", T("65岁及以上老人本年未体检", "65+ without this year's health check")},
	{"positive_followup", "", T("筛查阳性未随访", "screening positives without follow-up")},
	{"child_check", "child_health", T("儿童健康检查到期", "children due a health check")},
	{"contract_renewal", "family_doctor", T("家庭医生签约待续签", "family-doctor contracts due for renewal")},
}

// LookupWorkList returns the work list of key.
func LookupWorkList(key string) (WorkList, bool) {
	for _, w := range WorkLists {
		if w.Key == key {
			return w, true
		}
	}
	return WorkList{}, false
}

// ResidentStore keeps the resident index, enrollments and events. Every
// read takes the caller's scope: a person is visible when the scope covers
// the person's village or a facility that enrolled or served them. A
// person outside the scope is reported as not found, never as forbidden,
// so that a refusal does not reveal that the person exists.
type ResidentStore interface {
	// RegisterPerson stores a new person, refusing a second record with
	// the same document number in the county (KindConflict naming it);
	// likely duplicates by name, birth date and village are returned
	// (and the person is not stored) unless force is set.
	RegisterPerson(ctx context.Context, sc Scope, a Actor, p *Person, force bool) ([]Duplicate, error)
	Person(ctx context.Context, sc Scope, id int64) (*Person, error)
	UpdatePerson(ctx context.Context, sc Scope, a Actor, p *Person) error
	SearchPersons(ctx context.Context, sc Scope, f PersonFilter) ([]*Person, int, error)
	// MergePersons folds the record dup into keep: its enrollments and
	// events move to keep, dup is marked merged; both are audited.
	MergePersons(ctx context.Context, sc Scope, a Actor, keep, dup int64) error

	Enroll(ctx context.Context, sc Scope, a Actor, e *Enrollment) error
	Enrollments(ctx context.Context, sc Scope, personID int64) ([]*Enrollment, error)
	// RecordEvent stores an event; an event with a SourceID already
	// stored is recognised (KindConflict) and not stored twice.
	RecordEvent(ctx context.Context, sc Scope, a Actor, e *Event) error
	Event(ctx context.Context, sc Scope, id int64) (*Event, error)
	EditEvent(ctx context.Context, sc Scope, a Actor, e *Event) error
	VoidEvent(ctx context.Context, sc Scope, a Actor, id int64, reason string) error
	EventHistory(ctx context.Context, sc Scope, id int64) ([]EventVersion, error)
	Timeline(ctx context.Context, sc Scope, personID int64) ([]TimelineItem, error)
	PersonYears(ctx context.Context, sc Scope, personID int64) ([]PersonYear, error)

	WorkList(ctx context.Context, sc Scope, f WorkFilter) ([]WorkItem, int, error)
	// Audit records an entry (an unmasked view, an export).
	AuditResident(ctx context.Context, a Actor, action, target, detail string) error
}

// ProgrammeRules checks enrollments and events against a programme's
// metadata and derives the per-person-per-year status. The store calls it
// on every write; internal/programme provides it from the metadata files.
type ProgrammeRules interface {
	// Known reports whether the programme and (if not "") stage exist.
	Known(programme, stage string) bool
	CheckEnrollment(p *Person, e *Enrollment, today time.Time) []Issue
	CheckEvent(p *Person, enr *Enrollment, e *Event, today time.Time) []Issue
	YearStatus(p *Person, programme string, year int, enr []*Enrollment, events []*Event) PersonYear
}

// History is one person with their enrollments and events, as a bulk load
// (the demo, an import) hands them over. Codes name the units: the store
// resolves them.
type History struct {
	Person      *Person
	Enrollments []*Enrollment
	Events      []*Event
}

// ResidentLoader loads many residents at once. The histories are trusted
// to be valid (the caller checked them); the store resolves unit codes,
// assigns ids, keeps the year statuses and inserts in bulk, one
// transaction per call.
type ResidentLoader interface {
	ClearResidents(ctx context.Context, county string) error
	LoadResidents(ctx context.Context, hs []History) error
	// BeginBulkLoad readies the store for many LoadResidents into a
	// database nothing else uses meanwhile (the demo): indexes built
	// once at the end instead of row by row. end must be called once,
	// also after an error; it builds the indexes — telling progress,
	// when not nil, how many of how many are built — and restores the
	// normal settings.
	BeginBulkLoad(ctx context.Context, progress func(done, total int)) (end func(context.Context) error, err error)
	// AssignDoctor makes a user the responsible doctor of everyone living
	// in the subtree of the unit with code.
	AssignDoctor(ctx context.Context, unitCode string, userID int64) (int, error)
}

// PersonRow is one row of a resident import, as read from a file.
type PersonRow struct {
	Line   int
	Person Person
}

// EventRow is one row of an event import: the person by document number
// (ID number unless DocType says otherwise), the programme, stage, date,
// serving unit code and the values.
type EventRow struct {
	Line      int
	DocType   DocType
	DocNumber string
	Event     Event
}

// ResidentImportOptions tune a resident or event import.
type ResidentImportOptions struct {
	// ValidOnly imports the valid rows and reports the others; by
	// default one bad row stops the whole file (nothing is written).
	ValidOnly bool
	DryRun    bool
	Progress  func(done, total int)
}

// ResidentImportReport tells what an import did, row by row for the
// rows it refused.
type ResidentImportReport struct {
	Rows     int     `json:"rows"`
	Inserted int     `json:"inserted"`
	Existing int     `json:"existing"` // already stored under the same source id: not stored twice
	Rejected int     `json:"rejected"`
	Issues   []Issue `json:"issues,omitempty"`
}

// ResidentImporter imports residents and events in bulk.
type ResidentImporter interface {
	ImportPersons(ctx context.Context, sc Scope, a Actor, rows []PersonRow, opt ResidentImportOptions) (ResidentImportReport, error)
	ImportEvents(ctx context.Context, sc Scope, a Actor, rows []EventRow, opt ResidentImportOptions) (ResidentImportReport, error)
	ImportEnrollments(ctx context.Context, sc Scope, a Actor, rows []EnrollmentRow, opt ResidentImportOptions) (ResidentImportReport, error)
}

// EnrollmentRow is one row of an enrollment import.
type EnrollmentRow struct {
	Line       int
	DocType    DocType
	DocNumber  string
	Enrollment Enrollment
}

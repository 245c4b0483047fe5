package weijian

import (
	"context"
	"slices"
	"time"
)

// Role is what a user does; it grants permissions within the org units the
// role is granted at.
type Role string

// The built-in roles.
const (
	RoleCountyAdmin      Role = "county_admin"      // 县卫健委管理员
	RoleCountyAnalyst    Role = "county_analyst"    // 县卫健委统计分析
	RoleCDCStaff         Role = "cdc_staff"         // 疾控中心
	RoleTownshipStaff    Role = "township_staff"    // 乡镇卫生院/社区卫生服务中心
	RoleVillageDoctor    Role = "village_doctor"    // 村医
	RoleHospitalReporter Role = "hospital_reporter" // 医院报告人员
)

// Permission is one thing a role allows.
type Permission string

// Permissions.
const (
	PermViewOrgUnits   Permission = "orgunit.view"
	PermEditOrgUnits   Permission = "orgunit.edit"
	PermViewPopulation Permission = "population.view"
	PermEditPopulation Permission = "population.edit"
	PermManageUsers    Permission = "user.manage"
	PermViewAnalytics  Permission = "analytics.view"
	PermSurveillance   Permission = "surveillance.manage"
	PermRecordServices Permission = "services.record"
	PermReportCases    Permission = "cases.report"
	// PermEditTargets sets targets (任务数/目标值) within the grant's
	// subtree and allocates them down from any unit in it: a county role
	// allocates from the county, a township from its town only.
	PermEditTargets Permission = "targets.edit"
)

// RoleInfo describes a built-in role.
type RoleInfo struct {
	Role  Role
	Name  Text
	Perms []Permission
}

// Roles lists the built-in roles and their permissions, most powerful first.
var Roles = []RoleInfo{
	{RoleCountyAdmin, T("县卫健委管理员", "County administrator"), []Permission{
		PermViewOrgUnits, PermEditOrgUnits, PermViewPopulation, PermEditPopulation,
		PermManageUsers, PermViewAnalytics, PermSurveillance, PermRecordServices, PermReportCases,
		PermViewResidents, PermUnmaskResidents, PermEditTargets}},
	{RoleCountyAnalyst, T("县卫健委统计分析", "County analyst"), []Permission{
		PermViewOrgUnits, PermViewPopulation, PermViewAnalytics, PermViewResidents, PermEditTargets}},
	{RoleCDCStaff, T("疾控中心人员", "CDC staff"), []Permission{
		PermViewOrgUnits, PermViewPopulation, PermViewAnalytics, PermSurveillance}},
	{RoleTownshipStaff, T("乡镇卫生院人员", "Township health centre staff"), []Permission{
		PermViewOrgUnits, PermViewPopulation, PermViewAnalytics, PermRecordServices,
		PermViewResidents, PermUnmaskResidents, PermEditTargets}},
	{RoleVillageDoctor, T("村医", "Village doctor"), []Permission{
		PermViewOrgUnits, PermViewPopulation, PermRecordServices,
		PermViewResidents, PermUnmaskResidents}},
	{RoleHospitalReporter, T("医院报告人员", "Hospital reporter"), []Permission{
		PermViewOrgUnits, PermReportCases}},
}

// LookupRole returns the description of r, and whether it is a known role.
func LookupRole(r Role) (RoleInfo, bool) {
	for _, ri := range Roles {
		if ri.Role == r {
			return ri, true
		}
	}
	return RoleInfo{}, false
}

// Grant gives a user a role at an org unit (and its subtree). A grant with
// no unit (OrgUnitCode "") covers the whole tree.
type Grant struct {
	Role        Role   `json:"role"`
	OrgUnitCode string `json:"orgUnit,omitempty"`
	OrgUnitName string `json:"orgUnitName,omitempty"`
	OrgUnitPath string `json:"-"`
}

// User is an account. The password hash never leaves the store layer in
// API output.
type User struct {
	ID           int64     `json:"id"`
	Username     string    `json:"username"`
	DisplayName  string    `json:"displayName"`
	Phone        string    `json:"phone,omitempty"`
	Active       bool      `json:"active"`
	PasswordHash string    `json:"-"`
	Grants       []Grant   `json:"grants"`
	CreatedAt    time.Time `json:"createdAt"`
	LastLoginAt  time.Time `json:"lastLoginAt,omitzero"`
	LockedUntil  time.Time `json:"lockedUntil,omitzero"`
	// MustChangePassword is set when someone else chose the password (a
	// reset, a generated password): the user must replace it first.
	MustChangePassword bool `json:"mustChangePassword,omitempty"`
}

// Can reports whether the user holds perm through any grant.
func (u *User) Can(perm Permission) bool {
	for _, g := range u.Grants {
		if ri, ok := LookupRole(g.Role); ok && slices.Contains(ri.Perms, perm) {
			return true
		}
	}
	return false
}

// ScopeFor returns the scope in which the user holds perm: the union of the
// subtrees of the grants whose role allows it.
func (u *User) ScopeFor(perm Permission) Scope {
	var paths []string
	for _, g := range u.Grants {
		ri, ok := LookupRole(g.Role)
		if !ok || !slices.Contains(ri.Perms, perm) {
			continue
		}
		if g.OrgUnitCode == "" {
			return ScopeAll()
		}
		paths = append(paths, g.OrgUnitPath)
	}
	return ScopeOf(paths...)
}

// Session is a logged-in browser session. The token itself is never
// stored: only its hash.
type Session struct {
	ID         string // hash of the token
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

// UserFilter selects users for the admin list.
type UserFilter struct {
	Query  string // part of the username or display name
	Role   Role
	Active *bool
	// Everyone lists every account, whatever the scope: the command line
	// (the operator of the database) sets it, the web never does.
	Everyone bool
}

// LoginThrottle is the failure record of one key (a login name, a name
// from one address, or an address), kept whether or not an account of that
// name exists so that lockout does not reveal it.
type LoginThrottle struct {
	Key         string
	Failures    int
	FirstAt     time.Time
	LockedUntil time.Time
}

// AuditEntry is one line of the audit log. UserID and Actor are who acted,
// Target the account acted on (or the login name tried), UnitPath the org
// unit an entry is about (an import), for scoped readers.
type AuditEntry struct {
	ID       int64     `json:"id,omitempty"`
	At       time.Time `json:"at"`
	UserID   int64     `json:"userId,omitempty"`
	Actor    string    `json:"actor"`
	Action   string    `json:"action"`
	Target   string    `json:"target,omitempty"`
	Detail   string    `json:"detail,omitempty"`
	IP       string    `json:"ip,omitempty"`
	UnitPath string    `json:"-"`
}

// AuditCursor is where a page of audit entries ends: the next page holds
// the entries older than it (keyset paging, stable while entries are added).
type AuditCursor struct {
	At time.Time
	ID int64
}

// Cursor returns the cursor after e.
func (e AuditEntry) Cursor() AuditCursor { return AuditCursor{At: e.At, ID: e.ID} }

// AuditFilter selects audit entries: Query matches part of the actor,
// target, detail or IP; Action an exact action; newest first, at most
// Limit (default 200, at most 10,000), older than Before when it is set.
type AuditFilter struct {
	Query  string
	Action string
	Limit  int
	Before *AuditCursor
}

// UserStore keeps accounts, grants, sessions, login throttles, devices,
// API tokens and the audit log. Listing users takes the caller's scope: an
// administrator sees the users it manages (see ListUsers).
//
// The methods that change an account take the audit entries recording the
// change, and write them in the change's own transaction. Deactivating an
// account or replacing its grants fails (KindConflict) when it would leave
// no active administrator.
type UserStore interface {
	CreateUser(ctx context.Context, u *User, audit ...AuditEntry) error
	UserByName(ctx context.Context, username string) (*User, error)
	UserByID(ctx context.Context, id int64) (*User, error)
	ListUsers(ctx context.Context, sc Scope, f UserFilter) ([]*User, error)
	UpdateUser(ctx context.Context, u *User, audit ...AuditEntry) error // display name, phone, active
	SetPassword(ctx context.Context, p PasswordChange) error
	// RehashPassword replaces a hash by a stronger one of the same
	// password (nothing else changes).
	RehashPassword(ctx context.Context, userID int64, hash string) error
	SetGrants(ctx context.Context, userID int64, grants []Grant, audit ...AuditEntry) error
	RecordLogin(ctx context.Context, userID int64, at time.Time) error
	CountUsers(ctx context.Context) (int, error)

	// Throttle returns the failure record of a key: a login name, a name
	// from one address or an address (internal/auth makes the keys).
	Throttle(ctx context.Context, key string) (LoginThrottle, error)
	// RecordLoginFailure counts one failed login under key atomically
	// (concurrent failures all count), starting a new count when the
	// first failure is older than window, and returns the record.
	RecordLoginFailure(ctx context.Context, key string, now time.Time, window time.Duration) (LoginThrottle, error)
	// LockLogin locks key until the given time and resets its count.
	LockLogin(ctx context.Context, key string, until time.Time) error
	ClearThrottle(ctx context.Context, key string) error
	// LockedUntil returns the latest lock of a login name, from any
	// address or everywhere (zero when none).
	LockedUntil(ctx context.Context, username string) (time.Time, error)
	// Unlock clears every lock and count of a login name (from every
	// address) and records e, in one transaction.
	Unlock(ctx context.Context, username string, e AuditEntry) error
	// DeleteStaleThrottles forgets records with no failure since before
	// and no lock beyond it.
	DeleteStaleThrottles(ctx context.Context, before time.Time) (int, error)

	// AddDevice remembers a browser (by the hash of its cookie) that
	// logged in to the account; DeviceUser returns the account of a
	// device that has not expired (KindNotFound otherwise).
	AddDevice(ctx context.Context, id string, userID int64, now, expires time.Time) error
	DeviceUser(ctx context.Context, id string, now time.Time) (int64, error)

	CreateSession(ctx context.Context, s Session) error
	SessionByID(ctx context.Context, id string) (*Session, error)
	TouchSession(ctx context.Context, id string, at time.Time) error
	DeleteSession(ctx context.Context, id string) error
	DeleteUserSessions(ctx context.Context, userID int64) error
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error)

	CreateToken(ctx context.Context, t *APIToken, e AuditEntry) error
	Tokens(ctx context.Context, userID int64) ([]APIToken, error)
	// TokenByHash returns the token with the hash (KindNotFound if none).
	TokenByHash(ctx context.Context, hash string) (*APIToken, error)
	// RevokeToken deletes a token of the user (KindNotFound when the user
	// has no such token) and records e.
	RevokeToken(ctx context.Context, userID, id int64, e AuditEntry) error
	// TouchToken records a use of the token, and e with it when not nil.
	TouchToken(ctx context.Context, id int64, at time.Time, e *AuditEntry) error

	Audit(ctx context.Context, e AuditEntry) error
	AuditLog(ctx context.Context, sc Scope, f AuditFilter) ([]AuditEntry, error)
	AuditActions(ctx context.Context, sc Scope) ([]string, error)
}

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
		PermViewResidents, PermUnmaskResidents}},
	{RoleCountyAnalyst, T("县卫健委统计分析", "County analyst"), []Permission{
		PermViewOrgUnits, PermViewPopulation, PermViewAnalytics, PermViewResidents}},
	{RoleCDCStaff, T("疾控中心人员", "CDC staff"), []Permission{
		PermViewOrgUnits, PermViewPopulation, PermViewAnalytics, PermSurveillance}},
	{RoleTownshipStaff, T("乡镇卫生院人员", "Township health centre staff"), []Permission{
		PermViewOrgUnits, PermViewPopulation, PermViewAnalytics, PermRecordServices,
		PermViewResidents, PermUnmaskResidents}},
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
}

// LoginThrottle is the failure record of one login name, kept whether or
// not an account of that name exists so that lockout does not reveal it.
type LoginThrottle struct {
	Username    string
	Failures    int
	FirstAt     time.Time
	LockedUntil time.Time
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	At     time.Time `json:"at"`
	UserID int64     `json:"userId,omitempty"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Target string    `json:"target,omitempty"`
	Detail string    `json:"detail,omitempty"`
	IP     string    `json:"ip,omitempty"`
}

// AuditFilter selects audit entries: Query matches part of the actor,
// target, detail or IP; Action an exact action; newest first, at most
// Limit (default 200, at most 10,000).
type AuditFilter struct {
	Query  string
	Action string
	Limit  int
}

// UserStore keeps accounts, grants, sessions, login throttles and the
// audit log. Listing users takes the caller's scope: an administrator sees
// the users whose grants lie within its own scope.
type UserStore interface {
	CreateUser(ctx context.Context, u *User) error
	UserByName(ctx context.Context, username string) (*User, error)
	UserByID(ctx context.Context, id int64) (*User, error)
	ListUsers(ctx context.Context, sc Scope, f UserFilter) ([]*User, error)
	UpdateUser(ctx context.Context, u *User) error // display name, phone, active
	SetPassword(ctx context.Context, userID int64, hash string) error
	SetGrants(ctx context.Context, userID int64, grants []Grant) error
	RecordLogin(ctx context.Context, userID int64, at time.Time) error
	CountUsers(ctx context.Context) (int, error)

	Throttle(ctx context.Context, username string) (LoginThrottle, error)
	// RecordLoginFailure counts one failed login of username atomically
	// (concurrent failures all count), starting a new count when the
	// first failure is older than window, and returns the record.
	RecordLoginFailure(ctx context.Context, username string, now time.Time, window time.Duration) (LoginThrottle, error)
	// LockLogin locks username until the given time and resets its count.
	LockLogin(ctx context.Context, username string, until time.Time) error
	ClearThrottle(ctx context.Context, username string) error
	// DeleteStaleThrottles forgets records with no failure since before
	// and no lock beyond it.
	DeleteStaleThrottles(ctx context.Context, before time.Time) (int, error)

	CreateSession(ctx context.Context, s Session) error
	SessionByID(ctx context.Context, id string) (*Session, error)
	TouchSession(ctx context.Context, id string, at time.Time) error
	DeleteSession(ctx context.Context, id string) error
	DeleteUserSessions(ctx context.Context, userID int64) error
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error)

	Audit(ctx context.Context, e AuditEntry) error
	AuditLog(ctx context.Context, sc Scope, f AuditFilter) ([]AuditEntry, error)
	AuditActions(ctx context.Context, sc Scope) ([]string, error)
}

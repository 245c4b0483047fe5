package weijian

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// Level is a level of the org-unit tree. Levels are data, not a fixed
// depth: 中山市 has towns directly under the city, so a town's depth is 3
// there and 4 elsewhere. Rank orders levels from the top (province = 1);
// a unit's parent must have a smaller rank than the unit.
type Level struct {
	Key  string // "province", "city", "county", "town", "village", "facility"
	Rank int
	Name Text
}

// Built-in level keys.
const (
	LevelProvince = "province"
	LevelCity     = "city"
	LevelCounty   = "county"
	LevelTown     = "town"
	LevelVillage  = "village"
	LevelFacility = "facility"
)

// FacilityType is the kind of a health facility attached under an area.
type FacilityType struct {
	Key  string
	Name Text
}

// OrgUnit is an area (province … village) or a facility in the tree.
//
// Path is the materialised path of ids from the root, "/1/7/42/", so a
// subtree is a prefix match on every database. Codes are versioned: a unit
// keeps its id across renames; ValidTo is set when it is closed (merged,
// abolished), and ReplacedBy names its successor.
type OrgUnit struct {
	ID           int64     `json:"id"`
	Code         string    `json:"code"`
	Name         string    `json:"name"`
	Level        string    `json:"level"`
	FacilityType string    `json:"facilityType,omitempty"`
	USCC         string    `json:"uscc,omitempty"` // 统一社会信用代码
	ParentID     int64     `json:"parentId,omitempty"`
	Path         string    `json:"path"`
	Depth        int       `json:"depth"`            // 1 for a root
	Pinyin       string    `json:"pinyin,omitempty"` // initials, lower case: 海安镇 → "haz"
	ValidFrom    time.Time `json:"validFrom"`
	ValidTo      time.Time `json:"validTo,omitzero"` // zero while current
	ReplacedBy   int64     `json:"replacedBy,omitempty"`
	ChildCount   int       `json:"childCount"`
}

// Current reports whether the unit is in force (not closed).
func (u *OrgUnit) Current() bool { return u.ValidTo.IsZero() }

// IsFacility reports whether the unit is a facility rather than an area.
func (u *OrgUnit) IsFacility() bool { return u.Level == LevelFacility }

// AncestorIDs returns the ids on the unit's path above it, root first.
func (u *OrgUnit) AncestorIDs() []int64 { return PathIDs(u.Path)[:max(0, u.Depth-1)] }

// PathOf returns the materialised path of a child with id under parentPath
// ("" for a root).
func PathOf(parentPath string, id int64) string {
	if parentPath == "" {
		parentPath = "/"
	}
	return parentPath + strconv.FormatInt(id, 10) + "/"
}

// PathIDs splits a materialised path into its ids, root first.
func PathIDs(path string) []int64 {
	var ids []int64
	for _, p := range strings.Split(strings.Trim(path, "/"), "/") {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

// OrgUnitVersion is one historical state of a unit: its code, name and
// parent over [ValidFrom, ValidTo).
type OrgUnitVersion struct {
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	ParentID  int64     `json:"parentId,omitempty"`
	ValidFrom time.Time `json:"validFrom"`
	ValidTo   time.Time `json:"validTo,omitzero"`
}

// OrgUnitFilter selects units for a list or a search.
type OrgUnitFilter struct {
	Under         string // code of the unit whose subtree is searched ("" = the caller's scope)
	Query         string // part of the name, pinyin initials or code prefix
	Level         string
	FacilityType  string
	IncludeClosed bool
	Limit, Offset int
}

// OrgUnitRow is one row of an org-unit import, as read from a file.
type OrgUnitRow struct {
	Line          int // the file row, for messages
	Code          string
	Name          string
	Level         string
	ParentCode    string
	FacilityType  string
	USCC          string
	ValidFrom     time.Time // zero: the import's default
	ValidTo       time.Time // set: the unit is closed from this date
	SuccessorCode string
}

// ImportSummary tells what an import did.
type ImportSummary struct {
	Rows      int `json:"rows"`
	Inserted  int `json:"inserted"`
	Updated   int `json:"updated"`
	Closed    int `json:"closed"`
	Unchanged int `json:"unchanged"`
	// Checked counts the rows checked and not stored on their own: a
	// population file's 合计 rows, which must equal the sum of the 男 and
	// 女 (or age-band) rows beside them.
	Checked int `json:"checked,omitempty"`
}

// OrgUnitStore reads and writes the org-unit tree. Reads take the caller's
// scope: a unit is visible when it lies in a scope subtree or above one
// (ancestors are shown for orientation); see Scope.CanSeeUnit.
type OrgUnitStore interface {
	Levels(ctx context.Context) ([]Level, error)
	FacilityTypes(ctx context.Context) ([]FacilityType, error)
	OrgUnit(ctx context.Context, sc Scope, code string) (*OrgUnit, error)
	OrgUnitByID(ctx context.Context, sc Scope, id int64) (*OrgUnit, error)
	Roots(ctx context.Context, sc Scope) ([]*OrgUnit, error)
	Children(ctx context.Context, sc Scope, code string) ([]*OrgUnit, error)
	Ancestors(ctx context.Context, sc Scope, code string) ([]*OrgUnit, error)
	Subtree(ctx context.Context, sc Scope, code string, includeClosed bool) ([]*OrgUnit, error)
	SearchOrgUnits(ctx context.Context, sc Scope, f OrgUnitFilter) ([]*OrgUnit, int, error)
	OrgUnitHistory(ctx context.Context, sc Scope, code string) ([]OrgUnitVersion, error)
	ImportOrgUnits(ctx context.Context, sc Scope, rows []OrgUnitRow, opt ImportOptions) (ImportSummary, error)
}

// ImportOptions are the common options of an import.
type ImportOptions struct {
	ValidFrom time.Time // the date new names/codes take effect (default: today)
	DryRun    bool      // validate and report, write nothing
	Progress  func(done, total int)
	Actor     string // who imports, for the audit log
	// Issues are problems already found in the file (malformed cells,
	// reported by package ingest): the import reports them together with
	// its own, in one list, and writes nothing.
	Issues []Issue
}

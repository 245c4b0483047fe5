package weijian

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// OrgUnitAction is what an import does with one row.
type OrgUnitAction uint8

const (
	ActUnchanged OrgUnitAction = iota // the row matches the stored unit: nothing to do
	ActInsert                         // a new unit
	ActUpdate                         // a stored unit changes name, parent, type or USCC
	ActClose                          // a stored unit is closed (merged or abolished)
)

// PlannedUnit is one row of an import plan, in an order where every parent
// comes before its children.
type PlannedUnit struct {
	Row      OrgUnitRow
	Action   OrgUnitAction
	Existing *OrgUnit // the stored unit with the row's code, if any
	// Parent is the stored parent (nil when the parent is new in this file
	// or the unit is a root); ParentRow is the index in Plan.Units of a
	// parent that is new in this file, or -1.
	Parent    *OrgUnit
	ParentRow int
	Successor *OrgUnit // stored successor of a closed unit
	// Versioned is set when the name or parent changes: the old version is
	// closed and a new one opened at the import's date.
	Versioned bool
}

// OrgUnitPlan is a validated import, ready to write.
type OrgUnitPlan struct {
	Units   []PlannedUnit
	Summary ImportSummary
}

// OrgUnitCatalog is what planning needs from storage.
type OrgUnitCatalog struct {
	// Units are the stored units the file names, by code: the current unit
	// of a code, or the unit closed last when none is current.
	Units         map[string]*OrgUnit
	Levels        []Level
	FacilityTypes []FacilityType
	// VersionFrom is the start of each stored unit's open version: a
	// change cannot take effect before it.
	VersionFrom map[int64]time.Time
	// CurrentChildren returns the codes of a stored unit's current
	// children (a unit is closed only when none stays current). An error
	// (the database failing) stops the planning and is returned as is.
	CurrentChildren func(id int64) ([]string, error)
}

// PlanOrgUnitImport validates rows against the catalog and the caller's
// scope and returns the plan, or an Invalid error listing every problem
// with its row. Nothing about the rows is assumed: codes, levels, parents,
// order, duplicates and cycles are all checked here.
func PlanOrgUnitImport(rows []OrgUnitRow, cat OrgUnitCatalog, sc Scope, validFrom time.Time) (*OrgUnitPlan, error) {
	p := &planner{cat: cat, sc: sc, validFrom: validFrom, rank: map[string]int{}, types: map[string]bool{},
		byCode: map[string]int{}}
	for _, l := range cat.Levels {
		p.rank[l.Key] = l.Rank
	}
	for _, t := range cat.FacilityTypes {
		p.types[t.Key] = true
	}
	rows = p.resolveNames(rows)
	p.checkRows(rows)
	order := p.order(rows)
	plan := &OrgUnitPlan{Summary: ImportSummary{Rows: len(rows)}}
	newIndex := map[string]int{} // code → index in plan.Units of new units
	for _, i := range order {
		pu := p.plan(rows[i], newIndex)
		if pu.Action == ActInsert {
			newIndex[pu.Row.Code] = len(plan.Units)
		}
		plan.Units = append(plan.Units, pu)
		plan.Summary.count(pu.Action)
	}
	if p.err != nil {
		return nil, p.err
	}
	if len(p.issues.list) > 0 {
		return nil, p.issues.failure()
	}
	return plan, nil
}

func (s *ImportSummary) count(a OrgUnitAction) {
	switch a {
	case ActInsert:
		s.Inserted++
	case ActUpdate:
		s.Updated++
	case ActClose:
		s.Closed++
	default:
		s.Unchanged++
	}
}

// MaxIssues bounds the problems one import reports; more are counted.
const MaxIssues = 500

type planner struct {
	cat       OrgUnitCatalog
	sc        Scope
	validFrom time.Time
	rank      map[string]int
	types     map[string]bool
	byCode    map[string]int // code → row index (first occurrence)
	rows      []OrgUnitRow
	issues    issueList
	err       error // the first failure to read the catalog
}

func (p *planner) add(r OrgUnitRow, field, value, rule string, msg Text) {
	p.issues.add(r.Line, field, value, rule, msg)
}

// checkRows checks each row on its own and records duplicates.
func (p *planner) checkRows(rows []OrgUnitRow) {
	p.rows = rows
	for i, r := range rows {
		if j, dup := p.byCode[r.Code]; dup && r.Code != "" {
			p.add(r, "code", r.Code, "duplicate_code", T(
				fmt.Sprintf("代码重复：与第%d行相同", rows[j].Line),
				fmt.Sprintf("duplicate code: same as row %d", rows[j].Line)))
			continue
		}
		p.byCode[r.Code] = i
		p.checkRow(r)
	}
}

func (p *planner) checkRow(r OrgUnitRow) {
	if r.Name == "" {
		p.add(r, "name", "", "name_required", T("名称不能为空", "name is required"))
	} else if utf8.RuneCountInString(r.Name) > 100 {
		p.add(r, "name", r.Name, "name_too_long", T("名称超过100个字", "name longer than 100 characters"))
	}
	if _, ok := p.rank[r.Level]; !ok {
		p.add(r, "level", r.Level, "unknown_level", T(
			"未知的级别：应为 "+p.levelList(),
			"unknown level: use one of "+p.levelList()))
		return
	}
	if r.Level == LevelFacility {
		p.checkFacility(r)
	} else {
		if r.FacilityType != "" {
			p.add(r, "type", r.FacilityType, "type_on_area", T("只有机构可以填写机构类型", "only a facility has a facility type"))
		}
		if r.Code == "" {
			p.add(r, "code", "", "code_required", T("代码不能为空", "code is required"))
		} else if msg, ok := CheckDivisionCode(r.Code, r.Level); !ok {
			p.add(r, "code", r.Code, "bad_division_code", msg)
		}
	}
	if r.USCC != "" {
		if msg, ok := CheckUSCC(r.USCC); !ok {
			p.add(r, "uscc", r.USCC, "bad_uscc", msg)
		}
	}
	if !r.ValidTo.IsZero() && !r.ValidFrom.IsZero() && !r.ValidTo.After(r.ValidFrom) {
		p.add(r, "valid_to", r.ValidTo.Format(time.DateOnly), "valid_to_before_from", T("停用日期必须晚于启用日期", "valid_to must be after valid_from"))
	}
	if r.SuccessorCode != "" && r.ValidTo.IsZero() {
		p.add(r, "successor_code", r.SuccessorCode, "successor_without_close", T("填写了并入单位，但未填写停用日期", "a successor needs a valid_to date"))
	}
}

func (p *planner) checkFacility(r OrgUnitRow) {
	code := r.Code
	switch {
	case code == "":
		p.add(r, "code", "", "code_required", T("机构代码不能为空", "facility code is required"))
	case len(code) > 32:
		p.add(r, "code", code, "bad_facility_code", T("机构代码最长32位", "a facility code has at most 32 characters"))
	case isDigits(code) && (len(code) == 12 || len(code) == 6):
		p.add(r, "code", code, "facility_with_division_code", T(
			"机构不能使用6位或12位纯数字（与区划代码混淆）作为代码：请用其自有编码，如 320685100000-WS01",
			"a facility cannot use a 6- or 12-digit number (a division code): give it its own code, e.g. 320685100000-WS01"))
	case !facilityCodeOK(code):
		p.add(r, "code", code, "bad_facility_code", T("机构代码只能包含字母、数字、“-”和“_”", "a facility code has only letters, digits, '-' and '_'"))
	}
	if r.FacilityType == "" {
		p.add(r, "type", "", "type_required", T("机构类型不能为空", "a facility needs a type"))
	} else if !p.types[r.FacilityType] {
		p.add(r, "type", r.FacilityType, "unknown_facility_type", T("未知的机构类型", "unknown facility type"))
	}
}

func (p *planner) levelList() string {
	var keys []string
	for _, l := range p.cat.Levels {
		keys = append(keys, l.Key)
	}
	return strings.Join(keys, "/")
}

// facilityCodeOK reports whether a facility code uses only characters
// that are safe in URLs and file names: letters, digits, '-' and '_'.
func facilityCodeOK(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// order returns row indexes with every in-file parent before its child,
// and reports cycles among the rows' parent links.
func (p *planner) order(rows []OrgUnitRow) []int {
	const (
		unseen = iota
		active
		done
	)
	state := make([]uint8, len(rows))
	var out []int
	var visit func(i int, chain []int)
	visit = func(i int, chain []int) {
		switch state[i] {
		case done:
			return
		case active:
			p.reportCycle(rows, chain, i)
			return
		}
		state[i] = active
		if j, ok := p.byCode[rows[i].ParentCode]; ok && rows[i].ParentCode != "" && j != i {
			visit(j, append(chain, i))
		} else if rows[i].ParentCode == rows[i].Code && rows[i].Code != "" {
			p.add(rows[i], "parent_code", rows[i].ParentCode, "cycle", T("上级代码不能是自身", "a unit cannot be its own parent"))
		}
		state[i] = done
		out = append(out, i)
	}
	for i := range rows {
		if p.byCode[rows[i].Code] == i {
			visit(i, nil)
		}
	}
	return out
}

func (p *planner) reportCycle(rows []OrgUnitRow, chain []int, start int) {
	var codes []string
	for k := len(chain) - 1; k >= 0; k-- {
		codes = append(codes, rows[chain[k]].Code)
		if chain[k] == start {
			break
		}
	}
	p.add(rows[start], "parent_code", rows[start].ParentCode, "cycle", T(
		"上级关系构成循环："+strings.Join(codes, " → "),
		"the parent links form a cycle: "+strings.Join(codes, " → ")))
}

// plan decides what to do with one row, given the stored units and the
// plan decides what to do with one row, given the stored units and the
// rows planned before it.
func (p *planner) plan(r OrgUnitRow, newIndex map[string]int) PlannedUnit {
	pu := PlannedUnit{Row: r, ParentRow: -1, Existing: p.cat.Units[r.Code]}
	if e := pu.Existing; e != nil && r.ValidFrom.Equal(e.ValidFrom) {
		// The row restates when the unit began, as an export writes it:
		// that is not the date of a change, which takes the import's date.
		r.ValidFrom, pu.Row.ValidFrom = time.Time{}, time.Time{}
	}
	if pu.Existing != nil && !pu.Existing.Current() {
		pu.Action = p.closedAgain(r, pu.Existing)
		return pu
	}
	parentLevel, parentCode := p.resolveParent(r, &pu, newIndex)
	if parentCode != "" && parentLevel != "" {
		p.checkParent(r, parentLevel, parentCode)
	}
	p.resolveSuccessor(r, &pu)
	pu.Action, pu.Versioned = p.action(r, &pu)
	p.checkScope(r, &pu)
	p.checkDates(r, &pu)
	return pu
}

// closedAgain handles a row naming a closed unit: the same closing row
// again is unchanged (a re-sent file), anything else is refused, since
// codes are never reused and history is not rewritten.
func (p *planner) closedAgain(r OrgUnitRow, e *OrgUnit) OrgUnitAction {
	var succ int64
	if u := p.cat.Units[r.SuccessorCode]; u != nil {
		succ = u.ID
	}
	if r.ValidTo.Equal(e.ValidTo) && succ == e.ReplacedBy {
		return ActUnchanged
	}
	p.add(r, "code", r.Code, "code_closed", T(
		fmt.Sprintf("代码%s的单位已于%s停用：停用的代码不能再使用或修改，新设单位请使用新代码", r.Code, e.ValidTo.Format(time.DateOnly)),
		fmt.Sprintf("the unit with code %s closed on %s: a closed code is never reused or changed; give a new unit a new code", r.Code, e.ValidTo.Format(time.DateOnly))))
	return ActUnchanged
}

func (p *planner) resolveParent(r OrgUnitRow, pu *PlannedUnit, newIndex map[string]int) (level, code string) {
	if r.ParentCode == "" {
		return "", ""
	}
	if j, ok := p.byCode[r.ParentCode]; ok && !p.rows[j].ValidTo.IsZero() && r.ValidTo.IsZero() {
		p.add(r, "parent_code", r.ParentCode, "parent_closed", T("上级单位在本文件中被停用，不能再挂新的或在用的下级",
			"the parent is closed in this file: it cannot keep or take current children"))
	}
	if i, ok := newIndex[r.ParentCode]; ok {
		pu.ParentRow = i
		return p.rows[p.byCode[r.ParentCode]].Level, r.ParentCode
	}
	u := p.cat.Units[r.ParentCode]
	if j, ok := p.byCode[r.ParentCode]; ok {
		// The parent is in the file but not new: it is stored (maybe
		// updated by its own row), or it failed validation.
		if u != nil && u.Current() {
			pu.Parent = u
		}
		return p.rows[j].Level, r.ParentCode
	}
	switch {
	case u == nil:
		p.add(r, "parent_code", r.ParentCode, "unknown_parent", T(
			"上级单位不存在：既不在本文件中，也未在系统中找到",
			"unknown parent: not in this file and not stored"))
		return "", ""
	case !u.Current():
		p.add(r, "parent_code", r.ParentCode, "parent_closed", T(
			"上级单位已于"+u.ValidTo.Format(time.DateOnly)+"停用", "the parent closed on "+u.ValidTo.Format(time.DateOnly)))
		return "", ""
	}
	pu.Parent = u
	return u.Level, u.Code
}

func (p *planner) resolveSuccessor(r OrgUnitRow, pu *PlannedUnit) {
	if r.SuccessorCode == "" {
		return
	}
	pu.Successor = p.cat.Units[r.SuccessorCode]
	switch {
	case pu.Successor == nil:
		p.add(r, "successor_code", r.SuccessorCode, "unknown_successor", T("并入单位不存在（须先导入）", "successor unit does not exist (import it first)"))
	case !pu.Successor.Current():
		p.add(r, "successor_code", r.SuccessorCode, "successor_closed", T("并入单位已停用", "the successor is closed"))
	case r.SuccessorCode == r.Code:
		p.add(r, "successor_code", r.SuccessorCode, "successor_self", T("不能并入自身", "a unit cannot be its own successor"))
	}
}

func (p *planner) checkParent(r OrgUnitRow, parentLevel, parentCode string) {
	if parentLevel == LevelFacility {
		p.add(r, "parent_code", parentCode, "parent_is_facility", T("上级不能是机构：机构只能挂在区划下", "a parent cannot be a facility"))
		return
	}
	pr, ok1 := p.rank[parentLevel]
	cr, ok2 := p.rank[r.Level]
	if ok1 && ok2 && pr >= cr {
		p.add(r, "level", r.Level, "level_order", T(
			fmt.Sprintf("级别顺序错误：%s 不能挂在 %s 之下", r.Level, parentLevel),
			fmt.Sprintf("level order: a %s cannot be under a %s", r.Level, parentLevel)))
		return
	}
	if r.Level != LevelFacility && ok2 {
		if msg, ok := CheckDivisionParent(r.Code, parentCode); !ok {
			p.add(r, "code", r.Code, "code_prefix", msg)
		}
	}
}

// checkScope checks that a scoped caller changes only what it governs:
// new units under a parent it covers; changes to units it covers; and a
// move or close only of a unit whose parent it covers too (not its own
// scope root), to a destination it covers.
func (p *planner) checkScope(r OrgUnitRow, pu *PlannedUnit) {
	if p.sc.All() {
		return
	}
	deny := func(field, value string, msg Text) { p.add(r, field, value, "out_of_scope", msg) }
	e := pu.Existing
	switch {
	case e == nil && r.ParentCode == "", pu.Action != ActInsert && moved(pu) && r.ParentCode == "":
		deny("parent_code", "", T("只有全局管理员可以设置顶级单位", "only a global administrator may make a root unit"))
	case e == nil && pu.Parent != nil && !p.sc.Covers(pu.Parent.Path):
		deny("parent_code", r.ParentCode, T("无权在该上级单位下新增（不在您的管理范围内）", "the parent is outside your scope"))
	case e == nil:
	case !p.sc.Covers(e.Path):
		deny("code", r.Code, T("无权修改该单位（不在您的管理范围内）", "this unit is outside your scope"))
	case (pu.Action == ActClose || moved(pu)) && !p.sc.Covers(parentPath(e.Path)):
		deny("code", r.Code, T("无权迁移或停用您管理范围的顶层单位，请联系上级管理员", "you cannot move or close the top unit of your scope"))
	case moved(pu) && pu.Parent != nil && !p.sc.Covers(pu.Parent.Path):
		deny("parent_code", r.ParentCode, T("无权迁移到该上级单位下（不在您的管理范围内）", "the new parent is outside your scope"))
	}
}

// moved reports whether a stored unit gets another parent.
func moved(pu *PlannedUnit) bool {
	e := pu.Existing
	if e == nil {
		return false
	}
	return pu.ParentRow >= 0 || (pu.Parent == nil) != (e.ParentID == 0) || (pu.Parent != nil && pu.Parent.ID != e.ParentID)
}

// parentPath is the path of the parent of the unit at path ("" for a root).
func parentPath(path string) string {
	trimmed := strings.TrimSuffix(path, "/")
	i := strings.LastIndex(trimmed, "/")
	if i <= 0 {
		return ""
	}
	return trimmed[:i+1]
}

// checkDates keeps history in order: a change takes effect no earlier than
// the version it ends, a unit closes after it opened.
func (p *planner) checkDates(r OrgUnitRow, pu *PlannedUnit) {
	eff := r.ValidFrom
	if eff.IsZero() {
		eff = p.validFrom
	}
	switch {
	case pu.Action == ActInsert && !r.ValidTo.IsZero() && !r.ValidTo.After(eff):
		p.add(r, "valid_to", r.ValidTo.Format(time.DateOnly), "valid_to_before_from", T(
			"停用日期必须晚于启用日期（"+eff.Format(time.DateOnly)+"）", "valid_to must be after valid_from ("+eff.Format(time.DateOnly)+")"))
	case pu.Existing == nil:
	case pu.Action == ActClose && !r.ValidTo.After(p.cat.VersionFrom[pu.Existing.ID]):
		from := p.cat.VersionFrom[pu.Existing.ID].Format(time.DateOnly)
		p.add(r, "valid_to", r.ValidTo.Format(time.DateOnly), "valid_to_before_version", T(
			"停用日期必须晚于该单位当前版本的开始日期（"+from+"）", "valid_to must be after the start of the unit's current version ("+from+")"))
	case pu.Versioned && eff.Before(p.cat.VersionFrom[pu.Existing.ID]):
		from := p.cat.VersionFrom[pu.Existing.ID].Format(time.DateOnly)
		p.add(r, "valid_from", eff.Format(time.DateOnly), "valid_from_before_version", T(
			"变更生效日期早于该单位当前版本的开始日期（"+from+"）：历史不能倒改", "the change would take effect before the unit's current version began ("+from+")"))
	}
}

// action compares the row with the stored unit.
func (p *planner) action(r OrgUnitRow, pu *PlannedUnit) (OrgUnitAction, bool) {
	e := pu.Existing
	if e == nil {
		return ActInsert, false
	}
	if e.Level != r.Level {
		p.add(r, "level", r.Level, "level_change", T(
			"不能修改已有单位的级别（"+e.Level+"）：请停用后以新代码导入",
			"the level of a stored unit ("+e.Level+") cannot change: close it and import a new code"))
	}
	if !r.ValidTo.IsZero() {
		p.checkChildrenClosed(r, e)
		return ActClose, false
	}
	if moved(pu) || e.Name != r.Name {
		return ActUpdate, true
	}
	if e.FacilityType != r.FacilityType || e.USCC != r.USCC {
		return ActUpdate, false
	}
	return ActUnchanged, false
}

// checkChildrenClosed refuses to close a unit whose current children stay
// current: a child counts as leaving when the same file closes it or moves
// it to another parent, so a whole merged township closes in one file.
func (p *planner) checkChildrenClosed(r OrgUnitRow, e *OrgUnit) {
	if p.cat.CurrentChildren == nil {
		return
	}
	kids, err := p.cat.CurrentChildren(e.ID)
	if err != nil {
		if p.err == nil {
			p.err = fmt.Errorf("children of %s: %w", e.Code, err)
		}
		return
	}
	var staying []string
	for _, c := range kids {
		j, inFile := p.byCode[c]
		if inFile && (!p.rows[j].ValidTo.IsZero() || p.rows[j].ParentCode != r.Code) {
			continue
		}
		staying = append(staying, c)
	}
	if len(staying) > 0 {
		p.add(r, "valid_to", r.ValidTo.Format(time.DateOnly), "close_with_children", T(
			fmt.Sprintf("该单位仍有%d个在用的下级单位（如 %s），不能停用：请在同一文件中将下级迁移或停用", len(staying), staying[0]),
			fmt.Sprintf("the unit still has %d current children (e.g. %s): move or close them in the same file", len(staying), staying[0])))
	}
}

// resolveNames returns rows with levels and facility types given by their
// stored names ("县（区）", "Township health centre", as the web's export
// writes them) replaced by their keys.
func (p *planner) resolveNames(rows []OrgUnitRow) []OrgUnitRow {
	level, typ := map[string]string{}, map[string]string{}
	for _, l := range p.cat.Levels {
		level[l.Name.ZH], level[strings.ToLower(l.Name.EN)] = l.Key, l.Key
	}
	for _, t := range p.cat.FacilityTypes {
		typ[t.Name.ZH], typ[strings.ToLower(t.Name.EN)] = t.Key, t.Key
	}
	out := append([]OrgUnitRow(nil), rows...)
	for i, r := range out {
		if k, ok := level[strings.ToLower(r.Level)]; ok {
			out[i].Level = k
		}
		if k, ok := typ[strings.ToLower(r.FacilityType)]; ok {
			out[i].FacilityType = k
		}
	}
	return out
}

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

// OrgUnitCatalog is what planning needs from storage: the current units
// named in the file (by code), the levels and the facility types.
type OrgUnitCatalog struct {
	Units         map[string]*OrgUnit
	Levels        []Level
	FacilityTypes []FacilityType
	// HasCurrentChildren reports whether a stored unit still has current
	// children (which forbids closing it).
	HasCurrentChildren func(id int64) bool
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
	if len(p.issues) > 0 {
		return nil, p.failure()
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
	issues    []Issue
	more      int
}

func (p *planner) add(r OrgUnitRow, field, value, rule string, msg Text) {
	if len(p.issues) >= MaxIssues {
		p.more++
		return
	}
	p.issues = append(p.issues, Issue{Row: r.Line, Field: field, Value: value, Rule: rule, Msg: msg})
}

func (p *planner) failure() error {
	msg := T(fmt.Sprintf("导入未执行：发现%d处问题，请修改文件后重新导入（未写入任何数据）", len(p.issues)+p.more),
		fmt.Sprintf("nothing imported: %d problems found; fix the file and import it again (nothing was written)", len(p.issues)+p.more))
	return Invalid(msg, p.issues...)
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
		if msg, ok := CheckDivisionCode(r.Code, r.Level); !ok {
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
	case len(code) > 32 || strings.ContainsAny(code, " /\t"):
		p.add(r, "code", code, "bad_facility_code", T("机构代码最长32位，不含空格和“/”", "a facility code has at most 32 characters, no spaces or '/'"))
	case isDigits(code) && len(code) == 12:
		p.add(r, "code", code, "facility_with_division_code", T(
			"机构不能使用12位统计用区划代码作为代码：区划请用区划级别导入，机构请用其自有编码（如医疗机构代码）",
			"a facility cannot use a 12-digit division code: import areas with their level, and give facilities their own code"))
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
// rows planned before it.
func (p *planner) plan(r OrgUnitRow, newIndex map[string]int) PlannedUnit {
	pu := PlannedUnit{Row: r, ParentRow: -1, Existing: p.cat.Units[r.Code]}
	parentLevel, parentCode := p.resolveParent(r, &pu, newIndex)
	if parentCode != "" && parentLevel != "" {
		p.checkParent(r, parentLevel, parentCode)
	}
	p.checkScope(r, &pu)
	if r.SuccessorCode != "" {
		pu.Successor = p.cat.Units[r.SuccessorCode]
		if pu.Successor == nil {
			p.add(r, "successor_code", r.SuccessorCode, "unknown_successor", T("并入单位不存在（须先导入）", "successor unit does not exist (import it first)"))
		}
	}
	pu.Action, pu.Versioned = p.action(r, &pu)
	return pu
}

func (p *planner) resolveParent(r OrgUnitRow, pu *PlannedUnit, newIndex map[string]int) (level, code string) {
	if r.ParentCode == "" {
		return "", ""
	}
	if i, ok := newIndex[r.ParentCode]; ok {
		pu.ParentRow = i
		return p.rows[p.byCode[r.ParentCode]].Level, r.ParentCode
	}
	if j, ok := p.byCode[r.ParentCode]; ok {
		// The parent is in the file but not new: it is stored (maybe
		// updated by its own row), or it failed validation.
		if u := p.cat.Units[r.ParentCode]; u != nil {
			pu.Parent = u
		}
		return p.rows[j].Level, r.ParentCode
	}
	u := p.cat.Units[r.ParentCode]
	if u == nil {
		p.add(r, "parent_code", r.ParentCode, "unknown_parent", T(
			"上级单位不存在：既不在本文件中，也未在系统中找到",
			"unknown parent: not in this file and not stored"))
		return "", ""
	}
	pu.Parent = u
	return u.Level, u.Code
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

func (p *planner) checkScope(r OrgUnitRow, pu *PlannedUnit) {
	switch {
	case p.sc.All():
	case pu.Existing != nil && !p.sc.Covers(pu.Existing.Path):
		p.add(r, "code", r.Code, "out_of_scope", T("无权修改该单位（不在您的管理范围内）", "this unit is outside your scope"))
	case pu.Existing == nil && pu.Parent != nil && !p.sc.Covers(pu.Parent.Path):
		p.add(r, "parent_code", r.ParentCode, "out_of_scope", T("无权在该上级单位下新增（不在您的管理范围内）", "the parent is outside your scope"))
	case pu.Existing == nil && r.ParentCode == "":
		p.add(r, "parent_code", "", "out_of_scope", T("只有全局管理员可以新增顶级单位", "only a global administrator may add a root unit"))
	}
}

// action compares the row with the stored unit.
func (p *planner) action(r OrgUnitRow, pu *PlannedUnit) (OrgUnitAction, bool) {
	e := pu.Existing
	if e == nil {
		return ActInsert, false
	}
	if !r.ValidTo.IsZero() {
		if p.cat.HasCurrentChildren != nil && p.cat.HasCurrentChildren(e.ID) {
			p.add(r, "valid_to", r.ValidTo.Format(time.DateOnly), "close_with_children", T(
				"该单位仍有在用的下级单位，不能停用：请先将下级迁移或停用",
				"the unit still has current children: move or close them first"))
		}
		return ActClose, false
	}
	parentChanged := pu.ParentRow >= 0 || (pu.Parent == nil) != (e.ParentID == 0) ||
		(pu.Parent != nil && pu.Parent.ID != e.ParentID)
	if e.Level != r.Level {
		p.add(r, "level", r.Level, "level_change", T(
			"不能修改已有单位的级别（"+e.Level+"）：请停用后以新代码导入",
			"the level of a stored unit ("+e.Level+") cannot change: close it and import a new code"))
	}
	if parentChanged || e.Name != r.Name {
		return ActUpdate, true
	}
	if e.FacilityType != r.FacilityType || e.USCC != r.USCC {
		return ActUpdate, false
	}
	return ActUnchanged, false
}

package surveil

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/period"
	"github.com/weijian-health/weijian/internal/tabular"
)

// The case-card file a county CDC downloads from the national reporting
// system (DOMAIN.md §3.5), taken as it comes: GBK (tabular decodes it),
// blank lines before the header (tabular skips them), "." for an empty
// field, an apostrophe before 卡片ID, times to the minute, 现住地址国标 of
// 6, 8, 9 or 12 digits. The same columns (the 2019 layout) are the
// template for a county's own CSV/XLSX.

// Layout is a recognised file layout.
type Layout struct {
	Key  string
	Name weijian.Text
}

var (
	Layout2016 = Layout{"nidris-2016", weijian.T("国家传染病报告信息系统导出（2016–2018版，42列，“职业”）", "national system export, 2016–2018 layout (42 columns, 职业)")}
	Layout2019 = Layout{"nidris-2019", weijian.T("国家传染病报告信息系统导出（2019版，含患儿家长姓名、有效证件号、人群分类）", "national system export, 2019 layout (parent's name, ID number, 人群分类)")}
	Layout2025 = Layout{"nidris-2025", weijian.T("国家传染病报告信息系统导出（2025版，45列，含订正前诊断时间、删除/标注）", "national system export, 2025 layout (45 columns, pre-correction times, 删除/标注)")}
)

// cardField maps a column to a card field.
type cardField struct {
	names    []string
	required bool
	set      func(r *CaseReport, v string, p *cardParser) error
}

var cardFields = []cardField{
	{[]string{"卡片ID"}, true, func(r *CaseReport, v string, _ *cardParser) error {
		r.CardID = strings.TrimLeft(v, "'‘’` ")
		return nil
	}},
	{[]string{"卡片编号"}, false, func(r *CaseReport, v string, _ *cardParser) error { r.CardNo = v; return nil }},
	{[]string{"患者姓名"}, true, func(r *CaseReport, v string, _ *cardParser) error { r.PatientName = v; return nil }},
	{[]string{"患儿家长姓名"}, false, func(r *CaseReport, v string, _ *cardParser) error { r.ParentName = v; return nil }},
	{[]string{"有效证件号", "身份证号"}, false, func(r *CaseReport, v string, _ *cardParser) error { r.IDNumber = strings.ToUpper(v); return nil }},
	{[]string{"性别"}, true, func(r *CaseReport, v string, _ *cardParser) error {
		switch v {
		case "男", "1":
			r.Sex = 1
		case "女", "2":
			r.Sex = 2
		case "":
		default:
			return fmt.Errorf("性别应为男或女 / sex must be 男 or 女")
		}
		return nil
	}},
	{[]string{"出生日期"}, false, func(r *CaseReport, v string, _ *cardParser) error { return parseDateInto(&r.BirthDate, v) }},
	{[]string{"年龄"}, false, func(r *CaseReport, v string, _ *cardParser) error { r.AgeText = v; return nil }},
	{[]string{"患者工作单位"}, false, func(r *CaseReport, v string, _ *cardParser) error { r.WorkUnit = v; return nil }},
	{[]string{"联系电话"}, false, func(r *CaseReport, v string, _ *cardParser) error { r.Phone = v; return nil }},
	{[]string{"病人属于"}, false, func(r *CaseReport, v string, _ *cardParser) error { r.Belongs = belongsName(v); return nil }},
	{[]string{"现住地址国标"}, true, func(r *CaseReport, v string, _ *cardParser) error {
		if v != "" && (!allDigits(v) || (len(v) != 6 && len(v) != 8 && len(v) != 9 && len(v) != 12)) {
			return fmt.Errorf("现住地址国标应为6、8、9或12位数字 / the address code has 6, 8, 9 or 12 digits")
		}
		r.AddressCode = v
		return nil
	}},
	{[]string{"现住详细地址"}, false, func(r *CaseReport, v string, _ *cardParser) error { r.AddressDetail = v; return nil }},
	{[]string{"人群分类", "职业"}, true, func(r *CaseReport, v string, _ *cardParser) error { r.Occupation = occupationName(v); return nil }},
	{[]string{"病例分类"}, true, func(r *CaseReport, v string, _ *cardParser) error {
		if v == "实验室确诊病例" {
			v = "确诊病例"
		}
		r.CaseClass = v
		return nil
	}},
	{[]string{"病例分类2"}, false, func(r *CaseReport, v string, _ *cardParser) error { r.AcuteChronic = v; return nil }},
	{[]string{"发病日期"}, true, func(r *CaseReport, v string, _ *cardParser) error { return parseDateInto(&r.OnsetDate, v) }},
	{[]string{"诊断时间"}, true, func(r *CaseReport, v string, _ *cardParser) error { return parseTimeInto(&r.DiagnosedAt, v) }},
	{[]string{"死亡日期"}, false, func(r *CaseReport, v string, _ *cardParser) error { return parseDateInto(&r.DeathDate, v) }},
	{[]string{"疾病名称"}, true, func(r *CaseReport, v string, p *cardParser) error {
		if v == "" {
			return nil
		}
		d, sub := p.cat.Lookup(v)
		if d == nil {
			return fmt.Errorf("未知病种 / unknown disease")
		}
		r.Disease, r.Subtype = d.Code, sub
		if strings.HasPrefix(sub, "?") {
			return fmt.Errorf("%s没有分型“%s” / unknown subtype", d.Name, sub[1:])
		}
		return nil
	}},
	{[]string{"填卡医生"}, false, func(r *CaseReport, v string, _ *cardParser) error { r.Doctor = v; return nil }},
	{[]string{"报告单位地区编码"}, false, func(r *CaseReport, v string, _ *cardParser) error { r.FacilityArea = v; return nil }},
	{[]string{"报告单位"}, true, func(r *CaseReport, v string, _ *cardParser) error { r.FacilityName = v; return nil }},
	{[]string{"报告单位编码", "报告单位代码"}, false, func(r *CaseReport, v string, _ *cardParser) error { r.FacilityCode = v; return nil }},
	{[]string{"报告卡录入时间"}, true, func(r *CaseReport, v string, _ *cardParser) error { return parseTimeInto(&r.ReportedAt, v) }},
	{[]string{"县区审核时间"}, false, func(r *CaseReport, v string, _ *cardParser) error {
		if err := parseTimeInto(&r.VerifiedAt, v); err != nil || r.VerifiedAt.IsZero() {
			return err
		}
		r.VerifiedBy = "县区审核（国家系统）"
		return nil
	}},
	{[]string{"删除时间", "（删除/标注）时间", "(删除/标注)时间"}, false, func(r *CaseReport, v string, _ *cardParser) error {
		if v != "" {
			r.Status = StatusWithdrawn
		}
		return nil
	}},
	{[]string{"删除原因", "（删除/未纳入统计）原因", "(删除/未纳入统计)原因"}, false, func(r *CaseReport, v string, _ *cardParser) error {
		r.WithdrawReason = v
		return nil
	}},
	{[]string{"备注"}, false, func(r *CaseReport, v string, _ *cardParser) error { r.Remark = v; return nil }},
}

// knownOther are national columns read but not stored.
var knownOther = []string{"卡片状态", "订正前病种", "医生填卡日期", "单位类型", "录卡用户", "录卡用户所属单位", "地市审核时间",
	"省市审核时间", "审核状态", "订正报告时间", "订正终审时间", "终审死亡时间", "订正用户", "订正用户所属单位", "删除用户",
	"删除用户所属单位", "（删除/标注）用户", "（删除/标注）用户所属单位", "订正前诊断时间", "订正前终审时间", "实验室结果", "重症患者"}

type cardParser struct {
	cat *Catalogue
	idx []int // column index per cardFields entry, -1 if absent
}

// ParsedCards is what ReadCards found in a file.
type ParsedCards struct {
	Layout  Layout
	Cards   []*CaseReport
	Ignored []string // columns present but not used
}

// ReadCards reads the cards of a national export (or a file with its
// columns). Bad cells are reported together, with row and column.
func ReadCards(t *tabular.Table, cat *Catalogue) (*ParsedCards, error) {
	p := &cardParser{cat: cat, idx: make([]int, len(cardFields))}
	out := &ParsedCards{Layout: detectLayout(t)}
	var missing []string
	used := map[int]bool{}
	for i, f := range cardFields {
		p.idx[i] = t.Col(f.names...)
		used[p.idx[i]] = true
		if p.idx[i] < 0 && f.required {
			missing = append(missing, f.names[0])
		}
	}
	if len(missing) > 0 {
		return nil, weijian.Invalid(weijian.T(
			"无法识别为传染病报告卡文件：缺少列 "+strings.Join(missing, "、")+"（应为国家传染病报告信息系统导出的报告卡文件，2016、2019或2025版）",
			"not a case-card file: missing columns "+strings.Join(missing, ", ")+" (expected the national system's case-card export, 2016, 2019 or 2025 layout)"))
	}
	for i, h := range t.Header {
		if !used[i] && !containsStr(knownOther, strings.TrimSpace(h)) && strings.TrimSpace(h) != "" {
			out.Ignored = append(out.Ignored, h)
		}
	}
	var issues []weijian.Issue
	seen := map[string]int{}
	for _, row := range t.Rows {
		r := &CaseReport{Line: row.Line, Status: StatusActive}
		for i, f := range cardFields {
			v := cell(row, p.idx[i])
			if err := f.set(r, v, p); err != nil {
				zh, en, _ := strings.Cut(err.Error(), " / ")
				issues = append(issues, weijian.Issue{Row: row.Line, Field: t.Header[p.idx[i]], Value: weijian.Clip(v), Rule: "cell",
					Msg: weijian.T(zh, firstNonEmpty(en, zh))})
			}
		}
		if r.CardID != "" {
			if first, dup := seen[r.CardID]; dup {
				issues = append(issues, weijian.Issue{Row: row.Line, Field: "卡片ID", Value: r.CardID, Rule: "duplicate_card",
					Msg: weijian.T(fmt.Sprintf("卡片ID与第%d行重复", first), fmt.Sprintf("the same 卡片ID as row %d", first))})
			}
			seen[r.CardID] = row.Line
		} else {
			issues = append(issues, weijian.Issue{Row: row.Line, Field: "卡片ID", Rule: "required", Msg: weijian.T("卡片ID必填", "卡片ID is required")})
		}
		out.Cards = append(out.Cards, r)
	}
	if len(issues) > 0 {
		return out, weijian.Invalid(weijian.T(fmt.Sprintf("文件中有 %d 处错误，未导入任何卡片", len(issues)),
			fmt.Sprintf("the file has %d problems; no card was imported", len(issues))), issues...)
	}
	return out, nil
}

func detectLayout(t *tabular.Table) Layout {
	switch {
	case t.Col("订正前诊断时间", "（删除/标注）时间", "(删除/标注)时间") >= 0:
		return Layout2025
	case t.Col("有效证件号", "患儿家长姓名", "人群分类") >= 0:
		return Layout2019
	}
	return Layout2016
}

// cell is a trimmed cell with the national "." for empty removed.
func cell(row tabular.Row, i int) string {
	v := row.Get(i)
	if v == "." || v == "-" {
		return ""
	}
	return v
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// dateLayouts are the date forms seen: the system's and Excel's re-save.
var dateLayouts = []string{"2006-01-02", "2006/1/2", "2006-1-2", "2006/01/02", "20060102", "2006.1.2"}

func parseDateInto(d *period.Date, v string) error {
	if v == "" {
		return nil
	}
	if t, err := parseTime(v); err == nil {
		*d = period.DateOf(t)
		return nil
	}
	return fmt.Errorf("日期无法识别（应为 yyyy-MM-dd）/ not a date (yyyy-MM-dd)")
}

func parseTimeInto(t *time.Time, v string) error {
	if v == "" {
		return nil
	}
	x, err := parseTime(v)
	if err != nil {
		return fmt.Errorf("时间无法识别（应为 yyyy-MM-dd HH:mm）/ not a time (yyyy-MM-dd HH:mm)")
	}
	*t = x
	return nil
}

// parseTime reads a date or a time to the minute (or second), in China time.
func parseTime(v string) (time.Time, error) {
	v = strings.TrimSpace(strings.ReplaceAll(v, "T", " "))
	for _, dl := range dateLayouts {
		for _, tl := range []string{"", " 15:04", " 15:04:05", " 15", " 15:04:05.0"} {
			if t, err := time.ParseInLocation(dl+tl, v, China); err == nil {
				return t, nil
			}
		}
	}
	return time.Time{}, fmt.Errorf("bad time %q", v)
}

func belongsName(v string) string {
	codes := map[string]string{"1": "本县区", "2": "本市其他县区", "3": "本省其它地市", "4": "外省", "5": "港澳台", "6": "外籍", "本省其他地市": "本省其它地市"}
	if n, ok := codes[v]; ok {
		return n
	}
	return v
}

func occupationName(v string) string {
	m := map[string]string{"学生": "学生（大中小学）", "学生(大中小学)": "学生（大中小学）", "其它": "其他", "渔（船）民": "渔(船)民",
		"保育员及保姆": "保育员及保姆", "家务及待业": "家务及待业", "离退人员": "离退人员"}
	if n, ok := m[v]; ok {
		return n
	}
	return v
}

// ImportResult tells what an import of cards did.
type ImportResult struct {
	Layout  Layout
	Summary SaveSummary
	Ignored []string
	Signals []*Signal
	DryRun  bool
}

// Import reads, validates and stores a file of cards in one transaction:
// all or nothing, idempotent by county and 卡片ID (a re-sent file changes
// nothing; a changed card is stored as a correction).
func (sv *Service) Import(ctx context.Context, sc weijian.Scope, t *tabular.Table, actor string, dryRun bool, progress func(done, total int)) (*ImportResult, error) {
	parsed, err := ReadCards(t, sv.cat)
	if parsed == nil {
		return nil, err
	}
	res := &ImportResult{Layout: parsed.Layout, Ignored: parsed.Ignored, DryRun: dryRun}
	if err := sv.resolveFacilities(ctx, sc, parsed.Cards); err != nil {
		return res, err
	}
	// Cell problems and rule problems are reported together, by row.
	issues := weijian.ErrorIssues(err)
	if err := sv.check(ctx, sc, parsed.Cards, false); err != nil {
		if weijian.ErrorKind(err) != weijian.KindInvalid {
			return res, err
		}
		issues = append(issues, weijian.ErrorIssues(err)...)
	}
	if len(issues) > 0 {
		sort.SliceStable(issues, func(i, j int) bool { return issues[i].Row < issues[j].Row })
		return res, weijian.Invalid(weijian.T(fmt.Sprintf("文件中有 %d 处错误，未导入任何卡片", len(issues)),
			fmt.Sprintf("the file has %d problems; no card was imported", len(issues))), issues...)
	}
	if dryRun {
		res.Summary = SaveSummary{Rows: len(parsed.Cards)}
		return res, nil
	}
	if res.Summary, err = sv.store.SaveReports(ctx, parsed.Cards, SaveOptions{Catalogue: sv.cat, Actor: actor, Reason: "导入 import", Progress: progress}); err != nil {
		return res, err
	}
	res.Signals, err = sv.afterWrite(ctx, parsed.Cards)
	return res, err
}

// resolveFacilities turns the national file's facility names (报告单位
// within 报告单位地区编码's county) into facility codes.
func (sv *Service) resolveFacilities(ctx context.Context, sc weijian.Scope, cards []*CaseReport) error {
	byCounty := map[string]map[string]string{}
	for _, r := range cards {
		if r.FacilityCode != "" || r.FacilityName == "" {
			continue
		}
		county := r.FacilityArea
		if len(county) < 6 {
			county = r.AddressCode
		}
		if len(county) < 6 {
			continue
		}
		county = county[:6]
		names, ok := byCounty[county]
		if !ok {
			names = map[string]string{}
			units, err := sv.store.Subtree(ctx, weijian.ScopeAll(), county+"000000", false)
			if err != nil && weijian.ErrorKind(err) != weijian.KindNotFound {
				return err
			}
			for _, u := range units {
				if u.IsFacility() {
					names[u.Name] = u.Code
				}
			}
			byCounty[county] = names
		}
		r.FacilityCode = names[r.FacilityName]
		if r.FacilityCode == "" {
			r.FacilityCode = "?" + r.FacilityName
		}
	}
	return nil
}

func firstNonEmpty(a ...string) string {
	for _, s := range a {
		if s != "" {
			return s
		}
	}
	return ""
}

// Load validates and stores cards built elsewhere (the demo, a migration
// from another system) exactly as an import does: resolved, validated,
// idempotent by county and 卡片ID, all or nothing. It runs no detection.
func (sv *Service) Load(ctx context.Context, sc weijian.Scope, cards []*CaseReport, actor string) (SaveSummary, error) {
	if err := sv.check(ctx, sc, cards, false); err != nil {
		return SaveSummary{Rows: len(cards)}, err
	}
	return sv.store.SaveReports(ctx, cards, SaveOptions{Catalogue: sv.cat, Actor: actor})
}

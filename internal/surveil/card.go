package surveil

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/weijian-health/weijian"
	"github.com/weijian-health/weijian/internal/ident"
	"github.com/weijian-health/weijian/internal/period"
)

// China is the time zone of report times, dates and the daily run.
var China = time.FixedZone("CST", 8*3600)

// Card statuses.
const (
	StatusActive    = "active"    // 有效
	StatusWithdrawn = "withdrawn" // 已删除/退卡
)

// Case classes (病例分类).
var CaseClasses = []string{"疑似病例", "临床诊断病例", "确诊病例", "病原携带者", "阳性检测"}

// Occupations (人群分类, DOMAIN.md §3.4 with the NIDRIS extras).
var Occupations = []string{"幼托儿童", "散居儿童", "学生（大中小学）", "教师", "保育员及保姆", "餐饮食品业",
	"公共场所服务员", "商业服务", "医务人员", "工人", "民工", "农民", "牧民", "渔(船)民", "海员及长途驾驶员",
	"干部职员", "离退人员", "家务及待业", "其他", "不详"}

// Belongs are the values of 病人属于.
var Belongs = []string{"本县区", "本市其他县区", "本省其它地市", "外省", "港澳台", "外籍"}

// CaseReport is a 传染病报告卡 as stored: the card's fields, where it is
// bound (the patient's address and the reporting facility, each with its
// org unit), its state and its verification.
type CaseReport struct {
	Line          int `json:"-"` // the file row of an imported card, for messages
	ID            int64
	CountyCode    string // the 6-digit county of the address (Citus distribution key)
	CardID        string // 卡片ID of the national system; "" for cards entered here
	CardNo        string // 卡片编号
	Disease       string
	Subtype       string
	CaseClass     string
	AcuteChronic  string // 急性 / 慢性 / 未分类, where the disease records it
	PatientName   string
	ParentName    string
	IDNumber      string
	Sex           int // 1 男, 2 女
	BirthDate     period.Date
	AgeText       string // 年龄 as the national file gives it, when the birth date is unknown
	Occupation    string
	Belongs       string
	WorkUnit      string
	Phone         string
	AddressCode   string // the finest org-unit code the address resolves to (village, else town/county)
	AddressDetail string
	FacilityCode  string
	FacilityName  string `json:"-"` // the national file names the facility (报告单位) …
	FacilityArea  string `json:"-"` // … and its area code (报告单位地区编码); resolved to FacilityCode
	Doctor        string
	OnsetDate     period.Date
	DiagnosedAt   time.Time
	DeathDate     period.Date
	ReportedAt    time.Time // 报告卡录入时间 (online report)
	Remark        string

	// Resolved by the service.
	AddressUnitID, TownID, CountyID int64
	AddressPath, FacilityPath       string
	FacilityID                      int64
	AddressLevel                    string

	Status      string
	Version     int
	VerifiedAt  time.Time
	VerifiedBy  string
	DuplicateOf int64
	// PersonID is the resident (person) of the same county whose 居民身份证
	// number the card carries, linked by the store on every write and by
	// the daily run; 0 when none matches.
	PersonID       int64
	WithdrawReason string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// line is the card's row for messages: its file row, else i+2 (the
// row under a header).
func (r *CaseReport) line(i int) int {
	if r.Line > 0 {
		return r.Line
	}
	return i + 2
}

// Row is the card's file row, or 0.
func (r *CaseReport) Row() int { return r.Line }

// ReportTimely reports whether the card went online within its disease's
// limit after diagnosis (报告及时).
func (r *CaseReport) ReportTimely(c *Catalogue) bool {
	d := c.Disease(r.Disease)
	if d == nil || r.ReportedAt.IsZero() || r.DiagnosedAt.IsZero() {
		return false
	}
	return r.ReportedAt.Sub(r.DiagnosedAt) <= time.Duration(d.Limit(r.Subtype))*time.Hour
}

// VerifyTimely reports whether the county CDC verified the card within
// the same limit after the report (审核及时; the deadlines are
// UNCONFIRMED, DOMAIN.md §3.3).
func (r *CaseReport) VerifyTimely(c *Catalogue) bool {
	d := c.Disease(r.Disease)
	if d == nil || r.VerifiedAt.IsZero() {
		return false
	}
	return r.VerifiedAt.Sub(r.ReportedAt) <= time.Duration(d.Limit(r.Subtype))*time.Hour
}

// AgeAt is the patient's age in whole years at t (from the birth date,
// else from AgeText); -1 when unknown.
func (r *CaseReport) AgeAt(t time.Time) int {
	if !r.BirthDate.IsZero() {
		d := period.DateOf(t.In(China))
		a := d.Year - r.BirthDate.Year
		if d.Month < r.BirthDate.Month || d.Month == r.BirthDate.Month && d.Day < r.BirthDate.Day {
			a--
		}
		return a
	}
	if n, unit, ok := parseAge(r.AgeText); ok {
		if unit == "岁" {
			return n
		}
		return 0
	}
	return -1
}

// parseAge reads 年龄 text such as "45岁", "8月", "20天".
func parseAge(s string) (int, string, bool) {
	s = strings.TrimSpace(s)
	for _, u := range []string{"岁", "月", "天"} {
		if num, ok := strings.CutSuffix(s, u); ok {
			n := 0
			if _, err := fmt.Sscan(num, &n); err == nil && n >= 0 && n < 150 {
				return n, u, true
			}
		}
	}
	return 0, "", false
}

// CheckOptions tune Validate.
type CheckOptions struct {
	Row            int  // the file row, for messages (0 for a form)
	RequireVillage bool // the address must resolve to a village (a form; an import takes what the national file gives)
	Now            time.Time
}

// Validate checks a card against the catalogue and the rules of the
// national card (DOMAIN.md §3.4). The address and facility must have been
// resolved (AddressLevel, FacilityID).
func Validate(c *Catalogue, r *CaseReport, o CheckOptions) []weijian.Issue {
	v := &validator{row: o.Row}
	d := c.Disease(r.Disease)
	switch {
	case r.Disease == "":
		v.add("disease", "", "required", "请选择病种", "the disease is required")
	case d == nil:
		v.add("disease", r.Disease, "unknown_disease", "未知病种", "unknown disease")
	}
	if d != nil {
		v.subtype(d, r)
	}
	v.required("patientName", r.PatientName, "患者姓名", "patient name")
	if utf8.RuneCountInString(r.PatientName) > 50 {
		v.add("patientName", weijian.Clip(r.PatientName), "too_long", "姓名超过50个字", "the name is longer than 50 characters")
	}
	if r.Sex != 1 && r.Sex != 2 {
		v.add("sex", fmt.Sprint(r.Sex), "required", "性别应为男或女", "sex must be male or female")
	}
	if r.BirthDate.IsZero() && r.AgeText == "" {
		v.add("birthDate", "", "required", "出生日期（或实足年龄）必填", "the birth date (or age) is required")
	}
	if !slices.Contains(CaseClasses, r.CaseClass) {
		v.add("caseClass", r.CaseClass, "case_class", "病例分类应为："+strings.Join(CaseClasses, "、"), "case class must be one of "+strings.Join(CaseClasses, ", "))
	}
	if !slices.Contains(Occupations, r.Occupation) {
		v.add("occupation", r.Occupation, "occupation", "人群分类不在代码表中", "occupation is not in the code table")
	}
	if r.Belongs != "" && !slices.Contains(Belongs, r.Belongs) {
		v.add("belongs", r.Belongs, "belongs", "病人属于应为："+strings.Join(Belongs, "、"), "belongs must be one of "+strings.Join(Belongs, ", "))
	}
	if r.IDNumber != "" && len(r.IDNumber) == 18 {
		if _, err := ident.ParseIDNumber(r.IDNumber, period.DateOf(o.Now.In(China))); err != nil {
			v.add("idNumber", r.IDNumber, "id_number", "身份证号无效："+weijian.ErrorMessage(err, "zh"), "invalid ID number: "+weijian.ErrorMessage(err, "en"))
		}
	}
	v.dates(r, o.Now)
	v.age(r)
	v.place(r, o)
	return v.issues
}

type validator struct {
	row    int
	issues []weijian.Issue
}

func (v *validator) add(field, value, rule, zh, en string) {
	v.issues = append(v.issues, weijian.Issue{Row: v.row, Field: field, Value: value, Rule: rule, Msg: weijian.T(zh, en)})
}

func (v *validator) required(field, value, zh, en string) {
	if strings.TrimSpace(value) == "" {
		v.add(field, "", "required", zh+"必填", en+" is required")
	}
}

func (v *validator) subtype(d *Disease, r *CaseReport) {
	switch {
	case r.Subtype == "" && d.SubtypeRequired:
		names := make([]string, len(d.Subtypes))
		for i, s := range d.Subtypes {
			names[i] = s.Name
		}
		v.add("subtype", "", "subtype_required", d.Name+"须填写分型："+strings.Join(names, "、"), d.EN+" needs a subtype")
	case r.Subtype != "" && d.Subtype(r.Subtype) == nil:
		v.add("subtype", strings.TrimPrefix(r.Subtype, "?"), "unknown_subtype", d.Name+"没有此分型", d.EN+" has no such subtype")
	}
	if r.AcuteChronic != "" && !d.AcuteChronic && r.AcuteChronic != "未分类" {
		v.add("acuteChronic", r.AcuteChronic, "acute_chronic", d.Name+"不区分急性/慢性", d.EN+" is not classed acute or chronic")
	}
}

func (v *validator) dates(r *CaseReport, now time.Time) {
	if r.OnsetDate.IsZero() {
		v.add("onsetDate", "", "required", "发病日期必填", "the onset date is required")
	}
	if r.DiagnosedAt.IsZero() {
		v.add("diagnosedAt", "", "required", "诊断时间必填", "the diagnosis time is required")
	}
	diag := period.DateOf(r.DiagnosedAt.In(China))
	if !r.OnsetDate.IsZero() && !r.DiagnosedAt.IsZero() && r.OnsetDate.After(diag) {
		v.add("onsetDate", r.OnsetDate.String(), "onset_after_diagnosis", "发病日期晚于诊断日期", "onset is after diagnosis")
	}
	if !r.DiagnosedAt.IsZero() && !r.ReportedAt.IsZero() && r.DiagnosedAt.After(r.ReportedAt) {
		v.add("diagnosedAt", r.DiagnosedAt.In(China).Format("2006-01-02 15:04"), "diagnosis_after_report", "诊断时间晚于报告时间", "diagnosis is after the report")
	}
	if !r.BirthDate.IsZero() && !r.OnsetDate.IsZero() && r.BirthDate.After(r.OnsetDate) {
		v.add("birthDate", r.BirthDate.String(), "birth_after_onset", "出生日期晚于发病日期", "birth is after onset")
	}
	if !r.DeathDate.IsZero() && !r.OnsetDate.IsZero() && r.DeathDate.Before(r.OnsetDate) {
		v.add("deathDate", r.DeathDate.String(), "death_before_onset", "死亡日期早于发病日期", "death is before onset")
	}
	if now.IsZero() {
		return
	}
	today := period.DateOf(now.In(China))
	for _, f := range []struct {
		name string
		d    period.Date
	}{{"onsetDate", r.OnsetDate}, {"diagnosedAt", dateOr(r.DiagnosedAt)}, {"reportedAt", dateOr(r.ReportedAt)},
		{"birthDate", r.BirthDate}, {"deathDate", r.DeathDate}} {
		switch {
		case f.d.IsZero():
		case f.d.After(today):
			v.add(f.name, f.d.String(), "future_date", "日期在未来", "the date is in the future")
		case f.d.Year < 1900:
			v.add(f.name, f.d.String(), "impossible_date", "日期早于1900年", "the date is before 1900")
		}
	}
}

// dateOr is the China date of t, or the zero date.
func dateOr(t time.Time) period.Date {
	if t.IsZero() {
		return period.Date{}
	}
	return period.DateOf(t.In(China))
}

// age applies the rules that depend on the patient's age: a parent's name
// for children of 14 or under, and the occupations a child of 8 or under
// may have.
func (v *validator) age(r *CaseReport) {
	a := r.AgeAt(r.DiagnosedAt)
	if a < 0 {
		return
	}
	if a <= 14 && strings.TrimSpace(r.ParentName) == "" {
		v.add("parentName", "", "parent_required", "14岁及以下儿童须填写患儿家长姓名", "a child aged 14 or under needs a parent's name")
	}
	if a <= 8 && r.Occupation != "" && !slices.Contains([]string{"幼托儿童", "散居儿童", "学生（大中小学）", "不详"}, r.Occupation) {
		v.add("occupation", r.Occupation, "child_occupation", "8岁及以下儿童的人群分类应为幼托儿童、散居儿童或学生", "a child aged 8 or under is a nursery child, a child at home or a student")
	}
}

func (v *validator) place(r *CaseReport, o CheckOptions) {
	switch {
	case r.AddressCode == "":
		v.add("addressCode", "", "required", "现住址（区划代码）必填", "the address (division code) is required")
	case r.AddressUnitID == 0:
		v.add("addressCode", r.AddressCode, "unknown_address", "现住址区划代码不存在或不在您的范围内", "the address code is unknown or outside your scope")
	case o.RequireVillage && r.AddressLevel != weijian.LevelVillage:
		v.add("addressCode", r.AddressCode, "address_village", "现住址须填到村（社区）", "the address must name a village or community")
	}
	switch {
	case r.FacilityCode == "":
		v.add("facilityCode", "", "required", "报告单位必填", "the reporting facility is required")
	case r.FacilityID == 0:
		v.add("facilityCode", r.FacilityCode, "unknown_facility", "报告单位不存在或不在您的范围内", "the reporting facility is unknown or outside your scope")
	}
}

// DuplicateWindow is how far apart two cards of the same person and
// disease may be and still be flagged as a possible duplicate: a year for
// the chronic diseases reported once a year, 30 days otherwise.
func DuplicateWindow(d *Disease) time.Duration {
	if d != nil && d.Chronic {
		return 365 * 24 * time.Hour
	}
	return 30 * 24 * time.Hour
}

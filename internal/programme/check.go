package programme

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/weijian-health/weijian/internal/period"
)

// PersonFacts are what eligibility and rules need to know about a person.
type PersonFacts struct {
	Sex         string      // GB/T 2261.1: 0 未知, 1 男, 2 女, 9 未说明
	BirthDate   period.Date // required
	DeathDate   period.Date // zero while alive
	VillageCode string      // current-address village (12-digit division code); "" if unknown
	Permanent   bool        // 常住 resident of the county
}

// sexCodes are the GB/T 2261.1-2003 codes.
var sexCodes = map[string]string{"0": "未知的性别", "1": "男性", "2": "女性", "9": "未说明的性别"}

// Enrollment is a person's enrollment in a programme, as stored.
type Enrollment struct {
	Date    period.Date
	Attrs   map[string]any // normalized attributes (and derived values)
	EndDate period.Date    // zero while enrolled
}

// CheckEnrollment checks that person may be enrolled on date with attrs:
// the dates, the eligibility of the programme (age at date, sex,
// residence) and the attributes. It returns every problem found.
func (p *Programme) CheckEnrollment(person PersonFacts, attrs map[string]any, date period.Date) []FieldError {
	_, _, errs := p.Enroll(person, attrs, date)
	return errs
}

// Enroll is CheckEnrollment returning also the normalized attributes and
// the derived values to store.
func (p *Programme) Enroll(person PersonFacts, attrs map[string]any, date period.Date) (normalized, derived map[string]any, errs []FieldError) {
	return p.EnrollOn(person, attrs, date, p.cat.today())
}

// EnrollOn is Enroll with today given by the caller (a store that takes
// the day as a parameter) instead of the catalogue's clock.
func (p *Programme) EnrollOn(person PersonFacts, attrs map[string]any, date, today period.Date) (normalized, derived map[string]any, errs []FieldError) {
	errs = personErrors(person, today)
	if len(errs) == 0 {
		errs = append(errs, eventDateErrors("enrollment_date", func() (string, string) { return "入组日期", "Enrollment date" },
			person, date, period.Date{}, period.Date{}, today)...)
	}
	if len(errs) == 0 {
		errs = append(errs, p.Eligibility.check(person, date)...)
	}
	ctx := &evalCtx{person: person, today: today, enrollment: date}
	normalized, derived, ferrs := p.Enrollment.validate(ctx, attrs)
	return normalized, derived, append(errs, ferrs...)
}

// CheckEvent checks an event of stage s for person in enrollment enr
// (whose attributes may be typed or as read back from JSON); derived
// values among the values are ignored and recomputed. For an event dated
// eventDate it checks the date (not before enrollment or birth, not after the
// enrollment ended or the person died, not in the future), the stage's
// eligibility, every field (type, range, option code, required, shown) and
// the cross-field checks. It returns the normalized values and the derived
// ones to store, and every problem found.
func (s *Stage) CheckEvent(person PersonFacts, enr Enrollment, values map[string]any, eventDate period.Date) (normalized, derived map[string]any, errs []FieldError) {
	return s.CheckEventOn(person, enr, values, eventDate, s.prog.cat.today())
}

// CheckEventOn is CheckEvent with today given by the caller instead of the
// catalogue's clock.
func (s *Stage) CheckEventOn(person PersonFacts, enr Enrollment, values map[string]any, eventDate, today period.Date) (normalized, derived map[string]any, errs []FieldError) {
	errs = personErrors(person, today)
	if len(errs) == 0 {
		errs = append(errs, eventDateErrors("event_date", func() (string, string) { return s.Name.ZH + "日期", "Date of " + s.Name.In("en") },
			person, eventDate, enr.Date, enr.EndDate, today)...)
	}
	if len(errs) == 0 {
		errs = append(errs, s.Eligibility.check(person, eventDate)...)
	}
	ctx := &evalCtx{person: person, today: today, enrollment: enr.Date, event: eventDate, attrs: enr.Attrs, attrForm: &s.prog.Enrollment, inStage: true}
	normalized, derived, ferrs := s.validate(ctx, values)
	return normalized, derived, append(errs, ferrs...)
}

func personErrors(person PersonFacts, today period.Date) []FieldError {
	switch {
	case !person.BirthDate.IsValid():
		return []FieldError{fieldErr("birth_date", nil, "required", "缺少出生日期", "The birth date is missing")}
	case person.BirthDate.After(today):
		return []FieldError{fieldErr("birth_date", person.BirthDate, "future", "出生日期晚于今天", "The birth date is in the future")}
	case !person.DeathDate.IsZero() && person.DeathDate.Before(person.BirthDate):
		return []FieldError{fieldErr("death_date", person.DeathDate, "before_birth", "死亡日期早于出生日期", "The death date is before the birth date")}
	}
	return nil
}

// eventDateErrors checks a service date against the person's life, the
// enrollment and today. label names the date in the messages (asked for
// only when there is one).
func eventDateErrors(field string, label func() (zh, en string), person PersonFacts, d, enrolled, ended, today period.Date) []FieldError {
	if d.IsValid() && !d.After(today) && !d.Before(person.BirthDate) && (person.DeathDate.IsZero() || !d.After(person.DeathDate)) &&
		(enrolled.IsZero() || !d.Before(enrolled)) && (ended.IsZero() || !d.After(ended)) {
		return nil
	}
	zh, en := label()
	switch {
	case !d.IsValid():
		return []FieldError{fieldErr(field, nil, "required", "缺少"+zh, en+" is missing")}
	case d.After(today):
		return []FieldError{fieldErr(field, d, "future", zh+"晚于今天（"+today.String()+"）", en+" is after today ("+today.String()+")")}
	case d.Before(person.BirthDate):
		return []FieldError{fieldErr(field, d, "before_birth", zh+"早于出生日期（"+person.BirthDate.String()+"）", en+" is before the birth date ("+person.BirthDate.String()+")")}
	case !person.DeathDate.IsZero() && d.After(person.DeathDate):
		return []FieldError{fieldErr(field, d, "after_death", zh+"晚于死亡日期（"+person.DeathDate.String()+"）", en+" is after the date of death ("+person.DeathDate.String()+")")}
	case !enrolled.IsZero() && d.Before(enrolled):
		return []FieldError{fieldErr(field, d, "before_enrollment", zh+"早于入组日期（"+enrolled.String()+"）", en+" is before the enrollment date ("+enrolled.String()+")")}
	case !ended.IsZero() && d.After(ended):
		return []FieldError{fieldErr(field, d, "after_enrollment_end", zh+"晚于结案日期（"+ended.String()+"）", en+" is after the enrollment ended ("+ended.String()+")")}
	}
	return nil
}

// check applies the eligibility to person on date d.
func (e Eligibility) check(person PersonFacts, d period.Date) []FieldError {
	var errs []FieldError
	birth := person.BirthDate
	if e.MinAge != nil && d.Before(e.MinAge.From(birth)) {
		errs = append(errs, fieldErr("birth_date", birth, "eligibility_age",
			fmt.Sprintf("年龄不符：须满%s（%s时%s）", e.MinAge.Label("zh"), d, ageLabel(birth, d, "zh")),
			fmt.Sprintf("Not eligible by age: must be at least %s (%s on %s)", e.MinAge.Label("en"), ageLabel(birth, d, "en"), d)))
	}
	if e.MaxAge != nil && !d.Before(Age{e.MaxAge.N + 1, e.MaxAge.Unit}.From(birth)) {
		errs = append(errs, fieldErr("birth_date", birth, "eligibility_age",
			fmt.Sprintf("年龄不符：须不超过%s（%s时%s）", e.MaxAge.Label("zh"), d, ageLabel(birth, d, "zh")),
			fmt.Sprintf("Not eligible by age: must be at most %s (%s on %s)", e.MaxAge.Label("en"), ageLabel(birth, d, "en"), d)))
	}
	if len(e.Sex) > 0 && !contains(e.Sex, person.Sex) {
		var allowed []string
		for _, s := range e.Sex {
			allowed = append(allowed, sexCodes[s])
		}
		errs = append(errs, fieldErr("sex", person.Sex, "eligibility_sex",
			"性别不符：本项目仅限"+strings.Join(allowed, "、"), "Not eligible by sex: the programme is for sex code(s) "+strings.Join(e.Sex, ", ")))
	}
	switch {
	case e.Residence == "village" && person.VillageCode == "":
		errs = append(errs, fieldErr("village", nil, "eligibility_residence", "缺少现住址所在村（居）", "The village of the current address is unknown"))
	case e.Residence == "permanent" && !person.Permanent:
		errs = append(errs, fieldErr("village", person.VillageCode, "eligibility_residence", "本项目仅限辖区常住居民", "The programme is for permanent residents only"))
	}
	return errs
}

// ageLabel renders an age for messages: days under 2 months, months under
// 3 years, years after.
func ageLabel(birth, d period.Date, lang string) string {
	switch m := AgeMonths(birth, d); {
	case m < 2:
		return Age{d.DaysSince(birth), Days}.Label(lang)
	case m < 36:
		return Age{m, Months}.Label(lang)
	default:
		return Age{m / 12, Years}.Label(lang)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// evalCtx is what rules see besides the form's own values.
type evalCtx struct {
	person                   PersonFacts
	today, enrollment, event period.Date
	// attrs are the enrollment's attributes, restored (see Form.Restore)
	// or, when attrForm is set, as given: an attribute a rule reads is
	// then restored as attrForm restores it, and the others never are.
	attrs    map[string]any
	attrForm *Form
	inStage  bool
}

func (c *evalCtx) on() period.Date {
	if c.inStage {
		return c.event
	}
	return c.enrollment
}

// env resolves names for rules: the form's values, then the context.
func (c *evalCtx) env(values, derived map[string]any) Env {
	return func(name string) (any, bool) {
		if v, ok := values[name]; ok {
			return v, true
		}
		if v, ok := derived[name]; ok {
			return v, true
		}
		on := c.on()
		switch name {
		case "person.age":
			return float64(AgeYears(c.person.BirthDate, on)), true
		case "person.age_months":
			return float64(AgeMonths(c.person.BirthDate, on)), true
		case "person.age_days":
			return float64(on.DaysSince(c.person.BirthDate)), true
		case "person.sex":
			return c.person.Sex, true
		case "person.birth_date":
			return c.person.BirthDate, true
		case "enrollment_date":
			return c.enrollment, true
		case "event_date":
			return c.event, c.inStage
		}
		if attr, ok := strings.CutPrefix(name, "enrollment."); ok {
			v, has := c.attrs[attr]
			if has && c.attrForm != nil {
				v = c.attrForm.restoreValue(attr, v)
			}
			return v, true
		}
		return nil, true // a field of the form left blank
	}
}

// validate checks values against the form and computes the derived values.
func (f *Form) validate(ctx *evalCtx, values map[string]any) (normalized, derived map[string]any, errs []FieldError) {
	normalized, derived = make(map[string]any, len(values)), make(map[string]any, len(f.Derived))
	fields := f.Fields()
	// raw[i] is the value given for fields[i]: one look-up per value
	// given rather than one per field of the form.
	var rawBuf [32]any
	raw := rawBuf[:0]
	if len(fields) <= len(rawBuf) {
		raw = rawBuf[:len(fields)]
	} else {
		raw = make([]any, len(fields))
	}
	var unknown []string
	for k, v := range values {
		if i, ok := f.pos[k]; ok {
			raw[i] = v
		} else if !f.isDerived(k) {
			unknown = append(unknown, k)
		}
	}
	if f.dup {
		for i, fd := range fields {
			raw[i] = values[fd.Code]
		}
	}
	slices.Sort(unknown)
	for _, k := range unknown {
		errs = append(errs, fieldErr(k, values[k], "unknown_field", "表单中没有字段 "+k, "The form has no field "+k))
	}
	var failed map[string]bool // made at the first failure
	for i, fd := range fields {
		v, ferr := fd.parse(raw[i])
		if x, ok := v.(float64); ok && fd.Decimals > 0 {
			p := math.Pow(10, float64(fd.Decimals))
			v = math.Round(x*p) / p
		}
		if ferr == nil && v != nil {
			ferr = fd.checkRange(v, ctx)
		}
		if ferr != nil {
			if failed == nil {
				failed = map[string]bool{}
			}
			failed[fd.Code] = true
			errs = append(errs, *ferr)
			continue
		}
		if v == nil && fd.Type == Bool {
			v = false // a yes/no box left blank means no, as on the paper forms
		}
		if v != nil {
			normalized[fd.Code] = v
		}
	}
	env := ctx.env(normalized, derived)
	for _, dv := range f.Derived {
		v, err := dv.Expr.Eval(env)
		if err != nil {
			errs = append(errs, fieldErr(dv.Code, nil, "rule_error", "派生值计算失败："+err.Error(), "Derived value failed: "+err.Error()))
			continue
		}
		if v = dv.convert(v); v != nil {
			derived[dv.Code] = v
		}
	}
	errs = append(errs, f.presence(env, normalized, failed)...)
	for _, ck := range f.Checks {
		v, err := ck.Expr.Eval(env)
		if err != nil {
			errs = append(errs, fieldErr(ck.Field, normalized[ck.Field], "rule_error", "规则计算失败："+err.Error(), "Rule failed: "+err.Error()))
		} else if v == false {
			errs = append(errs, FieldError{Field: ck.Field, Value: quote(display(normalized[ck.Field])), Rule: "check:" + ck.Code, Msg: ck.Message})
		}
	}
	return normalized, derived, errs
}

// isDerived reports whether k is a derived value of the form: a stored
// event sent back for an edit carries them, and they are recomputed.
func (f *Form) isDerived(k string) bool {
	for _, dv := range f.Derived {
		if dv.Code == k {
			return true
		}
	}
	return false
}

// presence applies required, required_when and show_when. A field that
// failed to parse already has its error and is not also "required".
func (f *Form) presence(env Env, normalized map[string]any, failed map[string]bool) []FieldError {
	var errs []FieldError
	for _, fd := range f.Fields() {
		v, has := normalized[fd.Code]
		if fd.ShowWhen != nil {
			if shown, _ := fd.ShowWhen.Eval(env); shown != true {
				if has && v == false {
					delete(normalized, fd.Code) // a blank or "no" yes/no box that does not apply
				} else if has {
					errs = append(errs, fieldErr(fd.Code, display(v), "not_applicable",
						fd.Label.ZH+"不适用（条件："+fd.ShowWhen.String()+"），应留空",
						fd.labelEN()+" does not apply (condition: "+fd.ShowWhen.String()+") and must be left blank"))
				}
				continue
			}
		}
		if has {
			continue
		}
		req := fd.Required
		if !req && fd.RequiredWhen != nil {
			r, _ := fd.RequiredWhen.Eval(env)
			req = r == true
		}
		if req && !failed[fd.Code] {
			errs = append(errs, fieldErr(fd.Code, nil, "required", fd.Label.ZH+"为必填项", fd.labelEN()+" is required"))
		}
	}
	return errs
}

// checkRange applies min/max (numbers), length (text) and date bounds.
func (fd *Field) checkRange(v any, ctx *evalCtx) *FieldError {
	switch x := v.(type) {
	case int64:
		return fd.checkNum(float64(x))
	case float64:
		return fd.checkNum(x)
	case string:
		if fd.Type == Text && len([]rune(x)) > fd.MaxLen {
			e := fieldErr(fd.Code, x, "length", fmt.Sprintf("%s不能超过%d个字", fd.Label.ZH, fd.MaxLen), fmt.Sprintf("%s is longer than %d characters", fd.labelEN(), fd.MaxLen))
			return &e
		}
	case period.Date:
		return fd.checkDate(x, ctx)
	}
	return nil
}

func (fd *Field) checkNum(x float64) *FieldError {
	unit := ""
	if fd.Unit != "" {
		unit = fd.Unit
	}
	if fd.Min != nil && x < *fd.Min {
		e := fieldErr(fd.Code, fmtNum(x), "min", fmt.Sprintf("%s不能小于%s%s", fd.Label.ZH, fmtNum(*fd.Min), unit), fmt.Sprintf("%s must be at least %s %s", fd.labelEN(), fmtNum(*fd.Min), unit))
		return &e
	}
	if fd.Max != nil && x > *fd.Max {
		e := fieldErr(fd.Code, fmtNum(x), "max", fmt.Sprintf("%s不能大于%s%s", fd.Label.ZH, fmtNum(*fd.Max), unit), fmt.Sprintf("%s must be at most %s %s", fd.labelEN(), fmtNum(*fd.Max), unit))
		return &e
	}
	return nil
}

func (fd *Field) checkDate(d period.Date, ctx *evalCtx) *FieldError {
	bound := func(b string) (period.Date, string) {
		switch b {
		case "birth":
			return ctx.person.BirthDate, "出生日期"
		case "enrollment":
			return ctx.enrollment, "入组日期"
		case "event":
			return ctx.on(), "服务日期"
		case "today":
			return ctx.today, "今天"
		}
		x, _ := period.ParseDate(b)
		return x, b
	}
	if fd.MinDate != "" {
		if lo, name := bound(fd.MinDate); lo.IsValid() && d.Before(lo) {
			e := fieldErr(fd.Code, d, "date_min", fd.Label.ZH+"不能早于"+name+"（"+lo.String()+"）", fd.labelEN()+" must not be before "+fd.MinDate+" ("+lo.String()+")")
			return &e
		}
	}
	if fd.MaxDate != "" {
		if hi, name := bound(fd.MaxDate); hi.IsValid() && d.After(hi) {
			e := fieldErr(fd.Code, d, "date_max", fd.Label.ZH+"不能晚于"+name+"（"+hi.String()+"）", fd.labelEN()+" must not be after "+fd.MaxDate+" ("+hi.String()+")")
			return &e
		}
	}
	return nil
}

// convert brings an evaluator result to the derived value's type; a
// value of another type is dropped (unknown).
func (dv *Derived) convert(v any) any {
	switch dv.Type {
	case Int:
		if f, ok := v.(float64); ok {
			return int64(math.Round(f))
		}
	case Number:
		if f, ok := v.(float64); ok {
			return f
		}
	case Bool:
		if b, ok := v.(bool); ok {
			return b
		}
	case Text:
		if s, ok := v.(string); ok {
			return s
		}
	case Date:
		if d, ok := v.(period.Date); ok {
			return d
		}
	}
	return nil
}

func fmtNum(x float64) string { return strings.TrimSuffix(fmt.Sprintf("%g", x), ".0") }

func display(v any) any {
	if f, ok := v.(float64); ok {
		return fmtNum(f)
	}
	return v
}

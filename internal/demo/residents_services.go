package demo

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/weijian-health/weijian"
)

// facilityIndex finds the unit that serves a resident: the village
// clinic (or community station) of the village, the township health
// centre, and the county's maternal and child health centre and hospital.
type facilityIndex struct {
	local    map[string]string // village or town code → its own facility
	county   string
	mch      string
	hospital string
}

func indexFacilities(b *built) facilityIndex {
	fi := facilityIndex{local: map[string]string{}, county: b.tree.County.Code}
	for _, f := range b.facilities {
		switch f.FacilityType {
		case "mch":
			fi.mch = f.Code
		case "county_hospital":
			fi.hospital = f.Code
		}
		if _, ok := fi.local[f.ParentCode]; !ok {
			fi.local[f.ParentCode] = f.Code
		}
	}
	for _, c := range []*string{&fi.mch, &fi.hospital} {
		if *c == "" {
			*c = fi.county
		}
	}
	return fi
}

// village returns the village's own clinic, or its town's centre.
func (fi facilityIndex) village(u popUnit) string {
	if u.Village != nil {
		if c, ok := fi.local[u.Village.Row.Code]; ok {
			return c
		}
	}
	return fi.town(u)
}

func (fi facilityIndex) town(u popUnit) string {
	if c, ok := fi.local[u.Town.Row.Code]; ok {
		return c
	}
	return fi.county
}

// hist collects one person's services.
type hist struct {
	g   *residentGen
	h   *weijian.History
	u   popUnit
	rng *rand.Rand
}

func (x *hist) alive(d time.Time) bool {
	p := x.h.Person
	return !d.Before(p.BirthDate) && d.Before(x.g.today) && (p.DeathDate.IsZero() || !d.After(p.DeathDate))
}

func (x *hist) age(d time.Time) int { return x.h.Person.AgeAt(d) }

func (x *hist) enroll(prog string, on time.Time, org string, vals map[string]any) {
	x.h.Enrollments = append(x.h.Enrollments, &weijian.Enrollment{Programme: prog, EnrolledOn: on, OrgCode: org, Values: vals})
	x.g.count(prog).EnrolledPersons++
}

// event records a service on d if the person was alive then (and d is
// past); it reports whether it did.
func (x *hist) event(prog, stage string, d time.Time, org string, vals map[string]any) bool {
	if !x.alive(d) || d.Year() < x.g.first {
		return false
	}
	x.h.Events = append(x.h.Events, &weijian.Event{Programme: prog, Stage: stage, Date: d, OrgCode: org, Values: vals})
	x.g.count(prog).Events++
	return true
}

func (g *residentGen) count(prog string) *ProgrammeCount {
	c, ok := g.counts[prog]
	if !ok {
		c = &ProgrammeCount{Code: prog}
		g.counts[prog] = c
	}
	return c
}

// rate counts one person towards a generated rate.
func (g *residentGen) rate(key string, name weijian.Text, target float64, hit bool) {
	r, ok := g.rates[key]
	if !ok {
		r = &Rate{Name: name, TargetPct: target}
		g.rates[key] = r
	}
	r.Den++
	if hit {
		r.Num++
	}
}

// services builds every programme history of a person.
func (g *residentGen) services(p *weijian.Person, u popUnit, rng *rand.Rand) weijian.History {
	x := &hist{g: g, h: &weijian.History{Person: p}, u: u, rng: rng}
	x.chronic("hypertension", hypertensionPrevalence, 0.42, 0.885)
	x.chronic("diabetes", diabetesPrevalence, 0.40, 0.8756)
	x.mental()
	x.elderly()
	x.children()
	x.vaccination()
	x.women()
	x.familyDoctor()
	for prog := range programmesOf(*x.h) {
		g.count(prog).Persons++
	}
	g.sum.Enrollments += len(x.h.Enrollments)
	g.sum.Events += len(x.h.Events)
	return *x.h
}

func programmesOf(h weijian.History) map[string]bool {
	out := map[string]bool{}
	for _, e := range h.Enrollments {
		out[e.Programme] = true
	}
	for _, e := range h.Events {
		out[e.Programme] = true
	}
	return out
}

// hypertensionPrevalence is by age: Jiangsu's adult 28.9% (DOMAIN.md §12)
// spread over ages 35 and over, rising with age.
func hypertensionPrevalence(age int) float64 {
	switch {
	case age < 35:
		return 0
	case age < 45:
		return 0.10
	case age < 55:
		return 0.22
	case age < 65:
		return 0.35
	case age < 75:
		return 0.48
	}
	return 0.55
}

// diabetesPrevalence follows the national adult 11.9%, rising with age.
func diabetesPrevalence(age int) float64 {
	switch {
	case age < 35:
		return 0
	case age < 45:
		return 0.04
	case age < 55:
		return 0.08
	case age < 65:
		return 0.13
	}
	return 0.16
}

// chronic builds a hypertension or diabetes patient: enrolled (managed)
// with probability managed among the prevalent, then each year managed
// to the standard (a follow-up every quarter) with probability standard,
// otherwise 1–3 quarters missed; an annual check in 80% of years.
func (x *hist) chronic(prog string, prevalence func(int) float64, managed, standard float64) {
	ref := x.g.today
	if d := x.h.Person.DeathDate; !d.IsZero() {
		ref = d
	}
	if x.rng.Float64() >= prevalence(x.age(ref))*managed {
		return
	}
	earliest := x.h.Person.BirthDate.AddDate(35, 0, 0)
	if y := time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC); earliest.Before(y) {
		earliest = y
	}
	span := int(ref.Sub(earliest).Hours()/24) - 30
	if span <= 0 {
		return
	}
	on := earliest.AddDate(0, 0, x.rng.IntN(span))
	org := x.g.fac.village(x.u)
	x.enroll(prog, on, org, map[string]any{"diagnosis_date": on.AddDate(0, 0, -x.rng.IntN(60)).Format(time.DateOnly)})
	controlled := x.rng.Float64() < 0.72
	for y := x.g.first; y <= x.g.today.Year(); y++ {
		std := x.rng.Float64() < standard
		skip := -1
		if !std {
			skip = x.rng.IntN(4)
		}
		done := 0
		for q := range 4 {
			if q == skip || !std && x.rng.Float64() < 0.3 {
				continue
			}
			d := time.Date(y, time.Month(3*q+1), 1+x.rng.IntN(28), 0, 0, 0, 0, time.UTC).AddDate(0, x.rng.IntN(3), 0)
			if d.Before(on) {
				continue
			}
			if x.event(prog, "followup", d, org, x.followupValues(prog, d, controlled)) {
				done++
			}
		}
		if y < x.g.today.Year() && !on.After(time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)) && x.alive(time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)) {
			x.g.rate(prog+"_standard", weijian.T(programmeLabel(prog)+"规范管理率", prog+" managed to standard"), standard*100, done == 4)
		}
		if x.rng.Float64() < 0.8 {
			d := time.Date(y, time.Month(4+x.rng.IntN(6)), 1+x.rng.IntN(28), 0, 0, 0, 0, time.UTC)
			if !d.Before(on) {
				x.event(prog, "annual_check", d, x.g.fac.town(x.u), x.bp(controlled, d))
			}
		}
	}
}

func programmeLabel(prog string) string {
	switch prog {
	case "hypertension":
		return "高血压"
	case "diabetes":
		return "糖尿病"
	}
	return prog
}

// bp draws a blood pressure: on target or not (the 65+ target is 150).
func (x *hist) bp(controlled bool, d time.Time) map[string]any {
	sbp, dbp := 118+x.rng.IntN(20), 68+x.rng.IntN(18)
	if !controlled && x.rng.Float64() < 0.8 {
		sbp, dbp = 152+x.rng.IntN(24), 86+x.rng.IntN(18)
	}
	return map[string]any{"sbp": sbp, "dbp": dbp, "weight": math.Round((50+x.rng.Float64()*30)*10) / 10,
		"height": float64(150 + x.rng.IntN(30))}
}

func (x *hist) followupValues(prog string, d time.Time, controlled bool) map[string]any {
	v := x.bp(controlled, d)
	v["method"] = pick(x.rng, []string{"1", "1", "1", "2", "2", "3"})
	v["drug_compliance"] = pick(x.rng, []string{"1", "1", "1", "1", "1", "1", "2", "2", "3"})
	ok := v["sbp"].(int) < 140 && v["dbp"].(int) < 90
	if prog == "diabetes" {
		g := 5.0 + x.rng.Float64()*1.9
		if !controlled && x.rng.Float64() < 0.8 {
			g = 7.2 + x.rng.Float64()*5
		}
		v["fasting_glucose"] = math.Round(g*10) / 10
		ok = g < 7
	}
	v["followup_class"] = "1"
	if !ok {
		v["followup_class"] = "2"
	}
	v["referral"] = false
	// The derived values the metadata computes on entry (stored with the
	// answers): 血压控制 (65+: below 150/90) and 血糖控制.
	limit := 140
	if x.age(d) >= 65 {
		limit = 150
	}
	v["bp_controlled"] = v["sbp"].(int) < limit && v["dbp"].(int) < 90
	if prog == "diabetes" {
		v["glucose_controlled"] = v["fasting_glucose"].(float64) < 7
	}
	return v
}

func pick(rng *rand.Rand, list []string) string { return list[rng.IntN(len(list))] }

// mental registers the 4.2‰ of people aged 15+ with a severe mental
// disorder: followed up every quarter (90% of years to the standard).
func (x *hist) mental() {
	if x.age(x.g.today) < 15 || x.rng.Float64() >= 0.0042 {
		return
	}
	on := time.Date(2010+x.rng.IntN(x.g.today.Year()-2010), time.Month(1+x.rng.IntN(12)), 1+x.rng.IntN(28), 0, 0, 0, 0, time.UTC)
	if on.Before(x.h.Person.BirthDate.AddDate(15, 0, 0)) {
		on = x.h.Person.BirthDate.AddDate(15, 0, 0)
	}
	org := x.g.fac.town(x.u)
	diag := pick(x.rng, []string{"1", "1", "1", "1", "2", "3", "4", "4", "5", "6"})
	x.enroll("mental_disorder", on, org, map[string]any{"diagnosis": diag})
	for y := x.g.first; y <= x.g.today.Year(); y++ {
		std := x.rng.Float64() < 0.9
		// A year to the standard has its follow-ups at most 3 months apart
		// (the programme's max_gap): the first in January or February, each
		// next one 80–87 days later.
		d := time.Date(y, time.Month(1+x.rng.IntN(2)), 1+x.rng.IntN(28), 0, 0, 0, 0, time.UTC)
		for q := range 4 {
			if q > 0 {
				d = d.AddDate(0, 0, 80+x.rng.IntN(8))
			}
			if !std && x.rng.Float64() < 0.4 {
				continue
			}
			if !d.Before(on) {
				drugs := pick(x.rng, []string{"1", "1", "1", "1", "1", "1", "2", "3"})
				x.event("mental_disorder", "followup", d, org, map[string]any{"risk_level": pick(x.rng, []string{"0", "0", "0", "1", "1", "2"}),
					"drug_compliance": drugs, "regular_drugs": drugs == "1", "followup_class": "3", "stable": true})
			}
		}
	}
}

// elderly gives people aged 65+ the annual check (70% a year) and, with
// it, TCM health management (90% of those checked).
func (x *hist) elderly() {
	for y := x.g.first; y <= x.g.today.Year(); y++ {
		d := time.Date(y, time.Month(3+x.rng.IntN(8)), 1+x.rng.IntN(28), 0, 0, 0, 0, time.UTC)
		if x.age(time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)) < 65 {
			continue
		}
		checked := x.rng.Float64() < 0.70 && x.event("elderly", "annual_check", d, x.g.fac.town(x.u), x.bp(x.rng.Float64() < 0.7, d))
		if checked && x.rng.Float64() < 0.9 {
			x.event("elderly", "tcm", d, x.g.fac.town(x.u), map[string]any{"constitution": pick(x.rng, []string{"1", "2", "3", "4", "5"})})
		}
		if y < x.g.today.Year() && x.alive(time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)) {
			x.g.rate("elderly", weijian.T("老年人健康管理率", "older people's health management"), 70, checked)
		}
	}
}

// childChecks are the ages in months of the 0–6 checks ("4-2-1").
var childChecks = []int{3, 6, 8, 12, 18, 24, 30, 36, 48, 60, 72}

// children gives the under-7s their newborn visit and checks (95% each),
// newborn screenings for the births since the first year, autism
// screening at 18, 24 and 36 months, and oral care.
func (x *hist) children() {
	b := x.h.Person.BirthDate
	if x.age(x.g.today) > 7 {
		return
	}
	town := x.g.fac.town(x.u)
	if b.Year() >= x.g.first {
		x.newborn(b)
	}
	x.event("child_health", "newborn_visit", b.AddDate(0, 0, 3+x.rng.IntN(5)), town, map[string]any{"weight": 3.3})
	for _, m := range childChecks {
		if x.rng.Float64() < 0.95 {
			x.event("child_health", "check", b.AddDate(0, m, x.rng.IntN(14)), town, map[string]any{"age_months": m})
		}
	}
	for _, m := range []int{18, 24, 36} {
		if x.rng.Float64() < 0.7 {
			abnormal := x.rng.Float64() < 0.011
			d := b.AddDate(0, m, x.rng.IntN(20))
			if x.event("autism_screening", "screen", d, town, map[string]any{"abnormal": abnormal}) && abnormal {
				x.positive("autism_screening", "diagnosis", d, 0.67, x.g.fac.hospital)
			}
		}
	}
	for y := x.g.first; y <= x.g.today.Year(); y++ {
		age := x.age(time.Date(y, 6, 30, 0, 0, 0, 0, time.UTC))
		if age >= 3 && age <= 6 {
			for _, m := range []time.Month{4, 10} {
				if x.rng.Float64() < 0.35 {
					x.event("oral_health", "fluoride", time.Date(y, m, 1+x.rng.IntN(28), 0, 0, 0, 0, time.UTC), town, nil)
				}
			}
		}
	}
}

// positive follows up a screening positive with probability p (a later
// stage within 30 days); the others stay on the work list.
func (x *hist) positive(prog, stage string, d time.Time, p float64, org string) {
	c := x.g.count(prog)
	c.PositivePersons++
	if x.rng.Float64() < p && x.event(prog, stage, d.AddDate(0, 0, 7+x.rng.IntN(23)), org, map[string]any{"followed_up": true}) {
		c.FollowedPositive++
	}
}

// newborn screenings (DOMAIN.md §12 and the 海安 2021H1 report): metabolic
// 99.8% (CH suspected 1.9%), hearing 99.73% (3.2% refer at the first
// screen), CHD 99.79% (4.34% positive).
func (x *hist) newborn(b time.Time) {
	mch := x.g.fac.mch
	if x.rng.Float64() < 0.998 {
		d := b.AddDate(0, 0, 3)
		susp := x.rng.Float64() < 0.019
		x.event("newborn_disease_screening", "sample", d, x.g.fac.hospital, nil)
		if x.event("newborn_disease_screening", "result", d.AddDate(0, 0, 7), mch, map[string]any{"ch_result": map[bool]string{true: "2", false: "1"}[susp],
			"pku_result": "1", "positive": susp}) && susp {
			x.positive("newborn_disease_screening", "recall", d.AddDate(0, 0, 7), 0.95, mch)
		}
	}
	if x.rng.Float64() < 0.9973 {
		refer := x.rng.Float64() < 0.032
		d := b.AddDate(0, 0, 2)
		if x.event("newborn_hearing", "initial", d, x.g.fac.hospital, map[string]any{"left": "1", "right": map[bool]string{true: "2", false: "1"}[refer],
			"passed": !refer}) && refer {
			x.positive("newborn_hearing", "rescreen", d.AddDate(0, 0, 35), 1.0, mch)
		}
	}
	if x.rng.Float64() < 0.9979 {
		pos := x.rng.Float64() < 0.0434
		d := b.AddDate(0, 0, 1)
		if x.event("newborn_chd", "screen", d, x.g.fac.hospital, map[string]any{"positive": pos}) && pos {
			x.positive("newborn_chd", "diagnosis", d, 1.0, x.g.fac.hospital)
		}
	}
}

// nip is the childhood schedule: vaccine, dose, age in months.
var nip = []struct {
	vaccine string
	dose    int
	month   int
}{{"HepB", 1, 0}, {"BCG", 1, 0}, {"HepB", 2, 1}, {"IPV", 1, 2}, {"IPV", 2, 3}, {"DTaP", 1, 3}, {"bOPV", 1, 4},
	{"DTaP", 2, 4}, {"DTaP", 3, 5}, {"HepB", 3, 6}, {"MenA", 1, 6}, {"MMR", 1, 8}, {"JE-L", 1, 8}, {"MenA", 2, 9},
	{"DTaP", 4, 18}, {"MMR", 2, 18}, {"HepA-L", 1, 18}, {"JE-L", 2, 24}, {"MenAC", 1, 36}, {"bOPV", 2, 48}, {"MenAC", 2, 72}}

// vaccination gives the childhood doses (97% each, on time or a little
// late) and the HPV doses of girls turning 13 (first dose 55%, second
// dose to 85% of them 6 months later).
func (x *hist) vaccination() {
	p := x.h.Person
	town := x.g.fac.town(x.u)
	if x.age(x.g.today) <= 7 {
		for _, v := range nip {
			if x.rng.Float64() < 0.97 {
				x.event("vaccination", "dose", p.BirthDate.AddDate(0, v.month, x.rng.IntN(20)), town,
					map[string]any{"vaccine": v.vaccine, "dose": v.dose})
			}
		}
	}
	at13 := p.BirthDate.AddDate(13, 0, 0)
	if p.Sex != 2 || at13.Year() < x.g.first || !at13.Before(x.g.today.AddDate(0, -6, 0)) {
		return
	}
	got := x.rng.Float64() < 0.55
	x.g.rate("hpv1", weijian.T("HPV疫苗首针接种率（13岁女孩）", "HPV first dose, girls of 13"), 55, got)
	if got {
		d := at13.AddDate(0, 0, x.rng.IntN(150))
		x.event("vaccination", "dose", d, town, map[string]any{"vaccine": "HPV2", "dose": 1})
		if x.rng.Float64() < 0.85 {
			x.event("vaccination", "dose", d.AddDate(0, 6, x.rng.IntN(20)), town, map[string]any{"vaccine": "HPV2", "dose": 2})
		}
	}
}

// women gives women aged 35–64 the two-cancer screening about every 3
// years (a quarter of them a year: the 2021 task was 48,300 for some
// 190,000 women), with HPV positives 8% (colposcopy for 90% of them) and
// breast ultrasound BI-RADS 3+ 4.7% (mammography for 90%).
func (x *hist) women() {
	p := x.h.Person
	if p.Sex != 2 {
		return
	}
	town := x.g.fac.town(x.u)
	last := 0
	for y := x.g.first; y <= x.g.today.Year(); y++ {
		age := x.age(time.Date(y, 6, 30, 0, 0, 0, 0, time.UTC))
		if age < 35 || age > 64 || y-last < 3 && last > 0 || x.rng.Float64() >= 0.27 {
			continue
		}
		d := time.Date(y, time.Month(3+x.rng.IntN(8)), 1+x.rng.IntN(28), 0, 0, 0, 0, time.UTC)
		hpv := x.rng.Float64() < 0.08
		if x.event("cervical_screening", "screening", d, town, map[string]any{"method": "1", "gyn_exam": "1",
			"hpv": map[bool]string{true: "2", false: "1"}[hpv], "positive": hpv}) {
			last = y
			if hpv {
				x.positive("cervical_screening", "colposcopy", d, 0.9, x.g.fac.hospital)
			}
		}
		birads := pick(x.rng, []string{"1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "2", "2", "2", "2", "2", "2", "2", "3"})
		if x.event("breast_screening", "screening", d, town, map[string]any{"clinical_exam": "1", "ultrasound": birads,
			"positive": birads == "3"}) && birads == "3" {
			x.positive("breast_screening", "mammography", d, 0.9, x.g.fac.hospital)
		}
	}
}

// familyDoctor signs a contract with 65% of the people aged 65+ and of
// the chronic patients, renewed every year (90%).
func (x *hist) familyDoctor() {
	key := x.age(x.g.today) >= 65 || len(x.h.Enrollments) > 0
	if !key || x.rng.Float64() >= 0.65 {
		return
	}
	org := x.g.fac.village(x.u)
	on := time.Date(x.g.first-1-x.rng.IntN(3), time.Month(1+x.rng.IntN(12)), 1+x.rng.IntN(28), 0, 0, 0, 0, time.UTC)
	x.enroll("family_doctor", on, org, map[string]any{"package": "basic"})
	for y := x.g.first; y <= x.g.today.Year(); y++ {
		if x.rng.Float64() < 0.9 {
			x.event("family_doctor", "renewal", time.Date(y, on.Month(), on.Day(), 0, 0, 0, 0, time.UTC), org, nil)
		}
	}
}

// mothers gives each baby born since the first year a mother among the
// unit's women aged 22–40, with her pregnancy: maternal management
// (first visit before 13 weeks for 90%, five prenatal visits, delivery,
// postpartum visit 97%, 42-day check 95%), prenatal screening (95.83%;
// high risk 4.21%) and prenatal diagnosis for the high-risk women.
func (g *residentGen) mothers(hs []weijian.History, u popUnit, rng *rand.Rand) {
	var women []int
	for i, h := range hs {
		if p := h.Person; p.Sex == 2 && p.DeathDate.IsZero() {
			if a := p.AgeAt(g.today); a >= 22 && a <= 45 {
				women = append(women, i)
			}
		}
	}
	if len(women) == 0 {
		return
	}
	for _, h := range hs {
		b := h.Person.BirthDate
		if b.Year() < g.first || h.Person.AgeAt(g.today) > 5 {
			continue
		}
		mi := women[rng.IntN(len(women))]
		m := &hist{g: g, h: &hs[mi], u: u, rng: rng}
		conception := b.AddDate(0, 0, -280+rng.IntN(14))
		town := g.fac.town(u)
		first := conception.AddDate(0, 0, 49+rng.IntN(35))
		if rng.Float64() >= 0.9 {
			first = conception.AddDate(0, 0, 92+rng.IntN(40))
		}
		m.enroll("maternal", first, town, map[string]any{"lmp": conception.AddDate(0, 0, -14).Format(time.DateOnly)})
		m.event("maternal", "first_visit", first, town, map[string]any{"gestational_weeks": int(first.Sub(conception).Hours()/24/7) + 2})
		for _, w := range []int{16, 22, 30, 37} {
			m.event("maternal", "prenatal_visit", conception.AddDate(0, 0, 7*(w-2)+rng.IntN(7)), town, map[string]any{"gestational_weeks": w})
		}
		m.event("maternal", "delivery", b, g.fac.hospital, map[string]any{"live_births": 1})
		if rng.Float64() < 0.97 {
			m.event("maternal", "postpartum_visit", b.AddDate(0, 0, 5+rng.IntN(10)), town, nil)
		}
		if rng.Float64() < 0.95 {
			m.event("maternal", "postpartum_42d", b.AddDate(0, 0, 42+rng.IntN(7)), town, nil)
		}
		if rng.Float64() < 0.9583 {
			d := conception.AddDate(0, 0, 7*15+rng.IntN(35))
			risk := riskTable[rng.IntN(len(riskTable))]
			if m.event("prenatal_screening", "screening", d, g.fac.mch, map[string]any{"risk": risk}) && risk == "3" {
				m.positive("prenatal_screening", "high_risk_followup", d, 0.95, g.fac.mch)
				m.event("prenatal_diagnosis", "diagnosis", d.AddDate(0, 0, 21), g.fac.mch, map[string]any{"result": "1"})
			}
		}
	}
}

// riskTable draws prenatal screening results: 1 low risk 86.7%, 2
// borderline 9.06%, 3 high risk 4.21% (海安 2021H1).
var riskTable = func() []string {
	out := make([]string, 0, 10000)
	for i := range 10000 {
		switch {
		case i < 421:
			out = append(out, "3")
		case i < 421+906:
			out = append(out, "2")
		default:
			out = append(out, "1")
		}
	}
	return out
}()

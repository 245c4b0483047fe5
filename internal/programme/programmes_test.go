package programme

import "testing"

// validCase is one correct enrollment and one correct event of a stage.
type validCase struct {
	person   PersonFacts
	enrolled string
	attrs    map[string]any
	stage    string
	on       string
	values   map[string]any
}

var (
	woman40  = PersonFacts{Sex: "2", BirthDate: date("1984-05-02"), VillageCode: "320621100201", Permanent: true}
	woman28  = PersonFacts{Sex: "2", BirthDate: date("1996-01-20"), VillageCode: "320621100201", Permanent: true}
	man40    = PersonFacts{Sex: "1", BirthDate: date("1984-05-02"), VillageCode: "320621100201", Permanent: true}
	newborn  = PersonFacts{Sex: "1", BirthDate: date("2024-06-01"), VillageCode: "320621100201", Permanent: true}
	toddler  = PersonFacts{Sex: "2", BirthDate: date("2022-07-15"), VillageCode: "320621100201", Permanent: true}
	child8   = PersonFacts{Sex: "1", BirthDate: date("2016-03-03"), VillageCode: "320621100201", Permanent: true}
	girl13   = PersonFacts{Sex: "2", BirthDate: date("2011-12-01"), VillageCode: "320621100201", Permanent: true}
	patient  = PersonFacts{Sex: "1", BirthDate: date("1970-09-09"), VillageCode: "320621100201", Permanent: true}
	elderly7 = PersonFacts{Sex: "2", BirthDate: date("1950-03-10"), VillageCode: "320621100201", Permanent: true}
)

// validCases holds a correct record for every built-in programme; the test
// fails when a programme has none, so a new file comes with its case.
var validCases = map[string]validCase{
	"hypertension": {elderly7, "2024-01-05", map[string]any{"diagnosis_date": "2023-12-01"}, "followup", "2024-03-01", htnFollowup()},
	"diabetes": {patient, "2024-01-05", map[string]any{"diagnosis_date": "2023-12-01"}, "followup", "2024-03-01",
		map[string]any{"method": "2", "sbp": 132, "dbp": 82, "fasting_glucose": 7.8, "drug_compliance": "1", "followup_class": "2"}},
	"mental_disorder": {patient, "2024-01-05", map[string]any{"diagnosis": "1", "diagnosis_date": "2010-04-01", "first_onset_date": "2009-10-01", "consent": true}, "followup", "2024-03-01",
		map[string]any{"method": "2", "risk_level": "0", "drug_compliance": "1", "followup_class": "3"}},
	"elderly": {elderly7, "2024-01-05", nil, "annual_check", "2024-04-18",
		map[string]any{"sbp": 146, "dbp": 84, "height": 158, "weight": 61.5, "self_care_score": 2, "blood_routine": "1"}},
	"cervical_screening": {woman40, "2024-05-01", nil, "screening", "2024-05-01",
		map[string]any{"gyn_exam": "1", "method": "3", "hpv": "3", "cytology": "ASC-US"}},
	"breast_screening": {woman40, "2024-05-01", nil, "screening", "2024-05-01", map[string]any{"clinical_exam": "1", "ultrasound": "3"}},
	"prenatal_screening": {woman28, "2024-03-01", map[string]any{"lmp": "2023-12-01"}, "screening", "2024-03-20",
		map[string]any{"method": "2", "t21": "1", "t21_ratio": 2500, "t18": "1", "ntd": "1"}},
	"prenatal_diagnosis": {woman28, "2024-04-01", map[string]any{"indication": []any{"1"}, "lmp": "2023-12-01"}, "diagnosis", "2024-04-08",
		map[string]any{"method": "1", "result": "1"}},
	"newborn_disease_screening": {newborn, "2024-06-04", map[string]any{"birth_weight": 3300, "gestational_weeks": 39}, "sample", "2024-06-04",
		map[string]any{"hours_after_birth": 76, "feeds": 8, "quality": "1"}},
	"newborn_hearing": {newborn, "2024-06-03", nil, "initial", "2024-06-03", map[string]any{"method": "1", "left": "1", "right": "2"}},
	"newborn_chd":     {newborn, "2024-06-02", nil, "screen", "2024-06-02", map[string]any{"spo2_hand": 98, "spo2_foot": 97, "murmur": "1"}},
	"vaccination": {newborn, "2024-06-10", map[string]any{"certificate_no": "320621240601001"}, "dose", "2024-08-01",
		map[string]any{"vaccine": "DTaP", "dose": 1, "site": "3", "route": "1", "batch": "202403A12"}},
	"maternal": {woman28, "2024-02-20", map[string]any{"lmp": "2023-12-01", "gravidity": 2, "parity": 1}, "first_visit", "2024-02-20",
		map[string]any{"weight": 58.2, "sbp": 112, "dbp": 70, "hemoglobin": 118, "risk_colour": "green"}},
	"child_health": {toddler, "2022-07-20", map[string]any{"birth_weight": 3150, "gestational_weeks": 39}, "check", "2024-01-16",
		map[string]any{"weight": 10.8, "length": 80.5, "head_circumference": 46.2, "hemoglobin": 121, "teeth": 12, "caries": 0, "tcm_guidance": true}},
	"autism_screening": {toddler, "2024-01-16", nil, "screen", "2024-01-16", map[string]any{"tool": "1", "abnormal": false}},
	"oral_health":      {child8, "2024-05-10", map[string]any{"school": "海安市实验小学"}, "sealant", "2024-05-10", map[string]any{"teeth": "16,26,36,46"}},
	"family_doctor": {elderly7, "2024-01-10", map[string]any{"team": "城东卫生院家庭医生一团队", "doctor": "王医生", "package": []any{"basic", "elderly"}, "key_groups": []any{"02", "04"}, "term_years": 1},
		"service", "2024-03-02", map[string]any{"item": "4", "mode": "2"}},
	"referral": {patient, "2024-02-01", nil, "referral", "2024-02-01",
		map[string]any{"direction": "up", "from_facility": "城东镇卫生院", "to_facility": "海安市人民医院", "reason": "5", "diagnosis": "高血压3级"}},
}

func TestEveryProgrammeHasAValidCase(t *testing.T) {
	c := builtin(t)
	for _, p := range c.Programmes() {
		tc, ok := validCases[p.Code]
		if !ok {
			t.Errorf("programme %s has no valid case in programmes_test.go", p.Code)
			continue
		}
		t.Run(p.Code, func(t *testing.T) {
			attrs, _, errs := p.Enroll(tc.person, tc.attrs, date(tc.enrolled))
			wantRules(t, errs)
			s, ok := p.Stage(tc.stage)
			if !ok {
				t.Fatalf("no stage %s", tc.stage)
			}
			_, _, errs = s.CheckEvent(tc.person, Enrollment{Date: date(tc.enrolled), Attrs: attrs}, tc.values, date(tc.on))
			wantRules(t, errs)
		})
	}
}

// The bad inputs the issue lists, wherever they apply.
func TestBadInputs(t *testing.T) {
	c := builtin(t)
	forty := PersonFacts{Sex: "1", BirthDate: date("1984-05-02"), VillageCode: "320621100201"}
	for _, tc := range []struct {
		name     string
		prog     string
		person   PersonFacts
		enrolled string
		want     []string
	}{
		{"40-year-old in newborn metabolic screening", "newborn_disease_screening", forty, "2024-06-04", []string{"birth_date eligibility_age"}},
		{"40-year-old in newborn hearing screening", "newborn_hearing", forty, "2024-06-04", []string{"birth_date eligibility_age"}},
		{"40-year-old in newborn CHD screening", "newborn_chd", forty, "2024-06-04", []string{"birth_date eligibility_age"}},
		{"man in cervical screening", "cervical_screening", man40, "2024-05-01", []string{"sex eligibility_sex"}},
		{"man in breast screening", "breast_screening", man40, "2024-05-01", []string{"sex eligibility_sex"}},
		{"man in maternal care", "maternal", man40, "2024-05-01", []string{"sex eligibility_sex"}},
		{"woman of 66 in cervical screening", "cervical_screening", elderly7, "2016-05-01", []string{"birth_date eligibility_age"}},
		{"woman of 34 in breast screening", "breast_screening", woman40, "2019-05-01", []string{"birth_date eligibility_age"}},
		{"child of 64 in the elderly programme", "elderly", patient, "2024-06-01", []string{"birth_date eligibility_age"}},
		{"7-year-old in child health", "child_health", child8, "2024-06-01", []string{"birth_date eligibility_age"}},
		{"birth date in the future", "hypertension", PersonFacts{Sex: "1", BirthDate: date("2025-03-01"), VillageCode: "1"}, "2024-06-01", []string{"birth_date future", "diagnosis_date date_min"}},
		{"enrollment in the future", "hypertension", patient, "2025-01-02", []string{"enrollment_date future"}},
		{"enrollment after death", "hypertension", PersonFacts{Sex: "1", BirthDate: date("1950-01-01"), DeathDate: date("2024-01-01"), VillageCode: "1"}, "2024-02-01", []string{"enrollment_date after_death"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, _ := c.Programme(tc.prog)
			attrs := validCases[tc.prog].attrs
			wantRules(t, p.CheckEnrollment(tc.person, attrs, date(tc.enrolled)), tc.want...)
		})
	}
}

// Stage-level bad inputs in programmes other than hypertension (whose
// cases are in hypertension_test.go).
func TestBadEvents(t *testing.T) {
	c := builtin(t)
	for _, tc := range []struct {
		name, prog string
		edit       func(map[string]any)
		on         string
		want       []string
	}{
		{"unknown vaccine", "vaccination", func(v map[string]any) { v["vaccine"] = "XYZ" }, "", []string{"vaccine option"}},
		{"oral polio injected", "vaccination", func(v map[string]any) { v["vaccine"] = "bOPV"; v["site"] = "1" }, "", []string{"site check:oral_route"}},
		{"batch missing", "vaccination", func(v map[string]any) { delete(v, "batch") }, "", []string{"batch required"}},
		{"dose before birth", "vaccination", nil, "2024-05-31", []string{"event_date before_birth"}},
		{"dose before enrollment", "vaccination", nil, "2024-06-05", []string{"event_date before_enrollment"}},
		{"expired vaccine", "vaccination", func(v map[string]any) { v["expiry"] = "2024-07-01" }, "", []string{"expiry date_min"}},
		{"cytology missing in co-testing", "cervical_screening", func(v map[string]any) { delete(v, "cytology") }, "", []string{"cytology required"}},
		{"HPV result with cytology only", "cervical_screening", func(v map[string]any) { v["method"] = "2"; v["cytology"] = "NILM" }, "", []string{"hpv not_applicable"}},
		{"unknown TBS category", "cervical_screening", func(v map[string]any) { v["cytology"] = "CIN9" }, "", []string{"cytology option"}},
		{"BI-RADS 7", "breast_screening", func(v map[string]any) { v["ultrasound"] = "7" }, "", []string{"ultrasound option"}},
		{"risk level 6", "mental_disorder", func(v map[string]any) { v["risk_level"] = "6" }, "", []string{"risk_level option"}},
		{"risk level 4 called stable", "mental_disorder", func(v map[string]any) { v["risk_level"] = "4" }, "", []string{"followup_class check:risk_means_unstable"}},
		{"SpO2 101", "newborn_chd", func(v map[string]any) { v["spo2_foot"] = 101 }, "", []string{"spo2_foot max"}},
		{"early heel prick without a reason", "newborn_disease_screening", func(v map[string]any) { v["hours_after_birth"] = 30 }, "", []string{"early_reason required"}},
		{"serum screen at 25 weeks", "prenatal_screening", nil, "2024-05-25", []string{"method check:serum_weeks"}},
		{"caries above teeth", "child_health", func(v map[string]any) { v["caries"] = 14 }, "", []string{"caries check:caries_teeth"}},
		{"glucose a word", "diabetes", func(v map[string]any) { v["fasting_glucose"] = "正常" }, "", []string{"fasting_glucose type"}},
		{"same facility", "referral", func(v map[string]any) { v["to_facility"] = "城东镇卫生院" }, "", []string{"to_facility check:different_facility"}},
		{"unknown tooth", "oral_health", func(v map[string]any) { v["teeth"] = "16,55" }, "", []string{"teeth option"}},
		{"BP reversed at the elderly check", "elderly", func(v map[string]any) { v["sbp"] = 70; v["dbp"] = 90 }, "", []string{"sbp check:sbp_above_dbp"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, errs := runCase(t, c, tc.prog, tc.edit, tc.on)
			wantRules(t, errs, tc.want...)
		})
	}
}

func TestDerivedValues(t *testing.T) {
	c := builtin(t)
	for _, tc := range []struct {
		name, prog string
		edit       func(map[string]any)
		key        string
		want       any
	}{
		{"CHD positive by hand-foot difference", "newborn_chd", func(v map[string]any) { v["spo2_foot"] = 94 }, "positive", true},
		{"CHD negative", "newborn_chd", nil, "positive", false},
		{"CHD positive below 90", "newborn_chd", func(v map[string]any) { v["spo2_hand"] = 89; v["spo2_foot"] = 89 }, "positive", true},
		{"hearing refer on one ear", "newborn_hearing", nil, "passed", false},
		{"other hr-HPV with ASC-US needs colposcopy", "cervical_screening", nil, "colposcopy_needed", true},
		{"co-test HPV negative, ASC-US: no colposcopy", "cervical_screening", func(v map[string]any) { v["hpv"] = "1" }, "colposcopy_needed", false},
		{"BI-RADS 3 needs mammography", "breast_screening", nil, "mammography_needed", true},
		{"prenatal gestational weeks", "prenatal_screening", nil, "gestational_weeks", int64(15)},
		{"elderly self-care level", "elderly", nil, "self_care_level", "可自理"},
		{"elderly BMI", "elderly", nil, "bmi", 24.6},
		{"mental stable", "mental_disorder", nil, "stable", true},
		{"teeth sealed", "oral_health", nil, "teeth_sealed", int64(4)},
		{"child anaemia", "child_health", func(v map[string]any) { v["hemoglobin"] = 105 }, "anaemia", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, der, errs := runCase(t, c, tc.prog, tc.edit, "")
			wantRules(t, errs)
			if der[tc.key] != tc.want {
				t.Errorf("%s = %#v, want %#v", tc.key, der[tc.key], tc.want)
			}
		})
	}
}

func TestMaternalEnrollmentDerived(t *testing.T) {
	c := builtin(t)
	p, _ := c.Programme("maternal")
	// LMP 2023-12-01 to 2024-02-20 is 81 days: 11 weeks, early registration.
	_, der, errs := p.Enroll(woman28, map[string]any{"lmp": "2023-12-01", "gravidity": 1, "parity": 0}, date("2024-02-20"))
	wantRules(t, errs)
	if der["registration_weeks"] != int64(11) || der["early_registration"] != true {
		t.Errorf("derived = %v", der)
	}
	// 2024-03-01 is day 91: 13 weeks, not early.
	_, der, _ = p.Enroll(woman28, map[string]any{"lmp": "2023-12-01", "gravidity": 1, "parity": 0}, date("2024-03-01"))
	if der["early_registration"] != false {
		t.Errorf("day 91: early_registration = %v", der["early_registration"])
	}
	_, _, errs = p.Enroll(woman28, map[string]any{"lmp": "2023-12-01", "gravidity": 1, "parity": 1}, date("2024-03-01"))
	wantRules(t, errs, "parity check:parity_below_gravidity")
}

func TestVaccinationVersions(t *testing.T) {
	c := builtin(t)
	for _, tc := range []struct {
		on      string
		version int
	}{{"2021-03-01", 1}, {"2024-12-31", 1}, {"2025-01-01", 2}, {"2025-11-09", 2}, {"2025-11-10", 3}} {
		p, ok := c.ProgrammeAt("vaccination", date(tc.on))
		if !ok || p.Version != tc.version {
			t.Errorf("vaccination at %s: version %v, want %d", tc.on, p.Version, tc.version)
		}
	}
	if _, ok := c.ProgrammeAt("vaccination", date("2020-12-31")); ok {
		t.Errorf("a vaccination version before 2021-03-01")
	}
	if p, ok := c.For("vaccination", date("2020-12-31")); !ok || p.Version != 1 {
		t.Errorf("For(vaccination, 2020-12-31) = %v, want the oldest version", p)
	}
	if p, ok := c.For("vaccination", date("2025-06-01")); !ok || p.Version != 2 {
		t.Errorf("For(vaccination, 2025-06-01) = %v, want version 2", p)
	}
	if vs := c.Versions("vaccination"); len(vs) != 3 || vs[0].Version != 1 || vs[2].Version != 3 {
		t.Errorf("Versions(vaccination) = %d versions", len(vs))
	}
	if p, _ := c.Programme("vaccination"); p.Version != 3 {
		t.Errorf("newest vaccination version = %d", p.Version)
	}
}

// runCase checks the valid case of prog with its event values edited and,
// if on is set, dated on.
func runCase(t *testing.T, c *Catalogue, prog string, edit func(map[string]any), on string) (norm, der map[string]any, errs []FieldError) {
	t.Helper()
	vc := validCases[prog]
	p, _ := c.Programme(prog)
	attrs, _, errs := p.Enroll(vc.person, vc.attrs, date(vc.enrolled))
	wantRules(t, errs)
	v := map[string]any{}
	for k, x := range vc.values {
		v[k] = x
	}
	if edit != nil {
		edit(v)
	}
	if on == "" {
		on = vc.on
	}
	s, _ := p.Stage(vc.stage)
	return s.CheckEvent(vc.person, Enrollment{Date: date(vc.enrolled), Attrs: attrs}, v, date(on))
}

func TestHeadCircumferenceOnlyToThreeYears(t *testing.T) {
	c := builtin(t)
	s := stage(t, c, "child_health", "check")
	four := PersonFacts{Sex: "1", BirthDate: date("2020-06-01"), VillageCode: "1"}
	v := map[string]any{"weight": 16.5, "length": 104, "head_circumference": 49.5}
	_, _, errs := s.CheckEvent(four, Enrollment{Date: date("2020-06-10")}, v, date("2024-06-05"))
	wantRules(t, errs, "head_circumference not_applicable")
}

func TestChildCheckAfterSix(t *testing.T) {
	c := builtin(t)
	s := stage(t, c, "child_health", "check")
	_, _, errs := s.CheckEvent(child8, Enrollment{Date: date("2016-03-10")}, map[string]any{"weight": 25, "length": 128}, date("2024-03-04"))
	wantRules(t, errs, "birth_date eligibility_age")
}

func TestDerivedValuesSentBackAreRecomputed(t *testing.T) {
	c := builtin(t)
	v := htnFollowup()
	v["bmi"] = 99.0 // a stored event sent back for an edit
	_, der, errs := stage(t, c, "hypertension", "followup").CheckEvent(adult, Enrollment{Date: date("2024-01-05")}, v, date("2024-03-01"))
	wantRules(t, errs)
	if der["bmi"] != 24.3 {
		t.Errorf("bmi = %v, want 24.3 recomputed", der["bmi"])
	}
}

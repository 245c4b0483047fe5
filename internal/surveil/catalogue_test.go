package surveil

import (
	"strings"
	"testing"

	"github.com/weijian-health/weijian"
)

// The embedded catalogue loads and holds the legal list: 甲 2, 乙 27, 丙 11.
func TestCatalogueLegalList(t *testing.T) {
	c, err := LoadCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	n := c.Counts()
	if n[ClassA] != 2 || n[ClassB] != 27 || n[ClassC] != 11 || n[ClassMonitored] < 1 {
		t.Errorf("classes = %v, want A 2, B 27, C 11 and monitored diseases", n)
	}
	if d := c.Disease("cholera"); d == nil || !d.Detection.Fixed() || d.LimitHours != 2 {
		t.Errorf("cholera = %+v, want a 2-hour fixed-threshold disease", d)
	}
	if d := c.Disease("anthrax"); d.Limit("pulmonary") != 2 || d.Limit("cutaneous") != 24 {
		t.Errorf("anthrax limits = %d/%d, want 2 h for pulmonary and 24 h for cutaneous", d.Limit("pulmonary"), d.Limit("cutaneous"))
	}
	for text, want := range map[string][2]string{"乙肝": {"hepatitis", "b"}, "霍乱": {"cholera", ""},
		"肺结核（病原学阳性）": {"tb", "pos"}, "其它感染性腹泻病": {"other_diarrhoea", ""}, "间日疟": {"malaria", "vivax"}} {
		d, sub := c.Lookup(text)
		if d == nil || d.Code != want[0] || sub != want[1] {
			t.Errorf("Lookup(%q) = %v %q, want %v", text, d, sub, want)
		}
	}
	if d, _ := c.Lookup("感冒"); d != nil {
		t.Errorf("Lookup(感冒) = %v, want none", d.Code)
	}
}

// A broken catalogue names the file, the line and the rule.
func TestCatalogueErrorsNameTheLine(t *testing.T) {
	src := `diseases:
  - {code: x, name: 甲, en: X, class: A, limit_hours: 2, icd10: [A00], detection: {method: cidarsFixed}}
  - {code: x, name: 乙, en: Y, class: Q, limit_hours: 24, icd10: [A01], detection: {method: cidarsMPM, params: {percentile: "120"}}}
  - {code: z, name: 丙, en: Z, class: A, limit_hours: 24, icd10: [], detection: {method: magic}}
`
	_, err := ParseCatalogue("test.yaml", []byte(src))
	if err == nil {
		t.Fatal("no error")
	}
	got := map[string]bool{}
	for _, is := range weijian.ErrorIssues(err) {
		got[is.Field+"@"+string(rune('0'+is.Row))] = true
	}
	for _, want := range []string{"code@3", "class@3", "detection@3", "limit_hours@4", "icd10@4", "detection@4"} {
		if !got[want] {
			t.Errorf("missing issue %s in %v", want, weijian.ErrorIssues(err))
		}
	}
	if !strings.Contains(err.Error(), "test.yaml") {
		t.Errorf("error %q does not name the file", err)
	}
	if _, err := ParseCatalogue("t.yaml", []byte("diseases:\n  - {code: a, colour: red}\n")); err == nil || !strings.Contains(err.Error(), "colour") {
		t.Errorf("unknown field: err = %v", err)
	}
}

package dataset

import (
	"errors"
	"strings"
	"testing"

	"github.com/weijian-health/weijian/internal/period"
)

func TestBuiltinLoads(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"aiguo", "anquan", "geli", "jiandu", "jiankang", "peixun", "touzi", "tuoyu"}
	var got []string
	for _, d := range c.All() {
		got = append(got, d.Code)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("built-in data sets %v, want %v", got, want)
	}
	// The elements the report figures name.
	for _, ref := range []string{"tuoyu.institutions", "tuoyu.registered", "tuoyu.places", "aiguo.bait_stations",
		"aiguo.toilets", "aiguo.vector_surveys", "peixun.sessions", "peixun.attendance", "anquan.inspections",
		"anquan.hazards", "anquan.rectified", "anquan.drills", "jiandu.cases", "jiandu.complaints",
		"jiankang.lectures", "jiankang.free_clinics", "geli.rooms", "geli.usable", "geli.occupied", "touzi.amount"} {
		set, el, _ := strings.Cut(ref, ".")
		if c.Get(set) == nil || c.Get(set).Element(el) == nil {
			t.Errorf("no element %s", ref)
		}
	}
	p := c.Get("jiankang").Element("participants")
	if n := len(p.Combos()); n != 6 {
		t.Errorf("participants has %d combos, want 2 sexes × 3 age bands = 6", n)
	}
	if p.Combos()[0].Key != "sex=M;age=0-17" || p.Combos()[5].Key != "sex=F;age=65+" {
		t.Errorf("combo keys %q … %q", p.Combos()[0].Key, p.Combos()[5].Key)
	}
	if k := c.Get("aiguo").Element("toilets").Combos(); len(k) != 1 || k[0].Key != "" || k[0].Name("zh") != "合计" {
		t.Errorf("undisaggregated element combos %+v", k)
	}
}

func TestLoadErrorsNameFileLineField(t *testing.T) {
	src := `code: demo
name: {zh: 演示}
period: week
reporters:
  levels: [town]
due_day: 5
elements:
  - code: a
    name: {zh: 甲}
    type: int
  - code: b
    name: {zh: 乙}
    type: text
    disaggregation: [nosuch]
`
	_, err := Load(map[string][]byte{"demo.yaml": []byte(src)})
	var es LoadErrors
	if !errors.As(err, &es) {
		t.Fatalf("err = %v, want LoadErrors", err)
	}
	want := map[string]int{"$.period": 3, "$.elements[1].type": 13, "$.elements[1].disaggregation[0]": 14}
	if len(es) != len(want) {
		t.Fatalf("%d errors, want %d:\n%v", len(es), len(want), err)
	}
	for _, e := range es {
		if e.File != "demo.yaml" || want[e.Field] != e.Line {
			t.Errorf("error %v: want line %d for %s", e, want[e.Field], e.Field)
		}
	}
}

func TestLoadUnknownFieldHasPosition(t *testing.T) {
	_, err := Load(map[string][]byte{"x.yaml": []byte("code: x\nname: {zh: 甲}\nperiodd: month\n")})
	var es LoadErrors
	if !errors.As(err, &es) || es[0].Line != 3 || !strings.Contains(es[0].Msg, "periodd") {
		t.Fatalf("err = %v, want unknown field periodd at line 3", err)
	}
}

func TestCheckValue(t *testing.T) {
	c, _ := Builtin()
	places := c.Get("tuoyu").Element("places")
	amount := c.Get("touzi").Element("amount")
	for _, tc := range []struct {
		e          *Element
		in, out, r string
	}{
		{places, " 185 ", "185", ""},
		{places, "007", "7", ""},
		{places, "1.5", "", "int"},
		{places, "-1", "", "min"},
		{places, "20001", "", "max"},
		{places, "abc", "", "number"},
		{places, "", "", "required"},
		{amount, "16051.00", "16051", ""},
		{amount, "0.5", "0.5", ""},
	} {
		out, iss := tc.e.CheckValue(tc.in)
		rule := ""
		if iss != nil {
			rule = iss.Rule
		}
		if out != tc.out || rule != tc.r {
			t.Errorf("CheckValue(%q) = %q, rule %q; want %q, rule %q", tc.in, out, rule, tc.out, tc.r)
		}
	}
}

func TestDueAndPeriod(t *testing.T) {
	c, _ := Builtin()
	tuoyu := c.Get("tuoyu")
	p, err := tuoyu.ParsePeriod("2024Q1")
	if err != nil {
		t.Fatal(err)
	}
	if got := tuoyu.Due(p); got != period.NewDate(2024, 4, 10) {
		t.Errorf("due of 2024Q1 = %v, want 2024-04-10 (due day 10 of the month after)", got)
	}
	if _, err := tuoyu.ParsePeriod("2024-01"); err == nil {
		t.Error("a month accepted for a quarterly data set")
	}
	if !c.Get("peixun").ReportedBy("facility", "township_hc") || c.Get("peixun").ReportedBy("town", "") {
		t.Error("peixun reporters wrong")
	}
}

package indicator

import (
	"strings"
	"testing"
)

func builtinLib(t testing.TB) *Library {
	t.Helper()
	lib, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

func TestBuiltinLoads(t *testing.T) {
	lib := builtinLib(t)
	if len(lib.All()) == 0 {
		t.Fatal("empty library")
	}
	for _, d := range lib.All() {
		if d.Definition.ZH == "" || d.Source == "" || d.Name.ZH == "" || len(d.Versions) == 0 {
			t.Errorf("%s: incomplete definition", d.Code)
		}
	}
}

func sources(t *testing.T) Sources {
	t.Helper()
	_, src, err := builtin()
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// Errors are found at load time, at the file, line and column of the
// problem — inside a formula, at the place in the formula.
func TestLoadErrorsArePlaced(t *testing.T) {
	head := "indicators:\n  - code: x\n    name: {zh: 甲}\n    definition: {zh: 甲}\n    source: s\n    unit: \"%\"\n    versions:\n      - valid_from: 2020-01-01\n"
	cases := []struct {
		name, body, want string
	}{
		{"unknown field in a rule", `        numerator: persons("hypertension", enrolled and regulr)` + "\n" + `        denominator: persons("hypertension", enrolled)` + "\n",
			`x.yaml:9:57: persons("hypertension") has no field "regulr"`},
		{"quoted formula", `        numerator: "#{tuoyu.placez}"` + "\n        denominator: pop{}\n",
			"x.yaml:9:21: #{tuoyu.placez}: data set tuoyu has no element"},
		{"block formula", "        numerator: |\n          persons(\"diabetes\", enrolled) +\n            pop{sex=X}\n        denominator: pop{}\n",
			`x.yaml:11:13: pop{sex=X}: sex is M or F, not "X"`},
		{"unknown indicator", "        numerator: I{nope}\n        denominator: pop{}\n", `x.yaml:9:20: I{nope}: no indicator "nope"`},
		{"unknown constant", "        numerator: C{nope}\n        denominator: pop{}\n", `x.yaml:9:20: C{nope}: no constant "nope"`},
		{"syntax", "        numerator: pop{} +\n        denominator: pop{}\n", "x.yaml:9:"},
		{"count with a denominator", "        numerator: pop{}\n        denominator: pop{}\n", ""},
		{"unknown stage", `        numerator: events("vaccination.shot", true)` + "\n        denominator: pop{}\n", `programme vaccination has no stage "shot"`},
	}
	for _, c := range cases {
		body := head + c.body
		if c.name == "count with a denominator" {
			body = strings.Replace(body, `unit: "%"`, "unit: count", 1)
			c.want = "x.yaml:10:22: a count indicator has no denominator"
		}
		_, err := Load(map[string][]byte{"x.yaml": []byte(body)}, sources(t))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}

// Indicators that refer to each other in a cycle are refused.
func TestLoadRefusesCycles(t *testing.T) {
	def := func(code, ref string) string {
		return "  - code: " + code + "\n    name: {zh: 甲}\n    definition: {zh: 甲}\n    source: s\n    unit: count\n    versions:\n      - valid_from: 2020-01-01\n        numerator: I{" + ref + "} + 1\n"
	}
	body := "indicators:\n" + def("a", "b") + def("b", "c") + def("c", "a")
	_, err := Load(map[string][]byte{"x.yaml": []byte(body)}, sources(t))
	if err == nil || !strings.Contains(err.Error(), "cycle: a → b → c → a") {
		t.Errorf("cycle: %v", err)
	}
}

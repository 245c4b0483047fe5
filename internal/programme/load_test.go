package programme

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// Each folder of testdata/bad holds one broken programme file; the error
// must name the file, the line and the field.
func TestMetadataErrors(t *testing.T) {
	for _, tc := range []struct{ dir, want string }{
		{"syntax", "demo.yaml:5:1: YAML syntax: ',' or '}' must be specified"},
		{"typo_key", `demo.yaml:25:13: stages[visit].sections[0].fields[sbp].maks: unknown key "maks"`},
		{"unknown_option_set", `demo.yaml:32:25: stages[visit].sections[0].fields[smoker].option_set: option set "yes_no" is not defined`},
		{"unknown_name", `demo.yaml:36:15: stages[visit].checks[0].expr: expression "sbp > dpb": unknown name "dpb"`},
		{"bad_expr", `demo.yaml:36:15: stages[visit].checks[0].expr: expression "sbp > > dbp": unexpected ">" at offset 6`},
		{"bad_type", `demo.yaml:28:19: stages[visit].sections[0].fields[dbp].type: type "integer" is not int, number, text, date, bool or option`},
		{"min_above_max", `demo.yaml:25:18: stages[visit].sections[0].fields[sbp].max: max 300 is below min 500`},
		{"duplicate_field", `demo.yaml:29:13: stages[visit].sections[0].fields: field "sbp" appears twice in this form`},
		{"code_mismatch", `other.yaml:1:7: code: programme code "demo" does not match the file name other.yaml`},
		{"bad_age", `demo.yaml:6:12: eligibility.min_age: age "18 years" is not a whole number followed by d, w, m or y`},
		{"two_schedules", `demo.yaml:18:7: stages[visit].schedule: a schedule has exactly one of period, every, windows or after (found 2)`},
		{"status_unknown_stage", `demo.yaml:39:50: status[0].count: no stage "followup" in this programme`},
		{"missing_name", `demo.yaml:1:1: name: required key "name" is missing`},
		{"bad_sex", `demo.yaml:7:8: eligibility.sex: sex code "M" is not a GB/T 2261.1 code`},
		{"option_as_number", `demo.yaml:36:15: stages[visit].checks[0].expr: expression "sbp > dbp || smoker == 1": == compares text with number (an option code is text: write '1', not 1)`},
		{"duplicate_version", `demo@2.yaml:1:1: version: programme "demo" version 1 is also defined in demo.yaml`},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			_, err := Load(os.DirFS(filepath.Join("testdata", "bad", tc.dir)))
			var me MetadataErrors
			if !errors.As(err, &me) {
				t.Fatalf("err = %v, want MetadataErrors", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("errors:\n%v\nwant one containing:\n%s", err, tc.want)
			}
			if tc.dir != "syntax" && len(me) != 1 {
				t.Errorf("%d errors, want 1 (no cascade):\n%v", len(me), err)
			}
			for _, e := range me {
				if e.File == "" || e.Line == 0 {
					t.Errorf("error without file or line: %#v", e)
				}
			}
		})
	}
}

func TestFileLimits(t *testing.T) {
	for name, data := range map[string]string{
		"empty":   "",
		"too big": "code: x\n" + strings.Repeat("# padding\n", 120000),
		"deep":    "code: [" + strings.Repeat("[", 60000),
	} {
		start := time.Now()
		_, err := Load(fstest.MapFS{"x.yaml": {Data: []byte(data)}})
		var me MetadataErrors
		if !errors.As(err, &me) || me[0].File != "x.yaml" || me[0].Line == 0 {
			t.Errorf("%s: %v", name, err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s took %v", name, d)
		}
	}
}

func TestLoadDirectoryWithVersions(t *testing.T) {
	c, err := Load(os.DirFS(filepath.Join("testdata", "good")))
	if err != nil {
		t.Fatal(err)
	}
	p, _ := c.Programme("demo")
	if p.Version != 2 || p.File != "demo@2.yaml" {
		t.Errorf("newest = version %d from %s", p.Version, p.File)
	}
	if p, _ := c.ProgrammeAt("demo", date("2024-06-30")); p.Version != 1 {
		t.Errorf("in force on 2024-06-30: version %d", p.Version)
	}
	if len(c.Programmes()) != 1 {
		t.Errorf("Programmes() = %d, want the newest version of one programme", len(c.Programmes()))
	}
}

// Every built-in file loads, every option set names its source code table,
// and every field and option carries a Chinese and an English label.
func TestBuiltinMetadataComplete(t *testing.T) {
	c := builtin(t)
	if n := len(c.Programmes()); n < 17 {
		t.Errorf("%d programmes, want every programme of issue 13 (17)", n)
	}
	for _, p := range c.Programmes() {
		if p.Name.EN == "" || p.Source == "" {
			t.Errorf("%s: English name or source missing", p.Code)
		}
		forms := []*Form{&p.Enrollment}
		for _, s := range p.Stages {
			forms = append(forms, &s.Form)
		}
		for _, f := range forms {
			for _, fd := range f.Fields() {
				if fd.Label.ZH == "" || fd.Label.EN == "" {
					t.Errorf("%s: field %s label %+v", p.Code, fd.Code, fd.Label)
				}
				if fd.OptionSet == nil {
					continue
				}
				if fd.OptionSet.Source == "" {
					t.Errorf("%s: option set %s names no code table", p.Code, fd.OptionSet.Code)
				}
				for _, o := range fd.OptionSet.Options {
					if o.Label.ZH == "" || o.Label.EN == "" {
						t.Errorf("%s: option %s.%s label %+v", p.Code, fd.OptionSet.Code, o.Code, o.Label)
					}
				}
			}
		}
	}
}

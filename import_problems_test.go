package weijian

import (
	"strings"
	"testing"
)

// English counts take the right number; Chinese needs none.
func TestImportFailureCounts(t *testing.T) {
	one := []Issue{{Row: 2, Rule: "x", Msg: T("错", "wrong")}}
	err := ImportFailure(one, 0)
	if en := ErrorMessage(err, "en"); !strings.Contains(en, "1 problem found") {
		t.Errorf("one issue: %q", en)
	}
	if s := err.Error(); !strings.Contains(s, "(1 problem;") {
		t.Errorf("Error(): %q", s)
	}
	err = ImportFailure(append(one, one...), 1)
	if en, zh := ErrorMessage(err, "en"), ErrorMessage(err, "zh"); !strings.Contains(en, "3 problems found") || !strings.Contains(zh, "发现3处问题") {
		t.Errorf("three issues: %q %q", en, zh)
	}
}

// Problems found while reading the file and by the import's own checks
// come back together, ordered by row.
func TestWithPriorIssues(t *testing.T) {
	prior := []Issue{{Row: 5, Rule: "not_integer"}, {Row: 2, Rule: "bad_date"}}
	err := WithPriorIssues(ImportFailure([]Issue{{Row: 3, Rule: "unknown_unit"}}, 0), prior)
	var got []string
	for _, is := range ErrorIssues(err) {
		got = append(got, is.Rule)
	}
	if strings.Join(got, ",") != "bad_date,unknown_unit,not_integer" {
		t.Errorf("issues %v", got)
	}
	if err := WithPriorIssues(nil, prior); len(ErrorIssues(err)) != 2 {
		t.Errorf("prior issues alone: %v", err)
	}
	if err := WithPriorIssues(nil, nil); err != nil {
		t.Errorf("nothing wrong: %v", err)
	}
}

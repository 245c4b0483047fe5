package expr

import (
	"context"
	"testing"
)

// Parsing never panics; a tree prints as source that parses to the same
// tree; checking and evaluating a parsed tree never panic.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"#{tuoyu.places} / #{tuoyu.places_target} * 100",
		`persons("hypertension", followups >= 4 and max_gap_days <= 92 and annual_check)`,
		"if(#{births} > 0, ytd(#{births}), last_year(#{births}))",
		"pop{sex=F; age=35-64}", "#{peixun.renci; 类型=线上,线下}", "round(-1.5e3 / 7, 2)",
		"not a = b and c // comment", `"a\"b"`, "I{x} + C{y}", "((1))", "-(-(1))",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		n, err := Parse(src)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("Parse(%q) returned %T, want *Error", src, err)
			}
			return
		}
		printed := n.String()
		m, err := Parse(printed)
		if err != nil {
			t.Fatalf("Parse(%q) ok, but its printed form %q does not parse: %v", src, printed, err)
		}
		if m.String() != printed {
			t.Fatalf("round trip of %q: %q then %q", src, printed, m.String())
		}
		if _, err := Check(n, testEnv{}, TAny); err == nil {
			Eval(context.Background(), n, &mapResolver{}, Query{})
		}
	})
}

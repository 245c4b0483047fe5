package expr

import (
	"context"
	"testing"

	"github.com/weijian-health/weijian/internal/period"
)

// Parsing never panics; a tree prints as source that parses to the same
// tree; checking and evaluating a parsed tree never panic; its compiled
// form gives what Eval gives.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds() {
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
			sameAsEval(t, n, Query{Span: fuzzSpan})
		}
	})
}

var fuzzSpan = period.Span{Start: period.NewDate(2024, 2, 29), End: period.NewDate(2024, 12, 31)}

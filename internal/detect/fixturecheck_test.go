package detect

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// recorder is a testing.TB that records failures instead of failing: it
// runs the fixture checks on fixtures that must fail.
type recorder struct {
	testing.TB
	failures []string
}

func (r *recorder) Helper()             {}
func (r *recorder) Logf(string, ...any) {}
func (r *recorder) Errorf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

// check runs checkFixture on fx and returns the failures it reported.
func (r *recorder) check(fx *fixture) []string {
	done := make(chan struct{})
	go func() {
		defer close(done)
		checkFixture(r, fx)
	}()
	<-done
	return r.failures
}

// The fixture test itself: each testdata/fixturecheck/bad_*.json (an
// unlisted or changed tolerance_note, an unknown or misplaced output key,
// a noted fixture differing where its note does not excuse it) fails it;
// each ok_*.json (a noted fixture differing only where the note says it
// may) passes.
func TestFixtureCheckFailsBadFixtures(t *testing.T) {
	paths, err := filepath.Glob("testdata/fixturecheck/*.json")
	if err != nil || len(paths) < 2 {
		t.Fatalf("fixtures: %v %v", paths, err)
	}
	for _, p := range paths {
		fx, err := loadFixture(p)
		if err != nil {
			t.Fatal(err)
		}
		got := (&recorder{TB: t}).check(fx)
		name := filepath.Base(p)
		switch {
		case strings.HasPrefix(name, "bad_") && len(got) == 0:
			t.Errorf("%s passes the fixture check", name)
		case strings.HasPrefix(name, "ok_") && len(got) > 0:
			t.Errorf("%s fails the fixture check: %s", name, strings.Join(got, "; "))
		default:
			t.Logf("%s: %d failures: %.300s", name, len(got), strings.Join(got, "; "))
		}
	}
}

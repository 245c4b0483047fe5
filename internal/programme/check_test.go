package programme

import (
	"github.com/google/go-cmp/cmp"
	"github.com/weijian-health/weijian"
	"sync"
	"testing"

	"github.com/weijian-health/weijian/internal/period"
)

func date(s string) period.Date {
	d, err := period.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

var (
	builtinOnce sync.Once
	builtinCat  *Catalogue
	builtinErr  error
)

// builtin returns the embedded catalogue (loaded once for all tests) with
// today set to 2024-12-31; a test that moves the day does so after this.
func builtin(t testing.TB) *Catalogue {
	t.Helper()
	builtinOnce.Do(func() { builtinCat, builtinErr = LoadBuiltin() })
	if builtinErr != nil {
		t.Fatalf("LoadBuiltin: %v", builtinErr)
	}
	builtinCat.SetToday(func() period.Date { return date("2024-12-31") })
	return builtinCat
}

func stage(t testing.TB, c *Catalogue, prog, st string) *Stage {
	t.Helper()
	p, ok := c.Programme(prog)
	if !ok {
		t.Fatalf("no programme %s", prog)
	}
	s, ok := p.Stage(st)
	if !ok {
		t.Fatalf("%s has no stage %s", prog, st)
	}
	return s
}

// wantRules asserts that errs holds exactly the (field, rule) pairs.
func wantRules(t *testing.T, errs []FieldError, want ...string) {
	t.Helper()
	var got []string
	for _, e := range errs {
		got = append(got, e.Field+" "+e.Rule)
		if e.Msg.ZH == "" || e.Msg.EN == "" {
			t.Errorf("%v: message not bilingual", e)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("errors = %q, want %q", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("errors = %q, want %q", got, want)
		}
	}
}

func tx(zh, en string) weijian.Text { return weijian.T(zh, en) }

func diffDue(t *testing.T, got, want []DueItem) {
	t.Helper()
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("due items (-want +got):\n%s", d)
	}
}

func diffMap(t *testing.T, got, want map[string]any) {
	t.Helper()
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("values (-want +got):\n%s", d)
	}
}

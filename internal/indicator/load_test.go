package indicator

import (
	"testing"
)

func builtin(t testing.TB) *Library {
	t.Helper()
	lib, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

func TestBuiltinLoads(t *testing.T) {
	lib := builtin(t)
	if len(lib.All()) == 0 {
		t.Fatal("empty library")
	}
	for _, d := range lib.All() {
		if d.Definition.ZH == "" || d.Source == "" || d.Name.ZH == "" || len(d.Versions) == 0 {
			t.Errorf("%s: incomplete definition", d.Code)
		}
	}
}

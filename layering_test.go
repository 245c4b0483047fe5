package weijian_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The domain package stays free of storage and HTTP: those are adapters
// above it (STYLE.md, "domain at the bottom").
func TestDomainImportsNoAdapters(t *testing.T) { noAdapters(t, ".", "package weijian") }

// noAdapters fails the test if pkg depends on storage or HTTP.
func noAdapters(t *testing.T, pkg, name string) {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", pkg).Output()
	if err != nil {
		t.Fatalf("go list %s: %v", pkg, err)
	}
	for _, dep := range strings.Fields(string(out)) {
		switch {
		case dep == "database/sql", dep == "net/http",
			strings.Contains(dep, "/internal/sqlstore"), strings.Contains(dep, "/internal/web"):
			t.Errorf("%s depends on %s", name, dep)
		}
	}
}

// The web layer never imports the SQL store, nor the store the web layer.
func TestAdaptersDoNotImportEachOther(t *testing.T) {
	for pkg, banned := range map[string]string{
		"./internal/web":      "/internal/sqlstore",
		"./internal/sqlstore": "/internal/web",
	} {
		out, err := exec.Command("go", "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			if strings.HasSuffix(dep, banned) {
				t.Errorf("%s depends on %s", pkg, dep)
			}
		}
	}
}

// The programme metadata layer is pure: no storage, no HTTP.
func TestProgrammeIsPure(t *testing.T) { noAdapters(t, "./internal/programme", "internal/programme") }

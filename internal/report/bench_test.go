package report

import (
	"context"
	"io"
	"testing"
)

// The annual summary of the fixed county to DOCX: templates, phrases and
// the writer without a database (see cmd/weijian for the demo county).
func BenchmarkAnnualSummaryDOCXFixed(b *testing.B) {
	src, x := fixedSources()
	list, err := Builtins(x.lib)
	if err != nil {
		b.Fatal(err)
	}
	tm := Find(list, "annual_summary")
	for b.Loop() {
		d, err := tm.Render(context.Background(), src, Params{OrgUnit: "320621", OUName: "海安市", Period: "2024"})
		if err != nil {
			b.Fatal(err)
		}
		if err := d.WriteDOCX(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// Loading and checking the four built-in templates.
func BenchmarkBuiltins(b *testing.B) {
	lib := testLibrary()
	for b.Loop() {
		if _, err := Builtins(lib); err != nil {
			b.Fatal(err)
		}
	}
}

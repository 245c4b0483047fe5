package check

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// benchText is a 20,000-character report made of the real texts, repeated.
func benchText(b *testing.B) string {
	dir := reportsDir(b)
	var all strings.Builder
	for _, n := range []string{"000_6df6edabab3eeb7c.txt", "001_d9b8678219b8fe24.txt", "002_b6418ea8e6ecdeae.txt"} {
		data, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			b.Fatal(err)
		}
		all.Write(data)
	}
	rs := []rune(strings.Repeat(all.String(), 3))
	return string(rs[:20000])
}

// BenchmarkCheck20k checks a 20,000-character report (goal: ≤ 1 s).
func BenchmarkCheck20k(b *testing.B) {
	text := benchText(b)
	c := newTestChecker(b)
	b.ResetTimer()
	for range b.N {
		if _, err := c.Check(context.Background(), text, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNew is the one-off cost of loading the OpenCC dictionaries.
func BenchmarkNew(b *testing.B) {
	for range b.N {
		if _, err := New(); err != nil {
			b.Fatal(err)
		}
	}
}

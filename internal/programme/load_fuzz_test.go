package programme

import (
	"errors"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// FuzzLoad checks that no programme file, however broken, makes Load
// panic, and that every error it reports names the file.
func FuzzLoad(f *testing.F) {
	for _, name := range []string{"testdata/good/demo.yaml", "testdata/bad/two_schedules/demo.yaml", "testdata/bad/syntax/demo.yaml"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	b, err := os.ReadFile(filepath.Join("..", "..", "metadata", "programmes", "newborn_hearing.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := Load(fstest.MapFS{"demo.yaml": {Data: data}})
		if err == nil {
			return
		}
		es, ok := err.(MetadataErrors)
		if !ok {
			t.Fatalf("error %T: %v", err, err)
		}
		for _, e := range es {
			if e.File != "demo.yaml" {
				t.Fatalf("error without the file: %#v", e)
			}
		}
	})
}

// TestLoadMutations runs Load over 1,500 deterministic mutations of a real
// programme file (YAML punctuation inserted, bytes deleted, runs cut): no
// panic, and every failure is a list of errors naming the file and a line.
// (On this machine the native fuzzer above stalls after a few executions —
// not inside Load, which returned at once on the last input it received —
// so this keeps the property checked in every test run.)
func TestLoadMutations(t *testing.T) {
	seed, err := os.ReadFile(filepath.Join("..", "..", "metadata", "programmes", "newborn_hearing.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	special := []byte("[]{}:-?&*!|>'\"%@`#,\n \t")
	r := rand.New(rand.NewSource(7))
	for i := 0; i < 1500; i++ {
		b := append([]byte(nil), seed...)
		for k := 0; k < 1+r.Intn(8); k++ {
			j := r.Intn(len(b))
			switch r.Intn(4) {
			case 0:
				b[j] = special[r.Intn(len(special))]
			case 1:
				b = append(b[:j], b[j+1:]...)
			case 2:
				b = append(b[:j], append([]byte{special[r.Intn(len(special))]}, b[j:]...)...)
			case 3:
				if n := r.Intn(50); j+n < len(b) {
					b = append(b[:j], b[j+n:]...)
				}
			}
		}
		_, err := Load(fstest.MapFS{"newborn_hearing.yaml": {Data: b}})
		if err == nil {
			continue
		}
		var es MetadataErrors
		if !errors.As(err, &es) {
			t.Fatalf("mutation %d: error %T: %v", i, err, err)
		}
		for _, e := range es {
			if e.File != "newborn_hearing.yaml" || e.Line == 0 {
				t.Fatalf("mutation %d: error without file or line: %v", i, e)
			}
		}
	}
}

// Package metadata holds the platform's built-in metadata files, embedded
// in the binary: programme definitions (programmes/*.yaml, with shared
// code tables in programmes/optionsets/*.yaml). Adding a programme is adding
// a file here (or to a directory given at start); see docs/design.md.
package metadata

import (
	"embed"
	"io/fs"
)

//go:embed programmes
var programmes embed.FS

// Programmes returns the built-in programme files, rooted at the
// programmes folder, as internal/programme.Load expects.
func Programmes() fs.FS {
	sub, err := fs.Sub(programmes, "programmes")
	if err != nil {
		panic(err) // the folder is embedded above; this cannot fail
	}
	return sub
}

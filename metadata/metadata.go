// Package metadata embeds Weijian's built-in metadata files (the disease
// catalogue, later programmes, indicators and data sets): adding a disease
// is an edit of a file here, not of code. The packages that use a file
// parse and check it; this package only carries the bytes.
package metadata

import "embed"

// DiseasesFile is the name of the notifiable-disease catalogue, for messages.
const DiseasesFile = "metadata/diseases.yaml"

// Diseases is the notifiable-disease catalogue (see internal/surveil).
//
//go:embed diseases.yaml
var Diseases []byte

// DataSets holds the built-in data set definitions, datasets/*.yaml.
//
//go:embed datasets/*.yaml
var DataSets embed.FS

// Reports holds the built-in report templates, reports/*.md (see
// internal/report): Markdown with live placeholders.
//
//go:embed reports/*.md
var Reports embed.FS

// Indicators holds the built-in indicator library, indicators/*.yaml
// (internal/indicator loads and checks it).
//
//go:embed indicators/*.yaml
var Indicators embed.FS

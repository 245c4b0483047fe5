// Package metadata embeds the built-in metadata files: data sets
// (datasets/*.yaml). They are loaded and checked when the program starts.
package metadata

import "embed"

// DataSets holds the built-in data set definitions, datasets/*.yaml.
//
//go:embed datasets/*.yaml
var DataSets embed.FS

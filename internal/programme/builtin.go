package programme

import "github.com/weijian-health/weijian/metadata"

// LoadBuiltin loads the programmes embedded in the binary (metadata/programmes).
func LoadBuiltin() (*Catalogue, error) { return Load(metadata.Programmes()) }

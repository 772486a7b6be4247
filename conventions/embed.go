// Package conventions embeds gazr's built-in conventions: one TOML file per
// ecosystem, mapping the gazr verbs to commands and an image. They are data,
// not code, so that adding an ecosystem is adding a file; package
// convention (pkg/convention) parses and detects them.
package conventions

import "embed"

// FS holds every *.toml convention file.
//
//go:embed *.toml
var FS embed.FS

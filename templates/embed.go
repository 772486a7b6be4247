// Package templates embeds the project templates of `gazr new`: one
// directory per template, listed with a one-line description in
// templates.toml. They are data, not code, so that adding a template is
// adding a directory; package scaffold (pkg/scaffold) validates and renders
// them.
//
// Inside a template, a file whose name ends in ".tmpl" is a text/template,
// rendered with scaffold.Data and written without the suffix; every other
// file is copied byte for byte, so `{{` in a plain file is never touched.
// Go sources and go.mod are always ".tmpl": a go.mod here would make the
// directory another module (which go:embed refuses), and *.go files would
// be compiled, vetted and tested as part of gazr itself.
package templates

import "embed"

// FS holds templates.toml and every template directory, dotfiles included
// (.gazr.toml, .gitignore, .dockerignore…).
//
//go:embed templates.toml all:go-http all:node-http all:python-http
var FS embed.FS

// Package greet is the example project gazr's README runs: a Go module
// with no .gazr.toml of its own beyond an image, so the go convention
// supplies every verb.
package greet

// Hello greets name.
func Hello(name string) string {
	if name == "" {
		name = "world"
	}
	return "hello, " + name
}

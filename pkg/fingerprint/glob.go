package fingerprint

import (
	"path"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// glob is a compiled sources/generates pattern in doublestar's language
// (config.CheckGlob validated it): "**" matches any number of
// directories, "{a,b}" alternatives, "[!x]" a negated class. Its segments
// let the walk skip the directories no match can be under.
type glob struct {
	pattern string
	segs    []string
	// literal is the whole pattern when it has no wildcard ("go.mod");
	// name is its last segment when the pattern is "**/<name glob>", the
	// commonest form ("**/*.go"), matched against file names alone.
	literal, name string
}

func compile(patterns []string) []glob {
	out := make([]glob, 0, len(patterns))
	for _, p := range patterns {
		g := glob{pattern: p, segs: strings.Split(path.Clean(p), "/")}
		switch {
		case !hasMeta(p):
			g.literal = path.Clean(p)
		case len(g.segs) == 2 && g.segs[0] == "**" && g.segs[1] != "**":
			g.name = g.segs[1]
		case splitsBraces(p):
			// "{cmd,pkg/x}/*.go": a segment is not a pattern of its own.
			g.segs = []string{"**"}
		}
		out = append(out, g)
	}
	return out
}

// base is the directory the pattern's matches are all under: its leading
// segments without wildcards ("src/**/*.go" -> "src", "*.go" -> ".").
func (g glob) base() string {
	n := 0
	for n < len(g.segs)-1 && !hasMeta(g.segs[n]) {
		n++
	}
	if n == 0 {
		return "."
	}
	return strings.Join(g.segs[:n], "/")
}

// match reports whether the slash path rel (relative to the root) matches.
func (g glob) match(rel string) bool {
	switch {
	case g.literal != "":
		return rel == g.literal
	case g.name != "":
		ok, _ := doublestar.Match(g.name, rel[strings.LastIndexByte(rel, '/')+1:])
		return ok
	}
	ok, _ := doublestar.Match(path.Clean(g.pattern), rel)
	return ok
}

// mayContain reports whether a directory (slash path, relative) can hold
// a match, so that the walk skips the subtrees no pattern reaches.
func (g glob) mayContain(dir string) bool {
	if dir == "." {
		return true
	}
	name := strings.Split(dir, "/")
	for i, seg := range g.segs {
		if seg == "**" {
			return true
		}
		if i == len(name) {
			return true
		}
		if i == len(g.segs)-1 {
			return false // the last segment names files, and dir is deeper
		}
		if ok, _ := doublestar.Match(seg, name[i]); !ok {
			return false
		}
	}
	return false
}

func hasMeta(s string) bool { return strings.ContainsAny(s, `*?[{\`) }

// splitsBraces reports a "{…}" holding a slash, whose alternatives span
// segments.
func splitsBraces(p string) bool {
	depth := 0
	for _, c := range p {
		switch {
		case c == '{':
			depth++
		case c == '}' && depth > 0:
			depth--
		case c == '/' && depth > 0:
			return true
		}
	}
	return false
}

package fingerprint

import (
	"path"
	"strings"
)

// glob is a compiled sources/generates pattern: slash-separated segments,
// each matched with path.Match, where a "**" segment matches any number of
// directories (config.CheckGlob validated the syntax).
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
		case !hasMeta(g.segs[0]) && len(g.segs) == 1 || !strings.ContainsAny(p, `*?[\`):
			g.literal = path.Clean(p)
		case len(g.segs) == 2 && g.segs[0] == "**" && g.segs[1] != "**":
			g.name = g.segs[1]
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
		ok, _ := path.Match(g.name, rel[strings.LastIndexByte(rel, '/')+1:])
		return ok
	}
	return matchSegs(g.segs, strings.Split(rel, "/"))
}

func matchSegs(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			rest := pat[1:]
			if len(rest) == 0 {
				return true
			}
			for i := 0; i <= len(name); i++ {
				if matchSegs(rest, name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], name[0]); !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
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
		if ok, _ := path.Match(seg, name[i]); !ok {
			return false
		}
	}
	return false
}

func hasMeta(s string) bool { return strings.ContainsAny(s, `*?[\`) }

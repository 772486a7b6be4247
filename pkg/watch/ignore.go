package watch

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// DefaultIgnores are the paths no watch reacts to: version control,
// dependency trees, tools' state and caches, editors' temporary files.
// Each is a .gitignore-style pattern.
var DefaultIgnores = []string{
	".git/", ".hg/", ".svn/",
	"node_modules/", ".venv/", "venv/", "__pycache__/", ".pytest_cache/", ".mypy_cache/", ".tox/",
	".task/", ".gazr/",
	"*.swp", "*.swx", "*~", ".#*", "4913", ".DS_Store",
}

// Ignore decides which paths of a project a watch skips. Patterns follow
// .gitignore: a pattern without a slash matches at any depth, one with a
// slash is anchored at the root, a trailing slash matches directories
// only, "!" re-includes, "**" is any number of directories, and the last
// matching pattern wins. A directory that matches covers everything in it.
type Ignore struct {
	rules []rule
}

type rule struct {
	segs    []string // glob segments, "**" for any number
	negate  bool
	dirOnly bool
}

// NewIgnore returns the rules for the project at root: DefaultIgnores,
// then the root's .gitignore (nested .gitignore files and the global
// excludes file are not read), then extra — globs relative to the root,
// such as a verb's generates, so that a run's own outputs never trigger
// the next run.
func NewIgnore(root string, extra []string) (*Ignore, error) {
	ig := &Ignore{}
	ig.Add(DefaultIgnores...)
	data, err := os.ReadFile(filepath.Join(root, ".gitignore"))
	switch {
	case err == nil:
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			ig.Add(sc.Text())
		}
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	for _, g := range extra {
		ig.Add("/" + strings.TrimPrefix(g, "/"))
	}
	return ig, nil
}

// Add appends .gitignore-style patterns; blank lines and comments are
// skipped.
func (ig *Ignore) Add(patterns ...string) {
	for _, p := range patterns {
		p = strings.TrimRight(strings.TrimSuffix(p, "\r"), " ")
		if p == "" || strings.HasPrefix(p, "#") {
			continue
		}
		var r rule
		if strings.HasPrefix(p, "!") {
			r.negate, p = true, p[1:]
		}
		p = strings.TrimPrefix(p, `\`) // "\#file", "\!file"
		if strings.HasSuffix(p, "/") {
			r.dirOnly, p = true, strings.TrimRight(p, "/")
		}
		if !strings.Contains(p, "/") {
			p = "**/" + p
		}
		p = strings.TrimPrefix(p, "/")
		if p == "" {
			continue
		}
		r.segs = strings.Split(p, "/")
		ig.rules = append(ig.rules, r)
	}
}

// Match reports whether rel (slash-separated, relative to the root) is
// ignored; isDir tells whether rel is a directory.
func (ig *Ignore) Match(rel string, isDir bool) bool {
	rel = strings.Trim(filepath.ToSlash(rel), "/")
	if rel == "" || rel == "." {
		return false
	}
	segs := strings.Split(rel, "/")
	// A directory that is ignored hides what it holds: check the parents
	// first, as git does.
	for i := 1; i < len(segs); i++ {
		if ig.match(segs[:i], true) {
			return true
		}
	}
	return ig.match(segs, isDir)
}

func (ig *Ignore) match(segs []string, isDir bool) bool {
	ignored := false
	for _, r := range ig.rules {
		if r.dirOnly && !isDir {
			continue
		}
		if matchSegs(r.segs, segs) {
			ignored = !r.negate
		}
	}
	return ignored
}

// matchSegs matches path segments against glob segments, each with
// path.Match, "**" standing for zero or more segments.
func matchSegs(pat, segs []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(segs); i++ {
				if matchSegs(pat[1:], segs[i:]) {
					return true
				}
			}
			return false
		}
		if len(segs) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], segs[0]); !ok {
			return false
		}
		pat, segs = pat[1:], segs[1:]
	}
	return len(segs) == 0
}

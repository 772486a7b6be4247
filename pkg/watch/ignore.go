package watch

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
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
// .gitignore: a pattern without a slash matches at any depth below its
// file's directory, one with a slash is anchored there, a trailing slash
// matches directories only, "!" re-includes, "**" is any number of
// directories, "[!x]" a negated class, and the last matching pattern wins
// (so a deeper .gitignore overrides a shallower one). A directory that
// matches covers everything in it.
type Ignore struct {
	rules []rule
}

type rule struct {
	pattern string // doublestar pattern, relative to the root
	negate  bool
	dirOnly bool
}

// NewIgnore returns the rules for the project at root: DefaultIgnores,
// then every .gitignore of the tree outside ignored directories (the
// global excludes file is not read), then extra — doublestar globs
// relative to the root, such as a verb's generates, so that a run's own
// outputs never trigger the next run.
func NewIgnore(root string, extra []string) (*Ignore, error) {
	ig := &Ignore{}
	ig.Add(DefaultIgnores...)
	if err := ig.readGitignores(root); err != nil {
		return nil, err
	}
	for _, g := range extra {
		if p := strings.Trim(g, "/"); p != "" {
			ig.rules = append(ig.rules, rule{pattern: p})
		}
	}
	return ig, nil
}

// readGitignores adds the .gitignore files of root's tree, parents before
// children, not descending into what they ignore (as git does).
func (ig *Ignore) readGitignores(root string) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root {
				return err
			}
			return nil // an unreadable directory holds nothing to watch either
		}
		if !d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel != "." && ig.Match(rel, true) {
			return filepath.SkipDir
		}
		data, err := os.ReadFile(filepath.Join(p, ".gitignore"))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil
		case err != nil:
			return fmt.Errorf("read %s: %w", filepath.Join(rel, ".gitignore"), err)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			ig.AddIn(rel, sc.Text())
		}
		return nil
	})
}

// Add appends .gitignore-style patterns relative to the root; blank lines
// and comments are skipped.
func (ig *Ignore) Add(patterns ...string) {
	ig.AddIn(".", patterns...)
}

// AddIn appends the patterns of the .gitignore in dir (slash path relative
// to the root).
func (ig *Ignore) AddIn(dir string, patterns ...string) {
	for _, p := range patterns {
		if r, ok := parseRule(dir, p); ok {
			ig.rules = append(ig.rules, r)
		}
	}
}

// parseRule turns one .gitignore line into a rule on root-relative paths.
func parseRule(dir, p string) (rule, bool) {
	p = strings.TrimSuffix(p, "\r")
	// Trailing spaces count only when escaped ("a\ " is "a ").
	if p = strings.TrimRight(p, " "); strings.HasSuffix(p, `\`) {
		p += " "
	}
	if p == "" || strings.HasPrefix(p, "#") {
		return rule{}, false
	}
	var r rule
	if strings.HasPrefix(p, "!") {
		r.negate, p = true, p[1:]
	}
	if strings.HasSuffix(p, "/") {
		r.dirOnly, p = true, strings.TrimRight(p, "/")
	}
	if !strings.Contains(p, "/") {
		p = "**/" + p
	}
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return rule{}, false
	}
	// Git's globs have no braces: they are plain characters.
	p = strings.NewReplacer("{", `\{`, "}", `\}`).Replace(p)
	if dir != "." && dir != "" {
		p = quoteMeta(dir) + "/" + p
	}
	r.pattern = p
	return r, true
}

// quoteMeta escapes the glob characters of a literal path.
func quoteMeta(s string) string {
	var b strings.Builder
	for _, c := range s {
		if strings.ContainsRune(`*?[]{}\`, c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Match reports whether rel (slash-separated, relative to the root) is
// ignored; isDir tells whether rel is a directory.
func (ig *Ignore) Match(rel string, isDir bool) bool {
	rel = strings.Trim(filepath.ToSlash(rel), "/")
	if rel == "" || rel == "." {
		return false
	}
	// A directory that is ignored hides what it holds: check the parents
	// first, as git does.
	for i := strings.IndexByte(rel, '/'); i >= 0; i = nextSlash(rel, i) {
		if ig.match(rel[:i], true) {
			return true
		}
	}
	return ig.match(rel, isDir)
}

// nextSlash is the index of the slash after the one at i, or -1.
func nextSlash(s string, i int) int {
	j := strings.IndexByte(s[i+1:], '/')
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

func (ig *Ignore) match(rel string, isDir bool) bool {
	ignored := false
	for _, r := range ig.rules {
		if r.dirOnly && !isDir {
			continue
		}
		if ok, _ := doublestar.Match(r.pattern, rel); ok {
			ignored = !r.negate
		}
	}
	return ignored
}

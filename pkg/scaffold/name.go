package scaffold

import (
	"bytes"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// validBase is what the last element of a target may be: the project's
// name (compose project, Go module, package.json) comes from it, so it is
// one word of letters, digits, '.', '-' and '_', starting with a letter or
// digit. Anything else would be renamed silently, or break a tool later.
var validBase = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// CheckName refuses a target users would not mean: a relative path that
// climbs out of the current directory ("../x": a typo far more often than
// a wish, and an absolute path says it plainly), and a last element that
// cannot name a project ("my app", "-x"). Absolute paths are accepted, as
// cargo new and go mod init accept them.
func CheckName(dir string) error {
	if strings.TrimSpace(dir) == "" {
		return nil // checkTarget says that none was given
	}
	if !filepath.IsAbs(dir) && slices.Contains(strings.Split(filepath.ToSlash(dir), "/"), "..") {
		return inputErrorf("target %q leaves the current directory: give a path below it, or an absolute path", dir)
	}
	// "." and "sub/.." name the project after the directory they are.
	base := filepath.Base(filepath.Clean(dir))
	if abs, err := filepath.Abs(dir); err == nil {
		base = filepath.Base(abs)
	}
	if !validBase.MatchString(base) {
		return inputErrorf("target %q cannot name a project: use letters, digits, '.', '-' and '_', starting with a letter or digit (e.g. my-app)", dir)
	}
	return nil
}

// UsesModule tells whether the template renders .Module (a Go module
// path): --module is refused for a template that would ignore it.
func (t *Template) UsesModule() bool {
	used := false
	_ = fs.WalkDir(t.fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || used || d.IsDir() || !strings.HasSuffix(p, ".tmpl") {
			return err
		}
		b, err := fs.ReadFile(t.fsys, p)
		used = err == nil && bytes.Contains(b, []byte(".Module"))
		return nil
	})
	return used
}

package scaffold

import (
	"fmt"
	"regexp"
	"strings"

	"golang.org/x/mod/module"
)

// Options drive New.
type Options struct {
	// Template is the template's name or alias.
	Template string
	// Dir is the project directory to create: it must not exist (its
	// parent must) or be empty. Relative to the current directory.
	Dir string
	// Module is the Go module path; "" means "example.com/<name>".
	Module string
	// GazrVersion is the running gazr's version; the CI files pin its
	// release (Data.GazrVersion).
	GazrVersion string
}

// Result is a created project.
type Result struct {
	Template *Template
	// Dir is the project's absolute path.
	Dir string
	// Data is what the templates were rendered with.
	Data Data
	// Files are the files written, in order.
	Files []File
}

// New creates a project: it looks the template up, checks the target and
// the module path, renders every file in memory, then writes them all at
// once (see write). Bad input is an *InputError and writes nothing.
func (c *Catalog) New(opts Options) (*Result, error) {
	t, err := c.Lookup(opts.Template)
	if err != nil {
		return nil, err
	}
	if err := CheckName(opts.Dir); err != nil {
		return nil, err
	}
	if opts.Module != "" && !t.UsesModule() {
		return nil, inputErrorf("--module is for Go templates: template %s has no Go module (drop --module)", t.Name)
	}
	tgt, err := checkTarget(opts.Dir)
	if err != nil {
		return nil, err
	}
	data := Data{Name: ProjectName(tgt.dir), Module: opts.Module, Template: t.Name, GazrVersion: ReleaseVersion(opts.GazrVersion)}
	if data.Module == "" {
		data.Module = "example.com/" + data.Name
	}
	if err := module.CheckPath(data.Module); err != nil {
		return nil, inputErrorf("invalid Go module path %q: %v (set one with --module, e.g. github.com/you/%s)", data.Module, err, data.Name)
	}
	files, err := t.Render(data)
	if err != nil {
		return nil, err
	}
	if err := write(tgt, files); err != nil {
		return nil, err
	}
	return &Result{Template: t, Dir: tgt.dir, Data: data, Files: files}, nil
}

// Describe is the template's line in `gazr new --list`: its description
// and, if any, its aliases.
func (t *Template) Describe() string {
	if len(t.Aliases) == 0 {
		return t.Description
	}
	return fmt.Sprintf("%s (alias: %s)", t.Description, strings.Join(t.Aliases, ", "))
}

// releaseRE is a release's version, as goreleaser stamps it (1.2.3) or
// as go install reports it (v1.2.3).
var releaseRE = regexp.MustCompile(`^v?([0-9]+\.[0-9]+\.[0-9]+)$`)

// ReleaseVersion is the release of gazr version v as its archives name it
// ("1.2.3" for "v1.2.3"), or "latest" for a build that is no release
// ("dev", a pseudo-version, a pre-release): the CI files then take the
// newest release.
func ReleaseVersion(v string) string {
	if m := releaseRE.FindStringSubmatch(v); m != nil {
		return m[1]
	}
	return "latest"
}

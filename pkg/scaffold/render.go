package scaffold

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"text/template"
)

// TemplateSuffix marks the files of a template that are text/templates:
// "go.mod.tmpl" is rendered with Data and written as "go.mod". Every other
// file is copied byte for byte, so that `{{` in a plain file (a compose
// file, a CI workflow) is never touched.
const TemplateSuffix = ".tmpl"

// Data is what a template's .tmpl files can use.
type Data struct {
	// Name is the project name: the target directory's base name as
	// config.DefaultName makes it, with '.' replaced by '-' so that it is
	// also a valid compose project name. Characters: [a-z0-9_-].
	Name string
	// Module is the Go module path; default "example.com/<Name>".
	Module string
	// Template is the template's name (not the alias it was asked by).
	Template string
	// GazrVersion is the gazr release the project's CI installs: the
	// running gazr's, "1.2.3", or "latest" when it is not a release (see
	// ReleaseVersion).
	GazrVersion string
}

// File is one rendered file of a project.
type File struct {
	// Path is slash-separated and relative to the project root; it never
	// has a ".." element and is never absolute.
	Path string
	// Mode is 0o755 for an executable (an executable bit in the template's
	// file system, or content starting with "#!"), else 0o644.
	Mode fs.FileMode
	// Content is the file's content, rendered for .tmpl files.
	Content []byte
}

// Render returns the files of t for data, in the template's lexical order.
// Anything but regular files and directories (a symlink, a device) and any
// path that could escape the project (absolute, "..", backslashes) is an
// error, as are two files with the same path once the suffix is removed
// and a template that fails to parse or execute (path:line in the error).
func (t *Template) Render(data Data) ([]File, error) {
	var files []File
	seen := map[string]string{}
	err := fs.WalkDir(t.fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		out := strings.TrimSuffix(p, TemplateSuffix)
		if err := checkPath(out); err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s is a %s: templates hold regular files and directories only", p, kind(d.Type()))
		}
		if prev, ok := seen[out]; ok {
			return fmt.Errorf("%s and %s both write %s", prev, p, out)
		}
		seen[out] = p
		f, err := t.renderFile(p, out, data)
		if err != nil {
			return err
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", t.Name, err)
	}
	return files, nil
}

func (t *Template) renderFile(p, out string, data Data) (File, error) {
	content, err := fs.ReadFile(t.fsys, p)
	if err != nil {
		return File{}, err
	}
	mode := fs.FileMode(0o644)
	fi, err := fs.Stat(t.fsys, p)
	if err != nil {
		return File{}, err
	}
	// embed.FS reports 0o444 for every file: a shebang is what marks a
	// script there.
	if fi.Mode().Perm()&0o111 != 0 || bytes.HasPrefix(content, []byte("#!")) {
		mode = 0o755
	}
	if strings.HasSuffix(p, TemplateSuffix) {
		// The template's name is its path, so that errors read
		// "go.mod.tmpl:3: ...".
		tmpl, err := template.New(p).Option("missingkey=error").Parse(string(content))
		if err != nil {
			return File{}, err
		}
		var b bytes.Buffer
		if err := tmpl.Execute(&b, data); err != nil {
			return File{}, err
		}
		content = b.Bytes()
	}
	return File{Path: out, Mode: mode, Content: content}, nil
}

// checkPath refuses a path that would not stay inside the project.
func checkPath(p string) error {
	if p == "" || !fs.ValidPath(p) || p == "." || path.IsAbs(p) || strings.Contains(p, `\`) {
		return fmt.Errorf("invalid path %q: template paths are relative, slash-separated, without \"..\"", p)
	}
	return nil
}

func kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "symlink"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	default:
		return "irregular file"
	}
}

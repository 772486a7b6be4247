package convention

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/gazr-io/gazr/pkg/taskfile"
)

// Detect returns the convention that applies to the project at root, or
// nil when none does. Marker files are looked up at the root only: a
// convention describes the project, not a subdirectory of it.
//
// A convention whose verbs come from a project file (a Taskfile's tasks,
// a gazr-style Makefile's targets) wins over the language convention,
// whose image and caches it borrows, when the file defines any verb; the
// Taskfile wins over the Makefile (priority).
func Detect(root string) (*Convention, error) {
	list, err := All()
	if err != nil {
		return nil, err
	}
	type found struct {
		c      *Convention
		marker string
	}
	var lang *Convention
	var derived []found
	for _, c := range list {
		marker := firstMarker(root, c.Detect)
		if marker == "" {
			continue
		}
		if c.derived() {
			derived = append(derived, found{c, marker})
			continue
		}
		if lang == nil {
			lang = c.applyWhen(root)
			lang.DetectedBy = marker
		}
	}
	for _, d := range derived {
		c, err := derive(d.c, lang, root, d.marker)
		if err != nil || c != nil {
			return c, err
		}
	}
	return lang, nil
}

// At returns the convention called name, as named in a project's config:
// one whose verbs come from a project file is built from that file at
// root, with the language convention detected beside it.
func At(root, name string) (*Convention, error) {
	c, err := ByName(name)
	if err != nil {
		return nil, err
	}
	if !c.derived() {
		return c.applyWhen(root), nil
	}
	marker := firstMarker(root, c.Detect)
	if marker == "" {
		return nil, fmt.Errorf("convention %s needs a %s at the project root %s", name, c.Detect[0], root)
	}
	var lang *Convention
	if list, err := All(); err == nil {
		for _, l := range list {
			if !l.derived() && firstMarker(root, l.Detect) != "" {
				lang = l
				break
			}
		}
	}
	d, err := derive(c, lang, root, marker)
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, fmt.Errorf("convention %s: %s defines no verb", name, marker)
	}
	d.DetectedBy = ""
	return d, nil
}

// derived reports whether the convention's verbs come from a project file.
func (c *Convention) derived() bool { return c.Makefile || c.Taskfile }

// derive builds the convention of a project file (marker, at root), or
// returns nil when the file defines no verb.
func derive(c, lang *Convention, root, marker string) (*Convention, error) {
	var out *Convention
	switch {
	case c.Taskfile:
		tf, err := taskfile.Load(filepath.Join(root, marker))
		if err != nil {
			return nil, err
		}
		out = taskfileConvention(c, lang, tf)
		if len(out.Verbs) == 0 {
			return nil, nil
		}
	case forwards(filepath.Join(root, marker)):
		return nil, nil
	default:
		targets, err := makeTargets(filepath.Join(root, marker))
		if err != nil || len(targets) == 0 {
			return nil, err
		}
		out = makefileConvention(c, lang, targets)
	}
	out.DetectedBy = marker
	return out, nil
}

func firstMarker(root string, markers []string) string {
	for _, m := range markers {
		if fi, err := os.Stat(filepath.Join(root, m)); err == nil && !fi.IsDir() {
			return m
		}
	}
	return ""
}

package taskfile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v4"
)

// includes reads the includes mapping of the Taskfile at path: each
// namespace is a path (string) or a mapping with taskfile, dir, optional,
// internal, flatten and excludes, as go-task reads them. Remote and
// templated paths need go-task to resolve: they are recorded in Skipped.
func (l *loader) includes(path string, inc *yaml.Node, sc scope, stack []string) error {
	if inc.Kind != yaml.MappingNode {
		return errAt(path, inc, "includes must be a mapping of namespaces to Taskfiles, not %s", kind(inc))
	}
	for i := 0; i+1 < len(inc.Content); i += 2 {
		k, v := inc.Content[i], inc.Content[i+1]
		in, err := readInclude(path, k, v)
		if err != nil {
			return err
		}
		if reason := unresolvable(in.taskfile); reason != "" {
			l.tf.Skipped = append(l.tf.Skipped, fmt.Sprintf("%s: include %q (%s)", l.rel(path), k.Value, reason))
			continue
		}
		target := in.taskfile
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(path), target)
		}
		file := resolveInclude(target)
		if file == "" {
			if in.optional {
				continue
			}
			return errAt(path, v, "include %q: no Taskfile at %q; fix the path or add optional: true", k.Value, in.taskfile)
		}
		child := scope{prefix: sc.prefix + k.Value + ":", internal: sc.internal || in.internal, excludes: in.excludes}
		if in.flatten {
			child.prefix = sc.prefix
		}
		if err := l.load(file, child, stack); err != nil {
			return fmt.Errorf("%s:%d: include %q: %w", path, k.Line, k.Value, err)
		}
	}
	return nil
}

type include struct {
	taskfile           string
	optional, internal bool
	flatten            bool
	excludes           map[string]bool
}

func readInclude(path string, k, v *yaml.Node) (include, error) {
	var in include
	switch v.Kind {
	case yaml.ScalarNode:
		in.taskfile = v.Value
		return in, nil
	case yaml.MappingNode:
	default:
		return in, errAt(path, v, "include %q must be a path or a mapping with taskfile: …, not %s", k.Value, kind(v))
	}
	m := mapping{v}
	var err error
	if in.taskfile, err = m.str(path, "taskfile"); err != nil {
		return in, err
	}
	if in.taskfile == "" {
		return in, errAt(path, v, "include %q has no taskfile: path", k.Value)
	}
	if in.optional, err = m.boolean(path, "optional"); err != nil {
		return in, err
	}
	if in.internal, err = m.boolean(path, "internal"); err != nil {
		return in, err
	}
	if in.flatten, err = m.boolean(path, "flatten"); err != nil {
		return in, err
	}
	ex, err := m.strings(path, "excludes")
	if err != nil {
		return in, err
	}
	if len(ex) > 0 {
		in.excludes = map[string]bool{}
		for _, e := range ex {
			in.excludes[e] = true
		}
	}
	return in, nil
}

// unresolvable says why an include path cannot be read without go-task,
// or "" when it is a plain local path.
func unresolvable(p string) string {
	switch {
	case strings.Contains(p, "{{"):
		return "templated path"
	case strings.Contains(p, "://"), strings.HasPrefix(p, "git@"):
		return "remote Taskfile"
	case strings.HasPrefix(p, "~"):
		return "path in a home directory"
	}
	return ""
}

// resolveInclude returns the Taskfile a local include names: the file
// itself, or the Taskfile in the directory; "" when there is none.
func resolveInclude(target string) string {
	fi, err := os.Stat(target)
	switch {
	case err != nil:
		return ""
	case fi.IsDir():
		return Find(target)
	default:
		return target
	}
}

// Package taskfile reads the tasks of a go-task Taskfile (Taskfile.yml)
// without go-task: names, descriptions, which are internal, and those of
// local includes, each with its file:line. gazr lists them and maps them to
// verbs; running them is the job of the gazr-task helper (cmd/gazr-task),
// which is go-task's own executor, so nothing here evaluates templates,
// vars or commands.
package taskfile

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/limits"
)

// Names are the file names go-task looks for, in its order
// (github.com/go-task/task/v3/taskfile.DefaultTaskfiles).
var Names = []string{
	"Taskfile.yml", "taskfile.yml", "Taskfile.yaml", "taskfile.yaml",
	"Taskfile.dist.yml", "taskfile.dist.yml", "Taskfile.dist.yaml", "taskfile.dist.yaml",
}

// Task is one task of a Taskfile.
type Task struct {
	// Name is the name `task` calls it by: "ns:name" for a task of a
	// namespaced include.
	Name string
	// Desc and Summary are the task's desc and summary, if any.
	Desc, Summary string
	// Internal tasks cannot be called from the command line (internal:
	// true on the task or on its include).
	Internal bool
	// File is the path of the Taskfile that defines the task, relative to
	// the project root; Line is the line of the task's name there.
	File string
	Line int
	// Generates are the task's generates globs, relative to the project
	// root (templated ones left out): files the task writes.
	Generates []string
}

// Origin is "File:Line", as `gazr list` shows it.
func (t Task) Origin() string { return fmt.Sprintf("%s:%d", t.File, t.Line) }

// Taskfile is the tasks of a root Taskfile and of its local includes, in
// the order they appear.
type Taskfile struct {
	// Path is the root Taskfile's absolute path.
	Path  string
	Tasks []Task
	// Skipped lists includes whose tasks are not listed, with why
	// (remote or templated paths need go-task to resolve).
	Skipped []string
}

// Public returns the tasks that can be called: those not internal.
func (tf *Taskfile) Public() []Task {
	var out []Task
	for _, t := range tf.Tasks {
		if !t.Internal {
			out = append(out, t)
		}
	}
	return out
}

// Find returns the path of the Taskfile in dir (go-task's names, in its
// order), or "" when there is none.
func Find(dir string) string {
	for _, n := range Names {
		p := filepath.Join(dir, n)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p
		}
	}
	return ""
}

// maxDepth bounds nested includes, as a guard against cycles that path
// comparison misses (symlinks).
const maxDepth = 16

// Load reads the Taskfile at path and its local includes. Errors are
// *config.Error values located at path:line:col.
func Load(path string) (*Taskfile, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	l := &loader{root: filepath.Dir(abs), tf: &Taskfile{Path: abs}}
	if err := l.load(abs, scope{}, nil); err != nil {
		return nil, err
	}
	return l.tf, nil
}

// scope is what an include applies to the tasks it brings in.
type scope struct {
	prefix   string // "ns:" unless flattened
	internal bool
	excludes map[string]bool
}

type loader struct {
	root string
	tf   *Taskfile
}

func (l *loader) load(path string, sc scope, stack []string) error {
	rel := l.rel(path)
	for _, p := range stack {
		if p == path {
			return &config.Error{Path: path, Msg: fmt.Sprintf("includes itself (through %s); remove the cycle", strings.Join(l.rels(stack), " -> "))}
		}
	}
	if len(stack) >= maxDepth {
		return &config.Error{Path: path, Msg: fmt.Sprintf("includes nested deeper than %d", maxDepth)}
	}
	data, err := limits.ReadFile(path, limits.MaxFileSize)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return &config.Error{Path: path, Msg: "cannot read: " + pe.Err.Error()}
		}
		return &config.Error{Path: path, Msg: err.Error()}
	}
	doc, err := parse(path, data)
	if err != nil {
		return err
	}
	stack = append(stack, path)
	if inc := doc.get("includes"); inc != nil {
		if err := l.includes(path, inc, sc, stack); err != nil {
			return err
		}
	}
	tasks := doc.get("tasks")
	if tasks == nil {
		return nil
	}
	if tasks.Kind != yaml.MappingNode {
		return errAt(path, tasks, "tasks must be a mapping of task names to tasks, not %s", kind(tasks))
	}
	for i := 0; i+1 < len(tasks.Content); i += 2 {
		k, v := tasks.Content[i], tasks.Content[i+1]
		if sc.excludes[k.Value] {
			continue
		}
		t, err := task(path, k, v)
		if err != nil {
			return err
		}
		t.Name, t.File = sc.prefix+t.Name, rel
		t.Generates = rebase(rel, t.Generates)
		t.Internal = t.Internal || sc.internal
		l.tf.Tasks = append(l.tf.Tasks, t)
	}
	return nil
}

// task reads one task: a command (string), a list of commands, or a map.
func task(path string, k, v *yaml.Node) (Task, error) {
	t := Task{Name: k.Value, Line: k.Line}
	if k.Kind != yaml.ScalarNode || k.Value == "" {
		return t, errAt(path, k, "a task name must be a non-empty string")
	}
	if v.Kind != yaml.MappingNode {
		return t, nil
	}
	m := mapping{v}
	var err error
	if t.Desc, err = m.str(path, "desc"); err != nil {
		return t, err
	}
	if t.Summary, err = m.str(path, "summary"); err != nil {
		return t, err
	}
	if t.Internal, err = m.boolean(path, "internal"); err != nil {
		return t, err
	}
	t.Generates = globs(m.get("generates"))
	return t, nil
}

// rebase makes globs relative to the Taskfile at rel relative to the root.
func rebase(rel string, globs []string) []string {
	for i, g := range globs {
		globs[i] = path.Join(path.Dir(rel), g)
	}
	return globs
}

// globs returns the plain glob strings of a sources/generates list, which
// may also hold {exclude: …} entries and templates that only go-task
// resolves.
func globs(n *yaml.Node) []string {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	var out []string
	for _, e := range n.Content {
		if e.Kind == yaml.ScalarNode && e.Value != "" && !strings.Contains(e.Value, "{{") {
			out = append(out, strings.TrimPrefix(e.Value, "./"))
		}
	}
	return out
}

func (l *loader) rel(path string) string {
	if r, err := filepath.Rel(l.root, path); err == nil && !strings.HasPrefix(r, "..") {
		return filepath.ToSlash(r)
	}
	return path
}

func (l *loader) rels(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = l.rel(p)
	}
	return out
}

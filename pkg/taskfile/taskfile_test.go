package taskfile

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/config"
)

// write creates files (name -> content) under a temp dir and returns it.
func write(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// summary renders tasks as "name[:desc][ internal] @file:line" lines.
func summary(tf *Taskfile) string {
	var b strings.Builder
	for _, t := range tf.Tasks {
		b.WriteString(t.Name)
		if t.Desc != "" {
			b.WriteString(" (" + t.Desc + ")")
		}
		if t.Summary != "" {
			b.WriteString(" [" + t.Summary + "]")
		}
		if t.Internal {
			b.WriteString(" internal")
		}
		b.WriteString(" @" + t.Origin() + "\n")
	}
	return b.String()
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"forms of a task", map[string]string{"Taskfile.yml": `version: '3'
tasks:
  short: echo hi
  list: [echo a, echo b]
  empty:
  full:
    desc: runs it
    summary: the long story
    cmds: [echo full]
`}, "short @Taskfile.yml:3\nlist @Taskfile.yml:4\nempty @Taskfile.yml:5\nfull (runs it) [the long story] @Taskfile.yml:6\n"},
		{"internal", map[string]string{"Taskfile.yml": "version: '3'\ntasks:\n  a:\n    internal: true\n  b:\n    internal: false\n"},
			"a internal @Taskfile.yml:3\nb @Taskfile.yml:5\n"},
		{"no tasks", map[string]string{"Taskfile.yml": "version: '3'\nvars: {A: 1}\n"}, ""},
		{"includes: namespaced, flattened, internal, excluded, optional", map[string]string{
			"Taskfile.yml": `version: '3'
includes:
  docs: ./docs
  lib:
    taskfile: lib/Tasks.yml
    flatten: true
    excludes: [skip]
  priv:
    taskfile: ./priv
    internal: true
  gone:
    taskfile: ./gone
    optional: true
tasks:
  build: go build
`,
			"docs/Taskfile.yml":  "version: '3'\ntasks:\n  serve: x\n",
			"lib/Tasks.yml":      "version: '3'\ntasks:\n  gen: x\n  skip: x\n",
			"priv/taskfile.yaml": "version: '3'\ntasks:\n  secret: x\n",
		}, "docs:serve @docs/Taskfile.yml:3\ngen @lib/Tasks.yml:3\npriv:secret internal @priv/taskfile.yaml:3\nbuild @Taskfile.yml:15\n"},
		{"nested includes", map[string]string{
			"Taskfile.yml":   "version: '3'\nincludes:\n  a: ./a\n",
			"a/Taskfile.yml": "version: '3'\nincludes:\n  b: ../b\ntasks:\n  x: x\n",
			"b/Taskfile.yml": "version: '3'\ntasks:\n  y: y\n",
		}, "a:b:y @b/Taskfile.yml:3\na:x @a/Taskfile.yml:5\n"},
		{"remote and templated includes are skipped", map[string]string{"Taskfile.yml": `version: '3'
includes:
  r: https://example.com/Taskfile.yml
  t: ./{{OS}}/Taskfile.yml
tasks:
  a: x
`}, "a @Taskfile.yml:6\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := write(t, tt.files)
			tf, err := Load(filepath.Join(dir, "Taskfile.yml"))
			if err != nil {
				t.Fatal(err)
			}
			if got := summary(tf); got != tt.want {
				t.Errorf("tasks:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestLoadGenerates(t *testing.T) {
	dir := write(t, map[string]string{
		"Taskfile.yml":     "version: '3'\nincludes:\n  web: ./web\ntasks:\n  gen:\n    generates: [./out/*.txt, '{{.DIR}}/x', {exclude: a}]\n",
		"web/Taskfile.yml": "version: '3'\ntasks:\n  build:\n    generates: ['dist/**']\n",
	})
	tf, err := Load(filepath.Join(dir, "Taskfile.yml"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, t := range tf.Tasks {
		got[t.Name] = t.Generates
	}
	want := map[string][]string{"gen": {"out/*.txt"}, "web:build": {"web/dist/**"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("generates = %q, want %q (relative to the root, templates left out)", got, want)
	}
}

func TestLoadSkipped(t *testing.T) {
	dir := write(t, map[string]string{"Taskfile.yml": "version: '3'\nincludes:\n  r: https://example.com/T.yml\n  t: '{{.X}}'\n"})
	tf, err := Load(filepath.Join(dir, "Taskfile.yml"))
	if err != nil {
		t.Fatal(err)
	}
	want := `Taskfile.yml: include "r" (remote Taskfile)|Taskfile.yml: include "t" (templated path)`
	if got := strings.Join(tf.Skipped, "|"); got != want {
		t.Errorf("skipped = %q, want %q", got, want)
	}
}

func TestPublic(t *testing.T) {
	tf := &Taskfile{Tasks: []Task{{Name: "a"}, {Name: "b", Internal: true}, {Name: "c"}}}
	var names []string
	for _, t := range tf.Public() {
		names = append(names, t.Name)
	}
	if got := strings.Join(names, ","); got != "a,c" {
		t.Errorf("Public = %s, want a,c", got)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string // the error, with the temp dir as "DIR"
	}{
		{"unclosed flow list", map[string]string{"Taskfile.yml": "version: '3'\ntasks:\n  a: [\n"},
			"DIR/Taskfile.yml:4: invalid YAML: did not find expected node content"},
		{"bad indentation", map[string]string{"Taskfile.yml": "version: '3'\ntasks:\n  a:\n    cmds: [x]\n   b: 1\n"},
			"DIR/Taskfile.yml:5:4: invalid YAML: did not find expected key"},
		{"tab", map[string]string{"Taskfile.yml": "version: '3'\ntasks:\n  a:\n\tcmds: x\n"},
			"DIR/Taskfile.yml:4: invalid YAML: found character that cannot start any token"},
		{"mapping in a scalar", map[string]string{"Taskfile.yml": "version: '3'\ntasks:\n  b: c: d\n"},
			"DIR/Taskfile.yml:3:7: invalid YAML: mapping values are not allowed in this context"},
		{"empty", map[string]string{"Taskfile.yml": ""},
			"DIR/Taskfile.yml: empty Taskfile: it needs version: '3' and tasks"},
		{"not a mapping", map[string]string{"Taskfile.yml": "- a\n"},
			"DIR/Taskfile.yml:1:1: a Taskfile must be a mapping (version, vars, tasks…), not a list"},
		{"tasks as a list", map[string]string{"Taskfile.yml": "version: '3'\ntasks:\n  - a\n"},
			"DIR/Taskfile.yml:3:3: tasks must be a mapping of task names to tasks, not a list"},
		{"internal not a bool", map[string]string{"Taskfile.yml": "version: '3'\ntasks:\n  a:\n    internal: yes please\n"},
			`DIR/Taskfile.yml:4:15: internal must be true or false, not the string "yes please"`},
		{"desc not a string", map[string]string{"Taskfile.yml": "version: '3'\ntasks:\n  a:\n    desc: [x]\n"},
			"DIR/Taskfile.yml:4:11: desc must be a string, not a list"},
		{"missing include", map[string]string{"Taskfile.yml": "version: '3'\nincludes:\n  docs: ./docs\n"},
			`DIR/Taskfile.yml:3:9: include "docs": no Taskfile at "./docs"; fix the path or add optional: true`},
		{"broken include", map[string]string{
			"Taskfile.yml":      "version: '3'\nincludes:\n  docs: ./docs\n",
			"docs/Taskfile.yml": "tasks:\n  a: [\n",
		}, `DIR/Taskfile.yml:3: include "docs": DIR/docs/Taskfile.yml:3: invalid YAML: did not find expected node content`},
		{"include cycle", map[string]string{
			"Taskfile.yml":   "version: '3'\nincludes:\n  a: ./a\n",
			"a/Taskfile.yml": "version: '3'\nincludes:\n  back: ..\n",
		}, `DIR/Taskfile.yml:3: include "a": DIR/a/Taskfile.yml:3: include "back": DIR/Taskfile.yml: includes itself (through Taskfile.yml -> a/Taskfile.yml); remove the cycle`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := write(t, tt.files)
			_, err := Load(filepath.Join(dir, "Taskfile.yml"))
			if err == nil {
				t.Fatal("no error")
			}
			var ce *config.Error
			if !errors.As(err, &ce) {
				t.Errorf("error %T is not a *config.Error", err)
			}
			if got := strings.ReplaceAll(err.Error(), dir, "DIR"); got != tt.want {
				t.Errorf("error:\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestFind(t *testing.T) {
	dir := write(t, map[string]string{"Taskfile.dist.yml": "x", "taskfile.yaml": "y"})
	if got := filepath.Base(Find(dir)); got != "taskfile.yaml" {
		t.Errorf("Find = %s, want taskfile.yaml (go-task's order)", got)
	}
	if got := Find(t.TempDir()); got != "" {
		t.Errorf("Find in an empty dir = %q", got)
	}
}

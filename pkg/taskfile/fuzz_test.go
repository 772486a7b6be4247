package taskfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/config"
)

// FuzzLoad checks that Load never panics or runs away on a Taskfile, that
// every error is a one-line *config.Error at a line inside the file, and
// that every task it lists is located in the file.
func FuzzLoad(f *testing.F) {
	f.Add([]byte("version: '3'\ntasks:\n  build:\n    desc: Build\n    cmds: [go build ./...]\n    generates: [bin/app]\n"))
	f.Add([]byte("version: '3'\nincludes:\n  sub: ./sub\n  lib:\n    taskfile: ./lib.yml\n    internal: true\ntasks:\n  a: echo a\n  b: [echo b]\n"))
	f.Add([]byte("version: '3'\nx: &x {desc: d}\ntasks:\n  c:\n    <<: *x\n    summary: |\n      long\n"))
	f.Add([]byte("version: '3'\ntasks: [[[[[]]]]]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "Taskfile.yml")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		lines := yamlLines(data)
		tf, err := Load(path)
		if err == nil {
			for _, task := range tf.Tasks {
				if task.File == "Taskfile.yml" && (task.Line < 1 || task.Line > lines) {
					t.Fatalf("task %q at line %d of a %d-line file", task.Name, task.Line, lines)
				}
			}
			return
		}
		var ce *config.Error
		if !errors.As(err, &ce) {
			t.Fatalf("Load error %v is %T, want *config.Error", err, err)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Fatalf("Load error %q spans lines", err)
		}
		if ce.Path == path && (ce.Pos.Line < 0 || ce.Pos.Line > lines) {
			t.Fatalf("Load error %q at line %d of a %d-line file", err, ce.Pos.Line, lines)
		}
	})
}

// yamlLines counts the lines of data as YAML does: CR, LF, CRLF, NEL, LS
// and PS each end one (a lone "\r" makes two lines).
func yamlLines(data []byte) int {
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	return 1 + strings.Count(s, "\n") + strings.Count(s, "\r") +
		strings.Count(s, "\u0085") + strings.Count(s, "\u2028") + strings.Count(s, "\u2029")
}

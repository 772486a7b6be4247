package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const taskfile = `version: '3'
vars:
  NAME: world
tasks:
  hello:
    deps: [dep]
    cmds:
      - echo "hello {{.NAME}} {{.CLI_ARGS}}"
  dep:
    internal: true
    cmds: [echo dep]
  fail: exit 7
  pre:
    preconditions:
      - sh: "false"
        msg: not today
    cmds: [echo never]
`

func TestRun(t *testing.T) {
	tests := []struct {
		name     string
		taskfile string
		args     []string
		code     int
		stdout   string // substring
		stderr   string // substring
	}{
		{"deps, vars and CLI_ARGS", taskfile, []string{"hello", "--", "-v", "a b"}, 0, "dep\nhello world -v 'a b'\n", ""},
		{"a var on the command line", taskfile, []string{"hello", "NAME=gazr"}, 0, "hello gazr", ""},
		{"exit code passes through", taskfile, []string{"fail"}, 7, "", `Failed to run task "fail": exit status 7`},
		{"precondition", taskfile, []string{"pre"}, 201, "", "not today"},
		{"unknown task", taskfile, []string{"nope"}, 200, "", `Task "nope" does not exist`},
		{"broken Taskfile", "version: '3'\ntasks:\n  a: [\n", []string{"a"}, 109, "", "Taskfile.yml"},
		{"unknown flag", taskfile, []string{"--list"}, 2, "", `unknown flag "--list"`},
		{"protocol", taskfile, []string{"--protocol"}, 0, "1\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "Taskfile.yml"), []byte(tt.taskfile), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Setenv("NO_COLOR", "1")
			var out, errOut strings.Builder
			code := run(context.Background(), dir, tt.args, &out, &errOut)
			if code != tt.code || !strings.Contains(out.String(), tt.stdout) || !strings.Contains(errOut.String(), tt.stderr) {
				t.Errorf("gazr-task %q = %d\nstdout %q\nstderr %q\nwant %d, stdout with %q, stderr with %q",
					tt.args, code, out.String(), errOut.String(), tt.code, tt.stdout, tt.stderr)
			}
		})
	}
}

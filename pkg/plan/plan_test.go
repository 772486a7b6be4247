package plan_test

import (
	"errors"
	"os"
	"os/exec"
	"reflect"
	"testing"

	"github.com/gazr-io/gazr/pkg/plan"
)

func TestScriptCmd(t *testing.T) {
	tests := []struct {
		name       string
		prelude    string
		commands   []string
		args       []string
		wantScript string
		wantCmd    []string
	}{
		{
			name:       "one command",
			commands:   []string{"go test ./..."},
			wantScript: "go test ./...",
			wantCmd:    []string{"sh", "-c", "go test ./..."},
		},
		{
			name:       "one command with args",
			commands:   []string{"go test ./..."},
			args:       []string{"-run", "Test X"},
			wantScript: `go test ./... "$@"`,
			wantCmd:    []string{"sh", "-c", `go test ./... "$@"`, "gazr", "-run", "Test X"},
		},
		{
			name:       "several commands",
			commands:   []string{"go vet ./...", "go build ./..."},
			wantScript: "{ go vet ./...\n} || exit $?\n{ go build ./...\n} || exit $?\n",
			wantCmd:    []string{"sh", "-c", "{ go vet ./...\n} || exit $?\n{ go build ./...\n} || exit $?\n"},
		},
		{
			name:       "several commands with args to the last",
			commands:   []string{"a", "b"},
			args:       []string{"x"},
			wantScript: "{ a\n} || exit $?\n{ b \"$@\"\n} || exit $?\n",
			wantCmd:    []string{"sh", "-c", "{ a\n} || exit $?\n{ b \"$@\"\n} || exit $?\n", "gazr", "x"},
		},
		{
			name:       "prelude and one command",
			prelude:    ". .venv/bin/activate",
			commands:   []string{"pytest"},
			args:       []string{"-k", "x"},
			wantScript: "{ . .venv/bin/activate\n} || exit $?\n{ pytest \"$@\"\n} || exit $?\n",
			wantCmd:    []string{"sh", "-c", "{ . .venv/bin/activate\n} || exit $?\n{ pytest \"$@\"\n} || exit $?\n", "gazr", "-k", "x"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &plan.Step{Commands: tt.commands, Args: tt.args, Prelude: plan.Value{Value: tt.prelude}}
			if got := s.Script(); got != tt.wantScript {
				t.Errorf("Script = %q, want %q", got, tt.wantScript)
			}
			if got := s.Cmd(); !reflect.DeepEqual(got, tt.wantCmd) {
				t.Errorf("Cmd = %q, want %q", got, tt.wantCmd)
			}
		})
	}
}

// TestScriptRuns runs Cmd with the host's /bin/sh to check the script's
// behaviour, not just its text.
func TestScriptRuns(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh")
	}
	tests := []struct {
		name     string
		prelude  string
		commands []string
		args     []string
		want     string
		wantCode int
	}{
		{
			name:     "all succeed",
			commands: []string{"echo one", "echo two"},
			want:     "one\ntwo\n",
		},
		{
			name:     "stops at the first failure with its exit code",
			commands: []string{"echo one", "exit 3", "echo three"},
			want:     "one\n",
			wantCode: 3,
		},
		{
			name:     "a failing command's own code",
			commands: []string{"true", "sh -c 'exit 42'", "echo no"},
			wantCode: 42,
		},
		{
			name:     "last command's failure",
			commands: []string{"true", "false"},
			wantCode: 1,
		},
		{
			name:     "one command's exit code",
			commands: []string{"echo a; exit 7"},
			want:     "a\n",
			wantCode: 7,
		},
		{
			name:     "args with spaces and quotes reach the last command intact",
			commands: []string{"echo first", "printf '[%s]\\n'"},
			args:     []string{"a b", `"q"`, "it's", "$HOME", "", `back\slash`, "*"},
			want:     "first\n[a b]\n[\"q\"]\n[it's]\n[$HOME]\n[]\n[back\\slash]\n[*]\n",
		},
		{
			name:     "args to a single command",
			commands: []string{"printf '[%s]\\n'"},
			args:     []string{"x  y", "'"},
			want:     "[x  y]\n[']\n",
		},
		{
			name:     "cd persists to the next command",
			commands: []string{"mkdir -p sub/dir", "cd sub/dir", "basename \"$PWD\""},
			want:     "dir\n",
		},
		{
			name:     "variables persist to the next command",
			commands: []string{"X=1", "echo \"x=$X\""},
			want:     "x=1\n",
		},
		{
			name:     "a trailing comment does not swallow the next command",
			commands: []string{"echo a # comment", "echo b"},
			want:     "a\nb\n",
		},
		{
			name:     "multi-line command with a here-document",
			commands: []string{"cat <<EOF\nhello\nEOF", "echo after"},
			want:     "hello\nafter\n",
		},
		{
			name:     "prelude's variables and functions reach the commands",
			prelude:  "export P=1; greet() { echo \"hi $1\"; }",
			commands: []string{"greet \"$P\""},
			args:     []string{"a b"},
			want:     "hi 1\n",
		},
		{
			name:     "prelude then args to the last command",
			prelude:  "cd /",
			commands: []string{"pwd", "printf '[%s]\\n'"},
			args:     []string{"a b"},
			want:     "/\n[a b]\n",
		},
		{
			name:     "failing prelude stops the step with its code",
			prelude:  "exit 5",
			commands: []string{"echo no"},
			wantCode: 5,
		},
		{
			name:     "a handled failure inside a command does not stop",
			commands: []string{"false || echo handled", "echo next"},
			want:     "handled\nnext\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &plan.Step{Commands: tt.commands, Args: tt.args, Prelude: plan.Value{Value: tt.prelude}}
			argv := s.Cmd()
			cmd := exec.Command("/bin/sh", argv[1:]...)
			cmd.Dir = t.TempDir()
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=/nonexistent"}
			out, err := cmd.Output()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if string(out) != tt.want || code != tt.wantCode {
				t.Errorf("script %q args %q:\n got %q, exit %d\nwant %q, exit %d", s.Script(), tt.args, out, code, tt.want, tt.wantCode)
			}
		})
	}
}

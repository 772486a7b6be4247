package app

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/enginetest"
)

// TestMain lets the test binary stand in for gazr, so that the completion
// scripts can call it.
func TestMain(m *testing.M) {
	if os.Getenv("GAZR_TEST_BE_GAZR") == "1" {
		os.Exit(Main(context.Background(), os.Args))
	}
	os.Exit(m.Run())
}

// completionProject has a Taskfile, deploy environments and services.
var completionProject = map[string]string{
	"Taskfile.yml":      shopTaskfile + "includes:\n  docs: ./docs\n",
	"docs/Taskfile.yml": "version: '3'\ntasks:\n  serve: echo serve\n",
	".gazr.toml":        "[env.staging]\n[env.production]\n",
	"compose.yaml":      "services:\n  web:\n    image: nginx\n  db:\n    image: postgres\n",
}

func TestComplete(t *testing.T) {
	dir := writeProject(t, completionProject)
	tests := []struct {
		words []string
		want  []string
	}{
		{[]string{"te"}, []string{"test", "test-functional", "test-integration", "test-unit"}},
		{[]string{"li"}, []string{"lint", "list"}}, // a task and a command
		{[]string{"--no-color", "he"}, []string{"help"}},
		{[]string{"--v"}, []string{"--version"}},
		{[]string{"deploy", "--env", ""}, []string{"local", "production", "staging"}},
		{[]string{"status", "-e", "st"}, []string{"staging"}},
		{[]string{"deploy", "--d"}, []string{"--dry-run"}},
		{[]string{"lint", "--f"}, []string{"--force"}},
		{[]string{"explain", "l"}, []string{"lint"}},
		{[]string{"explain", "lint", ""}, nil},
		{[]string{"shell", "test-u"}, []string{"test-unit"}},
		{[]string{"help", "dep"}, []string{"deploy"}},
		{[]string{"new", "go"}, []string{"go-http"}},
		{[]string{"run", ""}, []string{"db", "web"}},
		{[]string{"scale", "--env", "staging", "w"}, []string{"web="}},
		{[]string{"completion", ""}, []string{"bash", "fish", "zsh"}},
		{[]string{"cl"}, []string{"cluster"}},
		{[]string{"cluster", ""}, []string{"apply", "check", "prune", "scale", "status", "up"}},
		{[]string{"cluster", "s"}, []string{"scale", "status"}},
		{[]string{"cluster", "scale", "--env", "staging", ""}, []string{"workers="}},
		{[]string{"cluster", "scale", "workers=3", ""}, nil},
		{[]string{"chaos", ""}, []string{"drain-node", "kill-node", "kill-task"}},
		{[]string{"chaos", "--env", "staging", "kill-t"}, []string{"kill-task"}},
		{[]string{"chaos", "kill-task", "--service", ""}, []string{"db", "web"}},
		{[]string{"chaos", "kill-task", ""}, nil},
		{[]string{"cluster", "status", "--e"}, []string{"--env"}},
		{[]string{"cluster", "status", "--env", "pro"}, []string{"production"}},
		{[]string{"cluster", "status", "-"}, []string{"--env", "--help", "--json", "-e", "-h"}},
		{[]string{"cluster", "scale", "--y"}, []string{"--yes"}},
		{[]string{"-C", ""}, nil}, // a directory: the shell's own completion
		{[]string{"nosuch", ""}, nil},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.words, " "), func(t *testing.T) {
			err, out, _ := run(t, append([]string{"-C", dir, "__complete"}, tt.words...)...)
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Fields(out)
			if len(got) == 0 {
				got = nil
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("complete %q = %q, want %q", tt.words, got, tt.want)
			}
		})
	}
}

// TestBashCompletion loads the bash script in bash and completes as a
// user pressing TAB would.
func TestBashCompletion(t *testing.T) {
	bash := needShell(t, "bash")
	dir, env := completionEnv(t)
	tests := []struct {
		line  string
		words string // COMP_WORDS as bash splits the line, when not at spaces alone
		want  []string
	}{
		{"gazr te", "", []string{"test", "test-functional", "test-integration", "test-unit"}},
		{"gazr deploy --env ", "", []string{"local", "production", "staging"}},
		{"gazr deploy --env pro", "", []string{"production"}},
		{"gazr li", "", []string{"lint", "list"}},
		{"gazr cluster sc", "", []string{"scale"}},
		{"gazr cluster scale --env staging w", "", []string{"workers="}},
		// bash splits at ":": the reply completes the part after it.
		{"gazr docs:se", "gazr docs : se", []string{"serve"}},
		{"gazr docs:", "gazr docs :", []string{"serve"}},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			// COMP_WORDS as bash splits the line; COMP_CWORD the last.
			script := `source <(gazr completion bash) || exit 1
COMP_LINE=$1; COMP_POINT=${#COMP_LINE}
read -ra COMP_WORDS <<<"${2:-$COMP_LINE}"; [[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
_gazr
printf '%s\n' "${COMPREPLY[@]}"`
			cmd := exec.Command(bash, "--norc", "--noprofile", "-c", script, "bash", tt.line, tt.words)
			cmd.Dir, cmd.Env = dir, env
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("bash: %v\n%s", err, out)
			}
			if got := strings.Fields(string(out)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%q<TAB> = %q, want %q", tt.line, got, tt.want)
			}
		})
	}
}

// needShell finds shell on PATH. Without it the test ends by enginetest's
// policy for a missing prerequisite: skipped, except in CI (CI set), whose
// machines install bash, zsh and fish (.ci/engine), where it fails.
func needShell(t *testing.T, shell string) string {
	t.Helper()
	path, err := exec.LookPath(shell)
	if err != nil {
		enginetest.Missing(t, "no %s on PATH (.ci/engine installs it)", shell)
	}
	return path
}

// completionEnv writes completionProject and a "gazr" on PATH that is
// this test binary; it returns the project and the environment to run a
// shell in.
func completionEnv(t *testing.T) (string, []string) {
	t.Helper()
	dir := writeProject(t, completionProject)
	bin := t.TempDir()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	wrapper := "#!/bin/sh\nGAZR_TEST_BE_GAZR=1 exec '" + self + "' \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "gazr"), []byte(wrapper), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir, append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// TestFishCompletion loads the fish script in fish and asks fish to
// complete lines.
func TestFishCompletion(t *testing.T) {
	fish := needShell(t, "fish")
	dir, env := completionEnv(t)
	tests := []struct {
		line string
		want []string
	}{
		{"gazr te", []string{"test", "test-functional", "test-integration", "test-unit"}},
		{"gazr deploy --env ", []string{"local", "production", "staging"}},
		{"gazr docs:", []string{"docs:serve"}},
	}
	for _, tt := range tests {
		cmd := exec.Command(fish, "--no-config", "-c", `gazr completion fish | source; complete -C "$argv[1]"`, tt.line)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("fish: %v\n%s", err, out)
		}
		if got := strings.Fields(string(out)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q<TAB> = %q, want %q", tt.line, got, tt.want)
		}
	}
}

// TestZshCompletion runs the zsh script's function with the completion
// system's builtins stubbed: compadd prints what it is given.
func TestZshCompletion(t *testing.T) {
	zsh := needShell(t, "zsh")
	dir, env := completionEnv(t)
	tests := []struct {
		words string // zsh's words, the last completed
		want  []string
	}{
		{"gazr te", []string{"test", "test-functional", "test-integration", "test-unit"}},
		{"gazr deploy --env pro", []string{"production"}},
		{"gazr scale w", []string{"web=(nospace)"}},
		{"gazr cluster scale w", []string{"workers=(nospace)"}},
		{"gazr -C ", []string{"(files)"}},
	}
	stubs := `compdef() {}
compadd() {
	local suffix=
	while [[ $1 == -* && $1 != -- ]]; do [[ $1 == -S ]] && { suffix="(nospace)"; shift }; shift; done
	shift
	local a; for a in "$@"; do print -r -- "$a$suffix"; done
}
_files() { print "(files)" }
source <(gazr completion zsh) || exit 1
words=(${(z)1}); [[ $1 == *" " ]] && words+=("")
CURRENT=${#words}
_gazr`
	for _, tt := range tests {
		cmd := exec.Command(zsh, "-f", "-c", stubs, "zsh", tt.words)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("zsh: %v\n%s", err, out)
		}
		if got := strings.Fields(string(out)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q<TAB> = %q, want %q", tt.words, got, tt.want)
		}
	}
}

func TestCompletionScripts(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		err, out, _ := run(t, "completion", shell)
		if err != nil || !strings.Contains(out, "__complete") {
			t.Errorf("gazr completion %s: err = %v, script calls no __complete:\n%s", shell, err, out)
		}
	}
	err, _, _ := run(t, "completion", "tcsh")
	if err == nil || !strings.Contains(err.Error(), `no completion for shell "tcsh"; known: bash, zsh, fish`) {
		t.Errorf("gazr completion tcsh: err = %v", err)
	}
}

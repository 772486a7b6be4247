package app

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/iostreams"
)

func TestRunShellUnknownVerb(t *testing.T) {
	dir := writeProject(t, map[string]string{".gazr.toml": shopConfig})
	io, out, errOut := iostreams.Test()
	code := exitCode(io, Run(context.Background(), io, []string{"gazr", "-C", dir, "shell", "tset-unit"}), nil)
	if code != ExitUsage {
		t.Errorf("exit code = %d, want %d", code, ExitUsage)
	}
	want := `unknown verb "tset-unit"; did you mean "test-unit"?`
	if lines := strings.Split(strings.TrimSpace(errOut.String()), "\n"); len(lines) != 1 || !strings.Contains(lines[0], want) {
		t.Errorf("stderr = %q, want one line with %q", errOut, want)
	}
	if out.Len() != 0 {
		t.Errorf("stdout = %q, want nothing", out)
	}
}

func TestRunShellDryRun(t *testing.T) {
	tests := []struct {
		name      string
		verb      string
		defaulted bool
		shell     string
		args      []string
		want      []string // rows that must be printed
		wantNot   []string
	}{
		{name: "the verb's step, its shell", verb: "test-integration",
			want:    []string{"step test-integration", "golang:1.26", "gazr shell"},
			wantNot: []string{"make db", "step test-unit"}},
		{name: "no verb: test, its first member", verb: defaultShellVerb, defaulted: true,
			want:    []string{"step test-unit", "alpine:3.20", dirMarker + "/api", "CGO_ENABLED=0"},
			wantNot: []string{"step test-integration", "go vet"}},
		{name: "a command after --", verb: "build", args: []string{"go", "env", "GOPATH"},
			want: []string{"step build", "args", "go env GOPATH"}},
		{name: "--shell", verb: "build", shell: "zsh", args: []string{"-l"},
			want: []string{"args", "zsh -l"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeProject(t, map[string]string{".gazr.toml": shopConfig})
			io, out, _ := iostreams.Test()
			opts := &ShellOptions{Verb: &VerbOptions{IO: io, Project: loader(dir), Engine: noEngine(t), Services: noServices(t),
				Verb: tt.verb, Args: tt.args, DryRun: true}, Defaulted: tt.defaulted, Shell: tt.shell}
			if err := runShell(context.Background(), opts); err != nil {
				t.Fatal(err)
			}
			got := out.String()
			if n := strings.Count(got, "\nstep "); n != 1 {
				t.Errorf("dry run shows %d steps, want 1:\n%s", n, got)
			}
			for _, w := range tt.want {
				if w = strings.ReplaceAll(w, dirMarker, dir); !strings.Contains(got, w) {
					t.Errorf("dry run lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(got, w) {
					t.Errorf("dry run has %q:\n%s", w, got)
				}
			}
		})
	}
}

// dirMarker stands for the project's directory in TestRunShellDryRun's rows.
const dirMarker = "$DIR"

// TestRunShellNoDefaultVerb: with no verb named and no test verb, gazr
// shell says to name one (a usage error), not that test is undefined.
func TestRunShellNoDefaultVerb(t *testing.T) {
	dir := writeProject(t, map[string]string{".gazr.toml": "name = \"x\"\nimage = \"alpine:3.20\"\nconvention = \"none\"\n[verbs.build]\nrun = \"make\"\n"})
	io, _, _ := iostreams.Test()
	opts := &ShellOptions{Verb: &VerbOptions{IO: io, Project: loader(dir), Engine: noEngine(t), Services: noServices(t),
		Verb: defaultShellVerb, DryRun: true}, Defaulted: true}
	err := runShell(context.Background(), opts)
	var usage *UsageError
	if !errors.As(err, &usage) || !strings.Contains(err.Error(), "gazr shell <verb>") {
		t.Fatalf("err = %v (%T), want a *UsageError saying to name a verb", err, err)
	}
}

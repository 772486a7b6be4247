package runner

import (
	"context"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/iostreams"
	"github.com/gazr-io/gazr/pkg/project"
)

func TestInteract(t *testing.T) {
	tests := []struct {
		name                       string
		stdinTTY, stdoutTTY, piped bool
		parallel, warm             bool
		want                       Interaction
	}{
		{"terminal", true, true, false, false, false, Interaction{Stdin: true, TTY: true}},
		{"terminal, output redirected", true, false, false, false, false, Interaction{Stdin: true}},
		{"piped", false, true, true, false, false, Interaction{Stdin: true}},
		{"piped, output piped", false, false, true, false, false, Interaction{Stdin: true}},
		{"no input (/dev/null)", false, true, false, false, false, Interaction{}},
		{"parallel on a terminal", true, true, false, true, false, Interaction{}},
		{"parallel, piped", false, false, true, true, false, Interaction{}},
		{"watch on a terminal", true, true, false, false, true, Interaction{TTY: true}},
		{"watch, piped", false, false, true, false, true, Interaction{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			io, _, _ := iostreams.Test()
			io.StdinTTY, io.StdoutTTY, io.StdinPiped = tt.stdinTTY, tt.stdoutTTY, tt.piped
			if got := Interact(io, tt.parallel, tt.warm); got != tt.want {
				t.Errorf("Interact = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestRunStdinToVerbAsked: piped input reaches the step of the verb asked,
// not its deps (whose containers would swallow it unread).
func TestRunStdinToVerbAsked(t *testing.T) {
	p := setup(t, map[string]string{".gazr.toml": testConfig})
	engine := newFakeEngine()
	pl, err := p.Plan("build", project.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	io, _, _ := iostreams.Test()
	io.In, io.StdinPiped = strings.NewReader("input\n"), true
	opts := &Options{IO: io, Jobs: 1,
		Engine: func(context.Context) (container.StepAPI, error) { return engine, nil }}
	if err := Run(context.Background(), opts, p, pl); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, c := range engine.containers {
		got[c.verb] = c.cfg.OpenStdin && c.cfg.AttachStdin && c.cfg.StdinOnce
	}
	want := map[string]bool{"style": false, "complexity": false, "build": true}
	for verb, w := range want {
		if got[verb] != w {
			t.Errorf("%s: stdin attached = %v, want %v", verb, got[verb], w)
		}
	}
}

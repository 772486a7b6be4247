package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestNoGoTask keeps go-task out of the gazr binary: its package init
// (~50 ms) and size would break gazr's startup budget (15 ms). Taskfile
// tasks run in the gazr-task helper (cmd/gazr-task, a module of its own).
func TestNoGoTask(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to list dependencies with")
	}
	out, err := exec.Command(goBin, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	// The list is the real one: it holds gazr's own Taskfile reader.
	if !slices.Contains(deps, "github.com/gazr-io/gazr/pkg/taskfile") {
		t.Fatalf("go list -deps does not list pkg/taskfile: %q", deps)
	}
	for _, d := range deps {
		if strings.HasPrefix(d, "github.com/go-task/") || strings.HasPrefix(d, "mvdan.cc/sh/") {
			t.Errorf("gazr links %s: go-task belongs in the gazr-task helper only", d)
		}
	}
}

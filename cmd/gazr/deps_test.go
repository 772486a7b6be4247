package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// gazrDeps lists the packages the gazr binary links.
func gazrDeps(t *testing.T) []string {
	t.Helper()
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
	return deps
}

// TestNoGoTask keeps go-task out of the gazr binary: its package init
// (~50 ms) and size would break gazr's startup budget (15 ms). Taskfile
// tasks run in the gazr-task helper (cmd/gazr-task, a module of its own).
func TestNoGoTask(t *testing.T) {
	for _, d := range gazrDeps(t) {
		if strings.HasPrefix(d, "github.com/go-task/") || strings.HasPrefix(d, "mvdan.cc/sh/") {
			t.Errorf("gazr links %s: go-task belongs in the gazr-task helper only", d)
		}
	}
}

// TestNoAWSSDK keeps the AWS SDK (aws-sdk-go-v2 and its smithy-go) out of
// the gazr binary: its package init and size would be paid by every gazr
// start. The aws backend calls the gazr-aws helper (cmd/gazr-aws, a
// module of its own) through pkg/deploy/aws/awsproto.
func TestNoAWSSDK(t *testing.T) {
	for _, d := range gazrDeps(t) {
		if strings.HasPrefix(d, "github.com/aws/aws-sdk-go-v2") || strings.HasPrefix(d, "github.com/aws/smithy-go") ||
			strings.HasPrefix(d, "github.com/aws/aws-sdk-go/") {
			t.Errorf("gazr links %s: the AWS SDK belongs in the gazr-aws helper only", d)
		}
	}
}

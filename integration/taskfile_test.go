package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestTaskfile runs the Taskfile and watch scripts
// (testdata/taskfile/*.txtar): Taskfile tasks as gazr verbs, run in the
// step container by the gazr-task helper, and `gazr watch`.
//
// Under testscript the gazr command is this test binary, so the helper
// cannot be found next to it: the test builds cmd/gazr-task once, static,
// and points GAZR_TASK_HELPER at it.
func TestTaskfile(t *testing.T) {
	requireEngine(t)
	helper := buildTaskHelper(t)
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "taskfile"),
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			if err := setup(env); err != nil {
				return err
			}
			env.Setenv("GAZR_IMAGE_TASKFILE", "gazr-test/debian:12")
			env.Setenv("GAZR_TASK_HELPER", helper)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"leftovers":   cmdLeftovers,
			"waitrunning": cmdWaitRunning,
			"waitfile":    cmdWaitFile,
		},
	})
}

// buildTaskHelper builds cmd/gazr-task (a module of its own) with
// CGO_ENABLED=0, trimmed and stripped, as releases do (.goreleaser.yaml),
// so that it runs in any Linux image and the tests use what ships.
func buildTaskHelper(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	openDirs(dir, 1)
	out := filepath.Join(dir, "gazr-task")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, ".")
	cmd.Dir = filepath.Join("..", "cmd", "gazr-task")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building cmd/gazr-task: %v\n%s", err, b)
	}
	return out
}

// waitfile path lines — wait (up to 60s) until the file at path has at
// least the given number of lines.
func cmdWaitFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: waitfile path lines")
	}
	want, err := strconv.Atoi(args[1])
	ts.Check(err)
	path := ts.MkAbs(args[0])
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil && strings.Count(string(b), "\n") >= want {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	b, _ := os.ReadFile(path)
	ts.Fatalf("%s has not %d lines after 60s: %q", args[0], want, b)
}

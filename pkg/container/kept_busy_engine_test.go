package container

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/enginetest"
	"github.com/gazr-io/gazr/pkg/plan"
)

// waitStarted waits until a run in one of project's containers has
// touched /tmp/started.
func waitStarted(t *testing.T, api *client.Client, project string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		for _, id := range projectContainers(t, api, project) {
			var probe bytes.Buffer
			code, err := execIn(context.Background(), api, &Runner{API: api, Stdout: &probe, Stderr: &probe}, id, keptStep("", "1", 0), []string{"test", "-e", "/tmp/started"})
			if err == nil && code == 0 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the first run did not start within 30 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// A run with another plan (another checkout of the project, an edited
// env) in a gazr with another lock directory leaves the kept container
// of a run going on alone: it does not kill that run.
func TestKeptEngineOtherPlanDuringRun(t *testing.T) {
	api := enginetest.Connect(t, warmImage)
	project := warmProject(t)
	t.Cleanup(func() { _, _ = RemoveKept(context.Background(), api, project) })
	var first bytes.Buffer
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		r := &Runner{API: api, Project: project, Stdout: &first, Stderr: &first}
		if err := r.RunKept(context.Background(), api, keptStep("touch /tmp/started; sleep 3; echo first done", "1", time.Minute), t.TempDir()); err != nil {
			t.Errorf("first run, during which another plan ran: %v (output %q)", err, first.String())
		}
	}()
	waitStarted(t, api, project)
	var out bytes.Buffer
	r := &Runner{API: api, Project: project, Stdout: &out, Stderr: &out}
	if err := r.RunKept(context.Background(), api, keptStep("echo second", "2", time.Minute), t.TempDir()); err != nil {
		t.Fatalf("second run: %v (output %q)", err, out.String())
	}
	wg.Wait()
	if !strings.Contains(first.String(), "first done\n") {
		t.Errorf("first run's output %q: want it to finish", first.String())
	}
}

// A gazr killed during a warm run leaves its command running in the kept
// container: the next run must not share it, as that command's end kills
// what else runs there.
func TestKeptEngineOrphanRun(t *testing.T) {
	api := enginetest.Connect(t, warmImage)
	project := warmProject(t)
	t.Cleanup(func() { _, _ = RemoveKept(context.Background(), api, project) })
	locks := t.TempDir()
	ctx := context.Background()
	var out bytes.Buffer
	r := &Runner{API: api, Project: project, Stdout: &out, Stderr: &out}
	if err := r.RunKept(ctx, api, keptStep("true", "1", time.Minute), locks); err != nil {
		t.Fatalf("first run: %v (output %q)", err, out.String())
	}
	// The run of a gazr that is gone: an exec nobody is attached to.
	ids := projectContainers(t, api, project)
	if len(ids) != 1 {
		t.Fatalf("containers after the first run: %v, want one", ids)
	}
	orphan := append(slices.Clone(keptAfter), keptStep("touch /tmp/started; sleep 2", "1", 0).Cmd()...)
	ex, err := api.ExecCreate(ctx, ids[0], client.ExecCreateOptions{Cmd: orphan})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.ExecStart(ctx, ex.ID, client.ExecStartOptions{Detach: true}); err != nil {
		t.Fatal(err)
	}
	waitStarted(t, api, project)
	out.Reset()
	if err := r.RunKept(ctx, api, keptStep("sleep 4; echo survived", "1", time.Minute), locks); err != nil {
		t.Fatalf("run after a killed gazr's: %v (output %q)", err, out.String())
	}
	if !strings.Contains(out.String(), "busy with another gazr's run") || !strings.Contains(out.String(), "survived\n") {
		t.Errorf("output %q: want it to say its warm container is busy, and to run in a fresh one", out.String())
	}
}

// A tag rebuilt, pulled or moved to another image gets a new container:
// the kept one runs the image it was made from.
func TestKeptEngineImageMoved(t *testing.T) {
	const other = "gazr-test/debian:12"
	api := enginetest.Connect(t, warmImage, other)
	project := warmProject(t)
	tag := "gazrtest-" + project + ":1"
	ctx := context.Background()
	t.Cleanup(func() {
		_, _ = RemoveKept(context.Background(), api, project)
		_, _ = api.ImageRemove(context.Background(), tag, client.ImageRemoveOptions{})
	})
	retag := func(src string) {
		if _, err := api.ImageTag(ctx, client.ImageTagOptions{Source: src, Target: tag}); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	r := &Runner{API: api, Project: project, Stdout: &out, Stderr: &out}
	step := func() *plan.Step {
		s := keptStep("cat /etc/debian_version 2>/dev/null || echo busybox", "1", time.Minute)
		s.Image.Value = tag
		return s
	}
	retag(warmImage)
	if err := r.RunKept(ctx, api, step(), t.TempDir()); err != nil || out.String() != "busybox\n" {
		t.Fatalf("run on busybox: %v, output %q", err, out.String())
	}
	retag(other)
	out.Reset()
	if err := r.RunKept(ctx, api, step(), t.TempDir()); err != nil || !strings.HasPrefix(out.String(), "12.") {
		t.Errorf("run once the tag names Debian: %v, output %q; want Debian's version", err, out.String())
	}
}

package container

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/enginetest"
	"github.com/gazr-io/gazr/pkg/plan"
)

// keptStep is warmStep with warm set.
func keptStep(script, x string, warm time.Duration) *plan.Step {
	s := warmStep(script, x)
	s.Warm = warm
	return s
}

// Runs from two Runners (two gazr processes) share the kept container:
// /tmp is kept, what a run left running is not; a changed env gets a new
// container and the old one goes; RemoveKept removes what is left.
func TestKeptEngine(t *testing.T) {
	api := enginetest.Connect(t, warmImage)
	project := warmProject(t)
	t.Cleanup(func() { _, _ = RemoveKept(context.Background(), api, project) })
	locks := t.TempDir()
	var out bytes.Buffer
	ctx := context.Background()
	run := func(s *plan.Step) error {
		r := &Runner{API: api, Project: project, Stdout: &out, Stderr: &out}
		return r.RunKept(ctx, api, s, locks)
	}
	script := `echo run >>/tmp/runs; echo "x=$X runs=$(wc -l </tmp/runs) left=$(ps | grep -c '[s]leep 1001')"; s=100; sleep ${s}1 &`

	if err := run(keptStep(script, "1", time.Minute)); err != nil {
		t.Fatalf("first run: %v (output %q)", err, out.String())
	}
	first := projectContainers(t, api, project)
	if err := run(keptStep(script, "1", time.Minute)); err != nil {
		t.Fatalf("second run: %v (output %q)", err, out.String())
	}
	if got := projectContainers(t, api, project); len(first) != 1 || len(got) != 1 || got[0] != first[0] {
		t.Errorf("containers after the first run %v, after the second %v; want the same one, kept", first, got)
	}
	if want := "x=1 runs=1 left=0\nx=1 runs=2 left=0\n"; out.String() != want {
		t.Errorf("output %q, want %q: /tmp kept, the background sleep of the first run killed", out.String(), want)
	}

	out.Reset()
	if err := run(keptStep(script, "2", time.Minute)); err != nil {
		t.Fatalf("run with X=2: %v", err)
	}
	if got := projectContainers(t, api, project); len(got) != 1 || got[0] == first[0] || out.String() != "x=2 runs=1 left=0\n" {
		t.Errorf("with X changed: containers %v (first was %v), output %q; want a new one only", got, first[0], out.String())
	}

	err := run(keptStep("exit 3", "2", time.Minute))
	var exit *ExitError
	if !errors.As(err, &exit) || exit.Code != 3 {
		t.Errorf("exit 3: err %v, want an *ExitError with code 3", err)
	}
	verbs, err := RemoveKept(ctx, api, project)
	if err != nil || len(verbs) != 1 || verbs[0] != "test-unit" {
		t.Errorf("RemoveKept: %v, %v; want [test-unit]", verbs, err)
	}
	if got := projectContainers(t, api, project); len(got) != 0 {
		t.Errorf("containers left after RemoveKept: %v", got)
	}
}

// The keeper ends the container once it has been idle for its time, and
// never during a run, however long.
func TestKeptEngineIdle(t *testing.T) {
	api := enginetest.Connect(t, warmImage)
	project := warmProject(t)
	t.Cleanup(func() { _, _ = RemoveKept(context.Background(), api, project) })
	var out bytes.Buffer
	r := &Runner{API: api, Project: project, Stdout: &out, Stderr: &out}
	// A run of 3.5 s in a container kept 1 s: the keeper looks at least
	// three times during it.
	if err := r.RunKept(context.Background(), api, keptStep("sleep 3.5; echo done", "1", time.Second), t.TempDir()); err != nil {
		t.Fatalf("long run: %v (output %q)", err, out.String())
	}
	if out.String() != "done\n" {
		t.Errorf("output %q, want the run to finish", out.String())
	}
	// Idle from now: gone within two of its periods, plus the engine's
	// removal.
	deadline := time.Now().Add(15 * time.Second)
	for len(projectContainers(t, api, project)) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the kept container is still there 15 s after its run, kept 1 s")
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// A run while another gazr's run holds the kept container runs in a
// fresh one, and says so.
func TestKeptEngineBusy(t *testing.T) {
	api := enginetest.Connect(t, warmImage)
	project := warmProject(t)
	t.Cleanup(func() { _, _ = RemoveKept(context.Background(), api, project) })
	locks := t.TempDir()
	var first bytes.Buffer
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		r := &Runner{API: api, Project: project, Stdout: &first, Stderr: &first}
		if err := r.RunKept(context.Background(), api, keptStep("touch /tmp/started; sleep 4", "1", time.Minute), locks); err != nil {
			t.Errorf("first run: %v (output %q)", err, first.String())
		}
	}()
	defer wg.Wait()
	// Until the first run is in its container.
	deadline := time.Now().Add(30 * time.Second)
	for {
		var probe bytes.Buffer
		ids := projectContainers(t, api, project)
		if len(ids) == 1 {
			code, err := execIn(context.Background(), api, &Runner{API: api, Stdout: &probe, Stderr: &probe}, ids[0], keptStep("", "1", 0), []string{"test", "-e", "/tmp/started"})
			if err == nil && code == 0 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the first run did not start within 30 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	var out bytes.Buffer
	r := &Runner{API: api, Project: project, Stdout: &out, Stderr: &out}
	if err := r.RunKept(context.Background(), api, keptStep("test ! -e /tmp/started && echo fresh", "1", time.Minute), locks); err != nil {
		t.Fatalf("second run: %v (output %q)", err, out.String())
	}
	if got := out.String(); !strings.Contains(got, "its warm container is busy with another gazr's run; this one runs in a fresh container") || !strings.Contains(got, "fresh\n") {
		t.Errorf("second run's output %q: want it to say it runs in a fresh container, and to run there", got)
	}
}

// A cancelled run (Ctrl-C) removes its kept container.
func TestKeptEngineCancelled(t *testing.T) {
	api := enginetest.Connect(t, warmImage)
	project := warmProject(t)
	t.Cleanup(func() { _, _ = RemoveKept(context.Background(), api, project) })
	r := &Runner{API: api, Project: project, Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := r.RunKept(ctx, api, keptStep("sleep 30", "1", time.Minute), t.TempDir()); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("cancelled run: err %v, want ctx's error", err)
	}
	if got := projectContainers(t, api, project); len(got) != 0 {
		t.Errorf("containers left after a cancelled run: %v", got)
	}
}

package container

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/enginetest"
	"github.com/gazr-io/gazr/pkg/plan"
)

const warmImage = "gazr-test/busybox:1"

// warmStep is a busybox step running script, with X in its env.
func warmStep(script, x string) *plan.Step {
	return &plan.Step{
		Verb:     "test-unit",
		Image:    plan.Value{Value: warmImage},
		Commands: []string{script},
		Env:      []plan.EnvVar{{Name: "X", Value: x}},
	}
}

func warmProject(t testing.TB) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return "warmtest-" + hex.EncodeToString(b)
}

// projectContainers lists the containers of project, running or not.
func projectContainers(t testing.TB, api *client.Client, project string) []string {
	t.Helper()
	res, err := api.ContainerList(context.Background(), client.ContainerListOptions{All: true,
		Filters: client.Filters{}.Add("label", LabelProject+"="+project)})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range res.Items {
		ids = append(ids, c.ID)
	}
	return ids
}

// A second run reuses the warm container, with its /tmp but without the
// processes the first left; a changed env recreates it; Close removes it.
func TestWarmEngine(t *testing.T) {
	api := enginetest.Connect(t, warmImage)
	project := warmProject(t)
	var out bytes.Buffer
	r := &Runner{API: api, Project: project, Stdout: &out, Stderr: &out}
	w := &Warm{}
	defer w.Close()
	ctx := context.Background()
	// The sleep is written so that no command line but its own reads
	// "sleep 1001".
	script := `echo run >>/tmp/runs; echo "x=$X runs=$(wc -l </tmp/runs) left=$(ps | grep -c '[s]leep 1001')"; s=100; sleep ${s}1 &`

	if err := w.Run(ctx, r, api, warmStep(script, "1")); err != nil {
		t.Fatalf("first run: %v (output %q)", err, out.String())
	}
	first := projectContainers(t, api, project)
	if err := w.Run(ctx, r, api, warmStep(script, "1")); err != nil {
		t.Fatalf("second run: %v (output %q)", err, out.String())
	}
	if got := projectContainers(t, api, project); len(first) != 1 || len(got) != 1 || got[0] != first[0] {
		t.Errorf("containers after the first run %v, after the second %v; want the same one", first, got)
	}
	if want := "x=1 runs=1 left=0\nx=1 runs=2 left=0\n"; out.String() != want {
		t.Errorf("output %q, want %q: /tmp kept, the background sleep of the first run killed", out.String(), want)
	}

	out.Reset()
	if err := w.Run(ctx, r, api, warmStep(script, "2")); err != nil {
		t.Fatalf("run with X=2: %v", err)
	}
	if got := projectContainers(t, api, project); len(got) != 1 || got[0] == first[0] || out.String() != "x=2 runs=1 left=0\n" {
		t.Errorf("with X changed: containers %v (first was %v), output %q; want a new container", got, first[0], out.String())
	}

	err := w.Run(ctx, r, api, warmStep("exit 3", "2"))
	var exit *ExitError
	if !errors.As(err, &exit) || exit.Code != 3 {
		t.Errorf("exit 3: err %v, want an *ExitError with code 3", err)
	}
	w.Close()
	if got := projectContainers(t, api, project); len(got) != 0 {
		t.Errorf("containers left after Close: %v", got)
	}
}

// A cancelled run (Ctrl-C) removes its warm container.
func TestWarmEngineCancelled(t *testing.T) {
	api := enginetest.Connect(t, warmImage)
	project := warmProject(t)
	r := &Runner{API: api, Project: project, Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}
	w := &Warm{}
	defer w.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := w.Run(ctx, r, api, warmStep("sleep 30", "1")); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("cancelled run: err %v, want ctx's error", err)
	}
	if got := projectContainers(t, api, project); len(got) != 0 {
		t.Errorf("containers left after a cancelled run: %v", got)
	}
}

// BenchmarkStepFresh runs a trivial step in a fresh container each time;
// BenchmarkStepWarm re-runs it in a warm one (integration/bench/warm.sh
// compares them).
func BenchmarkStepFresh(b *testing.B) {
	api := enginetest.Connect(b, warmImage)
	r := &Runner{API: api, Project: warmProject(b), Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}
	for b.Loop() {
		if err := r.Run(context.Background(), warmStep("true", "1")); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStepWarm(b *testing.B) {
	api := enginetest.Connect(b, warmImage)
	r := &Runner{API: api, Project: warmProject(b), Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}
	w := &Warm{}
	defer w.Close()
	if err := w.Run(context.Background(), r, api, warmStep("true", "1")); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := w.Run(context.Background(), r, api, warmStep("true", "1")); err != nil {
			b.Fatal(err)
		}
	}
}

package runner

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/gazr-io/gazr/pkg/container"
	"github.com/gazr-io/gazr/pkg/iostreams"
	"github.com/gazr-io/gazr/pkg/project"
)

// runWarm runs verb of p on engine with the warm runner w.
func runWarm(t *testing.T, p *project.Project, engine *fakeEngine, w *container.Warm, verb string) (string, error) {
	t.Helper()
	pl, err := p.Plan(verb, project.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	io, out, _ := iostreams.Test()
	opts := &Options{IO: io, Jobs: 1, Warm: w,
		Engine: func(context.Context) (container.StepAPI, error) { return engine, nil }}
	err = Run(context.Background(), opts, p, pl)
	return out.String(), err
}

func count(events []string, e string) int {
	n := 0
	for _, x := range events {
		if x == e {
			n++
		}
	}
	return n
}

// With a warm runner, a second run is an exec in the container of the
// first; a changed env makes a new one; Close leaves none.
func TestRunWarm(t *testing.T) {
	conf := "name = \"shop\"\nimage = \"img:1\"\nconvention = \"none\"\n[verbs.style]\nrun = \"lint\"\n"
	p := setup(t, map[string]string{".gazr.toml": conf})
	engine := newFakeEngine()
	engine.behaviours["style"] = behaviour{out: []string{"lint ok"}}
	w := &container.Warm{}
	defer w.Close()

	for i := range 2 {
		if out, err := runWarm(t, p, engine, w, "style"); err != nil || out != "lint ok\n" {
			t.Fatalf("run %d: stdout %q, err %v; want the step's output", i+1, out, err)
		}
	}
	ev := engine.Events()
	if count(ev, "create style") != 1 || count(ev, "exec style, cleaning after") != 2 {
		t.Errorf("events %v: want one container, two execs in it, each cleaning up after itself", ev)
	}
	if len(engine.Left()) != 1 {
		t.Errorf("containers up between runs: %v; want the warm one", engine.Left())
	}

	p.Config.Verbs["style"].Env = map[string]string{"A": "1"}
	if _, err := runWarm(t, p, engine, w, "style"); err != nil {
		t.Fatal(err)
	}
	ev = engine.Events()
	if count(ev, "create style") != 2 || !slices.Contains(ev, "remove style") || len(engine.Left()) != 1 {
		t.Errorf("after the env changed: events %v, left %v; want the old container removed, a new one", ev, engine.Left())
	}

	engine.behaviours["style"] = behaviour{code: 3}
	_, err := runWarm(t, p, engine, w, "style")
	var failed *StepError
	if !errors.As(err, &failed) || failed.Code != 3 {
		t.Errorf("failing exec: err %v, want a *StepError with code 3", err)
	}
	w.Close()
	if left := engine.Left(); len(left) != 0 {
		t.Errorf("containers left after Close: %v", left)
	}
}

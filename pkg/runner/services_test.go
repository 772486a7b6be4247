package runner

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/gazr-io/gazr/pkg/project"
)

// fakeServices counts the times the plan's sidecar services are started.
type fakeServices struct {
	mu    sync.Mutex
	calls int
	names []string
}

func (s *fakeServices) Up(_ context.Context, _ *types.Project, names []string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	s.names = names
	return "gazr-shop", nil
}

const servicesConfig = `name = "shop"
image = "img:1"
convention = "none"
[verbs.test-unit]
run = "unit"
services = ["db"]
sources = ["*.go"]
[verbs.test-integration]
run = "integration"
services = ["db", "cache"]
`

const servicesCompose = "services:\n  db:\n    image: postgres:15\n  cache:\n    image: redis:7\n"

func TestRunServicesStartedOnce(t *testing.T) {
	p := setup(t, map[string]string{".gazr.toml": servicesConfig, "compose.yaml": servicesCompose, "main.go": "package main\n"})
	engine, svc := newFakeEngine(), &fakeServices{}
	if _, _, err := run(context.Background(), t, p, engine, svc, "test", 2, false); err != nil {
		t.Fatal(err)
	}
	if svc.calls != 1 || !slices.Equal(svc.names, []string{"db", "cache"}) {
		t.Errorf("services started %d times with %v, want once with the union [db cache]", svc.calls, svc.names)
	}
	engine.mu.Lock()
	for _, c := range engine.containers {
		if c.hc.NetworkMode != "gazr-shop" {
			t.Errorf("step %s on network %q, want the services' gazr-shop", c.verb, c.hc.NetworkMode)
		}
	}
	engine.mu.Unlock()
}

func TestRunSkippedStepStartsNoServices(t *testing.T) {
	p := setup(t, map[string]string{".gazr.toml": servicesConfig, "compose.yaml": servicesCompose, "main.go": "package main\n"})
	engine, svc := newFakeEngine(), &fakeServices{}
	if _, _, err := run(context.Background(), t, p, engine, svc, "test-unit", 1, false); err != nil || svc.calls != 1 {
		t.Fatalf("first run: err = %v, services started %d times, want 1", err, svc.calls)
	}
	// Unchanged: the step is skipped, and no service starts for it.
	_, errOut, err := run(context.Background(), t, p, engine, nil, "test-unit", 1, false)
	if err != nil || !strings.Contains(errOut, "skipped") {
		t.Fatalf("second run: err = %v; stderr:\n%s", err, errOut)
	}
}

func TestRunUnknownServiceStartsNothing(t *testing.T) {
	p := setup(t, map[string]string{".gazr.toml": strings.Replace(servicesConfig, `"cache"]`, `"cahce"]`, 1), "compose.yaml": servicesCompose})
	engine := newFakeEngine()
	_, _, err := run(context.Background(), t, p, engine, nil, "test", 2, false)
	if err == nil || !strings.Contains(err.Error(), `did you mean "cache"?`) {
		t.Fatalf("err = %v, want the unknown service", err)
	}
	if ev := engine.Events(); len(ev) > 0 {
		t.Errorf("the engine was used before the services were checked: %v", ev)
	}
}

// TestPlanComposeVariablesPassed checks that the services' compose file is
// interpolated from Options.Environ, not from the process environment.
func TestPlanComposeVariablesPassed(t *testing.T) {
	t.Setenv("PG_TAG", "from-process")
	compose := "services:\n  db:\n    image: postgres:${PG_TAG:-15}\n  cache:\n    image: redis:7\n"
	p := setup(t, map[string]string{".gazr.toml": servicesConfig, "compose.yaml": compose})
	pl, err := p.Plan("test-unit", project.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name    string
		environ map[string]string
		want    string
	}{
		{"none passed", nil, "postgres:15"},
		{"passed", map[string]string{"PG_TAG": "16"}, "postgres:16"},
	} {
		proj, _, err := Validate(context.Background(), &Options{Environ: tt.environ}, p, pl)
		if err != nil {
			t.Fatal(err)
		}
		if got := proj.Services["db"].Image; got != tt.want {
			t.Errorf("%s: db image = %q, want %q", tt.name, got, tt.want)
		}
	}
}

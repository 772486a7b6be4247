package plan_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/plan"
)

// order renders steps as "verb<-dep,dep" in plan order.
func order(steps []*plan.Step) string {
	var parts []string
	for _, s := range steps {
		p := s.Verb
		var deps []string
		for _, d := range s.Deps {
			deps = append(deps, d.Value)
		}
		if len(deps) > 0 {
			p += "<-" + strings.Join(deps, ",")
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " ")
}

const depsConfig = `
image = "img"
[verbs.build]
run = "make"
[verbs.style]
run = "lint"
[verbs.test-unit]
run  = "unit"
deps = ["build", "style"]
[verbs.test-integration]
run  = "integration"
deps = ["build"]
[verbs.run]
run  = "serve"
deps = ["test"]
`

func TestResolveDeps(t *testing.T) {
	cfg := parse(t, depsConfig)
	tests := []struct {
		verb, want string
		width      int
	}{
		{"build", "build", 1},
		{"test-unit", "build style test-unit<-build,style", 2},
		{"test", "build style test-unit<-build,style test-integration<-test-unit,build", 2},
		{"run", "build style test-unit<-build,style test-integration<-test-unit,build run<-test-unit,test-integration", 2},
	}
	for _, tt := range tests {
		t.Run(tt.verb, func(t *testing.T) {
			p, err := plan.Resolve(cfg, nil, tt.verb, plan.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := order(p.Steps); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			if got := plan.Width(p.Steps); got != tt.width {
				t.Errorf("width %d, want %d", got, tt.width)
			}
		})
	}
}

func TestResolveDepsOrigins(t *testing.T) {
	p, err := plan.Resolve(parse(t, depsConfig), nil, "test", plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ti := p.Steps[3]
	if ti.Deps[0] != (plan.Value{Value: "test-unit", Origin: "group test"}) || ti.Deps[1] != (plan.Value{Value: "build", Origin: ".gazr.toml:12"}) {
		t.Errorf("deps of test-integration: %+v", ti.Deps)
	}
}

func TestResolveDepsErrors(t *testing.T) {
	tests := []struct{ name, src, verb, want string }{
		{
			name: "undefined dep",
			src:  "image = \"i\"\n[verbs.build]\nrun = \"b\"\ndeps = [\"style\"]\n",
			verb: "build",
			want: `/src/app/.gazr.toml:4:1: .gazr.toml:4: deps names "style", which is not defined here; define [verbs.style] or remove it from deps`,
		},
		{
			// Each config is acyclic; the group's implicit order closes the cycle.
			name: "cycle through a group's order",
			src:  "image = \"i\"\n[verbs.test-unit]\nrun = \"u\"\ndeps = [\"test-integration\"]\n[verbs.test-integration]\nrun = \"i\"\n",
			verb: "test",
			want: "deps form a cycle: test-unit -> test-integration -> test-unit",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := plan.Resolve(parse(t, tt.src), nil, tt.verb, plan.Options{})
			var ce *config.Error
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want a *config.Error", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %q\nwant %q", err, tt.want)
			}
		})
	}
}

// recorder is a Walk fn that logs starts and ends and fails the named verbs.
type recorder struct {
	mu      sync.Mutex
	log     []string
	fail    map[string]bool
	gate    map[string]chan struct{}
	running int
	peak    int
}

func (r *recorder) fn(_ context.Context, s *plan.Step) error {
	r.mu.Lock()
	r.log = append(r.log, s.Verb)
	r.running++
	r.peak = max(r.peak, r.running)
	g := r.gate[s.Verb]
	r.mu.Unlock()
	if g != nil {
		<-g
	}
	r.mu.Lock()
	r.running--
	r.mu.Unlock()
	if r.fail[s.Verb] {
		return fmt.Errorf("%s failed", s.Verb)
	}
	return nil
}

func TestWalk(t *testing.T) {
	p, err := plan.Resolve(parse(t, depsConfig), nil, "run", plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("one job runs in plan order", func(t *testing.T) {
		r := &recorder{}
		if err := plan.Walk(context.Background(), p.Steps, 1, r.fn); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(r.log, " "); got != "build style test-unit test-integration run" {
			t.Errorf("order %s", got)
		}
		if r.peak != 1 {
			t.Errorf("peak %d jobs, want 1", r.peak)
		}
	})
	t.Run("independent steps overlap", func(t *testing.T) {
		// build and style block until both have started: only a parallel
		// walk gets there.
		gate := make(chan struct{})
		r := &recorder{gate: map[string]chan struct{}{"build": gate, "style": gate}}
		done := make(chan error)
		go func() { done <- plan.Walk(context.Background(), p.Steps, 4, r.fn) }()
		for {
			r.mu.Lock()
			n := len(r.log)
			r.mu.Unlock()
			if n >= 2 {
				break
			}
		}
		close(gate)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if r.peak < 2 {
			t.Errorf("peak %d jobs, want 2", r.peak)
		}
	})
	t.Run("a failure stops what depends on it", func(t *testing.T) {
		r := &recorder{fail: map[string]bool{"style": true}}
		err := plan.Walk(context.Background(), p.Steps, 1, r.fn)
		if err == nil || err.Error() != "style failed" {
			t.Fatalf("err %v", err)
		}
		if got := strings.Join(r.log, " "); got != "build style" {
			t.Errorf("ran %s, want build style", got)
		}
	})
	t.Run("cancelled context starts nothing", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		r := &recorder{}
		if err := plan.Walk(ctx, p.Steps, 2, r.fn); !errors.Is(err, context.Canceled) {
			t.Fatalf("err %v", err)
		}
		if len(r.log) != 0 {
			t.Errorf("ran %v", r.log)
		}
	})
}

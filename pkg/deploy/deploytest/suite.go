// Package deploytest is the conformance suite of deploy backends: Run
// puts a backend through the contract written in pkg/deploy/backend.go
// (Manager, Registry, EnsureRepository, Nodes, Check, ScaleNodes,
// PruneNodes, Schedule, ApplySchedule, Up, StopTask, StopNode, StartNode, Properties)
// on a real swarm, so that the deploy pipeline can rely on any backend the
// same way. A method a backend does not implement is tested too: its
// Properties flag is false and the method MUST say ErrNotSupported. A
// backend opts out of a test explicitly, with a reason (Harness.Skip);
// the suite never skips one silently.
//
//	func TestConformance(t *testing.T) {
//		deploytest.Run(t, deploytest.Harness{
//			New: func(t *testing.T, o deploy.BackendOptions) (deploy.Backend, error) { return local.New(o) },
//			Env: func(t *testing.T) *config.Environment { return env },
//		})
//	}
package deploytest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
)

// DefaultImage runs the suite's test services when Harness.Image is empty
// (integration/images/build.sh busybox).
const DefaultImage = "gazr-test/busybox:1"

// LabelSuite marks the services the suite creates; its value names the run.
const LabelSuite = "io.gazr.deploytest"

// Harness gives the suite a backend under test and the means to check it.
type Harness struct {
	// New builds the backend from options as a command does (o.Log goes
	// to t.Log, o.MayInitSwarm is true) for an env the suite describes:
	// Env's, or a copy of it with another manager (an unreachable one, a
	// plain tcp:// one) or registry. An error is the backend refusing the
	// env.
	New func(t *testing.T, o deploy.BackendOptions) (deploy.Backend, error)
	// Env returns the env pointing at the test cluster; the suite changes
	// only copies of it.
	Env func(t *testing.T) *config.Environment
	// Skip maps a test's name, relative to Run ("StopNode",
	// "StopTask/OtherNode"; see Tests), to the reason it cannot apply to
	// this backend; the test reports it with t.Skip. A name the suite does
	// not have fails the run, so that a typo does not run a test one meant
	// to skip.
	Skip map[string]string
	// Image runs the suite's test services with the command "sleep 3600";
	// every node must have it or be able to pull it. Default DefaultImage.
	Image string
	// Timeout bounds each wait for the swarm to converge. Default 2m.
	Timeout time.Duration
}

// Tests are the names of the suite's tests, in the order they run; the
// keys of Harness.Skip.
var Tests = []string{
	"Properties",
	"Manager",
	"ManagerCancelled",
	"ManagerUnreachable",
	"ManagerSilent",
	"InsecureTCP",
	"Registry",
	"EnsureRepository",
	"Nodes",
	"Check", "Check/Healthy", "Check/Unreachable",
	"ScaleNodes",
	"PruneNodes",
	"Schedule",
	"Up",
	"StopTask", "StopTask/ManagerNode", "StopTask/OtherNode", "StopTask/Unknown",
	"StopNode", "StopNode/Unknown", "StopNode/Reschedules",
	"StartNode", "StartNode/Unknown", "StartNode/Running", "StartNode/AfterStop",
}

// suite is one Run.
type suite struct {
	h  Harness
	id string // names the run's services
}

// Run runs the conformance suite against h's backend, each test as a
// subtest named as in Tests. Tests run one after another (some change the
// cluster: StopNode runs last) and remove every service they create.
func Run(t *testing.T, h Harness) {
	if h.New == nil || h.Env == nil {
		t.Fatal("deploytest: Harness.New and Harness.Env are required")
	}
	for name := range h.Skip {
		if !slices.Contains(Tests, name) {
			t.Errorf("deploytest: Harness.Skip names %q, which is not a test of the suite (known: %v)", name, Tests)
		}
	}
	if h.Image == "" {
		h.Image = DefaultImage
	}
	if h.Timeout == 0 {
		h.Timeout = 2 * time.Minute
	}
	var r [3]byte
	_, _ = rand.Read(r[:])
	s := &suite{h: h, id: "gzc-" + hex.EncodeToString(r[:])}
	s.run(t, "Properties", s.testProperties)
	s.run(t, "Manager", s.testManager)
	s.run(t, "ManagerCancelled", s.testManagerCancelled)
	s.run(t, "ManagerUnreachable", s.testManagerUnreachable)
	s.run(t, "ManagerSilent", s.testManagerSilent)
	s.run(t, "InsecureTCP", s.testInsecureTCP)
	s.run(t, "Registry", s.testRegistry)
	s.run(t, "EnsureRepository", s.testEnsureRepository)
	s.run(t, "Nodes", s.testNodes)
	s.run(t, "Check", s.testCheck)
	s.run(t, "ScaleNodes", s.testScaleNodes)
	s.run(t, "PruneNodes", s.testPruneNodes)
	s.run(t, "Schedule", s.testSchedule)
	s.run(t, "Up", s.testUp)
	s.run(t, "StopTask", s.testStopTask)
	s.run(t, "StopNode", s.testStopNode)
	s.run(t, "StartNode", s.testStartNode)
}

// run runs test name (a path relative to Run) as a subtest of t, unless
// the harness opts out of it.
func (s *suite) run(t *testing.T, name string, f func(*testing.T)) {
	t.Helper()
	if !slices.Contains(Tests, name) {
		panic("deploytest: test " + name + " missing from Tests")
	}
	t.Run(path.Base(name), func(t *testing.T) {
		if reason, ok := s.h.Skip[name]; ok {
			t.Skip(reason)
		}
		f(t)
	})
}

// env returns a copy of the harness's env, to change.
func (s *suite) env(t *testing.T) *config.Environment {
	t.Helper()
	e := *s.h.Env(t)
	return &e
}

// backend builds the backend of env, failing the test on error.
func (s *suite) backend(t *testing.T, env *config.Environment) deploy.Backend {
	t.Helper()
	b, err := s.h.New(t, options(t, env))
	if err != nil {
		t.Fatalf("New(env %s, manager %q): %v", env.Name, env.Manager, err)
	}
	return b
}

// options are the backend options of env in a test: progress to t.Log,
// and a swarm may be initialised (as by a deploy).
func options(t *testing.T, env *config.Environment) deploy.BackendOptions {
	return deploy.BackendOptions{Env: env, Log: testLog{t}, MayInitSwarm: true}
}

// testLog writes to t.Log.
type testLog struct{ t *testing.T }

func (w testLog) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// manager returns b's manager client, closed when the test ends.
func (s *suite) manager(t *testing.T, b deploy.Backend) deploy.SwarmAPI {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	api, err := b.Manager(ctx)
	if err != nil {
		t.Fatalf("Manager: %v", err)
	}
	t.Cleanup(func() { api.Close() })
	return api
}

// poll calls f every 200ms until it returns nil, and fails the test with
// f's last error after the harness's timeout. It returns how long it took.
func (s *suite) poll(t *testing.T, what string, f func(ctx context.Context) error) time.Duration {
	t.Helper()
	t0 := time.Now()
	deadline := t0.Add(s.h.Timeout)
	for {
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		err := f(ctx)
		cancel()
		if err == nil {
			return time.Since(t0)
		}
		if time.Now().After(deadline) || t.Context().Err() != nil {
			t.Fatalf("waiting for %s: still not after %s: %v", what, s.h.Timeout, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// wantErr fails the test unless err wraps target.
func wantErr(t *testing.T, call string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: got error %v, want one wrapping %q", call, err, target)
	}
}

// shortCtx bounds a call the contract wants prompt.
func shortCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

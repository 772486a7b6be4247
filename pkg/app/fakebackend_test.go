package app

import (
	"context"
	"errors"
	"fmt"
	"testing"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
)

// fakeBackend is a deploy.Backend that records the options it was built
// from; its Manager returns api, or err. The methods the commands do not
// call panic (the nil embedded interface).
type fakeBackend struct {
	deploy.Backend
	opts     deploy.BackendOptions
	props    deploy.Properties
	api      deploy.SwarmAPI
	err      error
	findings []deploy.Finding

	// The cluster: what Nodes, Schedule, ApplySchedule and PruneNodes
	// return (clusterErr their error); calls logs their calls ("nodes",
	// "scale 4", "schedule", "apply", "prune").
	nodes      []deploy.Node
	schedule   []deploy.ScheduledChange
	applied    []string
	pruned     []deploy.Node
	up         []string
	clusterErr error
	calls      []string
}

func (b *fakeBackend) Nodes(context.Context) ([]deploy.Node, error) {
	b.calls = append(b.calls, "nodes")
	return b.nodes, b.clusterErr
}

func (b *fakeBackend) ScaleNodes(_ context.Context, n int) error {
	b.calls = append(b.calls, fmt.Sprintf("scale %d", n))
	return b.clusterErr
}

func (b *fakeBackend) Schedule(context.Context) ([]deploy.ScheduledChange, error) {
	b.calls = append(b.calls, "schedule")
	return b.schedule, b.clusterErr
}

func (b *fakeBackend) ApplySchedule(context.Context) ([]string, error) {
	b.calls = append(b.calls, "apply")
	return b.applied, b.clusterErr
}

func (b *fakeBackend) PruneNodes(context.Context) ([]deploy.Node, error) {
	b.calls = append(b.calls, "prune")
	return b.pruned, b.clusterErr
}

func (b *fakeBackend) Up(_ context.Context, managers, workers int) ([]string, error) {
	b.calls = append(b.calls, fmt.Sprintf("up %d %d", managers, workers))
	return b.up, b.clusterErr
}

func (b *fakeBackend) Name() string                  { return "fake" }
func (b *fakeBackend) Properties() deploy.Properties { return b.props }

func (b *fakeBackend) Check(context.Context) ([]deploy.Finding, error) {
	b.calls = append(b.calls, "check")
	if !b.props.Check {
		return nil, deploy.ErrNotSupported
	}
	return b.findings, nil
}
func (b *fakeBackend) Manager(context.Context) (deploy.SwarmAPI, error) {
	if b.err != nil {
		return nil, b.err
	}
	return b.api, nil
}

// emptySwarm is a swarm manager with no service, no config (so no history
// and no lock); what else is called panics.
type emptySwarm struct {
	deploy.SwarmAPI
	closed bool
}

func (s *emptySwarm) ServiceList(context.Context, client.ServiceListOptions) (client.ServiceListResult, error) {
	return client.ServiceListResult{}, nil
}

func (s *emptySwarm) ConfigList(context.Context, client.ConfigListOptions) (client.ConfigListResult, error) {
	return client.ConfigListResult{}, nil
}

func (s *emptySwarm) ConfigInspect(_ context.Context, id string, _ client.ConfigInspectOptions) (client.ConfigInspectResult, error) {
	return client.ConfigInspectResult{}, cerrdefs.ErrNotFound.WithMessage("config " + id)
}

func (s *emptySwarm) ServiceInspect(_ context.Context, id string, _ client.ServiceInspectOptions) (client.ServiceInspectResult, error) {
	return client.ServiceInspectResult{}, cerrdefs.ErrNotFound.WithMessage("service " + id)
}

func (s *emptySwarm) Close() error { s.closed = true; return nil }

// targets is a Target dependency over a project parsed from toml whose
// backends are fakes: built records each backend made, in order.
type targets struct {
	t       *testing.T
	project *Project
	api     deploy.SwarmAPI
	err     error // Manager's
	props   deploy.Properties
	finds   []deploy.Finding // Check's
	built   []*fakeBackend
	load    func(string, swarmInit) (*Target, error)
	// setup, when set, completes each backend built.
	setup func(*fakeBackend)
}

func newTargets(t *testing.T, toml string) *targets {
	t.Helper()
	cfg, err := config.Parse("/src/shop/.gazr.toml", []byte(toml))
	if err != nil {
		t.Fatal(err)
	}
	ts := &targets{t: t, project: &Project{Config: cfg}, api: &emptySwarm{}}
	factory := func(o deploy.BackendOptions) (deploy.Backend, error) {
		b := &fakeBackend{opts: o, api: ts.api, err: ts.err, props: ts.props, findings: ts.finds}
		if ts.setup != nil {
			ts.setup(b)
		}
		ts.built = append(ts.built, b)
		return b, nil
	}
	log := &errWriter{}
	ts.load = targetLoader(func() (*Project, error) { return ts.project, nil },
		map[string]deploy.Factory{"local": factory, "aws": factory}, log)
	return ts
}

// errWriter marks the progress writer the loader passes to backends.
type errWriter struct{ n int }

func (w *errWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

// only returns the one backend built, failing unless there is one.
func (ts *targets) only() *fakeBackend {
	ts.t.Helper()
	if len(ts.built) != 1 {
		ts.t.Fatalf("%d backends built, want 1", len(ts.built))
	}
	return ts.built[0]
}

// wantInit fails unless the one backend built was allowed to initialise
// a swarm exactly when want.
func (ts *targets) wantInit(want bool) {
	ts.t.Helper()
	if got := ts.only().opts.MayInitSwarm; got != want {
		ts.t.Errorf("backend built with MayInitSwarm %v, want %v", got, want)
	}
}

var errManager = errors.New("manager unreachable (fake)")

const shopToml = `name = "shop"
[env.staging]
[env.production]
backend = "aws"
`

package deploy

import (
	"context"
	"errors"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy/convert"
)

// fakeStuckSwarm is a swarm whose one service, once updated, never
// replaces its tasks: a rollback waits until it is interrupted. Configs
// (lock, history, key) are fakeConfigs; any other call panics.
type fakeStuckSwarm struct {
	SwarmAPI
	*fakeConfigs
	mu      sync.Mutex
	svc     swarm.Service
	updated chan struct{}
}

func (f *fakeStuckSwarm) Close() error { return nil }

// The config calls go to fakeConfigs (both embedded types have them).

func (f *fakeStuckSwarm) ConfigCreate(ctx context.Context, o client.ConfigCreateOptions) (client.ConfigCreateResult, error) {
	return f.fakeConfigs.ConfigCreate(ctx, o)
}

func (f *fakeStuckSwarm) ConfigInspect(ctx context.Context, id string, o client.ConfigInspectOptions) (client.ConfigInspectResult, error) {
	return f.fakeConfigs.ConfigInspect(ctx, id, o)
}

func (f *fakeStuckSwarm) ConfigList(ctx context.Context, o client.ConfigListOptions) (client.ConfigListResult, error) {
	return f.fakeConfigs.ConfigList(ctx, o)
}

func (f *fakeStuckSwarm) ConfigUpdate(ctx context.Context, id string, o client.ConfigUpdateOptions) (client.ConfigUpdateResult, error) {
	return f.fakeConfigs.ConfigUpdate(ctx, id, o)
}

func (f *fakeStuckSwarm) ConfigRemove(ctx context.Context, id string, o client.ConfigRemoveOptions) (client.ConfigRemoveResult, error) {
	return f.fakeConfigs.ConfigRemove(ctx, id, o)
}

func (f *fakeStuckSwarm) service() swarm.Service {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.svc
}

func (f *fakeStuckSwarm) ServiceList(context.Context, client.ServiceListOptions) (client.ServiceListResult, error) {
	return client.ServiceListResult{Items: []swarm.Service{f.service()}}, nil
}

func (f *fakeStuckSwarm) ServiceInspect(context.Context, string, client.ServiceInspectOptions) (client.ServiceInspectResult, error) {
	return client.ServiceInspectResult{Service: f.service()}, nil
}

func (f *fakeStuckSwarm) ServiceUpdate(_ context.Context, _ string, o client.ServiceUpdateOptions) (client.ServiceUpdateResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	prev := f.svc.Spec
	f.svc.PreviousSpec, f.svc.Spec = &prev, o.Spec
	close(f.updated)
	return client.ServiceUpdateResult{}, nil
}

// TaskList: the tasks of the spec that ran before the rollback, forever.
func (f *fakeStuckSwarm) TaskList(context.Context, client.TaskListOptions) (client.TaskListResult, error) {
	svc := f.service()
	spec := svc.Spec.TaskTemplate
	if svc.PreviousSpec != nil {
		spec = svc.PreviousSpec.TaskTemplate
	}
	return client.TaskListResult{Items: []swarm.Task{running(spec, time.Now())}}, nil
}

type fakeBackend struct {
	Backend
	api SwarmAPI
}

func (b fakeBackend) Manager(context.Context) (SwarmAPI, error)  { return b.api, nil }
func (b fakeBackend) Registry(context.Context) (Registry, error) { return Registry{}, nil }

func webSpec(version string) swarm.ServiceSpec {
	one := uint64(1)
	return swarm.ServiceSpec{
		Annotations: swarm.Annotations{Name: "shop-ci_web", Labels: map[string]string{
			convert.LabelNamespace: "shop-ci", convert.LabelVersion: version}},
		TaskTemplate: swarm.TaskSpec{ContainerSpec: &swarm.ContainerSpec{Image: "shop/web:" + version}},
		Mode:         swarm.ServiceMode{Replicated: &swarm.ReplicatedService{Replicas: &one}},
	}
}

// A rollback interrupted while swarm rolls it out (SIGTERM cancels the
// root context) gives the lock back within its own deadline, though the
// manager fails the first removals, and says and records what is true:
// interrupted, with the service it had already updated.
func TestRollbackInterruptedReleasesTheLock(t *testing.T) {
	fastLease(t)
	ns := "shop-ci"
	api := &fakeStuckSwarm{fakeConfigs: newFakeConfigs(), updated: make(chan struct{}),
		svc: swarm.Service{ID: "s1", Spec: webSpec("v2")}}
	for i, v := range []string{"v1", "v2"} {
		r := Record{Namespace: ns, Kind: "deploy", Version: v, Result: ResultSucceeded,
			At: time.Now().Add(time.Duration(i-2) * time.Hour), Services: []swarm.ServiceSpec{webSpec(v)}}
		if err := AddRecord(t.Context(), api, r); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(t.Context())
	var cancelled time.Time
	go func() {
		<-api.updated
		time.Sleep(100 * time.Millisecond) // Wait is polling now
		api.fakeConfigs.mu.Lock()
		api.failRemoves = 2 // a loaded manager: the release must retry
		api.fakeConfigs.mu.Unlock()
		cancelled = time.Now()
		cancel()
	}()
	res, err := Rollback(ctx, RollbackOptions{Project: "shop", Env: &config.Environment{Name: "ci", Timeout: time.Minute},
		Backend: fakeBackend{api: api}, Out: io.Discard})
	took := time.Since(cancelled)

	var intr *InterruptedError
	if !errors.As(err, &intr) || len(intr.Updated) != 1 || intr.Updated[0] != "shop-ci_web" {
		t.Fatalf("Rollback = %v, want an interruption naming shop-ci_web as updated", err)
	}
	if res == nil || res.Record == nil || res.Record.Result != ResultInterrupted {
		t.Errorf("record = %+v, want result %q", res, ResultInterrupted)
	}
	if h, _ := History(t.Context(), api, ns); len(h) == 0 || h[0].Kind != "rollback" || h[0].Result != ResultInterrupted {
		t.Errorf("newest history record = %+v, want the rollback, interrupted", h)
	}
	if _, held := api.find(lockName(ns)); held {
		t.Error("the lock is still held after the interrupted rollback returned")
	}
	if took > LockReleaseTimeout+time.Second {
		t.Errorf("Rollback returned %s after the interruption, want within the release's own deadline (%s)", took, LockReleaseTimeout)
	}
}

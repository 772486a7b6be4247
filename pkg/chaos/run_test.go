package chaos

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/deploy"
)

// fakeManager is an in-memory manager for chaos.Run: nodes, one stack's
// services and running tasks, and configs (the lock and the history).
type fakeManager struct {
	deploy.SwarmAPI
	mu       sync.Mutex
	snap     *Snapshot
	configs  map[string]swarm.Config
	seq      int
	onUpdate func() // called after a node update is applied
}

func (a *fakeManager) Info(context.Context, client.InfoOptions) (client.SystemInfoResult, error) {
	var r client.SystemInfoResult
	r.Info.Swarm.NodeID = a.snap.Self
	return r, nil
}
func (a *fakeManager) NodeList(context.Context, client.NodeListOptions) (client.NodeListResult, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return client.NodeListResult{Items: append([]swarm.Node(nil), a.snap.Nodes...)}, nil
}
func (a *fakeManager) NodeInspect(_ context.Context, id string, _ client.NodeInspectOptions) (client.NodeInspectResult, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if n := a.snap.node(id); n != nil {
		return client.NodeInspectResult{Node: *n}, nil
	}
	return client.NodeInspectResult{}, cerrdefs.ErrNotFound
}
func (a *fakeManager) NodeUpdate(ctx context.Context, id string, o client.NodeUpdateOptions) (client.NodeUpdateResult, error) {
	a.mu.Lock()
	a.snap.node(id).Spec = o.Spec
	a.mu.Unlock()
	if a.onUpdate != nil {
		a.onUpdate()
	}
	return client.NodeUpdateResult{}, ctx.Err()
}
func (a *fakeManager) ServiceList(context.Context, client.ServiceListOptions) (client.ServiceListResult, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return client.ServiceListResult{Items: append([]swarm.Service(nil), a.snap.Services...)}, nil
}
func (a *fakeManager) TaskList(context.Context, client.TaskListOptions) (client.TaskListResult, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []swarm.Task
	for _, t := range a.snap.Running {
		if n := a.snap.node(t.NodeID); n != nil && active(*n) {
			out = append(out, t)
		}
	}
	return client.TaskListResult{Items: out}, nil
}
func (a *fakeManager) ConfigCreate(_ context.Context, o client.ConfigCreateOptions) (client.ConfigCreateResult, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.configs == nil {
		a.configs = map[string]swarm.Config{}
	}
	if _, ok := a.configs[o.Spec.Name]; ok {
		return client.ConfigCreateResult{}, cerrdefs.ErrAlreadyExists
	}
	a.seq++
	id := fmt.Sprint("cfg", a.seq)
	a.configs[o.Spec.Name] = swarm.Config{ID: id, Spec: o.Spec}
	return client.ConfigCreateResult{ID: id}, nil
}
func (a *fakeManager) ConfigInspect(_ context.Context, id string, _ client.ConfigInspectOptions) (client.ConfigInspectResult, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for name, c := range a.configs {
		if c.ID == id || name == id {
			return client.ConfigInspectResult{Config: c}, nil
		}
	}
	return client.ConfigInspectResult{}, cerrdefs.ErrNotFound
}
func (a *fakeManager) ConfigUpdate(context.Context, string, client.ConfigUpdateOptions) (client.ConfigUpdateResult, error) {
	return client.ConfigUpdateResult{}, nil
}
func (a *fakeManager) ConfigRemove(_ context.Context, id string, _ client.ConfigRemoveOptions) (client.ConfigRemoveResult, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for name, c := range a.configs {
		if c.ID == id || name == id {
			delete(a.configs, name)
		}
	}
	return client.ConfigRemoveResult{}, nil
}
func (a *fakeManager) ConfigList(_ context.Context, o client.ConfigListOptions) (client.ConfigListResult, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []swarm.Config
	for _, c := range a.configs {
		if _, ok := c.Spec.Labels[deploy.LabelHistory]; ok {
			out = append(out, c)
		}
	}
	return client.ConfigListResult{Items: out}, nil
}

// fakeBackend reaches the tasks of node "reach" only (as the agent's
// local backend reaches its own node's); StopNode/StartNode call hooks.
type fakeBackend struct {
	deploy.Backend
	api            *fakeManager
	reach          string
	killed         []string
	stopNode       func(ctx context.Context, id string) error
	startNodeCalls int
}

func (b *fakeBackend) Name() string { return "fake" }
func (b *fakeBackend) Properties() deploy.Properties {
	return deploy.Properties{StopNode: true, StartNode: true}
}
func (b *fakeBackend) StopTask(_ context.Context, id string) error {
	b.api.mu.Lock()
	defer b.api.mu.Unlock()
	for i, t := range b.api.snap.Running {
		if t.ID != id {
			continue
		}
		if t.NodeID != b.reach {
			return fmt.Errorf("task %s is on another node: %w", id, deploy.ErrNotSupported)
		}
		b.killed = append(b.killed, id)
		// Swarm replaces it at once.
		t.ID += "-new"
		b.api.snap.Running[i] = t
		return nil
	}
	return fmt.Errorf("no task %s", id)
}
func (b *fakeBackend) StopNode(ctx context.Context, id string) error { return b.stopNode(ctx, id) }
func (b *fakeBackend) StartNode(_ context.Context, id string) error {
	b.startNodeCalls++
	b.api.mu.Lock()
	defer b.api.mu.Unlock()
	b.api.snap.node(id).Spec.Availability = swarm.NodeAvailabilityActive
	return nil
}

func testEnv() *config.Environment {
	c := config.DefaultChaos()
	c.Baseline, c.MaxRecovery = 20*time.Millisecond, 2*time.Second
	return &config.Environment{Name: "staging", Chaos: c, EdgePort: 80}
}

func (a *fakeManager) history() []deploy.Record {
	rs, _ := deploy.History(context.Background(), a, a.snap.Namespace)
	return rs
}

// TestTargetNamesTheKilledTask: when the backend cannot reach the first
// candidate's node and kills the next task, the report (and the history)
// name the task killed.
func TestTargetNamesTheKilledTask(t *testing.T) {
	{
		api := &fakeManager{snap: bed("m1 w1 w2", "id-m1", map[string][]string{"web": {"m1", "w1", "w2"}})}
		b := &fakeBackend{api: api, reach: "id-w2"}
		r, err := Run(context.Background(), Options{Backend: b, API: api, Env: testEnv(), Namespace: "shop-staging",
			Experiment: exp(t, "kill-task"), Choose: ChooseOptions{Service: "web", Rand: seeded()}, Out: io.Discard, Poll: 10 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if len(b.killed) != 1 || b.killed[0] != "web-task-w2" {
			t.Fatalf("killed %v, want web-task-w2", b.killed)
		}
		if !strings.Contains(r.Target, "on node w2") {
			t.Errorf("killed the task on w2; report says %q", r.Target)
		}
		if h := api.history(); len(h) != 1 || !strings.Contains(h[0].Message, "on node w2") {
			t.Errorf("killed the task on w2; history says %+v", h)
		}
	}
}

// TestInterruptDuringInjectBringsTheNodeBack: Ctrl-C while the backend
// stops the node (it may be stopped already): the node is started again,
// the experiment recorded, and the error says so.
func TestInterruptDuringInjectBringsTheNodeBack(t *testing.T) {
	api := &fakeManager{snap: bed("m1 w1 w2", "id-m1", map[string][]string{"web": {"m1", "w1", "w2"}})}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b := &fakeBackend{api: api}
	b.stopNode = func(ctx context.Context, id string) error {
		api.mu.Lock()
		api.snap.node(id).Spec.Availability = swarm.NodeAvailabilityDrain // the machine is going down
		api.mu.Unlock()
		cancel() // the user hits Ctrl-C while the backend waits for it
		return fmt.Errorf("wait for stop: %w", ctx.Err())
	}
	_, err := Run(ctx, Options{Backend: b, API: api, Env: testEnv(), Namespace: "shop-staging",
		Experiment: exp(t, "kill-node"), Choose: ChooseOptions{Node: "w1"}, Out: io.Discard, Poll: 10 * time.Millisecond})
	n, _ := api.NodeInspect(context.Background(), "id-w1", client.NodeInspectOptions{})
	if n.Node.Spec.Availability != swarm.NodeAvailabilityActive || b.startNodeCalls == 0 {
		t.Errorf("after an interrupted StopNode (err %v): w1 is %s, StartNode called %d times; want it brought back", err, n.Node.Spec.Availability, b.startNodeCalls)
	}
	if h := api.history(); len(h) == 0 {
		t.Errorf("no history record of an experiment that took w1 out")
	}
}

// TestInterruptDuringDrainActivatesTheNode: the same for drain-node: the
// update may have reached the swarm; the node is made active again.
func TestInterruptDuringDrainActivatesTheNode(t *testing.T) {
	api := &fakeManager{snap: bed("m1 w1 w2", "id-m1", map[string][]string{"web": {"m1", "w1", "w2"}})}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	api.onUpdate = cancel
	_, err := Run(ctx, Options{Backend: &fakeBackend{api: api}, API: api, Env: testEnv(), Namespace: "shop-staging",
		Experiment: exp(t, "drain-node"), Choose: ChooseOptions{Node: "w1"}, Out: io.Discard, Poll: 10 * time.Millisecond})
	n, _ := api.NodeInspect(context.Background(), "id-w1", client.NodeInspectOptions{})
	if n.Node.Spec.Availability != swarm.NodeAvailabilityActive {
		t.Errorf("after an interrupted drain (err %v): w1 is left %s", err, n.Node.Spec.Availability)
	}
}

// failStart is a backend whose StartNode fails: the node stays out.
type failStart struct{ *fakeBackend }

func (b failStart) StartNode(context.Context, string) error {
	return fmt.Errorf("PVE: start task failed")
}

// TestNotHeldWhileTheNodeIsLeftOut: the services recover, but the node
// cannot be brought back: the hypothesis does not hold, and says why.
func TestNotHeldWhileTheNodeIsLeftOut(t *testing.T) {
	api := &fakeManager{snap: bed("m1 w1 w2", "id-m1", map[string][]string{"web": {"m1", "w1", "w2"}})}
	b := &fakeBackend{api: api}
	b.stopNode = func(_ context.Context, id string) error {
		api.mu.Lock()
		defer api.mu.Unlock()
		api.snap.node(id).Spec.Availability = swarm.NodeAvailabilityDrain
		// Swarm reschedules w1's task on w2.
		for i, t := range api.snap.Running {
			if t.NodeID == id {
				api.snap.Running[i].NodeID, api.snap.Running[i].ID = "id-w2", t.ID+"-moved"
			}
		}
		return nil
	}
	r, err := Run(context.Background(), Options{Backend: failStart{b}, API: api, Env: testEnv(), Namespace: "shop-staging",
		Experiment: exp(t, "kill-node"), Choose: ChooseOptions{Node: "w1"}, Out: io.Discard, Poll: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if r.Held {
		t.Errorf("Held = true, Restored = %q: a node left out is reported as a held experiment (exit 0)", r.Restored)
	}
}

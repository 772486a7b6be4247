package swarmbed_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/swarmbed"
	"github.com/gazr-io/gazr/pkg/enginetest"
)

const busybox = "gazr-test/busybox:1"

// hostEngine returns a client for the host engine once it has the bed's
// node image and images; enginetest's policy decides what happens
// otherwise (skipped under -short).
func hostEngine(t *testing.T, images ...string) *client.Client {
	t.Helper()
	return enginetest.Connect(t, append([]string{swarmbed.DefaultImage}, images...)...)
}

// startBed starts a bed, removed when the test ends, pass or fail.
func startBed(t *testing.T, o swarmbed.Options) *swarmbed.Bed {
	t.Helper()
	images := slices.Clone(o.Images)
	if o.Registry {
		images = append(images, swarmbed.RegistryImage)
	}
	hostEngine(t, images...)
	o.Logf = t.Logf
	t0 := time.Now()
	b, err := swarmbed.Start(t.Context(), o)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Logf("TIMING bed start (%d nodes): %s", len(b.Nodes), time.Since(t0).Round(time.Millisecond))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := b.Close(ctx); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return b
}

func manager(t *testing.T, b *swarmbed.Bed) *client.Client {
	t.Helper()
	m, err := b.Manager()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// createService creates a service and returns its ID.
func createService(t *testing.T, m *client.Client, spec swarm.ServiceSpec) string {
	t.Helper()
	res, err := m.ServiceCreate(t.Context(), client.ServiceCreateOptions{Spec: spec})
	if err != nil {
		t.Fatalf("create service %s: %v", spec.Name, err)
	}
	return res.ID
}

// waitTasks waits until ok accepts the service's tasks whose desired state
// is running or complete, and returns them. m is asked for a manager at
// each try, since managers come and go.
func waitTasks(t *testing.T, m func() (*client.Client, error), service string, timeout time.Duration,
	ok func([]swarm.Task) error) []swarm.Task {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		tasks, err := liveTasks(t.Context(), m, service)
		if err == nil {
			if err = ok(tasks); err == nil {
				return tasks
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("service %s: after %s: %v", service, timeout, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func liveTasks(ctx context.Context, m func() (*client.Client, error), service string) ([]swarm.Task, error) {
	c, err := m()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	res, err := c.TaskList(ctx, client.TaskListOptions{Filters: client.Filters{}.Add("service", service)})
	if err != nil {
		return nil, err
	}
	var live []swarm.Task
	for _, task := range res.Items {
		if task.DesiredState == swarm.TaskStateRunning || task.DesiredState == swarm.TaskStateComplete {
			live = append(live, task)
		}
	}
	return live, nil
}

// runningOn checks that n tasks are running, on distinct nodes when
// distinct is set, and none on the excluded node.
func runningOn(n int, distinct bool, exclude string) func([]swarm.Task) error {
	return func(tasks []swarm.Task) error {
		nodes := map[string]bool{}
		running := 0
		for _, task := range tasks {
			if task.Status.State != swarm.TaskStateRunning {
				continue
			}
			if task.NodeID == exclude {
				return fmt.Errorf("task %s runs on the excluded node %s", task.ID, exclude)
			}
			running++
			nodes[task.NodeID] = true
		}
		if running != n || len(tasks) != n {
			return fmt.Errorf("%d of %d tasks running, want %d", running, len(tasks), n)
		}
		if distinct && len(nodes) != n {
			return fmt.Errorf("%d tasks on %d nodes, want %d distinct", n, len(nodes), n)
		}
		return nil
	}
}

func replicas(n uint64) swarm.ServiceMode {
	return swarm.ServiceMode{Replicated: &swarm.ReplicatedService{Replicas: &n}}
}

// waitNode waits until the managers see node i in the given state.
func waitNode(t *testing.T, b *swarmbed.Bed, i int, want swarm.NodeState, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		var got swarm.NodeState
		m, err := b.Manager()
		if err == nil {
			var n client.NodeInspectResult
			n, err = m.NodeInspect(t.Context(), b.Nodes[i].ID, client.NodeInspectOptions{})
			got = n.Node.Status.State
		}
		if err == nil && got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("node %d: %s after %s, want %s (%v)", i, got, timeout, want, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

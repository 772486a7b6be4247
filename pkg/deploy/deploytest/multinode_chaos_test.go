package deploytest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/load"
)

// lost is the node TestMultiNode stops.
const lost = 2

// loadWorkers is how many clients the load loops run.
const loadWorkers = 4

// edge: the edge answers for the app on every manager, and a steady load
// through one of them sees no failure.
func (m *multi) edge(t *testing.T) {
	for _, n := range m.bed.Nodes {
		waitFor(t, "the edge on "+n.Name, 2*time.Minute, func(ctx context.Context) error {
			body, err := get(ctx, edgeURL(n), edgeHost)
			if err == nil && body != "hello from v1" {
				err = fmt.Errorf("body %q, want hello from v1", body)
			}
			return err
		})
		t.Logf("TIMING edge on %s answering %s after the first deploy returned", n.Name, since(m.deployed))
	}
	l := load.Start(edgeURL(m.bed.Nodes[0]), edgeHost, loadWorkers, time.Minute)
	time.Sleep(3 * time.Second)
	st := l.Stop()
	loadPhase(t, "steady, 3 nodes", st)
	if st.Failed > 0 || st.Requests == 0 {
		t.Errorf("steady load through the edge: %s, want no failure", st)
	}
}

// nodeLoss: node 2 goes away (SIGKILL of its engine) under load through
// node 0's edge; the swarm brings the service back to 3 replicas on the 2
// nodes left, and requests succeed again.
func (m *multi) nodeLoss(t *testing.T) {
	api := m.manager(t)
	gone := m.bed.Nodes[lost]
	l := load.Start(edgeURL(m.bed.Nodes[0]), edgeHost, loadWorkers, 3*time.Minute)
	time.Sleep(time.Second)
	t0 := time.Now()
	if err := m.bed.StopNode(t.Context(), lost); err != nil {
		l.Stop()
		t.Fatal(err)
	}
	waitFor(t, gone.Name+" down", time.Minute, func(ctx context.Context) error {
		n, err := api.NodeInspect(ctx, gone.ID, client.NodeInspectOptions{})
		if err == nil && n.Node.Status.State != swarm.NodeStateDown {
			err = fmt.Errorf("%s is %s", gone.Name, n.Node.Status.State)
		}
		return err
	})
	t.Logf("TIMING node loss: %s seen down after %s", gone.Name, since(t0))
	waitFor(t, "3 replicas on the 2 nodes left", 2*time.Minute, converged(api, gone.ID))
	t.Logf("TIMING node loss: service back to 3 replicas after %s", since(t0))
	st := l.Stop()
	loadPhase(t, "node loss (1s before the stop to convergence)", st)

	t1 := time.Now()
	var after load.Stats
	waitFor(t, "a 2s window of load without failure", 30*time.Second, func(ctx context.Context) error {
		l := load.Start(edgeURL(m.bed.Nodes[0]), edgeHost, loadWorkers, 10*time.Second)
		time.Sleep(2 * time.Second)
		if after = l.Stop(); after.Failed > 0 || after.Requests == 0 {
			return fmt.Errorf("%s: %v", after, after.Errors)
		}
		return nil
	})
	loadPhase(t, "after convergence", after)
	t.Logf("TIMING node loss: clean 2s window %s after convergence", since(t1))
	_, byNode, _ := runningTasks(t.Context(), api, service)
	t.Logf("replicas by node after the loss: %v", m.byName(byNode))
}

// deployNodeDown: v2 deploys while node 2 is down (2 of 3 managers keep
// the quorum), with no failed request through node 1's edge.
func (m *multi) deployNodeDown(t *testing.T) {
	writeApp(t, m.dir, "v2", m.toml)
	api := m.manager(t)
	url := edgeURL(m.bed.Nodes[1])
	l := load.Start(url, edgeHost, loadWorkers, 3*time.Minute)
	time.Sleep(time.Second)
	o, out := m.options(t)
	t0 := time.Now()
	res, err := deploy.Deploy(t.Context(), o)
	if err != nil {
		l.Stop()
		t.Fatalf("deploy v2 with %s down: %v", m.bed.Nodes[lost].Name, err)
	}
	logDeploy(t, "v2 deploy, node 2 down", t0, out)
	waitFor(t, "the edge serving v2 only", 30*time.Second, func(ctx context.Context) error {
		for range 6 {
			if body, err := get(ctx, url, edgeHost); err != nil || body != "hello from v2" {
				return fmt.Errorf("%q %v", body, err)
			}
		}
		return nil
	})
	time.Sleep(time.Second)
	st := l.Stop()
	loadPhase(t, "v2 rollout, node 2 down", st)
	if st.Failed > 0 {
		t.Errorf("v2 rollout with a node down: %d of %d requests failed, want none", st.Failed, st.Requests)
	}
	if st.Bodies["hello from v1"] == 0 || st.Bodies["hello from v2"] == 0 {
		t.Errorf("bodies %v: want both versions served during the rollout", st.Bodies)
	}
	waitFor(t, "3 replicas of v2", time.Minute, converged(api, m.bed.Nodes[lost].ID))
	ts, byNode, err := runningTasks(t.Context(), api, service)
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range ts {
		if img := task.Spec.ContainerSpec.Image; !strings.Contains(img, ":"+res.Version) {
			t.Errorf("task %s runs %s, want version %s", task.ID, img, res.Version)
		}
	}
	t.Logf("v2 replicas by node: %v", m.byName(byNode))
}

// byName turns counts by node ID into counts by node name.
func (m *multi) byName(byID map[string]int) map[string]int {
	out := map[string]int{}
	for _, n := range m.bed.Nodes {
		if c := byID[n.ID]; c > 0 {
			out[n.Name] = c
		}
	}
	return out
}

// converged checks that the service runs 3 tasks, none on the node lost.
func converged(api client.TaskAPIClient, gone string) func(context.Context) error {
	return func(ctx context.Context) error {
		ts, byNode, err := runningTasks(ctx, api, service)
		if err != nil {
			return err
		}
		running := 0
		for _, task := range ts {
			if task.NodeID == gone {
				return fmt.Errorf("task %s still on the lost node (%s)", task.ID, task.Status.State)
			}
			if task.Status.State == swarm.TaskStateRunning {
				running++
			}
		}
		if running != 3 || len(ts) != 3 {
			return fmt.Errorf("%d of %d tasks running (by node %v), want 3", running, len(ts), byNode)
		}
		return nil
	}
}

// loadPhase logs a phase's load figures.
func loadPhase(t *testing.T, phase string, st load.Stats) {
	t.Helper()
	t.Logf("LOAD %s: %s; bodies %v", phase, st, st.Bodies)
	for _, e := range st.Errors {
		t.Logf("LOAD %s: failure: %s", phase, e)
	}
}

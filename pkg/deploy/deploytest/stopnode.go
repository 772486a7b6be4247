package deploytest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/deploy"
)

// testStopNode: StopNode is ErrNotSupported unless Properties().StopNode;
// then an unknown node is ErrNotFound, and a stopped node stops being
// Ready while its tasks move to the other nodes.
func (s *suite) testStopNode(t *testing.T) {
	b := s.backend(t, s.env(t))
	if !b.Properties().StopNode {
		err := b.StopNode(shortCtx(t), "gazrconformancenosuchnode")
		wantErr(t, "StopNode with Properties().StopNode false", err, deploy.ErrNotSupported)
		t.Skip("Properties().StopNode is false, and StopNode says ErrNotSupported")
	}
	s.run(t, "StopNode/Unknown", func(t *testing.T) {
		err := b.StopNode(shortCtx(t), "gazrconformancenosuchnode")
		wantErr(t, "StopNode of an unknown node", err, deploy.ErrNotFound)
	})
	s.run(t, "StopNode/Reschedules", func(t *testing.T) { s.stopNode(t, b) })
}

// stopNode runs a service with a task on every ready node, stops a node
// other than the manager's, preferably a worker, and waits until the node
// is no longer Ready and all the tasks run elsewhere.
func (s *suite) stopNode(t *testing.T, b deploy.Backend) {
	api := s.manager(t, b)
	self := selfNode(t, api)
	ready, err := readyNodes(shortCtx(t), api)
	if err != nil {
		t.Fatal(err)
	}
	if len(ready) < 2 {
		t.Skipf("%d ready node(s): no node to stop besides the manager's, which the suite talks to", len(ready))
	}
	svc := s.createService(t, api, "stopnode", replicated(len(ready)))
	ts := s.waitRunning(t, api, svc, fmt.Sprintf("%d tasks spread over the ready nodes", len(ready)),
		onNodes(len(ready), true, ""))
	victim := pickVictim(t, b, self, ts)
	t.Cleanup(func() { s.undrain(t, api, victim) })

	t0 := time.Now()
	if err := b.StopNode(shortCtx(t), victim.ID); err != nil {
		t.Fatalf("StopNode(%s %s): %v", victim.ID, victim.Hostname, err)
	}
	s.poll(t, "node "+victim.Hostname+" not Ready", func(ctx context.Context) error {
		nodes, err := b.Nodes(ctx)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(nodes, func(n deploy.Node) bool { return n.ID == victim.ID })
		if i >= 0 && nodes[i].Ready {
			return fmt.Errorf("Nodes says %s is Ready", victim.Hostname)
		}
		return nil // not Ready, or gone from the swarm
	})
	s.waitRunning(t, api, svc, fmt.Sprintf("%d tasks off the stopped node", len(ready)),
		onNodes(len(ready), false, victim.ID))
	t.Logf("node %s stopped, its task rescheduled in %s", victim.Hostname, time.Since(t0).Round(time.Millisecond))
}

// pickVictim chooses a node running one of ts, not self, a worker if any.
func pickVictim(t *testing.T, b deploy.Backend, self string, ts []swarm.Task) deploy.Node {
	t.Helper()
	nodes, err := b.Nodes(shortCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	busy := map[string]bool{}
	for _, task := range ts {
		busy[task.NodeID] = true
	}
	var pick *deploy.Node
	for i, n := range nodes {
		if n.ID == self || !n.Ready || !busy[n.ID] {
			continue
		}
		if pick == nil || (pick.Manager && !n.Manager) {
			pick = &nodes[i]
		}
	}
	if pick == nil {
		t.Fatalf("no ready node besides the manager's %s runs a task of the test service", self)
	}
	return *pick
}

// undrain makes a node that StopNode drained take tasks again. A node a
// backend powered off stays off: restoring it is the harness's business.
func (s *suite) undrain(t *testing.T, api deploy.SwarmAPI, victim deploy.Node) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(t.Context()), time.Minute)
	defer cancel()
	res, err := api.NodeInspect(ctx, victim.ID, client.NodeInspectOptions{})
	if err != nil {
		t.Logf("node %s after the test: %v", victim.Hostname, err)
		return
	}
	if res.Node.Spec.Availability != swarm.NodeAvailabilityDrain {
		return
	}
	spec := res.Node.Spec
	spec.Availability = swarm.NodeAvailabilityActive
	if _, err := api.NodeUpdate(ctx, victim.ID, client.NodeUpdateOptions{Version: res.Node.Version, Spec: spec}); err != nil {
		t.Errorf("make drained node %s active again: %v", victim.Hostname, err)
	}
}

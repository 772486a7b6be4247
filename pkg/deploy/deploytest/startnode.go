package deploytest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/gazr-io/gazr/pkg/deploy"
)

// testPruneNodes: PruneNodes is ErrNotSupported unless
// Properties().PruneNodes; then it removes only nodes whose machine is
// gone: every node of another state is still listed afterwards.
func (s *suite) testPruneNodes(t *testing.T) {
	b := s.backend(t, s.env(t))
	if !b.Properties().PruneNodes {
		_, err := b.PruneNodes(shortCtx(t))
		wantErr(t, "PruneNodes with Properties().PruneNodes false", err, deploy.ErrNotSupported)
		return
	}
	before, err := b.Nodes(shortCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	removed, err := b.PruneNodes(shortCtx(t))
	if err != nil {
		t.Fatalf("PruneNodes: %v", err)
	}
	after, err := b.Nodes(shortCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range removed {
		if n.Machine != deploy.MachineGone {
			t.Errorf("PruneNodes removed %s (%s), whose machine is %q, not gone", n.ID, n.Hostname, n.Machine)
		}
		if listed(after, n.ID) {
			t.Errorf("PruneNodes returned %s (%s), still listed by Nodes", n.ID, n.Hostname)
		}
	}
	for _, n := range before {
		if n.Joined && n.Machine != deploy.MachineGone && !listed(after, n.ID) {
			t.Errorf("node %s (%s), machine %q, is gone after PruneNodes", n.ID, n.Hostname, n.Machine)
		}
	}
	t.Logf("PruneNodes removed %d node(s)", len(removed))
}

func listed(nodes []deploy.Node, id string) bool {
	return slices.ContainsFunc(nodes, func(n deploy.Node) bool { return n.Joined && n.ID == id })
}

// testStartNode: StartNode is ErrNotSupported unless
// Properties().StartNode; then an unknown node is ErrNotFound, a running
// node is left as it is, and a node StopNode stopped is Ready again.
func (s *suite) testStartNode(t *testing.T) {
	b := s.backend(t, s.env(t))
	if !b.Properties().StartNode {
		err := b.StartNode(shortCtx(t), "gazrconformancenosuchnode")
		wantErr(t, "StartNode with Properties().StartNode false", err, deploy.ErrNotSupported)
		return
	}
	s.run(t, "StartNode/Unknown", func(t *testing.T) {
		err := b.StartNode(shortCtx(t), "gazrconformancenosuchnode")
		wantErr(t, "StartNode of an unknown node", err, deploy.ErrNotFound)
	})
	s.run(t, "StartNode/Running", func(t *testing.T) {
		self := selfNode(t, s.manager(t, b))
		if err := b.StartNode(shortCtx(t), self); err != nil {
			t.Fatalf("StartNode of the running manager node %s: %v", self, err)
		}
		s.waitReady(t, b, self)
	})
	s.run(t, "StartNode/AfterStop", func(t *testing.T) { s.startAfterStop(t, b) })
}

// startAfterStop stops a ready node other than the manager's (StopNode
// needs Properties().StopNode), waits until it is not Ready, starts it
// and waits until it is Ready again.
func (s *suite) startAfterStop(t *testing.T, b deploy.Backend) {
	if !b.Properties().StopNode {
		t.Skip("Properties().StopNode is false: nothing stops a node for StartNode to start")
	}
	api := s.manager(t, b)
	self := selfNode(t, api)
	nodes, err := b.Nodes(shortCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(nodes, func(n deploy.Node) bool { return n.Ready && n.ID != self })
	if i < 0 {
		t.Skipf("no ready node besides the manager's %s, which the suite talks to", self)
	}
	victim := nodes[i]
	t.Cleanup(func() { s.undrain(t, api, victim) })
	if err := b.StopNode(shortCtx(t), victim.ID); err != nil {
		t.Fatalf("StopNode(%s %s): %v", victim.ID, victim.Hostname, err)
	}
	s.poll(t, "node "+victim.Hostname+" not Ready", func(ctx context.Context) error {
		if ready, err := isReadyNode(ctx, b, victim.ID); err != nil || ready {
			return fmt.Errorf("still Ready (%v)", err)
		}
		return nil
	})
	if err := b.StartNode(shortCtx(t), victim.ID); err != nil {
		t.Fatalf("StartNode(%s %s): %v", victim.ID, victim.Hostname, err)
	}
	d := s.waitReady(t, b, victim.ID)
	t.Logf("node %s Ready again %s after StartNode", victim.Hostname, d)
}

// waitReady waits until Nodes says node id is Ready.
func (s *suite) waitReady(t *testing.T, b deploy.Backend, id string) string {
	t.Helper()
	return s.poll(t, "node "+id+" Ready", func(ctx context.Context) error {
		ready, err := isReadyNode(ctx, b, id)
		if err == nil && !ready {
			err = fmt.Errorf("Nodes says %s is not Ready", id)
		}
		return err
	}).String()
}

func isReadyNode(ctx context.Context, b deploy.Backend, id string) (bool, error) {
	nodes, err := b.Nodes(ctx)
	if err != nil {
		return false, err
	}
	i := slices.IndexFunc(nodes, func(n deploy.Node) bool { return n.ID == id })
	return i >= 0 && nodes[i].Ready, nil
}

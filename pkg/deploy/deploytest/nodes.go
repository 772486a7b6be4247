package deploytest

import (
	"context"
	"fmt"
	"testing"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/deploy"
)

// testNodes: Nodes lists every node of the swarm, with the flags the
// swarm itself gives it.
func (s *suite) testNodes(t *testing.T) {
	b := s.backend(t, s.env(t))
	api := s.manager(t, b)
	ctx := shortCtx(t)
	got, err := b.Nodes(ctx)
	if err != nil {
		t.Fatalf("Nodes: %v", err)
	}
	list, err := api.NodeList(ctx, client.NodeListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]deploy.Node{}
	joined := 0
	for _, n := range got {
		if checkPending(t, b.Properties(), n) {
			continue
		}
		byID[n.ID] = n
		joined++
	}
	if joined != len(list.Items) || len(byID) != joined {
		t.Errorf("Nodes: %d joined nodes (%d distinct), the swarm has %d", joined, len(byID), len(list.Items))
	}
	managers := 0
	for _, sn := range list.Items {
		n, ok := byID[sn.ID]
		if !ok {
			t.Errorf("Nodes lacks node %s (%s)", sn.ID, sn.Description.Hostname)
			continue
		}
		want := deploy.Node{ID: sn.ID, Hostname: sn.Description.Hostname, Addr: sn.Status.Addr,
			Manager: sn.Spec.Role == swarm.NodeRoleManager, Ready: isReady(sn), Joined: true,
			Instance: n.Instance, Machine: n.Machine, Group: n.Group, Host: n.Host}
		if n != want {
			t.Errorf("Nodes: %+v; the swarm says %+v (state %s, availability %s)", n, want, sn.Status.State, sn.Spec.Availability)
		}
		if want.Manager && want.Ready {
			managers++
		}
	}
	if managers == 0 {
		t.Error("no ready manager")
	}
}

// checkPending reports whether n is a machine that has not joined the
// swarm, failing the test unless such a node is what the contract says:
// listed only with Properties().PendingNodes, no ID, not Ready, and an
// Instance and a Machine state to tell it by.
func checkPending(t *testing.T, p deploy.Properties, n deploy.Node) bool {
	t.Helper()
	if n.Joined {
		if n.ID == "" {
			t.Errorf("Nodes: %+v is Joined without an ID", n)
		}
		return false
	}
	switch {
	case !p.PendingNodes:
		t.Errorf("Nodes: %+v not Joined, from a backend whose Properties().PendingNodes is false", n)
	case n.ID != "" || n.Ready:
		t.Errorf("Nodes: %+v not Joined, yet with an ID or Ready", n)
	case n.Instance == "" || n.Machine == deploy.MachineUnknown:
		t.Errorf("Nodes: %+v not Joined, without the Instance and Machine state that tell it apart", n)
	}
	return true
}

// testScaleNodes: ScaleNodes is ErrNotSupported (and changes nothing)
// unless Properties().ScaleNodes; then it adds a worker and removes it.
func (s *suite) testScaleNodes(t *testing.T) {
	b := s.backend(t, s.env(t))
	workers := func(ctx context.Context) (all, ready int, err error) {
		nodes, err := b.Nodes(ctx)
		for _, n := range nodes {
			if !n.Manager {
				all++
				if n.Ready {
					ready++
				}
			}
		}
		return all, ready, err
	}
	before, _, err := workers(shortCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if !b.Properties().ScaleNodes {
		err := b.ScaleNodes(shortCtx(t), before+1)
		wantErr(t, "ScaleNodes with Properties().ScaleNodes false", err, deploy.ErrNotSupported)
		if after, _, err := workers(shortCtx(t)); err != nil || after != before {
			t.Fatalf("unsupported ScaleNodes changed the workers: %d, then %d (%v)", before, after, err)
		}
		return
	}
	for _, want := range []int{before + 1, before} {
		if err := b.ScaleNodes(t.Context(), want); err != nil {
			t.Fatalf("ScaleNodes(%d) with Properties().ScaleNodes true: %v", want, err)
		}
		d := s.poll(t, fmt.Sprintf("%d ready workers", want), func(ctx context.Context) error {
			all, ready, err := workers(ctx)
			if err == nil && (all != want || ready != want) {
				err = fmt.Errorf("%d workers, %d ready", all, ready)
			}
			return err
		})
		t.Logf("scaled to %d workers in %s", want, d)
	}
}

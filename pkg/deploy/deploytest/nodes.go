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
	for _, n := range got {
		byID[n.ID] = n
	}
	if len(got) != len(list.Items) || len(byID) != len(got) {
		t.Errorf("Nodes: %d nodes (%d distinct), the swarm has %d", len(got), len(byID), len(list.Items))
	}
	managers := 0
	for _, sn := range list.Items {
		n, ok := byID[sn.ID]
		if !ok {
			t.Errorf("Nodes lacks node %s (%s)", sn.ID, sn.Description.Hostname)
			continue
		}
		want := deploy.Node{ID: sn.ID, Hostname: sn.Description.Hostname, Addr: sn.Status.Addr,
			Manager: sn.Spec.Role == swarm.NodeRoleManager, Ready: isReady(sn), Instance: n.Instance}
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

package swarmbed_test

import (
	"testing"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/swarmbed"
)

// TestSwarm runs one 3-manager bed through its life: formation, spread
// placement, overlay traffic between nodes, loss of a node and its return.
// The steps share the bed (starting one is the slow part) and run in order.
func TestSwarm(t *testing.T) {
	t.Parallel()
	b := startBed(t, swarmbed.Options{Images: []string{busybox}})
	m := manager(t, b)

	t.Run("ready", func(t *testing.T) {
		res, err := m.NodeList(t.Context(), client.NodeListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ready, managers := 0, 0
		for _, n := range res.Items {
			if n.Status.State == swarm.NodeStateReady {
				ready++
			}
			if n.ManagerStatus != nil && n.ManagerStatus.Reachability == swarm.ReachabilityReachable {
				managers++
			}
		}
		if len(res.Items) != 3 || ready != 3 || managers != 3 {
			t.Fatalf("%d nodes, %d ready, %d reachable managers; want 3, 3, 3", len(res.Items), ready, managers)
		}
		for i, n := range b.Nodes {
			if n.ID == "" || n.Addr == "" || !n.Manager {
				t.Errorf("node %d: %+v: want ID, Addr and Manager", i, n)
			}
		}
	})

	// A replicated service spread over the nodes, used by the steps below.
	createService(t, m, swarm.ServiceSpec{
		Annotations: swarm.Annotations{Name: "spread"},
		Mode:        replicas(3),
		TaskTemplate: swarm.TaskSpec{
			ContainerSpec: &swarm.ContainerSpec{Image: busybox, Command: []string{"sleep", "3600"}},
			Placement: &swarm.Placement{Preferences: []swarm.PlacementPreference{
				{Spread: &swarm.SpreadOver{SpreadDescriptor: "node.id"}},
			}},
		},
		EndpointSpec: &swarm.EndpointSpec{Mode: swarm.ResolutionModeDNSRR},
	})
	t.Run("spread", func(t *testing.T) {
		waitTasks(t, b.Manager, "spread", time.Minute, runningOn(3, true, ""))
	})

	t.Run("overlay", func(t *testing.T) { testOverlay(t, b, m) })

	t.Run("node loss", func(t *testing.T) {
		t0 := time.Now()
		if err := b.StopNode(t.Context(), 2); err != nil {
			t.Fatal(err)
		}
		waitNode(t, b, 2, swarm.NodeStateDown, time.Minute)
		t.Logf("TIMING node seen down after: %s", time.Since(t0).Round(time.Millisecond))
		waitTasks(t, b.Manager, "spread", 2*time.Minute, runningOn(3, false, b.Nodes[2].ID))
		t.Logf("TIMING convergence after node loss: %s", time.Since(t0).Round(time.Millisecond))

		m, err := b.Manager()
		if err != nil {
			t.Fatalf("no manager after losing one of three: %v", err)
		}
		res, err := m.NodeList(t.Context(), client.NodeListOptions{Filters: client.Filters{}.Add("role", "manager")})
		if err != nil {
			t.Fatal(err)
		}
		reachable := 0
		for _, n := range res.Items {
			if n.ManagerStatus != nil && n.ManagerStatus.Reachability == swarm.ReachabilityReachable {
				reachable++
			}
		}
		if reachable != 2 || len(res.Items) != 3 {
			t.Fatalf("%d of %d managers reachable, want 2 of 3", reachable, len(res.Items))
		}

		// The quorum of two accepts an update: scale to 4.
		svc, err := m.ServiceInspect(t.Context(), "spread", client.ServiceInspectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		spec := svc.Service.Spec
		spec.Mode = replicas(4)
		if _, err := m.ServiceUpdate(t.Context(), svc.Service.ID, client.ServiceUpdateOptions{
			Version: svc.Service.Version, Spec: spec,
		}); err != nil {
			t.Fatalf("update with 2 of 3 managers: %v", err)
		}
		waitTasks(t, b.Manager, "spread", time.Minute, runningOn(4, false, b.Nodes[2].ID))
	})

	t.Run("node back", func(t *testing.T) {
		t0 := time.Now()
		if err := b.StartNode(t.Context(), 2); err != nil {
			t.Fatal(err)
		}
		t.Logf("TIMING node back and Ready: %s", time.Since(t0).Round(time.Millisecond))
		n, err := manager(t, b).NodeInspect(t.Context(), b.Nodes[2].ID, client.NodeInspectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if st := n.Node.Status.State; st != swarm.NodeStateReady {
			t.Fatalf("node 2 is %s after StartNode, want ready", st)
		}
		if ms := n.Node.ManagerStatus; ms == nil || ms.Reachability != swarm.ReachabilityReachable {
			t.Fatalf("manager 2 not reachable after StartNode: %+v", ms)
		}
	})
}

package proxmox_test

import (
	"context"
	"testing"
	"time"

	"github.com/moby/moby/client"
)

// testLoseNode loses the PVE node of a manager running one of the
// service's tasks (a node running one if no manager does): its VMs are
// hard-stopped, the node offline. The swarm keeps its quorum (the other
// managers are on other PVE nodes), gazr still finds a manager, and the
// service returns to its three tasks, none on the lost VMs. Then the
// node comes back and its VMs are started again: four nodes Ready.
func testLoseNode(t *testing.T, fx *fixture) {
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	nodes, err := fx.backend(t).Nodes(ctx)
	if err != nil {
		t.Fatalf("Nodes: %v", err)
	}
	tasks := fullStrength(t, fx, fx.version, nil, time.Minute)
	host := ""
	for _, manager := range []bool{true, false} {
		for _, n := range nodes {
			for _, tn := range tasks {
				if host == "" && n.ID == tn && n.Manager == manager {
					host = n.Host
				}
			}
		}
	}
	lost := map[string]bool{}
	for _, n := range nodes {
		if n.Host == host {
			lost[n.ID] = true
		}
	}
	t0 := time.Now()
	if err := fx.bed.Fake.LoseNode(host); err != nil {
		t.Fatalf("LoseNode(%s): %v", host, err)
	}
	t.Logf("PVE node %s lost, its %d swarm node(s) hard-stopped in %s; the tasks ran on %v", host, len(lost), time.Since(t0).Round(time.Millisecond), tasks)

	tasks = fullStrength(t, fx, fx.version, lost, 90*time.Second)
	t.Logf("TIMING the service back to 3 tasks (on %v) in %s after the loss", tasks, time.Since(t0).Round(time.Millisecond))
	m, err := fx.backend(t).Manager(ctx)
	if err != nil {
		t.Fatalf("no manager after losing %s: %v", host, err)
	}
	info, err := m.SwarmInspect(ctx, client.SwarmInspectOptions{})
	m.Close()
	if err != nil {
		t.Fatalf("the swarm after losing %s (quorum lost?): %v", host, err)
	}
	t.Logf("the swarm %s answers with %s lost", info.Swarm.ID, host)

	t0 = time.Now()
	if err := fx.bed.Fake.RestoreNode(host); err != nil {
		t.Fatal(err)
	}
	testRestart(t, fx)
	t.Logf("TIMING %s back, its VMs started, 4 nodes Ready in %s", host, time.Since(t0).Round(time.Millisecond))
}

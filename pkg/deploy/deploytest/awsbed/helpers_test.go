package awsbed_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awsbed"
	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awsfake"
)

// live are the instances not terminated.
func live(ins []awsfake.Instance) []awsfake.Instance {
	var out []awsfake.Instance
	for _, in := range ins {
		if in.State != awsfake.StateTerminated {
			out = append(out, in)
		}
	}
	return out
}

// tagged are the live instances with that Name tag.
func tagged(ins []awsfake.Instance, name string) []awsfake.Instance {
	var out []awsfake.Instance
	for _, in := range live(ins) {
		if in.Tags["Name"] == name {
			out = append(out, in)
		}
	}
	return out
}

// waitJoined waits until n running instances tagged Name=name are tagged
// Init=true, and returns the newest.
func waitJoined(t *testing.T, b *awsbed.Bed, name string, n int) awsfake.Instance {
	t.Helper()
	var newest awsfake.Instance
	waitFor(t, 3*time.Minute, func() error {
		joined := 0
		for _, in := range tagged(b.Fake.Instances(), name) {
			if in.State == awsfake.StateRunning && in.Tags["Init"] == "true" {
				joined++
				newest = in
			}
		}
		if joined != n {
			return fmt.Errorf("%d instances %s running and joined, want %d", joined, name, n)
		}
		return nil
	})
	return newest
}

// waitNodes waits until ok accepts the swarm's nodes.
func waitNodes(t *testing.T, b *awsbed.Bed, ok func([]swarm.Node) error) {
	t.Helper()
	waitFor(t, 2*time.Minute, func() error {
		m, err := b.Swarm.Manager()
		if err != nil {
			return err
		}
		res, err := m.NodeList(t.Context(), client.NodeListOptions{})
		if err != nil {
			return err
		}
		return ok(res.Items)
	})
}

// ready checks that there are n nodes, all Ready, one of them host.
func ready(nodes []swarm.Node, n int, host string) error {
	if len(nodes) != n {
		return fmt.Errorf("%d nodes, want %d", len(nodes), n)
	}
	for _, nd := range nodes {
		if nd.Status.State != swarm.NodeStateReady {
			return fmt.Errorf("node %s is %s", nd.Description.Hostname, nd.Status.State)
		}
	}
	if state(nodes, host) == "" {
		return fmt.Errorf("no node %s", host)
	}
	return nil
}

// state is the state of the node of hostname host, "" if none.
func state(nodes []swarm.Node, host string) swarm.NodeState {
	for _, nd := range nodes {
		if nd.Description.Hostname == host {
			return nd.Status.State
		}
	}
	return ""
}

func waitFor(t *testing.T, timeout time.Duration, f func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %v", timeout, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

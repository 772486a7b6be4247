package swarmbed

import (
	"context"
	"fmt"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

// AddNode starts a new node, as a machine is launched: a container at the
// next fixed address (addresses are never reused), its engine answering,
// the [Options.Images] loaded. It does not join the swarm: [Bed.Join] or
// [Bed.JoinVia] do, as a machine's own start-up script would. manager is
// the role it is meant for ([Node.Manager]). AddNode is safe to call
// concurrently; on error, the node is removed.
func (b *Bed) AddNode(ctx context.Context, manager bool) (Node, error) {
	return b.AddNodeAs(ctx, manager, "")
}

// AddNodeAs is AddNode with the node's hostname, as a machine's
// cloud-init sets it at boot ("": the node's name).
func (b *Bed) AddNodeAs(ctx context.Context, manager bool, hostname string) (Node, error) {
	t0 := time.Now()
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return Node{}, fmt.Errorf("swarmbed %s: closed", b.Name)
	}
	if len(b.Nodes) >= maxNodes {
		b.mu.Unlock()
		return Node{}, fmt.Errorf("swarmbed %s: no address left for a node %d", b.Name, len(b.Nodes))
	}
	n := b.appendNode(manager)
	if hostname != "" {
		n.Hostname = hostname
		b.Nodes[n.Index].Hostname = hostname
	}
	b.mu.Unlock()
	err := b.bootNode(ctx, n)
	if err == nil {
		err = b.loadNodes(ctx, []int{n.Index}, b.opts.Images...)
	}
	if err != nil {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		_ = b.RemoveNode(cctx, n.Name)
		return Node{}, fmt.Errorf("swarmbed %s: add node: %w", b.Name, err)
	}
	b.logf("%s: added in %s", n.Name, since(t0))
	return n, nil
}

// RemoveNode removes a node as an instance is terminated: its container
// (killed) and its volume are gone. Its swarm node stays, Down once the
// managers miss its heartbeats, until someone removes it (docker node rm).
// Removing a removed node does nothing.
func (b *Bed) RemoveNode(ctx context.Context, name string) error {
	i, err := b.indexOf(name)
	if err != nil {
		return err
	}
	b.mu.Lock()
	c := b.clients[i]
	b.clients[i] = nil
	b.state[i].removed = true
	b.mu.Unlock()
	if c != nil {
		c.Close()
	}
	_, err = b.host.ContainerRemove(ctx, name, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
	if err != nil && !cerrdefs.IsNotFound(err) {
		return fmt.Errorf("swarmbed %s: remove %s: %w", b.Name, name, err)
	}
	_, err = b.host.VolumeRemove(ctx, name+"-docker", client.VolumeRemoveOptions{Force: true})
	if err != nil && !cerrdefs.IsNotFound(err) {
		return fmt.Errorf("swarmbed %s: remove the volume of %s: %w", b.Name, name, err)
	}
	removeCgroups(fmt.Sprintf("%s/%d", b.cgroupParent(), i))
	b.logf("%s: removed", name)
	return nil
}

// indexOf returns the index of the node named name.
func (b *Bed) indexOf(name string) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, n := range b.Nodes {
		if n.Name == name {
			return i, nil
		}
	}
	return 0, fmt.Errorf("swarmbed %s: no node named %q", b.Name, name)
}

// StopNode simulates the loss of node i: its container is stopped at once
// (SIGKILL, no grace period, like a power cut), keeping its volume. The
// swarm marks it Down after about three heartbeat periods.
func (b *Bed) StopNode(ctx context.Context, i int) error {
	// Timeout 0: SIGKILL right after SIGTERM; the call returns once the
	// container has exited.
	return b.stopNode(ctx, i, 0)
}

// ShutdownNode stops node i as a machine shuts down cleanly: SIGTERM, and
// dockerd stops its containers and leaves; SIGKILL after 10 s. It keeps
// its volume; the swarm marks it Down (StartNode brings it back).
func (b *Bed) ShutdownNode(ctx context.Context, i int) error {
	return b.stopNode(ctx, i, 10)
}

func (b *Bed) stopNode(ctx context.Context, i, timeout int) error {
	if _, err := b.Client(i); err != nil {
		return err
	}
	n, _ := b.Node(i)
	if _, err := b.host.ContainerStop(ctx, n.Name, client.ContainerStopOptions{Timeout: &timeout}); err != nil {
		return fmt.Errorf("swarmbed %s: stop %s: %w", b.Name, n.Name, err)
	}
	b.mu.Lock()
	b.state[i].stopped = true
	b.mu.Unlock()
	return nil
}

// StartNode starts node i's container again and waits until its engine
// answers and, if it is in the swarm, the swarm sees it Ready (and, for a
// manager, reachable) again. It keeps its address, swarm identity and
// images.
func (b *Bed) StartNode(ctx context.Context, i int) error {
	if _, err := b.Client(i); err != nil {
		return err
	}
	n, _ := b.Node(i)
	t0 := time.Now()
	if _, err := b.host.ContainerStart(ctx, n.Name, client.ContainerStartOptions{}); err != nil {
		return fmt.Errorf("swarmbed %s: start %s: %w", b.Name, n.Name, err)
	}
	b.mu.Lock()
	b.state[i].stopped = false
	joined := b.state[i].joined
	b.mu.Unlock()
	if err := b.waitEngine(ctx, i); err != nil {
		return fmt.Errorf("swarmbed %s: %w", b.Name, err)
	}
	if joined {
		if err := b.waitReady(ctx, i); err != nil {
			return fmt.Errorf("swarmbed %s: %w", b.Name, err)
		}
	}
	b.logf("%s: back in %s", n.Name, since(t0))
	return nil
}

// running returns the indexes of the nodes neither stopped by StopNode
// nor removed.
func (b *Bed) running() []int {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []int
	for i, s := range b.state {
		if !s.stopped && !s.removed {
			out = append(out, i)
		}
	}
	return out
}

// Exec runs cmd in node i's container (as root, env added) and returns
// its output; a non-zero exit is an error.
func (b *Bed) Exec(ctx context.Context, i int, env []string, cmd ...string) (string, error) {
	n, ok := b.Node(i)
	if !ok {
		return "", fmt.Errorf("swarmbed %s: no node %d", b.Name, i)
	}
	return b.execIn(ctx, n.Name, env, cmd...)
}

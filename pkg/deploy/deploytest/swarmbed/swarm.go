package swarmbed

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"sync"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"
)

// readyTimeout bounds the wait for every node to be Ready.
const readyTimeout = 2 * time.Minute

// formSwarm inits the swarm on node 0, joins the other managers, then the
// workers, and waits until every node is Ready.
func (b *Bed) formSwarm(ctx context.Context) error {
	t0 := time.Now()
	c0, err := b.Client(0)
	if err != nil {
		return err
	}
	n0 := b.Nodes[0]
	if _, err := c0.SwarmInit(ctx, client.SwarmInitOptions{
		ListenAddr:    "0.0.0.0:2377",
		AdvertiseAddr: n0.Addr,
		Spec:          swarm.Spec{Dispatcher: swarm.DispatcherConfig{HeartbeatPeriod: b.opts.HeartbeatPeriod}},
	}); err != nil {
		return fmt.Errorf("%s: swarm init: %w", n0.Name, err)
	}
	sw, err := c0.SwarmInspect(ctx, client.SwarmInspectOptions{})
	if err != nil {
		return fmt.Errorf("%s: swarm inspect: %w", n0.Name, err)
	}
	// Managers one at a time: each join is a raft membership change that
	// the quorum of the managers already in must accept.
	for i := 1; i < b.opts.Managers; i++ {
		if err := b.join(ctx, i, n0.Addr, sw.Swarm.JoinTokens.Manager); err != nil {
			return err
		}
	}
	errs := make([]error, b.opts.Nodes)
	var wg sync.WaitGroup
	for i := b.opts.Managers; i < b.opts.Nodes; i++ {
		wg.Go(func() { errs[i] = b.join(ctx, i, n0.Addr, sw.Swarm.JoinTokens.Worker) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if err := b.waitReady(ctx); err != nil {
		return err
	}
	b.logf("swarm formed in %s", since(t0))
	return nil
}

// join makes node i join the swarm through the manager at remote.
func (b *Bed) join(ctx context.Context, i int, remote, token string) error {
	c, err := b.Client(i)
	if err != nil {
		return err
	}
	n, _ := b.Node(i)
	if _, _, err := net.SplitHostPort(remote); err != nil {
		remote = net.JoinHostPort(remote, "2377")
	}
	if _, err := c.SwarmJoin(ctx, client.SwarmJoinOptions{
		ListenAddr:    "0.0.0.0:2377",
		AdvertiseAddr: n.Addr,
		RemoteAddrs:   []string{remote},
		JoinToken:     token,
	}); err != nil {
		return fmt.Errorf("%s: swarm join: %w", n.Name, err)
	}
	return nil
}

// Join makes node i (one of [Bed.AddNode]) join the swarm, as a manager
// or a worker, through a running manager of the bed with that manager's
// join token, and waits until the swarm sees it Ready.
func (b *Bed) Join(ctx context.Context, i int, manager bool) error {
	mi, mc, err := b.manager()
	if err != nil {
		return err
	}
	sw, err := mc.SwarmInspect(ctx, client.SwarmInspectOptions{})
	if err != nil {
		return fmt.Errorf("swarmbed %s: swarm inspect: %w", b.Name, err)
	}
	token := sw.Swarm.JoinTokens.Worker
	if manager {
		token = sw.Swarm.JoinTokens.Manager
	}
	m, _ := b.Node(mi)
	return b.JoinVia(ctx, i, m.Addr, token)
}

// JoinVia makes node i join the swarm through the manager at remote
// ("ip" or "ip:port", 2377 by default) with a join token, as `docker
// swarm join --token <token> <remote>` on the node does, and waits until
// the swarm sees it Ready. The token says whether it joins as a manager.
func (b *Bed) JoinVia(ctx context.Context, i int, remote, token string) error {
	t0 := time.Now()
	if err := b.join(ctx, i, remote, token); err != nil {
		return fmt.Errorf("swarmbed %s: %w", b.Name, err)
	}
	c, err := b.Client(i)
	if err != nil {
		return err
	}
	info, err := c.Info(ctx, client.InfoOptions{})
	if err != nil {
		return fmt.Errorf("swarmbed %s: info of node %d: %w", b.Name, i, err)
	}
	b.mu.Lock()
	b.Nodes[i].ID = info.Info.Swarm.NodeID
	b.Nodes[i].Manager = info.Info.Swarm.ControlAvailable
	b.state[i].joined = true
	name := b.Nodes[i].Name
	b.mu.Unlock()
	if err := b.waitReady(ctx, i); err != nil {
		return fmt.Errorf("swarmbed %s: %w", b.Name, err)
	}
	b.logf("%s: joined and Ready in %s", name, since(t0))
	return nil
}

// waitReady waits until a manager lists the joined nodes, and those not
// stopped by StopNode are Ready (managers also reachable); only nodes
// only, if given. It records the swarm node IDs.
func (b *Bed) waitReady(ctx context.Context, only ...int) error {
	return poll(ctx, readyTimeout, 200*time.Millisecond, "every running node Ready", func(ctx context.Context) (bool, error) {
		m, err := b.Manager()
		if err != nil {
			return false, err
		}
		list, err := m.NodeList(ctx, client.NodeListOptions{})
		if err != nil {
			return false, err
		}
		byName := map[string]swarm.Node{}
		for _, n := range list.Items {
			// A node that left and joined again also has a Down twin.
			h := n.Description.Hostname
			if n.Status.State != swarm.NodeStateDown || byName[h].ID == "" {
				byName[h] = n
			}
		}
		b.mu.Lock()
		defer b.mu.Unlock()
		for i := range b.Nodes {
			st := b.state[i]
			if !st.joined || st.removed || (len(only) > 0 && !slices.Contains(only, i)) {
				continue
			}
			if err := b.checkReady(i, byName[b.Nodes[i].Hostname], st); err != nil {
				return false, err
			}
		}
		return true, nil
	})
}

// checkReady checks node i against its swarm node n and records its ID;
// b.mu held.
func (b *Bed) checkReady(i int, n swarm.Node, st nodeState) error {
	name := b.Nodes[i].Name
	if n.ID == "" {
		return fmt.Errorf("%s not in the node list yet", name)
	}
	if b.Nodes[i].ID != n.ID {
		b.Nodes[i].ID = n.ID
	}
	if st.stopped {
		return nil
	}
	if n.Status.State != swarm.NodeStateReady {
		return fmt.Errorf("%s is %s", name, n.Status.State)
	}
	if b.Nodes[i].Manager && (n.ManagerStatus == nil || n.ManagerStatus.Reachability != swarm.ReachabilityReachable) {
		return fmt.Errorf("manager %s not reachable yet", name)
	}
	return nil
}

// Manager returns the client ([Bed.Client]) of a running manager whose
// engine answers and which has a quorum: it can list the nodes. Managers
// stopped by StopNode, removed, or not joined yet are skipped.
func (b *Bed) Manager() (*client.Client, error) {
	_, c, err := b.manager()
	return c, err
}

// manager is Manager with the manager's index.
func (b *Bed) manager() (int, *client.Client, error) {
	var errs []error
	for _, i := range b.running() {
		b.mu.Lock()
		ok := b.Nodes[i].Manager && b.state[i].joined
		name := b.Nodes[i].Name
		b.mu.Unlock()
		if !ok {
			continue
		}
		c, err := b.Client(i)
		if err != nil {
			return 0, nil, err
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err = c.NodeList(ctx, client.NodeListOptions{Filters: client.Filters{}.Add("role", "manager")})
		cancel()
		if err == nil {
			return i, c, nil
		}
		errs = append(errs, fmt.Errorf("%s: %w", name, err))
	}
	if len(errs) == 0 {
		return 0, nil, fmt.Errorf("swarmbed %s: no manager running", b.Name)
	}
	return 0, nil, fmt.Errorf("swarmbed %s: no manager answers: %w", b.Name, errors.Join(errs...))
}

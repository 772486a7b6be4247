package swarmbed

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
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
		if err := b.join(ctx, i, sw.Swarm.JoinTokens.Manager); err != nil {
			return err
		}
	}
	errs := make([]error, len(b.Nodes))
	var wg sync.WaitGroup
	for i := b.opts.Managers; i < len(b.Nodes); i++ {
		wg.Go(func() { errs[i] = b.join(ctx, i, sw.Swarm.JoinTokens.Worker) })
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

func (b *Bed) join(ctx context.Context, i int, token string) error {
	c, err := b.Client(i)
	if err != nil {
		return err
	}
	if _, err := c.SwarmJoin(ctx, client.SwarmJoinOptions{
		ListenAddr:    "0.0.0.0:2377",
		AdvertiseAddr: b.Nodes[i].Addr,
		RemoteAddrs:   []string{b.Nodes[0].Addr + ":2377"},
		JoinToken:     token,
	}); err != nil {
		return fmt.Errorf("%s: swarm join: %w", b.Nodes[i].Name, err)
	}
	return nil
}

// waitReady waits until a manager lists every node, and every node not
// stopped by StopNode is Ready (managers also reachable). It records the
// swarm node IDs.
func (b *Bed) waitReady(ctx context.Context) error {
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
			byName[n.Description.Hostname] = n
		}
		run := map[int]bool{}
		for _, i := range b.running() {
			run[i] = true
		}
		b.mu.Lock()
		defer b.mu.Unlock()
		for i := range b.Nodes {
			n, ok := byName[b.Nodes[i].Name]
			if !ok {
				return false, fmt.Errorf("%s not in the node list yet", b.Nodes[i].Name)
			}
			if b.Nodes[i].ID != n.ID { // written once: no race with readers later
				b.Nodes[i].ID = n.ID
			}
			if !run[i] {
				continue
			}
			if n.Status.State != swarm.NodeStateReady {
				return false, fmt.Errorf("%s is %s", b.Nodes[i].Name, n.Status.State)
			}
			if b.Nodes[i].Manager && (n.ManagerStatus == nil || n.ManagerStatus.Reachability != swarm.ReachabilityReachable) {
				return false, fmt.Errorf("manager %s not reachable yet", b.Nodes[i].Name)
			}
		}
		return true, nil
	})
}

// Manager returns the client ([Bed.Client]) of a running manager whose
// engine answers and which has a quorum: it can list the nodes. Managers
// stopped by StopNode are skipped.
func (b *Bed) Manager() (*client.Client, error) {
	var errs []error
	for _, i := range b.running() {
		if !b.Nodes[i].Manager {
			continue
		}
		c, err := b.Client(i)
		if err != nil {
			return nil, err
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err = c.NodeList(ctx, client.NodeListOptions{Filters: client.Filters{}.Add("role", "manager")})
		cancel()
		if err == nil {
			return c, nil
		}
		errs = append(errs, fmt.Errorf("%s: %w", b.Nodes[i].Name, err))
	}
	if len(errs) == 0 {
		return nil, fmt.Errorf("swarmbed %s: no manager running", b.Name)
	}
	return nil, fmt.Errorf("swarmbed %s: no manager answers: %w", b.Name, errors.Join(errs...))
}

// poll calls f every interval until it returns true or a [permanent]
// error, or timeout passes; the error then names what was awaited and f's
// last error.
func poll(ctx context.Context, timeout, interval time.Duration, what string, f func(context.Context) (bool, error)) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		ok, err := f(ctx)
		if ok {
			return nil
		}
		var p *permanentError
		if errors.As(err, &p) {
			return p.err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w (last: %v)", what, ctx.Err(), err)
		case <-time.After(interval):
		}
	}
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }

// permanentError stops a poll.
type permanentError struct{ err error }

func (p *permanentError) Error() string { return p.err.Error() }

// permanent marks an error that no retry can fix.
func permanent(err error) error { return &permanentError{err} }

package deploy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/deploy/sshconn"
)

// ManagerTry bounds the time one candidate of FirstManager gets, so that
// a silent machine leaves time for the next one.
const ManagerTry = 15 * time.Second

// LeaderWait bounds how long FirstManager waits for the swarm of the
// manager that answered to have a leader: a raft election, after a
// manager was lost, takes seconds (10 ticks of 1 s and a random part,
// by default), and every manager then answers that there is none.
// LeaderPoll is how often it asks.
var (
	LeaderWait = 45 * time.Second
	LeaderPoll = 500 * time.Millisecond
)

// DialFunc connects to the engine at an endpoint and checks it is what
// the caller needs; DialManager is the one of FirstManager.
type DialFunc func(ctx context.Context, ep Endpoint) (SwarmAPI, error)

// FirstManager tries candidates in order, each within ManagerTry and the
// context's deadline, and returns the first that answers as an active
// swarm manager (dial nil: DialManager), with it: the manager failover of
// the backends that know several managers. When none does, the error
// wraps ErrUnreachable and names each endpoint with its own error (ssh's
// words for an ssh endpoint), and those left untried.
func FirstManager(ctx context.Context, cands []Endpoint, dial DialFunc) (SwarmAPI, Endpoint, error) {
	if dial == nil {
		dial = DialManager
	}
	if len(cands) == 0 {
		return nil, Endpoint{}, fmt.Errorf("%w: no manager to try", ErrUnreachable)
	}
	var failed []string
	for i, ep := range cands {
		if err := ctx.Err(); err != nil {
			if i == 0 {
				return nil, Endpoint{}, fmt.Errorf("find a swarm manager: %w", err)
			}
			failed = append(failed, fmt.Sprintf("not tried (%v): %s", err, names(cands[i:])))
			break
		}
		tctx, cancel := context.WithTimeout(ctx, ManagerTry)
		api, err := dial(tctx, ep)
		cancel()
		if err == nil {
			if err := waitLeader(ctx, api); err != nil {
				api.Close()
				return nil, Endpoint{}, fmt.Errorf("manager %s: %w", ep.Host, err)
			}
			return api, ep, nil
		}
		failed = append(failed, ep.Host+": "+oneLine(err))
	}
	return nil, Endpoint{}, fmt.Errorf("%w: %s", ErrUnreachable, strings.Join(failed, "; "))
}

// waitLeader waits, within LeaderWait, until api's swarm has a leader:
// every manager of a swarm that elects one answers the same, so another
// candidate would not do better. Any other answer is the caller's.
func waitLeader(ctx context.Context, api client.SwarmAPIClient) error {
	deadline := time.Now().Add(LeaderWait)
	for {
		_, err := api.SwarmInspect(ctx, client.SwarmInspectOptions{})
		if err == nil || !noLeader(err) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("its swarm has had no leader for %s: half of its managers or more are offline (a majority must be online to elect one)", LeaderWait)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for the swarm to elect a leader: %w", ctx.Err())
		case <-time.After(LeaderPoll):
		}
	}
}

// noLeader: err is a manager's answer while its swarm has no leader.
func noLeader(err error) bool {
	return strings.Contains(err.Error(), "does not have a leader")
}

func names(eps []Endpoint) string {
	s := make([]string, len(eps))
	for i, ep := range eps {
		s[i] = ep.Host
	}
	return strings.Join(s, ", ")
}

// oneLine is an error as a line of FirstManager's message: ssh's own
// words when ssh failed, rather than what the HTTP client wrapped them in.
func oneLine(err error) string {
	var se *sshconn.Error
	if errors.As(err, &se) {
		return se.Error()
	}
	return strings.ReplaceAll(err.Error(), "\n", " ")
}

// DialManager connects to the engine at ep and checks that it answers as
// the manager of an active swarm; the caller closes the client.
func DialManager(ctx context.Context, ep Endpoint) (SwarmAPI, error) {
	cli, err := DialEngine(ctx, ep)
	if err != nil {
		return nil, err
	}
	if err := isActiveManager(ctx, cli); err != nil {
		cli.Close()
		return nil, err
	}
	return cli, nil
}

// isActiveManager checks that api's engine manages an active swarm.
func isActiveManager(ctx context.Context, api client.SystemAPIClient) error {
	info, err := api.Info(ctx, client.InfoOptions{})
	if err != nil {
		return fmt.Errorf("engine info: %w", err)
	}
	switch sw := info.Info.Swarm; {
	case sw.LocalNodeState == swarm.LocalNodeStateActive && sw.ControlAvailable:
		return nil
	case sw.LocalNodeState == swarm.LocalNodeStateActive:
		return errors.New("answers, but is a swarm worker, not a manager")
	default:
		return errors.New(strings.TrimSpace(fmt.Sprintf("answers, but its swarm state is %q, not active %s", sw.LocalNodeState, sw.Error)))
	}
}

// DialEngine connects to the engine at ep and checks that it answers
// (negotiating the API version); the caller closes the client.
func DialEngine(ctx context.Context, ep Endpoint) (*client.Client, error) {
	cli, err := client.New(append(ep.Opts[:len(ep.Opts):len(ep.Opts)], client.WithUserAgent("gazr"))...)
	if err != nil {
		return nil, err
	}
	if _, err := cli.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		cli.Close()
		return nil, err
	}
	return cli, nil
}

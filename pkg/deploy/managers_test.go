package deploy

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/swarmfake"
	"github.com/gazr-io/gazr/pkg/deploy/sshconn"
)

// TestFirstManager: candidates are tried in order until one answers as a
// manager; when none does, each is named with its own error.
func TestFirstManager(t *testing.T) {
	sw := swarmfake.New()
	worker := sw.AddNode("w1", "10.0.0.2", false)
	mgr := sw.AddNode("m1", "10.0.0.1", true)
	engines := map[string]DialFunc{
		"down": func(context.Context, Endpoint) (SwarmAPI, error) {
			return nil, &sshconn.Error{Target: "root@10.0.0.9", Stderr: "Permission denied (publickey)."}
		},
		"worker": func(ctx context.Context, ep Endpoint) (SwarmAPI, error) { return checkManager(ctx, sw.Engine(worker)) },
		"m1":     func(ctx context.Context, ep Endpoint) (SwarmAPI, error) { return checkManager(ctx, sw.Engine(mgr)) },
	}
	var tried []string
	dial := func(ctx context.Context, ep Endpoint) (SwarmAPI, error) {
		tried = append(tried, ep.Host)
		return engines[ep.Host](ctx, ep)
	}
	eps := func(hosts ...string) []Endpoint {
		var out []Endpoint
		for _, h := range hosts {
			out = append(out, Endpoint{Host: h})
		}
		return out
	}
	api, ep, err := FirstManager(t.Context(), eps("down", "worker", "m1"), dial)
	if err != nil || ep.Host != "m1" || api == nil {
		t.Fatalf("FirstManager = %v, %v; want m1", ep, err)
	}
	if got := strings.Join(tried, " "); got != "down worker m1" {
		t.Errorf("tried %s", got)
	}
	_, _, err = FirstManager(t.Context(), eps("down", "worker"), dial)
	want := "swarm manager unreachable: down: ssh root@10.0.0.9: Permission denied (publickey).; worker: answers, but is a swarm worker, not a manager"
	if !errors.Is(err, ErrUnreachable) || err.Error() != want {
		t.Errorf("FirstManager of no manager: %v\nwant %s", err, want)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, _, err := FirstManager(ctx, eps("m1"), dial); !errors.Is(err, context.Canceled) {
		t.Errorf("FirstManager cancelled: %v", err)
	}
}

// TestFirstManagerWaitsForALeader: a manager that answers while its
// swarm elects a leader is used once there is one; a swarm that stays
// leaderless past LeaderWait is said so, not taken for unreachable.
func TestFirstManagerWaitsForALeader(t *testing.T) {
	wait, poll := LeaderWait, LeaderPoll
	t.Cleanup(func() { LeaderWait, LeaderPoll = wait, poll })
	LeaderWait, LeaderPoll = 200*time.Millisecond, time.Millisecond
	sw := swarmfake.New()
	mgr := sw.AddNode("m1", "10.0.0.1", true)
	dial := func(ctx context.Context, ep Endpoint) (SwarmAPI, error) { return checkManager(ctx, sw.Engine(mgr)) }
	sw.Elect(3)
	api, _, err := FirstManager(t.Context(), []Endpoint{{Host: "m1"}}, dial)
	if err != nil || api == nil {
		t.Fatalf("FirstManager during an election: %v", err)
	}
	if _, err := api.SwarmInspect(t.Context(), client.SwarmInspectOptions{}); err != nil {
		t.Errorf("the manager FirstManager returned has no leader yet: %v", err)
	}
	sw.Elect(1 << 30)
	_, _, err = FirstManager(t.Context(), []Endpoint{{Host: "m1"}}, dial)
	if err == nil || errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "manager m1: its swarm has had no leader for 200ms") {
		t.Errorf("FirstManager of a leaderless swarm: %v", err)
	}
}

// TestFirstManagerDeadline: a silent candidate does not use up the
// deadline of those after it being named.
func TestFirstManagerDeadline(t *testing.T) {
	dial := func(ctx context.Context, ep Endpoint) (SwarmAPI, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_, _, err := FirstManager(ctx, []Endpoint{{Host: "a"}, {Host: "b"}}, dial)
	if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "a: context deadline exceeded; not tried (context deadline exceeded): b") {
		t.Errorf("FirstManager: %v", err)
	}
}

// checkManager is DialManager's check on an engine already connected.
func checkManager(ctx context.Context, api SwarmAPI) (SwarmAPI, error) {
	return api, isActiveManager(ctx, api)
}

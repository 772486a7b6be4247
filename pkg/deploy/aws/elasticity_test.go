package aws_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/awsfake"
)

// status is what the test reads of `gazr cluster status --json`.
type status struct {
	Nodes    []statusNode
	Schedule *struct {
		InForce []struct {
			Cron    string
			Workers int
			Next    *time.Time
			Managed bool
		} `json:"in_force"`
		Differs bool
	}
}

type statusNode struct{ Hostname, Role, Swarm, Machine, Instance, Group string }

// testScheduledElasticity: `gazr cluster apply` puts the env's schedule
// on the workers group; `gazr cluster status` shows when it next runs;
// the fake's clock reaching the weekday-morning action (not a second
// before) grows the workers group from 2 to 3, and the launched instance
// joins the swarm by itself (the bed's user data), Ready in `gazr
// cluster status`.
func testScheduledElasticity(t *testing.T, fx *fixture) {
	env, f, group := fx.bed.EnvName(), fx.bed.Fake, fx.bed.WorkersGroup()
	gazr(t, fx, "cluster", "apply", "--env", env)
	st := clusterStatus(t, fx)
	if st.Schedule == nil || st.Schedule.Differs {
		t.Fatalf("after gazr cluster apply, the schedule in force differs from the config: %+v", st.Schedule)
	}
	morning := func(st status) *time.Time {
		for _, s := range st.Schedule.InForce {
			if s.Managed && s.Cron == "0 7 * * 1-5" && s.Workers == 3 {
				return s.Next
			}
		}
		t.Fatalf("gazr cluster status shows no 07:00 action of 3 workers: %+v", st.Schedule.InForce)
		return nil
	}
	if next := morning(st); next == nil || !next.Equal(fx.morning) {
		t.Fatalf("gazr cluster status: the 07:00 Europe/Paris action next runs at %v, want %v", next, fx.morning)
	}
	workers := func() int { g, _ := f.Group(group); return g.Desired }
	if n := workers(); n != 2 {
		t.Fatalf("the workers group wants %d instances before the morning, want 2", n)
	}

	fx.clock.Set(fx.morning.Add(-time.Second))
	clusterStatus(t, fx) // requests: the fake runs what came due at each
	if n := workers(); n != 2 {
		t.Fatalf("a second before 07:00, the workers group wants %d instances: the action ran early", n)
	}
	fx.clock.Set(fx.morning)
	t0 := time.Now()
	joined := waitWorker(t, fx, t0)
	st = waitStatus(t, fx, func(st status) error {
		ready := 0
		for _, n := range st.Nodes {
			if n.Role == "worker" && n.Swarm == "ready" && n.Machine == "running" && n.Group == group {
				ready++
			}
		}
		i := slices.IndexFunc(st.Nodes, func(n statusNode) bool { return n.Instance == joined.ID })
		if i < 0 || st.Nodes[i].Swarm != "ready" || ready != 3 {
			return fmt.Errorf("%d ready workers, the launched instance %s: %+v; want 3, it among them", ready, joined.ID, st.Nodes)
		}
		return nil
	})
	if next := morning(st); next == nil || !next.After(fx.morning) {
		t.Errorf("after it ran, the 07:00 action next runs at %v; want after %v", next, fx.morning)
	}
	t.Logf("TIMING scheduled action at 07:00 → 3 workers Ready in gazr cluster status: %s", time.Since(t0).Round(time.Millisecond))
}

// waitWorker waits until the workers group wants 3 instances and its
// new instance runs, tagged Init=true by its user data, logging when
// each happened since t0; it returns the instance.
func waitWorker(t *testing.T, fx *fixture, t0 time.Time) awsfake.Instance {
	t.Helper()
	f, group := fx.bed.Fake, fx.bed.WorkersGroup()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	var fired, running time.Duration
	for {
		g, _ := f.Group(group)
		if g.Desired == 3 && fired == 0 {
			fired = time.Since(t0)
			t.Logf("TIMING the action ran (desired 3) %s after the clock reached 07:00", fired.Round(time.Millisecond))
		}
		for _, id := range g.InstanceIDs {
			in, _ := f.Instance(id)
			if !in.LaunchTime.Before(fx.morning) && in.State == awsfake.StateRunning {
				if running == 0 {
					running = time.Since(t0)
					t.Logf("TIMING instance %s running %s after 07:00", in.ID, running.Round(time.Millisecond))
				}
				if in.Tags["Init"] == "true" {
					t.Logf("TIMING instance %s joined the swarm (Init=true) %s after 07:00", in.ID, time.Since(t0).Round(time.Millisecond))
					return in
				}
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("no worker launched and joined after the clock reached 07:00 (group %+v)", g)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// clusterStatus runs `gazr cluster status --json`.
func clusterStatus(t *testing.T, fx *fixture) status {
	t.Helper()
	var st status
	out, _ := run(t, fx, "cluster", "status", "--env", fx.bed.EnvName(), "--json")
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("gazr cluster status --json: %v\n%s", err, out)
	}
	return st
}

// waitStatus runs `gazr cluster status --json` until ok accepts it.
func waitStatus(t *testing.T, fx *fixture, ok func(status) error) status {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		st := clusterStatus(t, fx)
		err := ok(st)
		if err == nil {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("gazr cluster status: %v", err)
		}
		time.Sleep(time.Second)
	}
}

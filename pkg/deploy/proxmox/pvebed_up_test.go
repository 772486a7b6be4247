package proxmox_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// testClusterUp: gazr cluster up managers=3 workers=1, interrupted once
// the first clone's task has ended, then run again, finishes without a
// duplicate VM: a 3-manager swarm, the managers on 3 distinct PVE nodes.
// A third run changes nothing and says so.
func testClusterUp(t *testing.T, fx *fixture) {
	env := fx.bed.EnvName()
	up := []string{"cluster", "up", "--env", env, "managers=3", "workers=1"}

	t0 := time.Now()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() {
		for ctx.Err() == nil {
			for _, tk := range fx.bed.Fake.Tasks() {
				if tk.Type == "qmclone" && tk.Status == "stopped" {
					t.Logf("the first clone's task ended (VM %s, %s): interrupting gazr", tk.ID, tk.ExitStatus)
					cancel()
					return
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	_, _, err := runGazr(t, ctx, fx, up...)
	if err == nil {
		t.Fatal("gazr cluster up, interrupted after the first clone, succeeded")
	}
	if !errors.Is(err, context.Canceled) && !strings.Contains(err.Error(), "cancel") {
		t.Logf("the interrupted run's error (not context.Canceled): %v", err)
	}
	clonesBefore := countTasks(fx, "qmclone")
	t.Logf("TIMING interrupted run: %s, %d clone(s) made", time.Since(t0).Round(time.Millisecond), clonesBefore)
	// Let the fake's tasks of the interrupted run end.
	wctx, wcancel := context.WithTimeout(t.Context(), time.Minute)
	defer wcancel()
	if err := fx.bed.Fake.Wait(wctx); err != nil {
		t.Fatalf("the interrupted run's tasks: %v", err)
	}

	t0 = time.Now()
	out := gazr(t, fx, up...)
	t.Logf("TIMING resumed run: %s", time.Since(t0).Round(time.Millisecond))
	checkUp(t, fx)
	if n := countTasks(fx, "qmclone"); n != 4 {
		t.Errorf("%d clones in all (the interrupted run's %d included); want 4, one per VM: %s", n, clonesBefore, out)
	}

	t0 = time.Now()
	tasks := len(fx.bed.Fake.Tasks())
	out = gazr(t, fx, up...)
	t.Logf("TIMING third run: %s", time.Since(t0).Round(time.Millisecond))
	if strings.TrimSpace(out) != "3 managers, 1 workers: already up" {
		t.Errorf("a run on the swarm it made said %q; want \"3 managers, 1 workers: already up\"", out)
	}
	if n := len(fx.bed.Fake.Tasks()); n != tasks {
		t.Errorf("a run that changes nothing made %d PVE task(s)", n-tasks)
	}
	checkUp(t, fx)
}

// checkUp checks the env's VMs (3 managers on distinct PVE nodes, 1
// worker, all running) and the swarm (3 managers Ready, 1 worker).
func checkUp(t *testing.T, fx *fixture) {
	t.Helper()
	managers, workers := fx.envVMs()
	if len(managers) != 3 || len(workers) != 1 {
		t.Fatalf("the env has %d manager VMs and %d worker VMs; want 3 and 1", len(managers), len(workers))
	}
	hosts := map[string]int{}
	for _, v := range append(managers, workers...) {
		if v.Status != "running" {
			t.Errorf("VM %d (%s) is %s", v.VMID, v.Name, v.Status)
		}
	}
	for _, v := range managers {
		hosts[v.Node]++
	}
	if len(hosts) != 3 {
		t.Errorf("the managers are on PVE nodes %v; want 3 distinct ones", hosts)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	nodes, err := fx.backend(t).Nodes(ctx)
	if err != nil {
		t.Fatalf("Nodes: %v", err)
	}
	m, w := 0, 0
	for _, n := range nodes {
		switch {
		case !n.Ready:
			t.Errorf("node %s (%s) is not Ready", n.Hostname, n.Instance)
		case n.Manager:
			m++
		default:
			w++
		}
	}
	if m != 3 || w != 1 {
		t.Errorf("the swarm has %d managers and %d workers Ready; want 3 and 1: %+v", m, w, nodes)
	}
}

// countTasks counts the fake's tasks of typ.
func countTasks(fx *fixture, typ string) int {
	n := 0
	for _, tk := range fx.bed.Fake.Tasks() {
		if tk.Type == typ {
			n++
		}
	}
	return n
}

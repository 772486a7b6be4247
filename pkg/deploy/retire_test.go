package deploy

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/swarm"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/swarmfake"
)

func TestPickVictims(t *testing.T) {
	nodes := []Node{
		{ID: "m1", Hostname: "m1", Manager: true, Ready: true, Joined: true},
		{ID: "w1", Hostname: "w1", Ready: true, Joined: true},
		{ID: "w2", Hostname: "w2", Ready: true, Joined: true},
		{ID: "w3", Hostname: "w3", Joined: true}, // down
		{Instance: "i-pending", Hostname: "w4"},  // not joined
		{ID: "w5", Hostname: "w5", Ready: true, Joined: true},
	}
	tasks := map[string]int{"m1": 0, "w1": 3, "w2": 1, "w3": 5, "w5": 1}
	tests := []struct {
		n    int
		want string
	}{
		{0, ""},
		{1, "w4"},
		{2, "w4 w3"},
		{4, "w4 w3 w2 w5"},
		{9, "w4 w3 w2 w5 w1"}, // never the manager
	}
	for _, tt := range tests {
		var got []string
		for _, v := range PickVictims(nodes, tasks, tt.n) {
			got = append(got, v.Hostname)
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("PickVictims(%d) = %v, want %s", tt.n, got, tt.want)
		}
	}
}

// TestRetireNodes: drained nodes' tasks run elsewhere before the machines
// stop, and their nodes are removed once down.
func TestRetireNodes(t *testing.T) {
	sw := swarmfake.New()
	m := sw.AddNode("m1", "10.0.0.1", true)
	w1 := sw.AddNode("w1", "10.0.0.2", false)
	w2 := sw.AddNode("w2", "10.0.0.3", false)
	sw.AddService("web", 6)
	api := sw.Engine(m)
	if len(sw.Tasks()[w2]) == 0 {
		t.Fatal("no task on w2 to move")
	}
	var log strings.Builder
	stopped := false
	stop := func(context.Context) error {
		if n := len(sw.Tasks()[w2]); n > 0 {
			t.Errorf("the machine stops with %d tasks still on its node", n)
		}
		stopped = true
		go func() { time.Sleep(30 * time.Millisecond); sw.SetState(w2, swarm.NodeStateDown) }()
		return nil
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	victims := []Node{{ID: w2, Hostname: "w2", Joined: true}, {Instance: "i-pending"}}
	if err := RetireNodes(ctx, api, victims, stop, &log, 10*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if !stopped {
		t.Error("stop was not called")
	}
	if _, ok := sw.Node(w2); ok {
		t.Error("w2 is still a node")
	}
	if got := len(sw.Tasks()[m]) + len(sw.Tasks()[w1]); got != 6 {
		t.Errorf("%d tasks on the nodes left, want 6", got)
	}
	if !strings.Contains(log.String(), "waiting for node w2") {
		t.Errorf("log: %q", log.String())
	}
}

// TestRetireNodesInterrupted: an interrupted retirement says where it
// left the nodes, and is reported although gazr was interrupted.
func TestRetireNodesInterrupted(t *testing.T) {
	for _, stopped := range []bool{false, true} {
		sw := swarmfake.New()
		m := sw.AddNode("m1", "10.0.0.1", true)
		w2 := sw.AddNode("w2", "10.0.0.3", false)
		ctx, cancel := context.WithCancel(t.Context())
		stop := func(ctx context.Context) error {
			cancel() // Ctrl-C while the machines are ended, or just after
			if stopped {
				return nil
			}
			return ctx.Err()
		}
		err := RetireNodes(ctx, sw.Engine(m), []Node{{ID: w2, Hostname: "w2", Joined: true}}, stop, io.Discard, 10*time.Millisecond)
		want := "interrupted with w2 drained (their machines may still run): run the same gazr cluster scale again to finish"
		if stopped {
			want = "interrupted after ending the machines of w2: their nodes go down, and gazr cluster prune removes them"
		}
		var ie *RetireInterruptedError
		if !errors.As(err, &ie) || err.Error() != want || !ie.ReportOnInterrupt() || !errors.Is(err, context.Canceled) {
			t.Errorf("stopped=%v: RetireNodes = %v\nwant %s", stopped, err, want)
		}
	}
}

// TestWaitWorkers: WaitWorkers returns once n workers are Ready, saying
// how many are on the way.
func TestWaitWorkers(t *testing.T) {
	sw := swarmfake.New()
	m := sw.AddNode("m1", "10.0.0.1", true)
	sw.AddNode("w1", "10.0.0.2", false)
	go func() { time.Sleep(50 * time.Millisecond); sw.AddNode("w2", "10.0.0.3", false) }()
	var log strings.Builder
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := WaitWorkers(ctx, sw.Engine(m), 2, &log, 10*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "waiting for 2 workers to join (1/2 ready)") {
		t.Errorf("log: %q", log.String())
	}
	short, cancel2 := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel2()
	if err := WaitWorkers(short, sw.Engine(m), 3, &log, 10*time.Millisecond); err == nil || !strings.Contains(err.Error(), "2 of 3 workers ready") {
		t.Errorf("WaitWorkers past its deadline: %v", err)
	}
}

// TestKillTaskOn: a task is found through the manager and killed through
// its node's engine; another node's engine refuses.
func TestKillTaskOn(t *testing.T) {
	sw := swarmfake.New()
	m := sw.AddNode("m1", "10.0.0.1", true)
	w := sw.AddNode("w1", "10.0.0.2", false)
	sw.AddService("web", 2)
	task := sw.Tasks()[w][0]
	if err := KillTaskOn(t.Context(), sw.Engine(m), sw.Engine(m), task.ID); err == nil {
		t.Error("the manager's engine killed a worker's task")
	}
	if err := KillTaskOn(t.Context(), sw.Engine(m), sw.Engine(w), task.ID); err != nil {
		t.Fatal(err)
	}
	if k := sw.Killed(); !slices.Equal(k, []string{task.Status.ContainerStatus.ContainerID}) {
		t.Errorf("killed %v", k)
	}
}

package chaos

import (
	"errors"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/swarm"
)

// bed is a snapshot of a swarm of nodes (m: manager, w: worker) whose
// stack runs the services' tasks on the nodes listed (service → node
// names, one task each).
func bed(nodes string, self string, tasks map[string][]string) *Snapshot {
	s := &Snapshot{Namespace: "shop-staging", Self: self}
	for _, n := range strings.Fields(nodes) {
		node := swarm.Node{ID: "id-" + n, Description: swarm.NodeDescription{Hostname: n},
			Status: swarm.NodeStatus{State: swarm.NodeStateReady, Addr: "10.0.0." + n[1:]},
			Spec:   swarm.NodeSpec{Availability: swarm.NodeAvailabilityActive}}
		if n[0] == 'm' {
			node.ManagerStatus = &swarm.ManagerStatus{Reachability: swarm.ReachabilityReachable, Addr: "10.0.0." + n[1:] + ":2377"}
		}
		s.Nodes = append(s.Nodes, node)
	}
	for _, svc := range slices.Sorted(maps.Keys(tasks)) {
		n := uint64(len(tasks[svc]))
		s.Services = append(s.Services, swarm.Service{ID: "svc-" + svc, Spec: swarm.ServiceSpec{
			Annotations: swarm.Annotations{Name: "shop-staging_" + svc},
			Mode:        swarm.ServiceMode{Replicated: &swarm.ReplicatedService{Replicas: &n}}}})
		for i, on := range tasks[svc] {
			s.Running = append(s.Running, swarm.Task{ID: svc + "-task-" + on, ServiceID: "svc-" + svc, NodeID: "id-" + on, Slot: i + 1,
				Status: swarm.TaskStatus{State: swarm.TaskStateRunning}})
		}
	}
	return s
}

func exp(t *testing.T, name string) Experiment {
	e, ok := Find(name)
	if !ok {
		t.Fatalf("no experiment %s", name)
	}
	return e
}

func seeded() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }

// TestGuardrails: each refusal is a *RefusedError naming why, and what
// is allowed is chosen.
func TestGuardrails(t *testing.T) {
	three := map[string][]string{"web": {"m1", "w1", "w2"}, "db": {"m1", "w1"}}
	tests := []struct {
		name, exp, nodes, self string
		tasks                  map[string][]string
		o                      ChooseOptions
		want                   string // the target chosen, or the refusal (a substring)
		refused                bool
	}{
		{"kill-task: a service of 3", "kill-task", "m1 w1 w2", "id-m1", three, ChooseOptions{Service: "web"}, "a task of web", false},
		{"kill-task: the full name", "kill-task", "m1 w1 w2", "id-m1", three, ChooseOptions{Service: "shop-staging_web"}, "a task of web", false},
		{"kill-task: unknown service", "kill-task", "m1", "id-m1", three, ChooseOptions{Service: "api"}, `no service "api" in shop-staging (known: db, web)`, true},
		{"kill-task: one replica", "kill-task", "m1", "id-m1", map[string][]string{"web": {"m1"}}, ChooseOptions{Service: "web"}, "web runs 1 replica: killing it is an outage", true},
		{"kill-task: one replica, forced", "kill-task", "m1", "id-m1", map[string][]string{"web": {"m1"}}, ChooseOptions{Service: "web", Force: true}, "a task of web (shop-staging_web.1 on node m1)", false},
		{"kill-task: no task at all, even forced", "kill-task", "m1", "id-m1", map[string][]string{"web": {}}, ChooseOptions{Service: "web", Force: true}, "web runs no task to kill", true},
		{"kill-task: none with 2 replicas", "kill-task", "m1", "id-m1", map[string][]string{"web": {"m1"}, "db": {"m1"}}, ChooseOptions{}, "no service of shop-staging runs 2 replicas or more", true},
		{"kill-task: nothing deployed", "kill-task", "m1", "id-m1", map[string][]string{}, ChooseOptions{}, "shop-staging has no services: deploy it first", true},
		{"kill-node: a single node", "kill-node", "m1", "id-m1", three, ChooseOptions{Force: true}, "kill-node on a swarm of 1 ready node(s) is an outage", true},
		{"drain-node: a single node", "drain-node", "m1", "id-m1", three, ChooseOptions{}, "drain-node on a swarm of 1 ready node(s) is an outage", true},
		{"kill-node: a busy worker first", "kill-node", "m1 m2 m3 w1", "id-m1", map[string][]string{"web": {"m2", "w1"}}, ChooseOptions{}, "node w1", false},
		{"kill-node: an idle worker before a busy manager", "kill-node", "m1 m2 m3 w1", "id-m1", map[string][]string{"web": {"m2", "m3"}}, ChooseOptions{}, "node w1", false},
		{"kill-node: a busy manager before an idle one", "kill-node", "m1 m2 m3", "id-m1", map[string][]string{"web": {"m1", "m3"}}, ChooseOptions{}, "node m3", false},
		{"kill-node: never the manager gazr talks to", "kill-node", "m1 m2 m3", "id-m1", map[string][]string{"web": {"m1", "m2"}}, ChooseOptions{Node: "m1"}, "node m1 is the manager gazr talks to", true},
		{"drain-node: the manager gazr talks to is fine", "drain-node", "m1 m2 m3", "id-m1", map[string][]string{"web": {"m1", "m2"}}, ChooseOptions{Node: "m1"}, "node m1", false},
		{"kill-node: a manager of 3", "kill-node", "m1 m2 m3", "id-m1", map[string][]string{"web": {"m2", "m3"}}, ChooseOptions{Node: "m2"}, "node m2", false},
		{"kill-node: a manager of 2 breaks quorum", "kill-node", "m1 m2 w1", "id-m1", map[string][]string{"web": {"m2", "w1"}}, ChooseOptions{Node: "m2", Force: true}, "stopping manager m2 would leave 1 of 2 managers reachable: the swarm would lose its raft majority", true},
		{"kill-node: all of a service's tasks on it", "kill-node", "m1 m2 m3 w1", "id-m1", map[string][]string{"web": {"w1", "w1"}, "db": {"m2", "m3"}}, ChooseOptions{Node: "w1"}, "web runs all its tasks on node w1: taking it out is an outage", true},
		{"kill-node: the same, forced", "kill-node", "m1 m2 m3 w1", "id-m1", map[string][]string{"web": {"w1", "w1"}}, ChooseOptions{Node: "w1", Force: true}, "node w1", false},
		{"kill-node: unknown node", "kill-node", "m1 w1", "id-m1", three, ChooseOptions{Node: "w9"}, `no node "w9" in the swarm (nodes: m1, w1)`, true},
		{"kill-node: an ID prefix", "kill-node", "m1 m2 m3 w1 w2", "id-m1", three, ChooseOptions{Node: "id-w2"}, "node w2", false},
		{"kill-node: an ambiguous prefix", "kill-node", "m1 m2 m3 w1 w2", "id-m1", three, ChooseOptions{Node: "id-w"}, `"id-w" is the start of 2 node IDs`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := bed(tt.nodes, tt.self, tt.tasks)
			tt.o.Rand = seeded()
			c, err := Choose(exp(t, tt.exp), s, tt.o)
			var refused *RefusedError
			switch {
			case tt.refused && !errors.As(err, &refused):
				t.Fatalf("got %v, %v; want a refusal %q", c, err, tt.want)
			case tt.refused && !strings.Contains(err.Error(), tt.want):
				t.Fatalf("refusal %q, want it to say %q", err, tt.want)
			case !tt.refused && err != nil:
				t.Fatalf("refused: %v; want %q chosen", err, tt.want)
			case !tt.refused && !strings.HasPrefix(c.Describe(s), tt.want):
				t.Fatalf("chose %q, want %q", c.Describe(s), tt.want)
			}
		})
	}
}

// TestQuorumCountsUnreachableManagers: a manager already unreachable
// counts against the majority.
func TestQuorumCountsUnreachableManagers(t *testing.T) {
	s := bed("m1 m2 m3 m4 m5", "id-m1", map[string][]string{"web": {"m2", "m3"}})
	s.Nodes[4].ManagerStatus.Reachability = swarm.ReachabilityUnreachable
	s.Nodes[3].ManagerStatus.Reachability = swarm.ReachabilityUnreachable
	_, err := Choose(exp(t, "kill-node"), s, ChooseOptions{Node: "m2"})
	if err == nil || !strings.Contains(err.Error(), "would leave 2 of 5 managers reachable") {
		t.Fatalf("got %v, want a refusal: 2 of 5 managers left", err)
	}
}

// TestMissing: recovery counts the tasks that run, without the one
// killed and off the node taken out.
func TestMissing(t *testing.T) {
	s := bed("m1 w1 w2", "id-m1", map[string][]string{"web": {"m1", "w1", "w2"}})
	task := &Choice{Experiment: exp(t, "kill-task"), Service: &s.Services[0], Tasks: []swarm.Task{s.Running[1]}, snap: s}
	if got := missing(s, task); got != "web runs 2 of 3" {
		t.Errorf("with the killed task still listed: %q, want web runs 2 of 3", got)
	}
	node := &Choice{Experiment: exp(t, "kill-node"), Node: &s.Nodes[2], snap: s}
	if got := missing(s, node); got != "web runs 2 of 3" {
		t.Errorf("with a task on the node taken out: %q, want web runs 2 of 3", got)
	}
	s.Running = append(s.Running, swarm.Task{ID: "new", ServiceID: "svc-web", NodeID: "id-m1", Status: swarm.TaskStatus{State: swarm.TaskStateRunning}})
	if got := missing(s, node); got != "" {
		t.Errorf("replaced: %q, want nothing missing", got)
	}
}

// TestEdges: the edge runs on every ready manager, at the env's port;
// a manager whose node address is unset is reached at its raft address.
func TestEdges(t *testing.T) {
	s := bed("m1 m2 w1", "id-m1", nil)
	s.Nodes[1].Status.Addr = "0.0.0.0"
	got := strings.Join(Edges(s.Nodes, 8080), " ")
	if want := "10.0.0.1:8080 10.0.0.2:8080"; got != want {
		t.Errorf("edges %q, want %q", got, want)
	}
}

// TestTargets: routed services only, each at its health path, else the
// env's probe.
func TestTargets(t *testing.T) {
	svc := func(name string, labels map[string]string) swarm.Service {
		return swarm.Service{Spec: swarm.ServiceSpec{Annotations: swarm.Annotations{Name: name, Labels: labels}}}
	}
	got := Targets([]swarm.Service{
		svc("s_web", map[string]string{"io.gazr.route.host": "web.example.com", "io.gazr.route.health": "/healthz"}),
		svc("s_db", nil),
		svc("s_api", map[string]string{"io.gazr.route.host": "api.example.com"}),
	}, "/ping")
	want := []Target{{Service: "s_api", Host: "api.example.com", Path: "/ping"}, {Service: "s_web", Host: "web.example.com", Path: "/healthz"}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("targets %+v, want %+v", got, want)
	}
}

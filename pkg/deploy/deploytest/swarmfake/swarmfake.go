// Package swarmfake is an in-memory swarm for unit tests of the swarm
// logic backends share (failover, drain, prune, chaos): nodes with a
// role, a state and an availability, replicated services whose tasks are
// placed on the active Ready nodes at once, and one Engine per node that
// answers as that node. Calls it does not model panic (the nil embedded
// client.APIClient); tests that need the real thing use swarmbed.
package swarmfake

import (
	"context"
	"fmt"
	"slices"
	"sync"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"
)

// Swarm is the model; its methods are safe for concurrent use.
type Swarm struct {
	mu       sync.Mutex
	nodes    []swarm.Node
	services []service
	tasks    []swarm.Task
	seq      int
	killed   []string
	joins    int
	// leaderless: how many more manager calls answer that the swarm has
	// no leader (an election under way); see Elect.
	leaderless int
}

// ErrNoLeader is what a manager answers while its swarm elects a leader
// (the daemon's words).
const ErrNoLeader = "rpc error: code = Unknown desc = The swarm does not have a leader. It's possible that too few managers are online. Make sure more than half of the managers are online."

// Elect makes the next n SwarmInspect calls answer ErrNoLeader, as
// managers do for the seconds a raft election takes.
func (s *Swarm) Elect(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.leaderless = n
}

type service struct {
	id, name string
	replicas int
}

// New returns an empty swarm.
func New() *Swarm { return &Swarm{} }

// AddNode adds a Ready, active node and returns its ID.
func (s *Swarm) AddNode(hostname, addr string, manager bool) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addNode(hostname, addr, manager)
}

func (s *Swarm) addNode(hostname, addr string, manager bool) string {
	id := s.id("node")
	role := swarm.NodeRoleWorker
	if manager {
		role = swarm.NodeRoleManager
	}
	n := swarm.Node{ID: id, Spec: swarm.NodeSpec{Role: role, Availability: swarm.NodeAvailabilityActive},
		Description: swarm.NodeDescription{Hostname: hostname},
		Status:      swarm.NodeStatus{State: swarm.NodeStateReady, Addr: addr}}
	s.nodes = append(s.nodes, n)
	s.reconcile()
	return id
}

// SetState sets a node's state (down when its machine stops), and moves
// its tasks when it is not Ready.
func (s *Swarm) SetState(id string, st swarm.NodeState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := s.node(id); n != nil {
		n.Status.State = st
	}
	s.reconcile()
}

// AddService adds a replicated service of replicas tasks; it returns its
// ID.
func (s *Swarm) AddService(name string, replicas int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.id("svc")
	s.services = append(s.services, service{id: id, name: name, replicas: replicas})
	s.reconcile()
	return id
}

// Node returns a node as the API would, and whether it exists.
func (s *Swarm) Node(id string) (swarm.Node, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := s.node(id); n != nil {
		return *n, true
	}
	return swarm.Node{}, false
}

// Tasks returns the tasks whose desired state is running, by node ID.
func (s *Swarm) Tasks() map[string][]swarm.Task {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string][]swarm.Task{}
	for _, t := range s.tasks {
		if t.DesiredState == swarm.TaskStateRunning {
			out[t.NodeID] = append(out[t.NodeID], t)
		}
	}
	return out
}

// Killed lists the containers killed through any engine, in order.
func (s *Swarm) Killed() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.killed)
}

// Engine returns the engine of node id.
func (s *Swarm) Engine(id string) *Engine { return &Engine{s: s, nodeID: id} }

func (s *Swarm) id(kind string) string {
	s.seq++
	return fmt.Sprintf("%s%04d", kind, s.seq)
}

func (s *Swarm) node(id string) *swarm.Node {
	for i := range s.nodes {
		if s.nodes[i].ID == id {
			return &s.nodes[i]
		}
	}
	return nil
}

// eligible: a node tasks may be placed on.
func eligible(n *swarm.Node) bool {
	return n != nil && n.Status.State == swarm.NodeStateReady && n.Spec.Availability == swarm.NodeAvailabilityActive
}

// reconcile shuts the tasks of nodes that cannot run them down and places
// each service's missing tasks on the least loaded eligible nodes.
func (s *Swarm) reconcile() {
	load := map[string]int{}
	running := map[string]int{}
	for i := range s.tasks {
		t := &s.tasks[i]
		if t.DesiredState != swarm.TaskStateRunning {
			continue
		}
		if !eligible(s.node(t.NodeID)) {
			t.DesiredState, t.Status.State = swarm.TaskStateShutdown, swarm.TaskStateShutdown
			continue
		}
		load[t.NodeID]++
		running[t.ServiceID]++
	}
	for _, svc := range s.services {
		for running[svc.id] < svc.replicas {
			var best *swarm.Node
			for i := range s.nodes {
				if n := &s.nodes[i]; eligible(n) && (best == nil || load[n.ID] < load[best.ID]) {
					best = n
				}
			}
			if best == nil {
				break
			}
			id := s.id("task")
			s.tasks = append(s.tasks, swarm.Task{ID: id, ServiceID: svc.id, NodeID: best.ID, DesiredState: swarm.TaskStateRunning,
				Status: swarm.TaskStatus{State: swarm.TaskStateRunning, ContainerStatus: &swarm.ContainerStatus{ContainerID: "ctr-" + id}}})
			load[best.ID]++
			running[svc.id]++
		}
	}
}

// Engine is one node's engine; it implements the calls of
// deploy.SwarmAPI that the shared swarm logic makes. Its node is nodeID
// (read and written under s.mu: a Machine's changes as it joins and
// leaves); host and addr are a Machine's.
type Engine struct {
	client.APIClient
	s          *Swarm
	nodeID     string
	host, addr string
}

// Close implements client.APIClient.
func (e *Engine) Close() error { return nil }

// Ping implements client.APIClient.
func (e *Engine) Ping(context.Context, client.PingOptions) (client.PingResult, error) {
	return client.PingResult{APIVersion: "1.41"}, nil
}

// Info answers as the engine's node: an active manager or worker, or in
// no swarm once the node is removed.
func (e *Engine) Info(context.Context, client.InfoOptions) (client.SystemInfoResult, error) {
	e.s.mu.Lock()
	defer e.s.mu.Unlock()
	var r client.SystemInfoResult
	r.Info.Name = e.host
	if n := e.s.node(e.nodeID); n != nil {
		r.Info.Name = n.Description.Hostname
		r.Info.Swarm = e.s.info(n)
	} else {
		r.Info.Swarm.LocalNodeState = swarm.LocalNodeStateInactive
	}
	return r, nil
}

func notFound(kind, id string) error {
	return cerrdefs.ErrNotFound.WithMessage(kind + " " + id + " not found")
}

package swarmfake

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"
)

// The join tokens of the swarm, by role.
const (
	ManagerToken = "SWMTKN-1-swarmfake-manager"
	WorkerToken  = "SWMTKN-1-swarmfake-worker"
)

// swarmPort is where managers listen for joins.
const swarmPort = "2377"

// Machine returns the engine of a machine at addr that is in no swarm
// yet; hostname names its node once it is in one. SwarmInit makes it the
// swarm's first manager (the fake holds one swarm: a second init fails),
// SwarmJoin a node in the role of its token, SwarmLeave takes it out.
// Backends that form the swarm themselves (proxmox's Up) are tested
// with machines; Engine(id) is the engine of a node already in it.
func (s *Swarm) Machine(hostname, addr string) *Engine {
	return &Engine{s: s, host: hostname, addr: addr}
}

// Joins counts the SwarmInit and SwarmJoin calls that made a node.
func (s *Swarm) Joins() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.joins
}

// SwarmInit implements client.SwarmAPIClient.
func (e *Engine) SwarmInit(_ context.Context, o client.SwarmInitOptions) (client.SwarmInitResult, error) {
	e.s.mu.Lock()
	defer e.s.mu.Unlock()
	if e.s.node(e.nodeID) != nil {
		return client.SwarmInitResult{}, errors.New("This node is already part of a swarm. Use \"docker swarm leave\" to leave this swarm and join another one.")
	}
	if len(e.s.nodes) > 0 {
		return client.SwarmInitResult{}, errors.New("swarmfake: a swarm exists already: this fake holds one (a second init is a bug of the caller)")
	}
	if o.AdvertiseAddr != "" && o.AdvertiseAddr != e.addr {
		return client.SwarmInitResult{}, fmt.Errorf("advertise address %s is not the machine's (%s)", o.AdvertiseAddr, e.addr)
	}
	e.nodeID = e.s.addNode(e.host, e.addr, true)
	e.s.joins++
	return client.SwarmInitResult{NodeID: e.nodeID}, nil
}

// SwarmJoin implements client.SwarmAPIClient: the token says the role;
// one of RemoteAddrs must be a manager's address and swarm port.
func (e *Engine) SwarmJoin(_ context.Context, o client.SwarmJoinOptions) (client.SwarmJoinResult, error) {
	e.s.mu.Lock()
	defer e.s.mu.Unlock()
	if e.s.node(e.nodeID) != nil {
		return client.SwarmJoinResult{}, errors.New("This node is already part of a swarm. Use \"docker swarm leave\" to leave this swarm and join another one.")
	}
	if !slices.ContainsFunc(o.RemoteAddrs, e.s.isManagerAddr) {
		return client.SwarmJoinResult{}, fmt.Errorf("could not connect to any of the managers %v", o.RemoteAddrs)
	}
	var manager bool
	switch o.JoinToken {
	case ManagerToken:
		manager = true
	case WorkerToken:
	default:
		return client.SwarmJoinResult{}, errors.New("rpc error: code = InvalidArgument desc = A valid join token is necessary to join this cluster")
	}
	e.nodeID = e.s.addNode(e.host, e.addr, manager)
	e.s.joins++
	return client.SwarmJoinResult{}, nil
}

// SwarmInspect implements client.SwarmAPIClient: the join tokens.
func (e *Engine) SwarmInspect(context.Context, client.SwarmInspectOptions) (client.SwarmInspectResult, error) {
	e.s.mu.Lock()
	defer e.s.mu.Unlock()
	if err := e.manager(); err != nil {
		return client.SwarmInspectResult{}, err
	}
	if e.s.leaderless > 0 {
		e.s.leaderless--
		return client.SwarmInspectResult{}, errors.New(ErrNoLeader)
	}
	var r client.SwarmInspectResult
	r.Swarm.ID = "swarmfake"
	r.Swarm.JoinTokens = swarm.JoinTokens{Manager: ManagerToken, Worker: WorkerToken}
	return r, nil
}

// SwarmLeave implements client.SwarmAPIClient: the node goes down (its
// tasks move) and stays listed until removed, as in a real swarm; a
// manager needs Force.
func (e *Engine) SwarmLeave(_ context.Context, o client.SwarmLeaveOptions) (client.SwarmLeaveResult, error) {
	e.s.mu.Lock()
	defer e.s.mu.Unlock()
	n := e.s.node(e.nodeID)
	switch {
	case n == nil:
		return client.SwarmLeaveResult{}, errors.New("This node is not part of a swarm")
	case n.Spec.Role == swarm.NodeRoleManager && !o.Force:
		return client.SwarmLeaveResult{}, errors.New("You are attempting to leave the swarm on a node that is participating as a manager. Use `--force` to suppress this message.")
	}
	n.Status.State = swarm.NodeStateDown
	e.nodeID = ""
	e.s.reconcile()
	return client.SwarmLeaveResult{}, nil
}

// isManagerAddr says whether addr is a manager node's address with the
// swarm port. The caller holds s.mu.
func (s *Swarm) isManagerAddr(addr string) bool {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port != swarmPort {
		return false
	}
	return slices.ContainsFunc(s.nodes, func(n swarm.Node) bool {
		return n.Spec.Role == swarm.NodeRoleManager && n.Status.Addr == host && n.Status.State == swarm.NodeStateReady
	})
}

// info is the swarm part of Info for the engine's node n. The caller
// holds s.mu.
func (s *Swarm) info(n *swarm.Node) swarm.Info {
	in := swarm.Info{NodeID: n.ID, NodeAddr: n.Status.Addr, LocalNodeState: swarm.LocalNodeStateActive,
		ControlAvailable: n.Spec.Role == swarm.NodeRoleManager, Nodes: len(s.nodes)}
	for _, m := range s.nodes {
		if m.Spec.Role == swarm.NodeRoleManager {
			in.Managers++
			in.RemoteManagers = append(in.RemoteManagers, swarm.Peer{NodeID: m.ID, Addr: net.JoinHostPort(m.Status.Addr, swarmPort)})
		}
	}
	return in
}

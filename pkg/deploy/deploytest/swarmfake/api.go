package swarmfake

import (
	"context"
	"errors"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"
)

// errNotManager is what a worker's engine says to a manager's call.
var errNotManager = errors.New("This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state.")

func (e *Engine) manager() error {
	if n := e.s.node(e.nodeID); n == nil || n.Spec.Role != swarm.NodeRoleManager {
		return errNotManager
	}
	return nil
}

// NodeList implements client.NodeAPIClient (no filters).
func (e *Engine) NodeList(context.Context, client.NodeListOptions) (client.NodeListResult, error) {
	e.s.mu.Lock()
	defer e.s.mu.Unlock()
	if err := e.manager(); err != nil {
		return client.NodeListResult{}, err
	}
	return client.NodeListResult{Items: append([]swarm.Node(nil), e.s.nodes...)}, nil
}

// NodeInspect implements client.NodeAPIClient.
func (e *Engine) NodeInspect(_ context.Context, id string, _ client.NodeInspectOptions) (client.NodeInspectResult, error) {
	e.s.mu.Lock()
	defer e.s.mu.Unlock()
	if err := e.manager(); err != nil {
		return client.NodeInspectResult{}, err
	}
	n := e.s.node(id)
	if n == nil {
		return client.NodeInspectResult{}, notFound("node", id)
	}
	return client.NodeInspectResult{Node: *n}, nil
}

// NodeUpdate implements client.NodeAPIClient: the spec's availability
// and role take effect at once.
func (e *Engine) NodeUpdate(_ context.Context, id string, o client.NodeUpdateOptions) (client.NodeUpdateResult, error) {
	e.s.mu.Lock()
	defer e.s.mu.Unlock()
	if err := e.manager(); err != nil {
		return client.NodeUpdateResult{}, err
	}
	n := e.s.node(id)
	if n == nil {
		return client.NodeUpdateResult{}, notFound("node", id)
	}
	n.Spec = o.Spec
	n.Version.Index++
	e.s.reconcile()
	return client.NodeUpdateResult{}, nil
}

// NodeRemove implements client.NodeAPIClient: a node that is not down
// needs Force, as in a real swarm.
func (e *Engine) NodeRemove(_ context.Context, id string, o client.NodeRemoveOptions) (client.NodeRemoveResult, error) {
	e.s.mu.Lock()
	defer e.s.mu.Unlock()
	if err := e.manager(); err != nil {
		return client.NodeRemoveResult{}, err
	}
	n := e.s.node(id)
	if n == nil {
		return client.NodeRemoveResult{}, notFound("node", id)
	}
	if n.Status.State != swarm.NodeStateDown && !o.Force {
		return client.NodeRemoveResult{}, errors.New("node " + id + " is not down and can't be removed")
	}
	n.Status.State = swarm.NodeStateDown
	e.s.reconcile()
	e.s.nodes = removeNode(e.s.nodes, id)
	return client.NodeRemoveResult{}, nil
}

func removeNode(nodes []swarm.Node, id string) []swarm.Node {
	out := nodes[:0]
	for _, n := range nodes {
		if n.ID != id {
			out = append(out, n)
		}
	}
	return out
}

// TaskList implements client.TaskAPIClient, with the filters node,
// service and desired-state.
func (e *Engine) TaskList(_ context.Context, o client.TaskListOptions) (client.TaskListResult, error) {
	e.s.mu.Lock()
	defer e.s.mu.Unlock()
	if err := e.manager(); err != nil {
		return client.TaskListResult{}, err
	}
	match := func(term, v string) bool { vs, ok := o.Filters[term]; return !ok || vs[v] }
	var out []swarm.Task
	for _, t := range e.s.tasks {
		if match("node", t.NodeID) && match("service", t.ServiceID) && match("desired-state", string(t.DesiredState)) {
			out = append(out, t)
		}
	}
	return client.TaskListResult{Items: out}, nil
}

// TaskInspect implements client.TaskAPIClient.
func (e *Engine) TaskInspect(_ context.Context, id string, _ client.TaskInspectOptions) (client.TaskInspectResult, error) {
	e.s.mu.Lock()
	defer e.s.mu.Unlock()
	if err := e.manager(); err != nil {
		return client.TaskInspectResult{}, err
	}
	for _, t := range e.s.tasks {
		if t.ID == id {
			return client.TaskInspectResult{Task: t}, nil
		}
	}
	return client.TaskInspectResult{}, notFound("task", id)
}

// ServiceList implements client.ServiceAPIClient, with Status.
func (e *Engine) ServiceList(_ context.Context, o client.ServiceListOptions) (client.ServiceListResult, error) {
	e.s.mu.Lock()
	defer e.s.mu.Unlock()
	if err := e.manager(); err != nil {
		return client.ServiceListResult{}, err
	}
	var out []swarm.Service
	for _, svc := range e.s.services {
		s := swarm.Service{ID: svc.id, Spec: swarm.ServiceSpec{Annotations: swarm.Annotations{Name: svc.name}}}
		if o.Status {
			st := &swarm.ServiceStatus{DesiredTasks: uint64(svc.replicas)}
			for _, t := range e.s.tasks {
				if t.ServiceID == svc.id && t.Status.State == swarm.TaskStateRunning {
					st.RunningTasks++
				}
			}
			s.ServiceStatus = st
		}
		out = append(out, s)
	}
	return client.ServiceListResult{Items: out}, nil
}

// ContainerKill implements client.ContainerAPIClient for the containers
// of the engine's node's tasks: the task fails and is replaced.
func (e *Engine) ContainerKill(_ context.Context, id string, _ client.ContainerKillOptions) (client.ContainerKillResult, error) {
	e.s.mu.Lock()
	defer e.s.mu.Unlock()
	for i := range e.s.tasks {
		t := &e.s.tasks[i]
		if cs := t.Status.ContainerStatus; cs != nil && cs.ContainerID == id && t.NodeID == e.nodeID {
			t.DesiredState, t.Status.State = swarm.TaskStateShutdown, swarm.TaskStateFailed
			e.s.killed = append(e.s.killed, id)
			e.s.reconcile()
			return client.ContainerKillResult{}, nil
		}
	}
	return client.ContainerKillResult{}, notFound("container", id)
}

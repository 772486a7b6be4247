package deploy

import (
	"context"
	"fmt"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"
)

// ListNodes returns the swarm's nodes, managers first.
func ListNodes(ctx context.Context, api client.NodeAPIClient) ([]Node, error) {
	res, err := api.NodeList(ctx, client.NodeListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list nodes: %w", err)
	}
	var managers, workers []Node
	for _, n := range res.Items {
		node := Node{
			ID:       n.ID,
			Hostname: n.Description.Hostname,
			Addr:     n.Status.Addr,
			Manager:  n.Spec.Role == swarm.NodeRoleManager,
			Ready:    n.Status.State == swarm.NodeStateReady && n.Spec.Availability == swarm.NodeAvailabilityActive,
			Drained:  n.Spec.Availability == swarm.NodeAvailabilityDrain || n.Spec.Availability == swarm.NodeAvailabilityPause,
			Joined:   true,
		}
		if node.Manager {
			managers = append(managers, node)
		} else {
			workers = append(workers, node)
		}
	}
	return append(managers, workers...), nil
}

// DrainNode sets a node's availability to drain: the swarm moves its
// tasks to other nodes.
func DrainNode(ctx context.Context, api client.NodeAPIClient, nodeID string) error {
	return setAvailability(ctx, api, nodeID, swarm.NodeAvailabilityDrain)
}

// ActivateNode sets a node's availability to active, undoing DrainNode:
// the swarm schedules tasks on it again.
func ActivateNode(ctx context.Context, api client.NodeAPIClient, nodeID string) error {
	return setAvailability(ctx, api, nodeID, swarm.NodeAvailabilityActive)
}

func setAvailability(ctx context.Context, api client.NodeAPIClient, nodeID string, a swarm.NodeAvailability) error {
	res, err := api.NodeInspect(ctx, nodeID, client.NodeInspectOptions{})
	if cerrdefs.IsNotFound(err) {
		return fmt.Errorf("node %s: %w: %v", nodeID, ErrNotFound, err)
	}
	if err != nil {
		return fmt.Errorf("node %s: %w", nodeID, err)
	}
	spec := res.Node.Spec
	if spec.Availability == a {
		return nil
	}
	spec.Availability = a
	if _, err := api.NodeUpdate(ctx, nodeID, client.NodeUpdateOptions{Version: res.Node.Version, Spec: spec}); err != nil {
		return fmt.Errorf("set node %s %s: %w", nodeID, a, err)
	}
	return nil
}

// KillTaskContainer kills the container of a task running on the engine
// api talks to. A task on another node is ErrNotSupported: this engine
// cannot reach its container.
func KillTaskContainer(ctx context.Context, api interface {
	client.TaskAPIClient
	client.ContainerAPIClient
	client.SystemAPIClient
}, taskID string) error {
	return KillTaskOn(ctx, api, api, taskID)
}

// EngineAPI is what KillTaskOn needs of the engine of a task's node.
type EngineAPI interface {
	client.ContainerAPIClient
	client.SystemAPIClient
}

// InspectTask returns a task, through a manager; ErrNotFound for an
// unknown task.
func InspectTask(ctx context.Context, manager client.TaskAPIClient, taskID string) (swarm.Task, error) {
	res, err := manager.TaskInspect(ctx, taskID, client.TaskInspectOptions{})
	if cerrdefs.IsNotFound(err) {
		return swarm.Task{}, fmt.Errorf("task %s: %w: %v", taskID, ErrNotFound, err)
	}
	if err != nil {
		return swarm.Task{}, fmt.Errorf("task %s: %w", taskID, err)
	}
	return res.Task, nil
}

// KillTaskOn kills the container of a task, found through a manager, on
// engine, the engine of the task's node (a backend that reaches every
// node's engine kills a task anywhere). A task on another node than
// engine's is ErrNotSupported.
func KillTaskOn(ctx context.Context, manager client.TaskAPIClient, engine EngineAPI, taskID string) error {
	task, err := InspectTask(ctx, manager, taskID)
	if err != nil {
		return err
	}
	info, err := engine.Info(ctx, client.InfoOptions{})
	if err != nil {
		return fmt.Errorf("task %s: engine info: %w", taskID, err)
	}
	if self := info.Info.Swarm.NodeID; task.NodeID != self {
		return fmt.Errorf("task %s runs on node %s, and only the containers of this engine's node %s can be killed: %w",
			taskID, task.NodeID, self, ErrNotSupported)
	}
	cs := task.Status.ContainerStatus
	if cs == nil || cs.ContainerID == "" {
		return fmt.Errorf("task %s has no container (state %s)", taskID, task.Status.State)
	}
	if _, err := engine.ContainerKill(ctx, cs.ContainerID, client.ContainerKillOptions{Signal: "SIGKILL"}); err != nil {
		return fmt.Errorf("task %s: kill container %s: %w", taskID, cs.ContainerID[:min(12, len(cs.ContainerID))], err)
	}
	return nil
}

// EngineCloser is the engine of a node, reached by a backend, closed
// once used.
type EngineCloser interface {
	EngineAPI
	Close() error
}

// KillTaskAnywhere kills the container of a task wherever it runs: on
// the manager's own node through manager, on any other node through the
// engine dialNode reaches for that node's ID (the shared part of StopTask
// for backends that reach every node, over ssh or tls).
func KillTaskAnywhere(ctx context.Context, manager interface {
	client.TaskAPIClient
	EngineAPI
}, taskID string, dialNode func(ctx context.Context, nodeID string) (EngineCloser, error)) error {
	task, err := InspectTask(ctx, manager, taskID)
	if err != nil {
		return err
	}
	info, err := manager.Info(ctx, client.InfoOptions{})
	if err != nil {
		return fmt.Errorf("engine info: %w", err)
	}
	if task.NodeID == info.Info.Swarm.NodeID {
		return KillTaskOn(ctx, manager, manager, taskID)
	}
	engine, err := dialNode(ctx, task.NodeID)
	if err != nil {
		return err
	}
	defer engine.Close()
	return KillTaskOn(ctx, manager, engine, taskID)
}

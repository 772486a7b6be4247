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
	res, err := api.TaskInspect(ctx, taskID, client.TaskInspectOptions{})
	if cerrdefs.IsNotFound(err) {
		return fmt.Errorf("task %s: %w: %v", taskID, ErrNotFound, err)
	}
	if err != nil {
		return fmt.Errorf("task %s: %w", taskID, err)
	}
	info, err := api.Info(ctx, client.InfoOptions{})
	if err != nil {
		return fmt.Errorf("task %s: engine info: %w", taskID, err)
	}
	if self := info.Info.Swarm.NodeID; res.Task.NodeID != self {
		return fmt.Errorf("task %s runs on node %s, and only the containers of this engine's node %s can be killed: %w",
			taskID, res.Task.NodeID, self, ErrNotSupported)
	}
	cs := res.Task.Status.ContainerStatus
	if cs == nil || cs.ContainerID == "" {
		return fmt.Errorf("task %s has no container (state %s)", taskID, res.Task.Status.State)
	}
	if _, err := api.ContainerKill(ctx, cs.ContainerID, client.ContainerKillOptions{Signal: "SIGKILL"}); err != nil {
		return fmt.Errorf("task %s: kill container %s: %w", taskID, cs.ContainerID[:12], err)
	}
	return nil
}

package aws

import (
	"context"
	"fmt"
	"strings"

	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/aws/awsproto"
)

// StopTask implements deploy.Backend: the task's container is killed
// through the engine of its node, reached like a manager (ssh to its
// instance's address, or tls/tcp as access says).
func (b *Backend) StopTask(ctx context.Context, taskID string) error {
	nodes, cl, api, err := b.nodes(ctx)
	if api != nil {
		defer api.Close()
	}
	if err != nil {
		return err
	}
	err = deploy.KillTaskAnywhere(ctx, api, taskID, func(ctx context.Context, nodeID string) (deploy.EngineCloser, error) {
		in, ok := instanceOf(cl, nodes, nodeID)
		if !ok {
			return nil, fmt.Errorf("task %s runs on node %s, which is no running instance of the env: %w", taskID, nodeID, deploy.ErrNotSupported)
		}
		ep := b.endpoint(in)
		engine, err := b.dial(ctx, ep, false)
		if err != nil {
			return nil, fmt.Errorf("task %s: the engine of its node, %s: %w", taskID, ep.Host, err)
		}
		return engine, nil
	})
	return wrapEnv(b.env.Name, err)
}

func wrapEnv(env string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("env %s: %w", env, err)
}

// instanceOf returns the running instance of a swarm node.
func instanceOf(cl *awsproto.Cluster, nodes []deploy.Node, nodeID string) (awsproto.Instance, bool) {
	for _, n := range nodes {
		if n.ID == nodeID && n.Instance != "" {
			for _, m := range members(cl) {
				if m.ID == n.Instance && m.State == "running" {
					return m.Instance, true
				}
			}
		}
	}
	return awsproto.Instance{}, false
}

// StopNode implements deploy.Backend: the node's instance is stopped as
// abruptly as EC2 allows (forced). id may also be the instance's.
func (b *Backend) StopNode(ctx context.Context, id string) error {
	n, err := b.findNode(ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(b.log, "stopping instance %s (node %s), forced\n", n.Instance, or(n.Hostname, n.ID))
	_, err = b.call(ctx, awsproto.Request{Op: awsproto.OpStopInstances, InstanceIDs: []string{n.Instance}, Force: true})
	return err
}

// StartNode implements deploy.Backend: the instance of a node (or the
// instance id) is started, and StartNode returns once EC2 says it runs.
func (b *Backend) StartNode(ctx context.Context, id string) error {
	n, err := b.findNode(ctx, id)
	if err != nil {
		return err
	}
	for {
		switch n.Machine {
		case deploy.MachineRunning:
			return nil
		case deploy.MachineStopped:
			if _, err := b.call(ctx, awsproto.Request{Op: awsproto.OpStartInstances, InstanceIDs: []string{n.Instance}}); err != nil {
				return err
			}
			fmt.Fprintf(b.log, "started instance %s\n", n.Instance)
		case deploy.MachineGone:
			return fmt.Errorf("env %s: instance %s is terminated and cannot start again: %w", b.env.Name, n.Instance, deploy.ErrNotFound)
		}
		if err := deploy.Sleep(ctx, b.poll); err != nil {
			return fmt.Errorf("env %s: instance %s is still %s: %w", b.env.Name, n.Instance, n.Machine, err)
		}
		cl, err := b.describe(ctx)
		if err != nil {
			return err
		}
		n.Machine = deploy.MachineGone
		for _, m := range members(cl) {
			if m.ID == n.Instance {
				n.Machine = machineState(m.State)
			}
		}
	}
}

// findNode finds a node of the env by swarm node ID or instance id; it
// must have an instance. An instance id needs no manager.
func (b *Backend) findNode(ctx context.Context, id string) (deploy.Node, error) {
	if strings.HasPrefix(id, "i-") {
		cl, err := b.describe(ctx)
		if err != nil {
			return deploy.Node{}, err
		}
		for _, m := range members(cl) {
			if m.ID == id {
				return deploy.Node{Instance: m.ID, Hostname: m.Tags["Hostname"], Machine: machineState(m.State)}, nil
			}
		}
		return deploy.Node{}, fmt.Errorf("env %s: no instance %s in the env's groups: %w", b.env.Name, id, deploy.ErrNotFound)
	}
	nodes, _, api, err := b.nodes(ctx)
	if api != nil {
		api.Close()
	}
	if err != nil {
		return deploy.Node{}, err
	}
	for _, n := range nodes {
		if n.ID == id {
			if n.Instance == "" {
				return n, fmt.Errorf("env %s: node %s (%s) has no instance in the env's groups: %w", b.env.Name, id, n.Hostname, deploy.ErrNotFound)
			}
			return n, nil
		}
	}
	return deploy.Node{}, fmt.Errorf("env %s: no node %s in the swarm: %w", b.env.Name, id, deploy.ErrNotFound)
}

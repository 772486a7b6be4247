package proxmox

import (
	"context"
	"fmt"
	"strconv"

	"github.com/gazr-io/gazr/pkg/deploy"
)

// StopTask implements deploy.Backend: the task's container is killed
// through the engine of its node, reached over SSH at its VM's address.
func (b *Backend) StopTask(ctx context.Context, taskID string) error {
	nodes, in, api, err := b.nodes(ctx)
	if api != nil {
		defer api.Close()
	}
	if err != nil {
		return err
	}
	var dialErr error // b.engine's errors name the env already
	err = deploy.KillTaskAnywhere(ctx, api, taskID, func(ctx context.Context, nodeID string) (deploy.EngineCloser, error) {
		var node deploy.Node
		for _, n := range nodes {
			if n.ID == nodeID {
				node = n
			}
		}
		id, _ := strconv.Atoi(node.Instance)
		v, ok := in.byID(id)
		if !ok || v.Status != "running" || node.Addr == "" {
			return nil, fmt.Errorf("task %s runs on node %s, which is no running VM of the env: %w", taskID, nodeID, deploy.ErrNotSupported)
		}
		engine, err := b.engine(ctx, v, node.Addr)
		dialErr = err
		return engine, err
	})
	if dialErr != nil {
		return dialErr
	}
	return wrapEnv(b.env.Name, err)
}

func wrapEnv(env string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("env %s: %w", env, err)
}

// StopNode implements deploy.Backend: the node's VM is stopped hard (the
// power cord, not a shutdown). id is a swarm node ID or a VM id.
func (b *Backend) StopNode(ctx context.Context, id string) error {
	v, err := b.findVM(ctx, id)
	if err != nil {
		return err
	}
	if v.Status != "running" {
		return nil
	}
	c, err := b.client()
	if err != nil {
		return err
	}
	fmt.Fprintf(b.log, "stopping %s on %s, hard\n", v, v.Node)
	return b.stop(ctx, c, v)
}

// StartNode implements deploy.Backend: the VM of a node (or the VM id)
// is started; StartNode returns once PVE's start task ends.
func (b *Backend) StartNode(ctx context.Context, id string) error {
	v, err := b.findVM(ctx, id)
	if err != nil {
		return err
	}
	if v.Status == "running" {
		return nil
	}
	c, err := b.client()
	if err != nil {
		return err
	}
	fmt.Fprintf(b.log, "starting %s on %s\n", v, v.Node)
	return b.start(ctx, c, v)
}

// findVM finds the env's VM of a swarm node ID or a VM id; a VM id needs
// no manager.
func (b *Backend) findVM(ctx context.Context, id string) (vm, error) {
	if n, ok := parseVMID(id); ok {
		c, err := b.client()
		if err != nil {
			return vm{}, err
		}
		in, err := b.inventory(ctx, c)
		if err != nil {
			return vm{}, err
		}
		for _, v := range in.env {
			if v.ID == n {
				return v, nil
			}
		}
		return vm{}, fmt.Errorf("env %s: no VM %d among the env's (%s): %w", b.env.Name, n, b.searched(), deploy.ErrNotFound)
	}
	nodes, in, api, err := b.nodes(ctx)
	if api != nil {
		api.Close()
	}
	if err != nil {
		return vm{}, err
	}
	for _, n := range nodes {
		if n.ID != id {
			continue
		}
		vid, _ := strconv.Atoi(n.Instance)
		if v, ok := in.byID(vid); ok && n.Instance != "" {
			return v, nil
		}
		return vm{}, fmt.Errorf("env %s: node %s (%s) has no VM among the env's: %w", b.env.Name, id, n.Hostname, deploy.ErrNotFound)
	}
	return vm{}, fmt.Errorf("env %s: no node %s in the swarm: %w", b.env.Name, id, deploy.ErrNotFound)
}

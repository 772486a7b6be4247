package proxmox

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	pve "github.com/luthermonson/go-proxmox"

	"github.com/gazr-io/gazr/pkg/deploy"
)

// machines are the env's VMs as deploy.JoinMachines matches them: the
// VM's name is its hostname (cloud-init sets it), the address of each
// running VM is asked (at once) from the agent or ipconfig0; a VM that
// gives none is matched by name only.
func (b *Backend) machines(ctx context.Context, c *pve.Client, in *inventory) []deploy.Machine {
	ms := make([]deploy.Machine, len(in.env))
	var wg sync.WaitGroup
	for i, v := range in.env {
		ms[i] = deploy.Machine{ID: strconv.Itoa(v.ID), Hostname: v.Name, State: machineState(v.Status),
			Manager: v.Role == roleManager, Group: v.Role, Host: v.Node}
		if v.Status != "running" {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			ms[i].Addr, _ = b.address(ctx, c, v)
		}()
	}
	wg.Wait()
	return ms
}

// Nodes implements deploy.Backend: the swarm's nodes joined with their
// VMs (the VM id as Instance, its PVE node as Host, its role as Group),
// then the env's VMs that have not joined.
func (b *Backend) Nodes(ctx context.Context) ([]deploy.Node, error) {
	nodes, _, api, err := b.nodes(ctx)
	if api != nil {
		api.Close()
	}
	return nodes, err
}

// nodes returns the joined nodes, the inventory and the manager client
// (which the caller closes, even with an error).
func (b *Backend) nodes(ctx context.Context) ([]deploy.Node, *inventory, deploy.SwarmAPI, error) {
	api, in, err := b.session(ctx)
	if err != nil {
		return nil, in, api, err
	}
	list, err := deploy.ListNodes(ctx, api)
	if err != nil {
		return nil, in, api, fmt.Errorf("env %s: %w", b.env.Name, err)
	}
	c, err := b.client()
	if err != nil {
		return nil, in, api, err
	}
	return deploy.JoinMachines(b.machines(ctx, c, in), list), in, api, nil
}

// PruneNodes implements deploy.Backend: it removes the swarm nodes whose
// VM no longer exists, never one whose VM exists (stopped, it may come
// back), and refuses when the env's VMs match no node, or miss a ready
// one (then cluster_tag or pool is wrong, not every VM gone).
func (b *Backend) PruneNodes(ctx context.Context) ([]deploy.Node, error) {
	nodes, _, api, err := b.nodes(ctx)
	if api != nil {
		defer api.Close()
	}
	if err != nil {
		return nil, err
	}
	removed, err := deploy.PruneGone(ctx, api, nodes, b.log, "VM", fmt.Sprintf("check cluster_tag and pool in [env.%s.proxmox], and the VMs' tags %s/%s", b.env.Name, TagManager, TagWorker))
	if err != nil {
		return removed, fmt.Errorf("env %s: %w", b.env.Name, err)
	}
	return removed, nil
}

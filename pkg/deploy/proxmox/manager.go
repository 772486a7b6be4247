package proxmox

import (
	"context"
	"fmt"
	"strings"

	pve "github.com/luthermonson/go-proxmox"

	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/deploy/sshconn"
)

// endpoint is how gazr reaches the engine of a VM at ip: over SSH.
func (b *Backend) endpoint(v vm, ip string) deploy.Endpoint {
	return deploy.Endpoint{Host: fmt.Sprintf("%s %s", v, ip), Opts: deploy.SSHOpts(sshconn.Target{User: b.cfg.SSHUser, Host: ip})}
}

func (b *Backend) dialManager(ctx context.Context, ep deploy.Endpoint) (deploy.SwarmAPI, error) {
	return b.dial(ctx, ep, true)
}

// Manager implements deploy.Backend: the env's running manager VMs are
// tried in turn, over SSH to the address of each, until one answers as
// an active swarm manager (failover); manager = "…" in [env.X] pins one
// instead.
func (b *Backend) Manager(ctx context.Context) (deploy.SwarmAPI, error) {
	api, _, err := b.session(ctx)
	return api, err
}

// session returns a manager, and the inventory it was found from (nil
// with a pinned manager and an error).
func (b *Backend) session(ctx context.Context) (deploy.SwarmAPI, *inventory, error) {
	c, err := b.client()
	if err != nil {
		return nil, nil, err
	}
	in, err := b.inventory(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	if b.env.Manager != "" {
		api, err := b.pinned(ctx)
		return api, in, err
	}
	api, err := b.managerOf(ctx, c, in)
	return api, in, err
}

func (b *Backend) pinned(ctx context.Context) (deploy.SwarmAPI, error) {
	ep, err := deploy.ResolveEndpoint(b.env)
	if err != nil {
		return nil, err
	}
	api, _, err := deploy.FirstManager(ctx, []deploy.Endpoint{ep}, b.dialManager)
	if err != nil {
		return nil, fmt.Errorf("env %s: %w", b.env.Name, err)
	}
	return api, nil
}

// managerOf tries the inventory's running managers, in the order of
// their names.
func (b *Backend) managerOf(ctx context.Context, c *pve.Client, in *inventory) (deploy.SwarmAPI, error) {
	var eps []deploy.Endpoint
	var noAddr []string
	for _, v := range in.role(roleManager) {
		if v.Status != "running" {
			continue
		}
		ip, err := b.address(ctx, c, v)
		if err != nil {
			noAddr = append(noAddr, fmt.Sprintf("%s: %s", v, strings.TrimPrefix(oneLine(err.Error()), "env "+b.env.Name+": ")))
			continue
		}
		eps = append(eps, b.endpoint(v, ip))
	}
	if len(eps) == 0 {
		why := census(in.role(roleManager))
		if len(noAddr) > 0 {
			why += "; " + strings.Join(noAddr, "; ")
		}
		return nil, fmt.Errorf("env %s: %w: no running manager VM with an address (%s, %s); run gazr cluster up --env %s, or start them",
			b.env.Name, deploy.ErrUnreachable, b.searched(), why, b.env.Name)
	}
	api, ep, err := deploy.FirstManager(ctx, eps, b.dialManager)
	if err != nil {
		return nil, fmt.Errorf("env %s: %w", b.env.Name, err)
	}
	if ep.Host != eps[0].Host {
		fmt.Fprintf(b.log, "manager %s answered (the ones before it did not)\n", ep.Host)
	}
	return api, nil
}

// searched says how the env's VMs are found.
func (b *Backend) searched() string {
	var by []string
	if b.cfg.ClusterTag != "" {
		by = append(by, "tag "+b.cfg.ClusterTag)
	}
	if b.cfg.Pool != "" {
		by = append(by, "pool "+b.cfg.Pool)
	}
	return "VMs with " + strings.Join(by, " in ") + " and tag " + TagManager
}

// census says how many VMs there are, by status.
func census(vms []vm) string {
	if len(vms) == 0 {
		return "none found"
	}
	by := map[string]int{}
	var order []string
	for _, v := range vms {
		if by[v.Status] == 0 {
			order = append(order, v.Status)
		}
		by[v.Status]++
	}
	parts := make([]string, len(order))
	for i, s := range order {
		parts[i] = fmt.Sprintf("%d %s", by[s], s)
	}
	return strings.Join(parts, ", ")
}

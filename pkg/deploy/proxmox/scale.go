package proxmox

import (
	"context"
	"fmt"
	"strconv"

	pve "github.com/luthermonson/go-proxmox"
	"github.com/moby/moby/client"

	"github.com/gazr-io/gazr/pkg/deploy"
)

// ScaleNodes implements deploy.Backend: out, it clones the missing
// workers (spread over the targets), starts them and has them join, then
// waits until that many workers are Ready; in, it picks the victims (VMs
// not joined, then the workers running the fewest tasks, never a
// manager), drains them, waits until their tasks run elsewhere, has them
// leave the swarm, shuts their VMs down, destroys them and removes their
// nodes.
func (b *Backend) ScaleNodes(ctx context.Context, workers int) error {
	if workers < 0 {
		return fmt.Errorf("env %s: scale to %d workers: want 0 or more", b.env.Name, workers)
	}
	nodes, in, api, err := b.nodes(ctx)
	if api != nil {
		defer api.Close()
	}
	if err != nil {
		return err
	}
	c, err := b.client()
	if err != nil {
		return err
	}
	cur := len(in.role(roleWorker))
	switch {
	case workers > cur:
		fmt.Fprintf(b.log, "workers: %d → %d: cloning %d VMs\n", cur, workers, workers-cur)
		if in, err = b.settled(ctx, c, in); err != nil {
			return err
		}
		if err := b.scaleOut(ctx, c, in, api, workers-cur); err != nil {
			return err
		}
	case workers < cur:
		if err := b.scaleIn(ctx, c, in, api, nodes, cur, workers); err != nil {
			return err
		}
	}
	if err := deploy.WaitWorkers(ctx, api, workers, b.log, b.poll); err != nil {
		return fmt.Errorf("env %s: scale to %d workers: %w", b.env.Name, workers, err)
	}
	return nil
}

// scaleOut clones n workers, starts them and has them join the swarm of
// mgr (with the untagged VMs an interrupted run left).
func (b *Backend) scaleOut(ctx context.Context, c *pve.Client, in *inventory, mgr deploy.SwarmAPI, n int) error {
	eligible, err := b.eligible(ctx, c)
	if err != nil {
		return err
	}
	plan, err := planWorkers(in.env, eligible, n)
	if err != nil {
		return fmt.Errorf("env %s: %w; check targets in [env.%s.proxmox]", b.env.Name, err, b.env.Name)
	}
	var changes []string
	vms, err := b.provision(ctx, c, in, plan, false, &changes)
	for _, ch := range changes {
		fmt.Fprintln(b.log, ch)
	}
	if err != nil {
		return err
	}
	var running []vm
	for _, v := range vms {
		if v.Status == "running" {
			running = append(running, v)
		}
	}
	ips, err := b.awaitAddresses(ctx, c, running)
	if err != nil {
		return err
	}
	for _, v := range running {
		joined, err := b.join(ctx, mgr, v, ips[v.ID])
		if err != nil {
			return err
		}
		if joined {
			fmt.Fprintf(b.log, "%s joined the swarm as a %s\n", v, v.Role)
		}
	}
	return nil
}

// scaleIn retires cur-workers workers.
func (b *Backend) scaleIn(ctx context.Context, c *pve.Client, in *inventory, api deploy.SwarmAPI, nodes []deploy.Node, cur, workers int) error {
	var cands []deploy.Node
	for _, n := range nodes {
		if !n.Manager && n.Group == roleWorker && n.Instance != "" && n.Machine != deploy.MachineGone {
			cands = append(cands, n)
		}
	}
	tasks, err := deploy.RunningTasks(ctx, api)
	if err != nil {
		return fmt.Errorf("env %s: %w", b.env.Name, err)
	}
	victims := deploy.PickVictims(cands, tasks, cur-workers)
	if len(victims) == 0 {
		return nil
	}
	ids := make([]string, len(victims))
	for i, v := range victims {
		ids[i] = v.Instance
	}
	fmt.Fprintf(b.log, "workers: %d → %d: retiring VMs %v\n", cur, workers, ids)
	end := func(ctx context.Context) error {
		for _, n := range victims {
			id, _ := strconv.Atoi(n.Instance)
			v, ok := in.byID(id)
			if !ok {
				continue
			}
			b.leave(ctx, v, n)
			if err := b.destroy(ctx, c, v); err != nil {
				return err
			}
			fmt.Fprintf(b.log, "destroyed %s\n", v)
		}
		return nil
	}
	if err := deploy.RetireNodes(ctx, api, victims, end, b.log, b.poll); err != nil {
		return fmt.Errorf("env %s: scale to %d workers: %w", b.env.Name, workers, err)
	}
	return nil
}

// leave has a drained node's engine leave the swarm, so that its node is
// down at once rather than when the swarm misses its heartbeats; it is
// only a speed-up, so a failure is said and passed over.
func (b *Backend) leave(ctx context.Context, v vm, n deploy.Node) {
	if !n.Joined || v.Status != "running" || n.Addr == "" {
		return
	}
	eng, err := b.engine(ctx, v, n.Addr)
	if err == nil {
		defer eng.Close()
		_, err = eng.SwarmLeave(ctx, client.SwarmLeaveOptions{})
	}
	if err != nil {
		fmt.Fprintf(b.log, "%s did not leave the swarm (%s): its node goes down with the VM\n", v, oneLine(err.Error()))
	}
}

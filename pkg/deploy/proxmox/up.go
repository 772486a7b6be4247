package proxmox

import (
	"context"
	"fmt"
	"slices"
	"strings"

	pve "github.com/luthermonson/go-proxmox"
)

// Up implements deploy.Backend: it clones the VMs missing for managers
// managers and workers workers (managers each on a PVE node of their
// own, workers spread over the targets), gives them cloud-init's user and
// key, tags them, starts the env's stopped VMs, waits for their
// addresses, makes the first manager a swarm (over SSH, through its
// engine) and has the others join. What exists is kept: a second Up
// changes nothing and says nothing; an interrupted one is finished by
// the next (its VMs are found by tag, or by name and Marker).
func (b *Backend) Up(ctx context.Context, managers, workers int) ([]string, error) {
	if managers < 1 || workers < 0 {
		return nil, fmt.Errorf("env %s: up: want 1 manager or more and 0 workers or more, not %d and %d", b.env.Name, managers, workers)
	}
	c, err := b.client()
	if err != nil {
		return nil, err
	}
	in, err := b.inventory(ctx, c)
	if err == nil {
		in, err = b.settled(ctx, c, in)
	}
	if err != nil {
		return nil, err
	}
	var plan []newVM
	if m, w := len(roleOf(in.env, roleManager)) < managers, len(roleOf(in.env, roleWorker)) < workers; m || w {
		for role, clone := range map[string]bool{roleManager: m, roleWorker: w} {
			if _, err := b.template(in, role); clone && err != nil {
				return nil, err
			}
		}
		eligible, err := b.eligible(ctx, c)
		if err != nil {
			return nil, err
		}
		if plan, err = planUp(in.env, eligible, managers, workers); err != nil {
			return nil, fmt.Errorf("env %s: %w; add PVE nodes to targets in [env.%s.proxmox], or ask for fewer managers", b.env.Name, markSetup(err), b.env.Name)
		}
	}
	var changes []string
	vms, err := b.provision(ctx, c, in, plan, true, &changes)
	if err != nil {
		return changes, err
	}
	ips, err := b.awaitAddresses(ctx, c, vms)
	if err != nil {
		return changes, err
	}
	err = b.formSwarm(ctx, vms, ips, &changes)
	return changes, err
}

// provision makes the env's VMs ready to join: it clones plan, tags the
// untagged ones and starts the new and untagged ones (all the stopped
// ones with startAll), saying each change in changes; it returns the env's VMs
// with the new ones last (startAll: all running).
func (b *Backend) provision(ctx context.Context, c *pve.Client, in *inventory, plan []newVM, startAll bool, changes *[]string) ([]vm, error) {
	var key string
	if len(plan) > 0 || slices.ContainsFunc(in.env, func(v vm) bool { return v.Untagged }) {
		if b.cfg.Address == "ipconfig" && len(plan) > 0 {
			return nil, setupf("env %s: cloning needs address = \"agent\" in [env.%s.proxmox]: gazr gives new VMs DHCP, not the static ipconfig0 addresses that address = \"ipconfig\" reads", b.env.Name, b.env.Name)
		}
		home, _ := b.home()
		var err error
		if key, err = publicKey(b.env.Name, b.cfg, home); err != nil {
			return nil, err
		}
	}
	vms := slices.Clone(in.env)
	for i, v := range vms {
		if !v.Untagged {
			continue
		}
		if err := b.configure(ctx, c, v, key); err != nil {
			return nil, err
		}
		vms[i].Untagged = false
		*changes = append(*changes, fmt.Sprintf("tagged %s as a %s (an earlier run was interrupted)", v, v.Role))
	}
	for _, p := range plan {
		v, err := b.clone(ctx, c, in, p, key)
		if err != nil {
			return nil, err
		}
		vms = append(vms, v)
		*changes = append(*changes, fmt.Sprintf("cloned %s, a %s on %s", v, p.Role, p.Node))
	}
	for i, v := range vms {
		if v.Status == "running" || !startAll && i < len(in.env) && !in.env[i].Untagged {
			continue
		}
		if err := b.start(ctx, c, v); err != nil {
			return nil, err
		}
		vms[i].Status = "running"
		*changes = append(*changes, "started "+v.String())
	}
	return vms, nil
}

// eligible are the PVE nodes new VMs may go to: the targets (in their
// order; all the cluster's nodes by default) that are online. A target
// that is no node of the cluster is a set-up error.
func (b *Backend) eligible(ctx context.Context, c *pve.Client) ([]string, error) {
	ns, err := c.Nodes(ctx)
	if err != nil {
		return nil, b.explain("list the PVE nodes", err)
	}
	online := map[string]bool{}
	var all []string
	for _, n := range ns {
		all = append(all, n.Node)
		online[n.Node] = n.Status == "online"
	}
	slices.Sort(all)
	if len(b.cfg.Targets) == 0 {
		return slices.DeleteFunc(all, func(n string) bool { return !online[n] }), nil
	}
	var out []string
	for _, t := range b.cfg.Targets {
		up, ok := online[t]
		switch {
		case !ok:
			return nil, setupf("env %s: targets in [env.%s.proxmox] names %s, which is no node of the cluster (its nodes: %s)", b.env.Name, b.env.Name, t, strings.Join(all, ", "))
		case up:
			out = append(out, t)
		default:
			fmt.Fprintf(b.log, "PVE node %s is not online: no VM goes there\n", t)
		}
	}
	return out, nil
}

// markSetup makes a NoNodeFitsError a set-up error (exit 2).
func markSetup(err error) error {
	if _, ok := err.(*NoNodeFitsError); ok {
		return setupf("%w", err)
	}
	return err
}

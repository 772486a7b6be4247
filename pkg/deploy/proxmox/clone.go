package proxmox

import (
	"context"
	"fmt"
	"slices"
	"strings"

	pve "github.com/luthermonson/go-proxmox"
)

// template returns the template of role, checked: it exists and is a
// template.
func (b *Backend) template(in *inventory, role string) (vm, error) {
	id := b.cfg.Template.Worker
	if role == roleManager {
		id = b.cfg.Template.Manager
	}
	if id == 0 {
		return vm{}, setupf("env %s: no template to clone: set template = { manager = <VM id>, worker = <VM id> } in [env.%s.proxmox]", b.env.Name, b.env.Name)
	}
	t, ok := in.byID(id)
	switch {
	case !ok:
		return vm{}, setupf("env %s: the %s template, VM %d, does not exist (or the token may not see it); check template in [env.%s.proxmox]", b.env.Name, role, id, b.env.Name)
	case !t.Template:
		return vm{}, setupf("env %s: the %s template, %s, is not a template: convert it (qm template %d, or More → Convert to template) or check template in [env.%s.proxmox]",
			b.env.Name, role, t, id, b.env.Name)
	}
	return t, nil
}

// clone makes the VM p from its role's template: the next free VM id,
// the name vmName, the env's pool, Marker in its description, on p.Node;
// then configures it (configure). It returns the VM, stopped.
func (b *Backend) clone(ctx context.Context, c *pve.Client, in *inventory, p newVM, key string) (vm, error) {
	t, err := b.template(in, p.Role)
	if err != nil {
		return vm{}, err
	}
	id, err := (&pve.Cluster{}).New(c).NextID(ctx)
	if err != nil {
		return vm{}, b.explain("get the next free VM id", err)
	}
	v := vm{ID: id, Name: vmName(b.env.Name, p.Role, p.Index), Node: p.Node, Status: "stopped", Pool: b.cfg.Pool, Role: p.Role, Untagged: true}
	opts := &pve.VirtualMachineCloneOptions{NewID: id, Name: v.Name, Pool: b.cfg.Pool, Full: pve.IntOrBool(b.cfg.FullClone),
		Description: Marker(b.env.Name, p.Role)}
	if p.Node != t.Node {
		opts.Target = p.Node
	}
	what := fmt.Sprintf("clone %s to %s on %s", t, v, p.Node)
	fmt.Fprintf(b.log, "%s…\n", what)
	_, task, err := t.ref(c).Clone(ctx, opts)
	if err != nil {
		return vm{}, b.explain(what, err)
	}
	if err := b.wait(ctx, task, what); err != nil {
		return vm{}, err
	}
	return v, b.configure(ctx, c, v, key)
}

// configure gives a VM of the env its cloud-init user and key, DHCP when
// its template set no network, the guest agent, and its tags (last: a VM
// tagged is a VM configured).
func (b *Backend) configure(ctx context.Context, c *pve.Client, v vm, key string) error {
	var cur pve.VirtualMachineConfig
	if err := c.Get(ctx, fmt.Sprintf("/nodes/%s/qemu/%d/config", v.Node, v.ID), &cur); err != nil {
		return b.explain(fmt.Sprintf("read the config of %s", v), err)
	}
	opts := []pve.VirtualMachineOption{{Name: "sshkeys", Value: pve.EncodeSSHKeys(key)}}
	if b.cfg.SSHUser != "" {
		opts = append(opts, pve.VirtualMachineOption{Name: "ciuser", Value: b.cfg.SSHUser})
	}
	if cur.IPConfigs["ipconfig0"] == "" {
		opts = append(opts, pve.VirtualMachineOption{Name: "ipconfig0", Value: "ip=dhcp"})
	}
	if b.cfg.Address == "agent" && !agentOn(cur.Agent) {
		opts = append(opts, pve.VirtualMachineOption{Name: "agent", Value: "enabled=1"})
	}
	opts = append(opts, pve.VirtualMachineOption{Name: "tags", Value: tagsFor(b.cfg, v.Role, splitTags(cur.Tags))})
	what := fmt.Sprintf("configure %s (cloud-init, tags)", v)
	task, err := v.ref(c).Config(ctx, opts...)
	if err != nil {
		return b.explain(what, err)
	}
	return b.wait(ctx, task, what)
}

// agentOn reads the agent option ("1", "enabled=1,fstrim_cloned_disks=1").
func agentOn(s string) bool {
	for _, kv := range strings.Split(s, ",") {
		k, val, ok := strings.Cut(kv, "=")
		if !ok {
			val = k
		} else if k != "enabled" {
			continue
		}
		return slices.Contains([]string{"1", "on", "yes", "true"}, val)
	}
	return false
}

// start starts v and waits for its task. A start task that fails while
// v is running is no failure: a start an interrupted run had asked for
// ran first (PVE queues both, and the second ends "VM … already
// running").
func (b *Backend) start(ctx context.Context, c *pve.Client, v vm) error {
	what := "start " + v.String()
	ref := v.ref(c)
	task, err := ref.Start(ctx)
	if err != nil {
		return b.explain(what, err)
	}
	err = b.wait(ctx, task, what)
	if err != nil && ctx.Err() == nil && ref.Ping(ctx) == nil && ref.IsRunning() {
		return nil
	}
	return err
}

// stop stops v at once (the power cord) and waits for its task.
func (b *Backend) stop(ctx context.Context, c *pve.Client, v vm) error {
	what := "stop " + v.String()
	task, err := v.ref(c).Stop(ctx)
	if err != nil {
		return b.explain(what, err)
	}
	return b.wait(ctx, task, what)
}

// destroy shuts v down (stopping it when a clean shutdown fails or
// takes longer than b.timeouts.Shutdown), then deletes it with its disks.
func (b *Backend) destroy(ctx context.Context, c *pve.Client, v vm) error {
	if v.Status == "running" {
		sctx, cancel := context.WithTimeout(ctx, b.timeouts.Shutdown)
		task, err := v.ref(c).Shutdown(sctx)
		if err == nil {
			err = b.wait(sctx, task, "shut down "+v.String())
		}
		cancel()
		if err != nil && ctx.Err() == nil {
			fmt.Fprintf(b.log, "%s did not shut down cleanly (%s): stopping it\n", v, oneLine(err.Error()))
			if err := b.stop(ctx, c, v); err != nil {
				return err
			}
		}
	}
	what := "destroy " + v.String()
	task, err := v.ref(c).Delete(ctx, &pve.VirtualMachineDeleteOptions{Purge: true, DestroyUnreferencedDisks: true})
	if err != nil {
		return b.explain(what, err)
	}
	return b.wait(ctx, task, what)
}

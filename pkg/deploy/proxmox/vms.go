package proxmox

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	pve "github.com/luthermonson/go-proxmox"

	"github.com/gazr-io/gazr/pkg/deploy"
)

// vm is one of the cluster's VMs as gazr sees it.
type vm struct {
	ID         int
	Name, Node string
	// Status is PVE's (running, stopped…).
	Status   string
	Tags     []string
	Pool     string
	Template bool
	// Role is the env's role of the VM; "" for a VM not the env's.
	Role string
	// Untagged: a VM of the env found by its name and Marker, which a run
	// interrupted after its clone did not tag yet.
	Untagged bool
	// Lock is PVE's lock of the VM's config ("clone" while a clone task
	// makes it, "migrate"…), "" for none.
	Lock string
}

func (v vm) String() string { return fmt.Sprintf("VM %d (%s)", v.ID, v.Name) }

// ref is the client's handle of v, without a request.
func (v vm) ref(c *pve.Client) *pve.VirtualMachine { return c.NodeRef(v.Node).VirtualMachineRef(v.ID) }

// machineState maps PVE's VM states.
func machineState(status string) deploy.MachineState {
	switch status {
	case "running":
		return deploy.MachineRunning
	case "stopped", "paused", "suspended":
		return deploy.MachineStopped
	case "prelaunch":
		return deploy.MachinePending
	}
	return deploy.MachineUnknown
}

// inventory is the cluster's VMs, read in one listing.
type inventory struct {
	all []vm // every VM, templates too
	env []vm // the env's VMs with a role: managers first, then by name
}

// role returns the env's VMs of role.
func (in *inventory) role(role string) []vm {
	var out []vm
	for _, v := range in.env {
		if v.Role == role {
			out = append(out, v)
		}
	}
	return out
}

// byID returns the VM of id.
func (in *inventory) byID(id int) (vm, bool) {
	for _, v := range in.all {
		if v.ID == id {
			return v, true
		}
	}
	return vm{}, false
}

// resource is a VM of /cluster/resources, with the lock that
// go-proxmox's ClusterResource leaves out.
type resource struct {
	Type     string `json:"type"`
	VMID     int    `json:"vmid"`
	Name     string `json:"name"`
	Node     string `json:"node"`
	Status   string `json:"status"`
	Tags     string `json:"tags"`
	Pool     string `json:"pool"`
	Template int    `json:"template"`
	Lock     string `json:"lock"`
}

// inventory lists the cluster's VMs and picks the env's.
func (b *Backend) inventory(ctx context.Context, c *pve.Client) (*inventory, error) {
	var rs []resource
	if err := c.Get(ctx, "/cluster/resources?type=vm", &rs); err != nil {
		return nil, b.explain("list the cluster's VMs", err)
	}
	in := &inventory{}
	for _, r := range rs {
		if r.Type != "qemu" {
			continue
		}
		v := vm{ID: r.VMID, Name: r.Name, Node: r.Node, Status: r.Status, Tags: splitTags(r.Tags), Pool: r.Pool, Template: r.Template != 0, Lock: r.Lock}
		in.all = append(in.all, v)
		if v.Template {
			continue
		}
		role, ok := inEnv(b.cfg, v.Tags, v.Pool)
		named, _, byName := parseName(b.env.Name, v.Name)
		switch {
		case ok && role != "":
			v.Role = role
		case !byName:
		case ok, v.Lock == "clone", (b.cfg.Pool == "" || v.Pool == b.cfg.Pool) && b.marked(ctx, c, v, named):
			// A clone still being made is taken as the env's until its
			// task ends (settled waits, then reads it again): its config
			// is read from its source node, which it leaves at any time.
			v.Role, v.Untagged = named, true
		}
		if v.Role != "" {
			in.env = append(in.env, v)
		}
	}
	slices.SortFunc(in.env, func(a, z vm) int {
		_, ia, _ := parseName(b.env.Name, a.Name)
		_, iz, _ := parseName(b.env.Name, z.Name)
		return cmp.Or(boolCmp(a.Role != roleManager, z.Role != roleManager), cmp.Compare(ia, iz), cmp.Compare(a.Name, z.Name), cmp.Compare(a.ID, z.ID))
	})
	return in, nil
}

// marked says whether v's description holds the Marker of role: a VM
// gazr cloned for the env and did not tag yet. An error is a no.
func (b *Backend) marked(ctx context.Context, c *pve.Client, v vm, role string) bool {
	var cfg pve.VirtualMachineConfig
	if err := c.Get(ctx, fmt.Sprintf("/nodes/%s/qemu/%d/config", v.Node, v.ID), &cfg); err != nil {
		return false
	}
	return strings.Contains(cfg.Description, Marker(b.env.Name, role))
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// parseVMID reads a VM id as StartNode and StopNode take it.
func parseVMID(s string) (int, bool) {
	id, err := strconv.Atoi(s)
	return id, err == nil && id >= 100
}

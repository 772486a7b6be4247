package deploy

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"
)

// Machine is one of an env's machines (an EC2 instance, a Proxmox VM) as
// a backend with machines knows it, for JoinMachines.
type Machine struct {
	// ID identifies it to the backend: it becomes Node.Instance.
	ID string
	// Hostname is the hostname its swarm node has, when the backend
	// knows it (a tag the join script set, the VM's name); Addr its
	// address in the swarm (the private IP).
	Hostname, Addr string
	State          MachineState
	// Manager: the machine is meant to be a manager.
	Manager bool
	// Group and Host become Node.Group and Node.Host.
	Group, Host string
}

// JoinMachines gives each swarm node its machine (by hostname, else by
// address; the Ready nodes first each time, and a live machine before a
// gone one, so that a node Down since its machine went leaves the
// hostname and address, which clouds reuse, to the node that joined from
// a new machine), and appends the live machines that have not joined. A
// node with no machine left has Machine gone.
func JoinMachines(machines []Machine, nodes []Node) []Node {
	ms := slices.Clone(machines)
	slices.SortStableFunc(ms, func(a, b Machine) int { return boolCmp(a.State == MachineGone, b.State == MachineGone) })
	claimed := make([]bool, len(ms))
	out := slices.Clone(nodes)
	at := make([]int, len(out)) // index in ms, -1: none
	for i := range at {
		at[i] = -1
	}
	match := func(i int, ok func(m Machine) bool) {
		for j, m := range ms {
			if !claimed[j] && ok(m) {
				claimed[j], at[i] = true, j
				return
			}
		}
	}
	byHostname := func(n Node) func(Machine) bool {
		return func(m Machine) bool { return n.Hostname != "" && m.Hostname == n.Hostname }
	}
	byAddr := func(n Node) func(Machine) bool {
		return func(m Machine) bool { return n.Addr != "" && m.Addr == n.Addr }
	}
	for _, by := range []func(Node) func(Machine) bool{byHostname, byAddr} {
		for _, ready := range []bool{true, false} {
			for i, n := range out {
				if at[i] < 0 && n.Ready == ready {
					match(i, by(n))
				}
			}
		}
	}
	for i := range out {
		if at[i] < 0 {
			out[i].Machine = MachineGone
			continue
		}
		m := ms[at[i]]
		out[i].Instance, out[i].Group, out[i].Host, out[i].Machine = m.ID, m.Group, m.Host, m.State
	}
	for j, m := range ms {
		if claimed[j] || m.State == MachineGone {
			continue
		}
		out = append(out, Node{Hostname: m.Hostname, Addr: m.Addr, Manager: m.Manager,
			Instance: m.ID, Machine: m.State, Group: m.Group, Host: m.Host})
	}
	return out
}

// article is "an" before a word sounding a vowel ("instance"), else "a".
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiouAEIOU", rune(word[0])) {
		return "an"
	}
	return "a"
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

// PruneGone removes from the swarm the joined nodes whose machine is
// gone (nodes as JoinMachines returns them), never one whose machine
// exists, and returns them. It refuses when no node matches a machine at
// all, or when a Ready node matches none (a node whose machine is gone
// goes down): then the env's machines are wrongly found, not all gone.
// machine names a machine in messages ("instance", "VM"); fix says what
// to check then ("check managers and workers in [env.staging.aws]").
func PruneGone(ctx context.Context, api client.NodeAPIClient, nodes []Node, log io.Writer, machine, fix string) ([]Node, error) {
	var gone []Node
	var alive []string // ready nodes no machine matched: their machines run
	matched := false
	for _, n := range nodes {
		switch {
		case n.Joined && n.Machine == MachineGone:
			gone = append(gone, n)
			if n.Instance == "" && n.Ready {
				alive = append(alive, n.Hostname)
			}
		case n.Joined:
			matched = true
		}
	}
	if len(gone) > 0 && !matched {
		return nil, fmt.Errorf("none of the swarm's %d nodes matches %s %s of the env: refusing to remove them all; %s", len(gone), article(machine), machine, fix)
	}
	if len(alive) > 0 {
		return nil, fmt.Errorf("%d ready nodes match no %s of the env (%s): their machines run, so the env's %ss miss them; refusing to prune; %s",
			len(alive), machine, strings.Join(alive, ", "), machine, fix)
	}
	var removed []Node
	for _, n := range gone {
		if err := RemoveNode(ctx, api, n); err != nil {
			return removed, err
		}
		fmt.Fprintf(log, "removed node %s (%s): its %s is gone\n", n.Hostname, n.ID, machine)
		removed = append(removed, n)
	}
	return removed, nil
}

// RemoveNode removes a node from the swarm, demoting it first if it is a
// manager (the swarm removes only workers).
func RemoveNode(ctx context.Context, api client.NodeAPIClient, n Node) error {
	if n.Manager {
		res, err := api.NodeInspect(ctx, n.ID, client.NodeInspectOptions{})
		if err != nil {
			return fmt.Errorf("node %s: %w", n.ID, err)
		}
		spec := res.Node.Spec
		spec.Role = swarm.NodeRoleWorker
		if _, err := api.NodeUpdate(ctx, n.ID, client.NodeUpdateOptions{Version: res.Node.Version, Spec: spec}); err != nil {
			return fmt.Errorf("demote node %s: %w", n.ID, err)
		}
	}
	if _, err := api.NodeRemove(ctx, n.ID, client.NodeRemoveOptions{Force: true}); err != nil {
		return fmt.Errorf("remove node %s: %w", n.ID, err)
	}
	return nil
}

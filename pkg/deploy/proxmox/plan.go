package proxmox

import (
	"fmt"
	"slices"
	"strings"
)

// newVM is a VM Up or ScaleNodes clones: its role, the index in its name
// and the PVE node it goes to.
type newVM struct {
	Role  string
	Index int
	Node  string
}

// NoNodeFitsError: the managers cannot each have a PVE node of their own.
type NoNodeFitsError struct {
	Managers int      // managers wanted in all
	Free     []string // eligible nodes that hold no manager
	Eligible []string
}

func (e *NoNodeFitsError) Error() string {
	return fmt.Sprintf("no PVE node fits: %d managers need %d distinct PVE nodes (losing a host must not lose quorum), and %d of the online targets (%s) hold no manager yet",
		e.Managers, e.Managers, len(e.Free), strings.Join(e.Eligible, ", "))
}

// planUp is what Up clones to have managers managers and workers workers,
// given the env's VMs (what exists is kept, never removed) and the PVE
// nodes VMs may go to, in order: each new manager on a node that holds no
// manager, each new worker on the node with the fewest workers (the
// first in eligible on a tie), so that workers spread round-robin.
func planUp(existing []vm, eligible []string, managers, workers int) ([]newVM, error) {
	var plan []newVM
	mgrs := roleOf(existing, roleManager)
	if need := managers - len(mgrs); need > 0 {
		var free []string
		for _, n := range eligible {
			if !slices.ContainsFunc(mgrs, func(v vm) bool { return v.Node == n }) {
				free = append(free, n)
			}
		}
		if len(free) < need {
			return nil, &NoNodeFitsError{Managers: managers, Free: free, Eligible: eligible}
		}
		idx := freeIndexes(existing, roleManager, need)
		for i := range need {
			plan = append(plan, newVM{Role: roleManager, Index: idx[i], Node: free[i]})
		}
	}
	if need := workers - len(roleOf(existing, roleWorker)); need > 0 {
		ws, err := planWorkers(existing, eligible, need)
		if err != nil {
			return nil, err
		}
		plan = append(plan, ws...)
	}
	return plan, nil
}

// planWorkers places n new workers on the eligible nodes with the fewest
// workers of the env.
func planWorkers(existing []vm, eligible []string, n int) ([]newVM, error) {
	if len(eligible) == 0 {
		return nil, fmt.Errorf("no PVE node fits: no target is online")
	}
	load := map[string]int{}
	for _, v := range roleOf(existing, roleWorker) {
		load[v.Node]++
	}
	idx := freeIndexes(existing, roleWorker, n)
	out := make([]newVM, n)
	for i := range n {
		best := eligible[0]
		for _, node := range eligible[1:] {
			if load[node] < load[best] {
				best = node
			}
		}
		load[best]++
		out[i] = newVM{Role: roleWorker, Index: idx[i], Node: best}
	}
	return out, nil
}

func roleOf(vms []vm, role string) []vm {
	var out []vm
	for _, v := range vms {
		if v.Role == role {
			out = append(out, v)
		}
	}
	return out
}

// freeIndexes are the n lowest indexes of role that no VM of the env is
// named with (gazr names VMs <env>-<role>-<index>).
func freeIndexes(existing []vm, role string, n int) []int {
	used := map[int]bool{}
	for _, v := range existing {
		if r, i, ok := parseNameAny(v.Name); ok && r == role {
			used[i] = true
		}
	}
	var out []int
	for i := 1; len(out) < n; i++ {
		if !used[i] {
			out = append(out, i)
		}
	}
	return out
}

// parseNameAny reads the role and index of a name made by vmName for any
// env (the env's VMs are already picked).
func parseNameAny(name string) (role string, i int, ok bool) {
	m := nameRE.FindStringSubmatch(name)
	if m == nil {
		return "", 0, false
	}
	_, _ = fmt.Sscanf(m[3], "%d", &i)
	return m[2], i, true
}
